"""Generated commentary: plain sentences per indicator and per project, in Japanese or English.

Every number comes from the result tables (grading.evaluate / progress_table / audit) and is
formatted as the source prints it (1,000 separators, 億円, 万人, ポイント for % differences).
The sentences themselves live in labels.py (keys commentary.*); this module picks and fills them.
"""

from __future__ import annotations

import unicodedata

import pandas as pd

from kpi_lib.core import numbers
from kpi_lib.core.fiscal_year import common_basis, fiscal_year_label, year_label
from kpi_lib.core.formatting import (
    format_number,
    format_rate,
    indicator_name,
    name_notes,
    quantity,
    running_total,
    unit,
    visible_decimals,
)
from kpi_lib.core.frames import records
from kpi_lib.core.labels import text
from kpi_lib.dataset.scheme import Scheme


def _say(key: str, lang: str, words=None, **values) -> str:
    """A commentary sentence (labels.py, keys commentary.*) with its placeholders filled in, in the
    dataset's `words` (its scheme: labels.text)."""
    return text(f"commentary.{key}", lang, words).format(**values)


def _fy(year, lang: str) -> str:
    """A fiscal year: the evaluation year (the report's), or when a target was revised."""
    return fiscal_year_label(int(year), lang)


def _yr(year, r, lang: str) -> str:
    """A year of the indicator's own figures (its actuals, baseline, targets, national values),
    named as its year basis allows (indicators.csv year_basis): 平成30年度 only where the data
    says its figures are fiscal-year ones, 平成30年 where calendar-year, else H30 (the source
    table's heading), which claims neither."""
    return year_label(int(year), lang, r.get("year_basis") or "not_stated")


def _amount(value, decimals, r, lang: str) -> str:
    return quantity(r, value, decimals, lang)


def _difference(value, decimals, r, lang: str) -> str:
    """A difference between two values: percentages differ in points, not percent. A non-zero
    difference is never shown as 0 (more decimals where the indicator's precision would round it away)."""
    u = unit(r, lang)
    decimals = visible_decimals(value, decimals)
    if unicodedata.normalize("NFKC", u).strip() == "%":  # ％ (full width) too: points, not percent
        return _say("points", lang, number=format_number(abs(value), decimals))
    return quantity(r, abs(value), decimals, lang)


def _decimals(r) -> int:
    """The indicator's display precision (dataset `decimals`; at least that of its latest actual)."""
    own = 0 if numbers.is_missing(r.get("actual_decimals")) else int(r["actual_decimals"])
    return max(own, 0 if numbers.is_missing(r.get("decimals")) else int(r["decimals"]))


def _points(rate, scheme: Scheme) -> str:
    """100 − the progress rate, in the scheme's decimals; "" where it would read 0 for a target
    not reached (a rate that rounds to 100.0)."""
    if numbers.is_missing(rate):
        return ""
    shown = numbers.round_half_up(abs(100 - float(rate)), scheme.decimals)
    return "" if shown == 0 else format_number(shown, scheme.decimals)


def total_unknown(r) -> bool:
    """A cumulative target whose running total is unknown: an actual, but no measured total
    (grading.py leaves it empty once a year of the period has no value)."""
    return (
        r.get("target_kind") == "cumulative"
        and not numbers.is_missing(r.get("actual"))
        and numbers.is_missing(r.get("measured"))
    )


def _total_unknown_sentence(r: dict, graded: pd.DataFrame, lang: str, words=None) -> str:
    """Which years of the period have no value, and that the total up to the latest is unknown."""
    start, latest_year = int(r["period_start"]), int(r["latest_year"])
    given = set(graded.loc[graded["indicator"] == r["indicator"], "year"].astype(int))
    missing = [y for y in range(start, min(latest_year, int(r["period_end"])) + 1) if y not in given]
    return _say(
        "running_total_unknown",
        lang,
        words,
        missing=text("commentary.counts_separator", lang).join(_yr(y, r, lang) for y in missing),
        start=_yr(start, r, lang),
        latest_year=_yr(latest_year, r, lang),
    )


def indicator_commentary(
    r: dict, graded: pd.DataFrame, previous: dict | None, findings: pd.DataFrame, scheme: Scheme, lang: str = "ja"
) -> list[str]:
    """Sentences about one indicator for the evaluation year of `r` (a row of evaluate())."""
    out: list[str] = []
    if r["name_source"] == "missing":
        out.append(_say("name_missing", lang))
    elif r["name_source"] == "analysis_text":  # its mark (※ / §) explained, as the tables do under them
        out.append(_say("name_from_analysis_text", lang))
    year = int(r["evaluation_year"])
    if numbers.is_missing(r["latest_year"]):
        nm = scheme.not_measured
        if nm is not None and r["grade"] == nm.grade:  # the scheme's own rule: no actual of the year, no rate
            state = r["actual_state_in_year"]
            why = text(
                f"commentary.why.{state if state in (numbers.NOT_YET, numbers.NOT_MEASURED) else 'not_given'}", lang
            )
            label = nm.label_ja if lang == "ja" else nm.label_en
            out.append(_say("not_measured", lang, year=_yr(year, r, lang), why=why, grade=nm.grade, label=label))
        else:
            out.append(_say("no_actual", lang, year=_yr(year, r, lang)))
        return out
    d = _decimals(r)
    latest_year = int(r["latest_year"])
    if latest_year < year:
        state = r["actual_state_in_year"]
        why = text(f"commentary.why.{state if state in (numbers.NOT_YET, numbers.NOT_MEASURED) else 'not_given'}", lang)
        out.append(
            _say("earlier_actual", lang, year=_yr(year, r, lang), why=why, latest_year=_yr(latest_year, r, lang))
        )
    latest = _amount(r["actual"], d, r, lang)
    history = graded[(graded["indicator"] == r["indicator"]) & (graded["year"] < latest_year)]
    if len(history):
        prev = history.iloc[-1]
        change = float(r["actual"]) - float(prev["actual"])
        # both are exact at the indicator's precision: their difference rounded to it is exact too
        same = numbers.round_half_up(change, max(d, int(prev["actual_decimals"]), 0)) == 0
        values = dict(
            latest=latest,
            latest_year=_yr(latest_year, r, lang),
            previous_year=_yr(prev["year"], r, lang),
            previous=_amount(prev["actual"], prev["actual_decimals"], r, lang),
        )
        if same:
            out.append(_say("actual_same", lang, **values))
        else:
            out.append(
                _say(
                    "actual_up" if change > 0 else "actual_down",
                    lang,
                    difference=_difference(change, d, r, lang),
                    **values,
                )
            )
    else:
        out.append(_say("actual", lang, latest=latest, latest_year=_yr(latest_year, r, lang)))
    if r.get("year_basis") == "calendar":  # the report's own year is a fiscal one: said once per indicator
        out.append(_say("calendar_year", lang))
    if not numbers.is_missing(r.get("counted_from")):  # indicators.csv counted_from: followed, and said
        out.append(
            _say(
                "counted_from",
                lang,
                scheme,
                first=_yr(r["counted_from"], r, lang),
                start=_yr(r["period_start"], r, lang),
                end=_yr(r["period_end"], r, lang),
            )
        )
    total = running_total(r)
    if total_unknown(r):  # a year of the period without a value: no sum is stated, nor a gap from it
        out.append(_total_unknown_sentence(r, graded, lang, scheme))
    elif total is not None:
        out.append(
            _say(
                "running_total",
                lang,
                scheme,
                start=_yr(r["period_start"], r, lang),
                latest_year=_yr(latest_year, r, lang),
                total=_amount(total, d, r, lang),
            )
        )
    out += _revision(r, lang)
    out += _reference_gap(r, scheme, lang) if scheme.uses_milestones else _gap_sentences(r, scheme, lang)
    if not (total_unknown(r) and not r.get("grade_shown", r["grade"])):  # a grade to state
        out.append(_grade_sentence(r, previous, scheme, lang))
    for f in findings.itertuples():
        key = "published_rate" if f.figure == "progress_rate" else "published_grade"
        out.append(
            _say(
                key,
                lang,
                scheme,
                year=_yr(f.year, r, lang),
                published=f.published,
                recomputed=f.recomputed,
                arithmetic=f.arithmetic,
            )
        )
    if r["national_provenance"] == "derived":
        out.append(_say("derived_national", lang, scheme))
    return out


def _revision(r: dict, lang: str) -> list[str]:
    """A revised target, raised or lowered, and when, where the source says (revisions.csv);
    where it does not, that it does not, never a guessed year."""
    if numbers.is_missing(r.get("revised_target")) or numbers.is_missing(r.get("target")):
        return []
    revised, original = float(r["revised_target"]), float(r["target"])
    if revised == original:
        return []
    when = r.get("revised_in")
    return [
        _say(
            "revised_raised" if revised > original else "revised_lowered",
            lang,
            original=_amount(original, r.get("target_decimals"), r, lang),
            revised=_amount(revised, r.get("revised_target_decimals"), r, lang),
            when=_say("revised_when", lang, year=_fy(when, lang))
            if not numbers.is_missing(when)
            else text("commentary.revised_when_unknown", lang),
        )
    ]


def _gap_sentences(r: dict, scheme: Scheme, lang: str) -> list[str]:
    if total_unknown(r):
        return []
    d = _decimals(r)
    kind = r["target_kind"]
    ref, measured = r["reference"], r["measured"]
    if numbers.is_missing(ref):
        return []
    lower = r["direction"] == "lower"
    ref_text = _amount(ref, None, r, lang)
    if kind == "national":
        what = _say("what.national", lang, reference=ref_text, year=_yr(r["latest_year"], r, lang))
    elif kind in ("above_baseline", "at_least_baseline"):
        what = _say("what.baseline", lang, reference=ref_text)
    elif kind == "cumulative":
        what = _say(
            "what.cumulative",
            lang,
            reference=ref_text,
            year=_yr(r["target_year"], r, lang),
            start=_yr(r["period_start"], r, lang),
            end=_yr(r["period_end"], r, lang),
        )
    elif not numbers.is_missing(r.get("revised_target")):  # graded against the revised one: named so
        what = _say("what.revised_target", lang, reference=ref_text, year=_yr(r["revised_target_year"], r, lang))
    else:
        what = _say("what.target", lang, reference=ref_text, year=_yr(r["target_year"], r, lang))
    if r["achieved"]:
        return [_say("reached", lang, what=what)]
    gap = abs(float(ref) - float(measured))
    rate = r["progress_rate"]
    points = _points(rate, scheme)
    out = []
    if kind == "above_baseline" and round(gap, 9) == 0:
        out.append(_say("no_increase", lang, what=what))
    elif _differs(rate, r.get("rate_shown", rate)):
        # the rate shown is the published one: points from ours would contradict it (the check
        # sentence below gives both)
        out.append(_say("gap_no_points", lang, what=what, gap=_difference(gap, d, r, lang)))
    else:
        out.append(
            _say(
                "gap" if points else "gap_only",
                lang,
                scheme,
                what=what,
                gap=_difference(gap, d, r, lang),
                points=points,
            )
        )
    if kind in ("value", "cumulative"):
        end = int(r["period_end"] if kind == "cumulative" else r["target_year"])
        latest_year = int(r["latest_year"])
        years_left = end - latest_year
        if years_left > 0 and int(r["evaluation_year"]) > end:
            out.append(_say("target_year_pending", lang, year=_yr(end, r, lang)))
        elif years_left > 0:
            change = "addition" if kind == "cumulative" else "decrease" if lower else "increase"
            out.append(
                _say(
                    "pace_needed",
                    lang,
                    year=_yr(end, r, lang),
                    pace=_difference(gap / years_left, d, r, lang),
                    change=text(f"commentary.change.{change}", lang),
                )
            )
        else:  # in the target year itself the year has not passed: its actual fell short
            out.append(
                _say("target_year_missed" if latest_year == end else "target_year_passed", lang, year=_yr(end, r, lang))
            )
    return out


def _differs(a, b) -> bool:
    if numbers.is_missing(a) or numbers.is_missing(b):
        return numbers.is_missing(a) != numbers.is_missing(b)
    return round(float(a) - float(b), 6) != 0


def _reference_gap(r: dict, scheme: Scheme, lang: str) -> list[str]:
    """Where the scheme grades against the year's milestone (目安値) or expected value (期待値):
    the gap to that value, named as what it is and with its own year, never as the target."""
    if total_unknown(r):
        return []
    ref = r["reference"]
    if numbers.is_missing(ref):
        return []
    what = _say(
        f"what.{scheme.reference}", lang, reference=_amount(ref, None, r, lang), year=_yr(r["latest_year"], r, lang)
    )
    out = [_say(f"graded_against.{scheme.reference}", lang, scheme)]
    if r["achieved"]:
        return [*out, _say("reached", lang, what=what)]
    gap = abs(float(ref) - float(r["measured"]))
    points = _points(r["progress_rate"], scheme)
    gap_text = _difference(gap, _decimals(r), r, lang)
    return [*out, _say("gap" if points else "gap_only", lang, scheme, what=what, gap=gap_text, points=points)]


def _grade_sentence(r: dict, previous: dict | None, scheme: Scheme, lang: str) -> str:
    # the grade shown (the published one where there is one); ours is said to be ours
    shown = r.get("grade_shown", r["grade"])
    grade = shown if shown else r["grade"]
    band = scheme.for_indicator(r["indicator"]).band(grade)
    key = "grade_computed" if r.get("grade_source") == "computed" else "grade"
    now = _say(key, lang, scheme, grade=grade, label=band.label_ja if lang == "ja" else band.label_en)
    if key == "grade_computed":
        now += text("commentary.sentence_gap", lang) + text(
            f"commentary.computed_because.{r['published_grade_note']}", lang, scheme
        )
    if previous is None or not previous.get("grade_shown", previous.get("grade")):
        return now
    old = previous.get("grade_shown", previous.get("grade"))
    move = scheme.compare(old, grade)
    key = (
        ("grade_unchanged" if old == grade else "grade_changed")
        if move == 0
        else "grade_improved"
        if move > 0
        else "grade_fell"
    )
    return (
        now
        + text("commentary.sentence_gap", lang)
        + _say(key, lang, scheme, year=_fy(previous["evaluation_year"], lang), old=old)
    )


def project_commentary(
    results: pd.DataFrame, changes: pd.DataFrame | None, scheme: Scheme, lang: str = "ja"
) -> list[str]:
    """Sentences summarising one project's (or all projects') grades for the evaluation year;
    `changes` is changes.grade_changes from the previous year (None for the first year)."""
    year = int(results["evaluation_year"].iloc[0])
    # an indicator shared by several projects counts once and is named once, with its projects
    memberships = results.groupby("indicator", sort=False)["project"].agg(list)
    results = results.drop_duplicates("indicator")
    # the official record first: the published grades, and ours only where none is published,
    # counted apart so a computed grade never passes for a published one
    counts = results["grade_shown"].value_counts()
    computed = results.loc[results["grade_source"] == "computed", "grade_shown"].value_counts()
    all_computed = len(computed) and computed.sum() == counts.sum()
    order = [g for g in scheme.counted_grades if counts.get(g, 0)]
    parts = [
        _say("count_computed", lang, grade=g, n=counts[g], computed=computed[g])
        if computed.get(g, 0) and not all_computed
        else _say("count", lang, grade=g, n=counts[g])
        for g in order
    ]
    ungraded = int((results["grade_shown"] == "").sum())
    names_separator = text("commentary.names_separator", lang)
    if not parts:  # nothing graded yet: said so, not an empty list of counts
        return [_say("project_counts_none", lang, year=_fy(year, lang), n=len(results))]
    out = [
        _say(
            "project_counts" if len(results) != 1 else "project_counts_one",
            lang,
            year=_fy(year, lang),
            n=len(results),
            counts=text("commentary.counts_separator", lang).join(parts),
        )
    ]
    # data age: a grade for the year may rest on an older actual (none yet, or not measured)
    older = results[(results["grade_shown"] != "") & (results["latest_year"].astype(float) < year)]
    if len(older):
        by_year = older["latest_year"].astype(int).value_counts().sort_index(ascending=False)
        # years of actuals of several indicators: named as their year bases all allow
        basis = {"year_basis": common_basis(older.get("year_basis", ["not_stated"]))}
        years = text("commentary.counts_separator", lang).join(
            _say("older_actual_year", lang, year=_yr(y, basis, lang), n=n) for y, n in by_year.items()
        )
        out.append(_say("older_actuals", lang, n=len(older), year=_yr(year, basis, lang), years=years))
    if len(computed):
        why = results.loc[results["grade_source"] == "computed", "published_grade_note"].value_counts()
        reasons = text("commentary.counts_separator", lang).join(
            _say(f"computed_why.{note}", lang, n=why[note]) for note in ("not_given", "not_published") if why.get(note)
        )
        out.append(
            _say("computed_all" if all_computed else "computed_some", lang, scheme, n=computed.sum(), why=reasons)
        )
    if ungraded:
        # an actual whose running total is unknown is not "without an actual": said apart
        shown = results["grade_shown"] if "grade_shown" in results else results["grade"]
        unknown = int(sum(total_unknown(x) for x in records(results[shown == ""])))
        if ungraded > unknown:
            out.append(_say("ungraded", lang, n=ungraded - unknown))
        if unknown:
            out.append(_say("ungraded_total_unknown", lang, n=unknown))
    named = []  # the name sources of the indicators the sentences name: a marked name is explained
    if scheme.ranking:
        worst = scheme.ranking[-1]
        named += list(results.loc[results["grade_shown"] == worst, "name_source"])
        names = [
            _with_projects(indicator_name(r, lang), memberships[r["indicator"]], lang, scheme)
            for r in records(results[results["grade_shown"] == worst])
        ]
        if names:
            out.append(_say("worst", lang, grade=worst, names=names_separator.join(names)))
    if changes is not None:
        py = _fy(year - 1, lang)
        if len(changes):
            items = [
                _say(
                    "change_item",
                    lang,
                    name=_with_projects(indicator_name(r, lang), memberships.get(r["indicator"], []), lang, scheme),
                    old=r["grade_from"] or "—",
                    new=r["grade_to"] or "—",
                )
                for r in records(changes.drop_duplicates("indicator"))
            ]
            out.append(_say("changes", lang, scheme, year=py, items=names_separator.join(items)))
            named += list(changes["name_source"])
        else:
            out.append(_say("no_changes", lang, scheme, year=py))
    return out + name_notes(named, lang)


def _with_projects(name: str, projects: list[int], lang: str, words=None) -> str:
    """The name, followed by its projects where it belongs to more than one."""
    if len(projects) < 2:
        return name
    return _say(
        "shared_name", lang, words, name=name, projects=text("report.projects_separator", lang).join(map(str, projects))
    )


def _per_year(value, decimals, r, lang: str, words: str = "change") -> str:
    """A slope in words: 年3,305日の増加 / an increase of 3,305 days a year (shown to one more
    decimal than the actuals, so a slope of 0.012 is not rounded to 0)."""
    shown = numbers.round_half_up(abs(float(value)), decimals + 1)
    if shown == 0:
        return text("commentary.per_year_flat", lang)
    change = text(f"commentary.{words}.{'increase' if value > 0 else 'decrease'}", lang)
    article = "an" if change[:1] in "aeiou" else "a"
    return _say("per_year", lang, amount=_difference(shown, None, r, lang), change=change, article=article)


def _signed(x, decimals, r, lang: str) -> str:
    """A change a year, signed (+ up, − down), to one decimal more than the actuals (a slope of
    0.012 is not rounded to 0)."""
    shown = numbers.round_half_up(abs(float(x)), decimals + 1)
    sign = "" if shown == 0 else "+" if x > 0 else "−"
    return sign + _difference(shown, None, r, lang)


def _slope(x, decimals, r, lang: str) -> str:
    return _say("slope", lang, amount=_signed(x, decimals, r, lang))


def _interval(low, high, decimals, r, lang: str) -> str:
    """A slope's confidence interval: 年−555日～+17,869日 / −555 days to +17,869 days a year."""
    return _say("interval", lang, low=_signed(low, decimals, r, lang), high=_signed(high, decimals, r, lang))


def outlook_method(lang: str = "ja", kinds=(), words=None) -> str:
    """The one paragraph a report gives on how the outlook is made (and how it differs from the
    grade); what it does with national and cumulative targets only where `kinds` (the report's
    target kinds) has them: a report says nothing about a kind of indicator it does not hold."""
    from kpi_lib.analysis.outlook import CONFIDENCE, MIN_POINTS

    paragraph = text("outlook.method", lang, words).format(min=MIN_POINTS, confidence=f"{CONFIDENCE:.0%}")
    extra = "".join(text(f"outlook.method_{k}", lang) for k in ("national", "cumulative") if k in set(kinds))
    if not extra:
        return paragraph
    cut = paragraph.index(text("outlook.method_close", lang))  # before its closing sentences
    return paragraph[:cut] + (extra if lang == "ja" else extra + " ") + paragraph[cut:]


def outlook_commentary(r: dict, o: dict, lang: str = "ja", words=None) -> list[str]:
    """Our analysis (outlook.outlook) in words, never the official grade: the outlook, the trend
    it rests on (or why there is none), the pace of a cumulative target. Empty where the target
    is reached or there is no actual. How the outlook is made is said once per report
    (outlook_method), not here."""
    from kpi_lib.analysis.outlook import CONFIDENCE, MIN_POINTS, outlook_label

    code = o.get("outlook")
    if not code or code == "target_achieved" or numbers.is_missing(r.get("latest_year")):
        return []
    out = [_say("outlook", lang, label=outlook_label(code, lang))]
    d = _decimals(r)
    series = o.get("trend_series")
    if code == "not_achieved":
        out.append(_say("outlook_not_achieved", lang, year=_yr(o["target_year"], r, lang)))
    elif o.get("outlook_note") == "total_unknown":
        out.append(_say("projection_total_unknown", lang))
    elif o.get("outlook_note") == "no_target" and r["target_kind"] == "cumulative":
        out.append(_say("projection_no_final_total", lang, words))
    elif o.get("outlook_note") == "no_target":
        out.append(_say("projection_no_target", lang))
    elif numbers.is_missing(o.get("trend_slope")):
        points = o.get("trend_points")  # none: no actual within a cumulative target's period yet
        what = text(f"commentary.too_few.{series if isinstance(series, str) else 'actual'}", lang)
        n = 0 if numbers.is_missing(points) else int(points)
        out.append(_say("projection_too_few", lang, what=what, n=n, min=MIN_POINTS))
    else:
        out += _trend_sentences(r, o, d, lang, f"{CONFIDENCE:.0%}")
    pace = o.get("pace_adjusted_rate")
    if not numbers.is_missing(pace):
        # the trend outlook is the one judgement of "on track"; a pace that points the other way
        # is said together with why the outlook differs
        ahead = float(pace) >= 100
        key = "pace_adjusted"
        if ahead and code in ("behind", "not_approaching"):
            key = "pace_ahead_but_trend_behind"
        elif not ahead and code == "on_track":
            key = "pace_behind_but_trend_on_track"
        # a rate like every other: the scheme's decimals (outlook rounds it as the scheme does)
        rate = format_rate(float(pace), int(r.get("rate_decimals", 1)))
        out.append(_say(key, lang, words, share=float(o["elapsed_share"]), rate=rate))
    return out


def _trend_sentences(r: dict, o: dict, d: int, lang: str, confidence: str) -> list[str]:
    """The fitted trend, its interval, the outlook it gives, and a latest change against it."""
    code, series = o["outlook"], o["trend_series"]
    years, values = list(o["trend_years"]), list(o["trend_values"])
    target_year = _yr(o["target_year"], r, lang)
    words = "gap_change" if series == "gap_to_national" else "change"
    slope = _slope(o["trend_slope"], d, r, lang)
    interval = _interval(o["trend_slope_low"], o["trend_slope_high"], d, r, lang)
    projected = _amount(numbers.round_half_up(float(o["projected_value"]), d), d, r, lang)
    if series == "gap_to_national":
        out = [
            _say(
                "trend_national",
                lang,
                n=int(o["trend_points"]),
                slope=_slope(o["actual_slope"], d, r, lang),
                n_national=int(o["national_points"]),
                national_slope=_slope(o["national_slope"], d, r, lang),
                year=target_year,
                projected=projected,
                national_projected=_amount(numbers.round_half_up(float(o["national_projected"]), d), d, r, lang),
                gap_year=_yr(years[-1], r, lang),
                gap=_difference(float(o["gap_latest"]), d, r, lang),
                gap_slope=slope,
                confidence=confidence,
                interval=interval,
                gap_change=text(f"commentary.gap_is.{o['gap_change']}", lang),
            ),
            _say(f"verdict_gap.{code}", lang, year=target_year, n=len(years)),
        ]
    elif series == "annual_addition":
        items = [
            _say("addition_item", lang, year=_yr(y, r, lang), amount=_amount(v, d, r, lang))
            for y, v in zip(years, values)
        ]
        out = [
            _say(
                "trend_additions",
                lang,
                additions=text("commentary.additions_separator", lang).join(items),
                floor=text("commentary.additions_floored", lang) if o.get("additions_floored") else "",
                slope=slope,
                confidence=confidence,
                interval=interval,
                year=target_year,
                projected=projected,
            ),
            _say(f"verdict.{code}", lang, year=target_year, n=len(years)),
        ]
        required = float(o["required_annual_change_from_latest"])
        most = max(range(len(values)), key=lambda i: values[i] * (1 if r["direction"] != "lower" else -1))
        if (required - values[most]) * (1 if r["direction"] != "lower" else -1) > 0:
            out.append(
                _say(
                    "needed_beyond_any_year",
                    lang,
                    required=_amount(required, d, r, lang),
                    most=_amount(values[most], d, r, lang),
                    most_year=_yr(years[most], r, lang),
                )
            )
    else:
        out = [
            _say(
                "trend",
                lang,
                n=len(years),
                first=_yr(years[0], r, lang),
                last=_yr(years[-1], r, lang),
                slope=slope,
                confidence=confidence,
                interval=interval,
                year=target_year,
                projected=projected,
            ),
            _say(f"verdict.{code}", lang, year=target_year, n=len(years)),
        ]
    if o.get("against_trend"):
        out.append(
            _say(
                "against_trend",
                lang,
                what=text(f"commentary.series.{series}", lang),
                previous_year=_yr(years[-2], r, lang),
                latest_year=_yr(years[-1], r, lang),
                change=_per_year(o["latest_change"], d, r, lang, words),
            )
        )
    return out
