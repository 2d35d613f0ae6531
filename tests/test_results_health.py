"""Plan health: each rule fires on a plan that breaks it and stays quiet on sound plans."""

from __future__ import annotations

import math
from typing import Any

import pytest
from conftest import PLANS_DIR, make_measure, make_plan

from simulator.model.engine import simulate
from simulator.plan.spec import PlanSpec, load_plan, plan_from_dict
from simulator.results.comparison import Comparison, health_report
from simulator.results.health import RULES, Finding, HealthReport, by_status, plan_health
from simulator.results.summary import summarise_plan
from simulator.team.spec import load_team

TRIALS = 200


@pytest.fixture(scope="module")
def team() -> Any:
    return load_team(None)


def findings_of(plan: PlanSpec | str, team: Any) -> list[Finding]:
    spec = load_plan(PLANS_DIR / plan) if isinstance(plan, str) else plan
    return health_report(spec, team, n_trials=TRIALS, seed=0).findings


def statuses(findings: list[Finding], rule: str) -> list[str]:
    return [f.status for f in findings if f.rule == rule]


def worst(findings: list[Finding], rule: str) -> str:
    found = statuses(findings, rule)
    assert found, f"no {rule} finding"
    return "fail" if "fail" in found else "warn" if "warn" in found else "ok"


@pytest.fixture(scope="module")
def shipped(team: Any) -> dict[str, list[Finding]]:
    names = ("baseline", "recommended", "high_threshold", "capped", "many_kpis", "late_plan",
             "activity_kpis")
    return {name: findings_of(f"{name}.yaml", team) for name in names}


# --------------------------------------------------------------------------- shipped plans


@pytest.mark.parametrize(
    ("plan", "rule"),
    [
        ("high_threshold", "dead_zone"),
        ("high_threshold", "threshold_reach"),
        ("high_threshold", "quota_reach"),
        ("capped", "cap_cliff"),
        ("capped", "quota_reach"),
        ("many_kpis", "measure_count"),
        ("many_kpis", "light_measures"),
        ("late_plan", "late_announcement"),
        ("late_plan", "threshold_reach"),
        ("activity_kpis", "activity_volume"),
    ],
)
def test_rule_fails_on_the_plan_that_breaks_it(
    shipped: dict[str, list[Finding]], plan: str, rule: str
) -> None:
    assert worst(shipped[plan], rule) == "fail"


SOUND_RULES = ("dead_zone", "cap_cliff", "measure_count", "light_measures",
               "late_announcement", "activity_volume", "threshold_reach")


@pytest.mark.parametrize("plan", ["baseline", "recommended"])
@pytest.mark.parametrize("rule", SOUND_RULES)
def test_sound_plans_meet_the_rules_they_respect(
    shipped: dict[str, list[Finding]], plan: str, rule: str
) -> None:
    assert set(statuses(shipped[plan], rule)) == {"ok"}


def test_sound_plans_reach_quota_as_practice_says(shipped: dict[str, list[Finding]]) -> None:
    assert statuses(shipped["baseline"], "quota_reach") == ["ok"]
    assert "fail" not in statuses(shipped["recommended"], "quota_reach")


def test_numbers_behind_the_findings(shipped: dict[str, list[Finding]]) -> None:
    high = {f.rule: f for f in shipped["high_threshold"] if f.measure in (None, "New revenue")}
    assert high["threshold_reach"].value < 0.5
    assert "70% threshold" in high["threshold_reach"].message
    assert high["dead_zone"].value > 0.15  # share of rep-periods given up
    assert "dead zone" in high["dead_zone"].message
    capped = {f.rule: f for f in shipped["capped"]}
    assert capped["cap_cliff"].value > 0.2 and "1.5x" in capped["cap_cliff"].message
    assert "stop early" in capped["cap_cliff"].message
    assert "too low" in next(f.message for f in shipped["capped"] if f.rule == "quota_reach")
    many = {f.rule: f for f in shipped["many_kpis"]}
    assert many["measure_count"].value == 9
    assert many["light_measures"].value == pytest.approx(0.05)
    assert "Training" in many["light_measures"].message
    late = next(f for f in shipped["late_plan"] if f.rule == "late_announcement")
    assert late.value == pytest.approx(14 / 20) and "day 14 of 20" in late.message
    activity = next(f for f in shipped["activity_kpis"] if f.rule == "activity_volume")
    assert activity.value == pytest.approx(0.65)
    assert "Dials 45%" in activity.message and "call length" in activity.message


def test_every_finding_is_well_formed(shipped: dict[str, list[Finding]]) -> None:
    for findings in shipped.values():
        for f in findings:
            assert f.rule in RULES and f.practice == RULES[f.rule]
            assert f.status in ("ok", "warn", "fail")
            assert math.isfinite(f.value)
            assert any(c.isdigit() for c in f.message)  # the number behind the finding
            assert f.to_dict()["practice"] == f.practice


def test_reach_findings_cover_each_tracked_measure(shipped: dict[str, list[Finding]]) -> None:
    recommended = shipped["recommended"]
    measures = {f.measure for f in recommended if f.rule == "quota_reach"}
    assert measures == {"New revenue", "Meetings held"}
    # measures the reps ignore are reported as light, not measured for reach
    many = shipped["many_kpis"]
    assert "Training" not in {f.measure for f in many if f.rule == "quota_reach"}


# --------------------------------------------------------------------------- hand-made plans


def plan_with(*measures: dict[str, Any], **top: Any) -> PlanSpec:
    return plan_from_dict(make_plan(*measures, **top))


def share_measures(n: int, weights: list[float] | None = None) -> list[dict[str, Any]]:
    metrics = ["revenue", "meetings", "deals", "revenue_addon", "revenue_services", "csat"]
    weights = weights or [1.0 / n] * n
    return [make_measure(name=f"M{k}", metric=metrics[k], weight=weights[k]) for k in range(n)]


def test_five_measures_warn_four_are_fine(team: Any) -> None:
    five = findings_of(plan_with(*share_measures(5)), team)
    assert statuses(five, "measure_count") == ["warn"]
    four = findings_of(plan_with(*share_measures(4)), team)
    assert statuses(four, "measure_count") == ["ok"]


def test_light_but_tracked_measure_warns(team: Any) -> None:
    findings = findings_of(plan_with(*share_measures(2, [0.91, 0.09])), team)
    assert statuses(findings, "light_measures") == ["warn"]
    heavy = findings_of(plan_with(*share_measures(2, [0.9, 0.1])), team)
    assert statuses(heavy, "light_measures") == ["ok"]


@pytest.mark.parametrize(
    ("period", "day", "status"),
    [("quarter", 0, "ok"), ("quarter", 6, "ok"), ("month", 3, "warn"), ("quarter", 20, "fail"),
     ("month", 10, "fail")],
)
def test_late_announcement(team: Any, period: str, day: int, status: str) -> None:
    findings = findings_of(plan_with(period=period, announce_day=day), team)
    assert statuses(findings, "late_announcement") == [status]


@pytest.mark.parametrize(("weight", "status"), [(0.1, "ok"), (0.2, "warn"), (0.4, "fail")])
def test_activity_weight(team: Any, weight: float, status: str) -> None:
    plan = plan_with(
        make_measure(weight=round(1 - weight, 10)),
        make_measure(name="Talk", metric="talk_time", weight=weight),
    )
    assert statuses(findings_of(plan, team), "activity_volume") == [status]


def test_long_calls_are_not_volume(team: Any) -> None:
    plan = plan_with(
        make_measure(weight=0.6),
        make_measure(name="Long calls", metric="avg_call_minutes", weight=0.4),
    )
    assert statuses(findings_of(plan, team), "activity_volume") == ["ok"]


def test_unreachable_quota_and_dead_threshold(team: Any) -> None:
    plan = plan_with(make_measure(quota={"relative": 2.0}, threshold=0.8,
                                  curve=[[0.8, 0.5], [1.0, 1.0], [1.5, 2.0]]))
    findings = findings_of(plan, team)
    assert worst(findings, "quota_reach") == "fail"
    assert worst(findings, "dead_zone") == "fail"
    assert worst(findings, "threshold_reach") == "fail"


def test_low_quota_with_cap_is_a_cap_cliff(team: Any) -> None:
    plan = plan_with(make_measure(quota={"relative": 0.6}, cap=1.2))
    findings = findings_of(plan, team)
    assert worst(findings, "cap_cliff") == "fail"
    assert worst(findings, "quota_reach") == "fail"


def test_cap_out_of_reach_is_fine(team: Any) -> None:
    plan = plan_with(make_measure(cap=5.0))
    assert statuses(findings_of(plan, team), "cap_cliff") == ["ok"]


def test_top_of_curve_out_of_reach(team: Any) -> None:
    # uncapped, the curve keeps paying past its last point: advice, not a failure
    plan = plan_with(make_measure(curve=[[0.5, 0.25], [1.0, 1.0], [3.0, 4.0]]))
    assert statuses(findings_of(plan, team), "top_reach") == ["warn"]
    capped = plan_with(make_measure(curve=[[0.5, 0.25], [1.0, 1.0], [3.0, 4.0]], cap=4.0))
    finding = next(f for f in findings_of(capped, team) if f.rule == "top_reach")
    assert finding.status == "fail" and "rarely reached" in finding.message


def test_top_of_curve_too_easy(team: Any) -> None:
    plan = plan_with(make_measure(quota={"relative": 0.6},
                                  curve=[[0.5, 0.25], [1.0, 1.0], [1.2, 1.5]]))
    finding = next(f for f in findings_of(plan, team) if f.rule == "top_reach")
    assert finding.status == "fail" and "too easy" in finding.message


# --------------------------------------------------------------------------- API and CLI


def test_plan_health_reads_a_simulation_and_lands_in_the_comparison(team: Any) -> None:
    plans = [load_plan(PLANS_DIR / "baseline.yaml"), load_plan(PLANS_DIR / "capped.yaml")]
    sim = simulate(plans, team, n_trials=64, seed=3)
    capped = plan_health(sim, 1, summarise_plan(sim, 1))
    assert worst(capped, "cap_cliff") == "fail"
    assert worst(plan_health(sim, 0, summarise_plan(sim, 0)), "cap_cliff") == "ok"
    assert list(Comparison.from_simulation(sim).plans[1].health) == capped


def test_findings_are_listed_worst_first(shipped: dict[str, list[Finding]]) -> None:
    order = [f.status for f in by_status(shipped["high_threshold"])]
    assert order == sorted(order, key=["fail", "warn", "ok"].index)
    assert order[0] == "fail" and order[-1] == "ok"


def test_report_object(team: Any) -> None:
    report = health_report(load_plan(PLANS_DIR / "high_threshold.yaml"), team, 64, 0)
    assert isinstance(report, HealthReport)
    assert report.worst == "fail"
    data = report.to_dict()
    assert data["plan"] == "High threshold" and data["trials"] == 64
    assert {f["rule"] for f in data["findings"]} >= {"dead_zone", "quota_reach"}


def test_health_reads_a_rate_plans_attainment_against_its_real_quota(team):
    """Issue 11: a commission on a real quota ({relative: 1.0}) reports quota reach as the
    share of rep-periods at 100% of that quota (a normal result is 1.0), not the nonsense
    of a currency amount written as the quota."""
    from simulator.plan.spec import load_plan
    from simulator.results.comparison import health_report

    plan = load_plan(PLANS_DIR / "commission.yaml")
    report = health_report(plan, team, n_trials=64, seed=0)
    quota = next(f for f in report.findings if f.rule == "quota_reach")
    assert 0.25 < quota.value < 0.75
    cap = next(f for f in report.findings if f.rule == "cap_cliff")
    assert "New revenue at 25,000 a quarter" in cap.message
    light = next(f for f in report.findings if f.rule == "light_measures")
    assert light.status == "ok" and light.value == 1.0


def test_a_flat_rate_has_no_quota_or_top_tier_finding(team):
    from simulator.plan.spec import plan_from_dict
    from simulator.results.comparison import health_report

    raw = make_plan({"name": "Revenue", "metric": "revenue", "quota": {"relative": 1.0},
                     "commission": {"method": "marginal", "tiers": [[0.0, 0.07]]}})
    raw["pay"].pop("target_incentive")
    report = health_report(plan_from_dict(raw), team, n_trials=32, seed=0)
    rules = {f.rule for f in report.findings}
    assert not rules & {"quota_reach", "top_reach", "threshold_reach"}
