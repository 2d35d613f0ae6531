"""New hires in the simulation (`model.hires`): a roster rep's start date and the plan's ramp.

The layout of a start date in the simulated year is checked by hand; the quotas and target
pay it sets are the payout calculator's; simulated hires book nothing before they start,
draw nothing then, count in no share of reps, and respond to a plan's ramp.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from conftest import make_measure, make_plan

from simulator.base.errors import InputError
from simulator.model.engine import simulate
from simulator.model.hires import Hires, in_post
from simulator.plan.actuals import parse_actuals
from simulator.plan.spec import plan_from_dict
from simulator.team.spec import TEAMS_DIR, load_team, team_from_dict

RAMP = [[1, 0.25], [2, 0.5], [3, 0.75], [4, 1.0]]  # the README's ramp


def roster_team(starts: dict[int, str], n: int = 6, **extra):
    """A roster of n equal reps; starts: rep index -> start date."""
    roster = [{"rep_id": f"r{i}", "level": 1.0, **({"start": starts[i]} if i in starts
                                                   else {})} for i in range(n)]
    return team_from_dict({"name": "Hires", "roster": roster, **extra})


def test_a_start_date_is_laid_out_in_the_simulated_weeks_by_hand() -> None:
    """2027-03-10 in a quarterly plan: March is 4 weeks of 7.75 days; day 10 starts at 9."""
    team = roster_team({0: "2027-03-10"}, n=2)
    hires = Hires.of(plan_from_dict(make_plan()), team)
    assert hires is not None and team.first_plan_year == 2027
    year = hires.year(0)
    assert year is not None
    output, working = year.weeks[:, :, 0]
    np.testing.assert_array_equal(working[:9], 0.0)  # January, February, March's first week
    assert working[9] == pytest.approx((15.5 - 9) / 7.75)
    np.testing.assert_array_equal(working[10:], 1.0)
    # the team's ramp: 25% of normal rising to all of it over 4 months (16 weeks), read
    # at the middle of the days in post (3.25 days after the start)
    weeks_in = 3.25 / (365.25 / 48)
    assert output[9] == pytest.approx(working[9] * (0.25 + 0.75 * weeks_in / 16))
    assert output[-1] == 1.0
    np.testing.assert_array_equal(year.weeks[:, :, 1], 1.0)  # rep 1: no start date
    np.testing.assert_allclose(year.quota[:, 0], [22 / 90, 1, 1, 1])  # no plan ramp
    np.testing.assert_allclose(year.target[:, 0], [22 / 90, 1, 1, 1])
    assert year.present.all()
    assert hires.year(1) is None  # in post and ramped all of the next year


def test_a_period_before_the_start_is_absent_and_the_plan_year_can_be_given() -> None:
    team = roster_team({0: "2027-07-01"}, n=2, plan_year=2027)
    year = Hires.of(plan_from_dict(make_plan(ramp=RAMP)), team).year(0)
    np.testing.assert_array_equal(year.present[:, 0], [False, False, True, True])
    np.testing.assert_allclose(year.target[:, 0], [0, 0, 1, 1])
    # Q3: months 1-3 in post (0.25, 0.5, 0.75 weighted by 31, 31, 30 days)
    q3 = (31 * 0.25 + 31 * 0.5 + 30 * 0.75) / 92
    np.testing.assert_allclose(year.quota[:, 0], [1, 1, q3, 1])
    assert in_post(Hires.of(plan_from_dict(make_plan()), team), 2, 4, 1) == (
        6.0, pytest.approx(2 * 48 - 24))
    later = roster_team({0: "2027-07-01"}, n=2, plan_year=2026)
    assert Hires.of(plan_from_dict(make_plan()), later).year(0).present[:, 0].sum() == 0


def test_the_simulations_ramped_quota_is_the_calculators(tmp_path) -> None:
    """The same start date and plan give the same quota and target in both."""
    plan = plan_from_dict(make_plan(make_measure(weight=0.5), make_measure(
        name="CSAT", metric="csat", weight=0.5, quota=80), ramp=RAMP))
    year = Hires.of(plan, roster_team({0: "2027-02-01"}, n=1)).year(0)
    csv = tmp_path / "actuals.csv"
    csv.write_text("rep_id,period,measure,actual,quota,start\n"
                   "r0,2027-Q1,New revenue,10000,90000,2027-02-01\n"
                   "r0,2027-Q1,CSAT,85,80,\n")
    actuals = parse_actuals(csv.read_text(), plan, str(csv))
    assert actuals.quota[0, 0] == pytest.approx(90_000 * year.quota[0, 0])
    assert actuals.quota[0, 0] == pytest.approx(22_500)  # README, "Ramps"
    assert actuals.quota[0, 1] == 80  # a level's quota is not prorated
    assert actuals.prorate[0] == pytest.approx(year.target[0, 0])


def test_new_hires_sell_nothing_before_their_start_and_draw_nothing_then() -> None:
    """Quotas nobody reaches: each rep is paid the draw for the periods in post."""
    roster = [{"rep_id": "old", "level": 1.0},
              {"rep_id": "new", "level": 1.0, "start": "2027-07-01"}]
    team = team_from_dict({"name": "Draws", "roster": roster})
    plan = plan_from_dict(make_plan(make_measure(quota=1e9),
                                    draw={"amount": 5000, "recoverable": False}))
    sim = simulate([plan], team, 32, seed=1, behavior="static")
    pay = sim.tallies[0].rep_payout / 32
    np.testing.assert_allclose(pay, [4 * 5000, 2 * 5000])
    assert sim.tallies[0].rep_sales[1] < sim.tallies[0].rep_sales[0] * 0.6


def test_a_hire_sells_in_proportion_to_the_weeks_in_post_at_normal_effort() -> None:
    team = roster_team({0: "2027-05-01"}, n=2)
    sim = simulate([plan_from_dict(make_plan())], team, 4000, seed=2, behavior="static")
    sales = sim.tallies[0].rep_sales / 4000
    share = Hires.of(sim.models[0].plan, team).year(0).weeks[0, :, 0].mean()
    ratio = sales[0] / sales[1]
    assert ratio == pytest.approx(share, rel=0.03)  # luck of 4,000 years: under 1%


def test_reps_respond_to_a_plans_ramp_and_others_are_untouched() -> None:
    """Paired: the same reps and luck with and without a ramp on the plan."""
    team = roster_team({0: "2027-04-15", 1: "2027-04-15"}, n=6)
    flat = plan_from_dict(make_plan())
    ramped = plan_from_dict(make_plan(ramp=RAMP, name="Ramped"))
    sim = simulate([flat, ramped], team, 800, seed=3)
    a, b = sim.tallies
    hires = slice(0, 2)
    assert (b.rep_payout[hires] > a.rep_payout[hires] * 1.1).all()  # an easier quota pays
    assert (b.rep_effort[hires] > a.rep_effort[hires]).all()  # and is worth working for
    np.testing.assert_array_equal(a.rep_sales[2:], b.rep_sales[2:])
    np.testing.assert_array_equal(a.rep_payout[2:], b.rep_payout[2:])


def test_shares_of_reps_count_only_the_periods_in_post() -> None:
    """A rep who starts in the last quarter counts in one quarter's shares, not four."""
    from simulator.results.comparison import compare

    plan = plan_from_dict(make_plan())
    late = compare([plan], roster_team({0: "2027-10-01"}, n=4), 200, 4,
                   behavior="static").plans[0]
    sim = simulate([plan], roster_team({0: "2027-10-01"}, n=4), 200, seed=4,
                   behavior="static")
    share = sim.tallies[0].at_quota.mean() / (3 * 4 + 1)
    assert late.quota_attainment.share_at_or_above == pytest.approx(share)


def test_a_ratchet_moves_a_hires_next_quota_on_the_year_against_the_full_quota() -> None:
    """A July hire on a ramped plan whose quota follows the result (ratchet 1): next year's
    quota is the year's output against the full annual quota (half a year sold: about half),
    not against the ramped quotas of the periods in post."""
    plan = plan_from_dict(make_plan(make_measure(ratchet=1.0), ramp=RAMP))
    team = roster_team({0: "2027-07-01"}, n=1)
    sim = simulate([plan], team, 64, seed=5, behavior="static", years=2)
    model, tally = sim.models[0], sim.tallies[0]
    weeks = plan.weeks_per_period
    # static reps book at normal effort with the usual mix: attainment = reach x output,
    # sales = weeks x revenue x output, so the year's mean attainment is a fixed share of
    # its sales; absent quarters count as nothing sold
    per_sale = model.reach_default[0, 0] / (weeks * model.revenue_default[0])
    expected = per_sale * tally.sales_by_year[:, 0] / plan.periods_per_year
    np.testing.assert_allclose(tally.quota_scale_by_year[:, 0], 1.0)
    np.testing.assert_allclose(tally.quota_scale_by_year[:, 1], expected, rtol=1e-12)
    assert 0.3 < expected.mean() < 0.6  # half a year, the first quarter in post ramping up


def test_year_to_date_settlement_pays_a_hire_the_prorated_targets_in_post() -> None:
    """A curve that pays the target at any attainment, settled year to date: a rep in post
    all year earns four periods' targets; a hire from 16 August the days in post of Q3
    and all of Q4 (the year-to-date target sums the prorated ones), never a whole year's
    target at their first settlement."""
    flat = make_measure(threshold=None, curve=[[0.0, 1.0], [1.0, 1.0]])
    plan = plan_from_dict(make_plan(flat, settlement="cumulative"))
    team = roster_team({0: "2027-08-16"}, n=2)
    sim = simulate([plan], team, 16, seed=7, behavior="static")
    per_period = sim.models[0].payout.target_per_period
    shares = Hires.of(plan, team).year(0).target[:, 0]
    assert 0 < shares[2] < 1 and shares[3] == 1  # Q3 in part, Q4 whole
    np.testing.assert_allclose(sim.tallies[0].rep_payout / 16,
                               [shares.sum() * per_period, 4 * per_period])


def test_a_start_date_is_validated_with_its_field() -> None:
    with pytest.raises(InputError) as caught:
        roster_team({0: "soon"})
    assert "roster" in str(caught.value) and "start" in str(caught.value)
    with pytest.raises(InputError) as caught:
        roster_team({0: "1800-01-01"})
    assert "1950-01-01" in str(caught.value)
    with pytest.raises(InputError) as caught:
        roster_team({}, plan_year=3000)
    assert "plan_year" in str(caught.value)


def test_a_team_without_start_dates_has_no_hires() -> None:
    assert Hires.of(plan_from_dict(make_plan()), roster_team({})) is None
    old = roster_team({0: dt.date(2020, 1, 6).isoformat()}, plan_year=2027)
    assert Hires.of(plan_from_dict(make_plan(ramp=RAMP)), old).year(0) is None


def test_the_shipped_growing_team_has_its_hires_in_2027() -> None:
    team = load_team(TEAMS_DIR / "growing.yaml")
    year = Hires.of(team.incumbent, team).year(0)
    assert team.first_plan_year == 2027
    np.testing.assert_array_equal(year.present[:, -1], [False, False, True, True])  # August
    np.testing.assert_array_equal(year.present[:, -2], [False, True, True, True])  # April
    assert year.present[:, :-2].all()
    assert 0 < year.weeks[0, 0, 8] < 1  # R09, hired in November, still ramping in January
