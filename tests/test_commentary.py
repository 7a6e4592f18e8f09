"""Generated commentary on real data; every figure worked out by hand from the source's tables.

A year of an indicator's figures is named as its year basis allows (indicators.csv year_basis):
H30 / 2018 where the source does not say whether they are fiscal- or calendar-year figures (the
source table's own heading), 平成30年 / 2018 for a calendar-year series; the evaluation year is
the report's fiscal year (平成29年度の評価)."""

from kpi_lib.analysis.audit import audit
from kpi_lib.analysis.grading import evaluate, progress_table
from kpi_lib.analysis.outlook import outlook
from kpi_lib.dataset.scheme import load_scheme
from kpi_lib.presentation import commentary


def _sentences(dataset, indicator, lang, year=2018, project=None):
    scheme = load_scheme("hokkaido")
    res = evaluate(dataset, year)
    prev = evaluate(dataset, year - 1)
    pick = (res["indicator"] == indicator) & ((res["project"] == project) if project else True)
    row = res[pick].iloc[0].to_dict()
    previous = prev[(prev["indicator"] == indicator) & (prev["project"] == row["project"])].iloc[0].to_dict()
    previous["evaluation_year"] = year - 1
    findings = audit(dataset)
    findings = findings[(findings["indicator"] == indicator) & (findings["project"] == row["project"])]
    o = outlook(dataset, year).set_index("indicator").loc[indicator].to_dict()
    return commentary.indicator_commentary(
        row, progress_table(dataset), previous, findings, scheme, lang
    ) + commentary.outlook_commentary(row, o, lang, scheme)


def test_pregnancy_consultations_in_japanese(dataset):
    s = _sentences(dataset, "pregnancy_consultations", "ja")
    # 172件 in H30 against 293件 in H29: down 121件; 600 − 172 = 428件 short, 100 − 28.7 = 71.3 points;
    # one year left to R1: 428件 a year
    assert s[0] == "H30の実績値は172件で、前回（H29：293件）から121件減少しました。"
    assert s[1] == "目標値（600件、R1）まであと428件（進捗率で71.3ポイント）です。"
    assert s[2] == "R1の目標達成には、年平均428件の増加が必要です。"
    assert s[3].startswith("進捗はB（") and s[3].endswith("平成29年度の評価（B）から変わっていません。")


def test_manufacturing_uses_the_h29_actual_and_english_units(dataset):
    s = _sentences(dataset, "manufacturing_productivity", "en")
    # H30 is 未: the H29 actual 965万円 is used; 1,280 − 965 = 315万円 = 3.15 million yen;
    # two years to R1: 157.5万円 a year, printed without decimals as 158万円 = 1.58 million yen
    assert s[0] == "The 2018 actual is not yet available (未), so the evaluation uses the 2017 actual."
    assert s[1] == "The latest actual is 9.65 million yen (2017), down 0.24 million yen from 9.89 million yen in 2016."
    assert s[2] == "It is 3.15 million yen short of the target (12.8 million yen, 2019) (24.6 points of progress rate)."
    assert s[3] == "Reaching it in 2019 needs an average increase of 1.58 million yen a year."


def test_percent_differences_are_points(dataset):
    s = _sentences(dataset, "wish_to_stay_rate", "ja")
    assert s.pop(0).startswith("この指標名（※）は")  # its name is taken from the analysis text (test_labelling)
    # 75.8% vs 70.5%: +5.3 points; baseline 76.2% (基準値より増加) − 75.8% = 0.4 points
    assert s[0] == "H30の実績値は75.8%で、前回（H29：70.5%）から5.3ポイント増加しました。"
    assert s[1] == "基準値（76.2%）まであと0.4ポイント（進捗率で0.5ポイント）です。"


def test_published_disagreement_and_pace_of_the_cumulative_target(dataset):
    s = _sentences(dataset, "active_senior_trainees", "ja")
    assert (
        "検算：公表資料のH30の進捗率は67.4%で、本ツールの再計算値（67.5%：7,086 ÷ 10,500 × 100 = 67.4857 → 67.5）と一致しません。"
        in s
    )
    # H27–R1 is five years, four (80%) elapsed by H30: 7,086 ÷ (10,500 × 0.8 = 8,400) = 84.36% -> 84.4%
    assert (
        "累計目標の期間の80%が経過しており、経過期間に応じた目安に対する進捗率は84.4%です（公式の進捗区分は変わりません）。"
        in s
    )


def test_target_year_passed(dataset):
    s = _sentences(dataset, "food_exports", "en", project=3)
    # target 1,000億円 in H30, 774億円 in H30: 226億円 = 22.6 billion yen short, and H30 is the target
    # year; calendar-year figures (「平成30年に過去最高額」, project 3's 分析と課題): 2018, not FY2018
    assert "It is 22.6 billion yen short of the target (100 billion yen, 2018) (22.6 points of progress rate)." in s
    # in the target year itself the year has not passed: its actual fell short
    assert "The actual of the target year (2018) did not reach the target." in s
    assert not any("has passed" in x for x in s)
    assert "Outlook (our analysis): Not reached in the target year." in s
    ja = _sentences(dataset, "food_exports", "ja", project=3)
    assert "目標年（平成30年）の実績値は目標値に達しませんでした。" in ja
    assert not any("過ぎ" in x or "進捗は限定的" in x for x in ja)


def test_falling_series_are_not_projected_to_rise(dataset):
    # 妊娠・出産に関する相談件数 497, 301, 293, 172件 (H27-H30): slopes between two years −196, −102,
    # −108.3, −8, −64.5, −121; median −105.17 → 105.2件 a year (one decimal more than the counts);
    # interval −196 … −8; R1: 172 − 105.17 = 66.8 → 67件
    s = _sentences(dataset, "pregnancy_consultations", "ja")
    assert "見通し（参考・独自分析）：目標に近づいていない（横ばい・悪化）。" in s
    assert (
        "実績値4点（H27～H30）のTheil–Sen法による傾きは年−105.2件（90%信頼区間：年−196件～−8件）で、"
        "この傾きならR1は67件です。" in s
    )
    assert "区間全体が横ばいか目標から離れる向きです。" in s
    # the method is said once per report (views.show_grade_summary), not after every indicator
    assert not any("予測ではなく" in x for x in s)


def test_one_actual_gives_no_projection(dataset):
    s = _sentences(dataset, "physicians_per_100k", "ja")  # —, 238.3人, —, 未
    assert "実績値が1点しかないため（4点以上が必要）、傾向による見通しは示しません。" in s
    assert not any("傾きは" in x for x in s)


def test_foreign_visitors_are_not_called_on_track(dataset):
    s = _sentences(dataset, "foreign_visitors", "ja", project=4)
    # B at 55.8% (279万人 in H29 against the revised 500万人 by R2): (500 − 279) ÷ 3 = 73.7万人 a year needed;
    # three actuals (208, 230, 279; H30 未) are too few for a trend, so no outlook and no year is claimed
    assert (
        "R2の目標達成には、年平均73.7万人の増加が必要です。" in s
        or "R2の目標達成には、年平均74万人の増加が必要です。" in s
    )
    assert "見通し（参考・独自分析）：見通しを示せない。" in s
    assert "実績値が3点しかないため（4点以上が必要）、傾向による見通しは示しません。" in s
    assert not any("順調" in x or "令和6年度" in x for x in s)


# --- issue 18: English wording ----------------------------------------------------------------------


def test_a_count_of_one_takes_the_singular(dataset):
    # 国や道の広域連携制度に取り組む地域数: 23 地域 (H29) -> 24 地域 (H30): up 1; 25 − 24 = 1 short of
    # the revised target; one year left to R1: 1 a year (indicators.csv unit_en_singular: area); its
    # years are named 2018, not FY2018 (year_basis not stated)
    s = _sentences(dataset, "partnership_areas", "en")
    assert s[0] == "The latest actual is 24 areas (2018), up 1 area from 23 areas in 2017."
    said = " ".join(s)
    assert "It is 1 area short of the revised target (25 areas, 2019)" in said
    assert "an average increase of 1 area a year" in said
    assert " 1 areas" not in said and "+1 areas" not in said


def test_a_rate_per_population_is_written_as_one(dataset):
    # 全道の医療施設に従事する医師数 (人口10万人当たり): 238.3人 (H28) is 238.3 physicians per 100,000
    # population, not "238.3 persons"; the national 240.1 (benchmarks.csv): 1.8 short
    said = " ".join(_sentences(dataset, "physicians_per_100k", "en"))
    assert "The latest actual is 238.3 per 100,000 population (2016)." in said
    assert "It is 1.8 per 100,000 population short of the national value (240.1 per 100,000 population, 2016)" in said
    assert "persons" not in said


def test_the_grade_sentence_quotes_the_bands_label_with_one_colon(dataset):
    # the label has a colon of its own ("Progressing: …"): never "The grade is A②: Progressing: …"
    s = _sentences(dataset, "partnership_areas", "en")
    grade = next(x for x in s if x.startswith("The grade is"))
    assert grade.startswith(
        'The grade is A② ("Progressing: the revised target is not achieved yet, but the original '
        '(pre-upward-revision) target is").'
    )


def _english_pages(monkeypatch, dataset) -> list[dict[str, str]]:
    """Every section of every English report for FY2018 (the overview, each project) as text,
    the Japanese passages it quotes as printed (lang="ja": the official 分析と課題, names) left out."""
    import re

    from test_precision import SECTIONS

    from kpi_lib.presentation import views

    out: list[str] = []
    monkeypatch.setattr(views, "_display", out.append)
    monkeypatch.setattr(views, "_show_chart", lambda chart, frame, caption, lang, **kw: out.append(views._table(frame)))
    pages = []
    for project in (None, *dataset.project_numbers):
        r = views.open_report(2018, "en", None, project)
        page = {}
        for name in SECTIONS:
            out.clear()
            getattr(views, name)(r)
            markup = re.sub(r'<(\w+)[^>]*lang="ja"[^>]*>.*?</\1>', " ", " ".join(out), flags=re.S)
            page[name] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)).strip()
        pages.append(page)
    return pages


def test_english_report_text_has_no_japanese_range_mark_nor_double_colon(monkeypatch, dataset):
    """No full-width ～ (an English range takes an en dash), no "::" and no label followed by a
    second colon ("The grade is A①: Progressing: …"), no population figure without its thousands
    separator (per 100000 population), and no count of one with a plural unit where the data
    records the singular (up 1 areas)."""
    import html
    import re

    singular = {
        r["unit_en"]: r["unit_en_singular"]
        for r in dataset.indicators.to_dict("records")
        if isinstance(r.get("unit_en_singular"), str) and r["unit_en_singular"]
    }
    pages = _english_pages(monkeypatch, dataset)
    assert len(pages) == 1 + len(dataset.project_numbers)
    assert any("2015–2019" in html.unescape(" ".join(p.values())) for p in pages)  # a range is there
    for page in pages:
        for section, said in page.items():
            said = html.unescape(said)
            assert "～" not in said and "〜" not in said, (section, said)
            assert "::" not in said and not re.search(r"\b(?:is|are) [^ ]+: [A-Z][a-z]+: ", said), section
            assert not re.search(r"\b\d{5,} population", said), section
            for plural in singular:
                assert not re.search(rf"(?<![\d.,])[+−-]?1 {re.escape(plural)}\b", said), (section, plural)
