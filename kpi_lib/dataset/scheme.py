"""Grading schemes: a scheme file (kpi_lib/dataset/schemes/*.toml, or a file a dataset names) parsed,
validated and held as a `Scheme`. docs/grading.md has the format; grading.py applies a scheme.

Kept apart from the grading engine so that loading a dataset (which checks that its scheme is
valid) does not import it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from kpi_lib.core import resources
from kpi_lib.core.errors import InputFileError, KpiError
from kpi_lib.core.files import MAX_TEXT_FILE_BYTES, read_input_file

SCHEME_DIR = resources.SCHEME_DIR
DEFINITIONS = ("ratio", "improvement")
REFERENCES = ("final_target", "milestone", "expected_path")
ROUNDINGS = ("half_up", "down")
# how lower-is-better indicators are handled, per definition (the first is the default)
LOWER_IS_BETTER = {"ratio": ("inverse", "complement"), "improvement": ("signed",)}
CONDITIONS = ("achieved", "original_achieved")
_TOP_KEYS = ("name", "title_ja", "title_en", "ranking", "rate", "bands", "overrides", "without_actual", "words")
# what a report calls the rate, a grade and the grades (the legend), in Japanese and English;
# without [words], neutral ones (labels.NEUTRAL_WORDS)
WORD_KEYS = ("rate", "grade", "grades")
_WORDS_KEYS = tuple(f"{w}_{lang}" for w in WORD_KEYS for lang in ("ja", "en"))
# a year with no actual of its own: graded on the latest earlier actual, or given a grade of its own
WITHOUT_ACTUAL_RULES = ("latest_earlier", "not_measured")
_WITHOUT_ACTUAL_KEYS = ("rule", "grade", "label_ja", "label_en")
_OVERRIDE_KEYS = ("indicators", "note_ja", "note_en", "bands")
MAX_GRADES = 7  # style.PALETTE_PICKS has distinct colour-blind-safe colours for up to 7
_RATE_KEYS = ("definition", "reference", "decimals", "rounding", "lower_is_better")
_BAND_KEYS = ("grade", "label_ja", "label_en", "rate_below", "rate_at_least", "when")
MAX_BANDS = 50  # far more than any grading legend has; grading itself works for any count


@dataclass(frozen=True)
class Band:
    grade: str
    label_ja: str
    label_en: str
    rate_below: float | None = None
    rate_at_least: float | None = None
    when: str | None = None

    @property
    def conditional(self) -> bool:
        return self.rate_below is not None or self.rate_at_least is not None or self.when is not None


@dataclass(frozen=True)
class Override:
    """Bands of their own for some indicators (e.g. "where the target is 100%, reaching 100% is
    the top grade"); the rate is computed as for every other indicator."""

    indicators: tuple[str, ...]
    note_ja: str
    note_en: str
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class Scheme:
    name: str
    title_ja: str
    title_en: str
    definition: str
    reference: str
    decimals: int
    bands: tuple[Band, ...]
    ranking: tuple[str, ...] = ()
    rounding: str = "half_up"
    lower_is_better: str = "inverse"
    overrides: tuple[Override, ...] = ()
    # without_actual = not_measured: the grade (X) of an evaluation year with no actual of its own
    not_measured: Band | None = None
    # [words]: {"rate_ja": "達成率", "rate_en": "achievement rate", …}; absent keys: neutral words
    words: tuple[tuple[str, str], ...] = ()

    @property
    def without_actual(self) -> str:
        """latest_earlier (Hokkaido's: a year without its own actual is graded on the latest
        earlier one) or not_measured (it gets the `not_measured` grade)."""
        return "latest_earlier" if self.not_measured is None else "not_measured"

    def for_indicator(self, indicator: str) -> Scheme:
        """The scheme as it applies to one indicator: its override's bands where it has one."""
        for o in self.overrides:
            if indicator in o.indicators:
                return replace(self, bands=o.bands, overrides=())
        return self

    def compare(self, old: str, new: str) -> int:
        """+1 when `new` is a better grade than `old`, -1 when worse, 0 when equal or unranked."""
        if old == new or old not in self.ranking or new not in self.ranking:
            return 0
        return 1 if self.ranking.index(new) < self.ranking.index(old) else -1

    @property
    def band_grades(self) -> tuple[str, ...]:
        """The grades a rate can give (the bands'), in band order."""
        return tuple(b.grade for b in self.bands)

    @property
    def grades(self) -> tuple[str, ...]:
        """Every grade of the scheme: the bands', then the not-measured grade where there is one."""
        return self.band_grades + ((self.not_measured.grade,) if self.not_measured else ())

    @property
    def legend(self) -> tuple[Band, ...]:
        """What a legend lists: the bands, then the not-measured grade where there is one."""
        return self.bands + ((self.not_measured,) if self.not_measured else ())

    @property
    def counted_grades(self) -> tuple[str, ...]:
        """The grades counted in a summary, in order: the ranking, then the not-measured grade."""
        return self.ranking + ((self.not_measured.grade,) if self.not_measured else ())

    def band(self, grade: str) -> Band:
        return next(b for b in self.legend if b.grade == grade)

    @property
    def uses_milestones(self) -> bool:
        """The reference comes from milestones.csv (an interim milestone or an expected path)."""
        return self.reference in ("milestone", "expected_path")


def scheme_path(name_or_path: str | Path, base: str | Path | None = None) -> Path:
    """A scheme name (a file in kpi_lib/dataset/schemes) or a .toml path, relative paths from `base`."""
    path = Path(name_or_path)
    if path.suffix == ".toml":
        if not path.is_absolute() and base is not None:
            path = Path(base) / path
        if not path.exists() and not path.is_symlink():
            raise KpiError(f"grading scheme file not found: {path}")
        return path
    if path.name != str(name_or_path) or not (SCHEME_DIR / f"{name_or_path}.toml").is_file():
        known = ", ".join(sorted(p.stem for p in SCHEME_DIR.glob("*.toml")))
        raise KpiError(f"unknown grading scheme {str(name_or_path)!r} (known: {known}; or name a .toml file)")
    return SCHEME_DIR / f"{name_or_path}.toml"


def load_scheme(name_or_path: str | Path = "hokkaido", base: str | Path | None = None) -> Scheme:
    """A scheme by name or by path; a one-line KpiError naming the file and key when invalid."""
    path = scheme_path(name_or_path, base)
    try:
        raw = tomllib.loads(read_input_file(path, MAX_TEXT_FILE_BYTES).decode("utf-8"))
    except InputFileError as e:
        raise KpiError(f"{path.name}: {e}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise KpiError(f"{path.name}: not valid TOML ({e})") from None
    return parse_scheme(raw, path.name)


def parse_scheme(raw: dict, file: str = "scheme") -> Scheme:
    """Validate a scheme's parsed TOML; every error names the file and the key."""

    def fail(key: str, message: str):
        raise KpiError(f"{file}: {key}: {message}")

    def keys(table: dict, allowed: tuple[str, ...], where: str) -> None:
        for k in table:
            if k not in allowed:
                fail(f"{where}{k}", f"unknown key (allowed: {', '.join(allowed)})")

    def text(table: dict, key: str, where: str = "") -> str:
        if key not in table:
            fail(f"{where}{key}", "missing")
        if not isinstance(table[key], str) or not table[key].strip():
            fail(f"{where}{key}", "must be a non-empty string")
        return table[key]

    def choice(table: dict, key: str, choices: tuple[str, ...], where: str, default: str | None = None) -> str:
        if key not in table and default is not None:
            return default
        value = text(table, key, where)
        if value not in choices:
            fail(f"{where}{key}", f"{value!r} is not one of {', '.join(choices)}")
        return value

    def number(table: dict, key: str, where: str) -> float | None:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
            fail(f"{where}{key}", f"must be a number, not {value!r}")
        return float(value)

    keys(raw, _TOP_KEYS, "")
    name, title_ja, title_en = text(raw, "name"), text(raw, "title_ja"), text(raw, "title_en")
    rate = raw.get("rate")
    if not isinstance(rate, dict):
        fail("rate", "missing (a [rate] table with definition and reference)")
    keys(rate, _RATE_KEYS, "[rate] ")
    definition = choice(rate, "definition", DEFINITIONS, "[rate] ")
    reference = choice(rate, "reference", REFERENCES, "[rate] ")
    rounding = choice(rate, "rounding", ROUNDINGS, "[rate] ", default="half_up")
    lower = choice(
        rate, "lower_is_better", LOWER_IS_BETTER[definition], "[rate] ", default=LOWER_IS_BETTER[definition][0]
    )
    decimals = rate.get("decimals", 1)
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 6:
        fail("[rate] decimals", f"must be a whole number 0-6, not {decimals!r}")

    def band_list(bands_raw, where_: str) -> tuple[Band, ...]:
        if not isinstance(bands_raw, list) or not bands_raw or not all(isinstance(b, dict) for b in bands_raw):
            fail(f"{where_}bands", "missing (one [[bands]] table per grade, best tried first)")
        if len(bands_raw) > MAX_BANDS:
            fail(f"{where_}bands", f"{len(bands_raw)} bands: at most {MAX_BANDS}")
        bands: list[Band] = []
        for i, b in enumerate(bands_raw, 1):
            where = f"{where_}bands[{i}] "
            keys(b, _BAND_KEYS, where)
            grade = text(b, "grade", where)
            if grade in {x.grade for x in bands}:
                fail(f"{where}grade", f"{grade!r} is given by an earlier band")
            when = choice(b, "when", CONDITIONS, where) if "when" in b else None
            if when == "original_achieved" and reference != "final_target":
                fail(f"{where}when", f"original_achieved needs reference = final_target (not {reference})")
            below, at_least = number(b, "rate_below", where), number(b, "rate_at_least", where)
            if below is not None and at_least is not None and at_least >= below:
                fail(f"{where}rate_at_least", f"{at_least:g} is not below rate_below {below:g}: no rate fits")
            bands.append(Band(grade, text(b, "label_ja", where), text(b, "label_en", where), below, at_least, when))
        if bands[-1].conditional:
            fail(f"{where_}bands[{len(bands)}]", "the last band must have no condition (it takes every remaining case)")
        for i, band in enumerate(bands[:-1], 1):
            if not band.conditional:
                fail(
                    f"{where_}bands[{i}]",
                    "a band with no condition takes every remaining case: only the last band may have none",
                )
        _check_reachable(bands, fail)
        return tuple(bands)

    bands = band_list(raw.get("bands"), "")
    if len(bands) > MAX_GRADES:
        fail("bands", f"{len(bands)} grades: at most {MAX_GRADES} (each needs a distinct colour-blind-safe colour)")
    overrides_raw = raw.get("overrides", [])
    if not isinstance(overrides_raw, list) or not all(isinstance(o, dict) for o in overrides_raw):
        fail("overrides", "must be [[overrides]] tables (indicators, note_ja, note_en, [[overrides.bands]])")
    overrides: list[Override] = []
    seen: set[str] = set()
    for i, o in enumerate(overrides_raw, 1):
        where = f"overrides[{i}] "
        keys(o, _OVERRIDE_KEYS, where)
        indicators = o.get("indicators")
        if not isinstance(indicators, list) or not indicators or not all(isinstance(x, str) for x in indicators):
            fail(f"{where}indicators", "must be a non-empty list of indicator ids (indicators.csv)")
        for x in indicators:
            if x in seen:
                fail(f"{where}indicators", f"{x!r} has an earlier override")
            seen.add(x)
        own = band_list(o.get("bands"), where)
        for b in own:
            if b.grade not in {x.grade for x in bands}:
                fail(f"{where}bands", f"{b.grade!r} is not one of the scheme's grades (an override reuses them)")
        overrides.append(Override(tuple(indicators), text(o, "note_ja", where), text(o, "note_en", where), own))
    words_raw = raw.get("words", {})
    if not isinstance(words_raw, dict):
        fail("words", f"must be a [words] table ({', '.join(_WORDS_KEYS)})")
    keys(words_raw, _WORDS_KEYS, "[words] ")
    words = tuple((k, text(words_raw, k, "[words] ").strip()) for k in _WORDS_KEYS if k in words_raw)
    not_measured = None
    without = raw.get("without_actual", {"rule": "latest_earlier"})
    if not isinstance(without, dict):
        fail(
            "without_actual", "must be a [without_actual] table (rule, and for not_measured: grade, label_ja, label_en)"
        )
    keys(without, _WITHOUT_ACTUAL_KEYS, "[without_actual] ")
    rule = choice(without, "rule", WITHOUT_ACTUAL_RULES, "[without_actual] ", default="latest_earlier")
    if rule == "not_measured":
        where = "[without_actual] "
        grade = text(without, "grade", where)
        if grade in {b.grade for b in bands}:
            fail(
                f"{where}grade", f"{grade!r} is also a band's grade: a year without an actual needs a grade of its own"
            )
        not_measured = Band(grade, text(without, "label_ja", where), text(without, "label_en", where))
    else:
        for k in ("grade", "label_ja", "label_en"):
            if k in without:
                fail(
                    f"[without_actual] {k}",
                    'only with rule = "not_measured" (latest_earlier grades on an earlier actual)',
                )
    ranking = raw.get("ranking", [])
    if not isinstance(ranking, list) or not all(isinstance(g, str) for g in ranking):
        fail("ranking", "must be a list of grades, best first")
    for g in ranking:
        if not_measured is not None and g == not_measured.grade:
            fail("ranking", f"{g!r} is the not-measured grade: it is not better or worse than a grade, leave it out")
        if g not in {b.grade for b in bands}:
            fail("ranking", f"{g!r} is not a grade any band gives")
    if len(set(ranking)) != len(ranking):
        fail("ranking", "lists a grade twice")
    return Scheme(
        name,
        title_ja,
        title_en,
        definition,
        reference,
        decimals,
        bands,
        tuple(ranking),
        rounding,
        lower,
        tuple(overrides),
        not_measured,
        words,
    )


def _check_reachable(bands: list[Band], fail) -> None:
    """Bands are tried in order, so a band's own bounds must still matter after the bands before it:
    refuse a band every rate of which an earlier band takes (unreachable, e.g. bands out of
    order) and a bound that lies inside an earlier band's range (overlapping bands).

    Only bands without `when` take rates for certain; a `when` band takes them only together
    with its condition, so it covers later bands with the same condition."""
    taken: dict[str | None, list[tuple[float, float]]] = {None: []}  # per condition: [lo, hi) ranges
    for i, band in enumerate(bands[:-1], 1):
        if band.rate_below is None and band.rate_at_least is None:
            if band.when in taken and any(lo == -np.inf and hi == np.inf for lo, hi in taken[band.when]):
                fail(f"bands[{i}]", f"unreachable: an earlier band already takes every case when {band.when}")
            taken.setdefault(band.when, []).append((-np.inf, np.inf))
            continue
        lo = -np.inf if band.rate_at_least is None else band.rate_at_least
        hi = np.inf if band.rate_below is None else band.rate_below
        earlier = taken[None] + (taken.get(band.when, []) if band.when is not None else [])
        left = _uncovered(lo, hi, earlier)
        if not left:
            fail(
                f"bands[{i}]",
                f"unreachable: earlier bands already take every rate it covers ({_range(lo, hi)}); "
                "bands are tried in order, so put the higher threshold first",
            )
        if lo != -np.inf and left[0][0] != lo:
            owner = _owner(lo, bands, i)
            fail(f"bands[{i}] rate_at_least", f"{lo:g} lies inside the range of bands[{owner}] (overlapping bands)")
        if hi != np.inf and left[-1][1] != hi:
            owner = _owner(np.nextafter(hi, -np.inf), bands, i)
            fail(f"bands[{i}] rate_below", f"{hi:g} lies inside the range of bands[{owner}] (overlapping bands)")
        taken.setdefault(band.when, []).append((lo, hi))


def _uncovered(lo: float, hi: float, ranges: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The parts of [lo, hi) that none of `ranges` covers, in order."""
    parts = [(lo, hi)]
    for a, b in ranges:
        parts = [piece for x, y in parts for piece in ((x, min(y, a)), (max(x, b), y)) if piece[0] < piece[1]]
    return sorted(parts)


def _owner(rate: float, bands: list[Band], before: int) -> int:
    """The number of the first band before `before` whose rate range holds `rate`."""
    for i, band in enumerate(bands[: before - 1], 1):
        lo = -np.inf if band.rate_at_least is None else band.rate_at_least
        hi = np.inf if band.rate_below is None else band.rate_below
        if band.when is None and lo <= rate < hi and (band.rate_at_least is not None or band.rate_below is not None):
            return i
    return before - 1


def _range(lo: float, hi: float) -> str:
    if lo == -np.inf:
        return f"below {hi:g}%"
    if hi == np.inf:
        return f"{lo:g}% or more"
    return f"{lo:g}% to under {hi:g}%"


def scheme_for(dataset, scheme: Scheme | str | None = None) -> Scheme:
    """The scheme to use: as given (a name or a .toml file relative to the data directory), or the
    one the dataset was loaded with."""
    if isinstance(scheme, Scheme):
        return scheme
    if scheme:  # another scheme for the same dataset: the dataset's word for its levels stays
        level = tuple(w for w in dataset.scheme.words if w[0].startswith("level_"))
        loaded = load_scheme(scheme, base=dataset.data_dir)
        return replace(loaded, words=loaded.words + level)
    return dataset.scheme
