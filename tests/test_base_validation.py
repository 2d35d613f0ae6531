"""Raw data -> frozen specs (simulator.base.validation): problems named by a user's path."""

from __future__ import annotations

from typing import Any

import pydantic
import pytest

from simulator.base.errors import InputError
from simulator.base.validation import (
    Frozen,
    Money,
    Number,
    Text,
    clean_loc,
    normal_name,
    show_number,
    validate_model,
)


class Inner(Frozen):
    """A nested part of a spec."""

    rate: Number
    label: Text = "x"


class Item(Frozen):
    """A list item with an optional name (as plan measures have)."""

    name: Text
    weight: Number


class Spec(Frozen):
    """A small spec with every kind of field the real ones use."""

    name: Text
    size: Number = 1.0
    inner: Inner = Inner(rate=1.0)
    items: tuple[Item, ...] = ()
    measures: tuple[Item, ...] = ()
    table: dict[str, Inner] = {}


def problems_of(raw: dict[str, Any]) -> list[str]:
    with pytest.raises(InputError) as caught:
        validate_model(Spec, raw, "s.yaml")
    assert caught.value.source == "s.yaml"
    return [str(p) for p in caught.value.problems]


def test_a_valid_spec_is_frozen() -> None:
    spec = validate_model(Spec, {"name": "A", "size": 3}, "s.yaml")
    assert spec.size == 3.0 and spec.inner.rate == 1.0
    with pytest.raises(pydantic.ValidationError):
        spec.size = 4.0  # type: ignore[misc]


@pytest.mark.parametrize(("raw", "expected"), [
    ({}, ["name: missing required key"]),
    ({"name": ""}, ["name: String should have at least 1 character"]),
    ({"name": "x" * 201}, ["name: String should have at most 200 characters"]),
    ({"name": 5}, ["name: Input should be a valid string"]),
    ({"name": "A", "size": "3"}, ["size: Input should be a valid number"]),
    ({"name": "A", "size": True}, ["size: Input should be a valid number"]),
    ({"name": "A", "size": float("inf")}, ["size: Input should be a finite number"]),
    ({"name": "A", "sise": 3}, ["sise: unknown key 'sise' (did you mean 'size'?)"]),
    ({"name": "A", "inner": {"rat": 1}}, [
        "inner.rate: missing required key",
        "inner.rat: unknown key 'rat' (did you mean 'rate'?)"]),
    ({"name": "A", "zzz": 1}, ["zzz: unknown key 'zzz'"]),
])
def test_problems_name_the_field(raw: dict[str, Any], expected: list[str]) -> None:
    assert problems_of(raw) == expected


def test_list_items_count_from_one() -> None:
    raw = {"name": "A", "items": [{"name": "a", "weight": 1}, {"name": "b", "weight": "x"}]}
    assert problems_of(raw) == ["items[2].weight: Input should be a valid number"]


def test_measures_are_named_when_they_have_a_name() -> None:
    raw = {"name": "A", "measures": [{"name": "Revenue", "weight": "x"}, {"weight": 1}]}
    assert problems_of(raw) == [
        "measures[1] (Revenue).weight: Input should be a valid number",
        "measures[2].name: missing required key",
    ]


def test_keys_of_a_mapping_stay_in_the_path() -> None:
    raw = {"name": "A", "table": {"core[1]": {"rate": "fast"}}}
    assert problems_of(raw) == ["table.core[1].rate: Input should be a valid number"]


def test_a_key_that_is_not_text() -> None:
    assert problems_of({"name": "A", True: 1}) == [
        "key True is not text; write keys as words (YAML reads an unquoted yes/no/on/off as "
        "true/false)"]


def test_every_problem_is_reported_at_once() -> None:
    raw = {"size": "3", "inner": {"rate": None}, "extra": 1}
    assert sorted(p.split(":")[0] for p in problems_of(raw)) == [
        "extra", "inner.rate", "name", "size"]


def test_clean_loc_drops_pydantic_tags_but_keeps_real_keys() -> None:
    raw = {"a": {"b[x]": [{"c": 1}]}}
    assert clean_loc(("a", "b[x]", 0, "c"), raw) == ("a", "b[x]", 0, "c")
    assert clean_loc(("a", "function-after[check()]", "d"), raw) == ("a", "d")
    assert clean_loc(("x", "tagged-union[A,B]", "y"), raw) == ("x", "y")


# --------------------------------------------------------------------------- names, bounds


@pytest.mark.parametrize(("name", "kept"), [
    ("  New   revenue ", "New revenue"), ("A\u00a0B", "A B"), ("Café", "Café"),
])
def test_names_follow_one_whitespace_rule(name: str, kept: str) -> None:
    assert validate_model(Spec, {"name": name}, "s.yaml").name == kept
    assert normal_name(name) == kept


@pytest.mark.parametrize("name", ["A\nB", "A\tB", "A\x1b[31mB", "A\u202eB", "A\x00B", "A\x9bB"])
def test_names_refuse_line_breaks_and_control_characters(name: str) -> None:
    [problem] = problems_of({"name": name})
    assert problem.startswith("name: must not contain line breaks or control characters")
    assert "\n" not in problem and "\x1b" not in problem


def test_bounded_numbers_say_their_bounds() -> None:
    class Paid(Frozen):
        amount: Money

    with pytest.raises(InputError) as caught:
        validate_model(Paid, {"amount": 1e308}, "p.yaml")
    assert str(caught.value) == ("p.yaml: amount: must be at least 0.01 and at most "
                                 "1,000,000,000,000, not 1e+308")
    assert show_number(1e-6) == "1e-06" and show_number(40_000) == "40,000"
