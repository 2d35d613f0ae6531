"""Charts of a sweep: each lever's response curves and the tornado of their swings.

Frames first (`response_frame`, `tornado_frame`: small tidy frames of a `Sweep`), then
charts of them, in the house look (`style`). A lever left out (a cap of ``none``) has no
place on a numeric axis: the response curves skip it, and the tornado names it.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from simulator.results.charts.style import (
    MUTED,
    PALETTE,
    chart_size,
    finish,
    money_axis,
    money_tip,
    money_title,
)
from simulator.results.sweep import Sweep

FIGURES = {
    "sales_mean": "Expected team sales / year",
    "payout_p90": "P90 incentive payout / year",
}
"""The figures of the response curves: field of a point -> panel title."""


def response_frame(result: Sweep) -> pd.DataFrame:
    """One row per lever, point and figure of a one-at-a-time sweep.

    Columns: lever (its words), value (the lever's value; rows with None are left out),
    figure (panel title), amount (currency per plan year), start (the plan's own value).
    Only points that move one lever from the plan's values belong to that lever's curve.
    """
    rows = []
    starts = [lever.start for lever in result.levers]
    for i, lever in enumerate(result.levers):
        for point in result.points:
            others = [v for j, v in enumerate(point.values) if j != i]
            if point.values[i] is None or others != [s for j, s in enumerate(starts) if j != i]:
                continue
            for field, title in FIGURES.items():
                rows.append({"lever": lever.label, "value": point.values[i], "figure": title,
                             "amount": getattr(point, field), "start": lever.start})
    return pd.DataFrame(rows, columns=["lever", "value", "figure", "amount", "start"])


def response_chart(frame: pd.DataFrame, large: bool = False,
                   currency: str | None = None) -> Any:
    """Sales and P90 payout against each lever's value; a rule marks the plan's own value.

    currency: the plan's ISO code, named on the axes and tooltips (None: "$").
    """
    base = alt.Chart(frame).encode(
        x=alt.X("value:Q", title="Lever value", scale=alt.Scale(zero=False)),
        y=alt.Y("amount:Q", title=None if currency is None else currency,
                axis=alt.Axis(format=money_axis(currency)), scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("lever:N", title="Lever"), alt.Tooltip("value:Q", title="Value"),
                 alt.Tooltip("figure:N", title="Figure"),
                 alt.Tooltip("amount:Q", title=money_title("Amount", currency),
                             format=money_tip(currency))])
    line = base.mark_line(color=PALETTE[0], strokeWidth=2.5, point=True)
    own = alt.Chart(frame).transform_filter("datum.start != null").mark_rule(
        color=MUTED, strokeDash=[4, 4]).encode(x="start:Q")
    chart = alt.layer(line, own).properties(
        width=300 if large else 240, height=200 if large else 160).facet(
        row=alt.Row("figure:N", title=None, sort=list(FIGURES.values())),
        column=alt.Column("lever:N", title=None)).resolve_scale(x="independent",
                                                                y="independent")
    return finish(chart, "How each lever moves sales and the cost",
                  "Each lever alone, the others at the plan's values; the dashed line is "
                  "the plan's own value", large, fit=False)


def tornado_frame(result: Sweep) -> pd.DataFrame:
    """Two rows per lever (its low and high end): sales against the plan's, sorted by swing.

    Columns: lever, end ("low" or "high"), value (words: ``0.3``, ``none``), change
    (sales at that end less the plan's, currency per plan year), sales, swing (absolute).
    """
    rows = []
    for bar in result.tornado:
        for end, value, sales in (("low", bar.low, bar.sales_low),
                                  ("high", bar.high, bar.sales_high)):
            rows.append({"lever": bar.label, "end": end,
                         "value": "none" if value is None else f"{value:g}",
                         "change": sales - result.start.sales_mean, "sales": sales,
                         "swing": abs(bar.sales_swing)})
    return pd.DataFrame(rows, columns=["lever", "end", "value", "change", "sales", "swing"])


def tornado_chart(frame: pd.DataFrame, large: bool = False,
                  currency: str | None = None) -> Any:
    """Each lever's change in expected sales at the ends of its range (widest on top)."""
    order = list(dict.fromkeys(frame.sort_values("swing", ascending=False)["lever"]))
    bars = alt.Chart(frame).mark_bar().encode(
        y=alt.Y("lever:N", title=None, sort=order, axis=alt.Axis(labelLimit=0)),
        x=alt.X("change:Q", title=money_title("Change in expected team sales / year",
                                              currency),
                axis=alt.Axis(format=money_axis(currency))),
        color=alt.Color("end:N", title="End of the range", sort=["low", "high"],
                        scale=alt.Scale(domain=["low", "high"], range=[PALETTE[1], PALETTE[0]]),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("lever:N", title="Lever"), alt.Tooltip("end:N", title="End"),
                 alt.Tooltip("value:N", title="Value"),
                 alt.Tooltip("change:Q", title=money_title("Change in sales", currency),
                             format=money_tip(currency)),
                 alt.Tooltip("sales:Q", title=money_title("Sales", currency),
                             format=money_tip(currency))])
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color=MUTED).encode(x="x:Q")
    size = chart_size(large, height=max(80, 40 * len(order)))
    return finish(alt.layer(bars, zero).properties(**size), "Which lever matters most",
                  "Expected sales at each end of a lever's range against the plan as it is",
                  large)
