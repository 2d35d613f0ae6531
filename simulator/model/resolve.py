"""Effort policies solved again for what a period pays beyond the plan's measures.

`effort.effort_policies` solves each period on the measures' pay. Two things change that
pay and are not measures, so they are added here, period by period, and the periods they
touch are solved again (`effort.solve_policy`):

- **SPIFFs** (`model.spiff_sim`): in a period the window touches, a SPIFF's expected pay
  at progress x, its metric being x times a normal period's output of the rep's type
  under the plan's mix, times the period's share of the window: `per_unit` pays its rate
  on it, `amount` is paid where it reaches `at` (as if the window's total were the
  period's). A window covering part of a period raises effort over the whole period, by
  its share (the solve has no week-dependent pay).
- **A guarantee** (`draw` with `recoverable: false`) under period settlement: a period
  pays at least the draw, so the end pay is max(pay, draw) and results below the draw
  pay nothing more. A recoverable draw is repaid within the year and leaves marginal pay
  as it is; under year-to-date settlement the floor is on the true-up, which the
  period-by-period solve does not see (docs/MODEL.md).

SPIFFs are paid on top of the floor, never against the draw, as payroll pays them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from simulator.base.calendar import WEEKS_PER_YEAR
from simulator.model.effort import (
    X_GRID,
    Policy,
    RepTypes,
    period_seasons,
    progress_sigma,
    solve_policy,
    terminal_pay,
)
from simulator.model.spiff_sim import SpiffModel
from simulator.plan.payout import PlanPayout
from simulator.plan.spec import PlanSpec
from simulator.team.spec import TeamSpec

FloatArray = NDArray[np.float64]


def guarantee(plan: PlanSpec) -> float | None:
    """The pay floor reps see in each period: a guarantee under period settlement, or None."""
    draw = plan.draw
    if draw is None or draw.recoverable or plan.settlement != "period":
        return None
    return float(draw.amount)


def spiff_extra(model: SpiffModel, types: RepTypes, weeks: int, period: int) -> FloatArray:
    """The SPIFFs' expected pay at the end of `period` by type and progress, (n_types, N_X)."""
    n_types = types.reach.shape[0]
    counts = np.bincount(types.of_rep, minlength=n_types)
    extra = np.zeros((n_types, X_GRID.size))
    for k, spiff in enumerate(model.spiffs):
        share = model.shares[k, period]
        if share <= 0:
            continue
        normal = np.bincount(types.of_rep, weights=model.output[k, 1], minlength=n_types) / counts
        value = share * weeks * normal[:, None] * X_GRID[None, :]
        if spiff.per_unit is not None:
            extra += spiff.per_unit * value
        else:
            assert spiff.amount is not None and spiff.at is not None
            extra += spiff.amount * (value >= spiff.at)
    return extra


def adjusted_policies(policies: list[Policy], plan: PlanSpec, spiffs: SpiffModel | None,
                      payout: PlanPayout, team: TeamSpec, types: RepTypes,
                      pay_weights: FloatArray, sales_luck: NDArray[np.bool_],
                      ratchets: FloatArray | None, is_count: NDArray[np.bool_]) -> list[Policy]:
    """The policies with each period a SPIFF or a guarantee changes solved again."""
    floor = guarantee(plan)
    if not policies or pay_weights.sum() <= 0 or (
            floor is None and (spiffs is None or not spiffs.shares.any())):
        return policies
    weeks = plan.weeks_per_period
    terminal = terminal_pay(payout, pay_weights, types.reach, ratchets,
                            team.behavior.weekly_discount ** WEEKS_PER_YEAR, types.quotas,
                            is_count, types.pay_scale)
    if floor is not None:
        terminal = np.maximum(terminal, floor)
    sigma = progress_sigma(team, pay_weights, sales_luck, weeks)
    seasons = period_seasons(team, weeks)
    out = list(policies)
    for p in range(len(policies)):
        extra = (np.zeros_like(terminal) if spiffs is None
                 else spiff_extra(spiffs, types, weeks, p))
        if floor is None and not extra.any():
            continue
        following = policies[(p + 1) % len(policies)].value_slope_at_start
        out[p] = solve_policy(terminal + extra, types.effort_cost, weeks, float(seasons[p]),
                              sigma, team, following)
    return out
