"""Text from the data never acts on whoever reads the output: every CSV the `kpi` command writes
neutralises text a spreadsheet would run as a formula, and control characters (ESC, BEL …) are
refused when the data is read, in every table, so no command prints them (Hypothesis)."""

import contextlib
import csv
import io
import re
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples

from kpi_lib import cli
from kpi_lib.dataset.loading import validate

from synthetic import _write, write_dataset

FORMULA = re.compile(r"^[=+\-@\t\r]")
NUMBER = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")

# printable text as a data cell holds it (no control, format or surrogate characters; no
# surrounding spaces, which the loader strips)
plain_text = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cc", "Cf", "Cs", "Zl", "Zp"]), min_size=1, max_size=20
).map(str.strip)
formula_text = st.builds(lambda head, rest: head + rest, st.sampled_from(["=", "+", "-", "@"]), plain_text)


def _run(*args) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        status = cli.main([str(a) for a in args])
    return status, out.getvalue()


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


# CR inside a cell is refused when the data is read (below), and pandas would not quote it
no_cr = st.text(st.characters(exclude_characters="\r"), max_size=10)


def test_text_starting_with_cr_or_tab_is_neutralised_too():
    assert cli.csv_safe("\r=1+1") == "'\r=1+1" and cli.csv_safe("\t@SUM(A1)") == "'\t@SUM(A1)"


@given(
    st.lists(
        st.one_of(
            st.builds(lambda h, t: h + t, st.sampled_from(["=", "+", "-", "@", "\t"]), no_cr),
            no_cr,
            st.floats(allow_nan=False, allow_infinity=False),
            st.integers(),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_csv_output_neutralises_every_formula_and_keeps_numbers(values):
    frame = pd.DataFrame({"value": pd.Series(values, dtype=object)})
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        cli._write(frame, "csv")
    cells = next(zip(*csv.reader(io.StringIO(buffer.getvalue(), newline=""))))[1:]  # the one column, after its header
    for value, cell in zip(values, cells, strict=True):
        if isinstance(value, str) and FORMULA.match(value) and not NUMBER.match(value):
            assert cell == "'" + value
        elif isinstance(value, str):
            assert cell == value
        else:
            # numbers, −1.5 included, read back as numbers (an int as an int: a float has 53 bits)
            assert (Decimal(cell) if isinstance(value, int) else float(cell)) == value


def _dataset(root, name_ja: str, name_en: str, note: str, unit_ja: str = "人"):
    ind = {"indicator": "x", "name_ja": name_ja, "name_en": name_en, "target": "10", "note": note, "unit_ja": unit_ja}
    other = {"indicator": "y", "name_ja": "y", "target": "10"}
    write_dataset(root, [ind, other], [("x", 2017, "9"), ("x", 2018, "-1.5"), ("y", 2017, "5"), ("y", 2018, "12")])
    _write(root, "published_rates", [{"project": 1, "indicator": "x", "year": 2018, "progress_rate": "12.3"}])
    _write(root, "published_grades", [{"project": 1, "indicator": "x", "year": 2018, "grade": "A①"}])
    return root


@settings(
    max_examples=examples(15), phases=[Phase.explicit, Phase.generate]
)  # shrinking runs the kpi command hundreds of times
@given(formula_text, formula_text, formula_text)
def test_every_kpi_csv_neutralises_formulas_from_the_data(tmp_path_factory, name_ja, name_en, note):
    """kpi grades|audit|changes --format csv and kpi audit --notes --format csv: no cell starts like
    a formula unless it is a number; the names, notes and negative figures come through."""
    root = _dataset(tmp_path_factory.mktemp("d"), name_ja, name_en, note)
    outputs = {
        "grades": _run("grades", "--year", "2018", "--format", "csv", "--data", root),
        "audit": _run("audit", "--format", "csv", "--data", root),
        "notes": _run("audit", "--notes", "--format", "csv", "--data", root),
        "changes": _run("changes", "--from", "2017", "--to", "2018", "--format", "csv", "--data", root),
    }
    for command, (status, text) in outputs.items():
        assert status in (0, 1), command
        cells = _cells(text)
        assert cells, command
        unsafe = [c for c in cells if FORMULA.match(c) and not NUMBER.match(c)]
        assert not unsafe, (command, unsafe)
    shown = {x: x if NUMBER.match(x) else "'" + x for x in (name_ja, name_en, note)}  # "-0" is a number
    assert shown[name_ja] in _cells(outputs["grades"][1]) and shown[name_en] in _cells(outputs["audit"][1])
    assert shown[note] in _cells(outputs["notes"][1])
    assert "-1.5" in _cells(outputs["grades"][1]) and "-15.0" in _cells(outputs["audit"][1])
    assert {shown[name_ja], shown[name_en]} <= set(_cells(outputs["changes"][1]))


@pytest.mark.parametrize("char", ["\x1b", "\x07", "\x00", "\x7f", "\x9b"])
@pytest.mark.parametrize("column", ["name_ja", "unit_ja", "note"])
def test_control_characters_are_refused_at_the_door(tmp_path, char, column):
    # issue 21: ESC and BEL in a name passed validate and kpi grades printed them raw
    cells = {"name_ja": "name", "name_en": "name", "note": "note", "unit_ja": "人", column: f"a{char}b"}
    root = _dataset(tmp_path / "d", **cells)
    problems = validate(root)
    assert [(p.file, p.line, p.column) for p in problems] == [("indicators.csv", 2, column)]
    assert f"U+{ord(char):04X}" in problems[0].message and char not in str(problems[0])
    status, out = _run("grades", "--year", "2018", "--data", root)
    assert status == 1 and char not in out


def test_long_texts_keep_line_breaks_and_tabs(tmp_path):
    root = _dataset(tmp_path / "d", "name", "name", "first line\nsecond\tline")
    assert validate(root) == []


@pytest.mark.parametrize("mark", ["\u200b", "\u200d", "\u2060", "\u200e"])
def test_an_invisible_character_in_a_grade_is_refused(tmp_path, mark):
    # issue 21: A③ + U+200B in published_grades.csv made the audit report "A③ vs A③"
    root = _dataset(tmp_path / "d", "name", "name", "note")
    _write(root, "published_grades", [{"project": 1, "indicator": "x", "year": 2018, "grade": "A③" + mark}])
    problems = validate(root)
    assert [(p.file, p.line, p.column) for p in problems] == [("published_grades.csv", 2, "grade")]
    assert f"U+{ord(mark):04X}" in problems[0].message


def _metadata_texts() -> list[str]:
    from kpi_lib.dataset.schema import METADATA

    return [k.key for k in METADATA if k.type in ("text", "text list") and k.key != "scheme"]


@pytest.mark.parametrize("char", ["\x1b", "\x07", "\x00", "\x7f", "\x9b", "\n"])
def test_control_characters_in_metadata_are_refused_at_the_door(tmp_path, char):
    # the tables' rule for metadata.json too, naming the key; line breaks and tabs only in the
    # notes. Every text key holds the character at once: each is refused on its own line.
    import json

    from kpi_lib.dataset.schema import METADATA

    lists = {k.key for k in METADATA if k.type == "text list"}
    root = _dataset(tmp_path / "d", "name", "name", "note")
    meta = json.loads((root / "metadata.json").read_text(encoding="utf-8"))
    meta.setdefault("report", {})
    keys = _metadata_texts()
    for key in keys:
        *parents, last = key.split(".")
        table = meta
        for p in parents:
            table = table.setdefault(p, {})
        table[last] = [f"a{char}b"] if key in lists else f"a{char}b"
    (root / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    refused = [k for k in keys if not (char == "\n" and k in ("source.note", "source.extraction_notes"))]
    problems = validate(root)
    assert [(p.file, p.column) for p in problems] == [("metadata.json", None)] * len(refused)
    said = {p.message.split("'")[1]: p.message for p in problems}
    assert sorted(said) == sorted(refused)
    for key, message in said.items():
        assert message.startswith(f"key '{key}': control character U+{ord(char):04X}"), message
    status, out = _run("grades", "--year", "2018", "--data", root)
    assert status == 1 and char not in out
