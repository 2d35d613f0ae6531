"""Running results of one plan over the simulated trials, filled chunk by chunk.

Per-trial arrays hold team totals per plan year; per-rep sums are added block by block in
block order, so the totals are the same bits whatever the chunking.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from simulator.base.calendar import WEEKS_PER_YEAR

FloatArray = NDArray[np.float64]

ATTAINMENT_BINS = np.linspace(0.0, 5.0, 1001)
"""Edges of the histogram of primary-measure attainment over rep-periods (0.005 wide)."""


PER_TRIAL = (
    "sales",
    "payout",
    "deferred",
    "pulled",
    "discount_cost",
    "leavers",
    "vacant_weeks",
    "lost_sales",
    "extra_lost_sales",
    "effort",
    "gave_up",
    "capped",
    "at_quota",
    "measure_attainment",
    "measure_payout",
    "measure_reached",
    "weekly_sales",
    "weekly_effort",
    "sales_by_year",
    "payout_by_year",
    "quota_scale_by_year",
    "earned",
    "spiff_pay",
    "topped_up",
)
REP_SUMS = ("rep_sales", "rep_payout", "rep_effort", "rep_gave_up", "rep_capped")


@dataclass
class PlanTally:
    """Running results of one plan; per-trial arrays are filled chunk by chunk."""

    n_trials: int
    n_reps: int
    n_measures: int
    years: int = 1  # plan years simulated; per-trial figures are means per year
    sales: FloatArray = field(init=False)
    payout: FloatArray = field(init=False)
    deferred: FloatArray = field(init=False)  # revenue pushed into the next period
    pulled: FloatArray = field(init=False)  # next period's revenue pulled in (full value)
    discount_cost: FloatArray = field(init=False)  # price given up on pulled deals
    leavers: FloatArray = field(init=False)  # reps who left in the year
    vacant_weeks: FloatArray = field(init=False)  # weeks seats stood empty, summed
    lost_sales: FloatArray = field(init=False)  # sales the empty seats and ramps cost
    extra_lost_sales: FloatArray = field(init=False)  # ... beyond today's leaving
    effort: FloatArray = field(init=False)
    gave_up: FloatArray = field(init=False)
    capped: FloatArray = field(init=False)
    at_quota: FloatArray = field(init=False)
    measure_attainment: FloatArray = field(init=False)
    measure_payout: FloatArray = field(init=False)
    measure_reached: FloatArray = field(init=False)  # (T, M, 3): threshold, quota, curve top
    weekly_sales: FloatArray = field(init=False)  # (T, 48): team bookings in each week
    weekly_effort: FloatArray = field(init=False)  # (T, 48): effort summed over the reps
    sales_by_year: FloatArray = field(init=False)  # (T, years): each plan year's sales
    payout_by_year: FloatArray = field(init=False)
    quota_scale_by_year: FloatArray = field(init=False)  # (T, years): mean primary quota
    # with payroll mechanics or SPIFFs only (`model.payroll_sim`; else 0): the periods' own
    # earnings (`payout` is what payroll pays), SPIFF pay, rep-periods a draw topped up
    earned: FloatArray = field(init=False)
    spiff_pay: FloatArray = field(init=False)
    topped_up: FloatArray = field(init=False)
    rep_sales: FloatArray = field(init=False)
    rep_payout: FloatArray = field(init=False)
    rep_effort: FloatArray = field(init=False)
    rep_gave_up: FloatArray = field(init=False)  # (n,) rep-periods given up, over all trials
    rep_capped: FloatArray = field(init=False)
    attainment_histogram: NDArray[np.int64] = field(init=False)

    def __post_init__(self) -> None:
        t, n, m = self.n_trials, self.n_reps, self.n_measures
        shapes = {
            "measure_attainment": (t, m),
            "measure_payout": (t, m),
            "measure_reached": (t, m, 3),
            "weekly_sales": (t, WEEKS_PER_YEAR),
            "weekly_effort": (t, WEEKS_PER_YEAR),
            "sales_by_year": (t, self.years),
            "payout_by_year": (t, self.years),
            "quota_scale_by_year": (t, self.years),
        }
        for name in PER_TRIAL:
            setattr(self, name, np.zeros(shapes.get(name, (t,))))
        for name in REP_SUMS:
            setattr(self, name, np.zeros(n))
        self.attainment_histogram = np.zeros(ATTAINMENT_BINS.size + 1, dtype=np.int64)

    def merge(self, local: PlanTally, rep_blocks: dict[str, FloatArray], start: int) -> None:
        """Take in a chunk's tally (its trials start at `start`) and its per-block rep sums.

        Rep sums are added one block at a time, in block order, so the totals are the same
        bits whatever the chunking.
        """
        stop = start + local.n_trials
        for name in PER_TRIAL:
            getattr(self, name)[start:stop] = getattr(local, name)
        for name, blocks in rep_blocks.items():
            total = getattr(self, name)
            for row in blocks:
                total += row
        self.attainment_histogram += local.attainment_histogram


def attainment_bin(values: FloatArray) -> NDArray[np.int64]:
    """Histogram bin of each attainment: i for ATTAINMENT_BINS[i-1] <= v < ATTAINMENT_BINS[i]."""
    width = ATTAINMENT_BINS[1] - ATTAINMENT_BINS[0]
    scaled = np.clip(values / width, -1.0, ATTAINMENT_BINS.size - 1)
    return np.floor(scaled).astype(np.int64) + 1
