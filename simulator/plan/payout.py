"""Exact payout of given results: the calculator finance runs and the engine calls.

Curve semantics (the contract in README, "Plan format"):
- attainment is actual / quota, or quota / actual for ``direction: lower``;
- the curve is linear between its points and starts from (0, 0) when its first point has
  attainment above 0; beyond the last point the last slope continues;
- a repeated attainment is a step: at that attainment the higher payout applies;
- below the threshold the measure pays 0; exactly at the threshold it pays the curve;
- the payout multiple never exceeds the cap.
All functions are pure and vectorised over arrays of any shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike, NDArray

from simulator.plan.commission import RateSchedule
from simulator.plan.links import Gate, Multiplier
from simulator.plan.payroll import round_money

__all__ = ["PayoutCurve", "PlanPayout", "RateSchedule", "measure_payouts", "round_money",
           "target_pay_per_period"]
from simulator.plan.spec import Measure, PlanSpec

FloatArray = NDArray[np.float64]

ATTAINMENT_TOLERANCE = 1e-12
"""Attainment this close (relative) below a threshold or a curve point counts as at it.

actual / quota in floating point can land a hair below the exact decimal ratio (120,000.08 /
150,000.10 gives 0.7999999999999999 for 0.8); without this a rep exactly at an 80%
threshold would be paid nothing. 1e-12 is far above float noise (~1e-16) and far below a
cent on any realistic quota.
"""


@dataclass(frozen=True)
class PayoutCurve:
    """A measure's payout curve, ready to evaluate: attainment -> multiple of target pay."""

    xs: FloatArray
    ys: FloatArray
    slopes: FloatArray
    threshold: float
    cap: float

    @classmethod
    def from_points(
        cls,
        points: tuple[tuple[float, float], ...],
        threshold: float | None = None,
        cap: float | None = None,
    ) -> PayoutCurve:
        """Build from the plan file's [attainment, payout] points."""
        xs = np.array([x for x, _ in points], dtype=float)
        ys = np.array([y for _, y in points], dtype=float)
        if xs[0] > 0:
            xs, ys = np.concatenate(([0.0], xs)), np.concatenate(([0.0], ys))
        dx, dy = np.diff(xs), np.diff(ys)
        with np.errstate(divide="ignore", invalid="ignore"):
            segment = np.where(dx > 0, dy / np.where(dx > 0, dx, 1.0), 0.0)
        rising = np.flatnonzero(dx > 0)
        last_slope = segment[rising[-1]] if rising.size else 0.0
        slopes = np.concatenate((segment, [last_slope]))
        return cls(
            xs=xs,
            ys=ys,
            slopes=slopes,
            threshold=0.0 if threshold is None else float(threshold),
            cap=np.inf if cap is None else float(cap),
        )

    @classmethod
    def from_measure(cls, measure: Measure) -> PayoutCurve:
        """The curve of a plan measure, with its threshold and cap."""
        return cls.from_points(measure.curve, measure.threshold, measure.cap)

    @property
    def top(self) -> float:
        """The curve's last written attainment (its top tier)."""
        return float(self.xs[-1])

    def __call__(self, attainment: ArrayLike) -> FloatArray:
        """Payout multiple for each attainment (same shape); never negative, never above cap."""
        a = np.maximum(np.asarray(attainment, dtype=float), 0.0)
        # float noise must not push an attainment that is exactly at a point below it
        nudged = a + ATTAINMENT_TOLERANCE * np.maximum(a, 1.0)
        # side="right": at a repeated attainment the later (higher) point applies
        idx = np.searchsorted(self.xs, nudged, side="right") - 1
        idx = np.clip(idx, 0, self.xs.size - 1)
        beyond = np.maximum(a - self.xs[idx], 0.0)  # a point within the tolerance pays its value
        slope = self.slopes[idx]
        with np.errstate(invalid="ignore"):  # infinite attainment on a flat segment: 0 * inf
            value = self.ys[idx] + np.where(slope > 0, slope * beyond, 0.0)
        value = np.where(nudged >= self.threshold, value, 0.0)
        return np.minimum(value, self.cap)


def attainment(actual: ArrayLike, quota: ArrayLike, direction: str = "higher") -> FloatArray:
    """Attainment of results against quotas: actual / quota, or quota / actual when lower wins.

    A lower-is-better measure with an actual of 0 has infinite attainment (capped by its
    curve's cap, if any); callers that read user files reject such rows first.
    """
    actual = np.asarray(actual, dtype=float)
    quota = np.asarray(quota, dtype=float)
    with np.errstate(divide="ignore"):
        return quota / actual if direction == "lower" else actual / quota


def target_pay_per_period(plan: PlanSpec) -> float:
    """Target incentive of one rep for one plan period, when every measure ends at 100%.

    0 for a plan whose every measure is a commission (it has no target incentive).
    """
    return plan.target_incentive / plan.periods_per_year


MeasurePay = PayoutCurve | RateSchedule
"""How one measure pays: a curve (a multiple of target pay) or a commission schedule."""


@dataclass(frozen=True)
class PlanPayout:
    """A plan's measures ready to pay: each measure's curve or schedule, weight, direction.

    Built once per plan (`from_plan`); the payout calculator and the engine's period
    settlement both pay through `settle`, so a measure is paid one way everywhere. A
    curve measure pays weight x curve(attainment) x target pay; a commission measure
    pays its schedule on the value (attainment x quota) and has weight 0.
    """

    curves: tuple[MeasurePay, ...]
    weights: FloatArray  # (M,) shares of the target incentive (0 for a commission)
    lower: NDArray[np.bool_]  # (M,) lower-is-better measures: attainment is quota / actual
    target_per_period: float  # target incentive of one rep for one period
    gates: tuple[tuple[int, int, Gate], ...] = ()  # (measure, the measure gating it, gate)
    multipliers: tuple[tuple[int, int, Multiplier], ...] = ()  # (measure, its driver, curve)

    @classmethod
    def from_plan(cls, plan: PlanSpec) -> PlanPayout:
        """The plan's measures in plan order."""
        index = {m.name.casefold(): k for k, m in enumerate(plan.measures)}
        return cls(
            gates=tuple((k, index[m.gate.measure.casefold()], m.gate)
                        for k, m in enumerate(plan.measures) if m.gate is not None),
            multipliers=tuple((k, index[m.multiplier.measure.casefold()], m.multiplier)
                              for k, m in enumerate(plan.measures) if m.multiplier is not None),
            curves=tuple(RateSchedule.from_commission(m.commission) if m.commission is not None
                         else PayoutCurve.from_measure(m) for m in plan.measures),
            weights=np.array([m.weight for m in plan.measures]),
            lower=np.array([m.direction == "lower" for m in plan.measures]),
            target_per_period=target_pay_per_period(plan),
        )

    @cached_property
    def curve_arrays(self) -> tuple[FloatArray, FloatArray, FloatArray, NDArray[np.int64],
                                    FloatArray, FloatArray] | None:
        """The curves as padded arrays for a compiled evaluation of `settle` (the engine's).

        (xs, ys, slopes) (M, P) each, points per curve (M,), thresholds and caps (M,); None
        when a measure pays a commission or is gated or multiplied by another.
        """
        curves = [c for c in self.curves if isinstance(c, PayoutCurve)]
        if len(curves) < len(self.curves) or self.gates or self.multipliers:
            return None
        width = max(c.xs.size for c in curves)
        table = np.zeros((3, len(curves), width))
        for k, c in enumerate(curves):
            table[:, k, : c.xs.size] = c.xs, c.ys, c.slopes
        return (table[0], table[1], table[2], np.array([c.xs.size for c in curves]),
                np.array([c.threshold for c in curves]), np.array([c.cap for c in curves]))

    @property
    def commission(self) -> NDArray[np.bool_]:
        """(M,) measures that pay a commission rate."""
        return np.array([isinstance(c, RateSchedule) for c in self.curves])

    @property
    def caps(self) -> FloatArray:
        """Cap of each measure (inf when uncapped): (M,); a commission's is currency."""
        return np.array([c.cap for c in self.curves])

    def attainments(self, actual: ArrayLike, quota: ArrayLike) -> FloatArray:
        """Attainment of each measure from results and quotas, both (..., M)."""
        actual = np.asarray(actual, dtype=float)
        quota = np.asarray(quota, dtype=float)
        with np.errstate(divide="ignore"):
            return np.where(self.lower, quota / actual, actual / quota)

    def multiples(self, attainments: ArrayLike) -> FloatArray:
        """Payout of each curve measure as a multiple of its target pay: (..., M) -> (..., M).

        A commission measure's column is 0 here (it pays currency: `settle`).
        """
        a = np.asarray(attainments, dtype=float)
        return np.stack([curve(a[..., k]) if isinstance(curve, PayoutCurve)
                         else np.zeros(a.shape[:-1]) for k, curve in enumerate(self.curves)],
                        axis=-1)

    def pay(self, multiples: FloatArray) -> FloatArray:
        """Each curve measure's multiple in currency per rep-period: weight x multiple x target."""
        return multiples * self.weights * self.target_per_period

    def measure_pay(self, k: int, attainment: ArrayLike, quota: ArrayLike) -> FloatArray:
        """Measure k's pay in currency for attainments against quotas (broadcast together)."""
        schedule = self.curves[k]
        if isinstance(schedule, RateSchedule):
            a = np.asarray(attainment, dtype=float)
            return schedule.pay(np.maximum(a, 0.0) * quota, quota)
        return self.target_per_period * self.weights[k] * schedule(attainment)

    def settle(
        self,
        attainments: ArrayLike,
        quotas: ArrayLike,
        values: ArrayLike | None = None,
        target: ArrayLike | None = None,
        periods: ArrayLike | None = None,
    ) -> tuple[FloatArray, NDArray[np.bool_]]:
        """Each measure's pay in currency and whether it is at its cap: (..., M) each.

        attainments, quotas: (..., M); values: (..., M) the results themselves (the
        calculator's actuals; else attainment x quota); target: (...,) target pay of each
        rep-period (None: the plan's `target_per_period`); periods: (...,) how many periods
        the amounts cover (year to date: a commission's cap per period times it).
        """
        a = np.asarray(attainments, dtype=float)
        multiples = self.multiples(a)
        caps = self.caps
        curve_capped = multiples >= caps - 1e-12
        if target is None:
            pay = self.pay(multiples)
        else:
            pay = multiples * self.weights * np.asarray(target, dtype=float)[..., None]
        commission = self.commission
        if not commission.any():
            return self._linked(pay, a), curve_capped
        q = np.broadcast_to(np.asarray(quotas, dtype=float), a.shape)
        v = np.maximum(a, 0.0) * q if values is None else np.asarray(values, dtype=float)
        capped = curve_capped & ~commission
        for k in np.flatnonzero(commission):
            schedule = self.curves[k]
            assert isinstance(schedule, RateSchedule)
            cap = schedule.cap if periods is None else schedule.cap * np.asarray(periods)
            uncapped = schedule.uncapped(v[..., k], q[..., k])
            pay[..., k] = np.minimum(uncapped, cap)
            capped[..., k] = uncapped >= cap
        return self._linked(pay, a), capped

    def _linked(self, pay: FloatArray, attainments: FloatArray) -> FloatArray:
        """Pay after the gates and multipliers between measures (in place), (..., M)."""
        for k, other, gate in self.gates:
            pay[..., k] = np.where(gate.open(attainments[..., other]), pay[..., k], 0.0)
        for k, other, multiplier in self.multipliers:
            pay[..., k] = pay[..., k] * multiplier.factor(attainments[..., other])
        return pay

    def pay_at_quota(self, quotas: ArrayLike, target: float | None = None) -> FloatArray:
        """Each measure's pay at exactly 100% attainment, currency: quotas (..., M).

        A plan's "target pay" when its measures are commissions: what it pays at quota.
        """
        q = np.asarray(quotas, dtype=float)
        pay, _ = self.settle(np.ones(q.shape), q, target=None if target is None
                             else np.full(q.shape[:-1], target))
        return pay


def measure_payouts(plan: PlanSpec, attainments: ArrayLike,
                    quotas: ArrayLike | None = None) -> FloatArray:
    """Incentive of each measure in currency per rep-period.

    attainments: array (..., n_measures) in the plan's measure order; quotas: the same
    shape, needed when a measure pays a commission (its value is attainment x quota).
    Returns the same shape: weight x curve(attainment) x target pay per period, or the
    commission on the value.
    """
    payout = PlanPayout.from_plan(plan)
    if quotas is None:
        return payout.pay(payout.multiples(attainments))
    return payout.settle(attainments, quotas)[0]
