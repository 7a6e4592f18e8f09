"""The chart font, embedded in each HTML report.

Vega measures and draws chart text with the fonts of the machine that opens the report, so
the same report would lay out differently (or show empty boxes) from one office PC to the
next. Each report therefore carries a subset of IPAexGothic (vendored in kpi_lib/presentation/ipaexfont
with its licence, see the README there) holding just the characters its charts draw: a few
dozen KB.
"""

from __future__ import annotations

import base64
import copy
import functools
import hashlib
import importlib.metadata
import io

import vl_convert as vlc

from kpi_lib.core import cache
from kpi_lib.core.resources import FONT_DIR
from kpi_lib.presentation.style import FONT_NAME

FONT_FILE = FONT_DIR / "ipaexg.ttf"
# Always present, whatever the charts say: digits, Latin letters, punctuation.
_BASE_CHARS = "".join(chr(c) for c in range(32, 127))
# How a subset is made: fontTools' subset options, and TTFont's own (part of the cache key).
_SUBSET_OPTIONS = {
    "layout_features": [],  # charts need plain glyphs, not vertical or ligature forms
    "hinting": False,
    "name_IDs": [0, 1, 2, 7],  # keep the copyright and family names (IPA Font License)
}
_FONT_OPTIONS = {"recalcTimestamp": False}  # the file's own date, not today's: same bytes every run
# A report set has a dozen or so character sets (one per page and language); a few years' worth.
SUBSETS_KEPT = 64


@functools.cache
def register_fonts() -> None:
    """Make IPAexGothic available to vl-convert (once per process)."""
    vlc.register_font_directory(str(FONT_DIR))


def font_face_css(text: str, family: str = FONT_NAME) -> str:
    """An @font-face rule naming IPAexGothic `family` (by default the chart font), subset to
    the characters of `text`. A subset maps each glyph back to the one character asked for, so
    a PDF's text layer reads 目 as 目, never as the radical ⽬ that shares its glyph."""
    chars = "".join(sorted(set(text) | set(_BASE_CHARS)))
    data = base64.b64encode(subset(chars)).decode("ascii")
    return (
        f"@font-face{{font-family:'{family}';font-style:normal;font-weight:400;"
        f"src:url(data:font/ttf;base64,{data}) format('truetype');}}"
    )


@functools.cache
def _font_digest() -> str:
    return hashlib.sha256(FONT_FILE.read_bytes()).hexdigest()


def subset_cache_name(chars: str) -> str:
    """The cache entry of a subset: keyed on everything that determines its bytes."""
    key = {
        "font": _font_digest(),
        "fonttools": importlib.metadata.version("fonttools"),
        "subset": _SUBSET_OPTIONS,
        "font_options": _FONT_OPTIONS,
        "unshared": 1,  # _unshare_glyphs, version 1
        "chars": chars,
    }
    return cache.entry_name("ipaexg", ".ttf", key)


@functools.lru_cache(maxsize=64)
def subset(chars: str) -> bytes:
    """IPAexGothic reduced to `chars`; cached on disk, as subsetting takes up to ~1 s."""
    name = subset_cache_name(chars)
    cached = cache.read(name)
    if cached is not None:
        return cached
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(FONT_FILE), **_FONT_OPTIONS)
    subsetter = ft_subset.Subsetter(ft_subset.Options(**copy.deepcopy(_SUBSET_OPTIONS)))  # fontTools may change them
    subsetter.populate(text=chars)
    subsetter.subset(font)
    _unshare_glyphs(font)
    out = io.BytesIO()
    font.save(out)
    data = out.getvalue()
    cache.write(name, data, keep=SUBSETS_KEPT)
    return data


def _unshare_glyphs(font) -> None:
    """Give each character its own glyph: IPAexGothic draws some characters with one glyph (～
    U+FF5E and 〜 U+301C, an ideograph and its radical), and a PDF maps a glyph back to one
    character only, so a page with both would read one as the other. The copies are identical
    outlines under new names."""
    cmap = font.getBestCmap()
    seen: dict[str, int] = {}
    order = list(font.getGlyphOrder())
    glyf = font["glyf"]
    metrics = [font[tag] for tag in ("hmtx", "vmtx") if tag in font]
    for code in sorted(cmap):
        name = cmap[code]
        if name not in seen:
            seen[name] = code
            continue
        copy_name = f"{name}.u{code:04X}"
        order.append(copy_name)
        font.setGlyphOrder(order)
        glyf[copy_name] = copy.deepcopy(glyf[name])
        for table in metrics:
            table[copy_name] = table[name]
        for table in font["cmap"].tables:
            if code in table.cmap:
                table.cmap[code] = copy_name
