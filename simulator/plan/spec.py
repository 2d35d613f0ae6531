"""Plan files -> frozen, validated plan specs.

A plan file is the contract sales ops write (see README, "Plan format"). Loading never
executes anything from the file, and a bad file raises one `InputError` that lists every
problem with its field path, e.g. ``measures[1] (New revenue).threshold: ...``
(measures are counted from 1, as a reader counts them).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Strict, ValidationError, field_validator, model_validator

from simulator.base.calendar import (
    DAYS_PER_WEEK,
    WEEKS_PER_PERIOD,
    WEEKS_PER_YEAR,
    working_days,
)
from simulator.base.errors import InputError, Problem
from simulator.base.limits import (
    MAX_MEASURES,
    MAX_MONEY,
)
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
from simulator.plan.currency import Currency
from simulator.plan.measure import Measure
from simulator.plan.payroll import Draw
from simulator.plan.quota import Quota
from simulator.plan.ramp import ramp_problem, ramp_yaml
from simulator.plan.spiff import Spiff

__all__ = ["Measure", "PlanSpec", "Quota", "load_plan", "plan_from_dict", "plan_from_text"]

WEIGHT_TOLERANCE = 1e-6


# --------------------------------------------------------------------------- plans


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
    settlement: Literal["period", "cumulative"] = "period"
    clawback: Annotated[bool, Strict()] = False
    draw: Draw | None = None
    spiffs: tuple[Spiff, ...] = ()
    ramp: tuple[tuple[Annotated[int, Strict()], Number], ...] = ()

    @field_validator("ramp")
    @classmethod
    def _ramp_rises(cls, ramp: tuple[tuple[int, float], ...]) -> tuple[tuple[int, float], ...]:
        problem = ramp_problem(ramp) if ramp else None
        if problem:
            raise ValueError(problem)
        return ramp

    @field_validator("spiffs")
    @classmethod
    def _spiff_names(cls, spiffs: tuple[Spiff, ...], info: Any) -> tuple[Spiff, ...]:
        taken = {m.name.casefold() for m in info.data.get("measures", ())}
        for spiff in spiffs:
            if spiff.name.casefold() in taken:
                raise ValueError(f"SPIFF name {shorten(spiff.name)!r} is already a measure's "
                                 "or another SPIFF's: the actuals CSV tells them apart by name")
            taken.add(spiff.name.casefold())
        return spiffs

    @field_validator("clawback")
    @classmethod
    def _clawback_is_cumulative(cls, clawback: bool, info: Any) -> bool:
        if clawback and info.data.get("settlement") != "cumulative":
            raise ValueError("a clawback takes back a year-to-date overpayment: it needs "
                             "settlement: cumulative")
        return clawback

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
        problems += _link_problems(measures)
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
            **({"settlement": self.settlement} if self.settlement != "period" else {}),
            **({"clawback": True} if self.clawback else {}),
            **({"draw": self.draw.model_dump()} if self.draw is not None else {}),
            **({"spiffs": [s.to_yaml() for s in self.spiffs]} if self.spiffs else {}),
            **({"ramp": ramp_yaml(self.ramp)} if self.ramp else {}),
        }

    @property
    def target_incentive(self) -> float:
        """The target incentive per rep per year (0 when every measure is a commission)."""
        return self.pay.target_incentive or 0.0

    @property
    def has_commission(self) -> bool:
        """Whether some measure pays a commission rate."""
        return any(m.commission is not None for m in self.measures)

    @property
    def has_payroll(self) -> bool:
        """Whether the plan's payroll mechanics change what is paid from what is earned."""
        return self.settlement == "cumulative" or self.draw is not None or bool(self.spiffs)


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


def _link_problems(measures: tuple[Measure, ...]) -> list[str]:
    """Gates and multipliers must name another measure of the plan."""
    names = {m.name.casefold(): m.name for m in measures}
    problems = []
    for i, m in enumerate(measures, start=1):
        for key, link in (("gate", m.gate), ("multiplier", m.multiplier)):
            if link is None:
                continue
            other = names.get(link.measure.casefold())
            if other is None:
                problems.append(f"measures[{i}] ({m.name}).{key}.measure: "
                                f"{shorten(link.measure)!r} is not a measure of the plan "
                                f"(it has {', '.join(repr(n) for n in names.values())})")
            elif other == m.name:
                problems.append(f"measures[{i}] ({m.name}).{key}.measure: a measure cannot "
                                f"{key} itself")
    return problems


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
