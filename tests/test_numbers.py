import pytest

from kpi_lib.formatting import format_number, format_rate
from kpi_lib.numbers import NOT_MEASURED, NOT_YET, VALUE, parse_cell, round_half_up


@pytest.mark.parametrize(
    "x, decimals, expected",
    [
        (2.5, 0, "3"),
        (157.5, 0, "158"),
        (1.575, 2, "1.58"),
        (67.45, 1, "67.5"),
        (7086, 0, "7,086"),
        (-2.5, 0, "-3"),
    ],
)
def test_formatting_rounds_half_up_like_the_printed_report(x, decimals, expected):
    assert format_number(x, decimals) == expected  # Python's own f"{2.5:.0f}" gives "2"


def test_round_half_up_on_decimal_values():
    assert round_half_up(67.4857, 1) == 67.5
    assert round_half_up(89.45, 1) == 89.5  # 89.45 is 89.4499… in binary; the decimal value is what counts


def test_cells_keep_three_states_apart():
    assert parse_cell("未").state == NOT_YET
    assert parse_cell("—").state == NOT_MEASURED and parse_cell("－").state == NOT_MEASURED
    cell = parse_cell("１，０２９．５")
    assert (cell.state, cell.value, cell.decimals) == (VALUE, 1029.5, 1)
    assert format_rate(96.0) == "96.0%"
