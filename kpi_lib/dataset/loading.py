"""Load a data directory into a validated Dataset, reporting every problem at once.

Harmless variants are accepted and normalised: a UTF-8 byte-order mark (Excel writes one),
full-width digits, 1,000 separators, surrounding spaces, any dash for —, era-form years.
Everything else that is wrong becomes a Problem naming file, line, column and what is wrong.
"""

from __future__ import annotations

import copy
import csv
import datetime
import difflib
import hashlib
import io
import json
import os
import re
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_lib.core import numbers, resources
from kpi_lib.core.errors import BilingualError, DataError, InputFileError, KpiError, Problem
from kpi_lib.core.files import MAX_TABLE_BYTES, MAX_TEXT_FILE_BYTES, read_input_file
from kpi_lib.core.fiscal_year import fiscal_year_label, parse_fiscal_year
from kpi_lib.core.frames import records
from kpi_lib.core.labels import text
from kpi_lib.dataset.schema import METADATA, METADATA_FILE, METADATA_KEYS, TABLES, Table
from kpi_lib.dataset.scheme import Scheme, load_scheme, scheme_path

# The shipped dataset (example:hokkaido): the default only inside kpi_lib's own checkout (resolve_data_dir)
DEFAULT_DATA_DIR = resources.DATA_DIR
DATA_ENV = "KPI_DATA"  # the environment variable naming an office's data folder once
EXAMPLE_PREFIX = "example:"  # --data example:NAME names a shipped dataset (resources.examples)


@dataclass(frozen=True, eq=False)
class Dataset:
    """One data directory as it was when loaded: its metadata, its grading scheme and its validated
    tables (tidy pandas DataFrames, one field per table of schema.TABLES; a test keeps them in step).
    Nothing is read from disk again: later changes to the files do not change it."""

    data_dir: Path
    metadata: dict
    scheme: Scheme  # the scheme metadata.json names, as it was parsed when loading
    pillars: pd.DataFrame = field(repr=False)
    aims: pd.DataFrame = field(repr=False)
    projects: pd.DataFrame = field(repr=False)
    indicators: pd.DataFrame = field(repr=False)
    project_indicators: pd.DataFrame = field(repr=False)
    actuals: pd.DataFrame = field(repr=False)
    benchmarks: pd.DataFrame = field(repr=False)
    revisions: pd.DataFrame = field(repr=False)
    milestones: pd.DataFrame = field(repr=False)
    published_rates: pd.DataFrame = field(repr=False)
    published_grades: pd.DataFrame = field(repr=False)
    analysis: pd.DataFrame = field(repr=False)
    measures: pd.DataFrame = field(repr=False)
    partnership_areas: pd.DataFrame = field(repr=False)
    partnership_counts: pd.DataFrame = field(repr=False)
    digest: str = ""  # of the files it was read from (see data_digest): reports show it
    # what was read but not used (an unknown metadata.json key, with the known key it is nearest to)
    warnings: tuple[Problem, ...] = ()

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by its name in schema.TABLES."""
        return {name: getattr(self, name) for name in TABLES}

    @property
    def scheme_name(self) -> str:
        return self.metadata["scheme"]

    @property
    def project_numbers(self) -> list[int]:
        return sorted(int(p) for p in self.projects["project"])

    @property
    def years(self) -> list[int]:
        """Years that have at least one actual value."""
        a = self.actuals
        return sorted(int(y) for y in a.loc[a["actual_state"] == numbers.VALUE, "year"].unique())

    @property
    def latest_year(self) -> int:
        """The most recent year with any actual value: the default evaluation year."""
        check_gradable(self)
        if not self.years:
            raise KpiError(
                f"{self.data_dir} has no actual value yet: nothing to evaluate (add actuals with kpi import, "
                "or give an evaluation year of the strategy period)"
            )
        return self.years[-1]


# the tables whose rows belong to a year: what a report for an earlier year cannot have known
YEARLY_TABLES = ("actuals", "benchmarks", "milestones", "published_rates", "published_grades")


def as_known_in(dataset: Dataset, year: int) -> Dataset:
    """The dataset as it stood for fiscal year `year`: actuals, national values, milestones and
    published figures of later years dropped, and a revised target dropped where revisions.csv
    says it was set after `year` (one whose revision year is not recorded is kept: nothing says
    it came later). Everything a report for `year` shows is made from this, so the report is the
    same whether or not the data holds later years. The digest stays that of the files read."""
    year = int(year)
    tables = {name: _rows_up_to(getattr(dataset, name), year) for name in YEARLY_TABLES}
    later = dataset.revisions[dataset.revisions["revised_in"] > year]
    indicators = dataset.indicators
    if len(later):
        indicators = indicators.copy()
        unknown = indicators["indicator"].isin(later["indicator"])
        for column in ("revised_target", "revised_target_decimals", "revised_target_year"):
            indicators[column] = indicators[column].mask(unknown)
        # a rate published for an indicator whose target was revised after `year` was published
        # after the revision (the source computes every year's rate on the target in force when it
        # printed them: 41.6% for H27 is 208 ÷ 500): it was not known for `year`
        rates = tables["published_rates"]
        tables["published_rates"] = rates[~rates["indicator"].isin(later["indicator"])].reset_index(drop=True)
    revisions = dataset.revisions[dataset.revisions["revised_in"] <= year].reset_index(drop=True)
    return replace(dataset, indicators=indicators, revisions=revisions, **tables)


def _rows_up_to(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    if frame.empty or (frame["year"] <= year).all():
        return frame
    return frame[frame["year"] <= year].reset_index(drop=True)


def check_gradable(dataset: Dataset) -> None:
    """A one-line KpiError for a dataset with no indicators yet (as `kpi new` writes it)."""
    if dataset.indicators.empty:
        raise KpiError(
            f"{dataset.data_dir} has no indicators yet: nothing to grade (fill in the workbook that "
            "kpi new wrote and read it in with kpi import)"
        )


def check_year(dataset: Dataset, year, to_period_end: bool = False) -> int:
    """An evaluation year given by a user (any form parse_fiscal_year reads) as a number: one the
    data has actuals for, or with `to_period_end` also a later year of the strategy period
    (metadata.json's period; any later year when it names no end), for actuals still to come."""
    fy = parse_fiscal_year(year)
    check_gradable(dataset)
    if dataset.years or not to_period_end:
        first, latest = dataset.years[0] if dataset.years else None, dataset.latest_year  # raises: no actual yet
    else:  # indicators without actuals yet (a new strategy): any year of its period, "not yet evaluated"
        first = latest = dataset.metadata["period"]["first"]
    end = dataset.metadata.get("period", {}).get("last") if to_period_end else latest
    if fy < first or (end is not None and fy > max(end, latest)):
        period = f" and the strategy period runs to FY{end}" if to_period_end and end is not None else ""
        raise KpiError(
            f"no evaluation for {fiscal_year_label(fy, 'en')}: the data has actuals for FY{first}-FY{latest}{period}"
        )
    return fy


def check_project(dataset: Dataset, project) -> int:
    """A project number given by a user, as a number the data has."""
    projects = dataset.project_numbers
    try:
        number = int(project)
    except (TypeError, ValueError):
        number = None
    if number not in projects:
        raise KpiError(f"unknown project {project}: the data has projects {', '.join(map(str, projects))}")
    return number


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []  # not refused: e.g. an unknown metadata.json key, ignored

    def warn(self, file: str, line: int | None, column: str | None, message: str) -> None:
        self.warnings.append(Problem(file, line, column, message))

    def add(self, file: str, line: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(file, line, column, message))


def resolve_data_dir(data_dir: str | Path | None = None) -> Path:
    """The data folder a command or an API call works on (docs/input.md, "Which data folder"):

    1. `data_dir` (`--data DIR`, the API's `data_dir=`), when given;
    2. else the environment variable KPI_DATA, when set;
    3. else the current folder, or the nearest folder above it, that holds a metadata.json (as git
       finds its repository: a command run in a subfolder of a dataset uses that dataset);
    4. else, inside kpi_lib's own checkout (resources.CHECKOUT_DIR: the README's commands, the
       notebooks' kernels), the shipped dataset data/;
    5. else a one-line KpiError saying how to start a dataset or name one.

    `example:NAME` (in 1 or 2) names a shipped dataset: example:hokkaido is data/, the others
    are the folders of examples/. An installed kpi_lib never falls back to a shipped dataset.
    """
    if data_dir is not None and str(data_dir) != "":
        return _named_data_dir(data_dir)
    if os.environ.get(DATA_ENV):
        named = _named_data_dir(os.environ[DATA_ENV])
        if not named.is_dir():  # set once, perhaps long ago: say where the path came from
            raise KpiError(_both("data.env_missing", folder=named))
        return named
    try:
        here = Path.cwd()
    except OSError:  # the current folder was deleted
        here = None
    for folder in [here, *here.parents] if here is not None else []:
        if (folder / METADATA_FILE).exists() or (folder / METADATA_FILE).is_symlink():
            return folder
    checkout = resources.CHECKOUT_DIR
    if here is not None and checkout is not None and here.is_relative_to(checkout):
        return DEFAULT_DATA_DIR
    raise _both("data.none_found", folder=here if here is not None else ".")


def _named_data_dir(data_dir: str | Path) -> Path:
    """A data folder's path, or a shipped dataset named example:NAME."""
    if isinstance(data_dir, str) and data_dir.startswith(EXAMPLE_PREFIX):
        shipped = resources.examples()
        name = data_dir[len(EXAMPLE_PREFIX) :]
        if name not in shipped:
            names = ", ".join(EXAMPLE_PREFIX + n for n in shipped)
            raise _both("data.unknown_example", name=data_dir, names=names)
        return shipped[name]
    return Path(data_dir)


def _both(key: str, **values) -> BilingualError:
    """An error in Japanese and English: the API says both in one line, a command its language."""
    return BilingualError(*(text(key, lang).format(**values) for lang in ("ja", "en")))


def validate(data_dir: str | Path | None = None) -> list[Problem]:
    """Every problem in a data directory (an empty list when it is valid)."""
    try:
        load_dataset(data_dir)
    except DataError as e:
        return e.problems
    return []


def load_dataset(data_dir: str | Path | None = None) -> Dataset:
    """Read and validate a data directory; raise DataError listing every problem."""
    root = resolve_data_dir(data_dir)
    if not root.is_dir():
        # a relative path is taken from the current folder, which in a notebook is the notebook's
        # (notebooks/workspace/), not the repository's: say where it was looked for
        where = "" if root.is_absolute() else f" (looked for in {Path.cwd()}; a shipped example is named example:NAME)"
        raise KpiError(f"data directory not found: {root}{where}")
    key, size = _content_key(root)
    if key is None or size > _KEPT_MAX_BYTES:  # a file _load will name as unreadable, or too big to keep
        return _load(root)
    with _LOADED_LOCK:
        kept = _LOADED.get(key)
        if kept is not None:
            _LOADED.move_to_end(key)
    if kept is None:
        kept = _load(root)  # a dataset with problems raises: only valid ones are kept
        # and only when no file changed while it was read (another process writing the folder)
        if _content_key(root)[0] == key:
            with _LOADED_LOCK:
                _LOADED[key] = kept
                while len(_LOADED) > _LOADED_MAX:
                    _LOADED.popitem(last=False)
    return _own_copy(kept, root)


# Datasets already validated, by the bytes they were read from (_content_key): opening the same
# data again (a notebook cell run twice, an import that compares with what it reads, the tests)
# skips parsing and validation, most of a load's time. A valid dataset's tables depend on nothing
# but those bytes; each caller gets its own copy (_own_copy). The last few only, in this process,
# and none read from more than _KEPT_MAX_BYTES.
_LOADED: OrderedDict[str, Dataset] = OrderedDict()
_LOADED_MAX = 4
_KEPT_MAX_BYTES = 16 * 1024 * 1024
_LOADED_LOCK = threading.Lock()


def _content_key(root: Path) -> tuple[str | None, int]:
    """A SHA-256 over every file a load reads, each as its name and its bytes: the data files
    (data_files) and the scheme metadata.json names, found as the loader finds it
    (scheme.scheme_path: a shipped one too); and their total size. (None, 0) when one cannot be
    read or found."""
    h = hashlib.sha256()
    size = 0

    def add(label: str, path: Path) -> bytes:
        nonlocal size
        data = read_data_file(path)
        size += len(data)
        h.update(f"{label}\0{len(data)}\0".encode())
        h.update(data)
        return data

    try:
        read = {name: add(name, path) for name, path in sorted(data_files(root).items())}
        meta = json.loads(read[METADATA_FILE].decode("utf-8-sig"))
        if isinstance(meta, dict) and "scheme" in meta:
            add("\0scheme", scheme_path(str(meta["scheme"]), base=root))
    except (InputFileError, OSError, ValueError, KeyError, KpiError):
        return None, 0
    return h.hexdigest(), size


def _own_copy(dataset: Dataset, root: Path) -> Dataset:
    """The dataset as read from `root`, with tables and metadata of its own (a caller that changes
    them changes no other caller's)."""
    tables = {name: getattr(dataset, name).copy() for name in TABLES}
    return replace(dataset, data_dir=root, metadata=copy.deepcopy(dataset.metadata), **tables)


def _load(root: Path) -> Dataset:
    out = _Collector()
    metadata = _read_metadata(root, out)
    scheme = _read_scheme(root, metadata, out)  # parsed once: the Dataset keeps it
    if scheme is not None:  # the dataset's own word for its levels joins the scheme's words
        scheme = with_level_words(scheme, metadata)
    raw: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for table in TABLES.values():
        rows = _read_table(root, table, out)
        if rows is not None:
            raw[table.name] = rows
    frames = {name: _parse_table(TABLES[name], rows, out) for name, rows in raw.items()}
    for name, table in TABLES.items():
        if name not in frames:
            frames[name] = _empty_frame(table)
    # Cross-table checks need the tables others refer to; rows that already have a problem are
    # not checked again, so one mistake gives one message while independent mistakes are all reported.
    if all(name in raw for name in ("projects", "indicators", "project_indicators")):
        flagged = {(p.file, p.line) for p in out.problems}
        _check_references(frames, out)
        _check_indicator_rules(frames, metadata, out, flagged, scheme)
        _check_scheme_rules(frames, scheme, out, flagged, milestones_file="milestones" in raw)
        _check_precision(frames, out, flagged)
        if scheme is not None:
            _normalise_grades(frames["published_grades"], scheme)
            _check_published_grades(frames["published_grades"], scheme, metadata, out, flagged)
    if out.problems:
        raise DataError(out.problems)
    _apply_precision(frames)
    # a year basis the data does not state is not stated (older files leave the column out)
    frames["indicators"]["year_basis"] = frames["indicators"]["year_basis"].fillna("not_stated")
    for frame in frames.values():
        del frame["_line"]  # the frames are this load's own: no copy without it
    return Dataset(root, metadata, scheme, **frames, digest=data_digest(root), warnings=tuple(out.warnings))


def english_missing(dataset: Dataset) -> list[str]:
    """Where a dataset has a Japanese text without its English (metadata.json title_en, projects'
    names and catch lines, indicators' names and units): "projects.csv name_en (2)", …; empty for a
    dataset with all its English. A Japanese-only dataset is valid; its English report is refused
    (cli.cmd_report) rather than shown half in Japanese."""

    def count(frame, ja, en) -> int:
        if frame.empty or ja not in frame or en not in frame:
            return 0
        has_ja = frame[ja].fillna("").astype(str).str.strip() != ""
        no_en = frame[en].fillna("").astype(str).str.strip() == ""
        return int((has_ja & no_en).sum())

    missing = [] if dataset.metadata.get("title_en") else ["metadata.json title_en"]
    for frame, file, pairs in (
        (dataset.projects, "projects.csv", (("name_ja", "name_en"), ("catch_ja", "catch_en"))),
        (dataset.indicators, "indicators.csv", (("name_ja", "name_en"), ("unit_ja", "unit_en"))),
    ):
        for ja, en in pairs:
            n = count(frame, ja, en)
            if n:
                missing.append(f"{file} {en} ({n})")
    return missing


def with_level_words(scheme: Scheme, metadata: dict) -> Scheme:
    """The scheme with metadata.json's report.level_ja / level_en among its words (labels.text)."""
    report = metadata.get("report") if isinstance(metadata.get("report"), dict) else {}
    level = tuple((f"level_{lang}", report[f"level_{lang}"]) for lang in ("ja", "en") if report.get(f"level_{lang}"))
    return replace(scheme, words=tuple(w for w in scheme.words if not w[0].startswith("level_")) + level)


def data_files(root: Path) -> dict[str, Path]:
    """The files a data directory's dataset is read from, by their name inside it: metadata.json,
    the tables present and a scheme file that metadata.json names (one outside the directory is
    named by its file name)."""
    root = Path(root)
    names = [METADATA_FILE, *(t.file for t in TABLES.values())]
    files = {name: root / name for name in names if (root / name).exists() or (root / name).is_symlink()}
    try:
        scheme = json.loads(read_data_file(root / METADATA_FILE).decode("utf-8-sig")).get("scheme")
    except (InputFileError, ValueError, AttributeError):
        scheme = None
    if isinstance(scheme, str) and Path(scheme).suffix == ".toml":  # a file, as scheme.scheme_path reads it
        path = Path(scheme) if Path(scheme).is_absolute() else root / scheme
        inside = not Path(scheme).is_absolute() and ".." not in Path(scheme).parts
        files[Path(scheme).as_posix() if inside else path.name] = path
    return files


def copy_data_files(root: Path, target: Path) -> None:
    """Copy what a data folder's dataset is read from (data_files) into the new folder `target`,
    and nothing else: each file read as read_data_file reads it, so a pipe, a device, a socket or a
    link to one in the folder is never opened, and other files there are never read. A scheme
    outside the folder (`../shared.toml`) is copied beside the rest and the copy's metadata.json
    names it there."""
    target.mkdir(parents=True)
    files = data_files(root)
    for name, path in files.items():
        try:
            data = read_data_file(path)
        except InputFileError as e:
            raise KpiError(f"{path}: {e}") from None
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes(data)
    scheme = next((name for name in files if name.endswith(".toml")), None)
    meta_path = target / METADATA_FILE
    if scheme is not None:
        meta = json.loads(meta_path.read_bytes().decode("utf-8-sig"))
        if meta.get("scheme") != scheme:
            meta_path.write_text(json.dumps({**meta, "scheme": scheme}, ensure_ascii=False, indent=1), encoding="utf-8")


def data_digest(root: Path) -> str:
    """What a report says it was made from: the first 12 hex digits of a SHA-256 over the data
    files (data_files), sorted by name, each as its name and its bytes."""
    h = hashlib.sha256()
    for name, path in sorted(data_files(root).items()):
        data = read_data_file(path)
        h.update(f"{name}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()[:12]


def read_data_file(path: Path) -> bytes:
    """A data folder's file (a regular file, within its limit: MAX_TABLE_BYTES for a table,
    MAX_TEXT_FILE_BYTES for metadata.json and a scheme); InputFileError otherwise."""
    return read_input_file(path, MAX_TABLE_BYTES if Path(path).suffix == ".csv" else MAX_TEXT_FILE_BYTES)


def _read_metadata(root: Path, out: _Collector) -> dict:
    try:
        data = read_data_file(root / METADATA_FILE)
    except InputFileError as e:
        out.add(METADATA_FILE, None, None, str(e))
        return {}
    if _is_utf16(data):
        out.add(METADATA_FILE, None, None, "the file is UTF-16: save it as UTF-8")
        return {}
    try:
        meta = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        out.add(METADATA_FILE, None, None, f"not valid UTF-8 ({e.reason} at byte {e.start})")
        return {}
    except json.JSONDecodeError as e:
        out.add(METADATA_FILE, e.lineno, None, f"not valid JSON ({e.msg}, column {e.colno})")
        return {}
    if not isinstance(meta, dict):
        out.add(METADATA_FILE, 1, None, "must be a JSON object")
        return {}
    for key in METADATA_KEYS:
        if key not in meta:
            out.add(METADATA_FILE, None, key, "key is missing")
    meta = _check_metadata_types(meta, out)
    period = meta.get("period", {})
    years = [period.get(k) for k in ("first", "last")] if isinstance(period, dict) else []
    if not (len(years) == 2 and all(isinstance(y, int) and not isinstance(y, bool) for y in years)):
        out.add(METADATA_FILE, None, "period", 'must be {"first": YEAR, "last": YEAR}')
        meta = {k: v for k, v in meta.items() if k != "period"}  # so later checks do not use it
    elif years[0] > years[1]:
        out.add(METADATA_FILE, None, "period", f"the period ends ({years[1]}) before it starts ({years[0]})")
        meta = {k: v for k, v in meta.items() if k != "period"}
    front = meta.get("front_matter")
    if isinstance(front, dict) and "viewpoints_ja" in front and "viewpoints_en" in front:
        ja, en = front["viewpoints_ja"], front["viewpoints_en"]
        if len(ja) != len(en):  # each translation beside its item
            out.add(
                METADATA_FILE,
                None,
                "front_matter.viewpoints_en",
                f"has {len(en)} items, front_matter.viewpoints_ja has {len(ja)}: one translation per item",
            )
            meta = meta | {"front_matter": {k: v for k, v in front.items() if k != "viewpoints_en"}}
    return meta


def _metadata_type_ok(value, kind: str) -> bool:
    if kind == "text":
        return isinstance(value, str) and bool(value.strip())
    if kind == "url":  # only a web address becomes a link: never javascript:, file: or data:
        return isinstance(value, str) and re.fullmatch(r"https?://[^\s<>\"]+", value.strip(), re.IGNORECASE) is not None
    if kind == "date":
        return isinstance(value, str) and _is_date(value.strip())
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "text list":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, dict)


def _is_date(value: str) -> bool:
    """YYYY-MM-DD, YYYY-MM or YYYY, a real date."""
    parts = value.split("-")
    if not 1 <= len(parts) <= 3 or not all(p.isascii() and p.isdigit() for p in parts):
        return False
    if len(parts[0]) != 4 or any(len(p) != 2 for p in parts[1:]):
        return False
    try:
        datetime.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


_METADATA_TYPE_WORDS = {
    "url": "a web address starting with http:// or https://",
    "date": "a date written YYYY-MM-DD, YYYY-MM or YYYY",
    "text": "text (a non-empty string)",
    "int": "a whole number",
    "text list": "a list of strings",
    "object": "a JSON object",
}


# metadata.json's texts that may hold line breaks and tabs, as the tables' notes may
_METADATA_LONG_TEXTS = ("source.note", "source.extraction_notes")


def _check_metadata_types(meta: dict, out: _Collector) -> dict:
    """Every key of metadata.json against schema.METADATA: unknown keys and wrong types are one
    problem each, naming the key; the keys that fail are dropped so nothing later uses them."""
    spec = {k.key: k for k in METADATA}
    bad: set[str] = set()

    def walk(table: dict, prefix: str) -> None:
        for key, value in table.items():
            dotted = f"{prefix}{key}"
            if dotted not in spec:  # a note of the office's own, or a misspelling: read on, and say so
                known = [k for k in spec if k.count(".") == dotted.count(".") and k.startswith(prefix)]
                near = difflib.get_close_matches(dotted, known, n=1)
                hint = f"did you mean '{near[0]}'?" if near else f"known: {', '.join(known)};"
                out.warn(
                    METADATA_FILE, None, None, f"key '{dotted}' is unknown and is ignored ({hint} see data/README.md)"
                )
                bad.add(dotted)
            elif not _metadata_type_ok(value, spec[dotted].type):
                words = _METADATA_TYPE_WORDS[spec[dotted].type]
                out.add(
                    METADATA_FILE,
                    None,
                    None,
                    f"key '{dotted}' must be {words}, not {json.dumps(value, ensure_ascii=False)}",
                )
                bad.add(dotted)
            elif spec[dotted].type in ("text", "text list"):
                # the tables' rule at the door: no control character (the notes may break lines)
                texts = [value] if isinstance(value, str) else value
                long_text = dotted in _METADATA_LONG_TEXTS
                problem = next(filter(None, (_invisible(t, long_text) for t in texts)), None)
                if problem:
                    out.add(METADATA_FILE, None, None, f"key '{dotted}': {problem}")
                    bad.add(dotted)
            elif spec[dotted].type == "object" and dotted != "period":  # period: one message below
                walk(value, f"{dotted}.")
                for k in spec.values():
                    if k.required and k.key.startswith(f"{dotted}.") and k.key[len(dotted) + 1 :] not in value:
                        out.add(METADATA_FILE, None, k.key, "key is missing")

    walk(meta, "")
    clean = {k: v for k, v in meta.items() if k not in bad}
    for key in ("source", "report", "front_matter"):
        if isinstance(clean.get(key), dict):
            clean[key] = {k: v for k, v in clean[key].items() if f"{key}.{k}" not in bad}
    return clean


def _read_table(root: Path, table: Table, out: _Collector) -> list[tuple[int, dict[str, str]]] | None:
    path = root / table.file
    if not path.exists() and not path.is_symlink():
        if table.required:
            out.add(table.file, None, None, "file is missing")
        return None
    try:
        data = read_data_file(path)
    except InputFileError as e:
        out.add(table.file, None, None, str(e))
        return None
    if _is_utf16(data):
        out.add(table.file, None, None, "the file is UTF-16: save it as UTF-8 (CSV UTF-8 in Excel)")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        hint = ""
        try:
            data.decode("cp932")
            hint = " (it looks like Shift_JIS: save it as UTF-8)"
        except UnicodeDecodeError:
            pass
        out.add(table.file, line, None, f"not valid UTF-8{hint}")
        return None
    text = text.replace("\r\n", "\n")  # CRLF files (Excel, git autocrlf) read as LF, in quoted cells too
    if "\ufeff" in text:
        out.add(table.file, text[: text.index("\ufeff")].count("\n") + 1, None, "stray byte-order mark inside the file")
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        out.add(table.file, 1, None, "file is empty (expected a header row)")
        return None
    except csv.Error as e:
        out.add(table.file, 1, None, f"malformed CSV ({e})")
        return None
    header = [h.strip() for h in header]
    ok = True
    for name in (c.name for c in table.columns if c.in_every_file):
        if name not in header:
            out.add(table.file, 1, name, "column is missing from the header")
            ok = False
    for name in header:
        if name not in table.column_names:
            out.add(table.file, 1, name or "(empty)", f"unknown column (expected: {', '.join(table.column_names)})")
            ok = False
    if len(set(header)) != len(header):
        out.add(table.file, 1, None, "duplicate column names in the header")
        ok = False
    if not ok:
        return None
    rows = []
    while True:
        line = reader.line_num + 1  # a quoted cell can span lines: report the line the row starts on
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            hint = ": a quoted cell is never closed" if "end of data" in str(e) else ""
            out.add(table.file, line, None, f"malformed CSV ({e}){hint}")
            return None
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            out.add(table.file, line, None, f"has {len(record)} fields, the header has {len(header)}")
            continue
        rows.append((line, {h: cell.strip() for h, cell in zip(header, record)}))
    return rows


def _is_utf16(data: bytes) -> bool:
    """A UTF-16 byte-order mark, or the NUL bytes that UTF-16 puts beside every ASCII character."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    head = data[:200]
    return len(head) >= 4 and (head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4)


def _parse_table(table: Table, rows: list[tuple[int, dict[str, str]]], out: _Collector) -> pd.DataFrame:
    records = []
    seen: dict[tuple, int] = {}
    for line, row in rows:
        rec: dict[str, object] = {"_line": line}
        for col in table.columns:
            raw = row.get(col.name, "")  # a column that may be left out of the header is empty
            if raw == "":
                if col.required:
                    out.add(table.file, line, col.name, "value is missing")
                rec[col.name] = None
                if col.type == "cell":
                    rec[f"{col.name}_state"] = numbers.BLANK
                continue
            try:
                _refuse_invisible(col, raw)
                _parse_value(col, raw, rec)
            except KpiError as e:
                out.add(table.file, line, col.name, str(e))
                rec[col.name] = None
        key = tuple(rec.get(k) for k in table.key)
        if None not in key:
            if key in seen:
                keytext = ", ".join(f"{k}={v}" for k, v in zip(table.key, key))
                out.add(
                    table.file, line, ", ".join(table.key), f"duplicate row for {keytext} (first at line {seen[key]})"
                )
            else:
                seen[key] = line
        records.append(rec)
    df = pd.DataFrame.from_records(records, columns=["_line", *_frame_columns(table)])
    return df


# C0 and C1 control characters and DEL: a terminal acts on them (ESC starts an escape sequence,
# BEL rings), a workbook cannot hold them. Long texts keep their line breaks and tabs.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_LONG_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# invisible characters that make two grades that look the same differ (A③ and A③ + U+200B)
_ZERO_WIDTH = re.compile(r"[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069]")


def _is_long_text(name: str) -> bool:
    return name.startswith(("text_", "description_")) or name == "note" or name.endswith("_note")


def _refuse_invisible(col, raw: str) -> None:
    """One rule for every cell of every table, at the door: no control character (long texts may
    hold line breaks and tabs), and no zero-width or direction mark in a grade."""
    problem = _invisible(raw, long_text=_is_long_text(col.name), grade=col.name == "grade")
    if problem:
        raise KpiError(problem)


def _invisible(raw: str, long_text: bool, grade: bool = False) -> str | None:
    """What is wrong with a text a terminal or a workbook would act on or hide; None when nothing."""
    found = (_CONTROL_IN_LONG_TEXT if long_text else _CONTROL).search(raw)
    if found is None and grade:
        found = _ZERO_WIDTH.search(raw)
    if found is None:
        return None
    c = found.group()
    what = f"control character U+{ord(c):04X}" if _CONTROL.match(c) else numbers.describe_char(c)
    return f"{what} in {raw!r}: a terminal or a workbook would act on it or hide it (remove it)"


def _parse_value(col, raw: str, rec: dict) -> None:
    if col.type == "text":
        rec[col.name] = raw
    elif col.type == "enum":
        if raw not in col.choices:
            raise KpiError(f"{raw!r} is not one of {', '.join(col.choices)}")
        rec[col.name] = raw
    elif col.type == "int":
        cell = numbers.parse_cell(raw, allow_states=False)
        if cell.value is None or cell.decimals or cell.value != int(cell.value):
            raise KpiError(f"not a whole number: {raw!r}")
        rec[col.name] = int(cell.value)
    elif col.type == "year":
        numbers.refuse_digit_lookalikes(raw)  # NFKC in parse_fiscal_year would read 201⁸ as 2018
        rec[col.name] = parse_fiscal_year(raw)
    elif col.type == "number":
        cell = numbers.parse_cell(raw, allow_states=False)
        rec[col.name] = cell.value
        rec[f"{col.name}_decimals"] = cell.decimals
    elif col.type == "cell":
        cell = numbers.parse_cell(raw)
        rec[col.name] = cell.value
        rec[f"{col.name}_state"] = cell.state
        rec[f"{col.name}_decimals"] = cell.decimals
    else:  # pragma: no cover - schema.py only uses the types above
        raise AssertionError(col.type)


def _frame_columns(table: Table) -> list[str]:
    cols: list[str] = []
    for col in table.columns:
        cols.append(col.name)
        if col.type == "cell":
            cols += [f"{col.name}_state", f"{col.name}_decimals"]
        elif col.type == "number":
            cols.append(f"{col.name}_decimals")
    return cols


def _empty_frame(table: Table) -> pd.DataFrame:
    return pd.DataFrame(columns=["_line", *_frame_columns(table)])


def _show(value):
    """A whole number as written: an int column holding a missing value comes back as floats."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _check_references(f: dict[str, pd.DataFrame], out: _Collector) -> None:
    projects = set(f["projects"]["project"])
    indicators = set(f["indicators"]["indicator"])
    pillars = set(f["pillars"]["pillar"])
    memberships = set(zip(f["project_indicators"]["project"], f["project_indicators"]["indicator"]))

    def check(table: str, column: str, allowed: set, what: str) -> None:
        df = f[table]
        for line, value in zip(df["_line"], df[column]):
            if value is not None and not pd.isna(value) and value not in allowed:
                out.add(TABLES[table].file, int(line), column, f"unknown {what} {_show(value)!r}")

    if len(pillars):
        check("projects", "pillar", pillars, "pillar")
    check("project_indicators", "project", projects, "project")
    check("project_indicators", "indicator", indicators, "indicator")
    for table in ("actuals", "benchmarks", "revisions", "milestones", "published_rates", "published_grades"):
        check(table, "indicator", indicators, "indicator")
    revised = set(f["indicators"].loc[f["indicators"]["revised_target"].notna(), "indicator"])
    for line, i in zip(f["revisions"]["_line"], f["revisions"]["indicator"]):
        if i in indicators and i not in revised:
            out.add("revisions.csv", int(line), "indicator", f"indicator {i!r} has no revised_target in indicators.csv")
    for table in ("published_rates", "published_grades", "analysis", "measures"):
        check(table, "project", projects, "project")
    for table in ("published_rates", "published_grades"):
        df = f[table]
        for line, p, i in zip(df["_line"], df["project"], df["indicator"]):
            if p in projects and i in indicators and (p, i) not in memberships:
                out.add(
                    TABLES[table].file,
                    int(line),
                    "indicator",
                    f"indicator {i!r} is not listed for project {_show(p)} in project_indicators.csv",
                )
    pi = f["project_indicators"]
    seen: dict[tuple, int] = {}
    for line, p, k, pos in zip(pi["_line"], pi["project"], pi["kind"], pi["position"]):
        if (p, k, pos) in seen:
            out.add(
                "project_indicators.csv",
                int(line),
                "position",
                f"position {_show(pos)} of project {_show(p)} {k} is already used at line {seen[(p, k, pos)]}",
            )
        seen[(p, k, pos)] = int(line)
    listed = set(pi["indicator"])
    for line, ind in zip(f["indicators"]["_line"], f["indicators"]["indicator"]):
        if ind not in listed:
            out.add(
                "indicators.csv",
                int(line),
                "indicator",
                f"indicator {ind!r} belongs to no project (add it to project_indicators.csv)",
            )


_FIGURES = ("baseline", "target", "revised_target")


def _printed_decimals(f: dict[str, pd.DataFrame]) -> dict[str, int]:
    """indicator -> the most decimals its baseline, targets and actuals are written with."""
    printed: dict[str, int] = {}

    def see(indicators, present, decimals) -> None:
        for i, here, d in zip(indicators, present, decimals):
            if here:
                printed[i] = max(printed.get(i, 0), int(d))

    ind = f["indicators"]
    for c in _FIGURES:
        see(ind["indicator"], ind[c].notna(), ind[f"{c}_decimals"])
    a = f["actuals"]
    see(a["indicator"], a["actual_state"] == numbers.VALUE, a["actual_decimals"])
    return printed


def _check_precision(f: dict[str, pd.DataFrame], out: _Collector, flagged) -> None:
    """A declared display precision holds every figure of the indicator as written: 0-10 digits,
    and no baseline, target or actual written with more (1.11 under decimals = 1 would be shown
    with a precision the data says it does not have)."""
    ind = f["indicators"]
    if "decimals" not in ind:
        return
    printed = _printed_decimals(f)
    for line, i, d in zip(ind["_line"], ind["indicator"], ind["decimals"]):
        if d is None or pd.isna(d) or ("indicators.csv", int(line)) in flagged:
            continue
        if not 0 <= int(d) <= numbers.MAX_DECIMALS:
            out.add("indicators.csv", int(line), "decimals", f"must be 0-{numbers.MAX_DECIMALS}, not {int(d)}")
        elif printed.get(i, 0) > int(d):
            out.add(
                "indicators.csv",
                int(line),
                "decimals",
                f"{int(d)} decimals, but a figure of {i!r} is written with {printed[i]} "
                "(baseline, target or actuals.csv): declare the precision the figures are measured to",
            )


def _apply_precision(f: dict[str, pd.DataFrame]) -> None:
    """Each indicator's display precision (`decimals`): declared, or else the most decimals its
    figures are written with; its actuals are shown with at least that many (a workbook that
    stored 1.40 as 1.4 still shows 1.40), so a difference between two of them is never lost."""
    ind = f["indicators"]
    declared = ind["decimals"] if "decimals" in ind else pd.Series(None, index=ind.index, dtype=object)
    printed = _printed_decimals(f)
    inferred = [printed.get(i, 0) for i in ind["indicator"]]
    ind["decimals_declared"] = declared.notna().to_numpy(bool)
    ind["decimals"] = [inferred[k] if pd.isna(d) else int(d) for k, d in enumerate(declared)]
    a = f["actuals"]
    if len(a):
        precision = a["indicator"].map(dict(zip(ind["indicator"], ind["decimals"]))).fillna(0).astype(int)
        own = a["actual_decimals"].fillna(0).astype(int)
        a["actual_decimals"] = own.where(a["actual_state"] != numbers.VALUE, own.clip(lower=precision)).to_numpy()


def _check_indicator_rules(
    f: dict[str, pd.DataFrame],
    metadata: dict,
    out: _Collector,
    flagged: set[tuple[str, int | None]] = frozenset(),
    scheme: Scheme | None = None,
) -> None:
    # the target (or the baseline) is the divisor only when the scheme's rate is a ratio to the final
    # target; with no readable scheme (reported already) these checks would only add noise
    ratio = scheme is not None and scheme.definition == "ratio" and scheme.reference == "final_target"
    period = metadata.get("period", {})
    first, last = period.get("first"), period.get("last")
    a = f["actuals"]  # no actual yet is valid (a new strategy's first year): its grades are "not yet evaluated"
    if first is not None and last is not None:
        for line, year in zip(a["_line"], a["year"]):
            if not pd.isna(year) and not first <= year <= last:
                out.add(
                    "actuals.csv",
                    int(line),
                    "year",
                    f"year {int(year)} is outside the strategy period {first}-{last} (metadata.json)",
                )
    baseline_years = {
        i: (int(y), int(line))
        for i, y, line in zip(f["indicators"]["indicator"], f["indicators"]["baseline_year"], f["indicators"]["_line"])
        if y is not None and not pd.isna(y) and ("indicators.csv", int(line)) not in flagged
    }
    for line, i, year in zip(a["_line"], a["indicator"], a["year"]):
        inside = first is None or last is None or (not pd.isna(year) and first <= year <= last)
        if inside and i in baseline_years and not pd.isna(year) and year < baseline_years[i][0]:  # one message
            out.add(
                "actuals.csv",
                int(line),
                "year",
                f"year {int(year)} is before the baseline year {baseline_years[i][0]} of {i!r} "
                f"(indicators.csv line {baseline_years[i][1]})",
            )
    bench = f["benchmarks"]
    bench_keys = set(zip(bench["indicator"], bench["year"]))
    measured = a[(a["actual_state"] == numbers.VALUE) & a["year"].notna()]
    value_years = measured.groupby("indicator")["year"].apply(lambda ys: [int(y) for y in ys]).to_dict()
    ind = f["indicators"]
    file = "indicators.csv"
    bench_complete = not any(name == "benchmarks.csv" for name, _ in flagged)
    for r in records(ind):
        line, kind = int(r["_line"]), r["target_kind"]
        if (file, line) in flagged:
            continue

        def has(c, r=r):
            return r[c] is not None and not (isinstance(r[c], float) and np.isnan(r[c]))

        if (r["name_source"] == "missing") == has("name_ja"):
            out.add(file, line, "name_ja", "must be empty exactly when name_source is 'missing'")
        if r["baseline_state"] == numbers.NOT_YET:
            out.add(file, line, "baseline", "a baseline cannot be 未")
        if r["baseline_state"] == numbers.VALUE and not has("baseline_year"):
            out.add(file, line, "baseline_year", "a baseline value needs its year")
        if has("revised_target") and not has("target"):
            out.add(file, line, "revised_target", "a revised target without an original target")
        if has("revised_target") and not has("revised_target_year"):
            out.add(file, line, "revised_target_year", "a revised target needs its year")
        if has("baseline_year") and has("target_year") and r["target_year"] < r["baseline_year"]:
            out.add(
                file,
                line,
                "target_year",
                f"the target year {int(r['target_year'])} is before the baseline year {int(r['baseline_year'])}",
            )
        if has("revised_target_year") and first is not None and r["revised_target_year"] < first:
            out.add(
                file,
                line,
                "revised_target_year",
                f"the revised target's year {int(r['revised_target_year'])} is before the strategy period "
                f"{first}-{last} (metadata.json): a target is revised during the period",
            )
        if kind in ("value", "cumulative"):
            # a cumulative target graded against its path (milestones.csv) may have no published final total
            unpublished_total = kind == "cumulative" and scheme is not None and scheme.uses_milestones
            if not has("target") and not unpublished_total:
                hint = (
                    " (it may be left empty only where the scheme grades against milestones.csv)"
                    if kind == "cumulative"
                    else ""
                )
                out.add(file, line, "target", f"a {kind} target needs a target value{hint}")
        elif has("target"):
            out.add(
                file,
                line,
                "target",
                f"a {kind} target takes no target value (it is measured against {'the national value' if kind == 'national' else 'the baseline'})",
            )
        for col in ("target", "revised_target") if kind == "value" and r["baseline_state"] == numbers.VALUE else ():
            divisor_refused = ratio and has(col) and r[col] <= 0  # said below: one mistake, one message
            if has(col) and not divisor_refused and _worse_side(r[col], r["baseline"], r["direction"]):
                out.add(file, line, col, _contradicts_direction("the target", r[col], r["baseline"], r["direction"]))
        for col in ("target", "revised_target") if ratio else ():
            if has(col) and r[col] == 0:
                out.add(file, line, col, "zero target: the rate (a ratio to the target) would divide by zero")
            if has(col) and r[col] < 0:
                out.add(file, line, col, "negative target: the rate (a ratio to the target) is undefined")
        if kind in ("above_baseline", "at_least_baseline"):
            if r["baseline_state"] != numbers.VALUE:
                out.add(file, line, "baseline", f"a {kind} target needs a baseline value")
            elif ratio and r["baseline"] <= 0:
                out.add(file, line, "baseline", "the baseline must be positive: it is the divisor of the rate")
        if kind == "cumulative":
            if not (has("period_start") and has("period_end")):
                out.add(
                    file, line, "period_start", "a cumulative target needs its period (period_start and period_end)"
                )
            elif r["period_start"] > r["period_end"]:
                out.add(file, line, "period_end", "the period ends before it starts")
        else:
            if has("period_start") or has("period_end"):
                out.add(file, line, "period_start", "only a cumulative target has a period")
            if r["actual_basis"] != "annual":
                out.add(file, line, "actual_basis", "only a cumulative target can have cumulative_to_date actuals")
        if has("counted_from"):
            if kind != "cumulative" or r["actual_basis"] != "cumulative_to_date":
                out.add(
                    file,
                    line,
                    "counted_from",
                    "only printed running totals (a cumulative target with cumulative_to_date actuals) "
                    "have a first year they count",
                )
            elif has("period_start") and r["counted_from"] >= r["period_start"]:
                out.add(
                    file,
                    line,
                    "counted_from",
                    f"{int(r['counted_from'])} is not before period_start {int(r['period_start'])}: "
                    "leave it empty where the totals count from the period's start",
                )
        if kind == "national" and bench_complete:
            missing = [y for y in value_years.get(r["indicator"], []) if (r["indicator"], y) not in bench_keys]
            if missing:
                out.add(
                    "benchmarks.csv",
                    None,
                    "value",
                    f"national-level indicator {r['indicator']!r} (indicators.csv line {line}) has no national value for {', '.join(map(str, sorted(missing)))}",
                )
    national = set(ind.loc[ind["target_kind"] == "national", "indicator"])
    unchecked = {i for line, i in zip(ind["_line"], ind["indicator"]) if (file, int(line)) in flagged}
    for line, i, v in zip(bench["_line"], bench["indicator"], bench["value"]):
        if i not in national and i not in unchecked:
            out.add("benchmarks.csv", int(line), "indicator", f"{i!r} does not have a national-level target")
        elif ratio and i in national and v is not None and not pd.isna(v) and v <= 0:
            # actual ÷ national value: 0 has no quotient, a negative one turns the rate's sense round
            out.add(
                "benchmarks.csv",
                int(line),
                "value",
                f"the national value {_show(v)} must be positive: it is the divisor of the rate (a ratio to it)",
            )


def _worse_side(value, baseline, direction) -> bool:
    """A target or milestone on the side of the baseline its indicator's direction calls worse."""
    return value < baseline if direction == "higher" else value > baseline


def _contradicts_direction(what: str, value, baseline, direction) -> str:
    side = "below" if direction == "higher" else "above"
    better = "higher" if direction == "higher" else "lower"
    return (
        f"{what} {_show(value)} is {side} the baseline {_show(baseline)}, but the indicator's direction is "
        f"{direction!r} ({better} is better): check the direction or the figure"
    )


def _normalise_grades(grades: pd.DataFrame, scheme: Scheme) -> None:
    """Printed grades in the scheme's own spelling where they differ only in width or form
    (Ａ③ for A③), as every other field is read through NFKC."""
    forms: dict[str, list[str]] = {}
    for g in scheme.grades:
        forms.setdefault(_fold(g), []).append(g)
    spelled = {key: gs[0] for key, gs in forms.items() if len(gs) == 1}  # never guess between two
    grades["grade"] = [
        spelled.get(_fold(g), g) if isinstance(g, str) and g not in scheme.grades else g for g in grades["grade"]
    ]


def _check_published_grades(
    grades: pd.DataFrame, scheme: Scheme, metadata: dict, out: _Collector, flagged: set
) -> None:
    """Every published grade is one the scheme defines; otherwise one problem naming the scheme,
    the labels found and the shipped schemes that define them all (the published grades were given
    under another legend: comparing them with this scheme's would make every one a disagreement)."""
    rows = [
        (int(line), g)
        for line, g in zip(grades["_line"], grades["grade"])
        if isinstance(g, str) and g and ("published_grades.csv", int(line)) not in flagged
    ]
    unknown = list(dict.fromkeys(g for _, g in rows if g not in scheme.grades))
    if not unknown:
        return
    found = list(dict.fromkeys(g for _, g in rows))
    first = next(line for line, g in rows if g not in scheme.grades)
    shipped = sorted(p.stem for p in resources.SCHEME_DIR.glob("*.toml"))
    fits = [name for name in shipped if {_fold(g) for g in found} <= {_fold(g) for g in load_scheme(name).grades}]
    need = (
        f"need the shipped scheme {' or '.join(repr(n) for n in fits)} (metadata.json's scheme)"
        if fits
        else "are not all defined by any shipped scheme: name a scheme file that defines them (docs/grading.md)"
    )
    own = scheme.ranking if set(scheme.ranking) == set(scheme.grades) else scheme.grades
    out.add(
        "published_grades.csv",
        first,
        "grade",
        f"{', '.join(unknown)} {'is not a grade' if len(unknown) == 1 else 'are not grades'} of the scheme "
        f"{metadata.get('scheme')!r} (its grades: {', '.join(own)}); the published grades ({', '.join(found)}) {need}",
    )


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().upper()


def _read_scheme(root: Path, metadata: dict, out: _Collector) -> Scheme | None:
    """The scheme metadata.json names, or None when it names none or an invalid one (a problem)."""
    if "scheme" not in metadata:
        return None
    try:
        return load_scheme(str(metadata["scheme"]), base=root)
    except KpiError as e:
        out.add(METADATA_FILE, None, "scheme", str(e))
        return None


def _check_scheme_rules(
    f: dict[str, pd.DataFrame],
    scheme: Scheme | None,
    out: _Collector,
    flagged: set[tuple[str, int | None]] = frozenset(),
    milestones_file: bool = True,
) -> None:
    """What the dataset's grading scheme needs: milestones for every actual, baselines to improve on."""
    if scheme is None:
        return
    ind = f["indicators"]
    known = set(ind["indicator"])
    for o in scheme.overrides:
        for i in o.indicators:
            if i not in known:
                out.add(
                    METADATA_FILE,
                    None,
                    "scheme",
                    f"the scheme's override names indicator {i!r}, which indicators.csv does not have",
                )
    skip = {i for line, i in zip(ind["_line"], ind["indicator"]) if ("indicators.csv", int(line)) in flagged}
    baselines = {
        i: (b if s == numbers.VALUE else None)
        for i, b, s in zip(ind["indicator"], ind["baseline"], ind["baseline_state"])
    }
    directions = dict(zip(ind["indicator"], ind["direction"]))
    ms = f["milestones"]
    what = "interim milestone (目安値)" if scheme.reference == "milestone" else "expected value (期待値)"
    if scheme.definition == "improvement":
        for r in records(ind):
            line, kind = int(r["_line"]), r["target_kind"]
            if r["indicator"] in skip:
                continue
            if r["baseline_state"] != numbers.VALUE:
                out.add(
                    "indicators.csv",
                    line,
                    "baseline",
                    f"the {scheme.name} scheme's improvement rate needs a baseline value "
                    "(for a cumulative target: 0, the total before the period)",
                )
            elif scheme.reference == "final_target" and kind in ("above_baseline", "at_least_baseline"):
                out.add(
                    "indicators.csv",
                    line,
                    "target_kind",
                    f"a {kind} target is the baseline itself: the {scheme.name} "
                    "scheme's improvement rate toward it is undefined",
                )
            elif scheme.reference == "final_target":
                for col in ("target", "revised_target"):
                    if not pd.isna(r[col]) and r[col] == r["baseline"]:
                        out.add(
                            "indicators.csv",
                            line,
                            col,
                            "equals the baseline: the improvement rate would divide by zero",
                        )
    if not scheme.uses_milestones:
        return
    for line, i, v in zip(ms["_line"], ms["indicator"], ms["value"]):
        if v is None or pd.isna(v) or i not in baselines or i in skip:
            continue
        if scheme.definition == "ratio" and v <= 0:
            out.add(
                "milestones.csv",
                int(line),
                "value",
                f"the {what} must be positive: it is the divisor of the {scheme.name} scheme's ratio",
            )
        elif scheme.definition == "improvement" and baselines[i] is not None and v == baselines[i]:
            out.add(
                "milestones.csv",
                int(line),
                "value",
                f"equals the baseline of {i!r}: the improvement rate would divide by zero",
            )
        elif scheme.definition == "improvement" and baselines[i] is not None:
            if _worse_side(v, baselines[i], directions[i]):
                # the signed rate would count a smaller fall (a better result) as less progress
                what_of = f"the {what} of {i!r}"
                out.add(
                    "milestones.csv",
                    int(line),
                    "value",
                    _contradicts_direction(what_of, v, baselines[i], directions[i]),
                )
    if any(file == "milestones.csv" for file, _ in flagged):
        return  # a milestones.csv with problems of its own: its missing rows would only repeat them
    a = f["actuals"]
    measured = a[(a["actual_state"] == numbers.VALUE) & a["year"].notna()]
    if not milestones_file and len(measured):  # one message, not one per indicator
        out.add(
            "milestones.csv",
            None,
            None,
            f"file is missing: the {scheme.name} scheme measures every actual against "
            f"an {what} (one row per indicator and year)",
        )
        return
    have = set(zip(ms["indicator"], ms["year"]))
    for i, years in measured.groupby("indicator")["year"]:
        missing = sorted(int(y) for y in years if (i, y) not in have)
        if missing and i in baselines and i not in skip:
            out.add(
                "milestones.csv",
                None,
                "value",
                f"indicator {i!r} has no {what} for {', '.join(map(str, missing))} "
                f"(the {scheme.name} scheme measures every actual against one)",
            )
