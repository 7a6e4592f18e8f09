import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_lib.core.errors import CellError
from kpi_lib.core.formatting import format_number, format_rate
from kpi_lib.core.numbers import (
    NOT_MEASURED,
    NOT_YET,
    VALUE,
    digit_lookalike,
    missing_text,
    parse_cell,
    round_half_up,
)


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


@pytest.mark.parametrize(
    "text, value",
    [
        ("△1,234", -1234.0),  # the usual minus of Japanese statistics (社会増減 △3,703)
        ("▲1,234", -1234.0),
        ("△ 3,703", -3703.0),
        ("－１，２３４", -1234.0),  # full-width minus and digits
        ("\u22121234.5", -1234.5),  # U+2212 MINUS SIGN
        ("999999999999999", 999999999999999.0),  # 15 digits: the largest accepted whole number
        ("0.0000000001", 1e-10),  # 10 decimals: the most accepted
        ("12345678901234.5", 12345678901234.5),  # 15 significant digits
        ("0", 0.0),
    ],
)
def test_numbers_that_read(text, value):
    cell = parse_cell(text)
    assert (cell.state, cell.value) == (VALUE, value)


@pytest.mark.parametrize(
    "text, message",
    [
        ("774¹", "'774¹' holds U+00B9 SUPERSCRIPT ONE, which is not a digit"),  # would be 7741
        ("①", "U+2460 CIRCLED DIGIT ONE"),  # would be 1
        ("172¹", "U+00B9 SUPERSCRIPT ONE"),
        ("⑳", "U+2473 CIRCLED NUMBER TWENTY"),
        ("㉑", "U+3251 CIRCLED NUMBER TWENTY ONE"),
        ("1½", "U+00BD VULGAR FRACTION ONE HALF"),
        ("٣", "U+0663 ARABIC-INDIC DIGIT THREE"),  # float() would read 3
        ("३", "U+0969 DEVANAGARI DIGIT THREE"),
        ("⓵", "U+24F5 DOUBLE CIRCLED DIGIT ONE"),
        ("1e400", "not a number"),  # no scientific notation at all
        ("9" * 400, "number out of range"),  # would be inf
        ("-" + "9" * 16, "number out of range"),
        ("1000000000000000", "number out of range"),
        ("0." + "0" * 400 + "1", "too many decimals"),  # would be 0
        ("1.23456789012", "too many decimals"),
        ("1234567890123.456", "too many digits"),
        ("12345678901234567890123456789", "number out of range"),
        ("△", "not a number"),
        ("▲-1", "not a number"),
    ],
)
def test_numbers_that_are_refused_with_one_line(text, message):
    with pytest.raises(CellError) as e:
        parse_cell(text)
    assert message in str(e.value) and "\n" not in str(e.value)


def test_digit_lookalike_ignores_plain_and_full_width_digits():
    assert digit_lookalike("１２３.45") is None and digit_lookalike("万人") is None  # 万 is no digit look-alike
    assert digit_lookalike("12³") == "³"


def test_a_value_within_the_limits_rounds_without_error():
    # the largest figures accepted still round half-up and format (Decimal has 28 digits)
    assert round_half_up(999999999999999.0, 6) == 999999999999999.0
    assert format_number(999999999999999.0, 0) == "999,999,999,999,999"


def test_docs_state_the_limits_the_code_applies():
    from pathlib import Path

    from kpi_lib.core.numbers import MAX_ABS, MAX_DECIMALS, MAX_SIGNIFICANT
    from kpi_lib.dataset.scheme import MAX_BANDS

    doc = (Path(__file__).resolve().parent.parent / "docs" / "input.md").read_text(encoding="utf-8")
    section = doc.split("## Data directory (CSV and metadata)")[1].split("\n## ")[0]
    assert MAX_ABS == 1e15 and "below 10^15" in section
    assert f"at most {MAX_SIGNIFICANT} significant digits" in section
    assert f"at most {MAX_DECIMALS} digits after the decimal point" in section
    assert f"at most {MAX_BANDS} bands" in section
    for example in ("774¹", "△3,703", "▲3,703", "Ａ③", "U+00B9 SUPERSCRIPT ONE"):
        assert example in section


_text = st.one_of(st.just(""), st.sampled_from(["A①", "B", "—", "未", " ", "0"]), st.text(max_size=5))


@given(st.lists(st.tuples(_text, _text, st.one_of(st.none(), st.floats(allow_nan=False, width=32))), max_size=8))
def test_missing_text_is_missing_where_empty_and_writes_the_same_csv(rows):
    """The API's text columns: exactly the empty cells become missing (`.isna()`), nothing else
    changes, and the CSV written from the table is byte for byte the one written before."""
    frame = pd.DataFrame(rows, columns=["grade", "name", "rate"]).astype({"rate": "Float64"})
    out = missing_text(frame)
    for column in ("grade", "name"):
        assert str(out[column].dtype) == "string"
        assert list(out[column].isna()) == [x == "" for x in frame[column]]
        assert list(out[column].dropna()) == [x for x in frame[column] if x != ""]
    assert out["rate"].equals(frame["rate"])
    assert out.to_csv(index=False) == frame.to_csv(index=False)
