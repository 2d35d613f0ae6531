"""A plan's incentive payout against a budget: the chance to exceed it, the expected overrun.

A budget is a finance input, not a simulation setting: it reads the per-year payouts a
finished comparison already holds, so changing it never runs the simulation again. Two
views of each figure: with the team's own behaviour parameters (the headline years, luck
and the market's shocks), and, when the comparison has behaviour-model draws, over every
simulated year of every draw (the behaviour model's uncertainty included).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from simulator.results.summary import JSON_IF_SET


@dataclass(frozen=True)
class BudgetFigures:
    """One plan's payout against a budget (JSON: the plan's `budget` block).

    amount: the budget (currency per plan year); chance_above: share of simulated years
    whose team payout exceeds it; expected_overrun: mean over years of
    max(0, payout - amount) (currency per year; a year within budget counts 0). The
    `model_` figures are the same over all years of all behaviour-model draws (None
    without draws).
    """

    amount: float
    chance_above: float
    expected_overrun: float
    model_chance_above: float | None = field(default=None, metadata=JSON_IF_SET)
    model_expected_overrun: float | None = field(default=None, metadata=JSON_IF_SET)


def chance_above(payouts: ArrayLike, budget: float) -> float:
    """Share of years whose payout exceeds `budget`; payouts of any shape."""
    return float((np.asarray(payouts, dtype=float) > budget).mean())


def expected_overrun(payouts: ArrayLike, budget: float) -> float:
    """Mean of max(0, payout - budget) over years; payouts of any shape (currency/year)."""
    return float(np.maximum(np.asarray(payouts, dtype=float) - budget, 0.0).mean())


def budget_figures(trial_payout: ArrayLike, budget: float,
                   draw_payouts: ArrayLike | None = None) -> BudgetFigures:
    """A plan's figures against `budget`.

    trial_payout: team payout per simulated year, shape (n_trials,); draw_payouts: the
    same for every behaviour-model draw, shape (draws, draw_trials), or None.
    """
    return BudgetFigures(
        amount=float(budget),
        chance_above=chance_above(trial_payout, budget),
        expected_overrun=expected_overrun(trial_payout, budget),
        model_chance_above=(None if draw_payouts is None
                            else chance_above(draw_payouts, budget)),
        model_expected_overrun=(None if draw_payouts is None
                                else expected_overrun(draw_payouts, budget)),
    )
