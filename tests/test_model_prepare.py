"""A plan prepared for simulation (simulator.model.prepare): what the weekly step looks up."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import PLANS_DIR, make_measure, make_plan

from simulator.model.effort import MAX_TYPES
from simulator.model.prepare import PlanModel, before_announcement, forget_before, prepare
from simulator.plan.spec import plan_from_dict
from simulator.team.reps import WeeklyFunnel, draw_reps
from simulator.team.spec import TeamSpec, team_from_dict


@pytest.fixture(scope="module")
def team30() -> TeamSpec:
    return team_from_dict({"name": "Thirty", "reps": 30})


def prepared(raw: dict, team: TeamSpec, behavior: str = "adaptive") -> PlanModel:
    reps = draw_reps(team, np.random.default_rng(team.rep_seed))
    return prepare(plan_from_dict(raw), team, WeeklyFunnel.from_team(team), reps,
                   behavior)  # type: ignore[arg-type]


MIXED = make_plan(
    make_measure(weight=0.6),
    make_measure(name="Calls", metric="dials", weight=0.3),
    make_measure(name="CSAT", metric="csat", weight=0.1, threshold=0.8,
                 curve=[[0.8, 0.5], [1.0, 1.0], [1.2, 1.3]]),
    period="month",
)


def test_adaptive_preparation(team30: TeamSpec) -> None:
    model = prepared(MIXED, team30)
    assert len(model.policies) == 12  # one per month
    assert model.types.reach.shape[0] <= MAX_TYPES and model.types.of_rep.shape == (30,)
    assert model.quotas.shape == model.reach.shape == (30, 3)
    # the progress index weighs the tracked count measures only: revenue and dials
    np.testing.assert_allclose(model.index_weights, [0.6 / 0.9, 0.3 / 0.9, 0.0])
    assert model.primary == 0
    np.testing.assert_allclose(model.milestones, [[0.5, 1.0, 1.5], [0.5, 1.0, 1.5],
                                                  [0.8, 1.0, 1.2]])
    # before the plan is known, reps reach 1 / quota error on a relative quota
    reps = draw_reps(team30, np.random.default_rng(team30.rep_seed))
    np.testing.assert_allclose(model.reach_default[:, 0], 1 / reps.quota_error, rtol=1e-12)


def test_static_preparation_keeps_the_norm_and_solves_nothing(team30: TeamSpec) -> None:
    model = prepared(MIXED, team30, "static")
    assert model.policies == []
    np.testing.assert_array_equal(model.reach, model.reach_default)
    np.testing.assert_array_equal(model.revenue, model.revenue_default)
    assert model.mix.focus == 1.0 and np.all(model.mix.quality == 1.0)


def test_the_progress_index_before_announcement_is_one_for_the_norm(team30: TeamSpec) -> None:
    """In static mode the plan's mix is the default one, so the pre- and post-announcement
    sums weigh the same: pre_sales + pre_activity = post_sales + post_activity = 1."""
    progress = prepared(MIXED, team30, "static").progress
    np.testing.assert_allclose(progress.pre_sales, progress.post_sales)
    np.testing.assert_allclose(progress.pre_activity, progress.post_activity)
    assert progress.post_sales + progress.post_activity == pytest.approx(1.0)
    assert progress.has_activity


def test_a_plan_without_count_measures_has_an_empty_index(team30: TeamSpec) -> None:
    csat = make_plan(make_measure(name="CSAT", metric="csat", threshold=0.8,
                                  curve=[[0.8, 0.5], [1.0, 1.0], [1.2, 1.3]]))
    model = prepared(csat, team30)
    np.testing.assert_array_equal(model.index_weights, [0.0])
    assert not model.progress.has_activity and model.progress.post_sales == 0.0
    # nothing to work harder for: the minimum effort everywhere
    assert all(np.all(p.effort == team30.effort.minimum) for p in model.policies)


def test_the_work_before_an_announcement_is_solved_once_per_team_and_cost() -> None:
    team = team_from_dict({"name": "Cached", "reps": 12, "incumbent": "../baseline.yaml"},
                          source=str(PLANS_DIR / "teams" / "cached.yaml"))
    reps = draw_reps(team, np.random.default_rng(team.rep_seed))
    funnel = WeeklyFunnel.from_team(team)
    first = before_announcement(team, funnel, reps, 1.0)
    assert first is not None
    assert before_announcement(team, funnel, reps, 1.0) is first
    other_cost = before_announcement(team, funnel, reps, 1.2)
    assert other_cost is not first
    assert not np.array_equal(other_cost.effort, first.effort)  # costlier effort: less of it
    forget_before()
    again = before_announcement(team, funnel, reps, 1.0)
    assert again is not first
    np.testing.assert_array_equal(again.effort, first.effort)


def test_a_prepared_plan_is_kept_and_taken_again_until_forgotten(
        baseline, team, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second run of the same plans on the same team prepares nothing and gives the same
    bits; a team too large to keep, or `forget_before`, prepares again."""
    from simulator.model import engine
    from simulator.model.prepare import PREPARED_MOST_REPS, prepared_key

    forget_before()
    first = engine.simulate([baseline], team, 32, seed=2)
    calls: list[str] = []
    real = engine.prepare

    def counted(plan, *rest):  # type: ignore[no-untyped-def]
        calls.append(plan.name)
        return real(plan, *rest)

    monkeypatch.setattr(engine, "prepare", counted)
    again = engine.simulate([baseline], team, 32, seed=3)
    assert calls == []
    assert again.models[0].policies is first.models[0].policies
    rerun = engine.simulate([baseline], team, 32, seed=2)
    np.testing.assert_array_equal(rerun.tallies[0].payout, first.tallies[0].payout)
    forget_before()
    engine.simulate([baseline], team, 32, seed=2)
    assert calls == [baseline.name]
    big = team.model_copy(update={"reps": PREPARED_MOST_REPS + 1, "roster": None})
    assert prepared_key(baseline, big, "adaptive", 1.0) is None
    assert prepared_key(baseline, team, "static", 1.0) != prepared_key(baseline, team,
                                                                        "adaptive", 1.0)
