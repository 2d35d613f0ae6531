"""The app's Sensitivity page, driven headless with AppTest (the real app.py)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from simulator.plan.levers import parse_lever
from simulator.plan.spec import load_plan
from simulator.results.sweep import sweep
from simulator.team.spec import load_team
from ui.sensitivity import lever_options

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


def test_levers_offered_for_a_plan() -> None:
    plan = load_plan(ROOT / "plans" / "high_threshold.yaml")
    assert list(lever_options(plan)) == [
        "New revenue: threshold", "New revenue: cap", "New revenue: rate above quota",
        "New revenue: quota", "target incentive", "announce day"]


def test_a_commission_plan_offers_no_target_incentive_lever() -> None:
    """It has none to move; asking for it used to take the whole page down (issue #11)."""
    plan = load_plan(ROOT / "plans" / "commission.yaml")
    assert plan.pay.target_incentive is None
    assert "target incentive" not in lever_options(plan)
    assert "announce day" in lever_options(plan)


def test_the_page_sweeps_a_lever_and_shows_curves_tornado_and_table() -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["trials"] = 200
    at.session_state["model_draws"] = 0
    at.session_state["page_tab"] = "Sensitivity"  # only the open tab runs
    at.run()
    assert not at.exception, at.exception
    assert "Sensitivity" in [tab.label for tab in at.tabs]
    assert at.selectbox(key="sens_plan").value == "Baseline"
    assert at.multiselect(key="sens_levers").value == ["New revenue: threshold"]
    at.slider(key="sens_range_measures[0].threshold").set_value((0.3, 0.7))
    at.selectbox(key="sens_points_measures[0].threshold").set_value(3)
    at.selectbox(key="sens_trials").set_value(200)
    at.button(key="sens_run").click()
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    frame = next(d.value for d in at.dataframe if "Sales / year" in d.value.columns)
    # 0.3, 0.5 (the baseline's own threshold) and 0.7: three points, the plan's own among
    assert list(frame["New revenue: threshold"]) == [0.3, 0.5, 0.7]
    assert frame["Sales vs plan"].iloc[1] == 0.0
    # the figures are the library's sweep of the same plan, team, seed and plan years
    plan = load_plan(ROOT / "plans" / "baseline.yaml")
    lever = parse_lever("measures[0].threshold", plan, "--vary")
    expected = sweep(plan, [(lever, [0.3, 0.5, 0.7])], load_team(), 200, seed=0)
    assert list(frame["Sales / year"]) == [p.sales_mean for p in expected.points]
    assert list(frame["Payout P90"]) == [p.payout_p90 for p in expected.points]
    titles = " ".join(str(c.proto.spec) for c in at.get("vega_lite_chart"))
    assert "How each lever moves sales and the cost" in titles
    assert "Which lever matters most" in titles
