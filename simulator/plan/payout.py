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
from decimal import ROUND_HALF_UP, Decimal, localcontext

import numpy as np
from numpy.typing import ArrayLike, NDArray

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
    """Target incentive of one rep for one plan period, when every measure ends at 100%."""
    return plan.pay.target_incentive / plan.periods_per_year


@dataclass(frozen=True)
class PlanPayout:
    """A plan's measures ready to pay: each measure's curve, weight and direction.

    Built once per plan (`from_plan`); the payout calculator and the engine's period
    settlement both pay through it, so a measure is paid one way everywhere.
    """

    curves: tuple[PayoutCurve, ...]
    weights: FloatArray  # (M,) shares of the target incentive
    lower: NDArray[np.bool_]  # (M,) lower-is-better measures: attainment is quota / actual
    target_per_period: float  # target incentive of one rep for one period

    @classmethod
    def from_plan(cls, plan: PlanSpec) -> PlanPayout:
        """The plan's measures in plan order."""
        return cls(
            curves=tuple(PayoutCurve.from_measure(m) for m in plan.measures),
            weights=np.array([m.weight for m in plan.measures]),
            lower=np.array([m.direction == "lower" for m in plan.measures]),
            target_per_period=target_pay_per_period(plan),
        )

    @property
    def caps(self) -> FloatArray:
        """Cap of each measure (inf when uncapped): (M,)."""
        return np.array([c.cap for c in self.curves])

    def attainments(self, actual: ArrayLike, quota: ArrayLike) -> FloatArray:
        """Attainment of each measure from results and quotas, both (..., M)."""
        actual = np.asarray(actual, dtype=float)
        quota = np.asarray(quota, dtype=float)
        with np.errstate(divide="ignore"):
            return np.where(self.lower, quota / actual, actual / quota)

    def multiples(self, attainments: ArrayLike) -> FloatArray:
        """Payout of each measure as a multiple of its target pay: (..., M) -> (..., M)."""
        a = np.asarray(attainments, dtype=float)
        return np.stack([curve(a[..., k]) for k, curve in enumerate(self.curves)], axis=-1)

    def pay(self, multiples: FloatArray) -> FloatArray:
        """Each measure's multiple in currency per rep-period: weight x multiple x target."""
        return multiples * self.weights * self.target_per_period


def measure_payouts(plan: PlanSpec, attainments: ArrayLike) -> FloatArray:
    """Incentive of each measure in currency per rep-period.

    attainments: array (..., n_measures) in the plan's measure order.
    Returns the same shape: weight x curve(attainment) x target pay per period.
    """
    payout = PlanPayout.from_plan(plan)
    return payout.pay(payout.multiples(attainments))


def round_money(value: float) -> Decimal:
    """Round to the cent, half away from zero (ignoring float noise below 1e-6).

    Any finite amount: the context holds the 309 digits of the largest float and its cents
    (the default 28 digits would refuse an amount above about 1e26).
    """
    with localcontext() as context:
        context.prec = 320
        return Decimal(f"{value:.6f}").quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
