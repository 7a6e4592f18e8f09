"""The Excel path's bad-input corpus: every workbook a hostile or careless user could hand to
`kpi import` (and every dataset to `kpi export`) ends in a correct reading or a one-line error,
and a failed import leaves every byte of data/ as it was.

Figures: project 1's 実績値 as the source prints them (shared/source/000_328f68cdd567978d.txt):
できれば今と同じ市町村に住んでいたいと考える人の割合 H30 75.8%, 妊娠・出産に関する相談件数 H29 293件,
合計特殊出生率 H30 1.27. Every import runs on a fresh copy of data/.
"""

import os
import re
import shutil
import subprocess
import time
import zipfile

import openpyxl
import pytest
from test_excel import actual_cell, edit, key_row, rate_row, snapshot, year_column

from kpi_lib.cli import main
from kpi_lib.dataset.loading import DEFAULT_DATA_DIR

P1 = "プロジェクト1"
PERCENT = "wish_to_stay_rate"  # unit %; H30 75.8 in the source
COUNT = "pregnancy_consultations"  # unit 件; H29 293 in the source
UNITLESS = "total_fertility_rate"  # no unit; H30 1.27 in the source


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A pristine copy of data/ and the workbooks exported from it (default, and --year R1)."""
    base = tmp_path_factory.mktemp("excel_bad_input")
    data = shutil.copytree(DEFAULT_DATA_DIR, base / "data")
    books = {}
    for name, args in (("default", []), ("r1", ["--year", "R1"])):
        books[name] = base / f"{name}.xlsx"
        assert main(["export", "--xlsx", str(books[name]), "--data", str(data), *args]) == 0
    return data, books


class Run:
    """One import of a (changed) workbook into a fresh copy of data/."""

    def __init__(self, kpi, tmp_path, exported, change=None, book="default", data_change=None, path=None):
        pristine, books = exported
        self.data = shutil.copytree(pristine, tmp_path / "data")
        if data_change is not None:
            data_change(self.data)
        self.before = snapshot(self.data)
        if path is None:
            path = books[book] if change is None else edit(books[book], tmp_path / "edited.xlsx", change)
        self.path = path
        # the shipped data's published years are edited on purpose here: what is read is under test
        self.result = kpi("import", path, "--data", self.data, "--lang", "en", "--change-published")

    def refused(self, pattern):
        r = self.result
        assert r.returncode == 1, r.stdout + r.stderr
        assert r.stdout == ""
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1, r.stderr
        assert lines[0].startswith("kpi: error: ") and re.search(pattern, lines[0]), r.stderr
        assert snapshot(self.data) == self.before  # not a byte changed

    def changed_lines(self):
        """The actuals.csv lines the import changed: [(before, after)]; other files untouched."""
        assert self.result.returncode == 0, self.result.stderr
        # and the state it replaced is kept (.kpi-history/, tests/test_import_history.py)
        after = {k: v for k, v in snapshot(self.data).items() if not k.startswith(".kpi-history/")}
        assert {k: v for k, v in after.items() if k != "actuals.csv"} == {
            k: v for k, v in self.before.items() if k != "actuals.csv"
        }
        old = self.before["actuals.csv"].decode().splitlines()
        new = after["actuals.csv"].decode().splitlines()
        assert len(old) == len(new)
        return [(a, b) for a, b in zip(old, new) if a != b]


def set_cell(key, year, value, fmt=None, sheet=P1):
    def change(wb):
        c = actual_cell(wb[sheet], key, year)
        c.value = value
        if fmt is not None:
            c.number_format = fmt

    return change


# --- percent cells ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, fmt, line",
    [
        (0.781, "0.0%", "wish_to_stay_rate,2018,78.1"),  # typed 78.1% in Excel
        (0.78, "0%", "wish_to_stay_rate,2018,78.0"),  # the indicator's precision (one decimal, as printed)
        (0.7812, "0.00%", "wish_to_stay_rate,2018,78.12"),
        (0.78, "0.0%", "wish_to_stay_rate,2018,78.0"),  # shown as 78.0%: the decimals shown count
        (0.781, "[$-411]0.0%;[Red]-0.0%", "wish_to_stay_rate,2018,78.1"),
        ("78.1%", None, "wish_to_stay_rate,2018,78.1"),  # the same typed as text
        ("７８．１％", None, "wish_to_stay_rate,2018,78.1"),
        (78.1, '#,##0.0"%"', "wish_to_stay_rate,2018,78.1"),  # the export's format: % is a literal
    ],
    ids=["0.0%", "0%", "0.00%", "trailing zero", "sections and locale", "text", "full-width text", "literal %"],
)
def test_a_percentage_in_a_percent_indicator_is_read_as_shown(kpi, tmp_path, exported, value, fmt, line):
    run = Run(kpi, tmp_path, exported, set_cell(PERCENT, "H30", value, fmt))
    assert run.changed_lines() == [("wish_to_stay_rate,2018,75.8", line)]


@pytest.mark.parametrize(
    "key, year, unit_words",
    [(COUNT, "H29", r"measured in 件"), (UNITLESS, "H30", r"without a unit")],
)
def test_a_percentage_in_another_indicator_is_refused(kpi, tmp_path, exported, key, year, unit_words):
    run = Run(kpi, tmp_path, exported, set_cell(key, year, 0.5, "0%"))
    run.refused(
        rf"^kpi: error: {P1}![JK]\d+: a percentage \(50%\) in a cell of an indicator {unit_words}: type the number, without %"
    )


@pytest.mark.slow  # starts another program
def test_a_percent_cell_saved_by_libreoffice(kpi, tmp_path, exported):
    """The edited workbook round-trips through LibreOffice (its own styles, shared strings,
    number formats): the percentage, a formula LibreOffice computed, nothing else changes."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")

    def change(wb):
        set_cell(PERCENT, "H30", 0.781, "0.0%")(wb)
        set_cell(COUNT, "H29", "=290+5")(wb)  # no computed value until a spreadsheet opens it

    edited = edit(exported[1]["default"], tmp_path / "edited.xlsx", change)
    out = tmp_path / "libreoffice"
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--convert-to", "xlsx"]
        + ["--outdir", str(out), str(edited)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    run = Run(kpi, tmp_path, exported, path=out / "edited.xlsx")
    assert run.changed_lines() == [
        ("wish_to_stay_rate,2018,75.8", "wish_to_stay_rate,2018,78.1"),
        ("pregnancy_consultations,2017,293", "pregnancy_consultations,2017,295"),
    ]


# --- a workbook exported from other data ----------------------------------------------------------


def _correct_actuals(data):
    path = data / "actuals.csv"
    text = path.read_text(encoding="utf-8")
    assert "pregnancy_consultations,2016,301\n" in text
    path.write_text(text.replace("pregnancy_consultations,2016,301\n", "pregnancy_consultations,2016,302\n"))


def _add_blank_line_to_benchmarks(data):
    with open(data / "benchmarks.csv", "a", encoding="utf-8") as f:
        f.write("\n")


@pytest.mark.parametrize(
    "change, data_change, changed",
    [
        (set_cell(COUNT, "H29", 295), _correct_actuals, "actuals.csv"),  # one unrelated edit
        (None, _correct_actuals, "actuals.csv"),
        (set_cell(COUNT, "H29", 295), _add_blank_line_to_benchmarks, "benchmarks.csv"),
    ],
    ids=["actuals corrected, unrelated edit", "actuals corrected, no edit", "benchmarks changed"],
)
def test_a_stale_workbook_is_refused(kpi, tmp_path, exported, change, data_change, changed):
    run = Run(kpi, tmp_path, exported, change, data_change=data_change)
    run.refused(
        rf"edited\.xlsx|default\.xlsx: the data changed since this workbook was exported \({changed} in .*\); "
        r"importing it would undo those changes, so nothing was imported: export to a new file \(kpi export --xlsx NEW.xlsx\)"
    )


def _meta(wb, key):
    meta = wb["_kpi"]
    return meta.cell(row=next(c.row for c in meta["A"] if c.value == key), column=2)


def _format_1(wb):
    _meta(wb, "format").value = "kpi_lib workbook 1"


def _no_digests(wb):
    meta = wb["_kpi"]
    for row in [c.row for c in meta["A"] if str(c.value).startswith("sha256 ")][::-1]:
        meta.delete_rows(row)


def test_a_workbook_of_the_earlier_format_is_refused(kpi, tmp_path, exported):
    Run(kpi, tmp_path, exported, _format_1).refused(
        r"_kpi!B1: written by an earlier kpi_lib that did not record the data it came from: export again"
    )


def test_a_workbook_without_the_record_of_its_data_is_refused(kpi, tmp_path, exported):
    Run(kpi, tmp_path, exported, _no_digests).refused(r"the record of the data it was exported from is missing")


# --- year headings ----------------------------------------------------------------------------


def _heading(ws, key, label):
    row = key_row(ws, key)
    header = max(c.row for c in ws["A"] if c.value == "key" and c.row < row)
    return ws.cell(row=header + 1, column=year_column(ws, row, label))


def _swap_headings(wb):
    ws = wb[P1]
    a, b = _heading(ws, COUNT, "H28"), _heading(ws, COUNT, "H29")
    a.value, b.value = b.value, a.value
    actual_cell(ws, COUNT, "H30").value = 300  # and an edit, that must not go in either


def _heading_to_another_year(wb):
    _heading(wb[P1], COUNT, "H27").value = "H26"


def _heading_as_number(wb):
    _heading(wb[P1], COUNT, "H27").value = 2015  # the right year, written differently: fine


def _recorded_years_edited(wb):
    _meta(wb, "years").value = "2016,2017,2018,2019"


def test_swapped_year_headings_are_refused(kpi, tmp_path, exported):
    run = Run(kpi, tmp_path, exported, _swap_headings)
    assert run.result.stderr.count("kpi: error: ") == 2  # both headings, each on its line
    first = run.result.stderr.splitlines()[0]
    assert re.search(
        r"^kpi: error: プロジェクト1!I17: the heading says H29, but this column was exported as H28 "
        r"\(year headings must not be edited or moved\)$",
        first,
    ), run.result.stderr
    assert "プロジェクト1!J17: the heading says H28, but this column was exported as H29" in run.result.stderr
    assert run.result.returncode == 1 and snapshot(run.data) == run.before


def test_a_year_heading_changed_to_another_year_is_refused(kpi, tmp_path, exported):
    Run(kpi, tmp_path, exported, _heading_to_another_year).refused(
        r"プロジェクト1!H17: the heading says H26, but this column was exported as H27"
    )


def test_a_year_heading_written_as_the_year_number_reads(kpi, tmp_path, exported):
    run = Run(kpi, tmp_path, exported, _heading_as_number)
    assert run.result.returncode == 0 and run.result.stdout.startswith("no changes"), run.result.stderr
    assert snapshot(run.data) == run.before


def test_an_edited_record_of_the_year_columns_is_refused(kpi, tmp_path, exported):
    run = Run(kpi, tmp_path, exported, _recorded_years_edited)
    assert run.result.returncode == 1 and snapshot(run.data) == run.before
    lines = run.result.stderr.strip().splitlines()
    assert all(line.startswith("kpi: error: プロジェクト") for line in lines)
    assert lines[0] == (
        "kpi: error: プロジェクト1!H5: the heading says H27, but this column was exported as H28 "
        "(year headings must not be edited or moved)"
    )


# --- formulas ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "book, key, year, formula",
    [("default", COUNT, "H29", "=1+1"), ("r1", COUNT, "R1", "=1+1"), ("r1", PERCENT, "R1", "=SUM(K9:K9)")],
    ids=["filled cell", "empty new-year cell", "a function"],
)
def test_a_formula_without_a_computed_value_is_refused(kpi, tmp_path, exported, book, key, year, formula):
    run = Run(kpi, tmp_path, exported, set_cell(key, year, formula), book=book)
    run.refused(
        rf"^kpi: error: プロジェクト1!\w+\d+: a formula with no computed value \({re.escape(formula)}\): "
        r"open and save the workbook in Excel or LibreOffice, or type the value$"
    )


def _with_computed_value(path, formula: str, value: str):
    """The workbook as a spreadsheet saves it after computing `formula`: its last value beside it
    (openpyxl writes a formula without one)."""
    out = path.with_name("computed.xlsx")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/") and f"<f>{formula}</f>".encode() in data:
                data = data.replace(f"<f>{formula}</f><v />".encode(), f"<f>{formula}</f><v>{value}</v>".encode())
                assert f"<v>{value}</v>".encode() in data
            dst.writestr(item, data)
    return out


def test_a_formula_is_read_as_the_value_it_last_computed(kpi, tmp_path, exported):
    # pregnancy_consultations H29: 293 in the source; the formula's value 295 replaces it, as typed
    edited = edit(exported[1]["default"], tmp_path / "edited.xlsx", set_cell(COUNT, "H29", "=290+5"))
    run = Run(kpi, tmp_path, exported, path=_with_computed_value(edited, "290+5", "295"))
    assert run.changed_lines() == [("pregnancy_consultations,2017,293", "pregnancy_consultations,2017,295")]


# --- sheets and the hidden _kpi sheet ------------------------------------------------------------


def _lang(value):
    return lambda wb: setattr(_meta(wb, "lang"), "value", value)


def _rename_meta(wb):
    wb["_kpi"].title = "meta"


@pytest.mark.parametrize(
    "change, pattern",
    [
        (
            _lang("en"),
            r"_kpi!B2: the language cell says 'en' but the sheets are those of a 'ja' workbook "
            r"\(the hidden sheet '_kpi' was edited: set it back to 'ja', or export again\)",
        ),
        (_lang("fr"), r"_kpi!B2: unknown language 'fr' \(the hidden sheet '_kpi' was edited\)"),
        (_rename_meta, r"the hidden sheet '_kpi' was renamed to 'meta': name it '_kpi' again"),
    ],
    ids=["language cell edited", "unknown language", "meta sheet renamed"],
)
def test_an_edited_meta_sheet_is_reported_as_such(kpi, tmp_path, exported, change, pattern):
    run = Run(kpi, tmp_path, exported, change)
    run.refused(pattern)
    assert "renamed?" not in run.result.stderr


# --- cells that are not numbers ---------------------------------------------------------------


@pytest.mark.parametrize(
    "value, pattern",
    [
        (True, r"not a number: 'True'"),
        ("1" * 101, r"not a number: text of 101 characters"),
        ("=" + "1" * 10, None),  # a formula: handled above; here only: no traceback
        ("#DIV/0!", r"not a number: '#DIV/0!'"),
    ],
    ids=["boolean", "long text", "formula text", "error text"],
)
def test_cells_that_are_not_numbers(kpi, tmp_path, exported, value, pattern):
    run = Run(kpi, tmp_path, exported, set_cell(COUNT, "H29", value))
    run.refused(pattern or r"プロジェクト1!J\d+: ")


def test_a_date_is_not_a_number(kpi, tmp_path, exported):
    import datetime

    Run(kpi, tmp_path, exported, set_cell(COUNT, "H29", datetime.date(2017, 3, 31))).refused(
        r"プロジェクト1!J\d+: not a number: '2017-03-31"
    )


# --- export: text that looks like a formula, control characters ---------------------------------


def _rename_indicator(data, name, column="name_ja"):
    path = data / "indicators.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    i = next(n for n, line in enumerate(lines) if line.startswith(f"{COUNT},"))
    fields = lines[i].rstrip("\n").split(",")
    fields[header.index(column)] = name
    lines[i] = ",".join(fields) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    return i + 1  # the line number


# each way a formula starts, and each language's name column (the language only picks the
# column the name is read from and written to: the escaping does not depend on it)
@pytest.mark.parametrize(
    "name, lang",
    [
        ('"=HYPERLINK(""http://example.com"",""x"")"', "ja"),
        ("+81 相談件数", "en"),
        ("-相談件数", "ja"),
        ("@相談件数", "en"),
        ("=1+1", "ja"),
        ("=1+1", "en"),
    ],
    ids=["HYPERLINK-ja", "plus-en", "minus-ja", "at-en", "arithmetic-ja", "arithmetic-en"],
)
def test_a_name_that_looks_like_a_formula_is_written_as_text_and_round_trips(kpi, tmp_path, name, lang):
    data = shutil.copytree(DEFAULT_DATA_DIR, tmp_path / "data")
    _rename_indicator(data, name, "name_ja" if lang == "ja" else "name_en")
    before = snapshot(data)
    book = tmp_path / "book.xlsx"
    assert kpi("export", "--xlsx", book, "--data", data, "--lang", lang).returncode == 0
    ws = openpyxl.load_workbook(book)[P1 if lang == "ja" else "Project 1"]
    cell = ws.cell(row=key_row(ws, COUNT), column=3)
    plain = name.strip('"').replace('""', '"')
    assert cell.data_type == "s" and cell.value.startswith(plain) and cell.quotePrefix
    with zipfile.ZipFile(book) as z:  # no formula anywhere in the sheets
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in z.namelist() if "worksheets" in n)
    r = kpi("import", book, "--data", data, "--lang", "en")
    assert r.returncode == 0 and r.stdout.startswith("no changes"), r.stderr
    assert snapshot(data) == before


@pytest.mark.parametrize("char, column", [("\x00", "name_ja"), ("\x1b", "name_en"), ("\x0b", "name_ja")])
def test_a_control_character_in_a_name_is_refused_by_export(kpi, tmp_path, char, column):
    # refused when the data is read, as by every command (loading._refuse_invisible)
    data = shutil.copytree(DEFAULT_DATA_DIR, tmp_path / "data")
    line = _rename_indicator(data, f"相談{char}件数", column)
    r = kpi("export", "--xlsx", tmp_path / "book.xlsx", "--data", data)
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert re.search(
        rf"^kpi: error: indicators\.csv:{line}: column '{column}': control character U\+{ord(char):04X} in .*: "
        r"a terminal or a workbook would act on it or hide it \(remove it\)$",
        r.stderr.strip(),
    ), r.stderr
    assert not (tmp_path / "book.xlsx").exists() and not list(tmp_path.glob(".book.xlsx.*"))


# --- limits: refused before the workbook is read -------------------------------------------------


def _zip_with(tmp_path, source, extra: dict):
    """The workbook `source` with extra parts (name -> bytes), highly compressed."""
    out = tmp_path / "big.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        for name, content in extra.items():
            dst.writestr(name, content)
    return out


def test_a_zip_bomb_is_refused_at_once(kpi, tmp_path, exported):
    """Shared strings that unpack to 200 MB (the same holds for gigabytes: only the declared
    sizes are read)."""
    strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>' + b"A" * 60_000_000
    path = _zip_with(tmp_path, exported[1]["default"], {"xl/sharedStrings2.xml": strings})
    assert path.stat().st_size < 1_000_000
    start = time.perf_counter()
    run = Run(kpi, tmp_path, exported, path=path)
    run.refused(r"big\.xlsx: the file unpacks to 60,\d{3},\d{3} bytes, more than an import reads \(50,000,000 bytes\)")
    assert time.perf_counter() - start < 3  # the import loads data/ too; the refusal itself is instant


def test_too_many_cells_are_refused_before_parsing(kpi, tmp_path, exported):
    cells = b"".join(b'<c r="A%d"><v>1</v></c>' % i for i in range(1, 500_002))
    sheet = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
    path = _zip_with(
        tmp_path,
        exported[1]["default"],
        {"xl/worksheets/sheet99.xml": sheet + cells + b"</row></sheetData></worksheet>"},
    )
    Run(kpi, tmp_path, exported, path=path).refused(r"big\.xlsx: the sheets have more cells than 500,000")


@pytest.mark.parametrize(
    "where, pattern",
    [
        ("A200000", r"sheet 'notes' has rows up to 200,000, more than an import reads \(100,000\)"),
        ("XFD1", r"sheet 'notes' has columns up to 16,384, more than an import reads \(500\)"),
    ],
    ids=["rows", "columns"],
)
def test_a_sheet_beyond_the_limits_is_refused(kpi, tmp_path, exported, where, pattern):
    def change(wb):
        wb.create_sheet("notes")[where] = "x"

    Run(kpi, tmp_path, exported, change).refused(pattern)


@pytest.mark.parametrize("dimension", [b'<dimension ref="A1"/>', b""], ids=["too small", "missing"])
def test_a_sheet_whose_declared_size_is_wrong_is_read_in_full(kpi, tmp_path, exported, dimension):
    """The import reads a sheet streaming (openpyxl's read-only mode), which trusts the size a
    file declares (<dimension>); some applications write a wrong one or none: the typed 実績値
    (row 7, past A1) is still read, and a value typed beside the tables still refused."""

    def declared(book, out):
        with zipfile.ZipFile(book) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                part = src.read(item.filename)
                if item.filename.startswith("xl/worksheets/sheet"):
                    part = re.sub(rb"<dimension [^>]*/>", dimension, part)
                dst.writestr(item, part)
        return out

    typed = edit(exported[1]["default"], tmp_path / "typed.xlsx", set_cell(COUNT, "H30", 301))
    run = Run(kpi, tmp_path, exported, path=declared(typed, tmp_path / "declared.xlsx"))
    assert run.changed_lines() == [("pregnancy_consultations,2018,172", "pregnancy_consultations,2018,301")]

    def beside(wb):
        wb[P1]["Z3"] = "a note"

    shutil.rmtree(tmp_path / "data")
    noted = edit(exported[1]["default"], tmp_path / "noted.xlsx", beside)
    Run(kpi, tmp_path, exported, path=declared(noted, tmp_path / "declared2.xlsx")).refused(
        r"プロジェクト1!Z3: 'a note'"
    )

    shutil.rmtree(tmp_path / "data")  # a formula never calculated (openpyxl saves no value): not an empty cell
    formula = edit(exported[1]["default"], tmp_path / "formula.xlsx", set_cell(COUNT, "H30", "=100+201"))
    Run(kpi, tmp_path, exported, path=declared(formula, tmp_path / "declared3.xlsx")).refused(
        r"プロジェクト1!\w+\d+: a formula with no computed value \(=100\+201\)"
    )


def test_a_file_beyond_the_size_limit_is_refused_unread(kpi, tmp_path, exported):
    path = tmp_path / "huge.xlsx"
    with open(path, "wb") as f:
        f.truncate(25_000_000)  # sparse: nothing to read, if it were read
    Run(kpi, tmp_path, exported, path=path).refused(
        r"huge\.xlsx: the file has 25,000,000 bytes, more than an import reads"
    )


# --- the workbook path --------------------------------------------------------------------------


def test_a_fifo_is_refused_without_blocking(tmp_path, exported, kpi_process):
    data = shutil.copytree(exported[0], tmp_path / "data")
    before = snapshot(data)
    fifo = tmp_path / "book.xlsx"
    os.mkfifo(fifo)
    r = kpi_process("import", fifo, "--data", data)  # times out (a failure) if it blocks
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert re.fullmatch(r"kpi: error: .*book\.xlsx: not a regular file \(a pipe, device or socket\); .*\n", r.stderr)
    assert snapshot(data) == before


@pytest.mark.parametrize(
    "make, pattern",
    [
        (lambda p: p.mkdir(), r"book\.xlsx: not a regular file \(a folder\)"),
        (lambda p: p.symlink_to(p), r"book\.xlsx: cannot be opened \(Too many levels of symbolic links\)"),
        (lambda p: None, r"workbook not found: .*book\.xlsx"),
        (lambda p: p.write_bytes(b"PK\x05\x06" + b"\0" * 18), r"book\.xlsx: not an Excel workbook"),
    ],
    ids=["folder", "symlink loop", "missing", "empty zip"],
)
def test_a_workbook_path_that_is_no_workbook(kpi, tmp_path, exported, make, pattern):
    path = tmp_path / "book.xlsx"
    make(path)
    Run(kpi, tmp_path, exported, path=path).refused(pattern)


# --- a data folder that cannot be written -----------------------------------------------------------


def test_a_read_only_data_folder(kpi, tmp_path, exported, monkeypatch):
    edited = edit(exported[1]["default"], tmp_path / "edited.xlsx", set_cell(COUNT, "H29", 295))
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if mode == os.W_OK else real_access(p, mode, **kw))
    Run(kpi, tmp_path, exported, path=edited).refused(
        r"cannot write .*actuals\.csv: the data folder or the file is read-only; nothing was changed"
    )


def test_a_write_that_fails_is_one_line(kpi, tmp_path, exported, monkeypatch):
    """As root, a read-only folder can still be written: the refusal the OS gives others, simulated."""
    import tempfile

    edited = edit(exported[1]["default"], tmp_path / "edited.xlsx", set_cell(COUNT, "H29", 295))

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)  # files.atomic_file's temporary file
    # the first write is the kept copy of actuals.csv (dataset.history), before actuals.csv itself
    Run(kpi, tmp_path, exported, path=edited).refused(
        r"cannot keep the replaced tables in .*\.kpi-history: Permission denied; nothing was changed"
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_a_really_read_only_data_folder(kpi, tmp_path, exported):
    def read_only(data):
        for p in data.iterdir():
            p.chmod(0o444)
        data.chmod(0o555)

    run = Run(kpi, tmp_path, exported, set_cell(COUNT, "H29", 295), data_change=read_only)
    try:
        run.refused(r"read-only; nothing was changed")
    finally:
        run.data.chmod(0o755)


def test_the_limits_are_documented():
    from pathlib import Path

    from kpi_lib.workbook import excel_layout as layout

    doc = (Path(__file__).resolve().parent.parent / "docs" / "input.md").read_text(encoding="utf-8")
    section = doc.split("## Excel workbooks (kpi import)")[1].split("\n## ")[0]
    for limit in ("FILE_BYTES", "UNPACKED_BYTES", "PARTS", "CELLS", "ROWS", "COLUMNS", "CELL_TEXT"):
        assert f"| {getattr(layout, 'MAX_' + limit):,} " in section, limit


# --- every typed value is read, or refused naming its cell (issue 21) ---------------------------


def _in_rate_row(wb):  # an actual typed one row down, in the computed 進捗率 row
    ws = wb[P1]
    actual = actual_cell(ws, "pregnancy_consultations", "H29")
    ws.cell(row=rate_row(ws, "pregnancy_consultations"), column=actual.column).value = 300


def _between_tables(wb):  # the blank row between the 数値目標 and KPI tables, as an inserted row would be
    ws = wb[P1]
    second_header = [c.row for c in ws["A"] if c.value == "key"][1]
    ws.cell(row=second_header - 1, column=10).value = 42


def _own_sheet(wb):
    wb.create_sheet("メモ")["B2"] = 7


def _beside(wb):
    wb[P1]["Z3"] = "x"


@pytest.mark.parametrize(
    "change, pattern",
    [
        (
            _in_rate_row,
            rf"{P1}!J\d+: 300 is not read by kpi import: the 進捗率 row is computed; type the actual in J\d+",
        ),
        (_between_tables, rf"{P1}!J\d+: 42 is not read by kpi import: it is outside the indicators' rows"),
        (_own_sheet, r"メモ!B2: 7 is on sheet 'メモ', which kpi import does not read"),
        (_beside, rf"{P1}!Z3: 'x' is not read by kpi import"),
    ],
    ids=["rate row", "between the tables", "own sheet", "beside the table"],
)
def test_a_value_typed_where_nothing_is_read_is_refused_at_its_cell(kpi, tmp_path, exported, change, pattern):
    Run(kpi, tmp_path, exported, change).refused(pattern)


def test_export_never_replaces_typed_values_that_were_not_imported(kpi, tmp_path, exported):
    """The stale-workbook message said "export again", and that export overwrote what was typed."""
    data = shutil.copytree(exported[0], tmp_path / "data")
    book = tmp_path / "book.xlsx"
    assert kpi("export", "--xlsx", book, "--data", data, "--year", "R1").returncode == 0
    assert kpi("export", "--xlsx", book, "--data", data, "--year", "R1").returncode == 0  # unedited: replaced
    typed = edit(book, book, set_cell("pregnancy_consultations", "R1", 400))
    before = typed.read_bytes()
    (data / "metadata.json").write_text((data / "metadata.json").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    stale = kpi("import", typed, "--data", data)
    assert stale.returncode == 1 and "kpi export --xlsx NEW.xlsx" in stale.stderr
    again = kpi("export", "--xlsx", book, "--data", data, "--year", "R1")
    assert again.returncode == 1 and len(again.stderr.splitlines()) == 1
    assert re.search(rf"{re.escape(str(book))} holds values typed since it was exported .*{P1}!L\d+: 400", again.stderr)
    assert book.read_bytes() == before
    # following the message works: a new file
    assert kpi("export", "--xlsx", tmp_path / "new.xlsx", "--data", data, "--year", "R1").returncode == 0


def test_export_never_replaces_a_file_that_is_not_an_export(kpi, tmp_path, exported):
    other = tmp_path / "other.xlsx"
    other.write_bytes(b"someone's own file")
    r = kpi("export", "--xlsx", other, "--data", exported[0])
    assert r.returncode == 1 and "is not a workbook written by kpi export: it was not overwritten" in r.stderr
    assert other.read_bytes() == b"someone's own file"
