"""Per-rep terms from a team roster (`quota_factor`, `target_incentive`) in the simulation.

Paired runs on the same reps and luck: under static behaviour a linear plan's pay is
target x attainment, so a rep's own target scales that rep's pay exactly and a quota
factor divides the rep's attainment exactly; adaptive reps respond on their own pay.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import make_measure, make_plan

from simulator.base.errors import InputError
from simulator.model.effort import group_reps
from simulator.model.engine import simulate
from simulator.model.measures import plan_quotas
from simulator.model.terms import group_with_pay, pay_scale, target_per_period
from simulator.plan.spec import plan_from_dict
from simulator.team.reps import WeeklyFunnel, draw_reps
from simulator.team.spec import team_from_dict

LINEAR = plan_from_dict(make_plan(make_measure(threshold=None, curve=[[1.0, 1.0]]),
                                  name="Linear"))  # pays 60,000 x attainment a year


def roster(**terms_of: dict[str, Any]) -> Any:
    """A three-rep roster team (A, B, C); keyword arguments add terms to a rep."""
    reps = [{"rep_id": rep, "level": level, **terms_of.get(rep, {})}
            for rep, level in (("A", 1.2), ("B", 1.0), ("C", 0.8))]
    return team_from_dict({"name": "Three", "roster": reps})


# ------------------------------------------------------------------------- validation


def test_bad_roster_terms_name_the_rep_and_the_field() -> None:
    with pytest.raises(InputError) as caught:
        team_from_dict({"name": "T", "roster": [
            {"rep_id": "A", "level": 1.0},
            {"rep_id": "B", "level": 1.0, "quota_factor": 0, "target_incentive": "lots"},
            {"rep_id": "C", "level": 1.0, "quota_factor": 5000, "target_incentive": -1},
            {"rep_id": "D", "level": 1.0, "quota_factor": True},
        ]}, "t.yaml")
    assert str(caught.value).splitlines() == [
        "t.yaml: roster[2] (B).quota_factor: Input should be greater than 0",
        "t.yaml: roster[2] (B).target_incentive: Input should be a valid number",
        "t.yaml: roster[3] (C).quota_factor: must be at least 0.001 and at most 1,000, "
        "not 5,000",
        "t.yaml: roster[3] (C).target_incentive: Input should be greater than 0",
        "t.yaml: roster[4] (D).quota_factor: Input should be a valid number",
    ]


def test_a_roster_without_terms_leaves_every_rep_on_the_plans_terms() -> None:
    team = roster()
    reps = draw_reps(team, np.random.default_rng(team.rep_seed))
    assert reps.quota_factor is None and reps.target_incentive is None
    assert pay_scale(LINEAR, reps) is None and target_per_period(LINEAR, reps) is None


def test_terms_as_arrays_with_defaults_for_reps_without_them() -> None:
    team = roster(B={"quota_factor": 1.25, "target_incentive": 90_000})
    reps = draw_reps(team, np.random.default_rng(team.rep_seed))
    np.testing.assert_array_equal(reps.quota_factor, [1.0, 1.25, 1.0])
    np.testing.assert_array_equal(pay_scale(LINEAR, reps), [1.0, 1.5, 1.0])
    np.testing.assert_array_equal(target_per_period(LINEAR, reps), [15_000, 22_500, 15_000])
    commission = plan_from_dict(make_plan(make_measure(
        weight=None, threshold=None, curve=None,
        commission={"method": "marginal", "tiers": [[0.0, 0.05]]}), pay={"base_salary": 1}))
    assert pay_scale(commission, reps) is None  # no target incentive: rates pay as written


def test_quota_factor_multiplies_volume_quotas_only() -> None:
    """250,000 a quarter x 1.2 for B; a level measure and a lower-is-better one keep theirs."""
    plan = plan_from_dict(make_plan(
        make_measure(weight=0.5, quota=250_000),
        make_measure(name="CSAT", metric="csat", weight=0.25, quota=80),
        make_measure(name="Short calls", metric="avg_call_minutes", weight=0.25, quota=30,
                     direction="lower")))
    team = roster(B={"quota_factor": 1.2})
    reps = draw_reps(team, np.random.default_rng(team.rep_seed))
    quotas = plan_quotas(plan, WeeklyFunnel.from_team(team), reps, team)
    np.testing.assert_allclose(quotas, [[250_000, 80, 30], [300_000, 80, 30],
                                        [250_000, 80, 30]], rtol=1e-15)


# ------------------------------------------------------------------ static: by hand


def test_raising_one_reps_target_raises_payout_by_that_reps_share_static() -> None:
    """B's target 60,000 -> 90,000: B's pay x 1.5, the others' unchanged, to the bit; the
    team's expected payout rises by 30,000 x B's expected attainment, 1 / quota error."""
    n = 400
    before = simulate([LINEAR], roster(), n, seed=3, behavior="static")
    after = simulate([LINEAR], roster(B={"target_incentive": 90_000}), n, seed=3,
                     behavior="static")
    old, new = before.tallies[0], after.tallies[0]
    np.testing.assert_allclose(new.rep_payout, old.rep_payout * [1.0, 1.5, 1.0], rtol=1e-12)
    np.testing.assert_array_equal(new.sales, old.sales)
    rise = new.payout.mean() - old.payout.mean()
    np.testing.assert_allclose(rise, 0.5 * old.rep_payout[1] / n, rtol=1e-9)
    expected = 30_000 / before.reps.quota_error[1]  # static: E[attainment] = 1 / error
    per_trial = new.payout - old.payout
    assert abs(rise - expected) < 4 * per_trial.std(ddof=1) / np.sqrt(n)


def test_raising_one_reps_quota_lowers_their_attainment_static() -> None:
    """B's quota x 1.25: B's attainment (and linear pay) x 0.8, the others' unchanged."""
    n = 200
    before = simulate([LINEAR], roster(), n, seed=5, behavior="static")
    after = simulate([LINEAR], roster(B={"quota_factor": 1.25}), n, seed=5, behavior="static")
    old, new = before.tallies[0], after.tallies[0]
    np.testing.assert_allclose(after.models[0].quotas[:, 0],
                               before.models[0].quotas[:, 0] * [1.0, 1.25, 1.0], rtol=1e-15)
    np.testing.assert_allclose(new.rep_payout, old.rep_payout * [1.0, 0.8, 1.0], rtol=1e-12)
    # a linear plan pays 15,000 a quarter per 100%: B's attainment summed = its pay / 15,000
    b_attainment = old.rep_payout[1] / 15_000
    np.testing.assert_allclose(old.measure_attainment.sum() - new.measure_attainment.sum(),
                               0.2 * b_attainment, rtol=1e-9)


def test_a_roster_with_default_terms_gives_the_same_numbers_adaptive(baseline) -> None:
    """Terms equal to the plan's (factor 1, target 60,000) change nothing, to the bit."""
    plain = simulate([baseline], roster(), 64, seed=2)
    same = simulate([baseline], roster(A={"quota_factor": 1.0, "target_incentive": 60_000}),
                    64, seed=2)
    for name in ("sales", "payout", "effort", "measure_attainment"):
        np.testing.assert_array_equal(getattr(same.tallies[0], name),
                                      getattr(plain.tallies[0], name))


# ------------------------------------------------------------------ adaptive: response


def test_a_rep_with_a_higher_target_works_and_sells_more(baseline) -> None:
    n = 128
    before = simulate([baseline], roster(), n, seed=4)
    after = simulate([baseline], roster(B={"target_incentive": 120_000}), n, seed=4)
    old, new = before.tallies[0], after.tallies[0]
    assert new.rep_effort[1] > 1.05 * old.rep_effort[1]
    assert new.rep_sales[1] > old.rep_sales[1]
    assert new.rep_payout[1] > 2.0 * old.rep_payout[1]  # twice the target, and more sales
    np.testing.assert_allclose(new.rep_effort[[0, 2]], old.rep_effort[[0, 2]], rtol=1e-12)


def test_a_rep_with_a_higher_quota_reaches_less_of_it_and_coasts(baseline) -> None:
    linear = LINEAR
    n = 128
    before = simulate([linear], roster(), n, seed=4)
    after = simulate([linear], roster(B={"quota_factor": 1.5}), n, seed=4)
    old, new = before.tallies[0], after.tallies[0]
    # linear pay is target x attainment: B's pay falls below 1 / 1.5 of before, since B
    # also works less for the smaller pay per sale
    assert new.rep_payout[1] < old.rep_payout[1] / 1.5
    assert new.rep_effort[1] < old.rep_effort[1]
    assert new.measure_attainment.sum() < old.measure_attainment.sum()


# ------------------------------------------------------------------ grouping many reps


def test_grouping_keys_on_cost_per_unit_of_pay() -> None:
    rng = np.random.default_rng(0)
    n = 200
    reach = np.ones((n, 1))
    cost = rng.lognormal(0.0, 0.3, n)
    np.testing.assert_array_equal(group_with_pay(reach, cost, np.ones(1), None, None).of_rep,
                                  group_reps(reach, cost, np.ones(1)).of_rep)
    scale = np.where(np.arange(n) % 2 == 0, 1.0, 3.0)
    types = group_with_pay(reach, cost, np.ones(1), None, scale)
    assert types.pay_scale is not None
    for t in range(types.effort_cost.size):
        members = types.of_rep == t
        np.testing.assert_allclose(types.effort_cost[t], cost[members].mean(), rtol=1e-12)
        np.testing.assert_allclose(types.pay_scale[t], scale[members].mean(), rtol=1e-12)
    # the cheapest effort per unit of pay (paid 3x) share no type with the dearest (1x)
    effective = cost / scale
    cheap, dear = effective < np.quantile(effective, 0.25), effective > np.quantile(effective,
                                                                                    0.75)
    assert not set(types.of_rep[cheap]) & set(types.of_rep[dear])


def test_a_reps_target_scales_curve_pay_and_leaves_commissions_alone() -> None:
    """A mixed plan, one rep, static: doubling the rep's target doubles the curve measure's
    pay and leaves the 2% commission on revenue as it was."""
    mixed = plan_from_dict(make_plan(
        make_measure(threshold=None, curve=[[1.0, 1.0]]),
        make_measure(name="Rate", weight=None, threshold=None, curve=None,
                     commission={"method": "marginal", "tiers": [[0.0, 0.02]]})))
    one = [{"rep_id": "R", "level": 1.0}]
    terms = [{"rep_id": "R", "level": 1.0, "target_incentive": 120_000}]
    before, after = (simulate([mixed], team_from_dict({"name": "One", "roster": r}), 32,
                              seed=8, behavior="static").tallies[0] for r in (one, terms))
    np.testing.assert_allclose(after.measure_payout[:, 0], 2 * before.measure_payout[:, 0],
                               rtol=1e-12)
    np.testing.assert_allclose(after.measure_payout[:, 1], before.measure_payout[:, 1],
                               rtol=1e-12)
    np.testing.assert_allclose(before.measure_payout[:, 1], 0.02 * before.sales, rtol=1e-9)
