"""Generated commentary: plain sentences per indicator and per project, in Japanese or English.

Every number comes from the result tables (grading.evaluate / progress_table / audit) and is
formatted as the source prints it (1,000 separators, 億円, 万人, ポイント for % differences).
"""

from __future__ import annotations


import pandas as pd

from . import numbers
from .fiscal_year import fiscal_year_label
from .formatting import format_number, format_quantity, indicator_name, unit
from .scheme import Scheme


def _fy(year, lang: str) -> str:
    return fiscal_year_label(int(year), lang)


def _amount(value, decimals, r, lang: str) -> str:
    return format_quantity(value, decimals, unit(r, lang), lang)


def _difference(value, decimals, r, lang: str) -> str:
    """A difference between two values: percentages differ in points, not percent."""
    u = unit(r, lang)
    if u == "%":
        number = format_number(abs(value), decimals)
        return f"{number}ポイント" if lang == "ja" else f"{number} percentage points"
    return format_quantity(abs(value), decimals, u, lang)


def _decimals(r) -> int:
    return 0 if numbers.is_missing(r.get("actual_decimals")) else int(r["actual_decimals"])


def indicator_commentary(r: dict, graded: pd.DataFrame, previous: dict | None, findings: pd.DataFrame,
                         scheme: Scheme, lang: str = "ja") -> list[str]:
    """Sentences about one indicator for the evaluation year of `r` (a row of evaluate())."""
    ja = lang == "ja"
    out: list[str] = []
    if r["name_source"] == "missing":
        out.append("この指標の名称は原資料のテキスト抽出で失われており、不明です。" if ja
                   else "This indicator's name was lost in the text extraction of the source and is unknown.")
    year = int(r["evaluation_year"])
    if numbers.is_missing(r["latest_year"]):
        out.append(f"{_fy(year, lang)}までの実績値はまだありません。" if ja else f"There is no actual value up to {_fy(year, lang)} yet.")
        return out
    d = _decimals(r)
    latest_year = int(r["latest_year"])
    if latest_year < year:
        state = r["actual_state_in_year"]
        why = {"not_yet": ("未公表（未）", "not yet available (未)"), "not_measured": ("調査なし（—）", "not measured (—)")}.get(
            state, ("未記載", "not given"))
        out.append(f"{_fy(year, lang)}の実績値は{why[0]}のため、{_fy(latest_year, lang)}の実績値で評価しています。" if ja
                   else f"The {_fy(year, lang)} actual is {why[1]}, so the evaluation uses the {_fy(latest_year, lang)} actual.")
    latest = _amount(r["actual"], d, r, lang)
    history = graded[(graded["indicator"] == r["indicator"]) & (graded["year"] < latest_year)]
    if len(history):
        prev = history.iloc[-1]
        change = float(r["actual"]) - float(prev["actual"])
        prev_text = _amount(prev["actual"], prev["actual_decimals"], r, lang)
        if round(change, 6) == 0:
            out.append(f"{_fy(latest_year, lang)}の実績値は{latest}で、前回（{_fy(prev['year'], lang)}）と同じです。" if ja
                       else f"The latest actual is {latest} ({_fy(latest_year, lang)}), the same as in {_fy(prev['year'], lang)}.")
        else:
            diff = _difference(change, d, r, lang)
            up = change > 0
            out.append(f"{_fy(latest_year, lang)}の実績値は{latest}で、前回（{_fy(prev['year'], lang)}：{prev_text}）から{diff}{'増加' if up else '減少'}しました。" if ja
                       else f"The latest actual is {latest} ({_fy(latest_year, lang)}), {'up' if up else 'down'} {diff} from {prev_text} in {_fy(prev['year'], lang)}.")
    else:
        out.append(f"{_fy(latest_year, lang)}の実績値は{latest}です。" if ja else f"The latest actual is {latest} ({_fy(latest_year, lang)}).")
    out += _gap_sentences(r, lang)
    out.append(_grade_sentence(r, previous, scheme, lang))
    for f in findings.itertuples():
        if f.figure == "progress_rate":
            out.append(f"公表資料の{_fy(f.year, lang)}の進捗率（{f.published}%）は、再計算値（{f.recomputed}%：{f.arithmetic}）と一致しません。" if ja
                       else f"The published {_fy(f.year, lang)} progress rate ({f.published}%) differs from the recomputed {f.recomputed}% ({f.arithmetic}).")
        else:
            out.append(f"公表資料の{_fy(f.year, lang)}の進捗（{f.published}）は、凡例による再判定（{f.recomputed}）と一致しません。" if ja
                       else f"The published {_fy(f.year, lang)} grade ({f.published}) differs from the legend's result ({f.recomputed}).")
    if r["national_provenance"] == "derived":
        out.append("比較に用いた全国値は原資料に記載がなく、公表進捗率から逆算した値です（公式統計ではありません）。" if ja
                   else "The national value used here is not printed in the source; it is derived from the published progress rate and is not an official statistic.")
    return out


def _gap_sentences(r: dict, lang: str) -> list[str]:
    ja = lang == "ja"
    d = _decimals(r)
    kind = r["target_kind"]
    ref, measured = r["reference"], r["measured"]
    if numbers.is_missing(ref):
        return []
    lower = r["direction"] == "lower"
    ref_text = _amount(ref, None, r, lang)
    if kind == "national":
        what = (f"全国値（{ref_text}、{_fy(r['latest_year'], lang)}）" if ja else f"the national value ({ref_text}, {_fy(r['latest_year'], lang)})")
    elif kind in ("above_baseline", "at_least_baseline"):
        what = f"基準値（{ref_text}）" if ja else f"the baseline ({ref_text})"
    else:
        what = f"目標値（{ref_text}、{_fy(r['target_year'], lang)}）" if ja else f"the target ({ref_text}, {_fy(r['target_year'], lang)})"
        if kind == "cumulative":
            what = f"累計の{what}" if ja else f"the cumulative target ({ref_text} over {_fy(r['period_start'], lang)}–{_fy(r['period_end'], lang)})"
    if r["achieved"]:
        return [f"{what}を達成しています。" if ja else f"It has reached {what}."]
    gap = abs(float(ref) - float(measured))
    rate = r["progress_rate"]
    points = "" if numbers.is_missing(rate) else format_number(abs(100 - float(rate)), 1)
    out = []
    if kind == "above_baseline" and round(gap, 9) == 0:
        out.append(f"{what}と同じで、増加していません。" if ja else f"It equals {what}, so there is no increase yet.")
    else:
        gap_text = _difference(gap, d, r, lang)
        out.append(f"{what}まであと{gap_text}（進捗率で{points}ポイント）です。" if ja
                   else f"It is {gap_text} short of {what} ({points} points of progress rate).")
    if kind in ("value", "cumulative"):
        end = int(r["period_end"] if kind == "cumulative" else r["target_year"])
        years_left = end - int(r["latest_year"])
        if years_left > 0:
            pace = _difference(gap / years_left, d, r, lang)
            verb_ja, verb_en = ("減少", "decrease") if lower else ("増加", "increase")
            if kind == "cumulative":
                verb_ja, verb_en = "上積み", "addition"
            out.append(f"{_fy(end, lang)}の目標達成には、年平均{pace}の{verb_ja}が必要です。" if ja
                       else f"Reaching it in {_fy(end, lang)} needs an average {verb_en} of {pace} a year.")
        else:
            out.append(f"目標年度（{_fy(end, lang)}）を過ぎていますが、目標値に達していません。" if ja
                       else f"The target year ({_fy(end, lang)}) has passed without the target being reached.")
    return out


def _grade_sentence(r: dict, previous: dict | None, scheme: Scheme, lang: str) -> str:
    ja = lang == "ja"
    grade = r["grade"]
    band = scheme.band(grade)
    now = f"進捗は{grade}（{band.label_ja}）です。" if ja else f"The grade is {grade}: {band.label_en}."
    if previous is None or not previous.get("grade"):
        return now
    old = previous["grade"]
    py = _fy(previous["evaluation_year"], lang)
    move = scheme.compare(old, grade)
    if move == 0 and old == grade:
        return now + (f"{py}の評価（{old}）から変わっていません。" if ja else f" Unchanged from {py} ({old}).")
    if ja:
        return now + f"{py}の評価（{old}）から{'改善' if move > 0 else '低下' if move < 0 else '変化'}しました。"
    return now + f" It {'improved' if move > 0 else 'fell' if move < 0 else 'changed'} from {old} in {py}."


def project_commentary(results: pd.DataFrame, changes: pd.DataFrame | None, scheme: Scheme, lang: str = "ja") -> list[str]:
    """Sentences summarising one project's (or all projects') grades for the evaluation year;
    `changes` is changes.grade_changes from the previous year (None for the first year)."""
    ja = lang == "ja"
    year = int(results["evaluation_year"].iloc[0])
    counts = results["grade"].value_counts()
    order = [g for g in scheme.ranking if counts.get(g, 0)]
    parts = [(f"{g}が{counts[g]}" if ja else f"{counts[g]} {g}") for g in order]
    ungraded = int((results["grade"] == "").sum())
    out = [f"{_fy(year, lang)}の評価対象{len(results)}指標のうち、{'、'.join(parts)}です。" if ja
           else f"Of the {len(results)} indicators evaluated for {_fy(year, lang)}: {', '.join(parts)}."]
    if ungraded:
        out.append(f"実績値のない{ungraded}指標は評価していません。" if ja else f"{ungraded} indicator(s) without an actual value are not graded.")
    if scheme.ranking:
        worst = scheme.ranking[-1]
        names = [indicator_name(r, lang) for r in results[results["grade"] == worst].to_dict("records")]
        if names:
            out.append(f"{worst}の指標：{'、'.join(names)}。" if ja else f"Graded {worst}: {'; '.join(names)}.")
    if changes is not None:
        py = _fy(year - 1, lang)
        if len(changes):
            items = [f"{indicator_name(r, lang)}（{r['grade_from'] or '—'}→{r['grade_to'] or '—'}）" if ja
                     else f"{indicator_name(r, lang)} ({r['grade_from'] or '—'} → {r['grade_to'] or '—'})" for r in changes.to_dict("records")]
            out.append(f"{py}から進捗が変わった指標：{'、'.join(items)}。" if ja else f"Grades changed since {py}: {'; '.join(items)}.")
        else:
            out.append(f"{py}から進捗が変わった指標はありません。" if ja else f"No grade changed since {py}.")
    return out


def outlook_commentary(r: dict, o: dict, lang: str = "ja") -> list[str]:
    """The outlook (outlook.outlook) in words: category, linear projection, pace of a cumulative target."""
    from .outlook import outlook_label

    ja = lang == "ja"
    out: list[str] = []
    code = o.get("outlook")
    if not code or code == "target_achieved" or numbers.is_missing(r.get("latest_year")):
        return out
    label = outlook_label(code, lang)
    out.append(f"見通し：{label}。" if ja else f"Outlook: {label}.")
    d = _decimals(r)
    if not numbers.is_missing(o.get("projected_value")) and not numbers.is_missing(o.get("target_year")) and int(o["target_year"]) > int(r["latest_year"]):
        projected = _amount(numbers.round_half_up(float(o["projected_value"]), d), d, r, lang)
        ty = _fy(o["target_year"], lang)
        reached = o.get("projected_year_reached")
        if numbers.is_missing(reached):
            when = "目標年度までには目標に届かない見込みです。" if ja else "the target would not be reached."
        elif int(reached) <= int(o["target_year"]):
            when = "目標年度までに目標に届く見込みです。" if ja else "the target would be reached in time."
        else:
            when = (f"目標到達は{_fy(reached, lang)}の見込みです。" if ja
                    else f"the target would be reached only in {_fy(reached, lang)}.")
        out.append(f"これまでの推移が直線的に続くと、{ty}の値は{projected}で、{when}" if ja
                   else f"If the trend so far continued in a straight line, the value in {ty} would be {projected}, and {when}")
    pace = o.get("pace_adjusted_rate")
    if not numbers.is_missing(pace):
        share = float(o["elapsed_share"])
        out.append(f"累計目標の期間の{share:.0%}が経過しており、経過期間に応じた目安に対する進捗率は{float(pace):.1f}%です（公式の進捗区分は変わりません）。" if ja
                   else f"{share:.0%} of the cumulative target's period has elapsed; against the share due by now the progress rate is {float(pace):.1f}% (the official grade is unchanged).")
    return out
