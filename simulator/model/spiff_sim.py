"""SPIFFs in the simulation: their pay in the cost, and in reps' pay when they choose effort.

A SPIFF's window (`from`, `to`) is placed in the simulated plan year by month and day (the
year starts in January; each month is 4 working weeks of a quarter of its days each),
the same window in every plan year. Each plan period's share of the window is its
weeks' share, weighted by the season (the output a week expects). A period's SPIFF value
is then that share of the period's result of the SPIFF's metric, from the same sums that
book its sales: `per_unit` pays rate x value in the period, `amount` pays once per rep and
year in the period whose running window total reaches `at` (README, "SPIFFs").

Reps see a SPIFF when they choose effort: in each period the window touches, the SPIFF's
expected pay at each point of the progress grid is added to the period's end pay and the
period's policy is solved again (`model.resolve`).
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from simulator.base.calendar import WEEKS_PER_MONTH, WEEKS_PER_YEAR
from simulator.base.metrics import METRICS
from simulator.plan.spec import PlanSpec
from simulator.plan.spiff import Spiff
from simulator.team.spec import TeamSpec

FloatArray = NDArray[np.float64]


def window_weeks(spiff: Spiff) -> FloatArray:
    """Each simulated week's share inside the SPIFF's window, (48,), from 0 to 1.

    A month of D days is 4 weeks of D / 4 days each; a week's share is the part of its
    days (day j running from j - 1 to j) inside the window. A window of a year or more
    covers every week.
    """
    if (spiff.to - spiff.start).days + 1 >= 365:
        return np.ones(WEEKS_PER_YEAR)
    share = np.zeros(WEEKS_PER_YEAR)
    year, month = spiff.start.year, spiff.start.month
    while (year, month) <= (spiff.to.year, spiff.to.month):
        days = monthrange(year, month)[1]
        first = spiff.start.day - 1 if (year, month) == (spiff.start.year,
                                                         spiff.start.month) else 0
        last = spiff.to.day if (year, month) == (spiff.to.year, spiff.to.month) else days
        edges = np.arange(WEEKS_PER_MONTH + 1) * days / WEEKS_PER_MONTH
        overlap = np.clip(np.minimum(edges[1:], last) - np.maximum(edges[:-1], first), 0, None)
        weeks = slice((month - 1) * WEEKS_PER_MONTH, month * WEEKS_PER_MONTH)
        share[weeks] += overlap / (days / WEEKS_PER_MONTH)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return np.minimum(share, 1.0)


@dataclass(frozen=True)
class SpiffModel:
    """A plan's SPIFFs prepared for simulation.

    shares: (S, P) each SPIFF's share of each period's output inside its window; sales:
    (S,) deal-driven metrics (else activity luck); output: (S, 2, n) each rep's weekly
    normal output of the metric before the announcement (usual mix) and under the plan.
    """

    spiffs: tuple[Spiff, ...]
    shares: FloatArray
    sales: NDArray[np.bool_]
    output: FloatArray

    @classmethod
    def of(cls, plan: PlanSpec, team: TeamSpec, outputs_default: dict[str, FloatArray],
           outputs: dict[str, FloatArray]) -> SpiffModel | None:
        """The plan's SPIFFs on the team (None without SPIFFs); outputs: `weekly_output`."""
        if not plan.spiffs:
            return None
        weeks = plan.weeks_per_period
        season = np.repeat(np.asarray(team.seasonality), WEEKS_PER_MONTH)
        shares = np.array([
            ((window_weeks(s) * season).reshape(-1, weeks).sum(axis=1)
             / season.reshape(-1, weeks).sum(axis=1)) for s in plan.spiffs])
        sales = np.array([METRICS[s.metric].luck == "sales" for s in plan.spiffs])
        output = np.array([[outputs_default[s.metric], outputs[s.metric]] for s in plan.spiffs])
        return cls(plan.spiffs, shares, sales, output)


@dataclass
class SpiffLedger:
    """A chunk's SPIFF pay through a plan year: each amount SPIFF's window total, (S, T, n)."""

    model: SpiffModel
    totals: FloatArray

    @classmethod
    def start(cls, model: SpiffModel, shape: tuple[int, int]) -> SpiffLedger:
        """A fresh year for `shape` (trials, reps)."""
        return cls(model, np.zeros((len(model.spiffs), *shape)))

    def pay(self, period: int, weeks: int, sums: tuple[FloatArray, ...]) -> FloatArray:
        """The SPIFFs' pay in `period`, (T, n).

        sums: the period's (pre_sales, post_sales, pre_activity, post_activity) weights of
        normal weeks, each (T, n) (activity with its luck), as they book its results.
        """
        pre_sales, post_sales, pre_activity, post_activity = sums
        out = np.zeros(pre_sales.shape)
        for k, spiff in enumerate(self.model.spiffs):
            share = self.model.shares[k, period]
            if share <= 0:
                continue
            before, after = self.model.output[k]
            pre, post = ((pre_sales, post_sales) if self.model.sales[k]
                         else (pre_activity, post_activity))
            value = share * weeks * (pre * before + post * after)
            if spiff.per_unit is not None:
                out += spiff.per_unit * value
            else:
                assert spiff.amount is not None and spiff.at is not None
                was = self.totals[k].copy()
                self.totals[k] += value
                out += spiff.amount * ((was < spiff.at) & (self.totals[k] >= spiff.at - 1e-9))
        return out
