"""Normal effort anchored on the plan in force (simulator.model.anchor)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import PLANS_DIR, make_measure, make_plan

from simulator.base.errors import InputError
from simulator.model.anchor import anchored_cost_scale, forget_anchors
from simulator.model.engine import simulate
from simulator.plan.spec import load_plan, plan_from_dict
from simulator.results.comparison import compare
from simulator.team.reps import WeeklyFunnel, draw_reps
from simulator.team.spec import load_team, team_from_dict


def scale_of(team) -> float:  # type: ignore[no-untyped-def]
    reps = draw_reps(team, np.random.default_rng(team.rep_seed))
    return anchored_cost_scale(team, WeeklyFunnel.from_team(team), reps)


def test_the_incumbent_sells_what_reps_sell_at_normal_effort(team) -> None:
    """Adaptive reps under the plan in force sell what the static replay (history) shows."""
    baseline = team.incumbent
    assert baseline is not None and baseline.name == "Baseline"
    adaptive = compare([baseline], team, 800, seed=4).plans[0]
    static = compare([baseline], team, 800, seed=4, behavior="static").plans[0]
    assert adaptive.sales.mean == pytest.approx(static.sales.mean, rel=0.01)
    # ... while a plan that pays more at the margin still buys more than normal effort
    steep = plan_from_dict(make_plan(make_measure(quota={"relative": 0.9},
                                                  curve=[[0.5, 0.25], [1.0, 1.0], [1.5, 3.0]])))
    assert compare([baseline, steep], team, 300, seed=4).plans[1].vs_first.sales_diff.ci95_low > 0


@pytest.mark.parametrize("extra", [
    {"spiffs": [{"name": "Q2 push", "metric": "revenue", "per_unit": 0.15,
                 "from": "2027-04-01", "to": "2027-06-30"}]},
    {"draw": {"amount": 12000, "recoverable": False}},
], ids=["spiff", "guarantee"])
def test_an_incumbent_with_spiffs_or_a_guarantee_also_sells_normal_output(extra) -> None:
    """What a SPIFF or a guarantee pays is part of the pay the anchor sees, as the
    simulation's reps see it (model.resolve): under the plan in force, normal output."""
    incumbent = make_plan(name="In force", **extra)
    team = team_from_dict({"name": "Anchored", "reps": 24, "incumbent": incumbent})
    plan = team.incumbent
    adaptive = compare([plan], team, 800, seed=5).plans[0]
    static = compare([plan], team, 800, seed=5, behavior="static").plans[0]
    assert adaptive.sales.mean == pytest.approx(static.sales.mean, rel=0.015)


def test_a_linear_plan_on_its_own_quota_pays_target_at_normal_effort(team) -> None:
    """relative: 1.0 is what each rep sells; the drawn team is centred, so a linear plan
    pays 100% of target at normal effort (static), within 1%."""
    linear = plan_from_dict(make_plan(make_measure(threshold=None, curve=[[1.0, 1.0]])))
    result = compare([linear], team, 1000, seed=8, behavior="static").plans[0]
    target = linear.pay.target_incentive * team.size
    assert result.payout.mean == pytest.approx(target, rel=0.01)


def test_the_anchor_is_one_without_an_incumbent() -> None:
    team = team_from_dict({"name": "No incumbent", "reps": 12})
    assert team.incumbent is None and scale_of(team) == 1.0
    assert "no incumbent" in team.normal_effort


def test_a_plan_paying_more_at_the_margin_is_anchored_on_a_higher_cost() -> None:
    """The steeper the plan in force, the more effort costs: it must buy only normal effort."""
    def incumbent(slope: float) -> float:
        plan = make_plan(make_measure(threshold=None, curve=[[1.0, slope]]), name=f"x{slope}")
        return scale_of(team_from_dict({"name": f"Linear {slope}", "reps": 12,
                                        "incumbent": plan}))

    flat, steep = incumbent(0.6), incumbent(2.4)
    assert steep > flat
    # a linear plan's effort solves slope x gamma x step / cost = 1 at normal effort: the
    # cost scales with the slope (to the grid and the seasons' accuracy)
    assert steep / flat == pytest.approx(4.0, rel=0.1)


def test_an_incumbent_that_pays_nothing_for_results_is_refused() -> None:
    csat = make_plan(make_measure(name="CSAT", metric="csat", threshold=None,
                                  curve=[[1.0, 1.0]]), name="CSAT only")
    team = team_from_dict({"name": "Odd team", "reps": 8, "incumbent": csat})
    with pytest.raises(InputError) as caught:
        scale_of(team)
    message = str(caught.value)
    assert "incumbent" in message and "CSAT only" in message
    assert "pays nothing for results" in message


def test_the_anchor_is_cached_by_the_team_and_solved_again_when_it_changes() -> None:
    forget_anchors()
    team = load_team()
    first = scale_of(team)
    assert scale_of(team) == first
    tweaked = team.model_copy(update={"effort": team.effort.model_copy(
        update={"output_elasticity": 0.4})})
    assert scale_of(tweaked) != first


def test_an_incumbent_path_is_read_relative_to_the_team_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    plan = tmp_path / "plans" / "today.yaml"
    plan.parent.mkdir()
    plan.write_text((PLANS_DIR / "baseline.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    team_file = tmp_path / "teams" / "t.yaml"
    team_file.parent.mkdir()
    team_file.write_text("name: T\nreps: 8\nincumbent: ../plans/today.yaml\n", encoding="utf-8")
    team = load_team(team_file)
    assert team.incumbent == load_plan(plan) and team.incumbent_file == "../plans/today.yaml"
    assert "'Baseline' (../plans/today.yaml)" in team.normal_effort


def test_a_missing_or_broken_incumbent_names_the_team_field(tmp_path) -> None:  # type: ignore[no-untyped-def]
    team_file = tmp_path / "t.yaml"
    team_file.write_text("name: T\nincumbent: nowhere.yaml\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_team(team_file)
    assert str(caught.value) == f"{team_file}: incumbent: nowhere.yaml: file not found"
    (tmp_path / "bad.yaml").write_text("name: Bad\nperiod: week\n", encoding="utf-8")
    team_file.write_text("name: T\nincumbent: bad.yaml\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_team(team_file)
    assert f"{team_file}: incumbent: bad.yaml: period:" in str(caught.value)


def test_an_uploaded_team_cannot_read_files_outside_the_plans_folder() -> None:
    with pytest.raises(InputError) as caught:
        team_from_dict({"name": "Upload", "incumbent": "../../../etc/passwd"}, "up.yaml")
    assert "must name a plan file inside the plans folder" in str(caught.value)
    team = team_from_dict({"name": "Upload", "incumbent": "../baseline.yaml"}, "up.yaml")
    assert team.incumbent is not None and team.incumbent.name == "Baseline"


def test_static_runs_need_no_anchor(team) -> None:
    """Static reps never solve effort: the anchoring (and its errors) do not apply."""
    csat = make_plan(make_measure(name="CSAT", metric="csat", threshold=None,
                                  curve=[[1.0, 1.0]]), name="CSAT only")
    odd = team_from_dict({"name": "Odd team", "reps": 8, "incumbent": csat})
    sim = simulate([load_plan(PLANS_DIR / "baseline.yaml")], odd, 16, 0, "static")
    assert math.isfinite(float(sim.tallies[0].sales.mean()))
