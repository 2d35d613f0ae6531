"""Funnel rates per rep-month from the history's activity metrics, where it has them."""

from __future__ import annotations

import math

import pandas as pd

from simulator.team.calibrate.calibration import Estimate, interval
from simulator.team.history import History

FUNNEL_METRICS = ("dials", "conversations", "meetings", "deals")


def funnel_rates(history: History,
                 notes: list[str]) -> tuple[dict[str, Estimate], Estimate | None]:
    """Team rate per rep per month of each funnel metric present (cluster SE by rep).

    Returns the rates by metric and the minutes per conversation (from talk_time /
    conversations, else the mean of avg_call_minutes; None if neither is in the history).
    Appends to `notes` when the funnel narrows the wrong way.
    """
    months = history.months_per_period
    funnel = {}
    for metric in FUNNEL_METRICS:
        rows = history.metric(metric)
        if rows.empty:
            continue
        funnel[metric] = ratio(rows.groupby("rep_id")["actual"].sum(),
                               rows.groupby("rep_id").size() * months)
    minutes = None
    talk, calls = history.metric("talk_time"), history.metric("conversations")
    if not talk.empty and not calls.empty:
        both = talk.merge(calls, on=("rep_id", "index"), suffixes=("_talk", "_calls"))
        if not both.empty and both["actual_calls"].sum() > 0:
            minutes = ratio(both.groupby("rep_id")["actual_talk"].sum() * 60,
                            both.groupby("rep_id")["actual_calls"].sum())
    if minutes is None and not history.metric("avg_call_minutes").empty:
        rows = history.metric("avg_call_minutes")
        minutes = ratio(rows.groupby("rep_id")["actual"].sum(), rows.groupby("rep_id").size())
    order = [m for m in FUNNEL_METRICS if m in funnel]
    for a, b in zip(order, order[1:], strict=False):
        if funnel[b].value > funnel[a].value:
            notes.append(f"history has more {b} than {a} per rep-month "
                         f"({funnel[b].value:,.1f} > {funnel[a].value:,.1f}); check the export")
    return funnel, minutes


def ratio(numerator: pd.Series, denominator: pd.Series) -> Estimate:
    """Ratio of sums over reps, with a standard error that treats reps as clusters.

    numerator, denominator: one value per rep, indexed by rep_id.
    """
    num = numerator.to_numpy(dtype=float)
    den = denominator.reindex(numerator.index).to_numpy(dtype=float)
    value = num.sum() / den.sum()
    n = num.size
    se = math.sqrt(((num - value * den) ** 2).sum() * n / max(n - 1, 1)) / den.sum()
    return interval(float(value), se)
