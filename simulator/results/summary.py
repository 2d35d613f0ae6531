"""Simulation -> the numbers every face shows: distributions, shares, paired differences.

Everything here reads a `Simulation` and returns plain data; nothing is simulated again.
Units: team sales and payouts are per plan year (currency); shares are fractions of
rep-periods; attainment is a multiple of quota.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from simulator.model.engine import (
    ATTAINMENT_BINS,
    Behavior,
    PlanModel,
    PlanTally,
    Progress,
    Simulation,
    simulate,
)
from simulator.plan.spec import WEEKS_PER_YEAR, PlanSpec
from simulator.team.spec import TeamSpec

FloatArray = NDArray[np.float64]
Z95 = 1.959963984540054


def distribution(values: FloatArray) -> dict[str, float]:
    """Mean and percentiles of per-trial values."""
    p5, p10, p50, p90, p95 = np.percentile(values, [5, 10, 50, 90, 95])
    return {
        "mean": float(values.mean()),
        "p5": float(p5),
        "p10": float(p10),
        "p50": float(p50),
        "p90": float(p90),
        "p95": float(p95),
    }


def chance_above(values: FloatArray, threshold: float) -> float:
    """Share of trials whose value exceeds `threshold` (e.g. a year's payout over budget)."""
    return float((np.asarray(values) > threshold).mean())


def paired_difference(values: FloatArray, reference: FloatArray) -> dict[str, float]:
    """Mean of per-trial differences with a 95% normal-approximation interval."""
    diff = values - reference
    mean = float(diff.mean())
    half = Z95 * float(diff.std(ddof=1)) / np.sqrt(diff.size) if diff.size > 1 else 0.0
    return {"mean": mean, "ci95_low": mean - half, "ci95_high": mean + half}


def histogram_quantiles(histogram: NDArray[np.int64], qs: list[float]) -> list[float]:
    """Quantiles of primary-measure attainment from the engine's histogram (0.005 wide bins)."""
    total = histogram.sum()
    if total == 0:
        return [float("nan")] * len(qs)
    cdf = np.cumsum(histogram) / total
    edges = np.concatenate(([ATTAINMENT_BINS[0]], ATTAINMENT_BINS, [ATTAINMENT_BINS[-1]]))
    out = []
    for q in qs:
        i = int(np.searchsorted(cdf, q))
        out.append(float((edges[i] + edges[i + 1]) / 2))
    return out


def attainment_histogram(model: PlanModel, tally: PlanTally, width: float = 0.05) -> pd.DataFrame:
    """Share of rep-periods by primary-measure attainment, in bins of `width` (for charts)."""
    counts = tally.attainment_histogram[1:-1]
    per = max(1, int(round(width / (ATTAINMENT_BINS[1] - ATTAINMENT_BINS[0]))))
    grouped = counts[: counts.size // per * per].reshape(-1, per).sum(axis=1)
    starts = ATTAINMENT_BINS[:-1:per][: grouped.size]
    total = max(int(tally.attainment_histogram.sum()), 1)
    return pd.DataFrame({"attainment": starts, "share": grouped / total})


def decile_table(sim: Simulation, index: int) -> list[dict[str, float]]:
    """Mean sales, payout and effort per rep by decile of normal-effort productivity."""
    tally = sim.tallies[index]
    order = np.argsort(sim.models[0].revenue_default, kind="stable")
    rows = []
    for group in np.array_split(order, 10):
        if group.size == 0:
            rows.append(
                {
                    "sales_mean": float("nan"),
                    "payout_mean": float("nan"),
                    "effort_mean": float("nan"),
                }
            )
            continue
        rows.append(
            {
                "sales_mean": float(tally.rep_sales[group].mean() / sim.n_trials),
                "payout_mean": float(tally.rep_payout[group].mean() / sim.n_trials),
                "effort_mean": float(
                    tally.rep_effort[group].mean() / (sim.n_trials * WEEKS_PER_YEAR)
                ),
            }
        )
    return rows


def plan_summary(sim: Simulation, index: int, file: str = "") -> dict[str, Any]:
    """Every number the faces show for one plan (the `compare --json` schema)."""
    model, tally = sim.models[index], sim.tallies[index]
    first = sim.tallies[0]
    plan = model.plan
    n_reps = sim.reps.size
    rep_periods = n_reps * plan.periods_per_year
    sales_mean = float(tally.sales.mean())
    payout_mean = float(tally.payout.mean())
    base = plan.pay.base_salary * n_reps
    p10, p50, p90 = histogram_quantiles(tally.attainment_histogram, [0.10, 0.50, 0.90])
    measures = [
        {
            "name": m.name,
            "metric": m.metric,
            "weight": m.weight,
            "attainment_mean": float(tally.measure_attainment[:, k].mean() / rep_periods),
            "payout_mean": float(tally.measure_payout[:, k].mean()),
            "tracked": bool(model.mix.tracked[k]) if model.mix.tracked.size else True,
        }
        for k, m in enumerate(plan.measures)
    ]
    return {
        "name": plan.name,
        "file": file,
        "description": plan.description,
        "period": plan.period,
        "sales": distribution(tally.sales),
        "payout": distribution(tally.payout),
        "cost_of_sales": {
            "incentive": payout_mean / sales_mean if sales_mean else float("nan"),
            "total": (base + payout_mean) / sales_mean if sales_mean else float("nan"),
        },
        "base_salaries": base,
        "quota_attainment": {
            "measure": plan.measures[model.primary].name,
            "share_at_or_above": float(tally.at_quota.mean() / rep_periods),
            "p10": p10,
            "p50": p50,
            "p90": p90,
        },
        "effort": {
            "mean": float(tally.effort.mean() / (n_reps * WEEKS_PER_YEAR)),
            "gave_up_share": float(tally.gave_up.mean() / rep_periods),
            "capped_share": float(tally.capped.mean() / rep_periods),
        },
        "deferred_sales_share": float(tally.deferred.sum() / tally.sales.sum())
        if tally.sales.sum() > 0
        else 0.0,
        "measures": measures,
        "deciles": decile_table(sim, index),
        "vs_first": {
            "sales_diff": paired_difference(tally.sales, first.sales),
            "payout_diff": paired_difference(tally.payout, first.payout),
        },
    }


@dataclass(frozen=True)
class Comparison:
    """A finished comparison: the raw simulation and each plan's summary."""

    simulation: Simulation
    plans: tuple[dict[str, Any], ...]

    @classmethod
    def from_simulation(cls, sim: Simulation, files: list[str] | None = None) -> Comparison:
        """Summarise every plan of a simulation."""
        files = files or [""] * len(sim.models)
        return cls(sim, tuple(plan_summary(sim, i, files[i]) for i in range(len(sim.models))))

    def to_dict(self) -> dict[str, Any]:
        """The `compare --json` object."""
        sim = self.simulation
        return {
            "seed": sim.seed,
            "trials": sim.n_trials,
            "team": sim.team.name,
            "reps": sim.reps.size,
            "behavior": sim.behavior,
            "plans": list(self.plans),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per plan with the headline numbers (for tables and exports)."""
        rows = []
        for p in self.plans:
            rows.append(
                {
                    "plan": p["name"],
                    "sales_mean": p["sales"]["mean"],
                    "sales_p5": p["sales"]["p5"],
                    "sales_p95": p["sales"]["p95"],
                    "payout_mean": p["payout"]["mean"],
                    "payout_p50": p["payout"]["p50"],
                    "payout_p90": p["payout"]["p90"],
                    "payout_p95": p["payout"]["p95"],
                    "incentive_cost_of_sales": p["cost_of_sales"]["incentive"],
                    "total_cost_of_sales": p["cost_of_sales"]["total"],
                    "share_at_or_above_quota": p["quota_attainment"]["share_at_or_above"],
                    "effort_mean": p["effort"]["mean"],
                    "gave_up_share": p["effort"]["gave_up_share"],
                    "capped_share": p["effort"]["capped_share"],
                    "deferred_sales_share": p["deferred_sales_share"],
                    "sales_diff_vs_first": p["vs_first"]["sales_diff"]["mean"],
                    "sales_diff_ci95_low": p["vs_first"]["sales_diff"]["ci95_low"],
                    "sales_diff_ci95_high": p["vs_first"]["sales_diff"]["ci95_high"],
                    "payout_diff_vs_first": p["vs_first"]["payout_diff"]["mean"],
                    "payout_diff_ci95_low": p["vs_first"]["payout_diff"]["ci95_low"],
                    "payout_diff_ci95_high": p["vs_first"]["payout_diff"]["ci95_high"],
                }
            )
        return pd.DataFrame(rows)



def compare(
    plans: list[PlanSpec],
    team: TeamSpec,
    n_trials: int = 2000,
    seed: int = 0,
    behavior: Behavior = "adaptive",
    files: list[str] | None = None,
    chunk_trials: int | None = None,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> Comparison:
    """Simulate plans on common random numbers and summarise them: the faces' one call."""
    sim = simulate(plans, team, n_trials, seed, behavior, chunk_trials, progress, executor)
    return Comparison.from_simulation(sim, files)
