"""Edits of a plan file's mapping: the pure half of the app's plan editor.

The editor's widgets speak in the terms a sales-ops analyst uses (a threshold, a rate
above quota, a quota level); plan files speak in curves. These functions translate one
into the other on plain plan-file mappings (`PlanSpec.to_yaml_dict()` and
`plan_from_dict` are the ends), so the app keeps only widgets and every rule of an edit
is tested here. Nothing here validates: the edited mapping goes through `plan_from_dict`,
whose errors name the field.

Units: attainment and thresholds are fractions of quota (1.0 = 100%); payouts, rates and
caps are multiples of the measure's target incentive; weights are fractions of the plan's
target incentive. A curve is a list of ``[attainment, payout]`` points, as in plan files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import yaml

from simulator.plan.payout import PayoutCurve
from simulator.plan.spec import PlanSpec

__all__ = [
    "NEW_MEASURE",
    "QUOTA_KINDS",
    "curve_value",
    "edited_measure",
    "edited_plan",
    "plan_yaml",
    "quota_fields",
    "quota_value",
    "rate_above_quota",
    "rescaled_weights",
    "same_rules",
    "with_rate_above_quota",
    "with_threshold",
]

Curve = list[list[float]]

QUOTA_KINDS = ("relative", "team", "history", "absolute")
"""How a measure's quota is set (spec.Quota): a level or a fixed amount per period."""

NEW_MEASURE: dict[str, Any] = {
    "name": "New measure",
    "metric": "meetings",
    "weight": 0.1,
    "quota": {"relative": 1.0},
    "threshold": 0.5,
    "curve": [[0.5, 0.25], [1.0, 1.0], [1.5, 1.5]],
}
"""The measure the editor adds: 10% on meetings, paying from half of quota."""

RATE_STEP = 1e-3
"""Attainment step (fraction of quota) over which the rate just above quota is read."""
RATE_TOLERANCE = 5e-5
"""A rate this close to the curve's own counts as unchanged (the editor shows 4 decimals)."""
DECIMALS = 9
"""Computed payouts are rounded to this many decimals: no float noise in the YAML, and a
slope read from a rounded point moves by under 1e-7 per 100% of quota on a 1% segment."""
TAIL = 0.5
"""How far past its last point (fraction of quota) an edit writes the curve out explicitly."""


def curve_value(curve: Sequence[Sequence[float]], attainment: float) -> float:
    """The payout multiple of a bare curve (no threshold, no cap) at an attainment.

    Curve semantics are the payout calculator's (`simulator.plan.payout`): linear between
    points, from (0, 0) up to the first point, the last slope beyond the last point, and
    the higher payout at a step.
    """
    points = tuple((float(x), float(y)) for x, y in curve)
    return float(PayoutCurve.from_points(points)(np.array([attainment]))[0])


def rate_above_quota(curve: Sequence[Sequence[float]]) -> float:
    """The accelerator: payout multiple gained per 100% of quota just above quota.

    Read as the slope over the first `RATE_STEP` above 100% (a step exactly at quota is
    not part of the rate: the curve already pays its higher value at 100%).
    """
    return (curve_value(curve, 1.0 + RATE_STEP) - curve_value(curve, 1.0)) / RATE_STEP


def _tidy(points: list[list[float]]) -> Curve:
    """Points as floats with payouts never decreasing (rounding must not make a dip)."""
    out: Curve = []
    for x, y in points:
        y = float(y) if not out else max(float(y), out[-1][1])
        out.append([float(x), y])
    return out


def with_rate_above_quota(curve: Sequence[Sequence[float]], rate: float) -> Curve:
    """The curve with every slope above quota scaled so that the first one equals `rate`.

    Points at or below quota are kept as they are; a point at 100% is added if the curve
    has none. The curve is written out to `TAIL` past its last point, so the slope that
    continues beyond the last point is scaled too. A curve flat above quota (rate 0) gets
    the straight line of slope `rate` from its payout at quota.

    rate: payout multiple per 100% of quota, 0 or more (2.0: every 1% above quota pays 2%
    of the measure's target incentive).
    """
    old = rate_above_quota(curve)
    at_quota = curve_value(curve, 1.0)
    below = [[float(x), float(y)] for x, y in curve if x <= 1.0]
    if not below or below[-1][0] < 1.0:
        below.append([1.0, at_quota])
    # the points' own payouts, not the curve's value at them: a step above quota stays a step
    points = [(float(x), float(y)) for x, y in curve if x > 1.0]
    tail = max([1.0, *(x for x, _ in points)]) + TAIL
    points.append((tail, curve_value(curve, tail)))
    above = []
    for x, y in points:
        if old > 1e-9:
            y = at_quota + rate / old * (y - at_quota)
        else:
            y = at_quota + rate * (x - 1.0)
        above.append([x, round(y, DECIMALS)])
    return _tidy(below + above)


def with_threshold(curve: Sequence[Sequence[float]], threshold: float) -> Curve:
    """The curve starting at `threshold`: the points below it pay nothing anyway.

    A point is inserted at the threshold (its payout read from the curve) unless the curve
    has one there, and the curve is extended by `TAIL` if the threshold is at or past its
    end, so the threshold always lies on the curve as plan validation requires. The
    payout from the threshold on is unchanged.

    threshold: fraction of quota, greater than 0 (0.7: the measure pays from 70%).
    """
    kept = [[float(x), float(y)] for x, y in curve if x >= threshold]
    if not kept or kept[0][0] > threshold:
        kept.insert(0, [threshold, round(curve_value(curve, threshold), DECIMALS)])
        if len(kept) > 1:
            kept[0][1] = min(kept[0][1], kept[1][1])  # rounding must not overshoot
    if all(x == threshold for x, _ in kept):
        end = threshold + TAIL
        kept.append([end, max(round(curve_value(curve, end), DECIMALS), kept[-1][1])])
    return _tidy(kept)


def quota_fields(quota: Any) -> tuple[str, float]:
    """A plan file's quota as the editor shows it: (kind, level).

    ``{relative: 1.2}`` -> ("relative", 1.2) (a fraction); a plain number ->
    ("absolute", amount per period in the metric's unit).
    """
    if isinstance(quota, Mapping):
        kind, level = next(iter(quota.items()))
        return str(kind), float(level)
    return "absolute", float(quota)


def quota_value(kind: str, level: float) -> Any:
    """The plan file's quota from the editor's (kind, level): the inverse of `quota_fields`."""
    if kind == "absolute":
        return float(level)
    return {kind: round(float(level), 9)}


def edited_measure(
    base: Mapping[str, Any],
    *,
    name: str,
    metric: str,
    weight: float,
    quota: Any,
    direction: str = "higher",
    threshold: float | None = None,
    rate: float | None = None,
    cap: float | None = None,
) -> dict[str, Any]:
    """A measure's plan-file mapping from the editor's fields.

    The curve starts as `base`'s and is re-shaped only where a field moved away from it:
    a `rate` that differs from the curve's own rate above quota rescales the slopes above
    quota (`with_rate_above_quota`); a `threshold` that differs from base's re-starts the
    curve there (`with_threshold`). Unchanged fields leave the curve exactly as it was.

    base: the measure as its plan file has it. weight: fraction of target incentive.
    quota: a plan-file quota (see `quota_value`). threshold: fraction of quota, None or 0
    for none. rate: payout multiple per 100% of quota above quota, None to keep.
    cap: multiple of target incentive, None for no cap.
    """
    curve: Curve = [[float(x), float(y)] for x, y in base["curve"]]
    if rate is not None and abs(rate - rate_above_quota(curve)) > RATE_TOLERANCE:
        curve = with_rate_above_quota(curve, rate)
    new = round(float(threshold), 9) if threshold else None
    old = base.get("threshold")
    old = round(float(old), 9) if old is not None else None
    if new is not None and new != old:
        curve = with_threshold(curve, new)
    out: dict[str, Any] = {"name": name, "metric": metric, "weight": round(float(weight), 9),
                           "quota": quota}
    if direction != "higher":
        out["direction"] = direction
    if new is not None:
        out["threshold"] = new
    out["curve"] = curve
    if cap is not None:
        out["cap"] = float(cap)
    for key in KEPT_MEASURE_KEYS:  # kept as written (the app sets gate and multiplier
        # from its own widgets afterwards: payroll_edits.with_links)
        if key in base:
            out[key] = base[key]
    return out


KEPT_MEASURE_KEYS = ("ratchet", "gate", "multiplier")
KEPT_PLAN_KEYS = ("currency", "settlement", "clawback", "draw", "ramp", "spiffs")


def edited_plan(
    name: str,
    source_name: str,
    period: str,
    announce_day: int,
    base_salary: float,
    target_incentive: float,
    measures: Sequence[Mapping[str, Any]],
    source: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The edited plan's plan-file mapping (validate it with `plan_from_dict`).

    base_salary and target_incentive: currency per rep per year; announce_day: working
    days into each period before reps learn the plan; source: the plan-file mapping it
    started from, whose `KEPT_PLAN_KEYS` are kept as written (the app's editor then sets
    them from its payroll section: `payroll_edits.with_payroll`).
    """
    kept = {k: source[k] for k in KEPT_PLAN_KEYS if source is not None and k in source}
    return kept | {
        "name": name,
        "description": f"Edited in the plan simulator app from the plan '{source_name}'.",
        "period": period,
        "announce_day": int(announce_day),
        "pay": {"base_salary": float(base_salary), "target_incentive": float(target_incentive)},
        "measures": [dict(m) for m in measures],
    }


def rescaled_weights(weights: Sequence[float | None], total: float = 100.0) -> list[float]:
    """Weights scaled to sum to `total`, keeping their proportions (blanks count as 0).

    All-zero weights cannot be scaled and come back as they are (as zeros).
    """
    values = [float(w or 0.0) for w in weights]
    current = sum(values)
    if current <= 0:
        return values
    return [round(v * total / current, 4) for v in values]


def same_rules(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two plan-file mappings have the same rules (name and description aside)."""

    def rules(plan: Mapping[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in plan.items() if k not in ("name", "description")}

    return rules(a) == rules(b)


def plan_yaml(spec: PlanSpec) -> str:
    """A plan as the YAML text of a valid plan file."""
    return yaml.safe_dump(spec.to_yaml_dict(), sort_keys=False, allow_unicode=True, width=100)
