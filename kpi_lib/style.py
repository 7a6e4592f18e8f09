"""Colours and fonts shared by tables and charts (Okabe-Ito palette: safe for colour-blind readers).

Grades are always shown as their symbol too, never by colour alone.
"""

GRADE_COLOURS = {
    "A①": ("#009E73", "#ffffff"),  # bluish green, white text
    "A②": ("#56B4E9", "#000000"),  # sky blue
    "A③": ("#F0E442", "#000000"),  # yellow
    "B": ("#D55E00", "#ffffff"),  # vermillion
}
NO_GRADE_COLOURS = ("#dddddd", "#000000")

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
