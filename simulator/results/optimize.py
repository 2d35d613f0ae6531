"""The optimiser: the plan that sells most for the money, within a budget on P90 payout.

`optimize` searches declared levers of a plan (`plan.levers`), each between a low and a
high bound, for the plan that maximises an objective (expected team sales, or sales less
expected incentive payout) while the team's P90 incentive payout per plan year stays within
a budget. Every plan is simulated with the same seed as the starting plan (common random
numbers): two plans differ by the plans, not by luck, so the search can compare them
exactly and the result is reproducible bit for bit.

Two searches (`METHODS`):

- ``grid`` (the default): a coarse grid of all the levers together (`steps` values of
  each from its low to its high bound, and the plan's own), simulated as one batch
  (`batch.run_batch`, tasks on any executor); then a pattern search from the best of
  it: every neighbour (each lever a half step down, held or up, together, since a move
  along the budget's edge needs two levers at once) as one batch, to the best, until
  none is better; then the step is halved, `refine` times. A search one lever at a
  time stalls at once when the budget binds: from the shipped high-threshold plan at
  its own P90 it never left the start.
- ``scipy``: `scipy.optimize.minimize` (Nelder-Mead) on the levers scaled to [0, 1],
  with the budget as a penalty; one plan at a time (Nelder-Mead is sequential).

On the shipped high-threshold plan (threshold, cap and rate above quota as levers, its own
P90 payout as the budget, 2,000 trials) the grid search gained +225k of sales a year in
116 plans (119 s), Nelder-Mead +75k in 92 (212 s): README, "Sweeps and the optimiser";
hence the default.

Feasible: P90 payout at most the budget; with behaviour-model draws also in at least
ROBUST_SHARE of the draws (each draw's P90 is the headline's plus the draw's difference
from the team's own parameters on the same years, as `results.uncertainty` reads it).
Among feasible plans the best objective wins; when none is feasible, the lowest P90.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np

from simulator.model.prepare import BehaviorMode
from simulator.plan.levers import DECIMALS, Lever, LeverValue, plan_at
from simulator.plan.spec import PlanSpec
from simulator.results.batch import BatchRun, run_batch
from simulator.results.comparison import DRAW_TRIALS, Comparison
from simulator.results.optimize_terms import METHODS, OBJECTIVES
from simulator.results.summary import plain
from simulator.results.uncertainty import ROBUST_SHARE
from simulator.team.spec import TeamSpec

__all__ = ["METHODS", "OBJECTIVES", "Bounds", "Optimum", "Point", "optimize"]

MAX_EVALUATIONS = 2000
"""Plans one search may simulate."""
MAX_GRID = 150
"""Plans of the grid search's first, coarse grid (all levers together)."""

Settings = tuple[LeverValue, ...]


@dataclass(frozen=True)
class Bounds:
    """A lever the optimiser may move, and how far: from `low` to `high`."""

    lever: Lever
    low: float
    high: float


@dataclass(frozen=True)
class Point:
    """One plan the search simulated: its lever values and figures (currency per year).

    within_budget: P90 payout at most the budget (and, with draws, robustly so);
    draws_within_budget: the share of model draws whose P90 is within budget (None
    without draws).
    """

    values: tuple[LeverValue, ...]
    sales_mean: float
    payout_mean: float
    payout_p90: float
    objective: float
    within_budget: bool
    draws_within_budget: float | None = None


@dataclass(frozen=True)
class OptimizedLever:
    """A lever of the search: its path, words, bounds, the start's and the best value."""

    path: str
    label: str
    low: float
    high: float
    start: LeverValue
    best: LeverValue


@dataclass(frozen=True)
class Optimum:
    """A finished search (JSON: the `optimize --json` object).

    frontier: the simulated plans no other simulated plan beats on both sales (more) and
    P90 payout (less), by P90; comparison: the start against the chosen plan (the
    reference first), as `compare` gives it; evaluations: plans simulated.
    """

    plan: str
    objective: str
    method: str
    budget: float
    levers: tuple[OptimizedLever, ...]
    start: Point
    best: Point
    frontier: tuple[Point, ...]
    evaluations: int
    comparison: Comparison
    chosen: PlanSpec

    def to_dict(self) -> dict[str, object]:
        """The `optimize --json` object (the chosen plan as its plan-file mapping)."""
        out: dict[str, object] = {
            k: plain(getattr(self, k)) for k in ("plan", "objective", "method", "budget",
                                                 "levers", "start", "best", "frontier",
                                                 "evaluations")}
        out["comparison"] = self.comparison.to_dict()
        out["chosen_plan"] = self.chosen.to_yaml_dict()
        return out


class _Search:
    """Simulated plans by lever values, each simulated once, with the start first."""

    def __init__(self, plan: PlanSpec, bounds: Sequence[Bounds], team: TeamSpec,
                 n_trials: int, seed: int, behavior: BehaviorMode, objective: str,
                 budget: float, executor: Executor | None, groups: int, model_draws: int,
                 draw_trials: int, flag: str):
        self.plan, self.bounds, self.team = plan, list(bounds), team
        self.args = (n_trials, seed, behavior)
        self.objective, self.budget, self.flag = objective, budget, flag
        self.executor, self.groups = executor, groups
        self.model_draws, self.draw_trials = model_draws, draw_trials
        base = plan.to_yaml_dict()
        self.start_values: Settings = tuple(b.lever.value(base) for b in self.bounds)
        self.seen: dict[Settings, Point] = {}

    def evaluate(self, wanted: Sequence[Settings]) -> list[Point]:
        """The points at these settings, simulating (in one batch) those not yet seen."""
        new = list(dict.fromkeys(s for s in wanted if s not in self.seen))
        if len(self.seen) + len(new) > MAX_EVALUATIONS:
            raise ValueError(f"the search needs more than {MAX_EVALUATIONS} plans")
        if new or not self.seen:
            specs = [plan_at(self.plan, [(b.lever, v) for b, v in
                                         zip(self.bounds, s, strict=True)], self.flag)
                     for s in new if s != self.start_values]
            todo = [s for s in new if s != self.start_values]
            n_trials, seed, behavior = self.args
            run = run_batch(self.plan, specs, self.team, n_trials, seed, behavior,
                            executor=self.executor, groups=self.groups,
                            model_draws=self.model_draws, draw_trials=self.draw_trials)
            for i, settings in enumerate([self.start_values, *todo]):
                self.seen[settings] = self._point(settings, run, i)
        return [self.seen[s] for s in wanted]

    def _point(self, settings: Settings, run: BatchRun, i: int) -> Point:
        result = run.comparison.plans[i]
        sales, payout, p90 = result.sales.mean, result.payout.mean, result.payout.p90
        share = None
        within = p90 <= self.budget
        draws = run.draws
        if draws:
            own = run.own[i]
            p90s = np.array([p90 + d[i].payout_p90 - own.payout_p90 for d in draws])
            share = float((p90s <= self.budget).mean())
            within = within and share >= ROBUST_SHARE
        value = sales if self.objective == "sales" else sales - payout
        return Point(settings, sales, payout, p90, value, within, share)

    def best(self) -> Point:
        """The best point seen: feasible and highest objective, else the lowest P90."""
        return min(self.seen.values(), key=_rank)

    @property
    def count(self) -> int:
        return len(self.seen)


def _rank(p: Point) -> tuple[int, float]:
    return (0, -p.objective) if p.within_budget else (1, p.payout_p90)


def _grid(low: float, high: float, steps: int) -> list[float]:
    return [round(float(v), DECIMALS) for v in np.linspace(low, high, steps)]


def _grid_search(search: _Search, steps: int, refine: int, rounds: int) -> None:
    """A coarse grid of every lever together, then a pattern search around the best.

    The grid has `steps` values per lever (fewer when their product would pass
    MAX_GRID) and the plan's own values; it is one batch. Then each round simulates every
    neighbour of the best point (each lever down, held or up by half a grid step, all
    together: moves along the budget's edge need two levers at once) and moves to the
    best of them, until none is better; the step is then halved, `refine` times.
    """
    bounds, start = search.bounds, search.start_values
    per = max(2, steps)
    while per ** len(bounds) > MAX_GRID and per > 2:
        per -= 1
    grids = [list(dict.fromkeys([*_grid(b.low, b.high, per), s]))
             for b, s in zip(bounds, start, strict=True)]
    search.evaluate([start, *itertools.product(*grids)])
    current = search.best()
    widths = [(b.high - b.low) / 4 for b in bounds]
    for _ in range(refine + 1):
        for _ in range(rounds):
            best = min(search.evaluate(_neighbours(current.values, bounds, widths)), key=_rank)
            if not _rank(best) < _rank(current):
                break
            current = best
        widths = [w / 2 for w in widths]


def _neighbours(values: Settings, bounds: Sequence[Bounds], widths: Sequence[float]
                ) -> list[Settings]:
    """Every setting one step down, held or up per lever (at most 2 levers move at once).

    A lever left out (None: no cap) moves to its high bound or stays out.
    """
    options = []
    for b, v, w in zip(bounds, values, widths, strict=True):
        if v is None:
            options.append([None, b.high])
        else:
            options.append(list(dict.fromkeys(round(min(b.high, max(b.low, v + s * w)),
                                                    DECIMALS) for s in (-1, 0, 1))))
    out = []
    for combo in itertools.product(*options):
        if combo != values and sum(c != v for c, v in zip(combo, values, strict=True)) <= 2:
            out.append(tuple(combo))
    return out


def _scipy_search(search: _Search, evaluations: int) -> None:
    """Nelder-Mead on the levers scaled to [0, 1], the budget as a penalty."""
    from scipy.optimize import minimize

    start = search.evaluate([search.start_values])[0]
    scale = max(abs(start.objective), 1.0)
    bounds = search.bounds

    def settings(x: np.ndarray) -> Settings:
        return tuple(round(b.low + float(np.clip(v, 0, 1)) * (b.high - b.low), DECIMALS)
                     for b, v in zip(bounds, x, strict=True))

    def loss(x: np.ndarray) -> float:
        if search.count >= evaluations:
            return math.inf
        p = search.evaluate([settings(x)])[0]
        excess = max(0.0, p.payout_p90 - search.budget) / search.budget
        return -p.objective / scale + 10.0 * excess

    x0 = np.array([1.0 if v is None else (v - b.low) / (b.high - b.low)
                   for b, v in zip(bounds, search.start_values, strict=True)])
    minimize(loss, np.clip(x0, 0, 1), method="Nelder-Mead",
             options={"maxfev": evaluations, "xatol": 1e-3, "fatol": 1e-5,
                      "initial_simplex": _simplex(np.clip(x0, 0, 1))})


def _simplex(x0: np.ndarray) -> np.ndarray:
    """A first simplex a quarter of each lever's range wide, inside [0, 1]."""
    out = [x0]
    for i in range(len(x0)):
        x = x0.copy()
        x[i] = x[i] + 0.25 if x[i] + 0.25 <= 1 else x[i] - 0.25
        out.append(x)
    return np.array(out)


def frontier(points: Sequence[Point]) -> list[Point]:
    """The points no other beats on both sales (more) and P90 payout (less), by P90."""
    out: list[Point] = []
    for p in sorted(points, key=lambda p: (p.payout_p90, -p.sales_mean)):
        if not out or p.sales_mean > out[-1].sales_mean:
            out.append(p)
    return out


def optimize(
    plan: PlanSpec,
    bounds: Sequence[Bounds],
    team: TeamSpec,
    budget: float,
    n_trials: int,
    seed: int = 0,
    behavior: BehaviorMode = "adaptive",
    objective: str = "sales",
    method: str = "grid",
    steps: int = 3,
    refine: int = 3,
    rounds: int = 4,
    evaluations: int = 200,
    executor: Executor | None = None,
    groups: int = 1,
    model_draws: int = 0,
    draw_trials: int = DRAW_TRIALS,
    flag: str = "--lever",
    name: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Optimum:
    """Search the levers for the best plan within `budget` (module doc).

    bounds: each lever with its range; budget: P90 incentive payout per plan year;
    steps, refine, rounds: the grid search's values per lever, refinements and rounds
    per grid; evaluations: the most plans the scipy search simulates. executor, groups,
    model_draws, draw_trials: as `batch.compare_batch`. name: the chosen plan's name.
    Raises ValueError for an unknown objective or method; InputError (naming `flag`)
    when a lever value gives a plan that is not valid.
    """
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {', '.join(OBJECTIVES)}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}")
    search = _Search(plan, bounds, team, n_trials, seed, behavior, objective, budget,
                     executor, groups, model_draws, draw_trials, flag)
    if method == "grid":
        _grid_search(search, steps, refine, rounds)
    else:
        _scipy_search(search, evaluations)
    if progress is not None:
        progress(search.count)
    start, best = search.seen[search.start_values], search.best()
    if not _rank(best) < _rank(start):
        best = start  # nothing beat the plan as it is
    settings = [(b.lever, v) for b, v in zip(bounds, best.values, strict=True)]
    chosen = plan_at(plan, settings, flag, name or f"{plan.name} (optimised)")
    from simulator.results.batch import compare_batch

    comparison = compare_batch(plan, [chosen], team, n_trials, seed, behavior,
                               executor=executor, model_draws=model_draws,
                               draw_trials=draw_trials).with_budget(budget)
    levers = tuple(OptimizedLever(b.lever.path, b.lever.label, b.low, b.high, s, v)
                   for b, s, v in zip(bounds, start.values, best.values, strict=True))
    return Optimum(plan.name, objective, method, float(budget), levers, start, best,
                   tuple(frontier(list(search.seen.values()))), search.count, comparison,
                   chosen)
