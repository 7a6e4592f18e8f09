"""The workbook round trip as an invariant, tested with generated edits (Hypothesis, issue 21):
after an import that exits 0, every value typed is in the data (and an export shows it where it was
typed); anything not read is refused in one line per cell naming the sheet and cell of a value
typed, and no byte of the data folder changed. Over both workbooks: an export, and kpi new's
template. Small datasets and few examples keep the file within ~40 s."""

import shutil
import tempfile
import unicodedata
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis_budget import examples
from openpyxl.utils import get_column_letter

from kpi_lib.cli import main
from kpi_lib.workbook.excel_layout import META_SHEET, same_value

from synthetic import write_dataset

set_hypothesis_home_dir(tempfile.mkdtemp(prefix="kpi-hypothesis-"))  # never .hypothesis/ in the tree
SETTINGS = settings(
    max_examples=examples(12),
    deadline=None,
    derandomize=True,  # the same examples on every run: CI results do not depend on luck
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# values a user types: numbers (as a spreadsheet stores them), 未 and —, words, a formula's text
VALUES = st.one_of(
    st.integers(min_value=0, max_value=99_999),
    st.decimals(min_value=0, max_value=9_999, places=1).map(float),
    st.sampled_from(["未", "—", "abc", "higher", "value", "R3", "=1+1", "x y"]),
)


def snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def run(capsys, *args):
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def edits(max_row: int, max_col: int):
    """Cells of a sheet's used range and a little beyond it, each with a typed value."""
    cell = st.tuples(st.integers(1, max_row + 2), st.integers(1, max_col + 2))
    return st.dictionaries(cell, VALUES, min_size=1, max_size=3)


def check_refusal(code, out, err, typed_refs, data, before, copied=None):
    assert code == 1 and out == "", err
    lines = err.strip().splitlines()
    assert lines and all(line.startswith("kpi: error: ") for line in lines), err
    # one line per cell, the cell of a value typed among them (or the workbook as a whole: its layout)
    named = any(ref in err for ref in typed_refs) or "where the template has" in err
    # or, for a value that filled an empty slot of the template, that slot's missing field
    named = named or any(ref in err for ref in nearby(typed_refs))
    assert named or (copied is not None and f"]{copied}!" in err), (typed_refs, err)  # a copied sheet: its cells
    assert snapshot(data) == before  # not a byte changed


def merged(ws, cell) -> bool:
    """Inside a merged range but not its top-left cell: openpyxl drops such values on load."""
    return any(
        cell.coordinate in rng and cell.coordinate != rng.start_cell.coordinate for rng in ws.merged_cells.ranges
    )


def nearby(refs):
    """The cells of the rows around each typed cell (an indicator's or slot's rows)."""
    out = []
    for ref in refs:
        sheet, cell = ref.rsplit("!", 1)
        row = int("".join(ch for ch in cell if ch.isdigit()))
        out += [f"{sheet}!{get_column_letter(c)}{r}" for r in range(max(1, row - 2), row + 3) for c in range(1, 20)]
    return out


# --- an export ---------------------------------------------------------------------------------


def small_dataset(root):
    return write_dataset(
        root,
        [
            {"indicator": "a", "name_ja": "指標A", "baseline": "100", "baseline_year": "2014", "target": "200"},
            {"indicator": "b", "name_ja": "指標B", "unit_ja": "%", "unit_en": "%", "target": "50.5"},
        ],
        [("a", 2016, "120"), ("a", 2017, "130"), ("b", 2016, "40.1")],
    )


@SETTINGS
@given(typed=edits(14, 12), sheet_of_own=st.booleans())
def test_an_export_keeps_every_typed_value_or_names_its_cell(tmp_path_factory, capsys, typed, sheet_of_own):
    tmp = tmp_path_factory.mktemp("export")
    data = small_dataset(tmp / "data")
    book = tmp / "book.xlsx"
    assert run(capsys, "export", "--xlsx", book, "--data", data, "--year", "2018")[0] == 0
    before = snapshot(data)
    wb = openpyxl.load_workbook(book)
    ws = wb.create_sheet("メモ") if sheet_of_own else wb.worksheets[0]
    for (r, c), v in typed.items():
        cell = ws.cell(row=r, column=c)
        if merged(ws, cell):
            continue  # Excel does not let one type into the hidden part of a merged cell
        cell.value = v
    wb.save(book)
    refs = [f"{ws.title}!{get_column_letter(c)}{r}" for r, c in typed]
    code, out, err = run(capsys, "import", book, "--data", data)
    if code != 0:
        check_refusal(code, out, err, refs, data, before)
        return
    assert err == ""
    again = tmp / "again.xlsx"
    assert run(capsys, "export", "--xlsx", again, "--data", data, "--year", "2018")[0] == 0
    shown = openpyxl.load_workbook(again)[ws.title]
    for (r, c), v in typed.items():
        got = shown.cell(row=r, column=c).value
        assert same_value(got, v) or (isinstance(v, str) and str(got) == v.strip()), (r, c, v, got)


# --- the input rows: milestones, national values, published rates and grades -------------------

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
# what one types in the rows under the actuals: the values above, and grades (full-width too)
INPUT_VALUES = st.one_of(VALUES, st.sampled_from(["A①", "A③", "B", "Ｂ", "B+", "X", "Z", " a "]))


def national_dataset(root):
    """One indicator with a national-level target (a 全国 row) beside one with a plain target."""
    return write_dataset(
        root,
        [
            {"indicator": "a", "name_ja": "指標A", "baseline": "100", "baseline_year": "2014", "target": "200"},
            {"indicator": "n", "name_ja": "出生率", "unit_ja": "", "unit_en": "", "target_kind": "national",
             "baseline": "1.2", "baseline_year": "2014", "target_text_ja": "全国水準"},
        ],
        [("a", 2016, "120"), ("n", 2016, "1.30"), ("n", 2017, "1.31")],
        benchmarks=[("n", 2016, "1.44"), ("n", 2017, "1.43")],
    )  # fmt: skip


def input_cells(ws):
    """Every unlocked cell of a project sheet's year columns below an indicator's 実績値 row."""
    out = []
    for row in ws.iter_rows():
        for c in row:
            if not c.protection.locked and c.column >= 8 and ws.cell(row=c.row, column=1).value is None:
                out.append((c.row, c.column))
    return out


@SETTINGS
@given(data=st.data(), dataset=st.sampled_from(["national", "expected_path", "achievement_ratio"]))
def test_the_input_rows_keep_every_typed_value_or_name_its_cell(tmp_path_factory, capsys, data, dataset):
    tmp = tmp_path_factory.mktemp("inputs")
    folder = tmp / "data"
    if dataset == "national":
        national_dataset(folder)
    else:
        shutil.copytree(EXAMPLES / dataset, folder)
    book = tmp / "book.xlsx"
    assert run(capsys, "export", "--xlsx", book, "--data", folder, "--year", "2018")[0] == 0
    before = snapshot(folder)
    wb = openpyxl.load_workbook(book)
    ws = wb.worksheets[0]
    cells = input_cells(ws)
    assert cells  # the milestone, national, published rate and grade rows are inputs
    typed = data.draw(st.dictionaries(st.sampled_from(cells), INPUT_VALUES, min_size=1, max_size=3))
    for (r, c), v in typed.items():
        ws.cell(row=r, column=c).value = v
    wb.save(book)
    refs = [f"{ws.title}!{get_column_letter(c)}{r}" for r, c in typed]
    code, out, err = run(capsys, "import", book, "--data", folder, "--change-published")
    event("imported" if code == 0 else "refused")
    if code != 0:
        check_refusal(code, out, err, refs, folder, before)
        return
    assert err == ""
    again = tmp / "again.xlsx"
    assert run(capsys, "export", "--xlsx", again, "--data", folder, "--year", "2018")[0] == 0
    shown = openpyxl.load_workbook(again)[ws.title]
    for (r, c), v in typed.items():
        got = shown.cell(row=r, column=c).value
        same = same_value(got, v) or (isinstance(v, str) and str(got) == v.strip())
        # a grade typed in another width is written in the scheme's spelling (Ｂ is B)
        same = same or (isinstance(v, str) and str(got) == unicodedata.normalize("NFKC", v).strip().upper())
        assert same, (r, c, v, got)


# --- kpi new's template ------------------------------------------------------------------------


def filled_template(kpi_dir, capsys):
    code, _, err = run(
        capsys, "new", kpi_dir, "--scheme", "hokkaido", "--title-ja", "テスト", "--title-en", "Test",
        "--first-year", "2020", "--last-year", "2022", "--projects", "1", "--rows", "1",
        "--level-ja", "プロジェクト", "--level-en", "project",
    )  # fmt: skip
    assert code == 0, err
    book = kpi_dir / "workbook.xlsx"
    wb = openpyxl.load_workbook(book)
    ws = wb["プロジェクト1"]
    for row, value in zip(range(2, 6), ("名", "Name", "キャッチ", "Catch")):
        ws.cell(row=row, column=4).value = value
    slot = next(c.row for c in ws["A"] if c.value == "p1_k01")
    for (dr, col), value in {(0, 3): "指標", (1, 3): "Indicator", (0, 4): 10, (1, 4): 2019, (0, 5): 20,
                             (1, 5): 2022, (0, 8): 12, (0, 12): "人", (1, 12): "persons", (0, 13): "higher"}.items():  # fmt: skip
        ws.cell(row=slot + dr, column=col).value = value
    wb.save(book)
    return book


@SETTINGS
@given(typed=edits(18, 16), copy_sheet=st.booleans())
def test_a_template_keeps_every_typed_value_or_names_its_cell(tmp_path_factory, capsys, typed, copy_sheet):
    tmp = tmp_path_factory.mktemp("template")
    data = tmp / "city"
    book = filled_template(data, capsys)
    before = snapshot(data)
    wb = openpyxl.load_workbook(book)
    ws = wb.copy_worksheet(wb["プロジェクト1"]) if copy_sheet else wb["プロジェクト1"]
    kept = {}
    for (r, c), v in typed.items():
        cell = ws.cell(row=r, column=c)
        if merged(ws, cell):
            continue
        cell.value = v
        kept[(r, c)] = v
    wb.save(book)
    before = snapshot(data)
    refs = [f"{ws.title}!{get_column_letter(c)}{r}" for r, c in kept]
    code, out, err = run(capsys, "import", book, "--data", data)
    if code != 0:
        check_refusal(code, out, err, refs, data, before, ws.title if copy_sheet else None)
        return
    # read: each typed value is in the tables (a number as written, a word as typed)
    tables = "".join(p.read_text(encoding="utf-8") for p in data.glob("*.csv"))
    for v in kept.values():
        text = f"{v:g}" if isinstance(v, float) else str(v).strip()
        assert text in tables or (text in ("—", "未")), (v, tables)
    assert META_SHEET in wb.sheetnames
