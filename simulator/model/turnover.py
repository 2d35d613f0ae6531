"""Reps who leave when a plan makes the job worth less, the empty seat and the new hire.

Under the plan in force a share of reps leave each year (`team.turnover.yearly`). That is
already in the history, so in each rep's normal output: what a plan changes is who leaves
*beyond* today. Each seat draws one uniform per plan year, the same for every plan
(common random numbers, branch (4, block[, year]) of the seed); it gives the week the rep
leaves at today's hazard and at the plan's. A seat's output in a week is then normal times
1 + availability under the plan - availability today (availability: 1 while the rep
stays, 0 while the seat is empty, the new hire's ramp after). Under the plan in force both
are the same and nothing changes; a plan that raises the hazard makes reps leave earlier
and loses the weeks between; one that lowers it keeps them longer.

A rep's hazard rises with how much less the job is worth under the plan than today:
worth = base salary + each period's expected pay less its cost of effort, as the reps'
effort solve expects them (undiscounted: when in the year pay comes does not drive
leaving). One departure per seat and year is simulated (the new hire
stays).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from simulator.base.calendar import WEEKS_PER_MONTH, WEEKS_PER_YEAR
from simulator.model.luck import BLOCK_TRIALS, spawn_key
from simulator.team.parameters import Turnover

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
TURNOVER_STREAM = 4


STAYS = WEEKS_PER_YEAR
"""The leaving week of a rep who stays the year."""


@dataclass(frozen=True)
class Leaving:
    """Each seat's weekly hazard of its rep leaving, under a plan and today: (n_reps,) each.

    table: (49, 48) a seat's availability in each week of the year when its rep leaves in
    week k (row 48: stays); a seat only ever needs its row.
    """

    weekly_rate: FloatArray
    today_rate: FloatArray
    rules: Turnover
    table: FloatArray

    def leave_weeks(self, uniforms: FloatArray) -> IntArray:
        """The week each rep leaves under the plan and today, (2, T, n), from uniforms (T, n).

        STAYS (48): the rep stays the year. One uniform gives both weeks, so a plan that
        raises the hazard makes the same reps leave earlier.
        """
        rates = np.stack([self.weekly_rate, self.today_rate])[:, None, :]
        with np.errstate(divide="ignore"):
            week = np.where(rates > 0, -np.log(uniforms)[None] / rates, np.inf)
        return np.minimum(np.floor(week), STAYS).astype(np.intp)

    def apply(self, leave: IntArray, sales_luck: FloatArray) -> FloatArray:
        """The weekly deal luck (48, T, n) with the plan's leaving against today's applied.

        A seat's output is normal x (1 + availability - availability today); only seats
        whose leaving week differs are touched, in a new array. The engine's compiled loop
        applies the same factor week by week (`kernel.period_weeks`); this is its
        statement in numpy, which the tests hold the loop to.
        """
        seats = np.flatnonzero(leave[0] != leave[1])  # over (T x n), row-major
        if not seats.size:
            return sales_luck
        plan, today = leave[0].ravel()[seats], leave[1].ravel()[seats]
        out = sales_luck.copy()
        by_week = out.reshape(sales_luck.shape[0], -1)  # a view: (48, T x n)
        by_week[:, seats] *= (1.0 + self.table[plan] - self.table[today]).T
        return out


def availability(leave: NDArray[Any], week: int | NDArray[Any], rules: Turnover) -> FloatArray:
    """A seat's output share in `week`: 1 before the leaving week, 0 while empty, the ramp.

    leave: the (fractional) week the rep leaves; the seat empties from its whole week.
    """
    left = np.floor(leave)
    hired = left + rules.vacancy_weeks
    ramp_weeks = rules.ramp_months * WEEKS_PER_MONTH
    if ramp_weeks:
        ramp = np.minimum(1.0, rules.ramp_start
                          + (1.0 - rules.ramp_start) * (week - hired) / ramp_weeks)
    else:
        ramp = np.ones_like(left)
    return np.where(week < left, 1.0, np.where(week < hired, 0.0, ramp))


def weekly_rates(rules: Turnover, worth: FloatArray, worth_today: FloatArray) -> FloatArray:
    """Each rep's weekly hazard of leaving under a plan worth `worth` against today's.

    worth, worth_today: (n,) a year of the job to the rep (base + the periods' values).
    """
    base = -np.log1p(-min(rules.yearly, 0.999)) / WEEKS_PER_YEAR
    ratio = np.maximum(worth, 1e-9) / np.maximum(worth_today, 1e-9)
    return base * ratio ** (-rules.pay_elasticity)


def leaving(rules: Turnover, worth: FloatArray, worth_today: FloatArray) -> Leaving:
    """The plan's hazards and today's."""
    leave_week = np.arange(STAYS + 1)[:, None]
    table = availability(leave_week, np.arange(WEEKS_PER_YEAR)[None, :], rules)
    return Leaving(weekly_rates(rules, worth, worth_today),
                   weekly_rates(rules, worth_today, worth_today), rules, table)


def block_uniforms(seed: int, block: int, n_reps: int, year: int = 0) -> FloatArray:
    """The uniforms of the leaving weeks of a block of trials in a year: (BLOCK_TRIALS, n)."""
    key = spawn_key(TURNOVER_STREAM, block, year)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))
    return rng.random((BLOCK_TRIALS, n_reps))
