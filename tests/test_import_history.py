"""kpi import previews (--dry-run), asks before changing what was published (--change-published)
and can be undone (kpi restore), issue 17. The dataset is small and hand-checkable: a town whose
published rates and grades (published_rates.csv by the actual's year, published_grades.csv by the
evaluation year) agree with its actuals (`kpi audit` lists nothing)."""

import csv
import hashlib
import io
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples
from test_excel import actual_cell

from kpi_lib.cli import main
from kpi_lib.core import resources
from kpi_lib.dataset import history

from synthetic import _write, write_dataset

SHEET = "プロジェクト1"
# a: 2016 120, 2017 130, 2018 未: the 2018 grade is graded on 2017's actual (130 ÷ 200 = 65.0%, B)
# b: 40.1, 45.0, 47.0 (%): the 2018 rate and grade are 47.0's (93.1%, A③)
# c: a cumulative target summed from annual actuals (5 + 10 + 20 = 35 by 2017: 35.0%, B)
ACTUALS = [("a", 2016, "120"), ("a", 2017, "130"), ("a", 2018, "未"), ("b", 2016, "40.1"), ("b", 2017, "45.0")]
ACTUALS += [("b", 2018, "47.0"), ("c", 2015, "5"), ("c", 2016, "10"), ("c", 2017, "20"), ("c", 2018, "30")]


def town(root: Path) -> Path:
    write_dataset(
        root,
        [
            {"indicator": "a", "name_ja": "指標A", "baseline": "100", "baseline_year": "2014", "target": "200"},
            {"indicator": "b", "name_ja": "指標B", "unit_ja": "%", "unit_en": "%", "baseline": "40.0"}
            | {"baseline_year": "2014", "target": "50.5"},
            {"indicator": "c", "name_ja": "指標C", "baseline": "0", "baseline_year": "2014", "target": "100"}
            | {"target_kind": "cumulative", "period_start": "2015", "period_end": "2019"},
        ],
        ACTUALS,
    )
    _write(
        root,
        "published_rates",
        [
            {"project": 1, "indicator": "a", "year": 2016, "progress_rate": "60.0"},
            {"project": 1, "indicator": "a", "year": 2017, "progress_rate": "65.0"},
            {"project": 1, "indicator": "b", "year": 2018, "progress_rate": "93.1"},
        ],
    )
    _write(
        root,
        "published_grades",
        [
            {"project": 1, "indicator": "a", "year": 2018, "grade": "B"},
            {"project": 1, "indicator": "b", "year": 2018, "grade": "A③"},
            {"project": 1, "indicator": "c", "year": 2017, "grade": "B"},
        ],
    )
    return root


def kpi(capsys, *args):
    capsys.readouterr()
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def snapshot(folder: Path, history_too: bool = True) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and (history_too or history.HISTORY_DIR not in p.relative_to(folder).parts)
    }


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The town and its export with an empty 2019 column."""
    root = tmp_path_factory.mktemp("town")
    data = town(root / "data")
    assert main(["export", "--xlsx", str(root / "book.xlsx"), "--data", str(data), "--year", "2019"]) == 0
    return data, root / "book.xlsx"


def fresh(tmp_path, exported) -> tuple[Path, Path]:
    data, book = exported
    return shutil.copytree(data, tmp_path / "data"), book


def typed(book: Path, out: Path, values: dict[tuple[str, str], object]) -> Path:
    wb = openpyxl.load_workbook(book)
    for (indicator, year), value in values.items():
        actual_cell(wb.worksheets[0], indicator, year).value = value  # プロジェクト1, 分野1 … by the dataset's words
    wb.save(out)
    return out


def ref(book: Path, indicator: str, year: str) -> str:
    ws = openpyxl.load_workbook(book).worksheets[0]
    return f"{ws.title}!{actual_cell(ws, indicator, year).coordinate}"


# --- --dry-run ----------------------------------------------------------------------------------


def test_dry_run_lists_every_change_in_both_languages_and_writes_nothing(capsys, tmp_path, exported):
    data, book = fresh(tmp_path, exported)
    edited = typed(book, tmp_path / "e.xlsx", {("a", "R1"): 150, ("b", "H29"): 46, ("c", "R1"): "未"})
    before = snapshot(data)
    code, out, err = kpi(capsys, "import", edited, "--data", data, "--dry-run", "--lang", "en")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"actuals.csv: added indicator=a, year=2019: actual: 150  [{ref(edited, 'a', 'R1')}]",
        f"actuals.csv: changed indicator=b, year=2017: actual: 45.0 → 46.0  [{ref(edited, 'b', 'H29')}]",
        f"actuals.csv: added indicator=c, year=2019: actual: 未  [{ref(edited, 'c', 'R1')}]",
        f"an import would update {data}: actuals.csv: 1 changed, 2 added",
        "dry run: nothing was written",
    ]
    code, out, _ = kpi(capsys, "import", edited, "--data", data, "--dry-run")  # ja, the default
    assert code == 0
    assert out.splitlines()[1] == (
        f"actuals.csv: 変更 indicator=b, year=2017: actual: 45.0 → 46.0  [{ref(edited, 'b', 'H29')}]"
    )
    assert out.splitlines()[-2:] == [
        f"取り込むと {data} は次のとおり変わります: actuals.csv: 変更 1 行、追加 2 行",
        "試行（--dry-run）: 何も書き込んでいません",
    ]
    assert snapshot(data) == before  # not a byte, and no .kpi-history
    # the real import makes exactly those changes, and says where it kept what it replaced
    code, out, err = kpi(capsys, "import", edited, "--data", data, "--lang", "en")
    assert code == 0, err
    [state] = history.states(data)
    assert out.splitlines()[-2:] == [
        f"updated {data}: actuals.csv: 1 changed, 2 added",
        f"the tables it replaced are kept as {state.id} (kpi restore --data {data} undoes this import)",
    ]
    assert (state.path / "actuals.csv").read_bytes() == before["actuals.csv"]


def test_a_dry_run_of_a_template_lists_every_row_it_would_create(capsys, tmp_path):
    data = tmp_path / "city"
    book = filled_template(capsys, data)
    before = snapshot(data)
    code, out, err = kpi(capsys, "import", book, "--data", data, "--dry-run", "--lang", "en")
    assert code == 0, err
    lines = out.splitlines()
    assert "projects.csv: added project=1: name_ja: 名; name_en: Name; catch_ja: キャッチ; catch_en: Catch" in lines
    assert "actuals.csv: added indicator=p1_k01, year=2020: actual: 12" in lines
    assert lines[-2] == f"an import would update {data}: projects.csv: 1 added; indicators.csv: 1 added; " + (
        "project_indicators.csv: 1 added; actuals.csv: 1 added"
    )
    assert snapshot(data) == before


# --- published figures -------------------------------------------------------------------------

# (indicator, year typed, value) -> what was published on that actual, per the rule of
# excel_import.published_changes; None: nothing published rests on it
PUBLISHED_CASES = [
    (("a", "H28", 125), "the published rate of FY2016, published_rates.csv"),  # 2017 has its own actual
    (("a", "H29", 135), "the published rate of FY2017, published_rates.csv; the published grade of FY2018, published_grades.csv"),
    (("a", "H30", 140), "the published grade of FY2018, published_grades.csv"),  # 未 → a value in the graded year
    (("a", "H27", 110), None),  # an earlier actual: 2016 and 2017 have their own
    (("b", "H29", 46), None),  # b's 2018 rate and grade are 2018's own
    (("b", "H30", 48), "the published rate of FY2018, published_rates.csv; the published grade of FY2018, published_grades.csv"),
    (("c", "H28", 11), "the published grade of FY2017, published_grades.csv"),  # in the 2017 running total
    (("c", "H30", 31), None),  # after the one published grade
    (("a", "R1", 150), None),  # a new year
]  # fmt: skip


@pytest.mark.parametrize("edit, published", PUBLISHED_CASES, ids=[f"{e[0]} {e[1]}" for e, _ in PUBLISHED_CASES])
def test_a_change_behind_published_figures_needs_change_published(capsys, tmp_path, exported, edit, published):
    data, book = fresh(tmp_path, exported)
    indicator, year, value = edit
    edited = typed(book, tmp_path / "e.xlsx", {(indicator, year): value})
    before = snapshot(data)
    code, out, err = kpi(capsys, "import", edited, "--data", data, "--lang", "en")
    if published is None:
        assert code == 0, err
        return
    cell = ref(edited, indicator, year)
    assert code == 1 and out == ""
    [line] = err.splitlines()
    assert line.startswith(f"kpi: error: {cell}: the actual of {indicator} ")
    assert f"is behind published figures ({published}): changing it (" in line and "--change-published" in line
    assert snapshot(data) == before
    code, _, err = kpi(capsys, "import", edited, "--data", data)  # the same in Japanese
    [line] = err.splitlines()
    assert code == 1 and line.startswith(f"kpi: error: {cell}: {indicator} ") and "公表済みの数値" in line
    # a dry run shows the listing, then the refusal
    code, out, err = kpi(capsys, "import", edited, "--data", data, "--dry-run", "--lang", "en")
    assert code == 1 and out.startswith("actuals.csv: ") and err.count("\n") == 1
    assert snapshot(data) == before
    # asked for explicitly, it is made (and kept, to restore)
    code, out, err = kpi(capsys, "import", edited, "--data", data, "--change-published", "--lang", "en")
    assert code == 0, err
    assert len(history.states(data)) == 1


def test_the_shipped_data_refuses_a_what_if_edit_of_a_past_year(capsys, tmp_path):
    data = shutil.copytree(resources.DATA_DIR, tmp_path / "data")
    book = tmp_path / "book.xlsx"
    assert kpi(capsys, "export", "--xlsx", book, "--data", data)[0] == 0
    edited = typed(book, tmp_path / "e.xlsx", {("pregnancy_consultations", "H29"): 300})
    code, _, err = kpi(capsys, "import", edited, "--data", data, "--lang", "en")
    # 293 (H29) is printed with its rate 48.8% (source: 妊娠・出産に関する相談件数); H30 has its own actual
    assert code == 1 and err == (
        f"kpi: error: {ref(edited, 'pregnancy_consultations', 'H29')}: the actual of pregnancy_consultations FY2017 "
        "is behind published figures (the published rate of FY2017, published_rates.csv): changing it (293 → 300) "
        "would no longer match what was published, so nothing was imported; to change it anyway, run again with "
        "--change-published\n"
    )


# --- kpi restore --------------------------------------------------------------------------------


def test_restore_puts_back_the_state_before_the_import_and_is_undone_by_restoring_again(capsys, tmp_path, exported):
    data, book = fresh(tmp_path, exported)
    original = snapshot(data)
    assert kpi(capsys, "import", typed(book, tmp_path / "1.xlsx", {("a", "R1"): 150}), "--data", data)[0] == 0
    first = snapshot(data, history_too=False)
    book2 = tmp_path / "again.xlsx"
    assert kpi(capsys, "export", "--xlsx", book2, "--data", data, "--year", "2019")[0] == 0
    assert kpi(capsys, "import", typed(book2, tmp_path / "2.xlsx", {("b", "R1"): 48}), "--data", data)[0] == 0
    second = snapshot(data, history_too=False)
    one, two = history.states(data)
    code, out, _ = kpi(capsys, "restore", "--list", "--data", data, "--lang", "en")
    assert code == 0 and out.splitlines() == [
        f"{one.id}  {one.describe('en')}: actuals.csv",
        f"{two.id}  {two.describe('en')}: actuals.csv  (latest)",
    ]
    assert one.describe("en").startswith("before the import of 1.xlsx (") and one.describe("en").endswith(" UTC)")
    # a dry run lists and writes nothing
    code, out, _ = kpi(capsys, "restore", "--data", data, "--dry-run", "--lang", "en")
    assert code == 0 and out.splitlines()[0] == "actuals.csv: removed indicator=b, year=2019: actual: 48.0"
    assert snapshot(data, history_too=False) == second and len(history.states(data)) == 2
    # the latest: before the second import
    code, out, _ = kpi(capsys, "restore", "--data", data, "--lang", "en")
    assert code == 0 and snapshot(data, history_too=False) == first
    three = history.states(data)[-1]
    assert out.splitlines()[-1] == (
        f"restored {data} to state {two.id} ({two.describe('en')}); the state it replaced is kept as {three.id} "
        "(kpi restore again undoes this)"
    )
    assert three.made_by == "restore" and three.detail == two.id
    # restoring again undoes the restore
    assert kpi(capsys, "restore", "--data", data)[0] == 0
    assert snapshot(data, history_too=False) == second
    # a chosen state: before the first import, whatever came after it
    assert kpi(capsys, "restore", one.id, "--data", data)[0] == 0
    assert snapshot(data, history_too=False) == original
    code, out, _ = kpi(capsys, "restore", one.id, "--data", data, "--lang", "en")
    assert code == 0 and out.startswith(f"{data} is already as in state {one.id} (")


@pytest.mark.parametrize(
    "example, indicator", [("expected_path", "waiting_list"), ("milestone_improvement", "tourists")]
)
def test_the_other_schemes_examples_import_and_restore_byte_for_byte(capsys, tmp_path, example, indicator):
    data = shutil.copytree(resources.examples()[example], tmp_path / "data")
    original = snapshot(data)
    book = tmp_path / "book.xlsx"
    assert kpi(capsys, "export", "--xlsx", book, "--data", data)[0] == 0
    edited = typed(book, tmp_path / "e.xlsx", {(indicator, "H29"): 60})  # no published figure in examples/
    code, out, err = kpi(capsys, "import", edited, "--data", data, "--dry-run", "--lang", "en")
    assert code == 0 and f"actuals.csv: changed indicator={indicator}, year=2017: actual: " in out, err
    assert snapshot(data) == original
    assert kpi(capsys, "import", edited, "--data", data)[0] == 0
    assert snapshot(data, history_too=False) != original
    assert kpi(capsys, "restore", "--data", data)[0] == 0
    assert snapshot(data, history_too=False) == original


def test_restore_refuses_in_one_line_with_nothing_to_restore_or_an_unknown_state(capsys, tmp_path, exported):
    data, book = fresh(tmp_path, exported)
    before = snapshot(data)
    code, out, err = kpi(capsys, "restore", "--data", data, "--lang", "en")
    assert code == 1 and err == f"kpi: error: no kept state in {data / '.kpi-history'}: nothing to restore " + (
        "(kpi import keeps the tables it replaces there)\n"
    )
    code, out, _ = kpi(capsys, "restore", "--list", "--data", data)
    assert code == 0 and out.startswith(f"{data / '.kpi-history'} に保存された状態はありません")
    assert snapshot(data) == before
    assert kpi(capsys, "import", typed(book, tmp_path / "1.xlsx", {("a", "R1"): 150}), "--data", data)[0] == 0
    imported = snapshot(data)
    code, _, err = kpi(capsys, "restore", "20200101T000000.000000Z", "--data", data, "--lang", "en")
    assert code == 1 and err == (
        f"kpi: error: {data} has no kept state 20200101T000000.000000Z: kpi restore --list shows the states kept\n"
    )
    assert snapshot(data) == imported


def filled_template(capsys, data: Path) -> Path:
    """kpi new (the hokkaido scheme: no milestones.csv) and its template with one indicator."""
    new = [
        "--scheme",
        "hokkaido",
        "--title-ja",
        "テスト",
        "--title-en",
        "Test",
        "--first-year",
        "2020",
        "--level-ja",
        "プロジェクト",
    ]
    assert kpi(capsys, "new", data, *new, "--last-year", "2022", "--projects", "1", "--rows", "1")[0] == 0
    book = data / "workbook.xlsx"
    wb = openpyxl.load_workbook(book)
    ws = wb[SHEET]
    for row, value in zip(range(2, 6), ("名", "Name", "キャッチ", "Catch")):
        ws.cell(row=row, column=4).value = value
    slot = next(c.row for c in ws["A"] if c.value == "p1_k01")
    for (dr, col), value in {(0, 3): "指標", (1, 3): "Indicator", (0, 4): 10, (1, 4): 2019, (0, 5): 20,
                             (1, 5): 2022, (0, 8): 12, (0, 12): "人", (1, 12): "persons", (0, 13): "higher"}.items():  # fmt: skip
        ws.cell(row=slot + dr, column=col).value = value
    wb.save(book)
    return book


def test_restore_of_a_template_import_deletes_only_the_file_kpi_lib_wrote(capsys, tmp_path):
    data = tmp_path / "city"
    book = filled_template(capsys, data)
    empty = snapshot(data)
    assert not (data / "milestones.csv").exists()
    assert kpi(capsys, "import", book, "--data", data)[0] == 0
    assert (data / "milestones.csv").is_file()  # written by the import (its header)
    [state] = history.states(data)
    assert state.files["milestones.csv"]["existed"] is False
    # changed by hand since: not deleted, nothing restored
    (data / "milestones.csv").write_bytes(b"indicator,year,value,note\r\n")
    imported = snapshot(data)
    code, _, err = kpi(capsys, "restore", "--data", data, "--lang", "en")
    assert code == 1 and err.count("\n") == 1
    assert f"{data / 'milestones.csv'} did not exist in state {state.id} and was changed since kpi_lib wrote it" in err
    assert snapshot(data) == imported
    # as kpi_lib wrote it: the restore deletes it, and the empty dataset is back byte for byte
    (data / "milestones.csv").write_bytes(b"indicator,year,value,note\n")
    assert (
        hashlib.sha256((data / "milestones.csv").read_bytes()).hexdigest() == state.files["milestones.csv"]["written"]
    )
    code, out, err = kpi(capsys, "restore", "--data", data, "--lang", "en")
    assert code == 0, err
    assert snapshot(data, history_too=False) == empty
    # and the template imports again into the dataset it was written with
    assert kpi(capsys, "import", book, "--data", data)[0] == 0


def test_a_restore_that_would_leave_invalid_data_is_refused(capsys, tmp_path):
    data = shutil.copytree(resources.DATA_DIR, tmp_path / "data")
    book = tmp_path / "book.xlsx"
    assert kpi(capsys, "export", "--xlsx", book, "--data", data)[0] == 0
    edited = typed(book, tmp_path / "e.xlsx", {("total_fertility_rate", "H30"): "未"})
    assert kpi(capsys, "import", edited, "--data", data, "--change-published")[0] == 0
    # by hand: H30's national value goes, valid while H30's actual is 未 (a national-level target)
    path = data / "benchmarks.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(x for x in lines if not x.startswith("total_fertility_rate,2018,")), encoding="utf-8")
    assert kpi(capsys, "validate", "--data", data)[0] == 0
    before = snapshot(data)
    code, _, err = kpi(capsys, "restore", "--data", data, "--lang", "en")
    assert code == 1 and err.count("\n") == 1, err
    assert "the folder as restored would not be valid (benchmarks.csv: column 'value': national-level indicator" in err
    assert "nothing was restored" in err and snapshot(data) == before


def test_at_most_max_states_are_kept_the_oldest_going_first(capsys, tmp_path, exported, monkeypatch):
    monkeypatch.setattr(history, "MAX_STATES", 3)
    data, book = fresh(tmp_path, exported)
    assert kpi(capsys, "import", typed(book, tmp_path / "1.xlsx", {("a", "R1"): 150}), "--data", data)[0] == 0
    made = [history.states(data)[-1].id]
    for _ in range(4):  # undo, redo, …: each keeps a state
        assert kpi(capsys, "restore", "--data", data)[0] == 0
        made.append(history.states(data)[-1].id)
    assert [s.id for s in history.states(data)] == made[-3:]
    assert sorted(p.name for p in (data / history.HISTORY_DIR).iterdir()) == made[-3:]  # nothing else left


def test_a_failing_write_puts_back_what_was_written_and_keeps_no_state(capsys, tmp_path, monkeypatch):
    data = tmp_path / "city"
    book = filled_template(capsys, data)
    before = snapshot(data)
    real = history.write_atomically
    written = []

    def third_table_fails(path, content):
        if Path(path).parent == data:
            written.append(Path(path).name)
            if len(written) == 3:
                raise OSError(28, "No space left on device")
        return real(path, content)

    monkeypatch.setattr(history, "write_atomically", third_table_fails)
    code, out, err = kpi(capsys, "import", book, "--data", data, "--lang", "en")
    assert code == 1 and out == ""
    assert err == f"kpi: error: cannot write {data / written[2]}: No space left on device; nothing was changed\n"
    assert snapshot(data) == before and not (data / history.HISTORY_DIR).exists()


def test_an_installed_kpi_lib_never_writes_into_its_own_examples(capsys, tmp_path, exported, monkeypatch):
    data, book = fresh(tmp_path, exported)
    monkeypatch.setattr(resources, "PACKAGE_DIR", tmp_path)  # as if the folder were inside the package
    edited = typed(book, tmp_path / "e.xlsx", {("a", "R1"): 150})
    before = snapshot(data)
    code, _, err = kpi(capsys, "import", edited, "--data", data, "--lang", "en")
    assert code == 1 and err == (
        f"kpi: error: {data} is an example shipped with kpi_lib and is not changed: copy the folder and "
        "import into the copy\n"
    )
    assert snapshot(data) == before


# --- the invariant, over generated edits (Hypothesis) -------------------------------------------

CELLS = [(i, y) for i in ("a", "b", "c") for y in ("H27", "H28", "H29", "H30", "R1")]
VALUES = st.one_of(
    st.integers(min_value=0, max_value=500),
    st.decimals(min_value=0, max_value=99, places=1).map(float),
    st.sampled_from(["未", "—", None, "abc"]),  # None: the cell cleared
)
LISTED = re.compile(
    r"^actuals\.csv: (added|changed|removed) indicator=(\w+), year=(\d+): actual: (.*?)(?: → (.*?))?  \["
)


def actuals_of(data: bytes) -> dict[tuple[str, int], str]:
    return {
        (r["indicator"], int(r["year"])): r["actual"] for r in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    }


def diff(before: bytes, after: bytes) -> set[tuple]:
    """The changes between two actuals.csv, computed here from the files alone."""
    old, new = actuals_of(before), actuals_of(after)
    out = set()
    for key in old.keys() | new.keys():
        if key not in new:
            out.add(("removed", *key, old[key], None))
        elif key not in old:
            out.add(("added", *key, new[key], None))
        elif old[key] != new[key]:
            out.add(("changed", *key, old[key], new[key]))
    return out


def listed(out: str) -> set[tuple]:
    found = set()
    for line in out.splitlines():
        m = LISTED.match(line)
        if m:
            found.add((m[1], m[2], int(m[3]), m[4], m[5]))
    return found


@settings(
    max_examples=examples(15),  # each example imports, and restores, a workbook
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=st.dictionaries(st.sampled_from(CELLS), VALUES, min_size=1, max_size=4), allow=st.booleans())
@example(edits={("a", "R1"): "abc", ("b", "R1"): 48}, allow=True)  # a bad cell: both refuse, naming it
@example(edits={("b", "H29"): None}, allow=False)  # a value cleared: refused (delete the row instead)
@example(edits={("b", "H29"): 45.0}, allow=False)  # the value it has: no changes, nothing kept
def test_dry_run_lists_what_the_import_does_and_restore_gives_back_every_byte(
    capsys, tmp_path_factory, exported, edits, allow
):
    tmp = tmp_path_factory.mktemp("edit")
    data, book = fresh(tmp, exported)
    edited = typed(book, tmp / "e.xlsx", edits)
    flags = ["--change-published"] * allow + ["--lang", "en"]
    before = snapshot(data)
    dry = kpi(capsys, "import", edited, "--data", data, "--dry-run", *flags)
    assert snapshot(data) == before  # a dry run changes no byte
    real = kpi(capsys, "import", edited, "--data", data, *flags)
    assert real[0] == dry[0] and real[2] == dry[2]  # the same refusal, or none
    if real[0] != 0:
        event("refused" + (" (published)" if "--change-published" in real[2] else ""))
        assert snapshot(data) == before
        return
    after = snapshot(data, history_too=False)
    assert listed(dry[1]) == diff(before["actuals.csv"], after["actuals.csv"])  # exactly what it made
    assert listed(real[1]) == listed(dry[1])
    assert {k for k in after if after[k] != before.get(k)} <= {"actuals.csv"}
    if real[1].startswith("no changes"):
        event("no changes")
        assert after == before and not (data / history.HISTORY_DIR).exists()
        return
    event("imported, then restored")
    code, _, err = kpi(capsys, "restore", "--data", data)
    assert code == 0, err
    assert snapshot(data, history_too=False) == before  # every byte back
