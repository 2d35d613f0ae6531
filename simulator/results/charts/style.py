"""The house look of every chart: plan colours, number formats, titles, sizes and panels.

One visual language: each plan keeps one colour everywhere (`plan_colours`), money axes
read ``$36M``, shares read ``40%``, attainment reads as a percentage of quota, and every
axis title names its unit. When a comparison holds both behaviour modes, each chart
shows them as panels one above the other on shared scales (`by_behaviour`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

CURRENCY = "$"
MONEY_AXIS = f"{CURRENCY},.3~s"
"""Vega format of money on axes: $36M, $250k."""
MONEY_TIP = f"{CURRENCY},.0f"
"""Vega format of money in tooltips: $36,006,114."""


def money_unit(currency: str | None) -> str:
    """A plan's currency as axis titles and column names show it: "EUR", or "$" if unstated."""
    return currency or CURRENCY


def money_title(title: str, currency: str | None) -> str:
    """A tooltip's title of an amount: "Payout (EUR)" when the plan states its currency."""
    return title if currency is None else f"{title} ({currency})"


def money_prefix(currency: str | None) -> str:
    """What goes before an amount in text: "$" for USD or an unstated currency, else "EUR "."""
    return CURRENCY if currency in (None, "USD") else f"{currency}\u00a0"


def money_axis(currency: str | None) -> str:
    """Vega format of money on axes in a plan's currency: $36M for USD (or none), 36M else.

    Any other currency is named by its code in the axis title (`money_unit`), not a symbol.
    """
    return MONEY_AXIS if currency in (None, "USD") else ",.3~s"


def excel_money(currency: str | None, signed: bool = False) -> str:
    """Excel's number format of money in a plan's currency: "$"#,##0, or "EUR "#,##0.

    USD or an unstated currency keeps the dollar sign; another code goes before the number
    (`money_prefix`). signed: a difference, with its + or - always shown.
    """
    unit = money_prefix(currency).replace("\u00a0", " ")
    if signed:
        return f'+"{unit}"#,##0;-"{unit}"#,##0;"{unit}"0'
    return f'"{unit}"#,##0;-"{unit}"#,##0'


def money_tip(currency: str | None) -> str:
    """Vega format of money in tooltips in a plan's currency: $36,006,114 or 36,006,114."""
    return MONEY_TIP if currency in (None, "USD") else ",.0f"

PALETTE = (
    "#4C78A8",  # blue
    "#F58518",  # orange
    "#54A24B",  # green
    "#E45756",  # red
    "#B279A2",  # purple
    "#72B7B2",  # teal
    "#9D755D",  # brown
    "#EECA3B",  # yellow
)
"""Plan colours in plan order: the first plan is always blue, the second orange, ..."""
INK = "#31333F"
GRID = "#E6E9EF"
MUTED = "#8A8D99"

BEHAVIOUR_TITLES = {
    "adaptive": "Adaptive reps: effort responds to the plan",
    "static": "Static reps: effort fixed (a replay of last year)",
}
WIDTH = 640
HEIGHT = 300


def plan_colours(labels: Sequence[str]) -> dict[str, str]:
    """A fixed colour per plan label, in plan order (the same plan, the same colour)."""
    return {label: PALETTE[i % len(PALETTE)] for i, label in enumerate(labels)}


def plan_legend(colours: Mapping[str, str], **kwargs: Any) -> alt.Legend:
    """The plan legend above the plot; more than three plans wrap onto rows of three."""
    many = len(colours) > 3
    return alt.Legend(orient="top", labelLimit=0,  # 0: never cut a plan's name
                      columns=3 if many else alt.Undefined, **kwargs)


def plan_colour(colours: Mapping[str, str], title: str = "Plan") -> alt.Color:
    """The colour encoding of the `plan` field: each plan in its colour, legend on top."""
    return alt.Color(
        "plan:N",
        title=title,
        scale=alt.Scale(domain=list(colours), range=list(colours.values())),
        legend=plan_legend(colours),
    )


SUBTITLE_CHARACTERS = 70
"""A subtitle line's most characters (longer ones wrap): one of two charts side by side on a
1,280 px window."""
SUBTITLE_CHARACTERS_LARGE = 52
"""The same in the presentation view's larger type (on a 1,280 px window)."""
AXIS_TITLE_CHARACTERS = 45
"""An axis title's most characters: the plot of one of two charts side by side on a
1,280 px window is about 330 px wide, and a longer title ran off its edges (tested)."""


def finish(
    chart: Any, title: str, subtitle: str | list[str] = "", large: bool = False,
    fit: bool = True,
) -> Any:
    """Title and the house look; `large` for the presentation view (big type).

    `fit`: the width (axes and legend included) fits the page column while the plot keeps
    its height; off for faceted charts, which keep their natural size.
    """
    base = 18 if large else 12
    if fit:
        chart = chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    lines = [subtitle] if isinstance(subtitle, str) else subtitle
    width = SUBTITLE_CHARACTERS_LARGE if large else SUBTITLE_CHARACTERS
    wrapped = [part for line in lines if line for part in textwrap.wrap(line, width)]
    chart = chart.properties(
        title=alt.TitleParams(
            title,
            subtitle=wrapped or alt.Undefined,
            anchor="start",
            fontSize=base + (12 if large else 6),
            subtitleFontSize=base,
            subtitleColor=MUTED,
            color=INK,
            limit=0,  # none: in the browser Vega kept the limit of a chart's first width,
            # so subtitles stayed cut after the window grew
        )
    )
    return (
        chart.configure(font="Source Sans Pro, Helvetica, Arial, sans-serif", background="white")
        .configure_axis(
            labelFontSize=base,
            titleFontSize=base + 1,
            labelColor=INK,
            titleColor=INK,
            gridColor=GRID,
            domainColor=MUTED,
            tickColor=MUTED,
            titleFontWeight="normal",
        )
        .configure_legend(labelFontSize=base, titleFontSize=base, symbolSize=140 if large else 90)
        .configure_view(stroke=None)
        .configure_header(labelFontSize=base + 1, titleFontSize=base + 1, labelColor=INK)
    )


def chart_size(large: bool, height: int = HEIGHT) -> dict[str, int]:
    """Width and height of a plot in pixels; `large` (presentation view) scales them up."""
    return {"width": int(WIDTH * 1.6) if large else WIDTH,
            "height": int(height * 1.5) if large else height}


def by_behaviour(frame: pd.DataFrame, build: Any) -> Any:
    """One panel per behaviour mode (one above the other) on shared scales, if both are there."""
    modes = list(dict.fromkeys(frame["behaviour"])) if "behaviour" in frame else []
    if len(modes) <= 1:
        return build(frame, None)
    panels = [build(frame[frame["behaviour"] == m], BEHAVIOUR_TITLES.get(m, m)) for m in modes]
    return alt.vconcat(*panels).resolve_scale(x="shared", y="shared")

