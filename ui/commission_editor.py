"""The plan editor's commission widgets: a rate measure's method, tiers and cap.

Only widgets and words live here: the measure's plan-file mapping is built by
`simulator.plan.commission_edits` and validated by `plan_from_dict`, as a plan file is,
so the editor refuses what `python -m simulator validate` refuses, with the same problem
named in the editor's words (`commission_message`).
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import streamlit as st

from simulator.base.metrics import METRICS
from simulator.plan.commission_edits import METHODS, edited_commission, tier_rows
from ui.state import init

METHOD_LABELS = {
    "marginal": "Marginal: each band's rate on the value inside it",
    "retroactive": "Retroactive: the band reached sets the rate on all of it",
}
TIER_COLUMNS = ("attainment", "rate")
COMMISSION = re.compile(
    r"^measures\[(\d+)\] \((.*?)\)\.commission\.(method|tiers|cap)(?:\[(\d+)\]\[(\d+)\])?: (.*)$")
"""A validator's line about a commission schedule: measure number and name, field, and for
a tier's cell its row and column (1: attainment, 2: rate)."""
FIELDS = {"method": "Commission method", "tiers": "Commission tiers",
          "cap": "Commission cap per period"}


def commission_message(line: str) -> str:
    """A validator's line on a commission in the editor's words.

    "measures[1] (A).commission.tiers[2][2]: Input should be a valid number" -> "Measure 1
    (A), Commission tiers, row 2, rate: must be a number".
    """
    m = COMMISSION.match(line)
    if m is None:
        return line
    number, name, field, row, column, message = m.groups()
    where = f"Measure {number} ({name or 'no name'}), {FIELDS[field]}"
    if row is not None:
        where += f", row {row}, {TIER_COLUMNS[int(column) - 1] if column in '12' else column}"
    message = message.replace("Input should be a valid number", "must be a number")
    return f"{where}: {message}"


def rate_help(metric: str) -> str:
    """What a rate means for a metric: a share of a currency metric, currency per unit else."""
    if METRICS[metric].unit == "currency":
        return "A share of the metric's value: 0.05 pays 5% of it (at most 1)."
    return f"Currency per unit of {metric}: 150 pays 150 a unit."


def schedule_inputs(k: str, commission: dict[str, Any], metric: str) -> dict[str, Any]:
    """A commission's method, cap and tiers (widget key prefix `k`); its plan-file mapping.

    The tiers are a table of [attainment where the band starts (× quota), rate]; rows can
    be added and deleted. Nothing is checked here: the plan's validator names the problem.
    """
    c1, c2 = st.columns([3, 2])
    c1.selectbox("Commission method", options=list(METHODS),
                 key=init(k + "method", commission["method"]),
                 format_func=METHOD_LABELS.__getitem__,
                 help="Marginal: a tax-bracket schedule, pay is continuous. Retroactive: "
                      "crossing a band's start re-prices everything sold (its rates may not "
                      "fall from band to band).")
    c2.number_input("Commission cap per period", min_value=0.0, step=1000.0, format="%.2f",
                    value=None, placeholder="no cap", key=init(k + "commission_cap",
                                                               commission.get("cap")),
                    help="At most this much currency per rep-period. Leave empty for no cap.")
    start = pd.DataFrame([list(tier) for tier in commission["tiers"]],
                         columns=list(TIER_COLUMNS), dtype=float)
    table = st.data_editor(
        start, key=k + "tiers", num_rows="dynamic", hide_index=True, width="stretch",
        column_config={
            "attainment": st.column_config.NumberColumn(
                "Band starts at (× quota)", format="%.4g", step=0.05,
                help="Attainment where the band starts: 0 = from the first unit, 1 = quota."),
            "rate": st.column_config.NumberColumn("Rate", format="%.6g", step=0.005,
                                                  help=rate_help(metric))})
    st.caption(f"Tiers: one row per band, in rising attainment. {rate_help(metric)}")
    cap = st.session_state[k + "commission_cap"]
    return edited_commission(st.session_state[k + "method"],
                             tier_rows(table[list(TIER_COLUMNS)].itertuples(index=False)),
                             None if cap is None else float(cap))
