"""Links between measures: a gate on another's attainment, a multiplier from another's curve.

- ``gate: {measure: NAME, at_least: 0.8}``: the measure pays only when NAME's attainment
  in the same rep-period is at least 0.8 (within the curves' relative 1e-12); below it,
  nothing.
- ``multiplier: {measure: NAME, curve: [[x, y], ...]}``: the measure's pay is multiplied
  by y at NAME's attainment x: linear between points, flat before the first and after the
  last (a multiplier does not extrapolate).

Both read attainments only (never another measure's pay), so no order or cycle matters.
`PlanPayout.settle` applies them, so the calculator and the engine's settlement agree.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pydantic import field_validator

from simulator.base.limits import MAX_CURVE_ATTAINMENT, MAX_CURVE_PAYOUT, MAX_CURVE_POINTS
from simulator.base.validation import Frozen, Number, Text, show_number

FloatArray = NDArray[np.float64]
TOLERANCE = 1e-12


class Gate(Frozen):
    """Pay this measure only when another measure reaches a level of attainment."""

    measure: Text
    at_least: Number

    @field_validator("at_least")
    @classmethod
    def _level(cls, level: float) -> float:
        if not 0 <= level <= MAX_CURVE_ATTAINMENT:
            raise ValueError(f"must be at least 0 and at most {show_number(MAX_CURVE_ATTAINMENT)}"
                             f" (x quota), not {show_number(level)}")
        return level

    def open(self, attainment: ArrayLike) -> NDArray[np.bool_]:
        """Where the gate lets pay through, for the other measure's attainments."""
        a = np.asarray(attainment, dtype=float)
        return a + TOLERANCE * np.maximum(np.abs(a), 1.0) >= self.at_least


class Multiplier(Frozen):
    """Multiply this measure's pay by a curve of another measure's attainment."""

    measure: Text
    curve: tuple[tuple[Number, Number], ...]

    @field_validator("curve", mode="before")
    @classmethod
    def _shape(cls, raw: Any) -> Any:
        if not isinstance(raw, list | tuple) or not raw:
            raise ValueError("must be a non-empty list of [attainment, multiplier] points")
        if len(raw) > MAX_CURVE_POINTS:
            raise ValueError(f"at most {MAX_CURVE_POINTS} points, not {len(raw):,}")
        for i, point in enumerate(raw, start=1):
            if not isinstance(point, list | tuple) or len(point) != 2:
                raise ValueError(f"point {i} must be a pair [attainment, multiplier]")
        return raw

    @field_validator("curve")
    @classmethod
    def _values(cls, curve: tuple[tuple[float, float], ...]) -> tuple[tuple[float, float], ...]:
        xs, ys = [x for x, _ in curve], [y for _, y in curve]
        problems = []
        if any(v < 0 for v in xs + ys):
            problems.append("attainments and multipliers must not be negative")
        if max(xs) > MAX_CURVE_ATTAINMENT or max(ys) > MAX_CURVE_PAYOUT:
            problems.append(f"attainments at most {show_number(MAX_CURVE_ATTAINMENT)}, "
                            f"multipliers at most {show_number(MAX_CURVE_PAYOUT)}")
        for i in range(1, len(xs)):
            if xs[i] <= xs[i - 1]:
                problems.append(f"attainments must rise from point to point ({xs[i - 1]:g} -> "
                                f"{xs[i]:g} at point {i + 1})")
        if problems:
            raise ValueError("; ".join(problems))
        return curve

    def factor(self, attainment: ArrayLike) -> FloatArray:
        """The multiplier at the other measure's attainments (flat outside the points)."""
        xs = np.array([x for x, _ in self.curve])
        ys = np.array([y for _, y in self.curve])
        return np.interp(np.asarray(attainment, dtype=float), xs, ys)
