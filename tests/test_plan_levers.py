"""Levers: paths into a plan, their values, the plan at given values (hand-worked cases)."""

from __future__ import annotations

import pytest
from conftest import PLANS_DIR, make_measure, make_plan

from simulator.base.errors import InputError
from simulator.plan.levers import (
    MAX_LEVER_VALUES,
    parse_lever,
    parse_range,
    parse_values,
    plan_at,
    setting_name,
)
from simulator.plan.spec import load_plan, plan_from_dict


@pytest.fixture(scope="module")
def high():
    return load_plan(PLANS_DIR / "high_threshold.yaml")


@pytest.fixture(scope="module")
def two():
    return plan_from_dict(make_plan(
        make_measure(name="New revenue", weight=0.6, cap=3.0),
        make_measure(name="Meetings", metric="meetings", weight=0.4)), "two")


def test_a_range_includes_both_ends_without_float_noise() -> None:
    assert parse_values("0.3:0.9:0.1") == [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    assert parse_values("1:2:0.4") == [1.0, 1.4, 1.8]  # 2.2 is past the end
    assert parse_values("5") == [5.0]


def test_a_list_keeps_its_order_and_none_only_where_optional() -> None:
    assert parse_values("1.5,2,none", optional=True) == [1.5, 2.0, None]
    assert parse_values("2,1,2") == [2.0, 1.0]
    with pytest.raises(ValueError, match="none"):
        parse_values("1,none")


@pytest.mark.parametrize("text, message", [
    ("0.3:0.9", "FROM:TO:STEP"), ("1:0:0.1", "ends"), ("0:1:0", "step"),
    ("0:1:0.001", "at most"), ("abc", "not a number"), ("nan", "not a number"),
    ("1e400", "finite"),
])
def test_bad_values_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_values(text)


def test_more_values_than_the_maximum_are_refused() -> None:
    parse_values(f"1:{MAX_LEVER_VALUES}:1")
    with pytest.raises(ValueError, match="at most"):
        parse_values(f"1:{MAX_LEVER_VALUES + 1}:1")


def test_bounds() -> None:
    assert parse_range("0.4:0.9") == (0.4, 0.9)
    for bad in ("0.9:0.4", "1", "a:b"):
        with pytest.raises(ValueError):
            parse_range(bad)


def test_paths_resolve_by_position_or_name(two) -> None:
    lever = parse_lever("measures[Meetings].threshold", two, "--vary")
    assert lever.steps == ("measures", 1, "threshold") and lever.measure == 1
    assert lever.label == "Meetings: threshold" and lever.optional
    pay = parse_lever("pay.target_incentive", two, "--vary")
    assert pay.steps == ("pay", "target_incentive") and pay.label == "target incentive"
    assert not pay.optional
    point = parse_lever("measures[0].curve[2][1]", two, "--vary")
    assert point.steps == ("measures", 0, "curve", 2, 1)
    assert point.value(two.to_yaml_dict()) == 2.0


@pytest.mark.parametrize("path, message", [
    ("measures[2].cap", "2 measure"), ("measures[Nope].cap", "no measure named"),
    ("pay.bonus", "no 'bonus'"), ("name", "not a number"), ("measures[0].curve[9][0]",
                                                           "out of range"),
    (".cap", "a lever is a path"), ("measures[0].metric", "not a number"),
])
def test_bad_paths_name_the_flag_and_the_problem(two, path: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        parse_lever(path, two, "--vary")
    assert caught.value.source == "--vary"


def test_threshold_restarts_the_curve_there(high) -> None:
    lever = parse_lever("measures[0].threshold", high, "--vary")
    assert lever.value(high.to_yaml_dict()) == 0.7
    # the curve from (0, 0) to (0.7, 0.5) pays 0.5 x 0.5 / 0.7 = 0.357142857 at 50%
    plan = plan_at(high, [(lever, 0.5)], "--vary")
    measure = plan.measures[0]
    assert measure.threshold == 0.5
    assert [list(p) for p in measure.curve][:2] == [[0.5, 0.357142857], [0.7, 0.5]]
    assert plan.name == "High threshold (New revenue: threshold 0.5)"
    removed = plan_at(high, [(lever, None)], "--vary")
    assert removed.measures[0].threshold is None


def test_rate_above_quota_and_cap(high) -> None:
    rate = parse_lever("measures[0].rate_above_quota", high, "--vary")
    cap = parse_lever("measures[0].cap", high, "--vary")
    base = high.to_yaml_dict()
    assert rate.value(base) == pytest.approx(2.0) and cap.value(base) is None
    plan = plan_at(high, [(rate, 3.0), (cap, 2.5)], "--vary")
    # slope 2 above quota scaled to 3: (1.5, 1 + 3 x 0.5) = (1.5, 2.5), then on to 2.0
    assert [list(p) for p in plan.measures[0].curve][-2:] == [[1.5, 2.5], [2.0, 4.0]]
    assert plan.measures[0].cap == 2.5
    assert rate.value(plan.to_yaml_dict()) == pytest.approx(3.0)


def test_weight_keeps_the_sum_one(two) -> None:
    lever = parse_lever("measures[1].weight", two, "--vary")
    plan = plan_at(two, [(lever, 0.7)], "--vary")
    assert [m.weight for m in plan.measures] == pytest.approx([0.3, 0.7])


def test_quota_sets_the_level_of_its_kind(high) -> None:
    lever = parse_lever("measures[0].quota", high, "--vary")
    assert lever.value(high.to_yaml_dict()) == 1.5
    quota = plan_at(high, [(lever, 1.2)], "--vary").measures[0].quota
    assert (quota.kind, quota.value) == ("relative", 1.2)


def test_whole_numbers_stay_whole(high) -> None:
    lever = parse_lever("announce_day", high, "--vary")
    assert plan_at(high, [(lever, 5.0)], "--vary").announce_day == 5


def test_an_invalid_point_names_the_lever_and_value(high) -> None:
    lever = parse_lever("measures[0].cap", high, "--vary")
    with pytest.raises(InputError) as caught:
        plan_at(high, [(lever, -1.0)], "--vary")
    text = str(caught.value)
    assert "--vary" in text and "measures[0].cap=-1" in text and "not valid" in text
    with pytest.raises(InputError, match="not none"):
        plan_at(high, [(parse_lever("pay.base_salary", high, "--vary"), None)], "--vary")


def test_setting_name(high) -> None:
    cap = parse_lever("measures[0].cap", high, "--vary")
    assert setting_name([(cap, None)]) == "New revenue: cap none"
    assert setting_name([(cap, 2.0)]) == "New revenue: cap 2"
