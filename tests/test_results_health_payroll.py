"""Plan health with per-rep terms, payroll mechanics and SPIFFs: attainment is read against
each rep's own quota and each period's own results; the `payroll` finding reads the cost."""

from __future__ import annotations

from typing import Any

from conftest import make_measure, make_plan

from simulator.plan.spec import plan_from_dict
from simulator.results.comparison import health_report
from simulator.results.health import RULES
from simulator.team.spec import team_from_dict

LEVELS = (("A", 1.3), ("B", 1.1), ("C", 1.0), ("D", 0.9), ("E", 0.7))


def team(**terms: Any) -> Any:
    """Five roster reps, each with `terms`."""
    return team_from_dict({"name": "Five", "roster": [
        {"rep_id": r, "level": level, **terms} for r, level in LEVELS]})


def finding(plan: Any, on: Any, rule: str) -> Any:
    found = [f for f in health_report(plan, on, n_trials=64, seed=0).findings if f.rule == rule]
    assert len(found) == 1, found
    return found[0]


def test_quota_reach_is_read_against_each_reps_own_quota(baseline) -> None:
    plain = finding(baseline, team(), "quota_reach").value
    harder = finding(baseline, team(quota_factor=1.5), "quota_reach").value
    assert harder < plain - 0.2


def test_no_payroll_finding_without_payroll_mechanics(baseline) -> None:
    findings = health_report(baseline, team(), n_trials=16, seed=0).findings
    assert "payroll" not in {f.rule for f in findings}
    assert "payroll" in RULES


def test_a_guarantee_above_most_quarters_fails_and_says_so(baseline) -> None:
    """A 20,000 guarantee against a 15,000 target a quarter tops up most rep-quarters."""
    plan = plan_from_dict({**baseline.to_yaml_dict(), "name": "Guarantee",
                           "draw": {"amount": 20_000, "recoverable": False}})
    f = finding(plan, team(), "payroll")
    assert f.status == "fail"
    assert "never repaid" in f.message and "draw tops up" in f.message
    assert f.value > 0.1  # payroll pays well above the earnings


def test_a_small_recoverable_draw_and_a_true_up_are_fine(baseline) -> None:
    plan = plan_from_dict({**baseline.to_yaml_dict(), "name": "Small draw",
                           "settlement": "cumulative",
                           "draw": {"amount": 1_000, "recoverable": True}})
    f = finding(plan, team(), "payroll")
    assert f.status == "ok", f.message
    assert "year-to-date true-ups, shortfalls carried" in f.message


def test_spiffs_that_outweigh_the_plan_fail() -> None:
    plan = plan_from_dict(make_plan(make_measure(), spiffs=[
        {"name": "Push", "metric": "revenue", "per_unit": 0.05, "from": "2026-01-01",
         "to": "2026-12-31"}]))
    f = finding(plan, team(), "payroll")
    assert f.status == "fail"
    assert "SPIFFs are" in f.message
