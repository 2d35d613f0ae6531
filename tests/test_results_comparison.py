"""A comparison of plans (simulator.results.comparison): order, names, the faces' one call."""

from __future__ import annotations

import json

import pytest
from conftest import PLANS_DIR
from result_factory import comparison, plan_result

from simulator.plan.spec import load_plan
from simulator.results.comparison import (
    Comparison,
    compare,
    health_report,
    reference_order,
    unique_names,
)
from simulator.results.summary import Difference, VsReference
from simulator.team.spec import team_from_dict

NAMES = ["Baseline", "Capped", "Late"]
FILES = ["plans/baseline.yaml", "plans/capped.yaml", "plans/late_plan.yaml"]


# --------------------------------------------------------------------------- reference_order


@pytest.mark.parametrize(("reference", "order"), [
    ("Baseline", [0, 1, 2]),
    ("Capped", [1, 0, 2]),
    ("Late", [2, 0, 1]),
    ("plans/late_plan.yaml", [2, 0, 1]),
])
def test_reference_order_moves_the_match_first_and_keeps_the_rest(reference: str,
                                                                  order: list[int]) -> None:
    assert reference_order(NAMES, FILES, reference) == order


def test_reference_order_takes_the_first_of_several_matches() -> None:
    assert reference_order(["A", "B", "B"], ["a.yaml", "b.yaml", "c.yaml"], "B") == [1, 0, 2]
    # a name that is another plan's file: the first plan matching either way wins
    assert reference_order(["x.yaml", "B"], ["a.yaml", "x.yaml"], "x.yaml") == [0, 1]


def test_reference_order_without_a_match_names_the_reference() -> None:
    with pytest.raises(ValueError, match="'Nope' is neither the name nor the file"):
        reference_order(NAMES, FILES, "Nope")
    with pytest.raises(ValueError):
        reference_order(NAMES, FILES, "baseline")  # matching is exact


# --------------------------------------------------------------------------- unique_names


def test_unique_names_number_repeats_ignoring_case_and_spaces() -> None:
    assert unique_names(["Plan", "plan ", "Other", " PLAN"]) == [
        "Plan", "plan  (2)", "Other", " PLAN (3)"]


def test_unique_names_leave_distinct_names_alone() -> None:
    assert unique_names(NAMES) == NAMES
    assert unique_names([]) == []
    names = unique_names(["A"] * 12)
    assert len(set(names)) == 12 and names[-1] == "A (12)"


# --------------------------------------------------------------------------- Comparison


FRAME_COLUMNS = [
    "plan", "sales_mean", "sales_p5", "sales_p95", "payout_mean", "payout_p50", "payout_p90",
    "payout_p95", "incentive_cost_of_sales", "total_cost_of_sales", "share_at_or_above_quota",
    "effort_mean", "gave_up_share", "capped_share", "deferred_sales_share",
    "pulled_in_sales_share", "pull_discount_share", "leavers_share", "sales_lost_to_leaving",
    "sales_diff_vs_first", "sales_diff_ci95_low", "sales_diff_ci95_high",
    "payout_diff_vs_first", "payout_diff_ci95_low", "payout_diff_ci95_high",
]


def test_to_frame_has_one_row_per_plan_with_the_headline_columns() -> None:
    down = VsReference(Difference(-2e6, -2.5e6, -1.5e6), Difference(1e5, 5e4, 1.5e5))
    result = comparison(plan_result(), plan_result(name="Capped", vs_first=down, capped=0.4))
    frame = result.to_frame()
    assert list(frame.columns) == FRAME_COLUMNS
    assert frame["plan"].tolist() == ["Baseline", "Capped"]
    row = frame.iloc[1]
    assert row["sales_diff_vs_first"] == -2e6 and row["sales_diff_ci95_low"] == -2.5e6
    assert row["payout_diff_ci95_high"] == 1.5e5
    assert row["capped_share"] == 0.4 and frame.iloc[0]["capped_share"] == 0.0
    assert row["sales_p95"] == result.plans[1].sales.p95
    assert row["leavers_share"] == 0.3 and row["pulled_in_sales_share"] == 0.005


def test_to_dict_is_the_compare_json_object() -> None:
    result = comparison(plan_result(), plan_result(name="Other"))
    data = result.to_dict()
    assert list(data) == ["seed", "trials", "team", "reps", "behavior", "normal_effort",
                          "plans"]
    assert "model_range" not in data["plans"][0]  # no model draws: no model-range keys
    assert [p["name"] for p in data["plans"]] == ["Baseline", "Other"]
    assert "trial_sales" not in data["plans"][0]
    json.dumps(data, allow_nan=False)
    assert result.reference is result.plans[0]


@pytest.fixture(scope="module")
def small_comparison() -> Comparison:
    team = team_from_dict({"name": "Sixteen", "reps": 16})
    plans = [load_plan(PLANS_DIR / "baseline.yaml"), load_plan(PLANS_DIR / "capped.yaml")]
    return compare(plans, team, 48, seed=3, files=["b.yaml", "c.yaml"])


def test_compare_summarises_every_plan_against_the_first(small_comparison: Comparison) -> None:
    result = small_comparison
    assert (result.seed, result.trials, result.team, result.reps, result.behavior) == (
        3, 48, "Sixteen", 16, "adaptive")
    assert [p.file for p in result.plans] == ["b.yaml", "c.yaml"]
    assert [p.name for p in result.plans] == ["Baseline", "Capped, low quota"]
    assert result.plans[0].vs_first.sales_diff == Difference(0.0, 0.0, 0.0)
    capped = result.plans[1]
    assert capped.vs_first.sales_diff == Difference.paired(capped.trial_sales,
                                                           result.plans[0].trial_sales)
    # every plan carries its health findings; the capped plan's cliff among them
    assert all(p.health for p in result.plans)
    assert any(f.rule == "cap_cliff" and f.status == "fail" for f in capped.health)


def test_health_report_of_one_plan() -> None:
    team = team_from_dict({"name": "Eight", "reps": 8})
    report = health_report(load_plan(PLANS_DIR / "high_threshold.yaml"), team, 32, seed=1)
    assert (report.plan, report.team, report.reps, report.trials, report.seed) == (
        "High threshold", "Eight", 8, 32, 1)
    assert report.worst == "fail"


def test_compare_refuses_plans_in_different_currencies(team):
    from conftest import make_measure, make_plan

    from simulator.base.errors import InputError
    from simulator.plan.spec import plan_from_dict

    usd = plan_from_dict(make_plan(make_measure(), name="A", currency="USD"))
    eur = plan_from_dict(make_plan(make_measure(), name="B", currency="EUR"))
    unstated = plan_from_dict(make_plan(make_measure(), name="C"))
    with pytest.raises(InputError) as caught:
        compare([usd, unstated, eur], team, 16, files=["a.yaml", "c.yaml", "b.yaml"])
    assert str(caught.value) == (
        "b.yaml: currency: EUR differs from USD of plan 'A' (a.yaml); plans in different "
        "currencies cannot be set side by side: convert one plan's amounts")
    assert len(compare([usd, unstated], team, 16).plans) == 2  # one stated currency
