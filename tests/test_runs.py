"""Issue 21, "Runs: delete only what they wrote, never hang": `kpi report` into a folder that holds
other things (user files, dotfiles, links, other years, earlier runs' pages) keeps all of them and
leaves one consistent set; every file a user points at is opened only as a regular file within
a size limit; a cell that never ends is stopped.

The property tests fake the notebooks (the file moves are what is under test): a fake page shows
the snapshot's data digest and the links the run gives it, as a real page does."""

import os
import re
import shutil
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples

from kpi_lib.core.errors import KpiError
from kpi_lib.dataset.loading import DEFAULT_DATA_DIR, data_digest
from kpi_lib.publishing import report

YEAR = 2018
PROJECTS = [1, 2, 3, 4, 5]
LANGS = ("ja", "en")
PAGE = re.compile(r"^(?:index|overview|project_\d+)\.html$")
HREF = re.compile(r'href="([^"]+)"')
DIGEST = re.compile(r'class="kpi-(?:footer kpi-)?digest">[^<]*<code>([0-9a-f]+)</code>')


@pytest.fixture(scope="module")
def two_data(tmp_path_factory) -> dict[str, Path]:
    """The shipped data, and a copy with one actual changed: two digests."""
    base = tmp_path_factory.mktemp("data")
    a, b = base / "a", base / "b"
    shutil.copytree(DEFAULT_DATA_DIR, a)
    shutil.copytree(DEFAULT_DATA_DIR, b)
    actuals = b / "actuals.csv"
    text = actuals.read_text(encoding="utf-8")
    assert "total_fertility_rate,2018,1.27" in text
    actuals.write_text(text.replace("total_fertility_rate,2018,1.27", "total_fertility_rate,2018,1.99"), "utf-8")
    assert data_digest(a) != data_digest(b)
    return {"a": a, "b": b}


def _fake_execute(job, folder, kernel_folder):
    (folder / f"{job.name}.ipynb").write_text("{}", encoding="utf-8")


def _fake_convert(job, folder, lang, nb):
    digest = data_digest(Path(job.notebook).parent / report.SNAPSHOT_DATA)
    page = f'<html>{job.nav}<p class="kpi-footer kpi-digest">data <code>{digest}</code></p></html>'
    (folder / f"{job.name}.html").write_text(page, encoding="utf-8")


@pytest.fixture
def fake_notebooks(monkeypatch):
    """run_reports as it is, its notebooks and HTML conversion faked (on _run_all's threads)."""
    real = report._run_all
    monkeypatch.setattr(
        report,
        "_run_all",
        lambda work, folders, jobs, progress, *_: real(work, folders, jobs, progress, _fake_execute, _fake_convert),
    )


def _state(root: Path) -> dict[str, tuple]:
    """Every entry below root: kind, bytes or link text, permissions, inode."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            st_ = path.lstat()
            if path.is_symlink():
                found[str(path.relative_to(root))] = ("link", os.readlink(path))
            elif stat.S_ISDIR(st_.st_mode):
                found[str(path.relative_to(root))] = ("dir", stat.S_IMODE(st_.st_mode))
            else:
                found[str(path.relative_to(root))] = ("file", path.read_bytes(), stat.S_IMODE(st_.st_mode), st_.st_ino)
    return found


def _digest_of(page: Path) -> str | None:
    """The one digest a page shows (as tests/test_reports.py reads it), or None."""
    try:
        shown = set(DIGEST.findall(page.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError):
        return None
    return shown.pop() if len(shown) == 1 else None


def _check_consistent(out: Path) -> None:
    """Every page of the year's set links only to files that exist, and every page showing a
    digest shows the same one as every page it links to."""
    year = out / str(YEAR)
    digests = set()
    for lang in LANGS:
        folder = year / lang
        if not folder.is_dir():
            continue
        for page in sorted(folder.iterdir()):
            if not PAGE.match(page.name) or page.is_symlink():
                continue
            digest = _digest_of(page)
            if digest is None:
                continue  # not a page of ours (a user's file under a page name: every run refuses)
            digests.add(digest)
            for href in HREF.findall(page.read_text(encoding="utf-8")):
                linked = (page.parent / href).resolve()
                assert linked.is_file(), f"{page.relative_to(out)} links to missing {href}"
                if linked.suffix == ".html":
                    assert _digest_of(linked) == digest, f"{page.relative_to(out)} -> {href}: other data"
    assert len(digests) <= 1, digests


def _extras(out: Path, chosen: set[str]) -> None:
    """A user's things in and around the output folder."""
    year = out / str(YEAR)
    files = {
        "htaccess": (year / ".htaccess", "Require all granted\n"),
        "notes": (year / "notes.txt", "our notes\n"),
        "css": (year / "ja" / "custom.css", "body{}\n"),
        "en_dot": (year / "en" / ".htaccess", "Options -Indexes\n"),
        "nested": (year / "ja" / "img" / "logo.svg", "<svg/>\n"),
        "other_year": (out / "2017" / "ja" / "index.html", "an older year\n"),
        "shared": (out / "shared.css", "shared\n"),
        "user_page": (year / "en" / "project_9.html", "<html>a page of my own</html>\n"),
    }
    for key, (path, content) in files.items():
        if key in chosen:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
    links = {
        "link_file": (year / "ja" / "shared.css", "../../shared.css"),
        "link_dir": (year / "latest", "ja"),
        "dangling": (year / "en" / "old-link", "nowhere.html"),
        "link_page": (year / "ja" / "project_2.html", "../../elsewhere.html"),
    }
    for key, (path, target) in links.items():
        if key in chosen:
            path.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(target, path)


EXTRAS = ["htaccess", "notes", "css", "en_dot", "nested", "other_year", "shared", "link_file", "link_dir", "dangling"]
RARE = ["user_page", "link_page"]  # each makes every later run refuse

runs = st.fixed_dictionaries(
    {
        "data": st.sampled_from(["a", "b"]),
        "langs": st.lists(st.sampled_from(LANGS), min_size=1, max_size=2, unique=True),
        "projects": st.none() | st.lists(st.sampled_from(PROJECTS), min_size=1, max_size=3, unique=True),
    }
)


def _expect_refusal(out: Path, run: dict, digest: str) -> bool:
    """The oracle, from the folder as it is: the run must refuse when it would replace a link or
    keep a page (of ours, by name) that does not show its digest."""
    year = out / str(YEAR)
    names = [f"project_{p}" for p in (run["projects"] or PROJECTS)] + ["overview"] * (run["projects"] is None)
    for lang in LANGS:
        folder = year / lang
        if not folder.is_dir():
            continue
        for page in folder.iterdir():
            rebuilt = lang in run["langs"] and page.name.removesuffix(".html") in [*names, "index"]
            if rebuilt and page.is_symlink():
                return True
            if PAGE.match(page.name) and not rebuilt and _digest_of(page) != digest:
                return True
    return False


def _one_run(out: Path, run: dict, data: dict[str, Path]) -> None:
    before = _state(out)
    digest = data_digest(data[run["data"]])
    must_refuse = _expect_refusal(out, run, digest)
    try:
        report.run_reports(
            YEAR,
            run["langs"],
            run["projects"] or PROJECTS,
            out,
            data_dir=str(data[run["data"]]),
            with_overview=run["projects"] is None,
            progress=False,
        )
    except KpiError as e:
        assert must_refuse, f"refused without reason: {e}"
        assert "\n" not in str(e) and " / " in str(e)  # one line, ja / en
        assert _state(out) == before  # nothing written, nothing removed
        return
    assert not must_refuse, "kept a page of other data or replaced a link"
    after = _state(out)
    names = [f"project_{p}" for p in (run["projects"] or PROJECTS)] + ["overview"] * (run["projects"] is None)
    written = {
        str(Path(str(YEAR)) / lang / f"{n}.{x}") for lang in run["langs"] for n in names for x in ("html", "ipynb")
    } | {str(Path(str(YEAR)) / lang / "index.html") for lang in run["langs"]}
    written_dirs = {str(YEAR)} | {str(Path(str(YEAR)) / lang) for lang in run["langs"]}
    for path, was in before.items():
        if path in written or path in written_dirs:
            continue
        assert after.get(path) == was, f"{path} changed: {was[:2]} -> {after.get(path, ('gone',))[:2]}"
    assert set(after) - set(before) <= written | written_dirs, set(after) - set(before) - written
    assert not [p for p in out.iterdir() if p.name.startswith(".kpi-report-")]  # no staging left


@settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    extras=st.sets(st.sampled_from(EXTRAS)) | st.sets(st.sampled_from(EXTRAS + RARE)),
    earlier=st.lists(runs, max_size=2),
    last=runs,
)
def test_a_run_keeps_what_it_did_not_write_and_leaves_one_consistent_set(
    tmp_path_factory, two_data, fake_notebooks, extras, earlier, last
):
    out = tmp_path_factory.mktemp("out")
    _extras(out, extras)
    for run in [*earlier, last]:
        _one_run(out, run, two_data)
        _check_consistent(out)


# --- the cases of the issue, as fixed examples ----------------------------------------------------


def test_a_partial_run_into_a_full_set_keeps_every_other_page_and_the_users_files(tmp_path, two_data, fake_notebooks):
    out = tmp_path / "reports"
    report.run_reports(YEAR, list(LANGS), PROJECTS, out, data_dir=str(two_data["a"]), progress=False)
    _extras(out, {"htaccess", "css", "link_file", "shared", "link_dir"})
    before = _state(out)
    report.run_reports(YEAR, ["ja"], [1], out, data_dir=str(two_data["a"]), with_overview=False, progress=False)
    after = _state(out)
    for path in ("2018/ja/project_2.html", "2018/ja/overview.html", "2018/en/project_1.html", "2018/.htaccess"):
        assert after[path] == before[path], path
    assert after["2018/ja/shared.css"] == ("link", "../../shared.css")  # a link, not a copy of shared.css
    assert after["2018/latest"] == ("link", "ja")
    index = (out / "2018" / "ja" / "index.html").read_text(encoding="utf-8")
    assert all(f'href="project_{p}.html"' in index for p in PROJECTS) and 'href="overview.html"' in index
    page = (out / "2018" / "ja" / "project_1.html").read_text(encoding="utf-8")
    assert 'href="project_2.html"' in page and 'href="../en/project_1.html"' in page
    _check_consistent(out)


def test_a_partial_run_on_changed_data_refuses_naming_the_pages_and_changes_nothing(tmp_path, two_data, fake_notebooks):
    out = tmp_path / "reports"
    report.run_reports(YEAR, list(LANGS), PROJECTS, out, data_dir=str(two_data["a"]), progress=False)
    before = _state(out)
    with pytest.raises(KpiError) as e:
        report.run_reports(YEAR, ["ja"], [1], out, data_dir=str(two_data["b"]), with_overview=False, progress=False)
    message = str(e.value)
    assert data_digest(two_data["a"]) in message and "ja/overview.html" in message and "ja/project_2.html" in message
    assert "別のデータ" in message and "other data" in message and "\n" not in message
    assert _state(out) == before
    # the whole set on the new data is fine, and replaces every page
    report.run_reports(YEAR, list(LANGS), PROJECTS, out, data_dir=str(two_data["b"]), progress=False)
    _check_consistent(out)
    assert _digest_of(out / "2018" / "en" / "project_3.html") == data_digest(two_data["b"])


def test_a_link_or_folder_where_a_run_writes_is_refused(tmp_path, two_data, fake_notebooks):
    out = tmp_path / "reports"
    (tmp_path / "elsewhere").mkdir()
    (out / "2018").mkdir(parents=True)
    os.symlink(tmp_path / "elsewhere", out / "2018" / "ja")
    with pytest.raises(KpiError, match="symbolic link"):
        report.run_reports(YEAR, ["ja"], [1], out, data_dir=str(two_data["a"]), with_overview=False, progress=False)
    assert (out / "2018" / "ja").is_symlink() and not any((tmp_path / "elsewhere").iterdir())
    os.unlink(out / "2018" / "ja")
    (out / "2018" / "ja" / "project_1.html").mkdir(parents=True)
    with pytest.raises(KpiError, match="a folder"):
        report.run_reports(YEAR, ["ja"], [1], out, data_dir=str(two_data["a"]), with_overview=False, progress=False)


def test_a_printed_pdf_a_run_would_leave_stale_is_refused(tmp_path, two_data, fake_notebooks):
    out = tmp_path / "reports"
    report.run_reports(YEAR, ["ja"], [1], out, data_dir=str(two_data["a"]), with_overview=False, progress=False)
    (out / "2018" / "ja" / "project_1.pdf").write_bytes(b"%PDF- an earlier print")
    with pytest.raises(KpiError, match="--pdf"):
        report.run_reports(YEAR, ["ja"], [1], out, data_dir=str(two_data["a"]), with_overview=False, progress=False)
    assert (out / "2018" / "ja" / "project_1.pdf").read_bytes() == b"%PDF- an earlier print"


@pytest.fixture
def fake_printing(monkeypatch) -> list[dict]:
    """kpi_lib.publishing.pdf's printing faked: each page's PDF holds the text of the HTML it was
    printed from; each combined PDF is recorded (its parts' headings and bodies)."""
    from kpi_lib.publishing import pdf

    combined = []

    def print_pages(pages, timeout_ms=60_000):
        for html_path, pdf_path, _title in pages:
            Path(pdf_path).write_bytes(b"%PDF- " + Path(html_path).read_bytes())
        return [Path(html_path).read_text(encoding="utf-8") for html_path, _, _ in pages]

    def print_combined(parts, out_path, title, lang, front, contents_label):
        combined.append(
            {"file": Path(out_path).name, "headings": [p.heading for p in parts], "bodies": [p.body for p in parts]}
        )
        Path(out_path).write_bytes(b"%PDF- combined")
        return Path(out_path)

    monkeypatch.setattr(pdf, "check_installed", lambda: None)
    monkeypatch.setattr(pdf, "print_pages", print_pages)
    monkeypatch.setattr(pdf, "print_combined", print_combined)
    return combined


def test_a_partial_pdf_run_prints_the_whole_set_into_the_combined_pdf(
    tmp_path, two_data, fake_notebooks, fake_printing
):
    out = tmp_path / "reports"
    report.run_reports(YEAR, list(LANGS), PROJECTS, out, data_dir=str(two_data["a"]), progress=False, pdf=True)
    full = fake_printing[-1]
    assert full["file"] == "reports_2018_en.pdf" and len(full["headings"]) == 1 + len(PROJECTS)
    fake_printing.clear()
    kept_html = (out / "2018" / "ja" / "project_2.html").read_text(encoding="utf-8")
    report.run_reports(
        YEAR, ["ja"], [1], out, data_dir=str(two_data["a"]), with_overview=False, progress=False, pdf=True
    )
    [partial] = fake_printing
    # the combined PDF of a one-page run still holds every page: the overview first, then projects 1-5
    assert partial["file"] == "reports_2018_ja.pdf"
    assert len(partial["headings"]) == 1 + len(PROJECTS)
    assert partial["bodies"][2] == kept_html  # project 2, printed from the page the run kept
    folder = out / "2018" / "ja"
    assert all((folder / f"project_{p}.pdf").read_bytes().startswith(b"%PDF- ") for p in PROJECTS)
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert all(f'href="project_{p}.pdf"' in index for p in PROJECTS) and 'href="reports_2018_ja.pdf"' in index
    _check_consistent(out)


@pytest.mark.parametrize("below", [False, True])
def test_out_naming_a_file_or_a_path_below_one_is_one_line(tmp_path, two_data, below):
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    out = afile / "sub" if below else afile
    with pytest.raises(KpiError, match="give --out a folder"):
        report.run_reports(YEAR, ["ja"], [1], out, data_dir=str(two_data["a"]), progress=False)
    assert afile.read_text(encoding="utf-8") == "x"


# --- every input a user points at: a regular file within its limit, or one line -----------------


def _special(tmp_path: Path, kind: str) -> Path:
    """A path of the given kind, none of which is a regular file."""
    import socket

    path = tmp_path / kind
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        s = socket.socket(socket.AF_UNIX)
        s.bind(str(path))
        s.close()
    elif kind == "dangling":
        os.symlink(tmp_path / "nothing", path)
    elif kind == "loop":
        os.symlink(tmp_path / "loop2", path)
        os.symlink(path, tmp_path / "loop2")
    elif kind == "zero":
        os.symlink("/dev/zero", path)
    elif kind == "folder":
        path.mkdir()
    return path


SPECIAL = ["fifo", "socket", "dangling", "loop", "zero", "folder"]


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(SPECIAL), limit=st.integers(0, 10), size=st.integers(0, 12))
def test_an_input_file_is_read_only_when_regular_and_within_its_limit(tmp_path_factory, kind, limit, size):
    from kpi_lib.core.errors import InputFileError
    from kpi_lib.core.files import read_input_file

    folder = tmp_path_factory.mktemp("inputs")
    with pytest.raises(InputFileError):
        read_input_file(_special(folder, kind), limit)
    regular = folder / "file.csv"
    regular.write_bytes(b"x" * size)
    if size <= limit:
        assert read_input_file(regular, limit) == b"x" * size
    else:
        with pytest.raises(InputFileError, match="too large"):
            read_input_file(regular, limit)


def test_a_data_table_over_its_limit_is_one_problem_without_reading_it(tmp_path, monkeypatch):
    from kpi_lib.core import files
    from kpi_lib.dataset import loading

    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    monkeypatch.setattr(loading, "MAX_TABLE_BYTES", 1_000)  # measures.csv is 51 kB
    problems = loading.validate(data)
    assert [str(p) for p in problems if p.file == "measures.csv"] == [
        "measures.csv: " + files.too_big((data / "measures.csv").stat().st_size, 1_000)
    ]


def test_a_scheme_outside_the_data_folder_reaches_the_report_snapshot(tmp_path):
    import json

    from kpi_lib.dataset.loading import load_dataset

    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    shutil.copyfile(
        DEFAULT_DATA_DIR.parent / "kpi_lib" / "dataset" / "schemes" / "hokkaido.toml", tmp_path / "shared.toml"
    )
    meta = json.loads((data / "metadata.json").read_text(encoding="utf-8"))
    (data / "metadata.json").write_text(json.dumps({**meta, "scheme": "../shared.toml"}), encoding="utf-8")
    assert load_dataset(data).scheme.name  # kpi grades reads it
    report.take_snapshot(str(data), tmp_path / "snap")
    assert load_dataset(tmp_path / "snap" / report.SNAPSHOT_DATA).scheme.name  # and so does the report's copy


# --- the tracebacks, through the real command: one line, or the right result -------------


def _one_line_error(r) -> None:
    assert r.returncode == 1, (r.returncode, r.stdout[-500:], r.stderr[-2000:])
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr[-2000:]
    assert r.stderr.startswith(("kpi: error: ", "kpi: エラー: "))  # `report --lang ja`: messages in Japanese


NEW = [
    "--scheme",
    "hokkaido",
    "--title-ja",
    "架空戦略",
    "--title-en",
    "A strategy",
    "--first-year",
    "R2",
    "--last-year",
    "R6",
]


def test_kpi_new_into_the_current_empty_folder_and_a_linked_one(tmp_path, kpi_process):
    here = tmp_path / "here"
    here.mkdir()
    r = kpi_process("new", ".", *NEW, cwd=here)
    assert r.returncode == 0, r.stderr
    assert (here / "metadata.json").is_file() and (here / "workbook.xlsx").is_file()
    assert not [p for p in here.iterdir() if p.name.startswith(".")]
    real = tmp_path / "real"
    real.mkdir()
    os.symlink(real, tmp_path / "link")
    r = kpi_process("new", "link", *NEW, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "link").is_symlink() and (real / "workbook.xlsx").is_file()
    r = kpi_process("new", "link", *NEW, cwd=tmp_path)  # no longer empty
    _one_line_error(r)


def test_names_near_the_length_limit_are_not_made_too_long_by_a_temporary_suffix(tmp_path, kpi_process):
    long = "x" * 250  # 255 bytes is the limit of a name
    r = kpi_process("new", long, *NEW, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = kpi_process("export", "--xlsx", "あ" * 80 + ".xlsx", "--data", "example:hokkaido", cwd=tmp_path)  # 245 bytes
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("case", ["out_file", "out_below_file", "fifo", "zero", "empty_project", "timeout"])
def test_kpi_report_refuses_in_one_line(tmp_path, kpi_process, case):
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    args = ["report", "--lang", "ja", "--project", "1", "--no-progress", "--data", "example:hokkaido", "--out", "out"]
    if case == "out_file":
        args[-1] = "afile"
    elif case == "out_below_file":
        args[-1] = "afile/sub"
    elif case in ("fifo", "zero"):
        args += ["--template", str(_special(tmp_path, case))]
    elif case == "empty_project":
        data = tmp_path / "data"
        shutil.copytree(DEFAULT_DATA_DIR, data)
        with open(data / "projects.csv", "a", encoding="utf-8") as f:
            f.write("6,空のプロジェクト,Empty project,1,,ねらい,aim\n")
        args = ["report", "--lang", "ja", "--no-progress", "--out", "out", "--data", str(data)]
    elif case == "timeout":
        args += ["--timeout", "0"]
    r = kpi_process(*args, cwd=tmp_path)
    _one_line_error(r)
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "x"
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_import_reads_only_the_data_files_of_a_folder_holding_pipes_sockets_and_links(tmp_path, kpi_process):
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    import openpyxl

    assert kpi_process("export", "--xlsx", "book.xlsx", "--year", "R1", "--data", data, cwd=tmp_path).returncode == 0
    wb = openpyxl.load_workbook(tmp_path / "book.xlsx")
    ws = wb.worksheets[0]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "wish_to_stay_rate")
    col = next(c for c in range(1, ws.max_column + 1) if ws.cell(5, c).value == "R1")
    ws.cell(row, col).value = 76.0  # a new actual: the import validates a copy of the data folder
    wb.save(tmp_path / "book.xlsx")
    for kind in SPECIAL:
        _special(data, kind)
    r = kpi_process("validate", "--data", data)
    assert r.returncode == 0, r.stderr
    r = kpi_process("import", "book.xlsx", "--data", data, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "wish_to_stay_rate,2019,76" in (data / "actuals.csv").read_text(encoding="utf-8")


def test_a_template_whose_hidden_project_count_was_edited_is_one_line(tmp_path, kpi_process):
    import openpyxl

    assert kpi_process("new", "city", *NEW, cwd=tmp_path).returncode == 0
    book = tmp_path / "city" / "workbook.xlsx"
    wb = openpyxl.load_workbook(book)
    meta = wb["_kpi"]
    row = next(r for r in range(1, meta.max_row + 1) if meta.cell(r, 1).value == "projects")
    meta.cell(row, 2).value = 10**7
    wb.save(book)
    r = kpi_process("import", book, "--data", tmp_path / "city", cwd=tmp_path)
    _one_line_error(r)
    assert len(r.stdout) < 1_000


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda k: k.grades("H30", projects=1), "projects"),
        (lambda k: k.grades("H30", projects=["1"]), "projects"),
        (lambda k: k.grades("H30", dataset="data"), "dataset"),
        (lambda k: k.open_dataset(123), "data_dir"),
        (lambda k: k.trend_chart("total_fertility_rate", project="1"), "project"),
        (lambda k: k.series(5), "indicator_id"),
    ],
)
def test_the_api_given_a_wrong_type_raises_a_kpi_error_naming_the_argument(call, named):
    import kpi_lib

    with pytest.raises(KpiError, match=rf"^{named} must"):
        call(kpi_lib)


@pytest.mark.slow
def test_a_template_that_never_ends_is_stopped_by_the_timeout_in_one_line(tmp_path, kpi_process):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(
        cells=[
            new_code_cell("year = 2018\nlang = 'ja'\nproject = 1\ndata_dir = None", metadata={"tags": ["parameters"]}),
            new_code_cell("while True:\n    pass"),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(tmp_path / "endless.ipynb"))
    r = kpi_process(
        "report",
        "--project",
        "1",
        "--lang",
        "ja",
        "--template",
        "endless.ipynb",
        "--timeout",
        "3",
        "--no-progress",
        "--out",
        "out",
        "--data",
        "example:hokkaido",
        cwd=tmp_path,
    )
    _one_line_error(r)
    assert "3 秒を超えたので止めました" in r.stderr and "--timeout" in r.stderr  # --lang ja: in Japanese
    assert not any((tmp_path / "out").iterdir())
