"""Every message the `kpi` command prints exists in Japanese (issue 17 "Its own words", issue 21).

The catalogue (kpi_lib/core/messages.py) maps each English message template to a Japanese one
with the same {placeholders}. Checked here: the catalogue itself; the command's help; the whole
bad-input corpus of the CSV tables (tests/test_bad_input.py) through `kpi validate` in both
languages, the same problems at the same file, line and column; a sample of workbook and usage
errors in both languages. Every other test that runs `kpi` (the `kpi` fixture, conftest.py) fails
on an error or warning line the catalogue cannot say in Japanese.

A message missing from the catalogue: add its English template (the f-string with each
{expression} given a name) and the Japanese, with the same names, to CATALOGUE.
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_bad_input import CASES, location, mutate

from kpi_lib import cli
from kpi_lib.core import messages
from kpi_lib.core.errors import DataError, KpiError, Problem
from kpi_lib.dataset.loading import DEFAULT_DATA_DIR, validate

# Four English words in a row, outside {placeholders}, is an English sentence left untranslated;
# commands, options and file names (kpi export --xlsx NEW.xlsx) are not words of a sentence.
_ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?: [A-Za-z]{2,}){3,}\b")
_TOKENS = re.compile(r"\{[^{}]*\}|kpi \w+|--[\w-]+|\S+\.(?:csv|json|toml|xlsx|md|txt)|\$\w+|'[^']*'")


def _sentences_in_english(japanese: str) -> list[str]:
    return _ENGLISH_RUN.findall(_TOKENS.sub(" ", japanese))


@pytest.mark.parametrize("english", sorted(messages.CATALOGUE))
def test_every_catalogued_message_has_its_japanese(english):
    japanese = messages.CATALOGUE[english]
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", japanese), japanese
    assert sorted(messages.placeholders(japanese)) == sorted(messages.placeholders(english))
    assert _sentences_in_english(japanese) == [], japanese


@pytest.mark.parametrize("command", sorted(cli.COMMANDS))
def test_the_help_of_every_command_is_in_japanese(command, capsys):
    with pytest.raises(SystemExit):
        cli.build_parser("ja").parse_args([command, "--help"])
    shown = capsys.readouterr().out
    # argparse's own words (usage:, options:, show this help message and exit) stay English:
    # Python ships no Japanese for them
    text = shown.split("\n\n", 1)[1].replace("show this help message and exit", "")
    assert _sentences_in_english(text) == [], shown
    with pytest.raises(SystemExit):
        cli.build_parser("en").parse_args([command, "--help"])
    assert "kpi" in capsys.readouterr().out


def test_the_top_level_help_is_in_japanese(capsys):
    with pytest.raises(SystemExit):
        cli.build_parser("ja").parse_args(["--help"])
    shown = capsys.readouterr().out
    assert "評価年度のすべての指標の率と評価" in shown and "データのフォルダを検査し" in shown


@pytest.fixture
def data_copy(tmp_path):
    d = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, d)
    return d


def _run(capsys, monkeypatch, lang, *args):
    monkeypatch.setenv(messages.LANG_ENV, lang)
    capsys.readouterr()
    try:
        status = cli.main([str(a) for a in args])
    except SystemExit as e:
        status = e.code
    out, err = capsys.readouterr()
    return status, out, err


def _where(p: Problem) -> str:
    return p.file if p.line is None else f"{p.file}:{p.line}"


@pytest.mark.parametrize("name", CASES)
def test_the_bad_input_corpus_in_both_languages(data_copy, name, capsys, monkeypatch):
    """`kpi validate` on each case of the bad-input corpus (tests/test_bad_input.py): a line per
    problem validate() finds, where the corpus expects it, in either language, and the count."""
    expected = mutate(data_copy, name)
    problems = validate(data_copy)
    assert problems
    missing = [p.message for p in problems if messages.untranslated(p.message)]
    assert missing == [], f"no Japanese in kpi_lib/core/messages.py for: {missing}"
    shown = {}
    for lang in ("ja", "en"):
        status, out, err = _run(capsys, monkeypatch, lang, "validate", "--data", data_copy)
        assert status == 1 and out == "" and "Traceback" not in err
        shown[lang] = err.splitlines()
        assert len(shown[lang]) == len(problems) + 1  # a line per problem, and the count
    for p, ja, en in zip(problems, shown["ja"], shown["en"]):
        assert en == f"kpi: error: {p}"  # the English unchanged
        assert ja.startswith(f"kpi: エラー: {_where(p)}: ")
        assert (f"列 '{p.column}'" in ja) == bool(p.column)
        assert ja == f"kpi: エラー: {messages.problem_text(p, 'ja')}"
    for e in expected:
        assert any(line.startswith(f"kpi: error: {location(e)}: ") and e.fragment in line for line in shown["en"]), e
    assert shown["ja"][-1] == f"{data_copy} に問題が {len(problems)} 件あります"
    assert shown["en"][-1] == f"{len(problems)} problem(s) in {data_copy}"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_data_error_of_another_command_in_both_languages(data_copy, capsys, monkeypatch, lang):
    mutate(data_copy, "actual_with_unit")
    status, out, err = _run(capsys, monkeypatch, "en", "grades", "--year", 2018, "--data", data_copy, "--lang", lang)
    assert status == 1 and out == ""
    [line] = err.splitlines()
    if lang == "ja":
        assert line.startswith("kpi: エラー: actuals.csv:") and "列 'actual'" in line and "単位" in line
    else:
        assert line.startswith("kpi: error: actuals.csv:") and "column 'actual'" in line and "unit" in line


# Usage and parameter errors, each in Japanese and in English: (arguments, Japanese words, English words)
USAGE = [
    (["grades"], "次の引数が必要です: --year", "the following arguments are required: --year"),
    (["grades", "--year", "X99"], "年度 'X99' は正しくありません", "invalid fiscal year 'X99'"),
    (["grades", "--year", "2018", "--format", "xml"], "選べない値です: 'xml'", "invalid choice: 'xml'"),
    (["grades", "--year", "1999"], "FY1999 の評価はできません", "no evaluation for FY1999"),
    (["grades", "--year", "2018", "--project", "99"], "不明な事業 99 です", "unknown project 99"),
    (["grades", "--year", "2018", "--frobnicate"], "認識できない引数です: --frobnicate", "unrecognized arguments"),
    (["grades", "--year", "2018", "--data", "/nonexistent/kpi"], "データのフォルダがありません", "not"),
    (["report", "--jobs", "0"], "--jobs は 1 以上でなければなりません", "--jobs must be at least 1"),
    (["import", "/nonexistent/book.xlsx"], "ブックがありません: /nonexistent/book.xlsx", "workbook not found"),
    (["export", "--xlsx", "out.txt"], "ブックの名前は .xlsx で終わらなければなりません", "must end in .xlsx"),
]


@pytest.mark.parametrize("args, ja, en", USAGE, ids=[" ".join(a) for a, _, _ in USAGE])
def test_usage_and_parameter_errors_in_both_languages(args, ja, en, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for lang, words in (("ja", ja), ("en", en)):
        data = [] if "--data" in args else ["--data", str(DEFAULT_DATA_DIR)]
        status, out, err = _run(capsys, monkeypatch, lang, *args, *data)
        assert status in (1, 2) and out == "" and "Traceback" not in err
        [line] = err.splitlines()
        assert words in line, line
        assert (": エラー: " in line) == (lang == "ja")


def test_an_explicit_lang_chooses_the_messages_language_over_the_locale(capsys, monkeypatch):
    status, _, err = _run(capsys, monkeypatch, "en", "grades", "--year", "1999", "--lang", "ja")
    assert status == 1 and err.startswith("kpi: エラー: FY1999 の評価はできません")
    status, _, err = _run(capsys, monkeypatch, "ja", "grades", "--year", "1999", "--lang", "en")
    assert status == 1 and err.startswith("kpi: error: no evaluation for FY1999")


@pytest.mark.parametrize(
    "env, lang",
    [
        ({"KPI_LANG": "ja", "LANG": "en_US.UTF-8"}, "ja"),
        ({"KPI_LANG": "en", "LANG": "ja_JP.UTF-8"}, "en"),
        ({"LANG": "ja_JP.UTF-8"}, "ja"),
        ({"LC_ALL": "ja_JP.UTF-8", "LANG": "en_US.UTF-8"}, "ja"),
        ({"LC_ALL": "C", "LANG": "ja_JP.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
    ],
)
def test_the_locale_chooses_the_language_without_lang(env, lang):
    assert messages.locale_lang(env) == lang


def test_the_english_of_an_error_is_unchanged():
    e = DataError([Problem("actuals.csv", 3, "value", "not a number: 'x'"), Problem("a.csv", None, None, "m")])
    assert str(e) == "actuals.csv:3: column 'value': not a number: 'x' (and 1 more problem(s); run 'kpi validate')"
    assert messages.error_lines(e, "en") == ["actuals.csv:3: column 'value': not a number: 'x'", "a.csv: m"]
    assert messages.error_lines(e, "ja")[0] == "actuals.csv:3: 列 'value': 数値ではありません: 'x'"


_part = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)


@given(st.sampled_from(sorted(messages.CATALOGUE)), st.data())
def test_a_message_reads_back_with_its_parts(template, data):
    """Any message made from a catalogued template renders in Japanese with its parts intact:
    every part the English held (a file name, a value) is in the Japanese."""
    names = messages.placeholders(template)
    parts = {n: data.draw(_part.filter(lambda s, n=n: s.strip() == s and ": " not in s)) for n in names}
    english = template.format(**parts)
    japanese = messages.translate(english, "ja")
    assert not messages.untranslated(english)
    for value in parts.values():
        assert value in japanese


def test_a_kpi_error_of_a_new_raise_site_that_is_not_catalogued_is_found():
    assert messages.untranslated("a brand new message nobody translated")
    assert messages.translate("a brand new message nobody translated", "ja") == "a brand new message nobody translated"
    assert not messages.untranslated(str(KpiError("workbook not found: x.xlsx")))


# --- every raise site's message is in the catalogue -------------------------------------------

_USER_ERRORS = {"KpiError", "CellError", "InputFileError", "ReportError", "PdfError", "ArgumentTypeError"}
_PROBLEM_CALLS = {"Problem", "add", "problem"}  # the message is the last argument


def _sample(node) -> str | None:
    """The message an f-string (or a literal, or a + of them) makes, each {expression} as X; None
    for a message made elsewhere (a variable, a call): the corpus checks those."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "X" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _sample(node.left), _sample(node.right)
        return None if left is None and right is None else (left or "") + (right or "")
    return None


def _raise_site_messages():
    for path in sorted((ROOT / "kpi_lib").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in _USER_ERRORS:
                arg = node.args[0]
            elif name in _PROBLEM_CALLS and len(node.args) >= 3:
                arg = node.args[-1]
            else:
                continue
            message = _sample(arg)
            if message is not None:
                yield f"{path.relative_to(ROOT)}:{node.lineno}", message


ROOT = Path(__file__).resolve().parent.parent


def _said(message: str) -> bool:
    if re.fullmatch(r"[X:/ ]*", message):  # parts only ("{file}: {message}"): the parts are translated
        return True
    # a hint appended ("{message}{hint}"): the catalogue has each variant, which the corpus checks
    return not messages.untranslated(message) or (message.endswith("X") and not messages.untranslated(message[:-1]))


def test_every_raise_site_message_is_in_the_catalogue():
    """Each f-string a KpiError (CellError, ...) or a Problem is made of has its Japanese: a new
    raise site fails here, named by file and line, until its template is in CATALOGUE."""
    sites = list(_raise_site_messages())
    assert len(sites) > 100
    missing = [f"{where}: {message!r}" for where, message in sites if not _said(message)]
    assert missing == [], "no Japanese in kpi_lib/core/messages.py for:\n" + "\n".join(missing)
