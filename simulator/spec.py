"""Plan and team files -> frozen, validated specs.

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
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError, field_validator

from simulator.errors import InputError, Problem
from simulator.metrics import METRICS, PRODUCTS
from simulator.yamlio import parse_yaml_text, read_yaml_file

WEEKS_PER_PERIOD = {"month": 4, "quarter": 12, "year": 48}
"""Working weeks in each plan period; a plan year is 48 working weeks."""
DAYS_PER_WEEK = 5
WEEKS_PER_YEAR = 48
WEIGHT_TOLERANCE = 1e-6
M = TypeVar("M", bound=BaseModel)

Number = Annotated[float, Strict()]
Text = Annotated[str, Strict(), Field(min_length=1, max_length=200)]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


# --------------------------------------------------------------------------- plans


class Quota(_Frozen):
    """How a measure's quota is set.

    kind: ``absolute`` (value per period, in the metric's unit), ``relative`` (value x the
    rep's own expected result at normal effort), ``team`` (value x the team median of that
    expected result) or ``history`` (value x the rep's level fitted from history).
    """

    kind: Literal["absolute", "relative", "team", "history"]
    value: float

    def to_yaml(self) -> float | dict[str, float]:
        """The quota as it is written in a plan file."""
        return self.value if self.kind == "absolute" else {self.kind: self.value}


def _parse_quota(raw: Any) -> Quota:
    def positive(value: Any, what: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{what} must be a number, not {value!r}")
        if not math.isfinite(value) or value <= 0:
            raise ValueError(f"{what} must be a finite number greater than 0, not {value!r}")
        return float(value)

    if isinstance(raw, Quota):
        return raw
    if isinstance(raw, Mapping):
        kinds = ("relative", "team", "history")
        unknown = [k for k in raw if k not in kinds]
        if unknown or len(raw) != 1:
            raise ValueError(
                "must be a number per period or exactly one of {relative: x}, {team: x}, "
                f"{{history: x}}; got keys {sorted(map(str, raw))}"
            )
        (kind, value), = raw.items()
        return Quota(kind=kind, value=positive(value, f"quota {kind}"))
    return Quota(kind="absolute", value=positive(raw, "quota"))


class Measure(_Frozen):
    """One KPI of a plan: what is measured, its share of pay and its payout curve."""

    name: Text
    metric: Annotated[str, Strict()]
    weight: Number
    quota: Quota
    direction: Literal["higher", "lower"] = "higher"
    curve: tuple[tuple[Number, Number], ...]
    threshold: Number | None = None
    cap: Number | None = None

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, metric: str) -> str:
        if metric not in METRICS:
            close = difflib.get_close_matches(metric, METRICS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(
                f"unknown metric {metric!r}{hint}; known metrics: {', '.join(METRICS)}"
            )
        return metric

    @field_validator("weight")
    @classmethod
    def _weight_in_range(cls, weight: float) -> float:
        if not 0 < weight <= 1:
            raise ValueError(f"must be greater than 0 and at most 1, not {weight}")
        return weight

    @field_validator("quota", mode="before")
    @classmethod
    def _quota(cls, raw: Any) -> Quota:
        return _parse_quota(raw)

    @field_validator("curve", mode="before")
    @classmethod
    def _curve_shape(cls, raw: Any) -> Any:
        if not isinstance(raw, list | tuple) or not raw:
            raise ValueError("must be a non-empty list of [attainment, payout] points")
        for i, point in enumerate(raw, start=1):
            if not isinstance(point, list | tuple) or len(point) != 2:
                raise ValueError(f"point {i} must be a pair [attainment, payout], not {point!r}")
        return raw

    @field_validator("curve")
    @classmethod
    def _curve_values(cls, curve: tuple[tuple[float, float], ...]) -> Any:
        problems = []
        xs = [x for x, _ in curve]
        ys = [y for _, y in curve]
        if any(v < 0 for v in xs + ys):
            problems.append("attainments and payouts must not be negative")
        for i in range(1, len(curve)):
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
        if threshold is None or not curve:
            return threshold
        low, high = curve[0][0], curve[-1][0]
        if not low <= threshold <= high:
            raise ValueError(
                f"{threshold} is outside the curve's attainment range [{low}, {high}]"
            )
        return threshold

    @field_validator("cap")
    @classmethod
    def _cap_above_first_payout(cls, cap: float | None, info: Any) -> float | None:
        curve = info.data.get("curve")
        if cap is None:
            return cap
        if cap < 0:
            raise ValueError(f"must not be negative, not {cap}")
        if curve and cap < curve[0][1]:
            raise ValueError(f"{cap} is below the curve's first payout {curve[0][1]}")
        return cap

    def to_yaml(self) -> dict[str, Any]:
        """The measure as it is written in a plan file."""
        out: dict[str, Any] = {
            "name": self.name,
            "metric": self.metric,
            "weight": self.weight,
            "quota": self.quota.to_yaml(),
        }
        if self.direction != "higher":
            out["direction"] = self.direction
        if self.threshold is not None:
            out["threshold"] = self.threshold
        out["curve"] = [list(point) for point in self.curve]
        if self.cap is not None:
            out["cap"] = self.cap
        return out


class Pay(_Frozen):
    """Pay per rep per year."""

    base_salary: Number
    target_incentive: Number

    @field_validator("base_salary")
    @classmethod
    def _base_not_negative(cls, value: float) -> float:
        if value < 0:
            raise ValueError(f"must not be negative, not {value}")
        return value

    @field_validator("target_incentive")
    @classmethod
    def _incentive_positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError(f"must be greater than 0, not {value}")
        return value


class PlanSpec(_Frozen):
    """A compensation plan design, validated."""

    name: Text
    description: Annotated[str, Strict(), Field(max_length=2000)] = ""
    period: Literal["month", "quarter", "year"]
    announce_day: Annotated[int, Strict()] = 0
    pay: Pay
    measures: tuple[Measure, ...]

    @field_validator("announce_day")
    @classmethod
    def _announce_within_period(cls, day: int, info: Any) -> int:
        period = info.data.get("period")
        if day < 0:
            raise ValueError(f"must not be negative, not {day}")
        if period in WEEKS_PER_PERIOD:
            days = WEEKS_PER_PERIOD[period] * DAYS_PER_WEEK
            if day > days:
                raise ValueError(f"{day} is past the end of the {period} ({days} working days)")
        return day

    @field_validator("measures", mode="before")
    @classmethod
    def _measures_list(cls, raw: Any) -> Any:
        if not isinstance(raw, list | tuple) or not raw:
            raise ValueError("must be a non-empty list of measures")
        if len(raw) > 20:
            raise ValueError(f"at most 20 measures, not {len(raw)}")
        return raw

    @field_validator("measures")
    @classmethod
    def _measures_consistent(cls, measures: tuple[Measure, ...]) -> tuple[Measure, ...]:
        problems = []
        total = sum(m.weight for m in measures)
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            problems.append(f"weights sum to {total:.6g}, not 1")
        seen: set[str] = set()
        for m in measures:
            key = m.name.strip().casefold()
            if key in seen:
                problems.append(f"duplicate measure name {m.name!r}")
            seen.add(key)
        if problems:
            raise ValueError("; ".join(problems))
        return measures

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
            "pay": {
                "base_salary": self.pay.base_salary,
                "target_incentive": self.pay.target_incentive,
            },
            "measures": [m.to_yaml() for m in self.measures],
        }


# --------------------------------------------------------------------------- teams


class Funnel(_Frozen):
    """Per rep per month at normal effort (seed 001: 1,200 dials -> 84 -> 12 -> 4)."""

    dials: Number = 1200
    conversations: Number = 84
    meetings: Number = 12
    deals: Number = 4
    minutes_per_conversation: Number = 30
    working_hours: Number = 160


class Product(_Frozen):
    """A product line: its share of selling time at normal effort and its mean deal size."""

    time_share: Number
    deal_size: Number


def _default_products() -> dict[str, Product]:
    return {
        "core": Product(time_share=0.6, deal_size=18000),
        "addon": Product(time_share=0.25, deal_size=8000),
        "services": Product(time_share=0.15, deal_size=12000),
    }


class Task(_Frozen):
    """A non-selling task: its share of working hours at normal effort and its normal level."""

    time_share: Number
    normal_level: Number


def _default_tasks() -> dict[str, Task]:
    return {
        "crm_hygiene": Task(time_share=0.05, normal_level=85),
        "training_hours": Task(time_share=0.03, normal_level=4.8),
        "csat": Task(time_share=0.05, normal_level=80),
    }


class Spread(_Frozen):
    """Lognormal sigmas of how reps differ from each other."""

    conversion: Number = 0.35
    deal_size: Number = 0.20
    product_skill: Number = 0.30
    task_skill: Number = 0.20
    effort_cost: Number = 0.25


class Luck(_Frozen):
    """Lognormal sigmas of week-to-week luck."""

    sales_weekly: Number = 0.9
    activity_weekly: Number = 0.10


class Effort(_Frozen):
    """How effort turns into output and what it costs (docs/MODEL.md gives the sources)."""

    minimum: Number = 0.6
    maximum: Number = 1.5
    output_elasticity: Number = 0.8
    reference_target_incentive: Number = 60000


class Behavior(_Frozen):
    """Parameters of how reps split time and react to plan rules."""

    task_concavity: Number = 0.6
    duty_weight: Number = 0.5
    focus_free_measures: Annotated[int, Strict()] = 3
    focus_cost_per_measure: Number = 0.025
    ignore_weight_below: Number = 0.08
    movable_share: Number = 0.3
    slip_loss: Number = 0.15
    quality_min: Number = 0.3
    quality_max: Number = 1.5


class RosterRep(_Frozen):
    """A named rep with a level fitted from history (1.0 = the team funnel's rep)."""

    rep_id: Text
    level: Number


class TeamSpec(_Frozen):
    """The people plans are tried on: funnel, spreads, luck and effort parameters."""

    name: Text
    description: Annotated[str, Strict(), Field(max_length=2000)] = ""
    reps: Annotated[int, Strict()] = 50
    roster: tuple[RosterRep, ...] | None = None
    funnel: Funnel = Funnel()
    products: dict[Literal["core", "addon", "services"], Product] = Field(
        default_factory=_default_products
    )
    tasks: dict[Literal["crm_hygiene", "training_hours", "csat"], Task] = Field(
        default_factory=_default_tasks
    )
    spread: Spread = Spread()
    luck: Luck = Luck()
    seasonality: tuple[Number, ...] = (1.0,) * 12
    effort: Effort = Effort()
    behavior: Behavior = Behavior()

    @field_validator("reps")
    @classmethod
    def _reps_range(cls, reps: int) -> int:
        if not 1 <= reps <= 100_000:
            raise ValueError(f"must be between 1 and 100,000, not {reps}")
        return reps

    @field_validator("products")
    @classmethod
    def _all_products(cls, products: dict[str, Product]) -> dict[str, Product]:
        missing = [p for p in PRODUCTS if p not in products]
        if missing:
            raise ValueError(f"missing product lines: {', '.join(missing)}")
        return products

    @field_validator("seasonality")
    @classmethod
    def _twelve_months(cls, values: tuple[float, ...]) -> tuple[float, ...]:
        if len(values) != 12:
            raise ValueError(f"must list 12 monthly factors, not {len(values)}")
        if any(v <= 0 for v in values):
            raise ValueError("factors must be greater than 0")
        return values

    @property
    def size(self) -> int:
        """Number of reps."""
        return len(self.roster) if self.roster is not None else self.reps


# --------------------------------------------------------------------------- loading


def _measure_label(raw: Mapping[str, Any], index: int) -> str:
    measures = raw.get("measures")
    name = None
    if isinstance(measures, list) and index < len(measures) and isinstance(measures[index], dict):
        name = measures[index].get("name")
    return f"measures[{index + 1}]" + (f" ({name})" if isinstance(name, str) else "")


def _where(loc: tuple[int | str, ...], raw: Mapping[str, Any]) -> str:
    parts: list[str] = []
    i = 0
    while i < len(loc):
        part = loc[i]
        if part == "measures" and i + 1 < len(loc) and isinstance(loc[i + 1], int):
            parts.append(_measure_label(raw, int(loc[i + 1])))
            i += 2
            continue
        if isinstance(part, int):
            label = f"[{part + 1}]"
            parts[-1:] = [(parts[-1] if parts else "") + label]
        else:
            parts.append(str(part))
        i += 1
    return ".".join(parts)


def _problems(error: ValidationError, raw: Mapping[str, Any], model: type[BaseModel]) -> list[Problem]:
    problems = []
    for err in error.errors():
        loc = tuple(p for p in err["loc"] if p not in ("function-after", "function-before"))
        # pydantic adds the tag of a union member or a literal key to the path; drop those
        loc = tuple(p for p in loc if not (isinstance(p, str) and "[" in p))
        kind = err["type"]
        message = err["msg"].removeprefix("Value error, ")
        if kind == "missing":
            message = "missing required key"
        elif kind == "extra_forbidden":
            message = _unknown_key_message(loc, model)
        elif kind == "literal_error":
            message = f"{err['input']!r} is not allowed: {message.lower()}"
        problems.append(Problem(_where(loc, raw), message))
    return problems


def _unknown_key_message(loc: tuple[int | str, ...], model: type[BaseModel]) -> str:
    key = str(loc[-1]) if loc else ""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        field = current.model_fields.get(part) if hasattr(current, "model_fields") else None
        current = _inner_model(field.annotation) if field else None
    known = list(current.model_fields) if current is not None else []
    close = difflib.get_close_matches(key, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown key {key!r}{hint}"


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _validate(model: type[M], raw: dict[str, Any], source: str) -> M:
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        raise InputError(source, _problems(error, raw, model)) from None


def plan_from_dict(raw: dict[str, Any], source: str = "<plan>") -> PlanSpec:
    """Validate a plan already parsed from YAML (or built by the app's editor)."""
    return _validate(PlanSpec, raw, source)


def plan_from_text(text: str, source: str = "<plan>") -> PlanSpec:
    """Validate a plan from YAML text (an upload)."""
    return plan_from_dict(parse_yaml_text(text, source), source)


def load_plan(path: str | Path) -> PlanSpec:
    """Load and validate a plan file; raise InputError listing every problem."""
    return plan_from_dict(read_yaml_file(path), str(path))


def team_from_dict(raw: dict[str, Any], source: str = "<team>") -> TeamSpec:
    """Validate a team already parsed from YAML."""
    return _validate(TeamSpec, raw, source)


def load_team(path: str | Path) -> TeamSpec:
    """Load and validate a team file; raise InputError listing every problem."""
    return team_from_dict(read_yaml_file(path), str(path))
