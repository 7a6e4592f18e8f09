import pytest

from kpi_lib.core.errors import KpiError
from kpi_lib.core.fiscal_year import era_long, era_short, fiscal_year_label, parse_fiscal_year


@pytest.mark.parametrize(
    "text, year",
    [
        ("2018", 2018),
        (2018, 2018),
        ("FY2018", 2018),
        ("2018年度", 2018),
        ("２０１８", 2018),
        ("H30", 2018),
        ("h30", 2018),
        ("平成30", 2018),
        ("平成30年度", 2018),
        ("Ｈ３０", 2018),
        ("H27", 2015),
        ("H26", 2014),
        ("R1", 2019),
        ("R01", 2019),
        ("令和元年度", 2019),
        ("令和元年", 2019),
        ("令和1", 2019),
        ("r2", 2020),
        ("H31", 2019),
        ("H32", 2020),
        ("平成32年度", 2020),
        (" 2018 ", 2018),
    ],
)
def test_accepted_forms(text, year):
    assert parse_fiscal_year(text) == year


@pytest.mark.parametrize(
    "text", ["R0", "H0", "令和0年度", "X9", "平成", "", "  ", None, "2018.5", "18", "1988", "2101", "H30.5", "FY", True]
)
def test_rejected_forms_give_one_line_errors(text):
    with pytest.raises(KpiError) as e:
        parse_fiscal_year(text)
    message = str(e.value)
    assert "\n" not in message
    assert "fiscal year" in message


@pytest.mark.parametrize(
    "year, short, long",
    [
        (2014, "H26", "平成26年度"),
        (2018, "H30", "平成30年度"),
        (2019, "R1", "令和元年度"),
        (2020, "R2", "令和2年度"),
    ],
)
def test_display_as_the_source_does(year, short, long):
    assert era_short(year) == short
    assert era_long(year) == long
    assert fiscal_year_label(year, "ja") == long
    assert fiscal_year_label(year, "en") == f"FY{year}"


def test_round_trip_for_every_year_in_range():
    for year in range(1989, 2101):
        assert parse_fiscal_year(era_short(year)) == year
        assert parse_fiscal_year(era_long(year)) == year
