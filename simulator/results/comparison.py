"""A comparison of plans: the faces' one call (`compare`) and its typed result.

`compare` simulates the plans on common random numbers and summarises each one against
the first, the reference; every face (CLI, app, exports) reads the `Comparison` it
returns by attribute. `to_dict()` is the `compare --json` object.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from simulator.model.engine import ProgressCallback, Simulation, simulate
from simulator.model.prepare import BehaviorMode
from simulator.plan.spec import PlanSpec
from simulator.results.health import HealthReport, plan_health
from simulator.results.summary import PlanResult, plain, summarise_plan
from simulator.team.spec import TeamSpec, load_team

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Comparison:
    """A finished comparison: the settings and each plan's result, the reference first."""

    seed: int
    trials: int
    team: str
    reps: int
    behavior: str
    plans: tuple[PlanResult, ...]

    @classmethod
    def from_simulation(cls, sim: Simulation, files: Sequence[str] | None = None) -> Comparison:
        """Summarise every plan of a simulation, with its health findings."""
        files = list(files or [""] * len(sim.models))
        plans = []
        for i in range(len(sim.models)):
            result = summarise_plan(sim, i, files[i])
            plans.append(replace(result, health=tuple(plan_health(sim, i, result))))
        return cls(sim.seed, sim.n_trials, sim.team.name, sim.reps.size, sim.behavior,
                   tuple(plans))

    @property
    def reference(self) -> PlanResult:
        """The plan the others are measured against (the first)."""
        return self.plans[0]

    def to_dict(self) -> dict[str, Any]:
        """The `compare --json` object."""
        out: dict[str, Any] = plain(self)
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per plan with the headline numbers (for tables and exports)."""
        import pandas as pd

        rows = []
        for p in self.plans:
            sales, payout = p.vs_first.sales_diff, p.vs_first.payout_diff
            rows.append({
                "plan": p.name,
                "sales_mean": p.sales.mean,
                "sales_p5": p.sales.p5,
                "sales_p95": p.sales.p95,
                "payout_mean": p.payout.mean,
                "payout_p50": p.payout.p50,
                "payout_p90": p.payout.p90,
                "payout_p95": p.payout.p95,
                "incentive_cost_of_sales": p.cost_of_sales.incentive,
                "total_cost_of_sales": p.cost_of_sales.total,
                "share_at_or_above_quota": p.quota_attainment.share_at_or_above,
                "effort_mean": p.effort.mean,
                "gave_up_share": p.effort.gave_up_share,
                "capped_share": p.effort.capped_share,
                "deferred_sales_share": p.deferred_sales_share,
                "sales_diff_vs_first": sales.mean,
                "sales_diff_ci95_low": sales.ci95_low,
                "sales_diff_ci95_high": sales.ci95_high,
                "payout_diff_vs_first": payout.mean,
                "payout_diff_ci95_low": payout.ci95_low,
                "payout_diff_ci95_high": payout.ci95_high,
            })
        return pd.DataFrame(rows)


def compare(
    plans: Sequence[PlanSpec],
    team: TeamSpec,
    n_trials: int = 2000,
    seed: int = 0,
    behavior: BehaviorMode = "adaptive",
    files: Sequence[str] | None = None,
    chunk_trials: int | None = None,
    progress: ProgressCallback | None = None,
    executor: Executor | None = None,
) -> Comparison:
    """Simulate plans on common random numbers and summarise them against the first."""
    sim = simulate(plans, team, n_trials, seed, behavior, chunk_trials, progress, executor)
    return Comparison.from_simulation(sim, files)


def health_report(
    plan: PlanSpec,
    team: TeamSpec | None = None,
    n_trials: int = 1000,
    seed: int = 0,
    behavior: BehaviorMode = "adaptive",
) -> HealthReport:
    """Simulate one plan on a team (the default team if None) and read its health."""
    team = team if team is not None else load_team(None)
    result = compare([plan], team, n_trials, seed, behavior)
    return HealthReport(plan.name, result.team, result.reps, result.trials, result.seed,
                        result.behavior, result.plans[0].health)


def reference_order(names: Sequence[str], files: Sequence[str], reference: str) -> list[int]:
    """Plan indices with the reference first: the plan whose name or file is `reference`.

    Raises ValueError when no plan matches. The others keep their order.
    """
    matches = [i for i, (name, file) in enumerate(zip(names, files, strict=True))
               if reference in (name, file)]
    if not matches:
        raise ValueError(f"{reference!r} is neither the name nor the file of a compared plan")
    first = matches[0]
    return [first, *(i for i in range(len(names)) if i != first)]


def unique_names(names: Sequence[str]) -> list[str]:
    """Plan names made unique for tables and legends: a repeated name gets (2), (3) ...

    Names are compared ignoring case and surrounding spaces, as plan files compare
    measure names.
    """
    seen: dict[str, int] = {}
    out = []
    for name in names:
        key = name.strip().casefold()
        seen[key] = seen.get(key, 0) + 1
        out.append(name if seen[key] == 1 else f"{name} ({seen[key]})")
    return out
