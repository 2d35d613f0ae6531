"""A comparison of plans: the faces' one call (`compare`) and its typed result.

`compare` simulates the plans on common random numbers and summarises each one against
the first, the reference; with `model_draws` it also runs them under parameter sets
spread over the team's plausible behaviour (`results.uncertainty`). Every face (CLI, app,
exports) reads the `Comparison` it returns by attribute. `to_dict()` is the
`compare --json` object.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from simulator.model.draws import parameter_sets, varied_parameters
from simulator.model.engine import ProgressCallback, Simulation, simulate
from simulator.model.prepare import BehaviorMode
from simulator.plan.currency import same_currency
from simulator.plan.spec import PlanSpec
from simulator.results.budget import budget_figures
from simulator.results.health import HealthReport, plan_health
from simulator.results.summary import JSON_IF_SET, PlanResult, plain, summarise_plan
from simulator.results.uncertainty import DrawFigures, draw_figures, model_range
from simulator.team.spec import TeamSpec, load_team

DEFAULT_TRIALS = 2000
"""Plan years of a comparison and of a health check unless told otherwise: one default for
the CLI's `compare` and `health` and the app, so that they agree."""

DRAW_TRIALS = 400
"""Default plan years per parameter draw: the model range's own luck noise (about 0.5% of
team sales with market shocks) stays small against the spread between draws."""

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Comparison:
    """A finished comparison: the settings and each plan's result, the reference first.

    normal_effort says what defines normal effort (the team's incumbent plan, or the
    reference linear plan). `years` is set for runs of several plan years (then every
    figure is per plan year and each plan has `by_year`). With model draws, `draws` and
    `draw_trials` record them, `model_ranges` the parameter ranges they were spread over,
    and each plan carries its `model_range`.
    """

    seed: int
    trials: int
    team: str
    reps: int
    behavior: str
    normal_effort: str
    plans: tuple[PlanResult, ...]
    years: int | None = field(default=None, metadata=JSON_IF_SET)  # set when more than 1
    draws: int | None = field(default=None, metadata=JSON_IF_SET)
    draw_trials: int | None = field(default=None, metadata=JSON_IF_SET)
    model_ranges: dict[str, list[float]] | None = field(default=None, metadata=JSON_IF_SET)
    budget: float | None = field(default=None, metadata=JSON_IF_SET)
    currency: str | None = field(default=None, metadata=JSON_IF_SET)

    @classmethod
    def from_simulation(cls, sim: Simulation, files: Sequence[str] | None = None) -> Comparison:
        """Summarise every plan of a simulation, with its health findings."""
        files = list(files or [""] * len(sim.models))
        plans = []
        for i in range(len(sim.models)):
            result = summarise_plan(sim, i, files[i])
            plans.append(replace(result, health=tuple(plan_health(sim, i, result))))
        currency = next((m.plan.currency for m in sim.models if m.plan.currency), None)
        return cls(sim.seed, sim.n_trials, sim.team.name, sim.reps.size, sim.behavior,
                   sim.team.normal_effort, tuple(plans), sim.years if sim.years > 1 else None,
                   currency=currency)

    def with_draws(self, draws: Sequence[Sequence[DrawFigures]], own: Sequence[DrawFigures],
                   draw_trials: int, ranges: dict[str, tuple[float, float]]) -> Comparison:
        """The comparison with each plan's model range from per-draw figures.

        draws: for each parameter draw, each plan's figures (plan order as here); own: each
        plan's figures under the team's own parameters on the draws' simulated years.
        """
        plans = tuple(
            replace(p, model_range=model_range(p, [figures[i] for figures in draws], own[i],
                                               is_reference=i == 0))
            for i, p in enumerate(self.plans))
        return replace(self, plans=plans, draws=len(draws), draw_trials=draw_trials,
                       model_ranges={k: list(v) for k, v in ranges.items()})

    def with_budget(self, budget: float | None) -> Comparison:
        """The comparison with each plan's figures against an incentive budget (None: none).

        Reads the per-year payouts already simulated; nothing runs again.
        """
        if budget is None:
            return replace(self, budget=None,
                           plans=tuple(replace(p, budget=None) for p in self.plans))
        plans = tuple(
            replace(p, budget=budget_figures(
                p.trial_payout, budget,
                p.model_range.draw_payouts if p.model_range is not None else None))
            for p in self.plans)
        return replace(self, plans=plans, budget=float(budget))

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
                "pulled_in_sales_share": p.timing.pulled_in_share,
                "pull_discount_share": p.timing.discount_cost_share,
                "leavers_share": p.turnover.leavers_share if p.turnover else None,
                "sales_lost_to_leaving": p.turnover.lost_sales if p.turnover else None,
                "sales_diff_vs_first": sales.mean,
                "sales_diff_ci95_low": sales.ci95_low,
                "sales_diff_ci95_high": sales.ci95_high,
                "payout_diff_vs_first": payout.mean,
                "payout_diff_ci95_low": payout.ci95_low,
                "payout_diff_ci95_high": payout.ci95_high,
                **_model_columns(p),
                **_budget_columns(p),
            })
        return pd.DataFrame(rows)


def _model_columns(p: PlanResult) -> dict[str, float | None]:
    """The model-range columns of a plan's row: P10 and P90 over the draws, sign shares."""
    r = p.model_range
    if r is None:
        return {}
    return {
        "sales_mean_model_p10": r.sales_mean.p10,
        "sales_mean_model_p90": r.sales_mean.p90,
        "payout_mean_model_p10": r.payout_mean.p10,
        "payout_mean_model_p90": r.payout_mean.p90,
        "sales_diff_model_p10": r.vs_first.sales_diff.p10,
        "sales_diff_model_p90": r.vs_first.sales_diff.p90,
        "sales_diff_same_sign_share": r.vs_first.sales_diff.same_sign_share,
        "payout_diff_model_p10": r.vs_first.payout_diff.p10,
        "payout_diff_model_p90": r.vs_first.payout_diff.p90,
        "payout_diff_same_sign_share": r.vs_first.payout_diff.same_sign_share,
    }


def _budget_columns(p: PlanResult) -> dict[str, float | None]:
    """The budget columns of a plan's row (none without a budget)."""
    b = p.budget
    if b is None:
        return {}
    out: dict[str, float | None] = {
        "budget": b.amount,
        "chance_payout_above_budget": b.chance_above,
        "expected_overrun": b.expected_overrun,
    }
    if b.model_chance_above is not None:
        out["chance_payout_above_budget_model"] = b.model_chance_above
        out["expected_overrun_model"] = b.model_expected_overrun
    return out


def compare(
    plans: Sequence[PlanSpec],
    team: TeamSpec,
    n_trials: int = DEFAULT_TRIALS,
    seed: int = 0,
    behavior: BehaviorMode = "adaptive",
    files: Sequence[str] | None = None,
    chunk_trials: int | None = None,
    progress: ProgressCallback | None = None,
    executor: Executor | None = None,
    model_draws: int = 0,
    draw_trials: int = DRAW_TRIALS,
    years: int = 1,
) -> Comparison:
    """Simulate plans on common random numbers and summarise them against the first.

    model_draws: parameter sets of the behaviour model to run the plans under as well
    (0: none), each for `draw_trials` plan years on the same reps and luck; adaptive
    behaviour only (static reps have no behaviour to vary). progress(done, total) counts
    plan years of the main run and then of the draws. years: consecutive plan years per
    trial (more than one: figures per plan year, and each year's in `by_year`). Plans
    that state different currencies are refused (InputError naming the file).
    """
    same_currency(plans, files if files else [p.name for p in plans])  # or InputError
    with_draws = model_draws > 0 and behavior == "adaptive"
    draw_trials = min(draw_trials, n_trials)
    total = n_trials + (model_draws * draw_trials if with_draws else 0)
    sim = simulate(plans, team, n_trials, seed, behavior, chunk_trials,
                   _shifted(progress, 0, total), executor, years)
    result = Comparison.from_simulation(sim, files)
    if not with_draws:
        return result
    teams = parameter_sets(team, model_draws, seed)
    tasks = [(list(plans), variant, draw_trials, seed, years) for variant in teams]
    runs = executor.map(_draw, *zip(*tasks, strict=True)) if executor else (
        _draw(*task) for task in tasks)
    figures = []
    for k, run in enumerate(runs):
        figures.append(run)
        if progress is not None:
            progress(n_trials + (k + 1) * draw_trials, total)
    own = draw_figures(sim, draw_trials)  # the first trials are the draws' trials
    return result.with_draws(figures, own, draw_trials, varied_parameters(team))


def _draw(plans: list[PlanSpec], team: TeamSpec, n_trials: int, seed: int, years: int
          ) -> list[DrawFigures]:
    """One parameter draw: the plans' figures on the same reps and luck."""
    return draw_figures(simulate(plans, team, n_trials, seed, "adaptive", years=years))


def _shifted(progress: ProgressCallback | None, offset: int, total: int
             ) -> ProgressCallback | None:
    """A progress callback of a part of a longer run: done counts from `offset` of `total`."""
    if progress is None:
        return None
    return lambda done, _: progress(offset + done, total)


def health_report(
    plan: PlanSpec,
    team: TeamSpec | None = None,
    n_trials: int = DEFAULT_TRIALS,
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
