"""Generated commentary: plain sentences per indicator and per project, in Japanese or English.

Every number comes from the result tables (grading.evaluate / progress_table / audit) and is
formatted as the source prints it (1,000 separators, 億円, 万人, ポイント for % differences).
The sentences themselves live in labels.py (keys commentary.*); this module picks and fills them.
"""

from __future__ import annotations

import unicodedata

import pandas as pd

from kpi_lib.core import numbers
from kpi_lib.core.fiscal_year import fiscal_year_label
from kpi_lib.core.formatting import (
    format_number,
    format_quantity,
    indicator_name,
    running_total,
    unit,
    visible_decimals,
)
from kpi_lib.core.labels import text
from kpi_lib.dataset.scheme import Scheme


def _say(key: str, lang: str, **values) -> str:
    """A commentary sentence (labels.py, keys commentary.*) with its placeholders filled in."""
    return text(f"commentary.{key}", lang).format(**values)


def _fy(year, lang: str) -> str:
    return fiscal_year_label(int(year), lang)


def _amount(value, decimals, r, lang: str) -> str:
    return format_quantity(value, decimals, unit(r, lang), lang)


def _difference(value, decimals, r, lang: str) -> str:
    """A difference between two values: percentages differ in points, not percent. A non-zero
    difference is never shown as 0 (more decimals where the indicator's precision would round it away)."""
    u = unit(r, lang)
    decimals = visible_decimals(value, decimals)
    if unicodedata.normalize("NFKC", u).strip() == "%":  # ％ (full width) too: points, not percent
        return _say("points", lang, number=format_number(abs(value), decimals))
    return format_quantity(abs(value), decimals, u, lang)


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


def _total_unknown_sentence(r: dict, graded: pd.DataFrame, lang: str) -> str:
    """Which years of the period have no value, and that the total up to the latest is unknown."""
    start, latest_year = int(r["period_start"]), int(r["latest_year"])
    given = set(graded.loc[graded["indicator"] == r["indicator"], "year"].astype(int))
    missing = [y for y in range(start, min(latest_year, int(r["period_end"])) + 1) if y not in given]
    return _say(
        "running_total_unknown",
        lang,
        missing=text("commentary.counts_separator", lang).join(_fy(y, lang) for y in missing),
        start=_fy(start, lang),
        latest_year=_fy(latest_year, lang),
    )


def indicator_commentary(
    r: dict, graded: pd.DataFrame, previous: dict | None, findings: pd.DataFrame, scheme: Scheme, lang: str = "ja"
) -> list[str]:
    """Sentences about one indicator for the evaluation year of `r` (a row of evaluate())."""
    out: list[str] = []
    if r["name_source"] == "missing":
        out.append(_say("name_missing", lang))
    year = int(r["evaluation_year"])
    if numbers.is_missing(r["latest_year"]):
        out.append(_say("no_actual", lang, year=_fy(year, lang)))
        return out
    d = _decimals(r)
    latest_year = int(r["latest_year"])
    if latest_year < year:
        state = r["actual_state_in_year"]
        why = text(f"commentary.why.{state if state in (numbers.NOT_YET, numbers.NOT_MEASURED) else 'not_given'}", lang)
        out.append(_say("earlier_actual", lang, year=_fy(year, lang), why=why, latest_year=_fy(latest_year, lang)))
    latest = _amount(r["actual"], d, r, lang)
    history = graded[(graded["indicator"] == r["indicator"]) & (graded["year"] < latest_year)]
    if len(history):
        prev = history.iloc[-1]
        change = float(r["actual"]) - float(prev["actual"])
        # both are exact at the indicator's precision: their difference rounded to it is exact too
        same = numbers.round_half_up(change, max(d, int(prev["actual_decimals"]), 0)) == 0
        values = dict(
            latest=latest,
            latest_year=_fy(latest_year, lang),
            previous_year=_fy(prev["year"], lang),
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
        out.append(_say("actual", lang, latest=latest, latest_year=_fy(latest_year, lang)))
    total = running_total(r)
    if total_unknown(r):  # a year of the period without a value: no sum is stated, nor a gap from it
        out.append(_total_unknown_sentence(r, graded, lang))
    elif total is not None:
        out.append(
            _say(
                "running_total",
                lang,
                start=_fy(r["period_start"], lang),
                latest_year=_fy(latest_year, lang),
                total=_amount(total, d, r, lang),
            )
        )
    out += _reference_gap(r, scheme, lang) if scheme.uses_milestones else _gap_sentences(r, scheme, lang)
    if not (total_unknown(r) and not r.get("grade_shown", r["grade"])):  # a grade to state
        out.append(_grade_sentence(r, previous, scheme, lang))
    for f in findings.itertuples():
        key = "published_rate" if f.figure == "progress_rate" else "published_grade"
        out.append(
            _say(
                key,
                lang,
                year=_fy(f.year, lang),
                published=f.published,
                recomputed=f.recomputed,
                arithmetic=f.arithmetic,
            )
        )
    if r["national_provenance"] == "derived":
        out.append(_say("derived_national", lang))
    return out


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
        what = _say("what.national", lang, reference=ref_text, year=_fy(r["latest_year"], lang))
    elif kind in ("above_baseline", "at_least_baseline"):
        what = _say("what.baseline", lang, reference=ref_text)
    elif kind == "cumulative":
        what = _say(
            "what.cumulative",
            lang,
            reference=ref_text,
            year=_fy(r["target_year"], lang),
            start=_fy(r["period_start"], lang),
            end=_fy(r["period_end"], lang),
        )
    else:
        what = _say("what.target", lang, reference=ref_text, year=_fy(r["target_year"], lang))
    if r["achieved"]:
        return [_say("reached", lang, what=what)]
    gap = abs(float(ref) - float(measured))
    points = _points(r["progress_rate"], scheme)
    out = []
    if kind == "above_baseline" and round(gap, 9) == 0:
        out.append(_say("no_increase", lang, what=what))
    else:
        out.append(
            _say("gap" if points else "gap_only", lang, what=what, gap=_difference(gap, d, r, lang), points=points)
        )
    if kind in ("value", "cumulative"):
        end = int(r["period_end"] if kind == "cumulative" else r["target_year"])
        latest_year = int(r["latest_year"])
        years_left = end - latest_year
        if years_left > 0 and int(r["evaluation_year"]) > end:
            out.append(_say("target_year_pending", lang, year=_fy(end, lang)))
        elif years_left > 0:
            change = "addition" if kind == "cumulative" else "decrease" if lower else "increase"
            out.append(
                _say(
                    "pace_needed",
                    lang,
                    year=_fy(end, lang),
                    pace=_difference(gap / years_left, d, r, lang),
                    change=text(f"commentary.change.{change}", lang),
                )
            )
        else:  # in the target year itself the year has not passed: its actual fell short
            out.append(
                _say("target_year_missed" if latest_year == end else "target_year_passed", lang, year=_fy(end, lang))
            )
    return out


def _reference_gap(r: dict, scheme: Scheme, lang: str) -> list[str]:
    """Where the scheme grades against the year's milestone (目安値) or expected value (期待値):
    the gap to that value, named as what it is and with its own year, never as the target."""
    if total_unknown(r):
        return []
    ref = r["reference"]
    if numbers.is_missing(ref):
        return []
    what = _say(
        f"what.{scheme.reference}", lang, reference=_amount(ref, None, r, lang), year=_fy(r["latest_year"], lang)
    )
    out = [_say(f"graded_against.{scheme.reference}", lang)]
    if r["achieved"]:
        return [*out, _say("reached", lang, what=what)]
    gap = abs(float(ref) - float(r["measured"]))
    points = _points(r["progress_rate"], scheme)
    gap_text = _difference(gap, _decimals(r), r, lang)
    return [*out, _say("gap" if points else "gap_only", lang, what=what, gap=gap_text, points=points)]


def _grade_sentence(r: dict, previous: dict | None, scheme: Scheme, lang: str) -> str:
    grade = r["grade"]
    band = scheme.for_indicator(r["indicator"]).band(grade)
    now = _say("grade", lang, grade=grade, label=band.label_ja if lang == "ja" else band.label_en)
    if previous is None or not previous.get("grade"):
        return now
    old = previous["grade"]
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
        + _say(key, lang, year=_fy(previous["evaluation_year"], lang), old=old)
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
    counts = results["grade"].value_counts()
    order = [g for g in scheme.ranking if counts.get(g, 0)]
    parts = [_say("count", lang, grade=g, n=counts[g]) for g in order]
    ungraded = int((results["grade"] == "").sum())
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
    older = results[(results["grade"] != "") & (results["latest_year"].astype(float) < year)]
    if len(older):
        by_year = older["latest_year"].astype(int).value_counts().sort_index(ascending=False)
        years = text("commentary.counts_separator", lang).join(
            _say("older_actual_year", lang, year=_fy(y, lang), n=n) for y, n in by_year.items()
        )
        out.append(_say("older_actuals", lang, n=len(older), year=_fy(year, lang), years=years))
    if ungraded:
        # an actual whose running total is unknown is not "without an actual": said apart
        shown = results["grade_shown"] if "grade_shown" in results else results["grade"]
        unknown = int(sum(total_unknown(x) for x in results[shown == ""].to_dict("records")))
        if ungraded > unknown:
            out.append(_say("ungraded", lang, n=ungraded - unknown))
        if unknown:
            out.append(_say("ungraded_total_unknown", lang, n=unknown))
    if scheme.ranking:
        worst = scheme.ranking[-1]
        names = [
            _with_projects(indicator_name(r, lang), memberships[r["indicator"]], lang)
            for r in results[results["grade"] == worst].to_dict("records")
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
                    name=_with_projects(indicator_name(r, lang), memberships.get(r["indicator"], []), lang),
                    old=r["grade_from"] or "—",
                    new=r["grade_to"] or "—",
                )
                for r in changes.drop_duplicates("indicator").to_dict("records")
            ]
            out.append(_say("changes", lang, year=py, items=names_separator.join(items)))
        else:
            out.append(_say("no_changes", lang, year=py))
    return out


def _with_projects(name: str, projects: list[int], lang: str) -> str:
    """The name, followed by its projects where it belongs to more than one."""
    if len(projects) < 2:
        return name
    return _say(
        "shared_name", lang, name=name, projects=text("report.projects_separator", lang).join(map(str, projects))
    )


def outlook_commentary(r: dict, o: dict, lang: str = "ja") -> list[str]:
    """Our analysis (outlook.outlook) in words, never the official grade: the outlook, the
    straight-line trend it rests on (or why there is none), the pace of a cumulative target.
    Empty where the target is reached or there is no actual."""
    from kpi_lib.analysis.outlook import outlook_label

    code = o.get("outlook")
    if not code or code == "target_achieved" or numbers.is_missing(r.get("latest_year")):
        return []
    out = [_say("outlook", lang, label=outlook_label(code, lang))]
    d = _decimals(r)
    if code == "not_achieved":
        out.append(_say("outlook_not_achieved", lang, year=_fy(o["target_year"], lang)))
    elif o.get("outlook_note") == "total_unknown":
        out.append(_say("projection_total_unknown", lang))
    elif o.get("outlook_note") == "no_target" and r["target_kind"] == "cumulative":
        out.append(_say("projection_no_final_total", lang))
    elif o.get("outlook_note") == "no_target":
        out.append(_say("projection_no_target", lang))
    elif numbers.is_missing(o.get("trend_slope")):
        points = o.get("trend_points")  # none: no actual within a cumulative target's period yet
        out.append(_say("projection_too_few", lang, n=0 if numbers.is_missing(points) else int(points)))
    else:
        slope = float(o["trend_slope"])
        projected = _amount(numbers.round_half_up(float(o["projected_value"]), d), d, r, lang)
        if code == "on_track":
            when = _say("projection_in_time", lang)
        elif code == "behind" and not numbers.is_missing(o.get("projected_year_reached")):
            when = _say("projection_late", lang, year=_fy(o["projected_year_reached"], lang))
        else:
            when = _say("projection_never", lang)
        # one decimal more than the figures; a slope that is not zero keeps its first digit (0.0004)
        places = visible_decimals(slope, d + 1)
        shown = numbers.round_half_up(abs(slope), places)
        change = "flat" if numbers.round_half_up(abs(slope), d + 1) == 0 else ("increase" if slope > 0 else "decrease")
        out.append(
            _say(
                # a cumulative target's trend is fitted to its running totals (outlook.py)
                "projection_running_total" if r["target_kind"] == "cumulative" else "projection",
                lang,
                n=int(o["trend_points"]),
                slope=_difference(shown, None, r, lang),
                change=text(f"commentary.change.{change}", lang),
                year=_fy(o["target_year"], lang),
                projected=projected,
                when=when,
            )
        )
        out.append(_say("projection_is", lang))
    pace = o.get("pace_adjusted_rate")
    if not numbers.is_missing(pace):
        # the straight-line outlook is the one judgement of "on track"; a pace that points the
        # other way is said together with why the outlook differs
        ahead = float(pace) >= 100
        key = "pace_adjusted"
        if ahead and code in ("behind", "not_approaching"):
            key = "pace_ahead_but_trend_behind"
        elif not ahead and code == "on_track":
            key = "pace_behind_but_trend_on_track"
        out.append(_say(key, lang, share=float(o["elapsed_share"]), rate=float(pace)))
    return out
