"""The Sensitivity page: move a plan's levers and see sales and cost respond (a sweep).

The analyst picks one of the compared plans and up to three levers (threshold, cap, rate
above quota, quota level, weight, target incentive), each with a range and a number of
points; `simulator.results.sweep.sweep` simulates every point on the same reps and luck
as the plan itself. The page shows each lever's response curves (sales and P90 payout),
the tornado of their swings, and the points as a table and a CSV download. One cached
call (`run_sweep`) per set of inputs; it runs only when asked (the button).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from simulator.base.errors import InputError
from simulator.plan.levers import Lever, parse_lever, suggested_range
from simulator.plan.spec import PlanSpec
from simulator.results import charts
from simulator.results.export import csv_bytes
from simulator.results.sweep import Sweep, sweep
from simulator.team.spec import TeamSpec
from ui.cache import spec_key
from ui.widgets import show_chart

MAX_PAGE_LEVERS = 3
POINT_CHOICES = (3, 5, 7, 9)
TRIAL_CHOICES = (200, 500, 1000, 2000)
FIELDS = ("threshold", "cap", "rate_above_quota", "quota", "weight")
"""A measure's levers the page offers (weight only when the plan has several measures)."""


def lever_options(plan: PlanSpec) -> dict[str, Lever]:
    """The levers the page offers for a plan, by their words (measure fields, then pay).

    A lever the plan does not have is left out (a commission plan has no target incentive).
    """
    paths = [f"measures[{i}].{field}" for i in range(len(plan.measures)) for field in FIELDS
             if field != "weight" or len(plan.measures) > 1]
    out: dict[str, Lever] = {}
    for path in [*paths, "pay.target_incentive", "announce_day"]:
        try:
            lever = parse_lever(path, plan, "lever")
        except InputError:
            continue
        out[lever.label] = lever
    return out


@st.cache_data(show_spinner="Simulating the sweep ...", max_entries=16)
def run_sweep(_plan: PlanSpec, _team: TeamSpec, key: str,
              levers: tuple[tuple[str, tuple[float, ...]], ...], n_trials: int,
              seed: int) -> Sweep:
    """Sweep the plan's levers one at a time (key: `spec_key([_plan], _team)`).

    levers: each lever's path and values. The points run in the server's process: the
    shared pool's workers (`ui.cache.worker_pool`) end with the script thread that started
    them (their parent-death signal is per thread), so a pool first used here breaks.
    """
    chosen = [(parse_lever(path, _plan, "lever"), list(values)) for path, values in levers]
    return sweep(_plan, chosen, _team, n_trials, seed)


def _values(low: float, high: float, points: int) -> tuple[float, ...]:
    return tuple(dict.fromkeys(round(float(v), 6) for v in np.linspace(low, high, points)))


def _lever_inputs(label: str, lever: Lever, start: float | None) -> tuple[float, ...]:
    low, high = suggested_range(lever, start)
    whole = lever.field in ("announce_day",)
    step = 1.0 if whole else float(max((high - low) / 100, 1e-6))
    cols = st.columns([3, 1])
    chosen = cols[0].slider(f"{label}: range", min_value=float(min(low, start or low)),
                            max_value=float(max(high, start or high)),
                            value=(float(low), float(high)), step=step,
                            key=f"sens_range_{lever.path}")
    points = cols[1].selectbox("Points", POINT_CHOICES, index=1,
                               key=f"sens_points_{lever.path}")
    values = _values(chosen[0], chosen[1], points)
    return tuple(float(round(v)) for v in values) if whole else values


def _points_table(result: Sweep) -> pd.DataFrame:
    frame = result.to_frame()
    keep = [lever.path for lever in result.levers] + [
        "sales_mean", "payout_p50", "payout_p90", "incentive_cost_of_sales",
        "share_at_or_above_quota", "gave_up_share", "capped_share", "sales_diff"]
    names = {lever.path: lever.label for lever in result.levers}
    names.update({"sales_mean": "Sales / year", "payout_p50": "Payout P50",
                  "payout_p90": "Payout P90", "incentive_cost_of_sales": "Cost of sales",
                  "share_at_or_above_quota": "At quota", "gave_up_share": "Gave up",
                  "capped_share": "Capped", "sales_diff": "Sales vs plan"})
    return frame[keep].rename(columns=names)


def sensitivity_page(specs: Sequence[PlanSpec], labels: Sequence[str], team: TeamSpec | None,
                     seed: int) -> None:
    """The page: plan and levers, the button, then the curves, the tornado and the table."""
    st.markdown("Move one number of a plan at a time and see how expected sales and the "
                "cost respond. Every point meets the same reps and the same luck as the "
                "plan itself, so the differences are the lever's doing.")
    if not specs or team is None:
        st.info("Pick a plan and a valid team in the sidebar first.")
        return
    name = st.selectbox("Plan", list(labels), key="sens_plan")
    plan = specs[list(labels).index(name)] if name in labels else specs[0]
    options = lever_options(plan)
    defaults = [k for k in options if k.endswith(": threshold")][:1] or list(options)[:1]
    picked = st.multiselect("Levers (at most 3)", list(options), default=defaults,
                            max_selections=MAX_PAGE_LEVERS, key="sens_levers")
    base = plan.to_yaml_dict()
    chosen = []
    for label in picked:
        lever = options[label]
        chosen.append((lever.path, _lever_inputs(label, lever, lever.value(base))))
    trials = st.selectbox("Plan years per point", TRIAL_CHOICES, index=1, key="sens_trials")
    if st.button("Run the sweep", type="primary", key="sens_run", disabled=not chosen):
        st.session_state["sens_request"] = (spec_key([plan], team), tuple(chosen), trials)
    request = st.session_state.get("sens_request")
    if request is None or request[0] != spec_key([plan], team):
        st.caption("Choose the levers and their ranges, then run the sweep.")
        return
    try:
        result = run_sweep(plan, team, request[0], request[1], request[2], seed)
    except Exception as error:  # noqa: BLE001 - a point may not be a valid plan
        st.error(f"The sweep could not run: {error}", icon=":material/error:")
        return
    _show(result, plan.currency)


def _show(result: Sweep, currency: str | None = None) -> None:
    curves = charts.response_frame(result)
    if not curves.empty:
        show_chart(charts.response_chart(curves, currency=currency), "sensitivity_curves")
    show_chart(charts.tornado_chart(charts.tornado_frame(result), currency=currency),
               "sensitivity_tornado")
    st.dataframe(_points_table(result), hide_index=True, width="stretch",
                 column_config=_formats(result, currency))
    st.download_button("Points (CSV)", data=csv_bytes(result.to_frame()),
                       file_name="sensitivity.csv", mime="text/csv", key="sens_csv",
                       icon=":material/download:")


def _formats(result: Sweep, currency: str | None = None) -> dict[str, Any]:
    """Money columns in the plan's currency (named in the header when it states one)."""
    money = {c: st.column_config.NumberColumn(format="$%,.0f") if currency is None else
             st.column_config.NumberColumn(f"{c} ({currency})", format="%,.0f")
             for c in ("Sales / year", "Payout P50", "Payout P90", "Sales vs plan")}
    share = st.column_config.NumberColumn(format="percent")
    out: dict[str, Any] = dict(money)
    out.update({k: share for k in ("Cost of sales", "At quota", "Gave up", "Capped")})
    return out
