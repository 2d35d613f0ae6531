"""Levers: the numbers of a plan a sweep varies or an optimiser searches.

A lever is a path into the plan file's mapping (`PlanSpec.to_yaml_dict()`), as written on
the command line: ``announce_day``, ``pay.target_incentive``, ``measures[0].cap``,
``measures[New revenue].threshold``, ``measures[0].curve[2][1]``. Measures are addressed
by their position in the file's list, counted from 0 as the path into the list reads,
or by name. Most paths set the number they name; five measure fields are set the way the
app's editor sets them (`plan.edits`), because a bare number there would break the plan
or mean something else:

- ``threshold``: the curve restarts at it (`with_threshold`), so it always lies on the
  curve; ``none`` removes it;
- ``rate_above_quota`` (not a plan-file key): every slope above quota scaled so the first
  is this many payout multiples per 100% of quota (`with_rate_above_quota`);
- ``quota``: the quota's level, whatever its kind (``{relative: x}`` sets x);
- ``weight``: the other measures' weights are rescaled in proportion to keep the sum 1;
- ``cap``, ``ratchet``: a number, or ``none`` for none.

Nothing here validates a plan: `plan_at` builds the varied mapping and validates it with
`plan_from_dict`, turning a refusal into an `InputError` that names the lever and the
value.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from simulator.base.errors import InputError, Problem, printable
from simulator.base.validation import normal_name, shorten, show_number
from simulator.plan.edits import rate_above_quota, with_rate_above_quota, with_threshold
from simulator.plan.spec import PlanSpec, plan_from_dict

__all__ = [
    "MAX_LEVER_VALUES",
    "Lever",
    "LeverValue",
    "parse_lever",
    "parse_range",
    "parse_values",
    "plan_at",
    "setting_name",
    "suggested_range",
]

MAX_LEVER_VALUES = 200
"""Values one lever may take in a sweep (`0:1:0.001` would be a thousand plans)."""
OPTIONAL = ("threshold", "cap", "ratchet")
"""Measure fields that may be absent: a lever sets them to ``none`` to remove them."""
SHAPED = ("threshold", "rate_above_quota", "quota", "weight", "cap", "ratchet")
"""Measure fields set by their meaning rather than as a bare number (module doc)."""
FIELD_WORDS = {"rate_above_quota": "rate above quota", "announce_day": "announce day",
               "base_salary": "base salary", "target_incentive": "target incentive"}
DECIMALS = 9
"""Values of a range are rounded to this many decimals: 0.3 + 3 x 0.1 is 0.6, not
0.6000000000000001, in plan names, tables and YAML."""

LeverValue = float | None
"""A lever's value: a number, or None for an optional field left out (``none``)."""

_STEP = re.compile(r"\[([^\]]*)\]")
_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


@dataclass(frozen=True)
class Lever:
    """A number of a plan to vary: where it is and what it is called.

    path: the lever as written (``measures[0].threshold``); steps: the path into the plan
    mapping, measure indices resolved (``("measures", 0, "threshold")``); label: words for
    tables and charts (``New revenue: threshold``).
    """

    path: str
    steps: tuple[str | int, ...]
    label: str

    @property
    def measure(self) -> int | None:
        """The measure's position (from 0) when the lever is a measure's field."""
        if len(self.steps) == 3 and self.steps[0] == "measures" and isinstance(
                self.steps[1], int):
            return self.steps[1]
        return None

    @property
    def field(self) -> str:
        """The last named step: ``threshold``, ``cap``, ``target_incentive`` ..."""
        return next(str(s) for s in reversed(self.steps) if isinstance(s, str))

    @property
    def optional(self) -> bool:
        """The lever may take ``none`` (the field is left out)."""
        return self.measure is not None and self.field in OPTIONAL

    def value(self, plan: Mapping[str, Any]) -> LeverValue:
        """The lever's value in a plan-file mapping (None: the optional field is absent)."""
        if self.measure is not None and self.field in SHAPED:
            measure = plan["measures"][self.measure]
            if self.field == "rate_above_quota":
                return round(rate_above_quota(measure["curve"]), DECIMALS)
            if self.field == "quota":
                quota = measure["quota"]
                return float(next(iter(quota.values())) if isinstance(quota, Mapping)
                             else quota)
            found = measure.get(self.field)
            return None if found is None else float(found)
        node: Any = plan
        for step in self.steps:
            node = node[step]
        return float(node)

    def apply(self, plan: Mapping[str, Any], value: LeverValue) -> dict[str, Any]:
        """A copy of a plan-file mapping with the lever at `value` (the mapping is not changed)."""
        out = copy.deepcopy(dict(plan))
        if value is None and not self.optional:
            raise ValueError("takes a number, not none")
        if self.measure is None or self.field not in SHAPED:
            node: Any = out
            for step in self.steps[:-1]:
                node = node[step]
            last = self.steps[-1]
            node[last] = int(value) if isinstance(node[last], int) and value is not None \
                and float(value).is_integer() else value
            return out
        measures = out["measures"]
        measure = measures[self.measure]
        if self.field == "threshold":
            if value is None:
                measure.pop("threshold", None)
            else:
                measure["curve"] = with_threshold(measure["curve"], value)
                measure["threshold"] = value
        elif self.field == "rate_above_quota":
            measure["curve"] = with_rate_above_quota(measure["curve"], value or 0.0)
        elif self.field == "quota":
            quota = measure["quota"]
            measure["quota"] = ({next(iter(quota)): value} if isinstance(quota, Mapping)
                                else value)
        elif self.field == "weight":
            assert value is not None
            others = [m for i, m in enumerate(measures) if i != self.measure]
            rest = math.fsum(float(m["weight"]) for m in others)
            for other in others:  # the others keep their proportions and fill up to 1
                other["weight"] = round(float(other["weight"]) * (1 - value) / rest, 12) \
                    if rest > 0 else other["weight"]
            measure["weight"] = value
        elif value is None:
            measure.pop(self.field, None)
        else:
            measure[self.field] = value
        return out


def parse_lever(text: str, plan: PlanSpec, flag: str) -> Lever:
    """A lever path as written on the command line, resolved against a plan.

    Raises InputError naming `flag` and the path when it does not lead to a number of
    the plan (an unknown key, a measure that is not there, a text field).
    """
    path = text.strip()

    def bad(message: str) -> InputError:
        return InputError.single(flag, printable(shorten(path, 80)), message)

    mapping = plan.to_yaml_dict()
    steps: list[str | int] = []
    for part in re.split(r"\.(?![^\[]*\])", path):
        head = part.split("[", 1)[0]
        if not head and not steps:
            raise bad("a lever is a path such as measures[0].threshold or pay.target_incentive")
        if head:
            steps.append(head)
        for index in _STEP.findall(part):
            steps.append(_index(index, steps, mapping, bad))
        if _STEP.sub("", part) != head:
            raise bad(f"cannot read {part!r} (write measures[0] or measures[Name])")
    if not steps:
        raise bad("a lever is a path such as measures[0].threshold or pay.target_incentive")
    count = len(mapping["measures"])
    if steps[0] == "measures" and len(steps) > 1 and isinstance(steps[1], int) \
            and not 0 <= steps[1] < count:
        raise bad(f"the plan has {count} measure(s): measures[0] to measures[{count - 1}]")
    is_measure = (len(steps) == 3 and steps[0] == "measures" and isinstance(steps[1], int))
    if is_measure and steps[2] in SHAPED:
        measure = mapping["measures"][steps[1]]
        return Lever(path, tuple(steps), f"{measure['name']}: {_words(str(steps[2]))}")
    node: Any = mapping
    for i, step in enumerate(steps):
        if isinstance(step, str) and (not isinstance(node, Mapping) or step not in node):
            known = list(node) if isinstance(node, Mapping) else []
            if steps[:1] == ["measures"] and i == 2:
                known = sorted({*known, *SHAPED})
            hint = f"; known: {', '.join(map(str, known))}" if known else ""
            raise bad(f"the plan has no {step!r} here{hint}")
        if isinstance(step, int) and (not isinstance(node, list) or not 0 <= step < len(node)):
            raise bad(f"index {step} is out of range")
        node = node[step]
    if isinstance(node, bool) or not isinstance(node, int | float):
        raise bad("is not a number of the plan (a lever varies a number)")
    label = path
    if steps[0] == "measures" and isinstance(steps[1], int):
        name = mapping["measures"][steps[1]]["name"]
        rest = path.split("]", 1)[1].lstrip(".")
        label = f"{name}: {rest}"
    elif len(steps) <= 2:
        label = _words(str(steps[-1]))
    return Lever(path, tuple(steps), label)


def _index(text: str, steps: list[str | int], mapping: Mapping[str, Any],
           bad: Any) -> int:
    """A bracketed index: a whole number, or a measure's name."""
    index = text.strip()
    if re.fullmatch(r"\d{1,6}", index):
        return int(index)
    if steps == ["measures"]:
        wanted = normal_name(index).casefold()
        for i, measure in enumerate(mapping["measures"]):
            if normal_name(str(measure["name"])).casefold() == wanted:
                return i
        names = ", ".join(repr(m["name"]) for m in mapping["measures"])
        raise bad(f"the plan has no measure named {index!r} (it has {names})")
    raise bad(f"{index!r} is not an index (a whole number from 0)")


def _words(field: str) -> str:
    return FIELD_WORDS.get(field, field.replace("_", " "))


def _number(text: str, what: str) -> float:
    if not _NUMBER.fullmatch(text.strip()):
        raise ValueError(f"{shorten(text, 40)!r} is not a number{what}")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number")
    return value


def parse_values(text: str, optional: bool = False) -> list[LeverValue]:
    """A lever's values from the command line's text.

    ``0.3:0.9:0.1`` (from, to, step; both ends included), ``1.5,2,none`` (a list;
    ``none`` only for an optional field) or one number.
    Raises ValueError saying what is wrong; at most MAX_LEVER_VALUES values.
    """
    text = text.strip()
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise ValueError(f"{shorten(text, 40)!r}: a range is FROM:TO:STEP, e.g. 0.3:0.9:0.1")
        low, high, step = (_number(p, " (a range is FROM:TO:STEP)") for p in parts)
        if step <= 0:
            raise ValueError(f"the step must be greater than 0, not {show_number(step)}")
        if high < low:
            raise ValueError(f"the range ends ({show_number(high)}) before it starts "
                             f"({show_number(low)})")
        count = int(math.floor((high - low) / step * (1 + 1e-9) + 1e-9)) + 1
        if count > MAX_LEVER_VALUES:
            raise ValueError(f"{count:,} values; at most {MAX_LEVER_VALUES} per lever")
        return list(dict.fromkeys(round(low + i * step, DECIMALS) for i in range(count)))
    values: list[LeverValue] = []
    for part in text.split(","):
        if part.strip().lower() == "none":
            if not optional:
                raise ValueError("none (left out) is only for a measure's threshold, cap "
                                 "or ratchet")
            values.append(None)
        else:
            values.append(round(_number(part, ""), DECIMALS))
    if len(values) > MAX_LEVER_VALUES:
        raise ValueError(f"{len(values):,} values; at most {MAX_LEVER_VALUES} per lever")
    return list(dict.fromkeys(values))


def parse_range(text: str) -> tuple[float, float]:
    """An optimiser's bounds for a lever: ``LOW:HIGH`` (LOW below HIGH)."""
    parts = text.strip().split(":")
    if len(parts) != 2:
        raise ValueError(f"{shorten(text, 40)!r}: bounds are LOW:HIGH, e.g. 0.4:0.9")
    low, high = (_number(p, " (bounds are LOW:HIGH)") for p in parts)
    if not low < high:
        raise ValueError(f"LOW ({show_number(low)}) must be below HIGH ({show_number(high)})")
    return low, high


def suggested_range(lever: Lever, value: LeverValue) -> tuple[float, float]:
    """A default range for a lever around its value (the app's sliders and a tornado)."""
    field = lever.field
    if field == "threshold":
        return 0.3, 0.9
    if field == "rate_above_quota":
        return 0.5, 4.0
    if field == "cap":
        return 1.25, 4.0
    if field == "ratchet":
        return 0.0, 0.6
    if field == "weight":
        return 0.1, 0.9
    if field == "quota":
        base = value or 1.0
        return round(base * 0.7, 6), round(base * 1.3, 6)
    if field == "announce_day":
        return 0.0, 20.0
    base = value or 1.0
    return round(base * 0.5, 6), round(base * 1.5, 6)


def setting_name(settings: Sequence[tuple[Lever, LeverValue]]) -> str:
    """Words for a point of a sweep: ``threshold 0.6, cap none``."""
    parts = []
    for lever, value in settings:
        shown = "none" if value is None else f"{value:g}"
        parts.append(f"{lever.label} {shown}")
    return ", ".join(parts)


def plan_at(plan: PlanSpec, settings: Sequence[tuple[Lever, LeverValue]], flag: str,
            name: str | None = None) -> PlanSpec:
    """The plan with each lever at its value, validated as a plan file is.

    name: the new plan's name (default: the plan's name and the settings, shortened).
    Raises InputError naming `flag`, the levers and values and the plan's problem.
    """
    mapping: dict[str, Any] = plan.to_yaml_dict()
    where = ", ".join(f"{lever.path}={'none' if v is None else f'{v:g}'}"
                      for lever, v in settings)
    try:
        for lever, value in settings:
            mapping = lever.apply(mapping, value)
    except (ValueError, TypeError) as error:
        raise InputError.single(flag, printable(shorten(where, 120)), str(error)) from None
    mapping["name"] = shorten(name or f"{plan.name} ({setting_name(settings)})", 200)
    try:
        return plan_from_dict(mapping, "plan")
    except InputError as error:
        problems = [Problem(printable(shorten(where, 120)),
                            f"gives a plan that is not valid: {p}") for p in error.problems]
        raise InputError(flag, problems) from None
