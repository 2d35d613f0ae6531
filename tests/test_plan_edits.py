"""The plan editor's pure edits: hand-computed curves, and properties of random curves.

Expected numbers are worked out by hand in the comments, from the curve rules of the
payout calculator (README, "Plan format"): linear between points, from (0, 0) up to the
first point, the last slope beyond the last point, the higher payout at a step.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import PLANS_DIR, make_measure, make_plan
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from simulator.plan.commission_edits import edited_commission_measure, pay_without_target
from simulator.plan.edits import (
    NEW_MEASURE,
    curve_value,
    edited_measure,
    edited_plan,
    plan_yaml,
    quota_fields,
    quota_value,
    rate_above_quota,
    rescaled_weights,
    same_rules,
    with_rate_above_quota,
    with_threshold,
)
from simulator.plan.payout import PayoutCurve
from simulator.plan.payroll_edits import (
    link_fields,
    link_keys,
    payroll_fields,
    payroll_keys,
    with_links,
    with_payroll,
)
from simulator.plan.spec import load_plan, plan_from_dict, plan_from_text

BASELINE_CURVE = [[0.5, 0.25], [1.0, 1.0], [1.5, 2.0]]
STEP_CURVE = [[0.0, 0.0], [1.0, 1.0], [1.0, 1.5], [2.0, 2.5]]
GRID = np.linspace(0.0, 4.0, 801)


def payout(curve: list[list[float]], threshold: float | None = None,
           cap: float | None = None) -> np.ndarray:
    """Payout multiples of a measure on GRID (attainment 0 to 400% of quota)."""
    measure = plan_from_dict(make_plan(make_measure(curve=curve, threshold=threshold,
                                                    cap=cap))).measures[0]
    return PayoutCurve.from_measure(measure)(GRID)


# --------------------------------------------------------------------------- hand-computed


@pytest.mark.parametrize(("attainment", "expected"), [
    (0.25, 0.125),  # from (0, 0) to (0.5, 0.25): slope 0.5, 0.25 * 0.5
    (0.75, 0.625),  # 0.25 + 0.25 * (0.75 / 0.5)
    (1.0, 1.0),
    (2.0, 3.0),  # the last slope, 2, continues: 2.0 + 0.5 * 2
])
def test_curve_value_of_the_baseline_curve(attainment: float, expected: float) -> None:
    assert curve_value(BASELINE_CURVE, attainment) == pytest.approx(expected)


def test_curve_value_at_a_step_pays_the_higher_point() -> None:
    assert curve_value(STEP_CURVE, 1.0) == pytest.approx(1.5)


def test_rate_above_quota() -> None:
    assert rate_above_quota(BASELINE_CURVE) == pytest.approx(2.0)  # (2.0 - 1.0) / 0.5
    assert rate_above_quota(STEP_CURVE) == pytest.approx(1.0)  # (2.5 - 1.5) / 1.0: the step
    # at quota is paid at 100% and is no part of the rate above it
    assert rate_above_quota([[0.5, 0.25], [1.0, 1.0], [1.5, 1.0]]) == pytest.approx(0.0)


def test_with_rate_above_quota_scales_every_slope_above_quota() -> None:
    # rate 2 -> 3 scales payout above quota by 1.5: 1.5 -> 1 + 1.5 * (2 - 1) = 2.5;
    # the tail at 2.0 (last slope continued: 3.0) -> 1 + 1.5 * (3 - 1) = 4.0
    assert with_rate_above_quota(BASELINE_CURVE, 3.0) == [
        [0.5, 0.25], [1.0, 1.0], [1.5, 2.5], [2.0, 4.0]]
    # rate 0: flat above quota
    assert with_rate_above_quota(BASELINE_CURVE, 0.0) == [
        [0.5, 0.25], [1.0, 1.0], [1.5, 1.0], [2.0, 1.0]]


def test_with_rate_above_quota_on_a_flat_top_draws_a_straight_line() -> None:
    # flat above quota: the new rate is a line from (1, 1): 1.5 -> 2.0, tail 2.0 -> 3.0
    assert with_rate_above_quota([[0.5, 0.25], [1.0, 1.0], [1.5, 1.0]], 2.0) == [
        [0.5, 0.25], [1.0, 1.0], [1.5, 2.0], [2.0, 3.0]]


def test_with_rate_above_quota_adds_a_point_at_quota_and_keeps_steps() -> None:
    # no point at 100%: one is added at the curve's value there (0.25 + 0.5 * 1.5 = 1.0)
    assert with_rate_above_quota([[0.5, 0.25], [2.0, 2.5]], 1.5)[:2] == [
        [0.5, 0.25], [1.0, 1.0]]
    # a step at 150% stays a step: slopes double, payouts above quota too
    stepped = [[0.5, 0.25], [1.0, 1.0], [1.5, 1.5], [1.5, 2.0], [2.0, 2.5]]
    assert with_rate_above_quota(stepped, 2.0) == [
        [0.5, 0.25], [1.0, 1.0], [1.5, 2.0], [1.5, 3.0], [2.0, 4.0], [2.5, 5.0]]


def test_with_threshold_starts_the_curve_at_the_threshold() -> None:
    # 0.25 + 0.2 * 1.5 = 0.55 at 70%
    assert with_threshold(BASELINE_CURVE, 0.7) == [[0.7, 0.55], [1.0, 1.0], [1.5, 2.0]]
    assert with_threshold(BASELINE_CURVE, 1.0) == [[1.0, 1.0], [1.5, 2.0]]  # on a point
    # below the first point: from the origin, 0.3 * 0.5 = 0.15
    assert with_threshold(BASELINE_CURVE, 0.3) == [[0.3, 0.15], [0.5, 0.25], [1.0, 1.0],
                                                   [1.5, 2.0]]


def test_with_threshold_at_or_past_the_end_extends_the_curve() -> None:
    # at the last point: extended by 0.5 along the last slope, 2.0 + 0.5 * 2 = 3.0
    assert with_threshold(BASELINE_CURVE, 1.5) == [[1.5, 2.0], [2.0, 3.0]]
    # past it: 2.0 + 0.3 * 2 = 2.6 at 180%, 2.0 + 0.8 * 2 = 3.6 at 230%
    assert with_threshold(BASELINE_CURVE, 1.8) == [[1.8, 2.6], [2.3, 3.6]]
    # a threshold at a step keeps both points: the step's higher payout applies at it
    assert with_threshold(STEP_CURVE, 1.0) == [[1.0, 1.0], [1.0, 1.5], [2.0, 2.5]]


def test_quota_fields_and_values_round_trip() -> None:
    assert quota_fields({"relative": 1.2}) == ("relative", 1.2)
    assert quota_fields({"history": 1.05}) == ("history", 1.05)
    assert quota_fields(150000) == ("absolute", 150000.0)
    assert quota_value("team", 0.9) == {"team": 0.9}
    assert quota_value("absolute", 150000) == 150000.0
    assert quota_value(*quota_fields({"relative": 1.2})) == {"relative": 1.2}


def test_rescaled_weights_keep_proportions() -> None:
    assert rescaled_weights([60.0, 30.0, 30.0]) == [50.0, 25.0, 25.0]
    assert rescaled_weights([80.0]) == [100.0]
    assert rescaled_weights([None, 20.0]) == [0.0, 100.0]  # a blank weight is 0
    assert rescaled_weights([0.0, None]) == [0.0, 0.0]  # nothing to scale
    assert rescaled_weights([1.0, 1.0, 1.0]) == [33.3333, 33.3333, 33.3333]


def test_edited_measure_with_unchanged_fields_is_the_measure() -> None:
    base = make_measure()
    same = edited_measure(base, name=base["name"], metric=base["metric"],
                          weight=base["weight"], quota=base["quota"], threshold=0.5,
                          rate=round(rate_above_quota(base["curve"]), 4))
    assert same == base


def test_edited_measure_reshapes_the_curve_only_for_the_fields_that_moved() -> None:
    base = make_measure()
    kwargs = {"name": "Revenue", "metric": "revenue", "weight": 0.8,
              "quota": {"relative": 1.1}}
    faster = edited_measure(base, **kwargs, threshold=0.5, rate=3.0)
    assert faster["curve"] == with_rate_above_quota(BASELINE_CURVE, 3.0)
    assert faster["threshold"] == 0.5 and faster["weight"] == 0.8
    higher = edited_measure(base, **kwargs, threshold=0.7, rate=2.0)
    assert higher["curve"] == [[0.7, 0.55], [1.0, 1.0], [1.5, 2.0]]
    # both: the rate first, then the threshold on the new curve
    both = edited_measure(base, **kwargs, threshold=0.7, rate=3.0)
    assert both["curve"] == with_threshold(with_rate_above_quota(BASELINE_CURVE, 3.0), 0.7)
    # no threshold (0), a cap and lower-is-better are written as a plan file says them
    other = edited_measure(base, **kwargs, threshold=0.0, rate=2.0, cap=2.5,
                           direction="lower")
    assert "threshold" not in other and other["curve"] == BASELINE_CURVE
    assert other["cap"] == 2.5 and other["direction"] == "lower"
    assert list(other) == ["name", "metric", "weight", "quota", "direction", "curve", "cap"]


def test_edited_plan_validates_and_round_trips_through_yaml() -> None:
    raw = edited_plan("Mine", "Baseline", "month", 3, 90000, 60000,
                      [make_measure(weight=0.9), {**NEW_MEASURE}])
    plan = plan_from_dict(raw)
    assert plan.name == "Mine" and plan.period == "month" and plan.announce_day == 3
    assert "from the plan 'Baseline'" in plan.description
    assert [m.name for m in plan.measures] == ["New revenue", "New measure"]
    assert plan_from_text(plan_yaml(plan), "mine.yaml") == plan


def test_same_rules_ignores_name_and_description() -> None:
    plan = load_plan(PLANS_DIR / "baseline.yaml").to_yaml_dict()
    assert same_rules(plan, {**plan, "name": "Other", "description": "Other words"})
    assert not same_rules(plan, {**plan, "announce_day": 5})


def test_every_shipped_plan_is_unchanged_by_an_edit_that_changes_nothing() -> None:
    for path in sorted(PLANS_DIR.glob("*.yaml")):
        spec = load_plan(path)
        if spec.has_commission:
            continue  # the editor edits curve measures; commission plans are edited as YAML
        plan = spec.to_yaml_dict()
        measures = [edited_measure(
            m, name=m["name"], metric=m["metric"], weight=m["weight"], quota=m["quota"],
            direction=m.get("direction", "higher"), threshold=m.get("threshold"),
            rate=round(rate_above_quota(m["curve"]), 4), cap=m.get("cap"))
            for m in plan["measures"]]
        assert measures == plan["measures"], path.name


# --------------------------------------------------------------------------- properties


@st.composite
def curves(draw: st.DrawFn) -> list[list[float]]:
    """A valid plan-file curve: 1-5 points, attainments up to 300% (a value at most twice),
    payouts never decreasing, on a 1% / 0.01 grid as people write them."""
    n = draw(st.integers(1, 5))
    xs = sorted(draw(st.lists(st.integers(0, 300), min_size=n, max_size=n)))
    assume(all(not (xs[i] == xs[i - 1] == xs[i - 2]) for i in range(2, n)))
    steps = draw(st.lists(st.integers(0, 150), min_size=n, max_size=n))
    ys = np.cumsum(steps)
    return [[x / 100, int(y) / 100] for x, y in zip(xs, ys, strict=True)]


thresholds = st.integers(1, 350).map(lambda t: t / 100)
rates = st.integers(0, 500).map(lambda r: r / 100)


@settings(max_examples=200, deadline=None)
@given(curve=curves(), threshold=thresholds)
def test_a_threshold_edit_validates_and_keeps_the_payout_above_it(
    curve: list[list[float]], threshold: float,
) -> None:
    edited = with_threshold(curve, threshold)
    after = payout(edited, threshold)  # plan_from_dict accepts it, threshold on the curve
    assert np.all(np.diff(after) >= -1e-12)  # payout never falls as attainment rises
    assert np.all(after[GRID < threshold - 1e-9] == 0)
    above = GRID >= threshold
    expected = [curve_value(curve, a) for a in GRID[above]]
    np.testing.assert_allclose(after[above], expected, atol=1e-6)


@settings(max_examples=200, deadline=None)
@given(curve=curves(), rate=rates)
def test_a_rate_edit_validates_sets_the_rate_and_keeps_the_curve_up_to_quota(
    curve: list[list[float]], rate: float,
) -> None:
    edited = with_rate_above_quota(curve, rate)
    after = payout(edited)  # plan_from_dict accepts it
    assert np.all(np.diff(after) >= -1e-12)
    assert rate_above_quota(edited) == pytest.approx(rate, abs=2e-3)
    below = GRID <= 1.0
    expected = [curve_value(curve, a) for a in GRID[below]]
    np.testing.assert_allclose(after[below], expected, atol=1e-9)


@settings(max_examples=100, deadline=None)
@given(curve=curves(), threshold=thresholds, rate=rates)
def test_any_edited_measure_makes_a_valid_plan(
    curve: list[list[float]], threshold: float, rate: float,
) -> None:
    base = make_measure(curve=curve, threshold=None)
    measure = edited_measure(base, name="Edited", metric="revenue", weight=1.0,
                             quota=quota_value("relative", 1.0), threshold=threshold,
                             rate=rate, cap=None)
    plan = plan_from_dict(edited_plan("Edited", "Base", "quarter", 0, 90000, 60000,
                                      [measure]))
    assert plan.measures[0].threshold == threshold


def test_an_edit_keeps_what_the_editor_does_not_show() -> None:
    source = load_plan(PLANS_DIR / "payroll.yaml").to_yaml_dict()
    measures = [edited_measure(m, name=m["name"], metric=m["metric"], weight=m["weight"],
                               quota=m["quota"], direction="higher",
                               threshold=m.get("threshold"), rate=None, cap=None)
                for m in source["measures"]]
    raw = edited_plan("Mine", source["name"], "quarter", 0, 90000, 60000, measures, source)
    plan = plan_from_dict(raw)
    assert plan.settlement == "cumulative" and plan.currency == "USD"
    assert plan.draw is not None and plan.draw.amount == 2000
    assert plan.measures[0].gate is not None and plan.measures[0].multiplier is not None
    assert plan.ramp == load_plan(PLANS_DIR / "payroll.yaml").ramp and len(plan.spiffs) == 1


@pytest.mark.parametrize("path", sorted(PLANS_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_plan_loaded_into_the_whole_editor_and_saved_unchanged_is_the_plan(
    path: Any,
) -> None:
    """As `ui.editor.plan_editor` builds it: each measure (curve or commission) with its
    gate and multiplier, the plan rules, the pay, then the payroll section's keys."""
    source = load_plan(path).to_yaml_dict()
    measures = []
    for m in source["measures"]:
        if "commission" in m:
            measure = edited_commission_measure(
                m, name=m["name"], metric=m["metric"], quota=m["quota"],
                direction=m.get("direction", "higher"), commission=m["commission"])
        else:
            measure = edited_measure(
                m, name=m["name"], metric=m["metric"], weight=m["weight"], quota=m["quota"],
                direction=m.get("direction", "higher"), threshold=m.get("threshold"),
                rate=round(rate_above_quota(m["curve"]), 4), cap=m.get("cap"))
        measures.append(with_links(measure, link_keys(link_fields(m))))
    target = source["pay"].get("target_incentive")
    raw = with_payroll(pay_without_target(edited_plan(
        "Saved", source["name"], source["period"], source["announce_day"],
        source["pay"]["base_salary"], 0.0 if target is None else target, measures, source),
        target), payroll_keys(payroll_fields(source)))
    saved = plan_from_dict(raw).to_yaml_dict()
    assert same_rules(saved, source)
    assert saved == {**source, "name": "Saved", "description": saved["description"]}
