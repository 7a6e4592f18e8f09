"""Every word a user sees, in Japanese and English, kept in one place.

`text(key, lang)` looks a label up; an unknown language or key is a programming error.
"""

from __future__ import annotations

import re

from kpi_lib.core.errors import KpiError

LANGS = ("ja", "en")

_LABELS: dict[str, tuple[str, str]] = {
    # indicator kinds, as the source's tables title them
    "kind.数値目標": ("数値目標", "Numeric target"),
    "kind.KPI": ("KPI", "KPI"),
    # target kinds (words used when the source prints no number)
    "target.national": ("全国水準", "National level"),
    "target.above_baseline": ("基準値より増加", "Increase from the baseline"),
    "target.at_least_baseline": ("現状値以上", "At least the baseline"),
    "target.total_not_published": ("累計（最終目標値は未公表）", "cumulative, final total not published"),
    "target.cumulative": ("累計", "Cumulative"),
    # indicators.csv counted_from: printed running totals that count a year before the target's period
    "target.counted_from": ("、実績値は{year}からの累計", "; the actuals count from {year}"),
    # cell states
    "state.no_actual": ("実績なし", "no actual yet"),
    "state.running_total": ("（累計{total}）", " ({total} in total)"),
    "state.running_total_unknown": ("（累計不明）", " (total unknown)"),
    "label.missing": ("（名称不明）", "(name unknown)"),
    # a Japanese text shown in English output of a Japanese-only dataset (kpi grades --lang en …)
    "label.untranslated": ("（未翻訳）", "(untranslated)"),
    "report.no_english": (
        "このデータセットには英語がありません（{missing}）: 英語のレポートは作成しません。英語を記入するか、--lang ja で日本語のレポートを作成してください",
        "the dataset has no English for {missing}: no English report is made; fill them in, or make the "
        "Japanese report (--lang ja)",
    ),  # why is a data note (indicators.csv note)
    # a name taken from the analysis text (indicators.csv name_source analysis_text): marked after
    # the name wherever a report shows it, and the mark explained under what shows it
    "label.from_analysis_text": ("※", "§"),
    "note.name_from_analysis_text": (
        "※ 表の設定項目（指標名）が失われているため、分析と課題の文言から採った名称です。",
        "§ The table's label is lost: the name is taken from the analysis text (分析と課題).",
    ),
    # table headings
    "col.project": ("⟨level⟩", "⟨Level⟩"),
    "col.kind": ("区分", "Kind"),
    "col.name": ("設定項目", "Indicator"),
    "col.indicator_id": ("指標ID", "Indicator ID"),
    "col.baseline": ("基準値", "Baseline"),
    "col.baseline_year": ("基準年", "Baseline year"),
    "col.target": ("目標値（戦略策定時）", "Target (original)"),
    "col.revised_target": ("目標値（見直し後）", "Target (revised)"),
    "col.target_year": ("目標年", "Target year"),
    "col.actual": ("実績値", "Actual"),
    "col.actual_calendar": ("実績値（暦年）", "Actual (calendar year)"),
    # a year of a calendar-year series beside its figure (tables.actual_year_text): (H30・暦年)
    "year.calendar_note": ("{year}・暦年", "{year}, calendar year"),
    # the heading of a column of years of one indicator's figures, by its year basis
    "year.heading.fiscal": ("年度", "Year"),
    "year.heading.calendar": ("年", "Year"),
    "year.heading.not_stated": ("年（度）", "Year"),
    # the commentary of a calendar-year series (the report's own year is a fiscal one)
    "commentary.calendar_year": (
        "実績値は暦年（1月～12月）の値です。",
        "The actuals are calendar-year figures (January to December).",
    ),
    "col.progress_rate": ("⟨rate⟩", "⟨Rate⟩"),
    "col.grade": ("⟨grade⟩", "⟨Grade⟩"),
    # whose the shown figures are (tables.basis_text), and kpi_lib's check where it differs
    "col.basis": ("出典", "Whose figures"),
    "col.check": (
        "検算（本ツールの再計算。公表値と異なる場合のみ）",
        "Check: kpi_lib's recomputation (only where it differs)",
    ),
    "basis.published": ("公表値", "Published"),
    "badge.computed": ("算定", "computed"),
    "count.with_computed": ("{n}（うち算定{computed}）", "{n} ({computed} computed)"),
    "basis.computed": ("公式の基準により本ツールが算定", "Computed by kpi_lib under the official rules"),
    "basis.missing": ("なし", "none"),
    "basis.why.not_given": ("（原資料に記載なし）", " (not given in the source)"),
    "basis.why.not_published": ("（当該年度の公表なし）", " (none published for the year)"),
    "basis.rate_and_grade": ("⟨rate⟩：{rate}、⟨grade⟩：{grade}", "Rate: {rate}; grade: {grade}"),
    "col.published_rate": ("公表⟨rate⟩", "Published rate"),
    "col.published_grade": ("公表⟨grade⟩", "Published grade"),
    "col.year": ("年度", "Year"),
    "col.published": ("公表値", "Published"),
    "col.recomputed": ("再計算値", "Recomputed"),
    "col.figure": ("項目", "Figure"),
    # the printed report's table of every year (tables.yearly_table, views.show_yearly_table)
    "print.yearly": (
        "数値目標及びKPIの年度別の実績値と⟨rate⟩",
        "Numeric targets and KPIs: actuals and ⟨rate⟩s by year",
    ),
    "print.not_yet": ("未", "not yet"),
    "print.computed_mark": ("＊", "*"),
    "print.recomputed": ("（再計算{value}）", " (recomputed {value})"),
    "print.all_computed": (
        "⟨rate⟩と⟨grade⟩は、採点基準により計算した値です。",
        "⟨Rate⟩s and grades are computed under the grading scheme.",
    ),
    "print.computed_note": (
        "＊：原資料に公表値がないため、採点基準により再計算した値（独自分析）。「再計算」は公表値と異なる再計算値。",
        '*: not published in the source; recomputed under the grading scheme (our analysis). "Recomputed": our figure where it differs from the published one.',
    ),
    "col.arithmetic": ("計算", "Arithmetic"),
    "figure.progress_rate": ("⟨rate⟩", "⟨rate⟩"),
    "figure.grade": ("⟨grade⟩", "⟨grade⟩"),
    # chart series and axes
    "series.actual": ("実績値", "Actual"),
    "series.running_total": ("実績値の累計", "Running total of actuals"),
    "series.baseline": ("基準値", "Baseline"),
    "series.target": ("目標値（戦略策定時）", "Target (original)"),
    "series.revised_target": ("目標値（見直し後）", "Target (revised)"),
    "series.national": ("全国", "National"),
    # benchmarks.csv provenance `derived`: not an official statistic, an estimate (never just 「全国」)
    "series.national_derived": ("全国（推計：公表⟨rate⟩から逆算）", "National (estimated from the published rate)"),
    "series.reference": ("目標水準", "Target level"),
    "series.reference_target": ("目標水準（戦略策定時の目標値）", "Target level (original target)"),
    "series.reference_revised_target": ("目標水準（見直し後の目標値）", "Target level (revised target)"),
    "series.projection": (
        "傾向（参考・独自分析、予測ではない）",
        "Trend (our analysis, not a forecast)",
    ),
    "series.projection_low": ("傾向の信頼区間の下限", "Trend, low end of its interval"),
    "series.projection_high": ("傾向の信頼区間の上限", "Trend, high end of its interval"),
    "series.national_projection": ("全国値の傾向（参考・独自分析）", "National trend (our analysis)"),
    "series.national_projection_derived": (
        "全国値（推計）の傾向（参考・独自分析）",
        "Trend of the estimated national values (our analysis)",
    ),
    "series.milestone": ("目安値", "Milestone (目安値)"),
    "series.expected_path": ("期待値", "Expected path (期待値)"),
    "chart.trend": ("実績値の推移", "Trend of actuals"),
    "chart.rate": ("⟨rate⟩の推移", "⟨Rate⟩ by year"),
    "chart.value": ("値", "Value"),
    # the trend chart's value axis: the quantity and its unit in words (実績値（億円）)
    "chart.axis_actual": ("実績値", "Actual"),
    "chart.axis_with_unit": ("{quantity}（{unit}）", "{quantity} ({unit})"),
    "chart.series": ("系列", "Series"),
    "chart.note": ("注", "Note"),
    "chart.heatmap": ("指標別・年度別の⟨rate⟩", "⟨Rate⟩ by indicator and year"),
    "chart.heatmap_carried": (
        "* その年度の実績値がないため、それ以前の実績値による⟨grade⟩（評価年度の評価と同じ扱い）",
        "* No actual for that year: the grade stands on the latest earlier actual (as the evaluation grades it)",
    ),
    "chart.heatmap_computed": (
        "† 公表された⟨grade⟩がないため、公式の基準により本ツールが算定した⟨grade⟩",
        "† No published grade: computed by kpi_lib under the official rules",
    ),
    "chart.actual_year": ("実績値の年（度）", "Year of the actual"),  # of indicators of any year basis
    "chart.grade_counts": ("⟨level⟩別の⟨grades⟩", "⟨Grades⟩ by ⟨level⟩"),
    "chart.count": ("指標数", "Indicators"),
    # chart descriptions (the SVG's aria-label) and the data table under each chart
    "chart.trend_description": (
        "折れ線グラフ：{name}の実績値（{first}〜{last}）と{series}。数値は下の表。",
        "Line chart: actuals of {name} ({first} to {last}) with {series}. Figures in the table below.",
    ),
    "chart.rate_description": (
        "折れ線グラフ：{name}の年度別の⟨rate⟩と⟨grades⟩{lines}。数値は下の表。",
        "Line chart: ⟨rate⟩ and ⟨grade⟩ of {name} by year{lines}. Figures in the table below.",
    ),
    # the scheme's band lines the chart draws (charts.band_lines): 、50%と80%と100%の線
    "chart.rate_lines": ("、{levels}の線", ", with the {levels} lines"),
    "chart.rate_lines_and": ("と", " and "),
    "chart.rate_description_empty": (
        "{name}の⟨rate⟩はまだありません。",
        "{name} has no ⟨rate⟩ yet.",
    ),
    "chart.grade_counts_description": (
        "積み上げ棒グラフ：⟨level⟩ごとの⟨grades⟩別の指標数。数値は下の表。",
        "Stacked bar chart: number of indicators per grade for each ⟨level⟩. Figures in the table below.",
    ),
    "chart.heatmap_description": (
        "ヒートマップ：指標別・年度別の⟨rate⟩（{first}〜{last}）。色は⟨grades⟩。数値は下の表。",
        "Heat map: ⟨rate⟩ by indicator and year ({first} to {last}), coloured by grade. Figures in the table below.",
    ),
    "chart.data_table": ("グラフの数値（表）", "Chart data (table)"),
    # navigation between the pages of a report set, and the PDF's running title
    "nav.label": ("ページ移動", "Pages"),
    "nav.index": ("目次", "Contents"),
    "nav.previous": ("前へ", "Previous"),
    "nav.next": ("次へ", "Next"),
    "nav.other_language": ("English", "日本語"),
    "index.projects": ("⟨level⟩別の報告", "Reports by ⟨level⟩"),
    "index.all_pdf": ("全報告をまとめたPDF（A4）", "All reports in one PDF (A4)"),
    "index.counts_note": (
        "⟨grades⟩ごとの指標数。公表された⟨grade⟩によるもので、「算定」は公表された⟨grade⟩がないため公式の基準により本ツールが算定した数です。",
        'Number of indicators per grade: the published grades; "computed" counts grades none was published for, '
        "which kpi_lib computed under the official rules.",
    ),
    "col.ungraded": ("評価なし", "Not graded"),
    "provenance.derived": (
        "公表⟨rate⟩からの逆算値（公式統計ではない）",
        "derived from the published ⟨rate⟩ (not an official statistic)",
    ),
    "provenance.official": ("公式統計", "official statistic"),
    # report sections
    # generic fallbacks: a dataset names its reports in metadata.json ("report")
    "report.title": ("評価の報告", "Evaluation report"),
    "report.overview_title": ("総括", "Overview"),
    "report.pillar": ("柱", "Pillar"),
    "report.pillar_unknown": ("—", "—"),  # why is a data note (projects.csv pillar_note), not report text
    "report.projects_separator": ("・", ", "),
    "report.catch": ("ねらい", "Aim"),
    "report.evaluation_year": ("評価年度", "Evaluation year"),
    "report.summary": ("数値目標及びKPIの⟨rate⟩と⟨grades⟩", "Numeric targets and KPIs: ⟨rate⟩s and ⟨grades⟩"),
    "report.indicators": ("指標ごとの推移", "Indicator by indicator"),
    "report.commentary": ("概況（自動生成）", "Summary (generated)"),
    "report.analysis": ("分析と課題", "Analysis and challenges"),
    "report.official": ("公表資料の原文", "Official text as published"),
    "report.unofficial": ("参考訳（非公式）", "Unofficial English translation"),
    "report.measures": ("主な施策", "Measures"),
    "report.partnerships": ("連携地域", "Partnership areas"),
    "report.start_year": ("開始年度", "Start"),
    "report.area": ("地域", "Area"),
    "report.members": ("構成市町村", "Member municipalities"),
    "report.legend": ("⟨grades⟩", "⟨Grades⟩"),
    "report.override": ("{names}は次の区分で評価します（{note}）：", "{names} are graded by these bands ({note}):"),
    "report.source": ("出典", "Source"),
    "report.lagging": ("⟨grade⟩が{grade}の指標", "Indicators graded {grade}"),
    "report.no_grades": ("{year}に評価できた指標はありません。", "No indicator could be graded for {year}."),
    "report.no_lagging": ("⟨grade⟩が{grade}の指標はありません。", "No indicator is graded {grade}."),
    "report.changes": ("前年度からの⟨grade⟩の変化", "Changes since the previous year"),
    "report.no_previous_year": (
        "データに前年度（{year}）の評価がないため、⟨grade⟩の変化は示せません。",
        "The data has no previous year ({year}) to compare the grades with.",
    ),
    "report.no_changes": (
        "前年度から⟨grade⟩が変わった指標はありません。",
        "No indicator changed grade since the previous year.",
    ),
    "report.generated_note": (
        "この報告はデータから自動生成されています。英訳はすべて非公式です。",
        "This report is generated from data. All English texts are unofficial translations.",
    ),
    "report.data_digest": (
        "使用データの識別値（SHA-256の先頭12桁）",
        "Data used (first 12 hex digits of its SHA-256)",
    ),
    "report.custom_template": (
        "⟨level⟩別の報告は、同梱のテンプレートではなく次のノートブックで作成されています",
        "The ⟨level⟩ reports were made with this notebook instead of kpi_lib's own template",
    ),
    # the combined PDF's title page (publishing/pdf.py, report.front_matter)
    "print.contents": ("目次", "Contents"),
    # the combined PDF's title page: the source's front matter (report.source_front_matter)
    "print.structure": ("⟨level⟩の体系", "The ⟨level⟩s under the strategy's pillars"),
    "print.aims": ("全体の目標", "Overall aims"),
    "print.translations": ("英訳について", "About the translations"),
    # outlook (kpi_lib/analysis/outlook.py): our analysis from the trend of the actuals, never the official grade
    "outlook.target_achieved": ("目標達成", "Target reached"),
    "outlook.on_track": ("傾向では目標年度までに到達", "On its trend, reached by the target year"),
    "outlook.uncertain": ("傾向からは判断できない", "The trend cannot tell"),
    "outlook.behind": ("傾向では目標年度までに届かない", "On its trend, not reached by the target year"),
    "outlook.not_approaching": ("目標に近づいていない（横ばい・悪化）", "Not moving toward the target (flat or worse)"),
    "outlook.not_achieved": ("目標年度の実績値で未達成", "Not reached in the target year"),
    "outlook.not_assessable": ("見通しを示せない", "No outlook"),
    "col.outlook": ("見通し（参考・独自分析）", "Outlook (our analysis, not the official grade)"),
    "outlook.heading": ("参考・独自分析（公式の⟨grades⟩ではありません）", "Our analysis, not the official grade"),
    # the one method paragraph of a report (views.show_grade_summary); docs/grading.md says the same
    "outlook.method": (
        "見通し（参考・独自分析）の方法：公式の⟨grades⟩は最新の実績値を目標値と比べたもの、見通しは実績値の傾向を見たもので、別のものです（Aでも傾向は目標に向かっていないことがあります）。実績値（基準値は含めない）が{min}点以上ある指標について、Theil–Sen法（2点ずつの傾きの中央値。一度の跳ね上がりや外れ値に引きずられにくい）で傾きとその{confidence}信頼区間を求め、最新の実績値から目標年度まで延ばします。区間のうち最も不利な端でも届けば「到達」、最も有利な端でも届かなければ「届かない」、区間全体が横ばいか逆向きなら「近づいていない」、それ以外は「判断できない」とします。最新の変化が傾向と逆向きの場合はその旨を記します。予測ではありません。",
        "How the outlook is made (our analysis): the official grade compares the latest actual with the target; the outlook looks at the trend, a different thing (a grade of A can sit beside a trend not moving toward the target). With at least {min} actuals (never the baseline), the Theil–Sen method (the median of the slopes between every two points, which one jump cannot drive) gives a slope and its {confidence} confidence interval, continued from the latest actual to the target year. Reached: even the interval's least favourable end gets there; not reached: even its most favourable end does not; not moving toward the target: the whole interval is flat or points away; otherwise the trend cannot tell. A latest change against the trend is said. Not a forecast.",
    ),
    # where outlook.method's closing sentences start: the two below go before them
    "outlook.method_close": ("最新の変化が傾向と逆向きの場合", "A latest change against the trend"),
    # said only where the report has such indicators (views.show_grade_summary)
    "outlook.method_national": (
        "全国値を目標とする指標は、全国値を固定せず同じ方法で延ばし、両者の差の傾向で判断します。",
        "A national value is not held still: it gets the same fit, and the gap decides.",
    ),
    "outlook.method_cumulative": (
        "累計目標は累計値ではなく各年度の上積みの傾向で判断します（上積みが負になった年度がなければ、負の上積みは見込みません）。",
        "A cumulative target is judged on each year's addition, never below zero where no year has been.",
    ),
    # the reference a milestone scheme grades against, in the grade table
    "col.milestone": ("目安値", "Milestone (目安値)"),
    "col.expected_path": ("期待値", "Expected value (期待値)"),
    # grade changes between two evaluation years (kpi changes)
    "col.grade_in": ("{year}の⟨grade⟩", "⟨Grade⟩ {year}"),
    "col.change": ("変化", "Change"),
    "col.latest_actual": ("最新の実績値の年（度）", "Latest actual"),  # of indicators of any year basis
    "col.new_actual": ("新しい実績値", "New actual"),
    "change.new_actual.True": ("あり", "yes"),
    "change.new_actual.False": ("なし（前年度と同じ実績値による）", "none (the same actual as the year before)"),
    "change.improved": ("改善", "improved"),
    "change.worsened": ("悪化", "worsened"),
    "change.changed": ("変化", "changed"),
    "change.graded": ("新たに評価", "newly graded"),
    "change.ungraded": ("評価なし", "no longer graded"),
    "change.unchanged": ("変化なし", "unchanged"),
    "changes.none": (
        "{from_year}から{to_year}までに⟨grade⟩が変わった指標はありません。",
        "No indicator changed grade between {from_year} and {to_year}.",
    ),
    # words only the Excel workbook uses (excel_export.py, excel_import.py)
    "xlsx.sheet": ("⟨level⟩{n}", "⟨Level⟩ {n}"),
    "xlsx.audit_sheet": ("監査", "Audit"),
    "xlsx.target": ("目標値", "Target"),
    "xlsx.at_adoption": ("戦略策定時", "At adoption"),
    "xlsx.revised": ("見直し後", "Revised"),
    "xlsx.cumulative_period": ("{a}～{b}", "cumulative {a}–{b}"),
    "xlsx.note_input": (
        "実績値のセルは入力・修正でき、kpi import で取り込めます（他のセル、見出し、シート名、隠し列Aは変更しないでください）。",
        "The 実績値 (actual) cells can be typed in and read back with kpi import (do not change other cells, headings, sheet names or the hidden column A).",
    ),
    "xlsx.note_inputs": (
        "白地のセルは入力・修正でき、kpi import で取り込めます：実績値、目安値・期待値、全国値、公表値：率（その列の年度の実績値による、"
        "公表された率）、公表値：評価（その列の評価年度に公表された評価）。公表値は公表資料の数値（公式）、灰色の⟨rate⟩は本ツールの再計算値です"
        "（他のセル、見出し、シート名、隠し列Aは変更しないでください）。",
        "The white cells can be typed in and read back with kpi import: 実績値 (actual), milestone or expected value, "
        "national value, 公表値：率 (the published rate of that column's actual) and 公表値：評価 (the grade published for "
        "that column's evaluation year). Published figures are the official ones; the grey ⟨rate⟩ is kpi_lib's recomputation "
        "(do not change other cells, headings, sheet names or the hidden column A).",
    ),
    "xlsx.note_mismatch": (
        "着色したセルは、公表資料の数値と再計算値が異なります（公表値はコメント及び「監査」シートを参照）。",
        "Shaded cells: the published figure differs from the recomputation (published figure in the cell's comment and on the Audit sheet).",
    ),
    "xlsx.note_derived": (
        "斜体の全国値は公表⟨rate⟩からの逆算値です（公式統計ではありません）。",
        "National values in italics are derived from the published ⟨rate⟩ (not official statistics).",
    ),
    "xlsx.note_computed": (
        "灰色の欄（⟨rate⟩・⟨grade⟩）は計算値です。kpi import / kpi export が実績値から再計算します（入力しても使われません）。",
        "Grey cells (⟨rate⟩, grade) are computed: kpi import / kpi export recompute them from the actuals (anything typed there is not used).",
    ),
    "xlsx.published": ("公表値", "Published"),
    "xlsx.recomputed": ("再計算", "Recomputed"),
    "xlsx.audit_title": (
        "監査：公表資料の数値と再計算値の不一致",
        "Audit: published figures that disagree with the recomputation",
    ),
    # generated commentary (commentary.py): whole sentences with {placeholders}; the code only picks and fills them
    "commentary.name_missing": (
        "この指標の名称はデータにありません（原資料から読み取れなかったため。kpi audit のデータ注記を参照）。",
        "This indicator's name is not in the data (it could not be read from the source; see the data notes of "
        "kpi audit).",
    ),
    "commentary.name_from_analysis_text": (
        "この指標名（※）は、表の設定項目が失われているため、分析と課題の文言から採ったものです。",
        "This indicator's name (§) is taken from the analysis text (分析と課題): the table's label is lost.",
    ),
    "commentary.no_actual": ("{year}までの実績値はまだありません。", "There is no actual value up to {year} yet."),
    # a scheme whose without_actual rule is not_measured: the year is not graded on an earlier actual
    "commentary.not_measured": (
        "{year}の実績値は{why}のため、評価基準により{grade}（{label}）です。",
        "The {year} actual is {why}, so under the grading rules the grade is {grade} ({label}).",
    ),
    "commentary.earlier_actual": (
        "{year}の実績値は{why}のため、{latest_year}の実績値で評価しています。",
        "The {year} actual is {why}, so the evaluation uses the {latest_year} actual.",
    ),
    "commentary.why.not_yet": ("未公表（未）", "not yet available (未)"),
    "commentary.why.not_measured": ("調査なし（—）", "not measured (—)"),
    "commentary.why.not_given": ("未記載", "not given"),
    "commentary.actual": ("{latest_year}の実績値は{latest}です。", "The latest actual is {latest} ({latest_year})."),
    "commentary.actual_same": (
        "{latest_year}の実績値は{latest}で、前回（{previous_year}）と同じです。",
        "The latest actual is {latest} ({latest_year}), the same as in {previous_year}.",
    ),
    "commentary.actual_up": (
        "{latest_year}の実績値は{latest}で、前回（{previous_year}：{previous}）から{difference}増加しました。",
        "The latest actual is {latest} ({latest_year}), up {difference} from {previous} in {previous_year}.",
    ),
    "commentary.actual_down": (
        "{latest_year}の実績値は{latest}で、前回（{previous_year}：{previous}）から{difference}減少しました。",
        "The latest actual is {latest} ({latest_year}), down {difference} from {previous} in {previous_year}.",
    ),
    "commentary.points": ("{number}ポイント", "{number} percentage points"),
    "commentary.published_rate": (
        "検算：公表資料の{year}の⟨rate⟩は{published}%で、本ツールの再計算値（{recomputed}%：{arithmetic}）と一致しません。",
        "Check: the published {year} ⟨rate⟩ is {published}%; kpi_lib's recomputation gives {recomputed}% ({arithmetic}).",
    ),
    "commentary.published_grade": (
        "公表資料の{year}の⟨grade⟩（{published}）は、凡例による再判定（{recomputed}）と一致しません。",
        "The published {year} grade ({published}) differs from the legend's result ({recomputed}).",
    ),
    "commentary.derived_national": (
        "比較に用いた全国値は原資料に記載がなく、公表⟨rate⟩から逆算した値です（公式統計ではありません）。",
        "The national value used here is not printed in the source; it is derived from the published "
        "⟨rate⟩ and is not an official statistic.",
    ),
    # what an indicator is measured against, placed into the sentences below as {what}
    "commentary.what.national": ("全国値（{reference}、{year}）", "the national value ({reference}, {year})"),
    "commentary.what.baseline": ("基準値（{reference}）", "the baseline ({reference})"),
    "commentary.what.target": ("目標値（{reference}、{year}）", "the target ({reference}, {year})"),
    "commentary.what.revised_target": (
        "見直し後の目標値（{reference}、{year}）",
        "the revised target ({reference}, {year})",
    ),
    "commentary.revised_raised": (
        "目標値は{original}から{revised}に引き上げられています（{when}）。",
        "The target was raised from {original} to {revised} ({when}).",
    ),
    "commentary.revised_lowered": (
        "目標値は{original}から{revised}に引き下げられています（{when}）。",
        "The target was lowered from {original} to {revised} ({when}).",
    ),
    "commentary.revised_when": ("{year}に見直し", "revised in {year}"),
    "commentary.revised_when_unknown": (
        "見直しの時期は原資料に記載がありません",
        "the source does not state when it was revised",
    ),
    # schemes that grade against milestones.csv: the value for the actual's year, never "the target"
    "commentary.what.milestone": ("{year}の目安値（{reference}）", "the interim milestone for {year} ({reference})"),
    "commentary.what.expected_path": ("{year}の期待値（{reference}）", "the expected value for {year} ({reference})"),
    "commentary.graded_against.milestone": (
        "⟨grades⟩は最終目標ではなく、その年度の目安値に対する達成度で判定しています。",
        "The grade measures progress toward the interim milestone of the year, not the final target.",
    ),
    "commentary.graded_against.expected_path": (
        "⟨grades⟩は最終目標ではなく、その年度の期待値に対する達成度で判定しています。",
        "The grade measures progress against the expected value of the year, not the final target.",
    ),
    "commentary.what.cumulative": (
        "累計の目標値（{reference}、{year}）",
        "the cumulative target ({reference} over {start}–{end})",
    ),
    "commentary.reached": ("{what}を達成しています。", "It has reached {what}."),
    "commentary.no_increase": ("{what}と同じで、増加していません。", "It equals {what}, so there is no increase yet."),
    "commentary.gap": (
        "{what}まであと{gap}（⟨rate⟩で{points}ポイント）です。",
        "It is {gap} short of {what} ({points} points of ⟨rate⟩).",
    ),
    "commentary.gap_only": ("{what}まであと{gap}です。", "It is {gap} short of {what}."),
    "commentary.pace_needed": (
        "{year}の目標達成には、年平均{pace}の{change}が必要です。",
        "Reaching it in {year} needs an average {change} of {pace} a year.",
    ),
    "commentary.change.increase": ("増加", "increase"),
    "commentary.change.decrease": ("減少", "decrease"),
    "commentary.change.addition": ("上積み", "addition"),
    "commentary.target_year_passed": (
        "目標年（{year}）を過ぎ、目標値は達成されませんでした。",
        "The target year ({year}) has passed without the target being reached.",
    ),
    "commentary.target_year_missed": (
        "目標年（{year}）の実績値は目標値に達しませんでした。",
        "The actual of the target year ({year}) did not reach the target.",
    ),
    "commentary.target_year_pending": (
        "目標年（{year}）の実績値はまだありません。",
        "The actual of the target year ({year}) is not yet available.",
    ),
    # the band's label quoted, not after a colon: a label has colons of its own ("Progressing: …")
    "commentary.grade": ("⟨grade⟩は{grade}（{label}）です。", 'The ⟨grade⟩ is {grade} ("{label}").'),
    "commentary.grade_computed": (
        "⟨grade⟩は{grade}（{label}）で、公式の基準により本ツールが算定したものです。",
        'The ⟨grade⟩ is {grade} ("{label}"), as kpi_lib computes it under the official rules.',
    ),
    "commentary.computed_because.not_given": (
        "原資料にはこの年度の⟨grade⟩が記載されていません。",
        "The source does not give this year's grade.",
    ),
    "commentary.computed_because.not_published": (
        "この年度の⟨grade⟩は公表されていません。",
        "No grade was published for this year.",
    ),
    "commentary.gap_no_points": ("{what}まであと{gap}です。", "It is {gap} short of {what}."),
    "commentary.grade_unchanged": ("{year}の評価（{old}）から変わっていません。", "Unchanged from {year} ({old})."),
    "commentary.grade_improved": ("{year}の評価（{old}）から改善しました。", "It improved from {old} in {year}."),
    "commentary.grade_fell": ("{year}の評価（{old}）から低下しました。", "It fell from {old} in {year}."),
    "commentary.grade_changed": ("{year}の評価（{old}）から変化しました。", "It changed from {old} in {year}."),
    "commentary.sentence_gap": ("", " "),  # between two sentences in one item
    "commentary.count": ("{grade}が{n}", "{n} {grade}"),
    "commentary.count_computed": ("{grade}が{n}（うち算定{computed}）", "{n} {grade} ({computed} of them computed)"),
    "commentary.computed_some": (
        "「算定」の{n}指標は公表された⟨grade⟩がないため（{why}）、公式の基準により本ツールが算定した⟨grade⟩です。",
        "The {n} computed grades are not published ({why}): kpi_lib computed them under the official rules.",
    ),
    "commentary.computed_all": (
        "いずれの⟨grade⟩も公表されていないため（{why}）、公式の基準により本ツールが算定した⟨grade⟩です。",
        "None of these grades is published ({why}): kpi_lib computed them all under the official rules.",
    ),
    "commentary.computed_why.not_given": ("原資料に記載なし{n}指標", "{n} not given in the source"),
    "commentary.computed_why.not_published": ("当該年度の公表なし{n}指標", "{n} with none published for the year"),
    "commentary.counts_separator": ("、", ", "),
    "commentary.names_separator": ("、", "; "),
    "commentary.project_counts": (
        "{year}の評価対象{n}指標のうち、{counts}です。",
        "Of the {n} indicators evaluated for {year}: {counts}.",
    ),
    "commentary.older_actuals": (
        "このうち{n}指標は{year}の実績値がなく、それ以前の実績値による評価です（{years}）。",
        "Based on an earlier actual, as there is none for {year}: {n} of these grades ({years}).",
    ),
    "commentary.older_actual_year": ("{year}の実績値による{n}指標", "{n} on {year} actuals"),
    "commentary.project_counts_one": (
        "{year}の評価対象は1指標で、{counts}です。",
        "The one indicator evaluated for {year}: {counts}.",
    ),
    "commentary.project_counts_none": (
        "{year}の評価対象{n}指標には、まだ評価できる実績値がありません。",
        "None of the {n} indicator(s) evaluated for {year} has an actual to grade yet.",
    ),
    "commentary.ungraded": (
        "実績値のない{n}指標は評価していません。",
        "{n} indicator(s) without an actual value are not graded.",
    ),
    "commentary.ungraded_total_unknown": (
        "累計目標の期間に実績値のない年度があり累計が分からない{n}指標は評価していません。",
        "{n} indicator(s) whose running total is unknown (a year of the cumulative target's period has no "
        "actual) are not graded.",
    ),
    "commentary.running_total_unknown": (
        "累計目標の期間のうち{missing}の実績値がないため、{start}から{latest_year}までの累計は分からず、⟨rate⟩と⟨grades⟩は算出していません。",
        "There is no actual for {missing}, within the cumulative target's period, so the running total from "
        "{start} to {latest_year} is unknown and no ⟨rate⟩ or grade is worked out.",
    ),
    "commentary.projection_total_unknown": (
        "累計が分からないため、直線の傾向による見通しは示しません。",
        "The running total is unknown, so no straight-line outlook is given.",
    ),
    "commentary.worst": ("{grade}の指標：{names}。", "Graded {grade}: {names}."),
    "commentary.shared_name": ("{name}（⟨level⟩{projects}）", "{name} (⟨level⟩ {projects})"),
    "commentary.change_item": ("{name}（{old}→{new}）", "{name} ({old} → {new})"),
    "commentary.changes": ("{year}から⟨grade⟩が変わった指標：{items}。", "Grades changed since {year}: {items}."),
    "commentary.no_changes": ("{year}から⟨grade⟩が変わった指標はありません。", "No grade changed since {year}."),
    "commentary.outlook": ("見通し（参考・独自分析）：{label}。", "Outlook (our analysis): {label}."),
    "commentary.counted_from": (
        "原資料の実績値（累計）は、目標の期間（{start}～{end}）が始まる前の{first}から数えたもので、⟨rate⟩も原資料のとおりこの累計で計算しています。",
        "The source's running totals count from {first}, before the target's period ({start}–{end}) begins; as in "
        "the source, the ⟨rate⟩ is worked out on them.",
    ),
    "commentary.running_total": (
        "累計目標の期間が始まった{start}から{latest_year}までの累計は{total}で、⟨rate⟩はこの累計で計算しています。",
        "The running total from {start}, when the cumulative target's period began, up to {latest_year} is "
        "{total}; the ⟨rate⟩ is worked out on this total.",
    ),
    # the outlook's trend (commentary.outlook_commentary); {slope}, {low}, {high}: commentary.per_year
    "commentary.per_year": ("年{amount}の{change}", "{article} {change} of {amount} a year"),
    "commentary.per_year_flat": ("横ばい（年0）", "no change"),
    # a confidence interval of a slope, signed: 年−555日～+17,869日 / −555 to +17,869 days a year
    "commentary.interval": ("年{low}～{high}", "{low} to {high} a year"),
    "commentary.slope": ("年{amount}", "{amount} a year"),
    "commentary.gap_change.increase": ("拡大", "widening"),
    "commentary.gap_change.decrease": ("縮小", "narrowing"),
    "commentary.trend": (
        "実績値{n}点（{first}～{last}）のTheil–Sen法による傾きは{slope}（{confidence}信頼区間：{interval}）で、この傾きなら{year}は{projected}です。",
        "Theil–Sen trend of the {n} actuals ({first}–{last}): {slope} ({confidence} interval: {interval}); at that slope, {projected} in {year}.",
    ),
    "commentary.trend_additions": (
        "各年度の上積みは{additions}で、そのTheil–Sen法による傾きは{slope}（{confidence}信頼区間：{interval}）、この傾きで上積みすると{floor}{year}の累計は{projected}です。",
        "Annual additions to the running total: {additions}. Their Theil–Sen trend: {slope} ({confidence} interval: {interval}); adding at that slope{floor}, a total of {projected} in {year}.",
    ),
    "commentary.additions_separator": ("、", ", "),
    "commentary.addition_item": ("{year}：{amount}", "{amount} ({year})"),
    "commentary.needed_beyond_any_year": (
        "必要な年平均{required}は、これまでのどの年度の上積み（最大は{most_year}の{most}）よりも多い量です。",
        "It needs {required} a year, more than any year so far ({most} at most, {most_year}).",
    ),
    "commentary.additions_floored": (
        "（これまで上積みが負の年度はないため、負の上積みは0とします）",
        " (none below zero, as so far)",
    ),
    "commentary.trend_national": (
        "全国値も動いているため固定せず、両者の傾向を比べます。Theil–Sen法による傾きは実績値{n}点で{slope}、全国値{n_national}点で{national_slope}で、{year}はそれぞれ{projected}、{national_projected}です。全国値との差（{gap_year}：{gap}）の傾きは{gap_slope}（{confidence}信頼区間：{interval}、＋は拡大）で、{gap_change}",
        "The national value moves too, so it is not held still. Theil–Sen trends: {slope} for the {n} actuals, {national_slope} for the {n_national} national values ({year}: {projected} against {national_projected}); the gap ({gap} in {gap_year}) moves {gap_slope} ({confidence} interval: {interval}; + widens), so {gap_change}",
    ),
    "commentary.gap_is.narrowing": (
        "差は縮まる傾向です。",
        "it is narrowing.",
    ),
    "commentary.gap_is.widening": (
        "差は広がる傾向です。",
        "it is widening.",
    ),
    "commentary.gap_is.unclear": (
        "縮まるか広がるかはこの区間からは言えません。",
        "whether it narrows or widens cannot be told.",
    ),
    "commentary.verdict.on_track": (
        "区間の最も不利な端でも、{year}までに目標値に届きます。",
        "Even the least favourable end of the interval reaches the target by {year}.",
    ),
    "commentary.verdict.behind": (
        "区間の最も有利な端でも、{year}までに目標値に届きません。",
        "Even the most favourable end of the interval does not reach the target by {year}.",
    ),
    "commentary.verdict.not_approaching": (
        "区間全体が横ばいか目標から離れる向きです。",
        "The whole interval is flat or points away from the target.",
    ),
    "commentary.verdict.uncertain": (
        "区間には{year}までに届く傾きも届かない傾きも含まれ、{n}点からはどちらとも言えません。",
        "The interval holds slopes that reach the target by {year} and slopes that do not.",
    ),
    "commentary.verdict_gap.on_track": (
        "区間の最も不利な端でも、{year}までに全国値との差は解消します。",
        "Even the least favourable end of the interval closes the gap by {year}.",
    ),
    "commentary.verdict_gap.behind": (
        "区間の最も有利な端でも、{year}までに全国値との差は解消しません。",
        "Even the most favourable end of the interval does not close the gap by {year}.",
    ),
    "commentary.verdict_gap.not_approaching": (
        "区間全体で差は縮まっていません。",
        "Nowhere in the interval does the gap narrow.",
    ),
    "commentary.verdict_gap.uncertain": (
        "区間には{year}までに差が解消する傾きもしない傾きも含まれ、{n}点からはどちらとも言えません。",
        "The interval holds slopes that close the gap by {year} and slopes that do not.",
    ),
    "commentary.against_trend": (
        "ただし、{what}の{previous_year}から{latest_year}への変化（{change}）は、当てはめた傾向と逆向きです。",
        "However, the latest change in {what} ({previous_year} to {latest_year}: {change}) runs against the trend.",
    ),
    "commentary.series.actual": ("実績値", "the actuals"),
    "commentary.series.annual_addition": ("各年度の上積み", "the annual figures"),
    "commentary.series.gap_to_national": ("全国値との差", "the gap to the national value"),
    "commentary.projection_too_few": (
        "{what}が{n}点しかないため（{min}点以上が必要）、傾向による見通しは示しません。",
        "There are only {n} {what} ({min} are needed), so no outlook from the trend is given.",
    ),
    "commentary.too_few.actual": ("実績値", "actual(s)"),
    "commentary.too_few.annual_addition": ("各年度の上積み", "annual figure(s)"),
    "commentary.too_few.gap_to_national": (
        "実績値と全国値がそろう年度",
        "year(s) with both an actual and a national value",
    ),
    "commentary.projection_no_final_total": (
        "この累計目標の最終目標値は公表されていないため、見通しは示しません（⟨grades⟩は年度ごとの値に対して判定しています）。",
        "The final total of this cumulative target is not published, so no outlook is given (the grade is "
        "measured against the value set for each year).",
    ),
    "commentary.projection_no_target": (
        "比較する目標値がないため、見通しは示しません。",
        "There is no target value to compare with, so no outlook is given.",
    ),
    "commentary.outlook_not_achieved": (
        "目標年（{year}）の実績値が出ており、目標値に届いていないため、見通しではなく未達成です。",
        "The target year's ({year}) actual is in and short of the target: not an outlook but not reached.",
    ),
    "commentary.change.flat": ("横ばい", "flat"),
    "commentary.pace_adjusted": (
        "累計目標の期間の{share:.0%}が経過しており、経過期間に応じた目安に対する⟨rate⟩は{rate}です（公式の⟨grades⟩は変わりません）。",
        "{share:.0%} of the cumulative target's period has elapsed; against the share due by now the "
        "⟨rate⟩ is {rate} (the official grade is unchanged).",
    ),
    # the pace disagrees with the trend outlook: the outlook is the judgement, the pace is explained
    "commentary.pace_ahead_but_trend_behind": (
        "累計目標の期間の{share:.0%}が経過しており、経過期間に応じた目安に対する⟨rate⟩は{rate}で、これまでの累計は目安を上回っています。ただし、見通しは各年度の上積みの傾向によるもので、その傾向では目標年度までに届きません（公式の⟨grades⟩は変わりません）。",
        "{share:.0%} of the cumulative target's period has elapsed; against the share due by now the "
        "⟨rate⟩ is {rate}, so the total so far is ahead of that share. The outlook, however, follows the "
        "trend of the annual additions, and on that trend the target is not reached by the target year (the "
        "official grade is unchanged).",
    ),
    "commentary.pace_behind_but_trend_on_track": (
        "累計目標の期間の{share:.0%}が経過しており、経過期間に応じた目安に対する⟨rate⟩は{rate}で、これまでの累計は目安を下回っています。ただし、見通しは各年度の上積みの傾向によるもので、その傾向なら目標年度までに届きます（公式の⟨grades⟩は変わりません）。",
        "{share:.0%} of the cumulative target's period has elapsed; against the share due by now the "
        "⟨rate⟩ is {rate}, so the total so far is behind that share. The outlook, however, follows the "
        "trend of the annual additions, and on that trend the target is reached by the target year (the "
        "official grade is unchanged).",
    ),
    # the arithmetic column of kpi audit (audit.py)
    "audit.national_value": ("（{year}の全国値）", " (national value {year})"),
    "audit.baseline": ("（基準値）", " (baseline)"),
    "audit.undefined": ("：計算できません（0による除算）", ": undefined (division by zero)"),
    "audit.no_actual_in_year": ("この年度の実績値はありません", "no actual value for this year"),
    "audit.no_actual_up_to": ("この年度までの実績値はありません", "no actual value up to this year"),
    "audit.not_measured": (
        "この年度の実績値がないため、評価基準により{grade}",
        "no actual value of this year: {grade} under the grading rules",
    ),
    "audit.total_unknown": (
        "累計目標の期間に実績値のない年度があるため累計は不明（⟨rate⟩・⟨grades⟩は算出できません）",
        "running total unknown: a year of the cumulative target's period has no actual (no rate or grade)",
    ),
    "audit.reason": ("⟨rate⟩{rate}%（{year}の実績値）", "rate {rate}% (actual of {year})"),
    "audit.below": ("{reason}は{limit}%未満 → {grade}", "{reason} is below {limit}% → {grade}"),
    "audit.state": ("{reason}、{state} → {grade}", "{reason}, {state} → {grade}"),
    "audit.achieved": ("目標値を達成", "target achieved"),
    "audit.original_achieved": ("上方修正前の目標値を達成", "original target achieved"),
    "audit.not_achieved": ("目標値は未達成", "target not achieved"),
    "audit.disagreements": (
        "{n}件の公表値が再計算値と一致しません。",
        "{n} published figure(s) disagree with the recomputation.",
    ),
    "audit.notes_heading": (
        "データの注記（不一致ではありません。原資料の転記についてデータ自身が記録している注記です）：",
        "Data notes (not disagreements: what the data records about its transcription from the source):",
    ),
    "audit.no_notes": ("データに注記はありません。", "The data carries no notes."),
    "col.note_file": ("ファイル", "File"),
    "col.note_key": ("行", "Row"),
    "col.note_column": ("列", "Column"),
    "col.note_note": ("注記", "Note"),
    "refresh.changed": ("変更あり: {path}", "changed: {path}"),
    "refresh.unchanged": ("変更なし: {path}", "unchanged: {path}"),
    "refresh.summary": (
        "{total} 個のノートブックを再実行し、{changed} 個の内容が変わりました（変更ありのものを確認してコミットしてください）。",
        "Re-executed {total} notebooks; {changed} changed (review and commit those marked changed).",
    ),
    "show.caption": (
        "主な列のみ表示。全列は表そのもの（DataFrame）、列の意味は kpi_lib.glossary()",
        "The main columns only. All columns: the DataFrame itself; what they mean: kpi_lib.glossary('en')",
    ),
    "glossary.column": ("列", "column"),
    "glossary.type": ("型", "type"),
    "glossary.meaning": ("意味", "meaning"),
    "glossary.number": ("数値", "number"),
    "glossary.text": ("文字", "text"),
    "audit.none": ("公表値と再計算値の不一致はありません。", "No published figure disagrees with the recomputation."),
    # the workbook template that `kpi new` writes (new_dataset.py). new.note is what kpi new has always
    # written (kpi import compares a filled-in template's note with it); a workbook of kpi
    # add-indicators puts its own first sentences for new.intro
    "new.intro": ("新しいデータセットの入力用ブックです。", "A workbook to start a new dataset. "),
    "new.note": (
        "新しいデータセットの入力用ブックです。⟨level⟩名（日本語・英語）とキャッチフレーズを記入し、"
        "各指標を空いた行に記入してください：設定項目（1行目に日本語、2行目に英語）、基準値と基準年、目標値と目標年、"
        "見直し後の目標値と年（任意）、年度ごとの実績値（数値、未 又は —）{milestone}、単位（1行目に日本語、2行目に英語）、"
        "方向（higher：高いほど良い、lower：低いほど良い）、目標の種類（空欄：value（数値目標）、cumulative（累計：2行目に"
        "累計期間の初年度）、above_baseline、at_least_baseline）、実績値の種類（空欄：annual（各年度の値）、"
        "cumulative_to_date（累計値））。使わない行・シートは空欄のままにし、kpi import で取り込みます。"
        "指標IDは隠し列Aにあります（p1_t01 = ⟨level⟩1の数値目標1行目、p1_k01 = KPI 1行目）。",
        "A workbook to start a new dataset. Type each ⟨level⟩'s name and catch line (Japanese and English) and "
        "one indicator per empty row: its name (Japanese on the first line, English on the second), baseline "
        "and its year, target and its year, revised target and year (optional), the actuals of each year "
        "(a number, 未 or —){milestone}, unit (Japanese, then English), direction (higher or lower is better), "
        "target kind (empty: value; cumulative, with the first year of its period on the second line; "
        "above_baseline; at_least_baseline) and what the actuals are (empty: annual, each year's value; "
        "cumulative_to_date: running totals). Leave unused rows and sheets empty, then run kpi import. "
        "Indicator ids are in the hidden column A (p1_t01: ⟨level⟩ 1's first 数値目標 row, p1_k01: its first KPI row).",
    ),
    "new.milestone": (
        "、その下の行に年度ごとの{what}",
        ", and on the row below, the {what} for each year",
    ),
    "new.published_note": (
        "公表済みの評価がある場合は、実績値の下の行に公表された率（その年度の実績値によるもの）と、"
        "その下の行に評価年度ごとの公表された評価を記入してください（任意。kpi audit が再計算と照合します）。",
        " Where a report was published, type its printed rate on the row under the actuals (the rate of that "
        "year's actual) and, on the row below, its printed grade for each evaluation year (optional; kpi audit "
        "checks them against the recomputation).",
    ),
    # the workbook of `kpi add-indicators`: the note's first sentences on an existing project's sheet
    "add.note": (
        "データセットに指標を追加するためのブックです。この⟨level⟩の指標（変更されません）：{indicators}。"
        "追加する指標を空いた行に記入してください（名称・キャッチフレーズは projects.csv のまま）。",
        "A workbook to add indicators to the dataset. This ⟨level⟩'s indicators, kept as they are: {indicators}. "
        "Type each indicator to add into an empty row (the names and catch line stay as projects.csv has them). ",
    ),
    "add.new_project_note": (
        "データセットに新しい⟨level⟩を追加するためのシートです（使わなければ空欄のまま）。",
        "A sheet to add a new ⟨level⟩ to the dataset (leave it empty if there is none). ",
    ),
    "new.published_rate": ("公表値：率", "Published rate"),
    "new.published_grade": ("公表値：評価", "Published grade"),
    "new.project_name_ja": ("⟨level⟩名（日本語）", "⟨Level⟩ name (Japanese)"),
    "new.project_name_en": ("⟨level⟩名（英語）", "⟨Level⟩ name (English)"),
    "new.catch_ja": ("キャッチフレーズ（日本語）", "Catch line (Japanese)"),
    "new.catch_en": ("キャッチフレーズ（英語）", "Catch line (English)"),
    "new.unit": ("単位", "Unit"),
    "new.direction": ("方向", "Direction"),
    "new.target_kind": ("目標の種類", "Target kind"),
    "new.actual_basis": ("実績値の種類", "Actuals are"),
    # the second row under 実績値の種類: what the year of the figures is (indicators.csv year_basis)
    "new.year_basis": ("年の基準", "Year basis"),
    # the year under the target kind of a cumulative target (named in a cell's message)
    "new.period_start": ("累計期間の最初の年度", "first year of the cumulative period"),
    "new.year_basis_prompt": (
        "実績値の年の基準：fiscal（年度）、calendar（暦年）。空欄は not_stated（原資料に記載なし）。"
        "原資料が示す場合だけ記入し、根拠は indicators.csv の note に記してください。",
        "What the actuals' years are: fiscal (April to March) or calendar (January to December); empty: "
        "not_stated. Fill it in only where the source says so, and give the evidence in indicators.csv's note.",
    ),
    # the third row under 単位: the English unit after exactly 1 (indicators.csv unit_en_singular)
    "new.unit_singular": ("英語の単位（数が1のとき）", "English unit after 1"),
    "new.unit_singular_prompt": (
        "数が1のときの英語の単位（areas なら area）。上の行の英語の単位と同じなら空欄。",
        "The English unit after exactly 1 (area for areas); leave it empty where it is the same as the English "
        "unit above.",
    ),
    # kpi refresh-notebooks: the installed packages differ from the pins the committed outputs were made with
    "pins.differ": (
        "インストールされている版が {file} の固定版と違います: {packages}。このまま実行するとコミット済みノートブックの出力が変わるので、"
        "実行しませんでした。python3 tasks.py notebooks で実行するか、先に pip install -c {file} -e {folder} で固定版を入れてください",
        "the installed versions differ from the pins in {file}: {packages}; the committed notebooks' outputs would change, "
        "so nothing was run: use python3 tasks.py notebooks, or pip install -c {file} -e {folder} first",
    ),
    "pins.package": ("{package} {installed}（固定版 {pinned}）", "{package} {installed} (pinned {pinned})"),
    "pins.not_installed": ("未インストール", "not installed"),
    # kpi report: an output folder it refuses to write into (each printed as "ja / en", one line)
    "run.not_a_folder": (
        "{path} にレポートを書けません（{what}）: --out にフォルダを指定してください",
        "cannot write reports into {path} ({what}): give --out a folder",
    ),
    "run.not_replaced": (
        "{path} は{what}で、kpi report が書くファイルではないため置き換えません: 削除するか、別の --out を指定してください",
        "{path} is {what}, not a file kpi report writes, so it is not replaced: remove it or choose another --out",
    ),
    "run.other_data": (
        "{folder} には今回作り直さないページがあり、別のデータ（{digests}）から作られています: {pages}。"
        "残すと一つのレポートに二つのデータが混ざるため、何も変更していません。--project と --lang を付けずに全体を作り直すか、"
        "それらを削除するか、別の --out を指定してください",
        "{folder} holds pages this run does not rebuild that were made from other data ({digests}): {pages}; "
        "keeping them would mix two data versions in one report set, so nothing was changed: rebuild the whole set "
        "(no --project or --lang), remove them, or choose another --out",
    ),
    "run.stale_pdf": (
        "{pages} は以前の実行で印刷したもので、今回作り直すページの古い内容です。何も変更していません: --pdf を付けて実行するか、削除してください",
        "{pages} were printed by an earlier run and show older versions of pages this run rebuilds; nothing was "
        "changed: run with --pdf, or remove them",
    ),
    "run.empty_project": (
        "⟨level⟩ {projects} には指標がなく、レポートに載せるものがありません: 指標を追加するか、--project で他の⟨level⟩を指定してください",
        "⟨level⟩ {projects} has no indicators, so its report would have nothing to show: add its indicators, or "
        "name the other ⟨level⟩s with --project",
    ),
    "run.what.symlink": ("シンボリックリンク", "a symbolic link"),
    "run.what.folder": ("フォルダ", "a folder"),
    "run.what.special": ("通常のファイルではないもの", "not a regular file"),
    "run.what.file": ("ファイル", "a file"),
    "run.what.below_file": ("ファイルの下のパス", "a path below a file"),
    "run.no_digest": ("データの digest なし", "no data digest"),
    # which data folder a command uses (dataset.loading.resolve_data_dir): none found, an unknown example
    "data.none_found": (
        "{folder} とその上のフォルダにはデータセット（metadata.json）がありません: kpi new DIR で新しく作るか、"
        "--data DIR（Python では data_dir=）か環境変数 KPI_DATA でデータのフォルダを指定してください",
        "no dataset here: neither {folder} nor a folder above it holds a metadata.json; start one with kpi new DIR, "
        "or name a data folder with --data DIR (data_dir= in Python) or the environment variable KPI_DATA",
    ),
    # kpi import --dry-run and kpi restore: the rows a write changes (dataset.table_diff)
    "diff.added": ("追加", "added"),
    "diff.changed": ("変更", "changed"),
    "diff.removed": ("削除", "removed"),
    "diff.empty": ("（空）", "(empty)"),
    "diff.count": ("{kind} {n} 行", "{n} {kind}"),
    "diff.sep": ("、", ", "),
    # kpi import (workbook.excel_import)
    "import.dry_run": ("試行（--dry-run）: 何も書き込んでいません", "dry run: nothing was written"),
    "import.no_changes": (
        "変更なし: ブックの内容は {folder} のデータのとおりです",
        "no changes: the workbook holds the data of {folder} as it is",
    ),
    "import.updated": ("{folder} を更新しました: {counts}", "updated {folder}: {counts}"),
    "import.would_update": (
        "取り込むと {folder} は次のとおり変わります: {counts}",
        "an import would update {folder}: {counts}",
    ),
    "import.created": (
        "{folder} にデータセットを作成しました: ⟨level⟩ {projects}、指標 {indicators}、実績値 {actuals}{more}。"
        "kpi validate --data {folder} で確認してください",
        "created the dataset in {folder}: {projects} ⟨level⟩(s), {indicators} indicator(s), {actuals} actual(s)"
        "{more}; check it with kpi validate --data {folder}",
    ),
    # what else it wrote: milestones (a scheme that uses them), the published figures typed in
    "import.created_milestones": ("、目安値・期待値 {n}", ", {n} milestone(s)"),
    "import.created_published": (
        "、公表された⟨rate⟩ {rates}・⟨grade⟩ {grades}",
        ", {rates} published ⟨rate⟩(s) and {grades} published ⟨grade⟩(s)",
    ),
    "import.kept": (
        "置き換える前の表を {id} として保存しました（kpi restore --data {folder} で取り込み前に戻せます）",
        "the tables it replaced are kept as {id} (kpi restore --data {folder} undoes this import)",
    ),
    "import.published": (
        "{indicator} {year} の実績値は公表済みの数値（{what}）の元になっています。{old} → {new} と変えると公表内容と"
        "合わなくなるため、何も取り込んでいません: それでも変えるときは --change-published を付けて実行してください",
        "the actual of {indicator} {year} is behind published figures ({what}): changing it ({old} → {new}) would "
        "no longer match what was published, so nothing was imported; to change it anyway, run again with --change-published",
    ),
    "import.published_rate": (
        "published_rates.csv の {year} の公表値",
        "the published rate of {year}, published_rates.csv",
    ),
    "import.published_grade": (
        "published_grades.csv の {year} の公表評価",
        "the published grade of {year}, published_grades.csv",
    ),
    "import.published_sep": ("、", "; "),
    "import.published_figure": (
        "{indicator}: {what}は {old} です。{new} に変えると公表内容と合わなくなるため、何も取り込んでいません: "
        "それでも変えるときは --change-published を付けて実行してください",
        "{indicator}: {what} is {old}; changing it to {new} would no longer match what was published, so nothing "
        "was imported; to change it anyway, run again with --change-published",
    ),
    "import.published_reference": (
        "{indicator} {year} の{reference}は公表済みの数値（{what}）の元になっています。{old} → {new} と変えると公表内容と"
        "合わなくなるため、何も取り込んでいません: それでも変えるときは --change-published を付けて実行してください",
        "the {reference} of {indicator} {year} is behind published figures ({what}): changing it ({old} → {new}) "
        "would no longer match what was published, so nothing was imported; to change it anyway, run again with "
        "--change-published",
    ),
    "import.published_changed": (
        "公表済みの数値の元になる実績値を変更（--change-published）: {cells}",
        "changes actuals behind published figures (--change-published): {cells}",
    ),
    "import.shipped": (
        "{folder} は kpi_lib に同梱の例なので書き換えません: フォルダをコピーして、コピーに取り込んでください",
        "{folder} is an example shipped with kpi_lib and is not changed: copy the folder and import into the copy",
    ),
    # kpi restore (dataset.history)
    "history.before_import": ("{detail} の取り込み前（{when}）", "before the import of {detail} ({when})"),
    "history.before_restore": ("状態 {detail} への復元前（{when}）", "before the restore of state {detail} ({when})"),
    "history.cannot_keep": (
        "{folder} に置き換える前の表を保存できません（{why}）: 何も変更していません",
        "cannot keep the replaced tables in {folder}: {why}; nothing was changed",
    ),
    "history.cannot_write": (
        "{file} に書き込めません（{why}）: 何も変更していません",
        "cannot write {file}: {why}; nothing was changed",
    ),
    "history.latest": ("最新", "latest"),
    "history.none": (
        "{folder} に保存された状態はありません: 復元できるものはありません（kpi import は置き換える前の表をここに保存します）",
        "no kept state in {folder}: nothing to restore (kpi import keeps the tables it replaces there)",
    ),
    "history.unknown": (
        "{folder} に状態 {id} はありません: 保存された状態は kpi restore --list で確認できます",
        "{folder} has no kept state {id}: kpi restore --list shows the states kept",
    ),
    "history.damaged": (
        "{file} は保存したときと内容が違います（変更または破損）: 何も復元していません",
        "{file} is not what was kept (changed or damaged): nothing was restored",
    ),
    "history.not_ours": (
        "{file} は状態 {id} にはなかったファイルで、kpi_lib が書いた後に変更されています。削除はしないため何も復元していません: "
        "別の場所へ移してから実行してください",
        "{file} did not exist in state {id} and was changed since kpi_lib wrote it; it is never deleted, so nothing "
        "was restored: move it away first",
    ),
    "history.invalid": (
        "復元したデータは検証に通りません（{problem}{more}）: 何も復元していません。手で直すか、別の状態を復元してください",
        "the folder as restored would not be valid ({problem}{more}): nothing was restored; correct it by hand, or "
        "restore another state",
    ),
    "history.more": ("、ほか {n} 件", "; and {n} more"),
    "history.same": (
        "{folder} はすでに状態 {id}（{what}）のとおりです: 変更はありません",
        "{folder} is already as in state {id} ({what}): nothing changed",
    ),
    "history.would_restore": (
        "試行（--dry-run）: {folder} を状態 {id}（{what}）に戻すと上のとおり変わります。何も書き込んでいません",
        "dry run: restoring {folder} to state {id} ({what}) would make the changes above; nothing was written",
    ),
    "history.restored": (
        "{folder} を状態 {id}（{what}）に戻しました。置き換えた状態は {kept} として保存しました（もう一度 kpi restore で元に戻せます）",
        "restored {folder} to state {id} ({what}); the state it replaced is kept as {kept} (kpi restore again undoes this)",
    ),
    "data.env_missing": (
        "環境変数 KPI_DATA が指すフォルダ {folder} がありません: KPI_DATA をデータのフォルダに設定し直すか、削除してください",
        "the folder the environment variable KPI_DATA names, {folder}, does not exist: set KPI_DATA to a data folder, "
        "or unset it",
    ),
    "data.unknown_example": (
        "{name} という同梱の例はありません: {names} のいずれかを指定してください",
        "there is no shipped example {name}: name one of {names}",
    ),
}


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise KpiError(f"unknown language {lang!r}: use ja or en")
    return lang


# A report's words for its levels, the rate, a grade and the grades come from the dataset
# (metadata.json report.level_*, the scheme's [words]); a label names them as ⟨level⟩, ⟨rate⟩,
# ⟨grade⟩ and ⟨grades⟩ (capitalised: ⟨Level⟩ … for the start of an English heading). Without the
# dataset's words, these neutral ones: never one dataset's words for another's.
NEUTRAL_WORDS = {
    "level": ("分野", "area"),
    "rate": ("率", "rate"),
    "grade": ("評価", "grade"),
    "grades": ("評価", "grades"),
}
_WORD = re.compile("⟨(level|rate|grade|grades|Level|Rate|Grade|Grades)⟩")


def text(key: str, lang: str = "ja", words=None) -> str:
    """The label in `lang`, with the dataset's `words` (a Scheme, whose `words` the loader fills
    from the scheme file and metadata.json, or its (key, word) pairs) for ⟨level⟩, ⟨rate⟩ …"""
    ja, en = _LABELS[key]
    label = ja if check_lang(lang) == "ja" else en
    return fill_words(label, lang, words) if "⟨" in label else label


def fill_words(label: str, lang: str, words=None) -> str:
    given = dict(getattr(words, "words", words) or ())

    def word(m: re.Match) -> str:
        name = m.group(1).lower()
        w = given.get(f"{name}_{lang}") or NEUTRAL_WORDS[name][lang == "en"]
        return w[:1].upper() + w[1:] if m.group(1)[0].isupper() else w

    return _WORD.sub(word, label)


def kind_label(kind: str, lang: str = "ja") -> str:
    return text(f"kind.{kind}", lang)
