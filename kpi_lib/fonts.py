"""The chart font, embedded in each HTML report.

Vega measures and draws chart text with the fonts of the machine that opens the report, so
the same report would lay out differently (or show empty boxes) from one office PC to the
next. Each report therefore carries a subset of IPAexGothic (shipped with the install, in
the japanize-matplotlib package) holding just the characters its charts draw: a few dozen KB.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io

import importlib.util
from pathlib import Path

import vl_convert as vlc

from . import cache
from .style import FONT_NAME

FONT_FILE = "ipaexg.ttf"
_fonts_registered = False
# Always present, whatever the charts say: digits, Latin letters, punctuation.
_BASE_CHARS = "".join(chr(c) for c in range(32, 127))


def font_directory() -> Path:
    """Folder holding ipaexg.ttf inside the japanize_matplotlib package.

    Found via find_spec so japanize_matplotlib (and with it matplotlib) is not imported.
    """
    spec = importlib.util.find_spec("japanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("japanize-matplotlib is not installed; it ships the IPAexGothic font")
    folder = Path(next(iter(spec.submodule_search_locations))) / "fonts"
    if not (folder / FONT_FILE).is_file():
        raise RuntimeError(f"IPAexGothic font file not found in {folder}")
    return folder


def register_fonts() -> None:
    """Make IPAexGothic available to vl-convert (once per process)."""
    global _fonts_registered
    if not _fonts_registered:
        vlc.register_font_directory(str(font_directory()))
        _fonts_registered = True


def font_face_css(text: str) -> str:
    """An @font-face rule with the chart font, subset to the characters of `text`."""
    chars = "".join(sorted(set(text) | set(_BASE_CHARS)))
    data = base64.b64encode(subset(chars)).decode("ascii")
    return (f"@font-face{{font-family:'{FONT_NAME}';font-style:normal;font-weight:400;"
            f"src:url(data:font/ttf;base64,{data}) format('truetype');}}")


@functools.lru_cache(maxsize=64)
def subset(chars: str) -> bytes:
    """IPAexGothic reduced to `chars`; cached on disk, as subsetting takes ~1 s."""
    source = font_directory() / FONT_FILE
    key = hashlib.sha256(f"{source.stat().st_size}:{chars}".encode()).hexdigest()[:24]
    name = f"ipaexg-{key}.ttf"
    cached = cache.read(name)
    if cached is not None:
        return cached
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    options = ft_subset.Options()
    options.layout_features = []  # charts need plain glyphs, not vertical or ligature forms
    options.hinting = False
    options.name_IDs = [0, 1, 2, 7]  # keep the copyright and family names (IPA Font License)
    font = TTFont(str(source))
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    data = out.getvalue()
    cache.write(name, data)
    return data
