"""Plan files -> PlanSpec: what is accepted, what is rejected and how the problems read."""

from __future__ import annotations

import math
from pathlib import Path

import pydantic
import pytest
import yaml
from conftest import SHIPPED_PLANS, make_measure, make_plan, write_plan

from simulator.base.errors import InputError
from simulator.plan.spec import PlanSpec, load_plan, plan_from_dict, plan_from_text


def problems_of(raw: dict | str) -> list[str]:
    """Every problem line (without the source) of a plan that must be rejected."""
    with pytest.raises(InputError) as caught:
        if isinstance(raw, str):
            plan_from_text(raw, "p.yaml")
        else:
            plan_from_dict(raw, "p.yaml")
    lines = str(caught.value).splitlines()
    assert all(line.startswith("p.yaml: ") for line in lines)
    assert len(lines) == len(caught.value.problems)
    return [line.removeprefix("p.yaml: ") for line in lines]


# --------------------------------------------------------------------------- shipped plans


def test_there_are_shipped_plans() -> None:
    names = {p.name for p in SHIPPED_PLANS}
    assert {
        "baseline.yaml", "high_threshold.yaml", "capped.yaml", "many_kpis.yaml",
        "late_plan.yaml", "activity_kpis.yaml", "recommended.yaml",
    } <= names


@pytest.mark.parametrize("path", SHIPPED_PLANS, ids=lambda p: p.name)
def test_every_shipped_plan_loads(path: Path) -> None:
    plan = load_plan(path)
    assert isinstance(plan, PlanSpec)
    assert plan.description.strip()
    curves = [m.weight for m in plan.measures if m.commission is None]
    assert not curves or math.isclose(sum(curves), 1.0, abs_tol=1e-6)


@pytest.mark.parametrize("path", SHIPPED_PLANS, ids=lambda p: p.name)
def test_round_trip_through_yaml(path: Path) -> None:
    plan = load_plan(path)
    text = yaml.safe_dump(plan.to_yaml_dict(), sort_keys=False)
    again = plan_from_text(text, "again.yaml")
    assert again == plan
    assert again.to_yaml_dict() == plan.to_yaml_dict()


def test_spec_is_frozen() -> None:
    plan = plan_from_dict(make_plan())
    with pytest.raises(pydantic.ValidationError):
        plan.name = "other"  # type: ignore[misc]
    with pytest.raises(pydantic.ValidationError):
        plan.measures[0].weight = 0.5  # type: ignore[misc]
    assert isinstance(plan.measures, tuple)
    assert isinstance(plan.measures[0].curve, tuple)


def test_defaults() -> None:
    raw = make_plan(
        make_measure(threshold=None), description=None, announce_day=None
    )
    plan = plan_from_dict(raw)
    m = plan.measures[0]
    assert plan.description == ""
    assert plan.announce_day == 0
    assert m.direction == "higher"
    assert m.threshold is None
    assert m.cap is None


@pytest.mark.parametrize(
    ("period", "weeks", "per_year", "days"),
    [("month", 4, 12, 20), ("quarter", 12, 4, 60), ("year", 48, 1, 240)],
)
def test_period_lengths(period: str, weeks: int, per_year: int, days: int) -> None:
    plan = plan_from_dict(make_plan(period=period, announce_day=days))
    assert plan.weeks_per_period == weeks
    assert plan.periods_per_year == per_year
    assert plan.announce_week == weeks  # announced on the last day
    assert problems_of(make_plan(period=period, announce_day=days + 1)) == [
        f"announce_day: {days + 1} is past the end of the {period} ({days} working days)"
    ]


def test_announce_day_negative_or_not_an_integer() -> None:
    assert problems_of(make_plan(announce_day=-1)) == ["announce_day: must not be negative, not -1"]
    assert problems_of(make_plan(announce_day=2.5))[0].startswith("announce_day: ")


@pytest.mark.parametrize(
    ("quota", "kind", "value"),
    [
        ({"relative": 1.0}, "relative", 1.0),
        ({"team": 0.9}, "team", 0.9),
        ({"history": 1.1}, "history", 1.1),
        (180000, "absolute", 180000.0),
        (2.5, "absolute", 2.5),
    ],
)
def test_quota_forms(quota: object, kind: str, value: float) -> None:
    plan = plan_from_dict(make_plan(make_measure(quota=quota)))
    assert plan.measures[0].quota.kind == kind
    assert plan.measures[0].quota.value == value
    assert plan.measures[0].quota.to_yaml() == quota


@pytest.mark.parametrize(
    "quota",
    [0, -1, math.inf, math.nan, "100", True, None, {}, {"relative": 1, "team": 1},
     {"relatve": 1}, {"relative": 0}, {"team": -2}, {"history": math.nan}, {"relative": "1"},
     [1, 2]],
)
def test_bad_quota(quota: object) -> None:
    raw = make_plan(make_measure(quota=quota)) if quota is not None else make_plan(
        make_measure(quota=None))
    assert problems_of(raw)[0].startswith("measures[1] (New revenue).quota: ")


def test_curve_of_one_point_and_steps_are_valid() -> None:
    plan = plan_from_dict(make_plan(make_measure(threshold=None, curve=[[1.0, 1.0]])))
    assert plan.measures[0].curve == ((1.0, 1.0),)
    step = [[0, 0], [1, 1], [1, 1.5], [2, 2.5]]
    plan = plan_from_dict(make_plan(make_measure(threshold=1, curve=step)))
    assert plan.measures[0].threshold == 1


@pytest.mark.parametrize(
    ("curve", "message"),
    [
        ([], "must be a non-empty list"),
        ("steep", "must be a non-empty list"),
        ([[0.5, 0.25], [1.0]], "point 2 must be a pair"),
        ([[0.5, 0.25], 1.0], "point 2 must be a pair"),
        ([[0.5, 0.25], [1.0, 1.0], [0.9, 1.5]], "attainment decreases at point 3 (1.0 -> 0.9)"),
        ([[0.5, 0.25], [1.0, 1.0], [1.5, 0.5]], "payout decreases at point 3 (1.0 -> 0.5)"),
        ([[0.5, 0.25], [1, 1], [1, 1.5], [1, 2]], "attainment 1.0 appears more than twice"),
        ([[-0.5, 0.25], [1.0, 1.0]], "must not be negative"),
        ([[0.5, -0.25], [1.0, 1.0]], "must not be negative"),
    ],
)
def test_bad_curve(curve: object, message: str) -> None:
    problems = problems_of(make_plan(make_measure(threshold=None, curve=curve)))
    assert problems[0].startswith("measures[1] (New revenue).curve: ")
    assert message in problems[0]


@pytest.mark.parametrize(
    ("value", "where"),
    [(math.inf, "curve[2][1]"), (math.nan, "curve[2][2]"), ("1", "curve[1][2]"),
     (True, "curve[3][1]")],
)
def test_curve_values_must_be_finite_numbers(value: object, where: str) -> None:
    curve: list[list[object]] = [[0.5, 0.25], [1.0, 1.0], [1.5, 2.0]]
    row, col = int(where[6]) - 1, int(where[9]) - 1
    curve[row][col] = value
    problems = problems_of(make_plan(make_measure(threshold=None, curve=curve)))
    assert problems[0].startswith(f"measures[1] (New revenue).{where}: ")


@pytest.mark.parametrize(("threshold", "ok"), [(0.5, True), (1.5, True), (1.0, True),
                                               (0.49, False), (1.51, False), (-0.1, False),
                                               (0.0, False)])
def test_threshold_must_be_on_the_curve(threshold: float, ok: bool) -> None:
    raw = make_plan(make_measure(threshold=threshold))
    if ok:
        assert plan_from_dict(raw).measures[0].threshold == threshold
    else:
        assert problems_of(raw) == [
            f"measures[1] (New revenue).threshold: {float(threshold)} is outside the curve's "
            "attainment range [0.5, 1.5]"
        ]


@pytest.mark.parametrize(("cap", "ok"), [(0.25, True), (3.0, True), (0.24, False), (-1, False)])
def test_cap_not_below_the_payout_at_zero(cap: float, ok: bool) -> None:
    raw = make_plan(make_measure(cap=cap, threshold=None,
                                 curve=[[0.0, 0.25], [1.0, 1.0], [1.5, 2.0]]))
    if ok:
        assert plan_from_dict(raw).measures[0].cap == cap
    else:
        [problem] = problems_of(raw)
        assert problem.startswith("measures[1] (New revenue).cap: ")


@pytest.mark.parametrize("cap", [0.0, 0.1, 0.24, 0.25, 3.0])
def test_cap_below_the_first_written_point_when_the_curve_starts_at_zero(cap: float) -> None:
    # issue 11, item 9: [[0.5, 0.25], ...] starts from (0, 0), so any cap cuts the curve
    plan = plan_from_dict(make_plan(make_measure(cap=cap)))
    assert plan.measures[0].cap == cap
    from simulator.plan.payout import PayoutCurve
    curve = PayoutCurve.from_measure(plan.measures[0])
    assert float(curve(0.5)) == min(0.25, cap)
    assert float(curve(2.0)) == min(3.0, cap)
    assert float(curve(0.49)) == 0.0  # below the threshold


@pytest.mark.parametrize(
    ("delta", "ok"), [(0.0, True), (5e-7, True), (-5e-7, True), (2e-6, False), (-2e-6, False)]
)
def test_weights_sum_to_one_within_tolerance(delta: float, ok: bool) -> None:
    a = make_measure(weight=0.6)
    b = make_measure(name="Meetings", metric="meetings", weight=0.4 + delta)
    raw = make_plan(a, b)
    if ok:
        plan_from_dict(raw)
    else:
        [problem] = problems_of(raw)
        assert problem.startswith("measures: weights sum to ")
        assert problem.endswith(", not 1")


@pytest.mark.parametrize("weight", [0, -0.5, 1.5])
def test_weight_out_of_range(weight: float) -> None:
    problems = problems_of(make_plan(make_measure(weight=weight)))
    assert problems[0].startswith("measures[1] (New revenue).weight: must be greater than 0")


def test_duplicate_measure_names_ignore_case_and_spaces() -> None:
    raw = make_plan(make_measure(weight=0.5), make_measure(name=" new REVENUE ", weight=0.5))
    # names follow one whitespace rule: the plan's name is 'new REVENUE'
    assert problems_of(raw) == ["measures: duplicate measure name 'new REVENUE'"]


def test_unknown_metric_suggests_the_closest() -> None:
    [problem] = problems_of(make_plan(make_measure(metric="revnue")))
    assert problem.startswith(
        "measures[1] (New revenue).metric: unknown metric 'revnue' (did you mean 'revenue'?)"
    )


def test_unknown_key_suggests_the_closest() -> None:
    measure = make_measure(threshold=None)
    measure["treshold"] = 0.5
    assert problems_of(make_plan(measure)) == [
        "measures[1] (New revenue).treshold: unknown key 'treshold' (did you mean 'threshold'?)"
    ]
    assert problems_of(make_plan(periode="month")) == [
        "periode: unknown key 'periode' (did you mean 'period'?)"
    ]
    raw = make_plan()
    raw["pay"]["target_incentiv"] = raw["pay"].pop("target_incentive")
    assert set(problems_of(raw)) == {
        "pay.target_incentive: missing required key: 'New revenue' pay a curve, a multiple "
        "of the target incentive (only a plan whose every measure is a commission may "
        "leave it out)",
        "pay.target_incentiv: unknown key 'target_incentiv' (did you mean 'target_incentive'?)",
    }


def test_missing_required_keys_are_all_named() -> None:
    raw = make_plan(make_measure(metric=None, curve=None), period=None, pay=None)
    assert set(problems_of(raw)) == {
        "period: missing required key",
        "pay: missing required key",
        "measures[1] (New revenue).metric: missing required key",
        "measures[1] (New revenue).curve: missing required key",
    }


def test_measures_are_counted_from_one_and_named() -> None:
    a = make_measure(weight=0.5)
    b = make_measure(name="Meetings", metric="meetings", weight=0.5, cap=-1)
    assert problems_of(make_plan(a, b)) == [
        "measures[2] (Meetings).cap: must not be negative, not -1.0"
    ]
    nameless = make_measure(name=None)
    assert problems_of(make_plan(nameless)) == ["measures[1].name: missing required key"]


@pytest.mark.parametrize(
    ("key", "value"),
    [("base_salary", -1), ("target_incentive", 0), ("target_incentive", -60000),
     ("base_salary", math.inf), ("target_incentive", math.nan), ("base_salary", "90000"),
     ("target_incentive", True)],
)
def test_bad_money(key: str, value: object) -> None:
    raw = make_plan()
    raw["pay"][key] = value
    [problem] = problems_of(raw)
    assert problem.startswith(f"pay.{key}: ")


def test_a_string_or_bool_where_a_number_is_expected() -> None:
    assert problems_of(make_plan(make_measure(weight="1.0"))) == [
        "measures[1] (New revenue).weight: Input should be a valid number"
    ]
    assert problems_of(make_plan(make_measure(weight=True))) == [
        "measures[1] (New revenue).weight: Input should be a valid number"
    ]
    assert problems_of(make_plan(make_measure(threshold="0.5")))[0].startswith(
        "measures[1] (New revenue).threshold: ")


def test_integers_are_numbers() -> None:
    plan = plan_from_dict(make_plan(make_measure(weight=1, threshold=1, curve=[[1, 1], [2, 3]])))
    assert plan.measures[0].weight == 1.0
    assert plan.measures[0].curve == ((1.0, 1.0), (2.0, 3.0))


def test_unknown_period_and_direction() -> None:
    assert problems_of(make_plan(period="week")) == [
        "period: 'week' is not allowed: input should be 'month', 'quarter' or 'year'"
    ]
    [problem] = problems_of(make_plan(make_measure(direction="down")))
    assert problem.startswith("measures[1] (New revenue).direction: 'down' is not allowed")


def test_measures_must_be_a_non_empty_list_of_at_most_20() -> None:
    assert problems_of(make_plan(measures=[])) == ["measures: must be a non-empty list of measures"]
    assert problems_of(make_plan(measures={"a": 1})) == [
        "measures: must be a non-empty list of measures"
    ]
    many = [make_measure(name=f"M{i}", weight=1 / 21) for i in range(21)]
    assert problems_of(make_plan(*many)) == ["measures: at most 20 measures, not 21"]
    assert problems_of(make_plan(make_measure(), measures=[make_measure(), 5]))[0].startswith(
        "measures[2]: ")


def test_name_must_be_text() -> None:
    assert problems_of(make_plan(name=""))[0].startswith("name: ")
    assert problems_of(make_plan(name=12))[0].startswith("name: ")
    assert problems_of(make_plan(name="x" * 201))[0].startswith("name: ")


# --------------------------------------------------------------------------- every problem


def test_every_problem_in_a_file_is_reported() -> None:
    a = make_measure(metric="revnue", weight=0.5, threshold=0.2)
    b = make_measure(name="Meetings", metric="meetings", weight=0.3, quota=-1)
    raw = make_plan(a, b, period="quarter", announce_day=61)
    raw["pay"]["base_salary"] = -5
    assert problems_of(raw) == [
        "announce_day: 61 is past the end of the quarter (60 working days)",
        "pay.base_salary: must not be negative, not -5.0",
        "measures[1] (New revenue).metric: unknown metric 'revnue' (did you mean 'revenue'?); "
        "known metrics: revenue, deals, meetings, conversations, dials, talk_time, "
        "avg_call_minutes, revenue_core, revenue_addon, revenue_services, crm_hygiene, "
        "training_hours, csat",
        "measures[1] (New revenue).threshold: 0.2 is outside the curve's attainment range "
        "[0.5, 1.5]",
        "measures[2] (Meetings).quota: quota must be a finite number greater than 0, not -1",
        # checked on the raw data although a measure failed (weights 0.5 + 0.3)
        "measures: weights sum to 0.8, not 1",
    ]


def test_weights_and_duplicates_checked_even_when_a_measure_is_broken() -> None:
    a = make_measure(weight=0.7, curve=[[1.0, 1.0], [0.5, 2.0]], threshold=None)
    b = make_measure(weight=0.7)  # same name
    problems = problems_of(make_plan(a, b))
    assert problems[-1] == (
        "measures: weights sum to 1.4, not 1; duplicate measure name 'New revenue'"
    )
    assert problems[0].startswith("measures[1] (New revenue).curve: attainment decreases")


def test_weight_sum_skipped_when_a_weight_is_not_a_number() -> None:
    a = make_measure(weight="half")
    b = make_measure(name="Meetings", metric="meetings", weight=0.2)
    assert problems_of(make_plan(a, b)) == [
        "measures[1] (New revenue).weight: Input should be a valid number"
    ]


def test_announce_day_checked_against_the_longest_period_when_period_is_bad() -> None:
    problems = problems_of(make_plan(period="week", announce_day=300))
    assert "announce_day: 300 is past the end of the longest period (year, 240 working days)" in (
        problems)
    # within a year: nothing to say about the day while the period is unknown
    assert len(problems_of(make_plan(period="week", announce_day=100))) == 1


# --------------------------------------------------------------------------- keys and files


def test_non_text_keys() -> None:
    text = yaml.safe_dump(make_plan()) + "yes: 1\n"
    assert problems_of(text) == [
        "key True is not text; write keys as words (YAML reads an unquoted yes/no/on/off "
        "as true/false)"
    ]


def test_bracket_in_an_unknown_key_is_kept() -> None:
    assert problems_of(make_plan(**{"pay[1]": 1})) == [
        "pay[1]: unknown key 'pay[1]' (did you mean 'pay'?)"
    ]


def test_exponent_without_a_dot_is_a_number() -> None:
    text = yaml.safe_dump(make_plan()).replace("target_incentive: 60000", "target_incentive: 6e4")
    assert "6e4" in text
    assert plan_from_text(text).pay.target_incentive == 60000.0


def test_load_plan_names_the_file(tmp_path: Path) -> None:
    path = write_plan(tmp_path, make_plan(period="week"))
    with pytest.raises(InputError) as caught:
        load_plan(path)
    assert str(caught.value).startswith(f"{path}: period: ")
    assert caught.value.source == str(path)


def test_raw_checks_survive_odd_weights() -> None:
    for weight in (10**400, None, [1], {"a": 1}):
        raw = make_plan(make_measure(weight=0.5, quota=-1), make_measure(name="B", weight=weight))
        problems = problems_of(raw)
        assert problems[0].startswith("measures[1] (New revenue).quota: ")
        assert not any(p.startswith("measures: weights") for p in problems)
