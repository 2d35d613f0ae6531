"""Charts of a backtest: what each rep is paid for last year's results under each plan.

Pure functions from a `results.backtest.Backtest` to a tidy frame and an altair chart in
the house look; nothing here imports streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import altair as alt
import pandas as pd

from simulator.results.backtest import Backtest
from simulator.results.charts.style import (
    INK,
    chart_size,
    finish,
    money_axis,
    money_tip,
    money_unit,
)

GOLDEN = 0.6180339887498949
"""The golden ratio's fractional part: rep i's dot sits at (i x GOLDEN) mod 1 in its row."""


def backtest_frame(result: Backtest) -> pd.DataFrame:
    """One row per plan and rep: `plan`, `rep_id`, `paid` and `vs_first` (currency, floats).

    `jitter` spreads a plan's dots over its row, the same for a rep every time (a
    low-discrepancy sequence, not random draws). `vs_first` is the rep's pay under the
    plan minus under the first plan (a rep missing from one plan's pay counts 0 there).
    """
    first = result.plans[0].per_rep
    rows = [{"plan": p.name, "rep_id": rep, "paid": float(paid),
             "vs_first": float(paid - first.get(rep, Decimal(0))),
             "jitter": ((i * GOLDEN) % 1.0 - 0.5) * 1.2}
            for p in result.plans for i, (rep, paid) in enumerate(p.per_rep.items())]
    return pd.DataFrame(rows, columns=["plan", "rep_id", "paid", "vs_first", "jitter"])


def backtest_chart(frame: pd.DataFrame, colours: Mapping[str, str], currency: str | None,
                   large: bool = False) -> Any:
    """Each rep's pay over the file as a dot per plan, a plan per row, its median a tick.

    frame: `backtest_frame`; currency: the plans' ISO code (None: not stated).
    """
    unit = money_unit(currency)
    # from 0 (or the lowest pay) to a little past the highest, so a dot at the end is whole
    low = min(0.0, float(frame["paid"].min())) if len(frame) else 0.0
    high = max(float(frame["paid"].max()) if len(frame) else 0.0, 1.0)
    low, high = low - 0.04 * (high - low) * (low < 0), high + 0.04 * (high - low)
    tip = money_tip(currency)
    y = alt.Y("plan:N", title=None, sort=list(colours),
              axis=alt.Axis(labelLimit=220, labelFontWeight="bold"))
    x = alt.X("paid:Q", title=f"Paid per rep over the file ({unit})",
              axis=alt.Axis(format=money_axis(currency)),
              scale=alt.Scale(domain=[low, high], nice=False))
    dots = alt.Chart(frame).mark_circle(size=110 if large else 70, opacity=0.65).encode(
        x=x, y=y, yOffset=alt.YOffset("jitter:Q", scale=alt.Scale(domain=[-1, 1])),
        color=alt.Color("plan:N", scale=alt.Scale(domain=list(colours),
                                                  range=list(colours.values())),
                        legend=None),  # the rows name the plans
        tooltip=[alt.Tooltip("plan:N", title="Plan"), alt.Tooltip("rep_id:N", title="Rep"),
                 alt.Tooltip("paid:Q", title=f"Paid ({unit})", format=tip),
                 alt.Tooltip("vs_first:Q", title=f"Vs first plan ({unit})", format="+,.0f")],
    )
    medians = alt.Chart(frame).mark_tick(color=INK, thickness=3, size=34 if large else 26
                                         ).encode(
        x=alt.X("median(paid):Q"), y=y,
        tooltip=[alt.Tooltip("plan:N", title="Plan"),
                 alt.Tooltip("median(paid):Q", title=f"Median rep ({unit})", format=tip)])
    height = max(120, 56 * len(colours))
    chart = alt.layer(dots, medians).properties(**chart_size(large, height))
    return finish(chart, "What each rep is paid for last year's results",
                  "A dot per rep, a row per plan; the dark tick is the median rep", large)
