"""Plan files -> frozen, validated plan specs.

A plan file is the contract sales ops write (see README, "Plan format"). Loading never
executes anything from the file, and a bad file raises one `InputError` that lists every
problem with its field path, e.g. ``measures[1] (New revenue).threshold: ...``
(measures are counted from 1, as a reader counts them).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, Strict, ValidationError, field_validator, model_validator

from simulator.base.calendar import (
    DAYS_PER_WEEK,
    WEEKS_PER_PERIOD,
    WEEKS_PER_YEAR,
    working_days,
)
from simulator.base.errors import InputError, Problem
from simulator.base.limits import (
    MAX_CURVE_ATTAINMENT,
    MAX_CURVE_PAYOUT,
    MAX_CURVE_POINTS,
    MAX_MEASURES,
    MAX_MONEY,
    MIN_CURVE_STEP,
)
from simulator.base.metrics import METRICS
from simulator.base.validation import (
    Description,
    Frozen,
    Number,
    Text,
    clean_loc,
    normal_name,
    pydantic_problems,
    shorten,
    show_number,
)
from simulator.base.yamlio import parse_yaml_text, read_yaml_file
from simulator.plan.commission import Commission
from simulator.plan.currency import Currency
from simulator.plan.quota import Quota, parse_quota

WEIGHT_TOLERANCE = 1e-6


# --------------------------------------------------------------------------- plans


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
        return out


class Pay(Frozen):
    """Pay per rep per year."""

    base_salary: Number
    target_incentive: Number | None = None  # required unless every measure is a commission

    @field_validator("base_salary")
    @classmethod
    def _base_not_negative(cls, value: float) -> float:
        if value < 0:
            raise ValueError(f"must not be negative, not {value}")
        return _at_most_money(value)

    @field_validator("target_incentive")
    @classmethod
    def _incentive_positive(cls, value: float | None) -> float | None:
        if value is None:
            return value
        if value <= 0:
            raise ValueError(f"must be greater than 0, not {value}")
        return _at_most_money(value)


def _at_most_money(value: float) -> float:
    if value > MAX_MONEY:
        raise ValueError(f"must be at most {show_number(MAX_MONEY)} a year, "
                         f"not {show_number(value)}")
    return value


def _measure_set_problems(weights: list[float] | None, names: list[str]) -> list[str]:
    """Problems of a plan's measures taken together: the weights' sum and duplicate names.

    `weights` is None when some weight is not a number (then the sum is not checked).
    """
    problems = []
    if weights is not None:
        total = math.fsum(weights)
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            problems.append(f"weights sum to {total:.6g}, not 1")
    seen: set[str] = set()
    for name in names:
        key = normal_name(name).casefold()
        if key in seen:
            problems.append(f"duplicate measure name {shorten(normal_name(name))!r}")
        seen.add(key)
    return problems


class PlanSpec(Frozen):
    """A compensation plan design, validated."""

    name: Text
    description: Description = ""
    period: Literal["month", "quarter", "year"]
    announce_day: Annotated[int, Strict()] = 0
    currency: Currency | None = None
    pay: Pay
    measures: tuple[Measure, ...]

    @field_validator("announce_day")
    @classmethod
    def _announce_within_period(cls, day: int, info: Any) -> int:
        period = info.data.get("period")
        if day < 0:
            raise ValueError(f"must not be negative, not {day}")
        if period in WEEKS_PER_PERIOD:
            days = working_days(period)
            if day > days:
                raise ValueError(f"{day} is past the end of the {period} ({days} working days)")
        return day

    @field_validator("measures", mode="before")
    @classmethod
    def _measures_list(cls, raw: Any) -> Any:
        if not isinstance(raw, list | tuple) or not raw:
            raise ValueError("must be a non-empty list of measures")
        if len(raw) > MAX_MEASURES:
            raise ValueError(f"at most {MAX_MEASURES} measures, not {len(raw):,}")
        return raw

    @field_validator("measures")
    @classmethod
    def _measures_consistent(cls, measures: tuple[Measure, ...]) -> tuple[Measure, ...]:
        curves = [m for m in measures if m.commission is None]
        problems = _measure_set_problems([m.weight for m in curves] if curves else None,
                                         [m.name for m in measures])
        if problems:
            raise ValueError("; ".join(problems))
        return measures

    @model_validator(mode="after")
    def _target_for_curves(self) -> PlanSpec:
        names = [m.name for m in self.measures if m.commission is None]
        if names and self.pay.target_incentive is None:
            raise ValueError(_target_missing(names))
        return self

    @property
    def weeks_per_period(self) -> int:
        """Working weeks in one plan period."""
        return WEEKS_PER_PERIOD[self.period]

    @property
    def periods_per_year(self) -> int:
        """Plan periods in a plan year."""
        return WEEKS_PER_YEAR // self.weeks_per_period

    @property
    def announce_week(self) -> float:
        """Weeks into each period before reps learn the plan."""
        return self.announce_day / DAYS_PER_WEEK

    def to_yaml_dict(self) -> dict[str, Any]:
        """The plan as a mapping that `yaml.safe_dump` writes as a valid plan file."""
        return {
            "name": self.name,
            "description": self.description,
            "period": self.period,
            "announce_day": self.announce_day,
            **({"currency": self.currency} if self.currency is not None else {}),
            "pay": {
                "base_salary": self.pay.base_salary,
                **({"target_incentive": self.pay.target_incentive}
                   if self.pay.target_incentive is not None else {}),
            },
            "measures": [m.to_yaml() for m in self.measures],
        }

    @property
    def target_incentive(self) -> float:
        """The target incentive per rep per year (0 when every measure is a commission)."""
        return self.pay.target_incentive or 0.0

    @property
    def has_commission(self) -> bool:
        """Whether some measure pays a commission rate."""
        return any(m.commission is not None for m in self.measures)


# --------------------------------------------------------------------------- loading


def plan_from_dict(raw: dict[str, Any], source: str = "<plan>") -> PlanSpec:
    """Validate a plan already parsed from YAML (or built by the app's editor)."""
    try:
        return PlanSpec.model_validate(raw)
    except ValidationError as error:
        problems = pydantic_problems(error, raw, PlanSpec)
        problems[:] = [p for p in problems  # the raw check below says it with its path
                       if not (p.where == "" and p.message.startswith(TARGET_MISSING))]
        reported = {clean_loc(err["loc"], raw) for err in error.errors(include_url=False)
                    if err["loc"][:1] in (("measures",), ("announce_day",))}
        problems.extend(_raw_plan_problems(raw, reported))
        raise InputError(source, problems, problems.more) from None


TARGET_MISSING = "missing required key: "


def _target_missing(curve_measures: list[str]) -> str:
    return (TARGET_MISSING + ", ".join(repr(shorten(n)) for n in curve_measures[:5])
            + " pay a curve, a multiple of the target incentive (only a plan whose every "
            "measure is a commission may leave it out)")


def _raw_plan_problems(raw: Any, reported: set[tuple[int | str, ...]]) -> list[Problem]:
    """Plan-level checks that pydantic skips when a part they depend on failed.

    pydantic runs the checks of the measures taken together only when every measure is
    valid, and the announce-day check only when the period is valid. So that a file's
    every problem is reported at once, run them on the raw data as far as it allows.
    `reported` holds the paths that already have a problem.
    """
    if not isinstance(raw, Mapping):
        return []
    problems = []
    measures = raw.get("measures")
    if ("measures",) not in reported and isinstance(measures, list) and measures:
        items = [m for m in measures if isinstance(m, Mapping)]
        if len(items) == len(measures):
            curves = [m for m in items if "commission" not in m]
            weights = _finite_numbers([m.get("weight") for m in curves]) if curves else None
            names = [m["name"] for m in items if isinstance(m.get("name"), str)]
            found = _measure_set_problems(weights, names)
            if found:
                problems.append(Problem("measures", "; ".join(found)))
    pay = raw.get("pay")
    if (isinstance(pay, Mapping) and pay.get("target_incentive") is None
            and isinstance(measures, list)):
        curves = [m for m in measures if isinstance(m, Mapping) and "commission" not in m]
        if curves:
            names = [m["name"] if isinstance(m.get("name"), str) else "?" for m in curves]
            problems.append(Problem("pay.target_incentive", _target_missing(names)))
    day, period = raw.get("announce_day"), raw.get("period")
    longest = working_days("year")
    if (
        not (isinstance(period, str) and period in WEEKS_PER_PERIOD)
        and ("announce_day",) not in reported
        and isinstance(day, int)
        and not isinstance(day, bool)
        and day > longest
    ):
        problems.append(
            Problem("announce_day", f"{day} is past the end of the longest period "
                    f"(year, {longest} working days)")
        )
    return problems


def _finite_numbers(values: list[Any]) -> list[float] | None:
    """The values as floats when every one is a finite number (not a bool), else None."""
    out = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        try:
            number = float(value)
        except OverflowError:  # an integer too large for a float
            return None
        if not math.isfinite(number):
            return None
        out.append(number)
    return out


def plan_from_text(text: str, source: str = "<plan>") -> PlanSpec:
    """Validate a plan from YAML text (an upload)."""
    return plan_from_dict(parse_yaml_text(text, source), source)


def load_plan(path: str | Path) -> PlanSpec:
    """Load and validate a plan file; raise InputError listing every problem."""
    return plan_from_dict(read_yaml_file(path), str(path))
