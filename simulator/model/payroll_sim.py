"""Payroll in the simulated cost: the year-to-date true-up, clawback and draws of a plan.

Each simulated period's earnings (`PlanPayout.settle`, in `run._settle`) go through the
payout calculator's own ledger rule (`plan.payroll.ledger_step`), for every trial and rep
at once, so a plan's simulated payout (mean, P50/P90, budget) is what payroll pays. The
ledger starts afresh each plan year, as the calculator's does with each year's file: a
carried negative true-up or a draw balance still owed at the year's end is not taken
(README, "Payroll mechanics"). SPIFFs are paid on top, never against the draw
(`model.spiff_sim`); `YearPay` holds both for a plan year.

Cumulative settlement applies the plan to the year-to-date results, as the calculator
does: each measure's results and quotas summed over the periods so far (a result is
attainment x quota, or quota / attainment where lower is better), the target pay of those
periods, a commission's cap per period times their number. Amounts stay floats: the
simulation does not round to the cent as the calculator does (a few cents a rep-year).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from simulator.model.prepare import PlanModel
from simulator.model.spiff_sim import SpiffLedger
from simulator.model.tally import PlanTally
from simulator.plan.payout import PlanPayout
from simulator.plan.payroll import ledger_step
from simulator.plan.spec import PlanSpec

FloatArray = NDArray[np.float64]


def has_ledger(plan: PlanSpec) -> bool:
    """Whether the plan's payroll pays other than each period's earnings."""
    return plan.settlement == "cumulative" or plan.draw is not None


@dataclass
class PayrollLedger:
    """The ledger of a chunk of trials through one plan year: running sums of (T, n) reps.

    `actual`, `quota` (T, n, M) are the year-to-date results and quotas (cumulative
    settlement only); `periods` the periods settled so far.
    """

    plan: PlanSpec
    payout: PlanPayout
    settled: FloatArray
    owed: FloatArray
    actual: FloatArray
    quota: FloatArray
    periods: int = 0
    topup: FloatArray | None = None  # (T, n) the last period's draw top-ups
    in_post: FloatArray | float = 0.0  # (n,) periods in post so far (new hires: prorated)

    @classmethod
    def start(cls, plan: PlanSpec, payout: PlanPayout, shape: tuple[int, int]
              ) -> PayrollLedger | None:
        """A fresh ledger for a plan year of `shape` (trials, reps); None: nothing to do."""
        if not has_ledger(plan):
            return None
        measures = (*shape, len(plan.measures))
        return cls(plan, payout, np.zeros(shape), np.zeros(shape), np.zeros(measures),
                   np.zeros(measures))

    def pay(self, earned: FloatArray, attainments: FloatArray, quotas: FloatArray,
            target: FloatArray | None, hired: tuple[FloatArray, FloatArray] | None = None
            ) -> FloatArray:
        """What payroll pays for a period, (T, n), and the ledger moved on by it.

        earned: (T, n) the period's earnings; attainments: (T, n, M); quotas: (n, M) or
        (T, n, M) in force; target: (n,) each rep's target pay a period in post all period
        (None: the plan's); hired: new hires' (share of the period in post, in post at all)
        (n,) each (None: every rep all period). A rep not yet in post draws nothing.
        """
        plan = self.plan
        self.periods += 1
        self.in_post = self.in_post + (1.0 if hired is None else hired[0])
        self.topup = np.zeros(earned.shape)
        ytd = None
        if plan.settlement == "cumulative":
            q = np.broadcast_to(quotas, attainments.shape)
            with np.errstate(divide="ignore"):
                self.actual += np.where(self.payout.lower, q / attainments, attainments * q)
            self.quota += q
            per_period = self.payout.target_per_period if target is None else target
            ytd_target = np.broadcast_to(per_period * self.in_post, earned.shape[-1:])
            att = self.payout.attainments(self.actual, self.quota)
            pay, _ = self.payout.settle(att, self.quota, values=self.actual,
                                        target=ytd_target, periods=self.periods)
            ytd = pay.sum(axis=-1)
        draw = plan.draw
        amount = None if draw is None else (draw.amount if hired is None
                                            else draw.amount * hired[1])
        step = ledger_step(earned, ytd, self.settled, self.owed, plan.clawback, amount,
                           draw is not None and draw.recoverable)
        self.settled, self.owed, self.topup = step.settled_so_far, step.owed, step.topup
        paid: FloatArray = step.paid
        return paid


@dataclass
class YearPay:
    """What payroll pays in each period of a plan year: the ledger, then SPIFFs on top."""

    ledger: PayrollLedger | None
    spiffs: SpiffLedger | None
    weeks: int
    period: int = 0

    @classmethod
    def start(cls, model: PlanModel, shape: tuple[int, int]) -> YearPay | None:
        """A fresh plan year of `shape` (trials, reps); None: each period pays its earnings."""
        ledger = PayrollLedger.start(model.plan, model.payout, shape)
        spiffs = None if model.spiffs is None else SpiffLedger.start(model.spiffs, shape)
        if ledger is None and spiffs is None:
            return None
        return cls(ledger, spiffs, model.plan.weeks_per_period)

    def pay(self, earned: FloatArray, attainments: FloatArray, quotas: FloatArray,
            target: FloatArray | None, sums: tuple[FloatArray, ...],
            tally: PlanTally, hired: tuple[FloatArray, FloatArray] | None = None
            ) -> FloatArray:
        """What payroll pays for the period, (T, n); the tally's payroll figures grow by it.

        The ledger's pay (`PayrollLedger.pay`), then the SPIFFs' from the period's sums
        (`SpiffLedger.pay`).
        """
        tally.earned += earned.sum(axis=1)
        paid = earned
        if self.ledger is not None:
            paid = self.ledger.pay(earned, attainments, quotas, target, hired)
            if self.ledger.topup is not None:
                tally.topped_up += (self.ledger.topup > 0).sum(axis=1)
        if self.spiffs is not None:
            spiff = self.spiffs.pay(self.period, self.weeks, sums)
            tally.spiff_pay += spiff.sum(axis=1)
            paid = paid + spiff
        self.period += 1
        return paid
