"""The weekly loop (simulator.model.run) through `simulate`: plan years, ratchets, deal
timing, weekly views, turnover -- identities that hold whatever the behaviour."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make_measure, make_plan

from simulator.model.engine import simulate
from simulator.plan.spec import plan_from_dict
from simulator.team.spec import team_from_dict

TRIALS = 64


def with_behavior(team, **changes):  # type: ignore[no-untyped-def]
    """The team with behaviour parameters changed (validated)."""
    return team.model_copy(update={"behavior": team.behavior.model_validate(
        {**team.behavior.model_dump(), **changes})})


def ratcheted(share: float | None = 0.5, **measure):  # type: ignore[no-untyped-def]
    return plan_from_dict(make_plan(make_measure(ratchet=share, **measure), name="Ratchet"))


def test_weekly_views_add_up_to_the_years_sales_and_effort(team, baseline) -> None:
    sim = simulate([baseline], team, TRIALS, seed=1)
    tally = sim.tallies[0]
    np.testing.assert_allclose(tally.weekly_sales.sum(axis=1), tally.sales, rtol=1e-9)
    np.testing.assert_allclose(tally.weekly_effort.sum(axis=1), tally.effort, rtol=1e-9)


def test_a_static_run_is_untouched_by_every_behaviour_mechanism(team, baseline) -> None:
    """Pacing, deal timing, turnover and the belief before announcement are behaviour:
    static reps (a replay) see none of them."""
    off = with_behavior(team, present_bias=1.0, weekly_discount=1.0, pull_share=0.0,
                        before_announcement="normal")
    off = off.model_copy(update={"turnover": off.turnover.model_copy(update={"yearly": 0.0})})
    late = plan_from_dict({**baseline.to_yaml_dict(), "name": "Late", "announce_day": 30})
    on, without = (simulate([baseline, late], t, TRIALS, seed=2, behavior="static")
                   for t in (team, off))
    for a, b in zip(on.tallies, without.tallies, strict=True):
        for name in ("sales", "payout", "weekly_sales", "effort", "leavers", "pulled"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
        assert not a.leavers.any() and not a.pulled.any()


def test_static_years_repeat_the_first_year_with_their_own_luck(team, baseline) -> None:
    one = simulate([baseline], team, TRIALS, seed=3, behavior="static")
    three = simulate([baseline], team, TRIALS, seed=3, behavior="static", years=3)
    by_year = three.tallies[0].sales_by_year
    np.testing.assert_allclose(by_year[:, 0], one.tallies[0].sales, rtol=1e-12)
    assert not np.allclose(by_year[:, 1], by_year[:, 0])  # a new year's luck
    np.testing.assert_allclose(three.tallies[0].sales, by_year.mean(axis=1), rtol=1e-12)
    assert three.years == 3 and by_year.shape == (TRIALS, 3)


def test_a_ratchet_moves_next_years_quota_toward_this_years_result(team) -> None:
    """Static reps: year 2's quota scale is (1 - r) + r x year 1's attainment, per rep;
    the team mean of the primary quota scale follows."""
    share = 0.4
    sim = simulate([ratcheted(share)], team, TRIALS, seed=4, behavior="static", years=2)
    tally = sim.tallies[0]
    assert np.all(tally.quota_scale_by_year[:, 0] == 1.0)
    # year 1 alone: the same luck, so the same attainment, summed over reps and quarters
    first = simulate([ratcheted(share)], team, TRIALS, seed=4, behavior="static").tallies[0]
    year_one = first.measure_attainment[:, 0] / (sim.reps.size * 4)
    np.testing.assert_allclose(tally.quota_scale_by_year[:, 1],
                               1 - share + share * year_one, rtol=1e-12)
    no_ratchet = simulate([ratcheted(None)], team, TRIALS, seed=4, behavior="static", years=2)
    np.testing.assert_array_equal(no_ratchet.tallies[0].quota_scale_by_year, 1.0)
    # the same deals whatever the quota: static reps do not react
    np.testing.assert_allclose(no_ratchet.tallies[0].sales, tally.sales, rtol=1e-12)


def test_pulled_deals_cost_exactly_their_discount(team, baseline) -> None:
    sim = simulate([baseline], team, TRIALS, seed=5)
    tally = sim.tallies[0]
    assert tally.pulled.sum() > 0
    np.testing.assert_allclose(tally.discount_cost,
                               team.behavior.pull_discount * tally.pulled, rtol=1e-12)
    never = simulate([baseline], with_behavior(team, pull_share=0.0), TRIALS, seed=5)
    assert not never.tallies[0].pulled.any()


def test_without_turnover_nobody_leaves_and_the_plan_in_force_is_unchanged(baseline) -> None:
    """Today's leaving is in the history: turning it off changes nothing for the plan in
    force, whose seats all produce their normal output."""
    stays = team_from_dict({"name": "Stays", "incumbent": "../baseline.yaml",
                            "turnover": {"yearly": 0.0}})
    leaves = team_from_dict({"name": "Leaves", "incumbent": "../baseline.yaml"})
    a = simulate([baseline], stays, TRIALS, seed=6).tallies[0]
    b = simulate([baseline], leaves, TRIALS, seed=6).tallies[0]
    np.testing.assert_array_equal(a.sales, b.sales)
    assert not a.leavers.any()
    assert b.leavers.mean() / 50 == pytest.approx(0.3, abs=0.05)
    assert b.extra_lost_sales == pytest.approx(0.0, abs=1e-6)
