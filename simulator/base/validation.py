"""Validating raw file data into frozen specs, with every problem named by its field path.

Plan and team specs are pydantic models built on `Frozen`; `validate_model` turns
pydantic's errors into `Problem`s whose paths read as a user counts: measures and list
items from 1, a measure named when it has a name (``measures[2] (Meetings).curve[3][1]``).

Names follow one whitespace rule everywhere (`normal_name`): surrounding whitespace is
dropped and every run of spaces inside is one space, so a name matches and collides
with the same name written with other spaces. Names never hold line breaks, tabs or
other control characters, descriptions no control characters but line breaks and tabs
(a name is echoed in messages and tables; an escape code must not reach a terminal).
Bounded numbers (`between`) say their bounds when refused.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict, ValidationError

from simulator.base.errors import MAX_PROBLEMS, InputError, Problem, ProblemList, is_control
from simulator.base.limits import (
    MAX_DESCRIPTION_CHARS,
    MAX_FACTOR,
    MAX_FUNNEL,
    MAX_MONEY,
    MAX_NAME_CHARS,
    MIN_FACTOR,
    MIN_FUNNEL,
)

M = TypeVar("M", bound=BaseModel)


def normal_name(text: str) -> str:
    """A name by the one whitespace rule: stripped, inner runs of whitespace one space."""
    return " ".join(text.split())


def _clean_name(text: str) -> str:
    # a line break or a tab inside a name is refused, not folded: a name is one line,
    # and the CSVs that refer to it refuse control characters in their cells
    bad = next((c for c in text.strip() if is_control(c)), None)
    if bad is not None:
        raise ValueError(f"must not contain line breaks or control characters (found {bad!r})")
    name = normal_name(text)
    if not name:
        raise ValueError("must not be empty or only spaces")
    return name


def _clean_description(text: str) -> str:
    bad = next((c for c in text if is_control(c) and c not in "\n\t"), None)
    if bad is not None:
        raise ValueError(f"must not contain control characters (found {bad!r})")
    return text


def show_number(value: float) -> str:
    """A bound or a value as a message writes it: 1,000,000,000,000, 0.5 or 1e-06."""
    if float(value).is_integer() and abs(value) < 1e16:
        return f"{int(value):,}"
    return f"{value:g}"


def between(low: float, high: float, *, low_open: bool = False) -> AfterValidator:
    """A validator that refuses a number outside [low, high] (or (low, high]), saying so."""

    def check(value: float) -> float:
        if (value <= low if low_open else value < low) or value > high:
            lowest = "greater than" if low_open else "at least"
            raise ValueError(f"must be {lowest} {show_number(low)} and at most "
                             f"{show_number(high)}, not {show_number(value)}")
        return value

    return AfterValidator(check)


Number = Annotated[float, Strict()]
"""A number as written in a file: an int or a float, never a quoted string or a bool."""
Text = Annotated[str, Strict(), Field(min_length=1, max_length=MAX_NAME_CHARS),
                 AfterValidator(_clean_name)]
"""A name: text of 1-200 characters, whitespace normalised (`normal_name`), no controls."""
Description = Annotated[str, Strict(), Field(max_length=MAX_DESCRIPTION_CHARS),
                        AfterValidator(_clean_description)]
"""Free text of up to 2,000 characters: lines and tabs allowed, other controls not."""

# Bounded numbers of the specs (README, "Limits"): every number a file holds is bounded,
# so that no valid spec can overflow or divide by zero downstream.
Positive = Annotated[float, Strict(), Field(gt=0)]
NonNegative = Annotated[float, Strict(), Field(ge=0)]
Share = Annotated[float, Strict(), Field(ge=0, le=1)]
PositiveShare = Annotated[float, Strict(), Field(gt=0, le=1)]
"""A share that the model divides by: above 0."""
Sigma = Annotated[float, Strict(), Field(ge=0, le=3)]
"""A lognormal sigma."""
Count = Annotated[float, Strict(), Field(gt=0), between(MIN_FUNNEL, MAX_FUNNEL)]
"""A count or level per rep per month (dials, minutes, hours, a task's level)."""
Money = Annotated[float, Strict(), Field(gt=0), between(0.01, MAX_MONEY)]
"""An amount of money: a cent to MAX_MONEY."""
Factor = Annotated[float, Strict(), Field(gt=0), between(MIN_FACTOR, MAX_FACTOR)]
"""A multiplicative factor (seasonality, a rep's level)."""


class Frozen(BaseModel):
    """Base of every spec: unknown keys rejected, immutable, finite numbers only."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


LABELS = {"measures": "name", "roster": "rep_id"}
"""Lists whose items a message names by a key of theirs: a measure by its name, a rep by id."""


def _item_label(raw: Mapping[str, Any], key: str, index: int) -> str:
    items = raw.get(key)
    name = None
    if isinstance(items, list) and index < len(items) and isinstance(items[index], dict):
        name = items[index].get(LABELS[key])
    return f"{key}[{index + 1}]" + (f" ({shorten(normal_name(name))})"
                                    if isinstance(name, str) else "")


def shorten(text: str, limit: int = 60) -> str:
    """Text as a message echoes it: at most `limit` characters, the cut marked with '...'."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def field_path(loc: tuple[Any, ...], raw: Any) -> str:
    """A path of keys and indexes as a reader counts it: ``measures[2] (Meetings).curve[3]``.

    raw: the file's data, to name measures.
    """
    return _where(loc, raw if isinstance(raw, Mapping) else {})


def _where(loc: tuple[int | str, ...], raw: Mapping[str, Any]) -> str:
    parts: list[str] = []
    i = 0
    while i < len(loc):
        part = loc[i]
        if part in LABELS and i + 1 < len(loc) and isinstance(loc[i + 1], int):
            parts.append(_item_label(raw, str(part), int(loc[i + 1])))
            i += 2
            continue
        if isinstance(part, int):
            label = f"[{part + 1}]"
            parts[-1:] = [(parts[-1] if parts else "") + label]
        else:
            parts.append(shorten(str(part)))
        i += 1
    return ".".join(parts)


def pydantic_problems(
    error: ValidationError, raw: Mapping[str, Any], model: type[BaseModel]
) -> ProblemList:
    """Pydantic's errors as problems, each with the field path a reader counts by.

    The first MAX_PROBLEMS are worded; the rest are only counted (`ProblemList.more`).
    """
    problems = ProblemList()
    for err in error.errors(include_url=False, include_context=False, include_input=True):
        if len(problems) >= MAX_PROBLEMS:
            problems.more += 1
            continue
        loc = clean_loc(err["loc"], raw)
        kind = err["type"]
        message = err["msg"].removeprefix("Value error, ")
        if kind == "missing":
            message = "missing required key"
        elif kind == "extra_forbidden":
            message = _unknown_key_message(loc, model)
        elif kind == "literal_error":
            shown = shorten(err["input"]) if isinstance(err["input"], str) else err["input"]
            message = f"{shown!r} is not allowed: {message.lower()}"
        elif kind == "invalid_key":
            # the last part of the path is the offending key itself (e.g. YAML's `yes:` or `1:`)
            message = (
                f"key {shorten(repr(err['input']))} is not text; write keys as words "
                "(YAML reads an unquoted yes/no/on/off as true/false)"
            )
            loc = loc[:-1]
        problems.append(Problem(_where(loc, raw), message))
    return problems


def clean_loc(loc: tuple[int | str, ...], raw: Any) -> tuple[int | str, ...]:
    """An error path without the tags pydantic adds (union members, `[key]`, validators).

    A part that is a real key or index of the raw data is always kept, so a user's key that
    happens to contain a bracket still shows up in the message.
    """
    out: list[int | str] = []
    node: Any = raw
    for part in loc:
        if isinstance(node, Mapping) and not isinstance(part, int) and part in node:
            node = node[part]
        elif isinstance(node, list | tuple) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif isinstance(part, str) and (
            "[" in part or part in ("function-after", "function-before")
        ):
            continue
        else:
            node = None
        out.append(part)
    return tuple(out)


def _unknown_key_message(loc: tuple[int | str, ...], model: type[BaseModel]) -> str:
    key = str(loc[-1]) if loc else ""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        field = current.model_fields.get(part) if hasattr(current, "model_fields") else None
        current = _inner_model(field.annotation) if field else None
    known = list(current.model_fields) if current is not None else []
    close = difflib.get_close_matches(key, known, n=1) if len(key) <= 100 else []
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown key {shorten(key)!r}{hint}"


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def exact_keys(given: Mapping[Any, Any], names: tuple[str, ...], what: str) -> None:
    """Raise ValueError unless `given` has exactly the keys `names` (each `what`, in words)."""
    unknown = [shorten(str(k)) for k in given if k not in names][:10]
    missing = [k for k in names if k not in given]
    if unknown or missing:
        raise ValueError(
            "; ".join(
                ([f"unknown {what} {', '.join(map(repr, unknown))}"] if unknown else [])
                + ([f"missing {what} {', '.join(map(repr, missing))}"] if missing else [])
            )
            + f" (expected {', '.join(names)})"
        )


def validate_model(model: type[M], raw: dict[str, Any], source: str) -> M:
    """Validate raw data into a spec; raise InputError listing every problem with its path."""
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        problems = pydantic_problems(error, raw, model)
        raise InputError(source, problems, problems.more) from None
