"""A plan's measures on the team model: which metric each counts, its quotas, its attainment.

The plan stage knows how a measure pays (`PlanPayout`); this module knows how the team
model produces it: a *count* metric accumulates over the period (so a weekly output is
multiplied by the period's weeks), a *level* metric is an average; deal-driven metrics
take the weekly deal luck, activity metrics the period's activity luck.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from simulator.base.metrics import METRICS
from simulator.plan.payout import PlanPayout
from simulator.plan.spec import PlanSpec
from simulator.team.reps import Reps, WeeklyFunnel, weekly_output
from simulator.team.spec import TeamSpec

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class MeasureLayout:
    """The plan's measures as the team model sees them, in plan order (arrays of (M,))."""

    metrics: tuple[str, ...]
    is_count: BoolArray  # accumulates over the period (revenue, dials)
    sales_luck: BoolArray  # count measures driven by the weekly deal luck
    lower: BoolArray  # lower is better: attainment is quota / actual

    @classmethod
    def of(cls, plan: PlanSpec, payout: PlanPayout) -> MeasureLayout:
        """The layout of a plan whose measures pay through `payout`."""
        metrics = tuple(m.metric for m in plan.measures)
        is_count = np.array([METRICS[m].kind == "count" for m in metrics])
        sales = np.array([METRICS[m].luck == "sales" for m in metrics])
        return cls(metrics, is_count, sales & is_count, payout.lower)

    @property
    def count(self) -> IntArray:
        """Indices of the count measures."""
        return np.flatnonzero(self.is_count)

    @property
    def level(self) -> IntArray:
        """Indices of the level measures."""
        return np.flatnonzero(~self.is_count)

    def luck_sigmas(self, team: TeamSpec, sales_sigma: float) -> FloatArray:
        """Log-sd of each measure's luck over a period, (M,).

        Deal-driven metrics get `sales_sigma` (the caller gives the period's), the others
        the team's activity luck.
        """
        return np.array([
            sales_sigma if METRICS[m].luck == "sales" else team.luck.activity_weekly
            for m in self.metrics
        ])

    def attainments(
        self, outputs: dict[str, FloatArray], quotas: FloatArray, weeks: float
    ) -> FloatArray:
        """Expected attainment per measure from weekly outputs: (..., n_reps, M).

        outputs: metric -> (..., n_reps) weekly result (`weekly_output`); quotas: (n_reps, M)
        per period; weeks: weeks in the period (count metrics accumulate over them).
        """
        cols = []
        for k, metric in enumerate(self.metrics):
            value = outputs[metric] * (weeks if self.is_count[k] else 1.0)
            cols.append(quotas[:, k] / value if self.lower[k] else value / quotas[:, k])
        return np.stack(cols, axis=-1)


def pay_shares(payout: PlanPayout, quotas: FloatArray) -> FloatArray:
    """Each measure's share of the plan's pay at quota, (M,): what reps weigh it by.

    A plan of curve measures only: its weights, as written. With commission measures, each
    measure's pay at exactly 100% attainment (a commission on its quota, a curve measure
    weight x curve(1) x target pay), averaged over reps, as a share of their sum.
    quotas: (n_reps, M) per period.
    """
    if not payout.commission.any():
        return payout.weights
    at_quota = payout.pay_at_quota(quotas).mean(axis=0)
    total = at_quota.sum()
    if total <= 0:  # nothing paid at quota: weigh them alike
        return np.full(at_quota.size, 1.0 / at_quota.size)
    return at_quota / total


def plan_quotas(plan: PlanSpec, funnel: WeeklyFunnel, reps: Reps, team: TeamSpec) -> FloatArray:
    """Quotas per rep and measure for one period, in the metric's unit: (n_reps, n_measures).

    Relative quotas scale the rep's own expected result at normal effort with the default
    mix, as the company estimates it (off by the team's `spread.quota_error`). History
    quotas scale what the rep sold in the history: for a calibrated team the fitted level
    times the team's `history_factor` (count metrics), for a team without history the
    same as relative. Team quotas scale the team median of the expected result; absolute
    quotas are taken as written. A roster's `quota_factor` then multiplies each rep's quota
    of every volume measure (a count metric, more is better); level and lower-is-better
    measures keep the plan's.
    """
    normal = weekly_output(
        funnel, reps, np.broadcast_to(funnel.default_mix, (reps.size, 6)), np.ones(reps.size)
    )
    weeks = plan.weeks_per_period
    columns = []
    for m in plan.measures:
        count = METRICS[m.metric].kind == "count"
        per_period = normal[m.metric] * (weeks if count else 1.0)
        q = m.quota
        if q.kind == "absolute":
            column = np.full(reps.size, q.value)
        elif q.kind == "team":
            column = np.full(reps.size, q.value * float(np.median(per_period)))
        elif q.kind == "history" and count:
            column = q.value * team.history_factor * per_period * reps.quota_error
        else:
            column = q.value * per_period * reps.quota_error
        if reps.quota_factor is not None and m.volume:
            column = column * reps.quota_factor
        columns.append(column)
    return np.column_stack(columns)
