"""Sweeps: a plan's figures as its levers move, and each lever's swing (a tornado).

`sweep` varies one or more levers of a plan (`plan.levers`): one at a time, the others
at the plan's own values (response curves), or over the grid of all their values
together. Every point is validated as a plan before anything runs, and every point is
simulated on common random numbers with the starting plan as the reference
(`batch.compare_batch`), so each point's difference from the start has a tight luck
interval and, with model draws, its model range and the share of draws in which its sign
holds. The tornado takes each lever from the plan's value to the ends of its range (the
lowest and highest values swept), the others held at the plan's values.

Typed, frozen results read by attribute; `to_dict()` is the `sweep --json` object,
`to_frame()` the `-o points.csv` table.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from simulator.model.prepare import BehaviorMode
from simulator.plan.levers import Lever, LeverValue, plan_at
from simulator.plan.spec import PlanSpec
from simulator.results.batch import Progress, compare_batch
from simulator.results.budget import chance_above
from simulator.results.comparison import DRAW_TRIALS
from simulator.results.summary import JSON_IF_SET, Difference, PlanResult, plain
from simulator.results.uncertainty import DifferenceSpread, Spread
from simulator.team.spec import TeamSpec

if TYPE_CHECKING:
    import pandas as pd

MAX_SWEEP_POINTS = 400
"""Plans one sweep may simulate (each lever's values, or their grid, and the tornado's)."""
TOLERANCE = 1e-9
"""A lever value this close to the plan's own is the plan's own (the start point)."""

Settings = tuple[LeverValue, ...]


@dataclass(frozen=True)
class PointRange:
    """A point's figures over the behaviour-model draws (P10-P90; robust: sign >= 90%)."""

    sales_mean: Spread
    payout_p90: Spread
    sales_diff: DifferenceSpread
    payout_diff: DifferenceSpread


@dataclass(frozen=True)
class SweepPoint:
    """One plan of a sweep: its lever values and figures (currency per plan year).

    values: each lever's value, in the sweep's lever order (None: left out);
    sales_diff, payout_diff: against the starting plan, paired, 95% interval of luck only.
    """

    values: tuple[LeverValue, ...]
    sales_mean: float
    payout_mean: float
    payout_p50: float
    payout_p90: float
    incentive_cost_of_sales: float
    share_at_or_above_quota: float
    gave_up_share: float
    capped_share: float
    sales_diff: Difference
    payout_diff: Difference
    chance_above_budget: float | None = field(default=None, metadata=JSON_IF_SET)
    model_range: PointRange | None = field(default=None, metadata=JSON_IF_SET)

    @classmethod
    def of(cls, values: Settings, result: PlanResult, budget: float | None) -> SweepPoint:
        """A point's figures from its plan's result in the sweep's comparison."""
        r = result.model_range
        model = None if r is None else PointRange(r.sales_mean, r.payout_p90,
                                                  r.vs_first.sales_diff, r.vs_first.payout_diff)
        return cls(
            values=values,
            sales_mean=result.sales.mean,
            payout_mean=result.payout.mean,
            payout_p50=result.payout.p50,
            payout_p90=result.payout.p90,
            incentive_cost_of_sales=result.cost_of_sales.incentive,
            share_at_or_above_quota=result.quota_attainment.share_at_or_above,
            gave_up_share=result.effort.gave_up_share,
            capped_share=result.effort.capped_share,
            sales_diff=result.vs_first.sales_diff,
            payout_diff=result.vs_first.payout_diff,
            chance_above_budget=(None if budget is None
                                 else chance_above(result.trial_payout, budget)),
            model_range=model,
        )


@dataclass(frozen=True)
class SweptLever:
    """A lever of a sweep: its path, words, the plan's own value and the values swept."""

    path: str
    label: str
    start: LeverValue
    values: tuple[LeverValue, ...]


@dataclass(frozen=True)
class TornadoBar:
    """One lever's swing: the figures at the ends of its range, the others at the plan's.

    low and high: the lowest and highest values swept (a cap's ``none`` counts as the
    highest: no cap); sales_swing: sales at high minus sales at low (currency per year).
    """

    path: str
    label: str
    start: LeverValue
    low: LeverValue
    high: LeverValue
    sales_low: float
    sales_high: float
    payout_p90_low: float
    payout_p90_high: float
    cost_of_sales_low: float
    cost_of_sales_high: float

    @property
    def sales_swing(self) -> float:
        """Sales at the high end minus at the low end."""
        return self.sales_high - self.sales_low


@dataclass(frozen=True)
class Sweep:
    """A finished sweep (JSON: the `sweep --json` object).

    mode: "one at a time" (each lever alone, the others at the plan's values) or "grid"
    (every combination); start: the plan as it is, also the reference of every
    difference; points: in sweep order, the start among them where it was swept.
    """

    plan: str
    file: str
    team: str
    reps: int
    trials: int
    seed: int
    behavior: str
    mode: str
    levers: tuple[SweptLever, ...]
    start: SweepPoint
    points: tuple[SweepPoint, ...]
    tornado: tuple[TornadoBar, ...]
    budget: float | None = field(default=None, metadata=JSON_IF_SET)
    draws: int | None = field(default=None, metadata=JSON_IF_SET)
    draw_trials: int | None = field(default=None, metadata=JSON_IF_SET)
    currency: str | None = field(default=None, metadata=JSON_IF_SET)  # the plan's, if stated

    def to_dict(self) -> dict[str, Any]:
        """The `sweep --json` object."""
        out: dict[str, Any] = plain(self)
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per point: each lever's value, then the figures (the CSV's columns)."""
        import pandas as pd

        rows = []
        for point in self.points:
            row: dict[str, Any] = {lever.path: value for lever, value
                                   in zip(self.levers, point.values, strict=True)}
            row.update(_point_columns(point))
            rows.append(row)
        return pd.DataFrame(rows)


def _point_columns(point: SweepPoint) -> dict[str, Any]:
    out: dict[str, Any] = {
        "sales_mean": point.sales_mean,
        "payout_mean": point.payout_mean,
        "payout_p50": point.payout_p50,
        "payout_p90": point.payout_p90,
        "incentive_cost_of_sales": point.incentive_cost_of_sales,
        "share_at_or_above_quota": point.share_at_or_above_quota,
        "gave_up_share": point.gave_up_share,
        "capped_share": point.capped_share,
        "sales_diff": point.sales_diff.mean,
        "sales_diff_ci95_low": point.sales_diff.ci95_low,
        "sales_diff_ci95_high": point.sales_diff.ci95_high,
        "payout_diff": point.payout_diff.mean,
        "payout_diff_ci95_low": point.payout_diff.ci95_low,
        "payout_diff_ci95_high": point.payout_diff.ci95_high,
    }
    if point.chance_above_budget is not None:
        out["chance_payout_above_budget"] = point.chance_above_budget
    r = point.model_range
    if r is not None:
        out.update({
            "sales_mean_model_p10": r.sales_mean.p10,
            "sales_mean_model_p90": r.sales_mean.p90,
            "payout_p90_model_p10": r.payout_p90.p10,
            "payout_p90_model_p90": r.payout_p90.p90,
            "sales_diff_model_p10": r.sales_diff.p10,
            "sales_diff_model_p90": r.sales_diff.p90,
            "sales_diff_same_sign_share": r.sales_diff.same_sign_share,
            "sales_diff_robust": r.sales_diff.robust if r.sales_diff.same_sign_share
            is not None else None,
        })
    return out


def sweep_settings(levers: Sequence[tuple[Lever, Sequence[LeverValue]]],
                   starts: Sequence[LeverValue], grid: bool) -> list[Settings]:
    """The points of a sweep as lever values, in order, without repeats.

    One at a time: each lever's values in turn, the others at `starts`; grid: every
    combination (the first lever slowest).
    """
    if grid:
        combos = itertools.product(*(values for _, values in levers))
        return list(dict.fromkeys(tuple(c) for c in combos))
    out: list[Settings] = []
    for i, (_, values) in enumerate(levers):
        for value in values:
            out.append(tuple(value if j == i else s for j, s in enumerate(starts)))
    return list(dict.fromkeys(out))


def _tornado_ends(values: Sequence[LeverValue]) -> tuple[LeverValue, LeverValue]:
    """The lowest and highest of a lever's values; none (no cap) is the highest."""
    numbers = sorted(v for v in values if v is not None)
    low = numbers[0] if numbers else None
    high = None if None in values or not numbers else numbers[-1]
    return low, high


def _same(a: Settings, b: Settings) -> bool:
    return all((x is None and y is None) or (x is not None and y is not None
                                             and abs(x - y) <= TOLERANCE * max(1.0, abs(y)))
               for x, y in zip(a, b, strict=True))


def sweep(
    plan: PlanSpec,
    levers: Sequence[tuple[Lever, Sequence[LeverValue]]],
    team: TeamSpec,
    n_trials: int,
    seed: int = 0,
    behavior: BehaviorMode = "adaptive",
    grid: bool = False,
    file: str = "",
    executor: Executor | None = None,
    groups: int = 1,
    model_draws: int = 0,
    draw_trials: int = DRAW_TRIALS,
    budget: float | None = None,
    flag: str = "--vary",
    progress: Progress | None = None,
) -> Sweep:
    """Simulate a plan with its levers moved, on common random numbers.

    levers: each lever with the values it takes; grid: every combination instead of one
    lever at a time. Every point is built and validated before anything runs: a point
    that is not a valid plan raises InputError naming `flag`, the lever and the value.
    Raises ValueError when there are more than MAX_SWEEP_POINTS points.
    executor, groups, model_draws, draw_trials: as `compare_batch`.
    """
    base = plan.to_yaml_dict()
    starts = tuple(lever.value(base) for lever, _ in levers)
    wanted = sweep_settings(levers, starts, grid)
    ends = []
    for i, (_, values) in enumerate(levers):
        for end in _tornado_ends(values):
            ends.append(tuple(end if j == i else s for j, s in enumerate(starts)))
    unique: list[Settings] = []
    for settings in [*wanted, *ends]:
        if not _same(settings, starts) and not any(_same(settings, u) for u in unique):
            unique.append(settings)
    if len(unique) > MAX_SWEEP_POINTS:
        raise ValueError(f"{len(unique):,} plans to simulate; at most {MAX_SWEEP_POINTS}")
    specs = [plan_at(plan, [(lever, value) for (lever, _), value
                            in zip(levers, settings, strict=True)], flag)
             for settings in unique]
    result = compare_batch(plan, specs, team, n_trials, seed, behavior,
                           [file, *[""] * len(specs)], executor, groups, model_draws,
                           draw_trials, progress=progress)
    start = SweepPoint.of(starts, result.plans[0], budget)
    evaluated = [SweepPoint.of(s, r, budget) for s, r in zip(unique, result.plans[1:],
                                                              strict=True)]

    def point(settings: Settings) -> SweepPoint:
        if _same(settings, starts):
            return start
        return next(p for p in evaluated if _same(p.values, settings))

    bars = []
    for i, (lever, values) in enumerate(levers):
        low, high = _tornado_ends(values)
        at_low = point(tuple(low if j == i else s for j, s in enumerate(starts)))
        at_high = point(tuple(high if j == i else s for j, s in enumerate(starts)))
        bars.append(TornadoBar(lever.path, lever.label, starts[i], low, high,
                               at_low.sales_mean, at_high.sales_mean, at_low.payout_p90,
                               at_high.payout_p90, at_low.incentive_cost_of_sales,
                               at_high.incentive_cost_of_sales))
    bars.sort(key=lambda b: -abs(b.sales_swing))
    swept = tuple(SweptLever(lever.path, lever.label, start, tuple(values))
                  for (lever, values), start in zip(levers, starts, strict=True))
    return Sweep(
        plan=plan.name, file=file, team=result.team, reps=result.reps, trials=result.trials,
        seed=result.seed, behavior=result.behavior, mode="grid" if grid else "one at a time",
        levers=swept, start=start, points=tuple(point(s) for s in wanted),
        tornado=tuple(bars), budget=budget, draws=result.draws,
        draw_trials=result.draw_trials, currency=plan.currency,
    )
