"""The `kpi` command. Each subcommand is a thin call into the library; user errors print one
line on stderr and exit with status 1 (usage errors: 2), never a traceback."""

from __future__ import annotations

import argparse
import functools
import json
import logging
import os
import re
import sys
import unicodedata
from pathlib import Path

import pandas as pd

from kpi_lib.core import messages
from kpi_lib.core.errors import KpiError
from kpi_lib.core.fiscal_year import parse_fiscal_year, short_label
from kpi_lib.core.labels import LANGS, text
from kpi_lib.presentation.notebook import skip_iri_checker


def _year(value: str) -> int:
    try:
        return parse_fiscal_year(value)
    except KpiError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


class _Version(argparse.Action):
    """--version: the installed kpi_lib's version, from its metadata, which the build takes from
    kpi_lib.__version__ (pyproject.toml, [tool.hatch.version]). Looked up only when asked (reading
    metadata costs ~0.1 s) and not through `import kpi_lib`: the package re-exports the api layer,
    which cli may not import."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest, nargs=0, default=default, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        import importlib.metadata

        try:
            version = importlib.metadata.version("kpi_lib")
        except importlib.metadata.PackageNotFoundError:
            version = "unknown (not installed: pip install -e .)"
        print(f"kpi_lib {version}")  # on stdout, as argparse's own version action
        parser.exit()


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (exit status 2), in the messages' language
    (argparse's own words in it, such as "usage:", stay English: Python ships no Japanese for them)."""

    def __init__(self, *args, lang: str = "en", **kwargs):
        super().__init__(*args, **kwargs)
        self.lang = lang

    def error(self, message: str):
        said = messages.translate(message, self.lang)
        see = messages.word("see_help", self.lang, prog=self.prog)
        self.exit(2, f"{self.prog}: {messages.word('error', self.lang)}: {said} ({see})\n")


def message_lang(argv: list[str]) -> str:
    """The language of messages and help: the --lang given (one of them, for kpi report), else
    $KPI_LANG, else the locale (messages.locale_lang)."""
    given = [a.split("=", 1)[1] for a in argv if a.startswith("--lang=")]
    given += [b for a, b in zip(argv, argv[1:]) if a == "--lang"]
    if len(set(given)) == 1 and given[0] in LANGS:
        return given[0]
    return messages.locale_lang()


def build_parser(lang: str = "en") -> argparse.ArgumentParser:
    """The parser, its help in `lang`."""

    def h(english: str) -> str:
        return messages.translate(english, lang)

    p = _Parser(
        lang=lang, prog="kpi", description=h("Strategy-KPI progress analysis (地方創生総合戦略の数値目標・KPI).")
    )
    p.add_argument("--version", action=_Version, help=h("show the kpi_lib version and exit"))
    sub = p.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=functools.partial(_Parser, lang=lang)
    )

    def data_arg(sp):
        sp.add_argument(
            "--data",
            metavar="DIR",
            help=h(
                "data folder, or example:NAME for a shipped example (default: $KPI_DATA, else the current folder "
                "or the nearest one above it holding metadata.json; inside kpi_lib's own checkout, its data/)"
            ),
        )

    g = sub.add_parser("grades", help=h("rate and grade of every indicator for an evaluation year"))
    g.add_argument(
        "--year", type=_year, required=True, metavar="FY", help=h("evaluation fiscal year: 2018, H30, 平成30年度, R1 …")
    )
    g.add_argument("--project", type=int, action="append", metavar="N", help=h("only project N (repeatable)"))
    g.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help=h("output format (default: table)")
    )
    g.add_argument(
        "--lang",
        choices=LANGS,
        help=h("language of the output (default: ja) and of messages (default: $KPI_LANG, else the locale)"),
    )
    data_arg(g)

    c = sub.add_parser("changes", help=h("indicators whose grade changed between two evaluation years"))
    c.add_argument(
        "--from", dest="from_year", type=_year, required=True, metavar="FY", help=h("the earlier evaluation year")
    )
    c.add_argument("--to", dest="to_year", type=_year, required=True, metavar="FY", help=h("the later evaluation year"))
    c.add_argument("--project", type=int, action="append", metavar="N", help=h("only project N (repeatable)"))
    c.add_argument("--format", choices=("table", "csv"), default="table", help=h("output format (default: table)"))
    c.add_argument(
        "--lang",
        choices=LANGS,
        help=h("language of the output (default: ja) and of messages (default: $KPI_LANG, else the locale)"),
    )
    data_arg(c)

    a = sub.add_parser(
        "audit", help=h("published figures that disagree with their own arithmetic (exit status 1 when any do)")
    )
    a.add_argument("--format", choices=("table", "csv"), default="table", help=h("output format (default: table)"))
    a.add_argument(
        "--lang",
        choices=LANGS,
        help=h("language of the output (default: ja) and of messages (default: $KPI_LANG, else the locale)"),
    )
    a.add_argument(
        "--notes",
        action="store_true",
        help=h(
            "list only the data's own notes (file, row, column, note); the table format lists them after the findings"
        ),
    )
    data_arg(a)

    v = sub.add_parser("validate", help=h("check a data directory and report every problem"))
    data_arg(v)

    r = sub.add_parser("report", help=h("run the report notebooks into HTML reports (papermill)"))
    r.add_argument(
        "--year", type=_year, metavar="FY", help=h("evaluation fiscal year (default: the latest year with actuals)")
    )
    r.add_argument(
        "--project", type=int, action="append", metavar="N", help=h("only project N (repeatable; skips the overview)")
    )
    r.add_argument(
        "--lang",
        choices=LANGS,
        action="append",
        help=h(
            "ja or en (repeatable; default: both); the language of messages when one is given (else $KPI_LANG or the "
            "locale)"
        ),
    )
    r.add_argument("--out", default="reports", metavar="DIR", help=h("output folder (default: reports)"))
    r.add_argument(
        "--jobs",
        type=int,
        default=min(2, os.cpu_count() or 1),
        metavar="N",
        help=h("notebooks run at once (default: 2, or 1 on a machine with one CPU)"),
    )
    r.add_argument("--no-progress", action="store_true", help=h("no progress bar"))
    r.add_argument(
        "--template",
        metavar="FILE",
        help=h("a project-report notebook of your own to run instead of kpi_lib's (named on the index page)"),
    )
    r.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help=h("seconds a notebook cell may run before the run stops with an error (default: 600)"),
    )
    r.add_argument(
        "--pdf",
        action="store_true",
        help=h("also print each report on A4 and the whole year into one PDF per language (needs kpi_lib[pdf])"),
    )
    data_arg(r)

    rn = sub.add_parser(
        "refresh-notebooks",
        help=h(
            "re-execute the committed notebooks (after a library or data change), with the versions pinned in constraints.txt"
        ),
    )
    rn.add_argument("--lang", choices=LANGS, help=h("language of what it prints (default: $KPI_LANG, else the locale)"))

    x = sub.add_parser(
        "export", help=h("write the tables as an Excel workbook, one sheet per project as the source prints them")
    )
    x.add_argument("--xlsx", required=True, metavar="FILE", help=h("workbook to write (.xlsx)"))
    x.add_argument(
        "--year",
        type=_year,
        metavar="FY",
        help=h(
            "evaluation fiscal year (default: the latest with actuals); a later year adds empty 実績値 columns to fill in"
        ),
    )
    x.add_argument(
        "--lang",
        choices=LANGS,
        help=h("language of the output (default: ja) and of messages (default: $KPI_LANG, else the locale)"),
    )
    data_arg(x)

    m = sub.add_parser(
        "import", help=h("read the 実績値 of an exported workbook back into the data tables (all or nothing)")
    )
    m.add_argument("file", metavar="FILE", help=h("workbook written by 'kpi export' (or the template of 'kpi new')"))
    m.add_argument(
        "--dry-run",
        action="store_true",
        help=h("check everything and list every change an import would make, writing nothing"),
    )
    m.add_argument(
        "--change-published",
        action="store_true",
        help=h("allow changing actuals that published rates or grades rest on (refused without it)"),
    )
    m.add_argument(
        "--lang",
        choices=LANGS,
        help=h("language of the output (default: ja) and of messages (default: $KPI_LANG, else the locale)"),
    )
    data_arg(m)

    u = sub.add_parser(
        "restore",
        help=h(
            "put back the tables as they were before the latest kpi import (or a kept state); undone by restoring again"
        ),
    )
    u.add_argument("state", nargs="?", metavar="STATE", help=h("a state kept (see --list; default: the latest)"))
    u.add_argument("--list", action="store_true", help=h("list the kept states, oldest first"))
    u.add_argument("--dry-run", action="store_true", help=h("list the changes a restore would make, writing nothing"))
    u.add_argument(
        "--lang",
        choices=LANGS,
        help=h("language of the output (default: ja) and of messages (default: $KPI_LANG, else the locale)"),
    )
    data_arg(u)

    n = sub.add_parser(
        "new",
        help=h("start a dataset: an empty, valid data folder and a workbook to fill in and 'kpi import'"),
        epilog=_examples_epilog(lang),
    )
    n.add_argument("dir", metavar="DIR", help=h("the data folder to create (new, or an empty folder)"))
    n.add_argument(
        "--scheme",
        required=True,
        metavar="NAME",
        help=h("grading scheme: a name in kpi_lib/dataset/schemes or a .toml file"),
    )
    n.add_argument("--title-ja", required=True, metavar="T", help=h("the strategy's title (metadata.json title_ja)"))
    n.add_argument(
        "--title-en",
        metavar="T",
        help=h("its English title (metadata.json title_en); without it, a Japanese-only dataset"),
    )
    n.add_argument("--first-year", type=_year, required=True, metavar="FY", help=h("first fiscal year of the period"))
    n.add_argument("--last-year", type=_year, required=True, metavar="FY", help=h("last fiscal year of the period"))
    n.add_argument(
        "--lang",
        choices=LANGS,
        help=h("the workbook's language (default: ja) and of messages (default: $KPI_LANG, else the locale)"),
    )
    n.add_argument("--projects", type=int, metavar="N", help=h("project sheets in the workbook"))
    n.add_argument("--rows", type=int, metavar="N", help=h("empty indicator rows per table of a project"))
    # the source's provenance (metadata.json source.*): the reports cite it as 出典
    n.add_argument("--source-title", metavar="T", help=h("the source document's title (source.title_ja)"))
    n.add_argument("--publisher", metavar="P", help=h("who published it (source.publisher_ja)"))
    n.add_argument("--source-url", metavar="URL", help=h("its address, http:// or https:// (source.url)"))
    n.add_argument("--source-date", metavar="DATE", help=h("its publication date, YYYY-MM-DD (source.date)"))
    # what the dataset calls its projects (metadata.json report.level_*): the sheets and reports say so
    n.add_argument(
        "--level-ja", metavar="W", help=h("what the strategy calls its projects: 基本目標, 施策 … (report.level_ja)")
    )
    n.add_argument(
        "--level-en", metavar="W", help=h("its English, as inside a sentence: basic goal … (report.level_en)")
    )

    ad = sub.add_parser(
        "add-indicators",
        help=h(
            "write a workbook to add indicators (and projects) to a dataset: fill in its empty rows and 'kpi import' it"
        ),
    )
    ad.add_argument("--xlsx", required=True, metavar="FILE", help=h("workbook to write (.xlsx; never overwritten)"))
    ad.add_argument("--rows", type=int, metavar="N", help=h("empty indicator rows per table of a project (default: 8)"))
    ad.add_argument(
        "--new-projects", type=int, metavar="N", help=h("empty sheets for new projects after the last one (default: 1)")
    )
    ad.add_argument(
        "--lang",
        choices=LANGS,
        help=h("the workbook's language (default: ja) and of messages (default: $KPI_LANG, else the locale)"),
    )
    data_arg(ad)
    return p


def _examples_epilog(lang: str) -> str:
    """The shipped datasets, to look at before starting one's own (`kpi new --help`)."""
    from kpi_lib.core import resources

    names = ", ".join(f"example:{name}" for name in resources.examples())
    return messages.translate(
        f"Shipped examples, used only when named: --data {names} (e.g. kpi grades --year 2018 --data "
        f"example:{resources.FIRST_EXAMPLE}).",
        lang,
    )


@functools.cache
def _parser(lang: str) -> argparse.ArgumentParser:
    """build_parser, built once per language in a process: a host that runs many commands in one
    process (the tests run hundreds) skips the few milliseconds of each build. Parsing leaves a
    parser as it was."""
    return build_parser(lang)


def main(argv: list[str] | None = None) -> int:
    skip_iri_checker()  # the command's own process: nbformat and Altair import jsonschema
    argv = sys.argv[1:] if argv is None else list(argv)
    lang = message_lang(argv)
    args = _parser(lang).parse_args(argv)
    args.message_lang = lang
    if getattr(args, "lang", "") is None and args.command != "report":  # the output's language
        args.lang = "ja"
    try:
        return COMMANDS[args.command](args)
    except KpiError as e:
        for line in messages.error_lines(e, lang):
            say_error(line, lang)
        return 1
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:  # Ctrl-C: what was running has been stopped and cleaned up
        print(f"kpi: {messages.translate('interrupted', lang)}", file=sys.stderr)
        # what the stopped run left to the collector (a notebook thread's event loop) is closed
        # as the process exits, and Python would print each failure as "Exception ignored in …"
        # after the line above: the process is ending, so say nothing more
        sys.unraisablehook = _ignore_unraisable
        return 130


def _ignore_unraisable(unraisable) -> None:
    pass


def say_error(message: str, lang: str) -> None:
    """One error line on stderr, `message` already in `lang`."""
    print(f"kpi: {messages.word('error', lang)}: {message}", file=sys.stderr)


def say(english: str, lang: str, file=None) -> None:
    """A line of the CLI's own (on stdout, or `file`), in `lang`."""
    print(messages.translate(english, lang), file=file)


def _load(args):
    from kpi_lib.dataset.loading import load_dataset

    dataset = load_dataset(args.data)
    lang = getattr(args, "message_lang", "en")
    for warning in dataset.warnings:  # read on, but said: an unknown metadata.json key …
        print(f"kpi: {messages.word('warning', lang)}: {messages.problem_text(warning, lang)}", file=sys.stderr)
    return dataset


def cmd_grades(args) -> int:
    from kpi_lib.analysis.grading import evaluate
    from kpi_lib.analysis.outlook import with_outlook
    from kpi_lib.core.formatting import name_notes
    from kpi_lib.dataset.loading import check_year
    from kpi_lib.presentation.tables import grade_table, grades_records

    dataset = _load(args)
    # a year of the strategy period: one with actuals, or a later one graded on the latest actuals
    year = check_year(dataset, args.year, to_period_end=True)
    results = evaluate(dataset, year, projects=args.project)
    if args.format == "table":
        print(render_text_table(grade_table(results, args.lang, dataset.scheme)))
        for note in name_notes(results["name_source"], args.lang):  # a marked name explained
            print(note)
    else:
        records = with_outlook(grades_records(results, args.lang, dataset.projects), dataset, year, args.lang)
        _write(records, args.format)
    return 0


def cmd_changes(args) -> int:
    from kpi_lib.analysis.changes import change_table, grade_changes, typed_changes
    from kpi_lib.core.formatting import name_notes

    dataset = _load(args)
    changes = grade_changes(dataset, args.from_year, args.to_year, projects=args.project)
    if args.format == "csv":
        _write(typed_changes(changes), "csv")  # as kpi_lib.changes() gives it
    elif changes.empty:
        print(
            text("changes.none", args.lang, dataset.scheme).format(
                from_year=short_label(args.from_year, args.lang), to_year=short_label(args.to_year, args.lang)
            )
        )
    else:
        print(render_text_table(change_table(changes, args.lang, dataset.scheme)))
        for note in name_notes(changes["name_source"], args.lang):
            print(note)
    return 0


def cmd_audit(args) -> int:
    from kpi_lib.analysis.audit import audit, data_notes

    dataset = _load(args)
    raw_notes = data_notes(dataset)
    notes = _localised_notes(raw_notes, args.lang)
    if args.notes:
        if args.format == "csv":
            _write(raw_notes, "csv")
        else:
            print(render_text_table(notes) if len(notes) else text("audit.no_notes", args.lang))
        return 0
    findings = audit(dataset, lang=args.lang)
    if args.format == "csv":
        _write(findings, "csv")
    elif findings.empty:
        print(text("audit.none", args.lang))
    else:
        shown = findings.rename(
            columns={
                "project": text("col.project", args.lang, dataset.scheme),
                "indicator": text("col.indicator_id", args.lang),
                "name_ja" if args.lang == "ja" else "name_en": text("col.name", args.lang),
                "year": text("col.year", args.lang),
                "figure": text("col.figure", args.lang),
                "published": text("col.published", args.lang),
                "recomputed": text("col.recomputed", args.lang),
                "arithmetic": text("col.arithmetic", args.lang),
            }
        )
        shown = shown.drop(columns=["name_en" if args.lang == "ja" else "name_ja"])
        shown[text("col.figure", args.lang)] = [
            text(f"figure.{f}", args.lang, dataset.scheme) for f in findings["figure"]
        ]
        print(render_text_table(shown))
    if args.format != "csv" and len(notes):
        print()
        print(text("audit.notes_heading", args.lang))
        print(render_text_table(notes))
    if findings.empty:
        return 0
    # like a linter: listed disagreements are a finding, exit status 1
    print(text("audit.disagreements", args.lang).format(n=len(findings)), file=sys.stderr)
    return 1


def _localised_notes(notes, lang: str):
    return notes.rename(columns={c: text(f"col.note_{c}", lang) for c in notes.columns})


def cmd_validate(args) -> int:
    from kpi_lib.dataset.loading import resolve_data_dir, validate

    lang = args.message_lang
    problems = validate(args.data)
    if not problems:
        _load(args)  # its warnings (an unknown metadata.json key …): valid, but said
    for problem in problems:
        say_error(messages.problem_text(problem, lang), lang)
    if problems:
        say(f"{len(problems)} problem(s) in {resolve_data_dir(args.data)}", lang, file=sys.stderr)
        return 1
    say(f"ok: {resolve_data_dir(args.data)} is valid", lang)
    return 0


# A spreadsheet opening a CSV runs a cell that starts with one of these as a formula
# (=HYPERLINK(…), @SUM(…), +/- …, and TAB or CR before them): such text gets a leading ' as
# typed text does, the rule kpi export applies to its cells (excel_cells.put_value).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def csv_safe(value):
    """A CSV cell that a spreadsheet shows as text: text starting like a formula gets a leading ';
    numbers (−1.5 included, also written as text) stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def _write(frame: pd.DataFrame, fmt: str) -> None:
    if fmt == "csv":
        safe = frame.map(csv_safe)
        sys.stdout.write(safe.to_csv(index=False, lineterminator="\n"))
    else:
        sys.stdout.write(json.dumps(frame.to_dict("records"), ensure_ascii=False, indent=1) + "\n")


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def render_text_table(frame: pd.DataFrame) -> str:
    """A plain aligned table; Japanese characters count as two columns."""
    cells = [[str(c) for c in frame.columns]] + [
        ["" if pd.isna(v) else str(v) for v in row] for row in frame.itertuples(index=False)
    ]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(cells[0]))]
    lines = ["  ".join(c + " " * (w - _width(c)) for c, w in zip(r, widths)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _quiet_papermill() -> None:
    """papermill (and nbclient through it) logs what our one-line errors already say, and the
    kernels a stopped run kills; with no logging set up, Python would print that on stderr."""
    logging.getLogger("papermill").addHandler(logging.NullHandler())
    # a cell stopped by --timeout leaves nbclient's output-polling task pending when its loop
    # closes, which asyncio reports as "Task was destroyed but it is pending!"
    logging.getLogger("asyncio").addHandler(logging.NullHandler())


def cmd_report(args) -> int:
    from kpi_lib.dataset.loading import check_project, check_year, english_missing
    from kpi_lib.publishing.report import run_reports

    _quiet_papermill()

    dataset = _load(args)
    year = dataset.latest_year if args.year is None else check_year(dataset, args.year)
    projects = [check_project(dataset, p) for p in args.project] if args.project else dataset.project_numbers
    if args.jobs < 1:
        raise KpiError("--jobs must be at least 1")
    if args.timeout is not None and not 0 < args.timeout < float("inf"):
        raise KpiError("--timeout must be a number of seconds above 0")
    template = _template(args.template)
    langs = args.lang or list(LANGS)
    missing = english_missing(dataset)
    if missing and "en" in langs:  # a Japanese-only dataset: no report half in Japanese under English headings
        said = text("report.no_english", args.message_lang).format(missing=", ".join(missing))
        if args.lang:  # asked for by name: refused, nothing written
            raise KpiError(said)
        langs = [lang for lang in langs if lang != "en"]
        print(f"kpi: {messages.word('warning', args.message_lang)}: {said}", file=sys.stderr)
    _warn_changed_notebooks(
        check_project_notebook=template is None and bool(projects),
        check_overview=not args.project,
        lang=args.message_lang,
    )
    folders = run_reports(
        year,
        langs,
        sorted(set(projects)),
        Path(args.out),
        jobs=args.jobs,
        data_dir=args.data,
        with_overview=not args.project,
        progress=not args.no_progress,
        template=template,
        pdf=args.pdf,
        **({} if args.timeout is None else {"timeout": args.timeout}),
    )
    for folder in folders:
        print(folder / "index.html")
    return 0


def _template(name: str | None) -> Path | None:
    if name is None:
        return None
    import nbformat

    from kpi_lib.core.errors import InputFileError
    from kpi_lib.publishing.report import read_template

    path = Path(name)
    try:
        nbformat.reads(read_template(path).decode("utf-8"), as_version=4)
    except InputFileError as e:  # missing, a pipe, a device, too large ...
        raise KpiError(f"--template {name}: not a readable notebook: {e}") from None
    except (UnicodeDecodeError, ValueError) as e:  # not a notebook (nbformat raises ValueErrors)
        raise KpiError(f"--template {name}: not a readable notebook ({e.__class__.__name__}: {e})") from None
    return path.resolve()


def _warn_changed_notebooks(check_project_notebook: bool, check_overview: bool, lang: str = "en") -> None:
    """One line per report notebook whose source is not what kpi_lib was built with: a change
    saved there (by accident, from JupyterLab) would otherwise reach the official reports."""
    from kpi_lib.publishing import report
    from kpi_lib.publishing.notebook_sources import MANIFEST, changed_notebooks

    names = [report.PROJECT_NOTEBOOK] * check_project_notebook + [report.OVERVIEW_NOTEBOOK] * check_overview
    for path in changed_notebooks(report.NOTEBOOK_DIR, names):
        said = messages.translate(
            f"report notebook {path} differs from the one kpi_lib was built with ({MANIFEST}): "
            "its changes go into these reports; for a variant of your own use --template FILE",
            lang,
        )
        print(f"kpi: {messages.word('warning', lang)}: {said}", file=sys.stderr)


def cmd_refresh_notebooks(args) -> int:
    from kpi_lib.publishing.report import refresh_notebooks

    _quiet_papermill()
    done = refresh_notebooks()
    for path, changed in done:
        print(text("refresh.changed" if changed else "refresh.unchanged", args.message_lang).format(path=path))
    print(text("refresh.summary", args.message_lang).format(changed=sum(c for _, c in done), total=len(done)))
    return 0


def cmd_export(args) -> int:
    from kpi_lib.workbook.excel_import import export_unless_edited

    # never replaces typed values that were not imported; kpi_lib.export_workbook calls the same
    print(export_unless_edited(_load(args), args.xlsx, year=args.year, lang=args.lang))
    return 0


def cmd_import(args) -> int:
    from kpi_lib.dataset.table_diff import change_counts, change_lines
    from kpi_lib.workbook.excel_import import apply_import, plan_import
    from kpi_lib.workbook.new_dataset import Created

    lang = args.lang
    plan = plan_import(args.file, args.data, lang)
    where = plan.root
    if not plan.files:
        print(text("import.no_changes", lang).format(folder=where))
        return 0
    created = isinstance(plan.result, Created) and not plan.result.added  # kpi new's template
    listing = change_lines(plan.changes, lang, plan.cells)
    if args.dry_run:
        print("\n".join(listing))
        print(text("import.would_update", lang).format(folder=where, counts=change_counts(plan.changes, lang)))
        if plan.published and not args.change_published:
            for problem in plan.published:
                say_error(messages.problem_text(problem, args.message_lang), args.message_lang)
            return 1
        if plan.published:
            print(text("import.published_changed", lang).format(cells=", ".join(p.file for p in plan.published)))
        print(text("import.dry_run", lang))
        return 0
    state = apply_import(plan, change_published=args.change_published)
    if created:  # a new dataset's every field is listed only when asked (--dry-run)
        from kpi_lib.dataset.loading import load_dataset

        r, scheme = plan.result, load_dataset(where).scheme  # its words: 基本目標, 達成率 …
        more = text("import.created_milestones", lang).format(n=r.milestones) if scheme.uses_milestones else ""
        if r.published_rates or r.published_grades:
            more += text("import.created_published", lang, scheme).format(
                rates=r.published_rates, grades=r.published_grades
            )
        print(
            text("import.created", lang, scheme).format(
                folder=where, projects=r.projects, indicators=r.indicators, actuals=r.actuals, more=more
            )
        )
    else:
        print("\n".join(listing))
        print(text("import.updated", lang).format(folder=where, counts=change_counts(plan.changes, lang)))
    print(text("import.kept", lang).format(id=state.id, folder=where))
    return 0


def cmd_restore(args) -> int:
    from kpi_lib.dataset import history
    from kpi_lib.dataset.loading import resolve_data_dir
    from kpi_lib.dataset.table_diff import change_lines

    lang = args.lang
    root = resolve_data_dir(args.data)
    if not root.is_dir():
        raise KpiError(f"data directory not found: {root}")
    if args.list:
        kept = history.states(root)
        if not kept:
            print(text("history.none", lang).format(folder=root / history.HISTORY_DIR))
        for state in kept:
            latest = f"  ({text('history.latest', lang)})" if state is kept[-1] else ""
            print(f"{state.id}  {state.describe(lang)}: {', '.join(state.files)}{latest}")
        return 0
    plan = history.plan_restore(root, args.state, lang)
    said = {"folder": root, "id": plan.state.id, "what": plan.state.describe(lang)}
    if not plan.files:
        print(text("history.same", lang).format(**said))
        return 0
    for line in change_lines(plan.changes, lang):
        print(line)
    if args.dry_run:
        print(text("history.would_restore", lang).format(**said))
        return 0
    kept = history.restore(root, plan, lang)
    print(text("history.restored", lang).format(**said, kept=kept.id))
    return 0


def cmd_new(args) -> int:
    from kpi_lib.workbook.new_dataset import new_dataset

    workbook = new_dataset(
        args.dir,
        args.scheme,
        args.title_ja,
        args.title_en,
        args.first_year,
        args.last_year,
        lang=args.lang,
        level=(args.level_ja, args.level_en),
        source={
            key: value
            for key, value in (
                ("title_ja", args.source_title),
                ("publisher_ja", args.publisher),
                ("url", args.source_url),
                ("date", args.source_date),
            )
            if value is not None
        },
        **{k: v for k, v in (("projects", args.projects), ("rows", args.rows)) if v is not None},
    )
    say(f"created {args.dir}: fill in {workbook}, then run kpi import {workbook} --data {args.dir}", args.message_lang)
    return 0


def cmd_add_indicators(args) -> int:
    from kpi_lib.dataset.loading import resolve_data_dir
    from kpi_lib.workbook.new_dataset import write_additions

    _load(args)  # its warnings, as every command that reads a dataset says them
    root = resolve_data_dir(args.data)
    path = write_additions(
        root,
        args.xlsx,
        lang=args.lang,
        **{k: v for k, v in (("rows", args.rows), ("new_projects", args.new_projects)) if v is not None},
    )
    say(f"wrote {path}: fill in its empty rows, then run kpi import {path} --data {root}", args.message_lang)
    return 0


COMMANDS = {
    "grades": cmd_grades,
    "changes": cmd_changes,
    "audit": cmd_audit,
    "validate": cmd_validate,
    "report": cmd_report,
    "refresh-notebooks": cmd_refresh_notebooks,
    "export": cmd_export,
    "import": cmd_import,
    "restore": cmd_restore,
    "new": cmd_new,
    "add-indicators": cmd_add_indicators,
}

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
