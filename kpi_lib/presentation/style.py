"""Colours and fonts shared by tables and charts (Okabe-Ito palette: safe for colour-blind readers).

Grade colours come from the dataset's grading scheme: its ranking (best first) is mapped onto the
palette from bluish green (best) to vermillion (worst), and each grade's colour is then made as
light as its place in the ranking says (GRADE_LIGHTNESS: the best darkest, the worst lightest,
even steps between), so the grades stay apart and in order on a black-and-white print, where
the palette's own green and vermillion are the same grey. Grades are always shown as their
symbol too, never by colour alone, and each grade's text colour is the one of black and white
that contrasts more with it (any colour reaches WCAG's 4.5:1 with one of them).
"""

from __future__ import annotations

import html

# Okabe-Ito colours, best to worst; a scheme with n grades takes the picks of PALETTE_PICKS[n]
OKABE_ITO = {
    "bluish_green": "#009E73",
    "sky_blue": "#56B4E9",
    "yellow": "#F0E442",
    "orange": "#E69F00",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "blue": "#0072B2",
}
# Picked so that each colour's own lightness is near the lightness its place gives it (the
# best is always green and the worst vermillion; between them the darker blues before the
# lighter orange and yellow), so making them lighter or darker changes their hue little.
PALETTE_PICKS = {
    1: ("bluish_green",),
    2: ("bluish_green", "vermillion"),
    3: ("bluish_green", "sky_blue", "vermillion"),
    4: ("bluish_green", "sky_blue", "orange", "vermillion"),
    5: ("bluish_green", "blue", "sky_blue", "orange", "vermillion"),
    6: ("bluish_green", "blue", "sky_blue", "orange", "yellow", "vermillion"),
    7: ("bluish_green", "blue", "sky_blue", "orange", "yellow", "reddish_purple", "vermillion"),
}
# CIE lightness (L*, 0 black to 100 white) of the best and of the worst grade; the others are
# spaced evenly between (4 grades: 35, 51.7, 68.3, 85), so neighbours differ by 8 L* or more.
GRADE_LIGHTNESS = (35.0, 85.0)
NO_GRADE_COLOURS = ("#dddddd", "#000000")
MIN_CONTRAST = 4.5  # WCAG 2 AA for normal text

SERIES_COLOURS = {
    "actual": "#0072B2",  # blue
    "running_total": "#000000",  # black: what a cumulative target is graded on
    "baseline": "#666666",  # grey
    "target": "#D55E00",  # vermillion
    "revised_target": "#CC79A7",  # reddish purple
    "national": "#E69F00",  # orange
    "national_derived": "#E69F00",  # orange too, its own marker: worked back from a published rate
    "projection": "#56B4E9",  # sky blue, dashed
    "projection_low": "#56B4E9",  # the ends of the trend's confidence interval, dotted
    "projection_high": "#56B4E9",
    "national_projection": "#E69F00",  # orange like the national series, dashed
    "national_projection_derived": "#E69F00",
    "milestone": "#009E73",  # bluish green: the interim milestone (目安値) or expected path (期待値)
}


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with the background."""
    return max(("#000000", "#ffffff"), key=lambda fg: contrast_ratio(background, fg))


def graded_order(scheme) -> tuple[str, ...]:
    """A scheme's grades best first: its ranking, then any grade it leaves unranked in band order,
    then the not-measured grade (X) where the scheme has one."""
    return (*scheme.ranking, *(g for g in scheme.grades if g not in scheme.ranking))


def lightness(colour: str) -> float:
    """CIE L* of a #rrggbb colour (0 black, 100 white): how light it prints in greyscale."""
    y = relative_luminance(colour)
    return 116 * y ** (1 / 3) - 16 if y > 216 / 24389 else 24389 / 27 * y


def grey_level(colour: str) -> float:
    """The grey a #rrggbb colour prints as (0 black, 1 white), as greyscale printers and
    `pdftoppm -gray` make it: 0.299 R + 0.587 G + 0.114 B of its sRGB values."""
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b


def _mix(colour: str, toward: int, share: float) -> str:
    """`colour` moved `share` of the way to white (toward 255) or black (toward 0)."""
    rgb = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c + share * (toward - c)):02X}" for c in rgb)


def with_lightness(colour: str, target: float) -> str:
    """`colour` mixed with white (to lighten) or black (to darken) until its L* is `target`
    (to within the 8-bit steps), its hue kept."""
    toward = 255 if lightness(colour) < target else 0
    low, high = 0.0, 1.0
    for _ in range(30):  # bisection on the share of white or black
        share = (low + high) / 2
        if (lightness(_mix(colour, toward, share)) < target) == (toward == 255):
            low = share
        else:
            high = share
    return _mix(colour, toward, (low + high) / 2)


def grade_lightness(position: int, count: int) -> float:
    """The L* of the grade at `position` (0 = best) of a ranking of `count` grades."""
    darkest, lightest = GRADE_LIGHTNESS
    return darkest if count == 1 else darkest + (lightest - darkest) * position / (count - 1)


def grade_colours(scheme) -> dict[str, tuple[str, str]]:
    """grade -> (background, text colour), from the scheme's ranking (best first): the palette's
    pick for the grade's place, as light as that place says (grade_lightness); the not-measured
    grade (X) is grey, as no grade is: it is not a result, good or bad."""
    nm = scheme.not_measured.grade if scheme.not_measured is not None else None
    grades = [g for g in graded_order(scheme) if g != nm]
    if len(grades) > len(PALETTE_PICKS):
        raise ValueError(f"a scheme with {len(grades)} grades: at most {len(PALETTE_PICKS)} have distinct colours")
    picks = PALETTE_PICKS[len(grades)]
    out = {}
    for position, (grade, pick) in enumerate(zip(grades, picks)):
        background = with_lightness(OKABE_ITO[pick], grade_lightness(position, len(grades)))
        out[grade] = (background, text_colour(background))
    if nm is not None:
        out[nm] = NO_GRADE_COLOURS
    return out


def grade_badge(grade: str, colours: dict[str, tuple[str, str]], computed: str = "") -> str:
    """A grade as its symbol on its colour (`colours`: grade_colours of the scheme), as HTML: the
    one badge of the report pages and the index page.

    `computed`: where the grade is not published but computed by kpi_lib, the words saying so;
    the badge then gets a dashed outline and those words after it, so it never passes for a
    published grade."""
    bg, fg = colours.get(grade, NO_GRADE_COLOURS)
    outline = "outline:2px dashed #333333;outline-offset:1px;" if computed else ""
    badge = (
        f'<span class="kpi-grade{" kpi-grade-computed" if computed else ""}" style="background:{bg};color:{fg};'
        f'padding:1px 6px;border-radius:3px;{outline}font-weight:bold;white-space:nowrap">{html.escape(grade or "—")}</span>'
    )
    return badge + (f' <span class="kpi-computed-note">{html.escape(computed)}</span>' if computed else "")


# Fonts: charts are laid out with IPAexGothic (vendored in kpi_lib/presentation/ipaexfont and embedded in each
# HTML report, see fonts.py); the rest is the fallback for characters outside the subset.
FONT_NAME = "IPAexGothic"
FONT_STACK = f"{FONT_NAME}, 'Noto Sans CJK JP', 'Hiragino Sans', 'Yu Gothic', Meiryo, sans-serif"
