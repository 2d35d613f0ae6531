"""A plan's measure: what is counted, its quota, and how it pays (a curve or a commission).

Validated field by field with messages that name the field (README, "Measure keys"); the
checks of the measures taken together are the plan's (`simulator.plan.spec`).
"""

from __future__ import annotations

import difflib
from typing import Annotated, Any, Literal

from pydantic import Field, Strict, field_validator

from simulator.base.limits import (
    MAX_CURVE_ATTAINMENT,
    MAX_CURVE_PAYOUT,
    MAX_CURVE_POINTS,
    MIN_CURVE_STEP,
)
from simulator.base.metrics import METRICS
from simulator.base.validation import Frozen, Number, Text, shorten, show_number
from simulator.plan.commission import Commission
from simulator.plan.links import Gate, Multiplier
from simulator.plan.quota import Quota, parse_quota


class Measure(Frozen):
    """One KPI of a plan: what is measured and how it pays.

    A curve measure pays `weight` x its curve's multiple of the target incentive; a
    commission measure (`commission` set; `weight` 0, `curve` empty) pays a rate on the
    metric's value (`simulator.plan.commission`).
    """

    name: Text
    metric: Annotated[str, Strict()]
    # before weight and curve: their validators read it (absent: None, failed: not there)
    commission: Commission | None = Field(default=None, validate_default=True)
    weight: Number = Field(default=None, validate_default=True)  # 0 for a commission
    quota: Quota
    direction: Literal["higher", "lower"] = "higher"
    curve: tuple[tuple[Number, Number], ...] = Field(default=None, validate_default=True)
    threshold: Number | None = None
    cap: Number | None = None
    ratchet: Number | None = None
    gate: Gate | None = None
    multiplier: Multiplier | None = None

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, metric: str) -> str:
        if metric not in METRICS:
            close = difflib.get_close_matches(metric, METRICS, n=1) if len(metric) < 100 else []
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(
                f"unknown metric {shorten(metric)!r}{hint}; known metrics: {', '.join(METRICS)}"
            )
        return metric

    @field_validator("commission")
    @classmethod
    def _commission_on_a_count(cls, commission: Commission | None, info: Any
                               ) -> Commission | None:
        metric = METRICS.get(info.data.get("metric", ""))
        if commission is None or metric is None:
            return commission
        if metric.kind != "count":
            raise ValueError(f"a commission pays a rate on a count metric; {metric.name!r} is "
                             f"a level ({metric.unit}): pay it with a curve")
        if metric.unit == "currency" and max(r for _, r in commission.tiers) > 1:
            raise ValueError(f"a rate on {metric.name!r} (currency) is a share of it, at most "
                             f"1, not {max(r for _, r in commission.tiers):g}")
        return commission

    @field_validator("weight", mode="before")
    @classmethod
    def _weight_of_a_curve(cls, raw: Any, info: Any) -> Any:
        if "commission" not in info.data:  # the commission is wrong: said there
            return 0.0 if raw is None else raw
        if info.data["commission"] is not None:
            if raw is not None:
                raise ValueError("a commission measure has no weight: it pays its rates, not "
                                 "a share of the target incentive")
            return 0.0
        if raw is None:
            raise ValueError("missing required key")
        return raw

    @field_validator("weight")
    @classmethod
    def _weight_in_range(cls, weight: float, info: Any) -> float:
        if info.data.get("commission") is not None:
            return weight
        if not 0 < weight <= 1:
            raise ValueError(f"must be greater than 0 and at most 1, not {weight}")
        return weight

    @field_validator("quota", mode="before")
    @classmethod
    def _quota(cls, raw: Any) -> Quota:
        return parse_quota(raw)

    @field_validator("direction")
    @classmethod
    def _commission_direction(cls, direction: str, info: Any) -> str:
        if direction == "lower" and info.data.get("commission") is not None:
            raise ValueError("a commission pays a rate on what is booked, so more is always "
                             "better; pay a lower-is-better measure with a curve")
        return direction

    @field_validator("curve", mode="before")
    @classmethod
    def _curve_shape(cls, raw: Any, info: Any) -> Any:
        if "commission" not in info.data and raw is None:
            return ()  # the commission is wrong: said there
        if info.data.get("commission") is not None:
            if raw is not None:
                raise ValueError("a measure pays either a curve or a commission, not both")
            return ()
        if raw is None:
            raise ValueError("missing required key")
        if not isinstance(raw, list | tuple) or not raw:
            raise ValueError("must be a non-empty list of [attainment, payout] points")
        if len(raw) > MAX_CURVE_POINTS:
            raise ValueError(f"at most {MAX_CURVE_POINTS} points, not {len(raw):,}")
        for i, point in enumerate(raw, start=1):
            if not isinstance(point, list | tuple) or len(point) != 2:
                shown = repr(point) if len(repr(point)) <= 60 else "a list of the wrong length"
                raise ValueError(f"point {i} must be a pair [attainment, payout], not {shown}")
        return raw

    @field_validator("curve")
    @classmethod
    def _curve_values(cls, curve: tuple[tuple[float, float], ...]) -> Any:
        if not curve:  # a commission measure's
            return curve
        problems = []
        xs = [x for x, _ in curve]
        ys = [y for _, y in curve]
        if any(v < 0 for v in xs + ys):
            problems.append("attainments and payouts must not be negative")
        if max(xs) > MAX_CURVE_ATTAINMENT:
            problems.append(f"attainments must be at most {show_number(MAX_CURVE_ATTAINMENT)} "
                            f"(x quota), not {show_number(max(xs))}")
        if max(ys) > MAX_CURVE_PAYOUT:
            problems.append(f"payouts must be at most {show_number(MAX_CURVE_PAYOUT)} "
                            f"(x target pay), not {show_number(max(ys))}")
        for i in range(1, len(curve)):
            if 0 < xs[i] - xs[i - 1] < MIN_CURVE_STEP:
                problems.append(f"attainments {show_number(xs[i - 1])} and "
                                f"{show_number(xs[i])} (points {i} and {i + 1}) must be equal "
                                f"(a step) or at least {MIN_CURVE_STEP:g} apart")
            if xs[i] < xs[i - 1]:
                problems.append(f"attainment decreases at point {i + 1} ({xs[i - 1]} -> {xs[i]})")
            if ys[i] < ys[i - 1]:
                problems.append(f"payout decreases at point {i + 1} ({ys[i - 1]} -> {ys[i]})")
            if i >= 2 and xs[i] == xs[i - 1] == xs[i - 2]:
                problems.append(f"attainment {xs[i]} appears more than twice")
        if problems:
            raise ValueError("; ".join(problems))
        return curve

    @field_validator("threshold")
    @classmethod
    def _threshold_on_curve(cls, threshold: float | None, info: Any) -> float | None:
        curve = info.data.get("curve")
        if threshold is not None and info.data.get("commission") is not None:
            raise ValueError("a commission measure has no threshold: start its first tier "
                             "there (nothing is paid below the first tier)")
        if threshold is None or not curve:
            return threshold
        low, high = curve[0][0], curve[-1][0]
        if not low <= threshold <= high:
            raise ValueError(
                f"{threshold} is outside the curve's attainment range [{low}, {high}]"
            )
        return threshold

    @field_validator("ratchet")
    @classmethod
    def _ratchet_share(cls, ratchet: float | None) -> float | None:
        if ratchet is not None and not 0 <= ratchet <= 1:
            raise ValueError(f"must be between 0 and 1 (the share of the way next year's "
                             f"quota moves to this year's result), not {ratchet}")
        return ratchet

    @field_validator("cap")
    @classmethod
    def _cap_above_first_payout(cls, cap: float | None, info: Any) -> float | None:
        curve = info.data.get("curve")
        if cap is None:
            return cap
        if info.data.get("commission") is not None:
            raise ValueError("a commission's cap is commission.cap, in currency per period")
        if cap < 0:
            raise ValueError(f"must not be negative, not {cap}")
        if cap > MAX_CURVE_PAYOUT:
            raise ValueError(f"must be at most {show_number(MAX_CURVE_PAYOUT)} (x target pay), "
                             f"not {show_number(cap)}")
        # a curve whose first point is above 0% starts from (0, 0): any cap cuts it
        if curve and curve[0][0] == 0 and cap < curve[0][1]:
            raise ValueError(f"{cap} is below the curve's payout at 0% attainment "
                             f"{curve[0][1]} (the cap would pay the same everywhere)")
        return cap

    @property
    def volume(self) -> bool:
        """Whether the measure is a volume: a count metric, more is better.

        A volume's quota scales with a rep's share of it (a roster's `quota_factor`, a new
        hire's days in post and ramp); a level or a lower-is-better measure's does not.
        """
        return METRICS[self.metric].kind == "count" and self.direction != "lower"

    def to_yaml(self) -> dict[str, Any]:
        """The measure as it is written in a plan file."""
        out: dict[str, Any] = {"name": self.name, "metric": self.metric}
        if self.commission is None:
            out["weight"] = self.weight
        out["quota"] = self.quota.to_yaml()
        if self.direction != "higher":
            out["direction"] = self.direction
        if self.threshold is not None:
            out["threshold"] = self.threshold
        if self.commission is not None:
            out["commission"] = self.commission.to_yaml()
        else:
            out["curve"] = [list(point) for point in self.curve]
        if self.cap is not None:
            out["cap"] = self.cap
        if self.ratchet is not None:
            out["ratchet"] = self.ratchet
        if self.gate is not None:
            out["gate"] = self.gate.model_dump()
        if self.multiplier is not None:
            out["multiplier"] = {"measure": self.multiplier.measure,
                                 "curve": [list(p) for p in self.multiplier.curve]}
        return out
