"""Tidy frames of a comparison for the charts: aggregated first, never raw per-trial rows.

Each builder reads typed results (`PlanResult`, `Distribution`) or plan specs and returns
a small frame: histograms on common bins, P50/P90 markers, payout curves on a grid,
deciles, measures and attainment shares.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from simulator.plan.payout import PayoutCurve, PlanPayout
from simulator.plan.spec import PlanSpec
from simulator.results.summary import Distribution, PlanResult

FloatArray = NDArray[np.float64]


def distribution_frame(
    samples: Sequence[tuple[str, str, np.ndarray]], bins: int | None = None
) -> pd.DataFrame:
    """Histogram per (plan, behaviour) of per-trial values on common bin edges.

    samples: (plan label, behaviour, values of shape (n_trials,)). bins: the number of
    common bins; by default enough (30-200) that the narrowest series spans about a dozen.
    Returns one row per bin: plan, behaviour, start, end, mid, share (fraction of that
    series' trials in the bin).
    """
    arrays = [np.asarray(v, dtype=float) for _, _, v in samples]
    pooled = np.concatenate(arrays)
    low, high = float(pooled.min()), float(pooled.max())
    if high <= low:
        pad = 0.005 * max(abs(low), 1.0)
        low, high = low - pad, high + pad
    if bins is None:
        spreads = [float(np.subtract(*np.percentile(a, [95, 5]))) for a in arrays if a.size]
        narrowest = min((w for w in spreads if w > 0), default=high - low)
        bins = int(np.clip(np.ceil(12 * (high - low) / narrowest), 30, 200))
    edges = np.linspace(low, high, bins + 1)
    rows = []
    for plan, behaviour, values in samples:
        counts, _ = np.histogram(values, bins=edges)
        share = counts / max(len(values), 1)
        rows.append(
            pd.DataFrame(
                {
                    "plan": plan,
                    "behaviour": behaviour,
                    "start": edges[:-1],
                    "end": edges[1:],
                    "mid": (edges[:-1] + edges[1:]) / 2,
                    "share": share,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def marker_frame(rows: Sequence[tuple[str, str, Distribution]]) -> pd.DataFrame:
    """P50 and P90 markers per (plan, behaviour) of a distribution."""
    out = []
    for plan, behaviour, dist in rows:
        for value, label in ((dist.p50, "P50 (median)"), (dist.p90, "P90")):
            out.append({"plan": plan, "behaviour": behaviour, "marker": label,
                        "value": float(value)})
    return pd.DataFrame(out)


def model_range_frame(rows: Sequence[tuple[str, str, PlanResult]], what: str) -> pd.DataFrame:
    """The model range of each plan's mean sales or payout (`what`), for the distributions.

    rows: (plan label, behaviour, plan result); plans without model draws are left out.
    Columns: plan, behaviour, p10, p50, p90 (currency per plan year) and row (the plan's
    place, 0 first, to stack the ranges above the histogram).
    """
    out = []
    for i, (plan, behaviour, result) in enumerate(rows):
        spread = None if result.model_range is None else (
            result.model_range.sales_mean if what == "sales" else result.model_range.payout_mean)
        if spread is not None:
            out.append({"plan": plan, "behaviour": behaviour, "p10": spread.p10,
                        "p50": spread.p50, "p90": spread.p90, "row": i})
    return pd.DataFrame(out, columns=["plan", "behaviour", "p10", "p50", "p90", "row"])


def payout_curve_frame(
    plans: Sequence[tuple[str, PlanSpec]], max_attainment: float = 2.0, step: float = 0.01
) -> pd.DataFrame:
    """Payout multiple against attainment for each measure and the whole plan.

    Rows: plan, measure ("Whole plan" for the weighted sum, i.e. a rep at the same
    attainment on every measure), weight, attainment (fraction of quota), payout
    (multiple of that measure's target incentive; of the plan's for "Whole plan") and
    pay_per_year (currency per rep per year at that attainment).
    """
    rows = []
    for label, plan in plans:
        breaks: list[float] = []
        for m in plan.measures:
            breaks += [x for x, _ in m.curve]
            if m.commission is not None:
                breaks += [x for x, _ in m.commission.tiers]
            if m.threshold is not None:
                breaks.append(m.threshold)
        if plan.has_commission:
            rows += _commission_rows(label, plan, breaks, max_attainment, step)
            continue
        eps = 1e-6
        grid = np.arange(0.0, max_attainment + step / 2, step)
        extra = [b + d for b in breaks for d in (-eps, 0.0) if 0 <= b + d <= max_attainment]
        grid = np.unique(np.concatenate((grid, extra)))
        total = np.zeros_like(grid)
        for m in plan.measures:
            multiple = PayoutCurve.from_measure(m)(grid)
            total += m.weight * multiple
            rows.append(pd.DataFrame({
                "plan": label, "measure": m.name, "weight": m.weight, "attainment": grid,
                "payout": multiple,
                "pay_per_year": multiple * m.weight * plan.target_incentive,
            }))
        rows.append(pd.DataFrame({
            "plan": label, "measure": "Whole plan", "weight": 1.0, "attainment": grid,
            "payout": total, "pay_per_year": total * plan.target_incentive,
        }))
    return pd.concat(rows, ignore_index=True)


def _grid(breaks: list[float], max_attainment: float, step: float) -> FloatArray:
    eps = 1e-6
    grid = np.arange(0.0, max_attainment + step / 2, step)
    extra = [b + d for b in breaks for d in (-eps, 0.0) if 0 <= b + d <= max_attainment]
    return np.unique(np.concatenate((grid, extra)))


def _commission_rows(label: str, plan: PlanSpec, breaks: list[float], max_attainment: float,
                     step: float) -> list[pd.DataFrame]:
    """A plan with commission measures: each measure's pay as a multiple of its pay at quota.

    A commission's pay depends on the quota itself: with a plain-number quota its pay per
    year is drawn (and the cap applies); with a quota relative to each rep it is the
    multiple of pay at quota, uncapped, pay_per_year left empty (NaN), and the "Whole
    plan" row is the pay-at-quota-weighted sum only when every measure's pay is known.
    """
    grid = _grid(breaks, max_attainment, step)
    payout = PlanPayout.from_plan(plan)
    rows: list[pd.DataFrame] = []
    per_year: list[FloatArray] = []
    at_quota: list[float] = []
    for k, m in enumerate(plan.measures):
        known = m.commission is None or m.quota.kind == "absolute"
        quota = m.quota.value if known else 1.0  # else per unit of each rep's own quota
        scale = plan.periods_per_year if known else 1.0
        pay = payout.measure_pay(k, grid, quota) * scale
        at_one = float(payout.measure_pay(k, np.ones(1), quota)[0]) * scale
        rows.append(pd.DataFrame({
            "plan": label, "measure": m.name, "weight": m.weight, "attainment": grid,
            "payout": pay / at_one if at_one > 0 else np.zeros_like(grid),
            "pay_per_year": pay if known else np.nan,
        }))
        if known:
            per_year.append(pay)
            at_quota.append(at_one)
    if len(per_year) == len(plan.measures) and sum(at_quota) > 0:
        total = np.sum(per_year, axis=0)
        rows.append(pd.DataFrame({
            "plan": label, "measure": "Whole plan", "weight": 1.0, "attainment": grid,
            "payout": total / sum(at_quota), "pay_per_year": total,
        }))
    elif len(plan.measures) == 1:  # the whole plan is its one measure
        rows.append(rows[0].assign(measure="Whole plan", weight=1.0))
    return rows


def decile_frame(rows: Sequence[tuple[str, str, PlanResult]]) -> pd.DataFrame:
    """Mean sales, payout and effort per rep by productivity decile (1 = least productive).

    rows: (plan label, behaviour, plan result).
    """
    out = []
    for plan, behaviour, result in rows:
        for i, d in enumerate(result.deciles, start=1):
            out.append({"plan": plan, "behaviour": behaviour, "decile": i,
                        "sales_mean": d.sales_mean, "payout_mean": d.payout_mean,
                        "effort_mean": d.effort_mean})
    return pd.DataFrame(out)


def weekly_frame(rows: Sequence[tuple[str, str, PlanResult]]) -> pd.DataFrame:
    """Team bookings and mean effort per rep in each week of the plan year (1 to 48).

    rows: (plan label, behaviour, plan result). Bookings are currency per week (mean over
    the simulated years); effort is 1 at normal effort.
    """
    out = []
    for plan, behaviour, result in rows:
        weeks = np.arange(1, result.weekly_sales.size + 1)
        out.append(pd.DataFrame({"plan": plan, "behaviour": behaviour, "week": weeks,
                                 "bookings": result.weekly_sales,
                                 "effort": result.weekly_effort}))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(
        columns=["plan", "behaviour", "week", "bookings", "effort"])


def measure_frame(rows: Sequence[tuple[str, str, PlanResult]]) -> pd.DataFrame:
    """Per-measure mean attainment and payout for each plan (one row per plan and measure)."""
    out = []
    for plan, behaviour, result in rows:
        for m in result.measures:
            out.append({
                "plan": plan, "behaviour": behaviour, "measure": m.name,
                "metric": m.metric, "weight": m.weight,
                "attainment_mean": m.attainment_mean, "payout_mean": m.payout_mean,
                "attention": "attended" if m.tracked else "ignored by reps",
            })
    return pd.DataFrame(out)


def attainment_frame(rows: Sequence[tuple[str, str, PlanResult]],
                     max_attainment: float = 2.5, width: float = 0.05) -> pd.DataFrame:
    """Primary-measure attainment histograms of each (plan, behaviour), stacked.

    One row per bin of `width`: plan, behaviour, attainment (the bin's start) and share of
    rep-periods. The share above `max_attainment` is folded into the last bin so shares
    still sum to 1.
    """
    out = []
    for plan, behaviour, result in rows:
        starts, shares = result.attainment_shares(width)
        h = pd.DataFrame({"attainment": starts, "share": shares})
        inside = h["attainment"] < max_attainment
        tail = float(h.loc[~inside, "share"].sum())
        h = h[inside].copy()
        if len(h) and tail:
            h.iloc[-1, h.columns.get_loc("share")] += tail
        h["plan"], h["behaviour"] = plan, behaviour
        out.append(h)
    return pd.concat(out, ignore_index=True)

