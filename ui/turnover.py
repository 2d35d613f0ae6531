"""Deal timing and turnover on the results page: what moves across period ends, who leaves."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from simulator.results import charts
from simulator.results.summary import PlanResult


def timing_and_turnover(results: Sequence[tuple[str, str, PlanResult]],
                        currency: str | None = None) -> None:
    """Deals moved across period ends and reps who leave, per plan (adaptive reps).

    results: (plan label, behaviour, plan result) of every run on the page; currency: the
    plans' ISO code, named in the money columns (None: "$").
    """
    rows = []
    for label, mode, p in results:
        if mode != "adaptive":
            continue
        t = p.turnover
        rows.append({
            "Plan": label,
            "Sales pushed out": 100 * p.timing.pushed_out_share,
            "Sales pulled in": 100 * p.timing.pulled_in_share,
            "Discount on pulled deals": 100 * p.timing.discount_cost_share,
            "Reps leaving / year": 100 * t.leavers_share if t else None,
            "Sales lost to empty seats": round(t.lost_sales) if t else None,
            "of which beyond today": round(t.lost_sales_vs_today) if t else None,
        })
    if not rows:
        return
    share = st.column_config.NumberColumn(format="%.1f%%")

    def money(title: str) -> Any:
        if currency is None:
            return st.column_config.NumberColumn(format=f"{charts.CURRENCY}%,d")
        return st.column_config.NumberColumn(f"{title} ({currency})", format="%,d")

    st.markdown("**Deal timing and turnover.** Shares of the year's sales; sales lost to "
                "empty seats and new hires' ramps at normal effort. Today's leaving is in "
                "the history already, so only the part beyond it changes a plan's sales.")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
                 column_config={"Sales pushed out": share, "Sales pulled in": share,
                                "Discount on pulled deals": share,
                                "Reps leaving / year": share,
                                "Sales lost to empty seats": money("Sales lost to empty seats"),
                                "of which beyond today": money("of which beyond today")})
