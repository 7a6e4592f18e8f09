"""docs/start.md, followed literally: from an empty folder to the first Japanese report.

The steps are read from the document, in its order, so the test follows the document when it
changes (no command list of its own):
- a fenced block ```toml file=NAME is saved as NAME in the current folder;
- each line `$ …` of a ```console block is a command: `cd DIR` changes the folder, `kpi …` runs the
  `kpi` of this environment there (KPI_DATA unset, messages in Japanese);
- a ```text block that starts with `$ kpi …` is a command the document shows refused: it must exit 1
  and say the lines shown under it (… stands for any text);
- the rows `| `SHEET!CELL` | `VALUE` | … |` of the cell table are typed into the workbook the
  following `kpi import` reads (a number as a number, anything else as text), where the table is.
Every command must exit 0, and none may say a word of Hokkaido's; the report (slow: it runs the
notebooks) must land where the document says, in the dataset's own words and none of Hokkaido's.
"""

import csv
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from kpi_lib.core import labels
from kpi_lib.dataset.loading import load_dataset
from kpi_lib.presentation.tables import COLUMN_MEANINGS_JA

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "start.md"
KPI = Path(sys.executable).parent / ("kpi.exe" if os.name == "nt" else "kpi")

FENCE = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```$", re.M | re.S)
CELL_ROW = re.compile(r"^\| `([^`!]+)!([A-Z]+[0-9]+)` \| `([^`]*)` \|", re.M)


def steps(doc: str) -> list[tuple[int, str, object]]:
    """(position in the document, kind, what) for every file, command and cell, in document order."""
    found = []
    for m in FENCE.finditer(doc):
        lang, info, body = m.group(1), m.group(2), m.group(3)
        if lang == "toml" and (name := re.search(r"\bfile=(\S+)", info)):
            found.append((m.start(), "file", (name.group(1), body)))
        elif lang == "console":
            for i, line in enumerate(body.splitlines()):
                if line.startswith("$ "):
                    found.append((m.start() + i, "command", shlex.split(line[2:])))
        elif lang == "text" and body.startswith("$ "):  # a refusal shown with its output (… elides)
            command, *shown = body.splitlines()
            found.append((m.start(), "refused", (shlex.split(command[2:]), shown)))
    cells = [(m.start(), "cell", (m.group(1), m.group(2), m.group(3))) for m in CELL_ROW.finditer(doc)]
    return sorted(found + cells, key=lambda s: s[0])


def typed(value: str):
    """What Excel stores for the text typed: a number for a number, else the text."""
    if re.fullmatch(r"-?[0-9]+", value):
        return int(value)
    if re.fullmatch(r"-?[0-9]+\.[0-9]+", value):
        return float(value)
    return value


def hokkaido_words() -> list[str]:
    """Words and data of the shipped Hokkaido dataset no other office's output may hold."""
    words = ["北海道", "プロジェクト", "進捗率", "進捗区分"]
    for table, column in (("indicators.csv", "name_ja"), ("projects.csv", "name_ja"), ("projects.csv", "catch_ja")):
        with open(ROOT / "data" / table, encoding="utf-8", newline="") as f:
            words += [r[column] for r in csv.DictReader(f) if r[column].strip()]
    return words


def run_document(tmp_path: Path, with_report: bool) -> dict:
    """Run the document's steps in an empty folder; returns what the checks need."""
    doc = DOC.read_text(encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "KPI_DATA"}
    env["KPI_LANG"] = "ja"  # a Japanese office's messages
    cwd = tmp_path
    outputs, cells, commands = [], [], []
    all_steps = steps(doc)
    imports = [what for _, kind, what in all_steps if kind == "command" and what[:2] == ["kpi", "import"]]
    assert imports, "the document imports no workbook"
    workbook = imports[0][2]
    for _, kind, what in all_steps:
        if kind != "cell" and cells:  # the cell table ends: the analyst saves the workbook
            wb = openpyxl.load_workbook(cwd / workbook)
            template = [str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
            outputs.append((["(the workbook as kpi new wrote it)", workbook], "\n".join(template)))
            for sheet, ref, value in cells:
                assert sheet in wb.sheetnames, (sheet, wb.sheetnames)
                wb[sheet][ref].value = typed(value)
            wb.save(cwd / workbook)
            cells = []
        if kind == "file":
            name, body = what
            (cwd / name).write_text(body, encoding="utf-8")
        elif kind == "cell":
            cells.append(what)
        elif kind == "refused":
            command, shown = what
            r = subprocess.run(
                [str(KPI), *command[1:]],
                cwd=cwd,
                env=env,
                capture_output=True,
                text=True,
                encoding="utf-8",
                timeout=600,
            )
            assert r.returncode == 1 and r.stdout == "", (command, r.stdout, r.stderr)
            for line in shown:
                pattern = ".*".join(re.escape(part.strip()) for part in line.split("…"))
                assert re.search(pattern, r.stderr), (command, line, r.stderr)
            outputs.append((command, r.stderr))
        elif what[0] == "cd":
            cwd = cwd / what[1]
            assert cwd.is_dir(), cwd
        else:
            assert what[0] == "kpi", what
            if what[:2] == ["kpi", "report"] and not with_report:
                continue
            commands.append(what)
            r = subprocess.run(
                [str(KPI), *what[1:]], cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=600
            )
            assert r.returncode == 0, (what, r.stdout, r.stderr)
            outputs.append((what, r.stdout + r.stderr))
    assert not cells, "the document ends in the cell table"
    return {"doc": doc, "outputs": outputs, "commands": commands, "cwd": cwd}


def test_the_document_has_every_step():
    kinds = [(kind, what[:2] if kind == "command" else None) for _, kind, what in steps(DOC.read_text("utf-8"))]
    commands = [w for k, w in kinds if k == "command"]
    for wanted in (["kpi", "new"], ["kpi", "import"], ["kpi", "validate"], ["kpi", "grades"], ["kpi", "audit"]):
        assert wanted in commands, wanted
    assert ["kpi", "report"] in commands
    assert ("file", None) in kinds and ("cell", None) in kinds
    # the empty folder first: kpi there shows no data (refused), then kpi new
    assert [k for k, _ in kinds].index("refused") < kinds.index(("command", ["kpi", "new"]))


def test_the_walkthrough_runs_in_an_empty_folder(tmp_path):
    """Every command up to the report exits 0 and says no word of Hokkaido's; the dataset holds
    what the cells said and the city's words; kpi audit reproduces every published figure."""
    done = run_document(tmp_path, with_report=False)
    forbidden = hokkaido_words()
    for command, output in done["outputs"]:
        for word in forbidden:
            assert word not in output, (command, word, output)
    [new] = [c for c in done["commands"] if c[:2] == ["kpi", "new"]]
    level = dict(zip(new, new[1:]))["--level-ja"]
    [template] = [o for c, o in done["outputs"] if c[0].startswith("(the workbook")]
    assert f"{level}名（日本語）" in template and f"{level}1の数値目標1行目" in template  # its note, in its word
    outputs = dict((" ".join(c[:2]), o) for c, o in done["outputs"])
    assert "達成率" in outputs["kpi grades"] and "評価" in outputs["kpi grades"], outputs["kpi grades"]
    [x_year] = [line for line in outputs["kpi grades"].splitlines() if "市内事業所の従業者数" in line]
    assert " X " in x_year and "公表値" in x_year and "算定" not in x_year, x_year  # the city's own X
    assert "待機児童数" in outputs["kpi grades"]
    assert "不一致はありません" in outputs["kpi audit"], outputs["kpi audit"]
    data = done["cwd"]
    assert (data / "metadata.json").is_file() and (data / "hyoka.toml").is_file()
    with open(data / "published_grades.csv", encoding="utf-8", newline="") as f:
        grades = {(r["year"], r["grade"]) for r in csv.DictReader(f)}
    assert ("2017", "X") in grades  # the X year typed in 公表値：評価


@pytest.mark.slow  # kpi report runs the notebooks
def test_the_walkthrough_ends_in_a_japanese_report_in_the_citys_words(tmp_path):
    done = run_document(tmp_path, with_report=True)
    # where the document says the report lands, relative to the folder it started in
    [where] = set(re.findall(r"`([^`\s]+/reports/[0-9]+/ja/)`", done["doc"]))
    folder = tmp_path / where
    assert (folder / "index.html").is_file(), sorted(p.name for p in folder.parent.rglob("*"))
    pages = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.html")}
    assert {"index.html", "overview.html", "project_1.html", "project_2.html"} <= set(pages), sorted(pages)
    everything = "".join(pages.values())
    for word in hokkaido_words():
        assert word not in everything, word
    [new] = [c for c in done["commands"] if c[:2] == ["kpi", "new"]]
    option = dict(zip(new, new[1:]))
    own = [option["--title-ja"], option["--level-ja"], "達成率", "評価", "実績値がないため評価できない"]
    own += [what[2] for _, kind, what in steps(done["doc"]) if kind == "cell" and what[1] in ("C9", "D2")]
    for word in own:
        assert word in everything, word
    assert f'href="{option["--source-url"]}"' in everything


@pytest.mark.parametrize("example", ["achievement_ratio", "expected_path", "milestone_improvement"])
def test_no_label_speaks_hokkaidos_words_for_another_dataset(example):
    """Every label, in the words of a dataset that is not Hokkaido's, and the glossary of the grade
    table's columns: none says Hokkaido's level, rate or grade words (プロジェクト, 進捗率, 進捗区分,
    進捗) or its bands (80%, 100%), unless the dataset chose that word itself."""
    scheme = load_dataset(ROOT / "examples" / example).scheme
    own = " ".join(dict(scheme.words).values())
    said = [(key, lang, labels.text(key, lang, scheme)) for key in labels._LABELS for lang in labels.LANGS]
    said += [(column, "ja", meaning) for column, meaning in COLUMN_MEANINGS_JA.items()]
    for key, lang, text in said:
        text = re.sub(r"\w+\.csv", "", text)  # file names (projects.csv) are names, not words
        for word in ("プロジェクト", "進捗", "北海道", "80%", "100%", "progress rate", " project"):
            assert word in own or word not in text, (key, lang, word, text)
