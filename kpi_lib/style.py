"""Colours and fonts shared by tables and charts (Okabe-Ito palette: safe for colour-blind readers).

Grades are always shown as their symbol too, never by colour alone, and the symbol's text colour
is chosen by WCAG contrast (text_colour), so badges meet the 4.5:1 of WCAG 2.0 AA / JIS X 8341-3.
"""

BLACK, WHITE = "#000000", "#ffffff"


def _luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of a #rrggbb colour."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2.x contrast ratio of two #rrggbb colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with `background` (the one rule for text on colour)."""
    return BLACK if contrast_ratio(background, BLACK) >= contrast_ratio(background, WHITE) else WHITE


_GRADE_BACKGROUNDS = {
    "A①": "#009E73",  # bluish green
    "A②": "#56B4E9",  # sky blue
    "A③": "#F0E442",  # yellow
    "B": "#D55E00",  # vermillion
}
# grade -> (background, text colour)
GRADE_COLOURS = {grade: (bg, text_colour(bg)) for grade, bg in _GRADE_BACKGROUNDS.items()}
NO_GRADE_COLOURS = ("#dddddd", text_colour("#dddddd"))

SERIES_COLOURS = {
    "actual": "#0072B2",  # blue
    "baseline": "#666666",  # grey
    "target": "#D55E00",  # vermillion
    "revised_target": "#CC79A7",  # reddish purple
    "national": "#E69F00",  # orange
    "projection": "#56B4E9",  # sky blue, dashed
}

# Fonts: charts are laid out with IPAexGothic (vendored in kpi_lib/ipaexfont and embedded in each
# HTML report, see fonts.py); the rest is the fallback for characters outside the subset.
FONT_NAME = "IPAexGothic"
FONT_STACK = f"{FONT_NAME}, 'Noto Sans CJK JP', 'Hiragino Sans', 'Yu Gothic', Meiryo, sans-serif"
