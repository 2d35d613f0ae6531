"""Who leaves (simulator.model.turnover): hazards, leaving weeks, availability, seat output."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.base.calendar import WEEKS_PER_MONTH, WEEKS_PER_YEAR
from simulator.model.turnover import (
    STAYS,
    availability,
    block_uniforms,
    leaving,
    weekly_rates,
)
from simulator.team.parameters import Turnover

RULES = Turnover(yearly=0.3, pay_elasticity=2.0, vacancy_weeks=8, ramp_months=4,
                 ramp_start=0.25)


def test_at_todays_worth_a_year_loses_the_yearly_share() -> None:
    worth = np.array([150_000.0, 90_000.0])
    rate = weekly_rates(RULES, worth, worth)
    np.testing.assert_allclose(1 - np.exp(-rate * WEEKS_PER_YEAR), 0.3)


def test_a_job_worth_less_raises_the_hazard_by_the_elasticity() -> None:
    today = np.array([150_000.0])
    half = weekly_rates(RULES, today / 2, today)
    same = weekly_rates(RULES, today, today)
    assert half[0] == pytest.approx(same[0] * 2**RULES.pay_elasticity)
    assert weekly_rates(RULES, today * 1.2, today)[0] < same[0]


def test_availability_is_one_then_empty_then_the_ramp() -> None:
    weeks = np.arange(WEEKS_PER_YEAR)
    share = availability(np.full(WEEKS_PER_YEAR, 10.4), weeks, RULES)
    assert np.all(share[:10] == 1.0)
    assert np.all(share[10:18] == 0.0)  # the seat empties from the leaving week, for 8
    ramp_weeks = RULES.ramp_months * WEEKS_PER_MONTH
    np.testing.assert_allclose(share[18:18 + ramp_weeks],
                               0.25 + 0.75 * np.arange(ramp_weeks) / ramp_weeks)
    assert np.all(share[18 + ramp_weeks:] == 1.0)


def test_the_plan_in_force_leaves_every_seat_at_normal_output() -> None:
    worth = np.linspace(100_000, 200_000, 5)
    rules = leaving(RULES, worth, worth)
    leave = rules.leave_weeks(block_uniforms(3, 0, 5))
    assert (leave[0] < STAYS).any()  # some do leave, as today
    luck = np.random.default_rng(1).random((WEEKS_PER_YEAR, *leave.shape[1:]))
    assert rules.apply(leave, luck) is luck  # nothing moves


def test_the_availability_table_holds_every_leaving_week() -> None:
    rules = leaving(RULES, np.ones(1), np.ones(1))
    weeks = np.arange(WEEKS_PER_YEAR)
    for week_left in (0, 17, 47):
        np.testing.assert_array_equal(rules.table[week_left],
                                      availability(np.full(48, week_left), weeks, RULES))
    assert np.all(rules.table[STAYS] == 1.0)


@settings(max_examples=30, deadline=None)
@given(st.floats(0.3, 0.95))
def test_a_plan_worth_less_makes_the_same_reps_leave_earlier(cut: float) -> None:
    today = np.full(40, 150_000.0)
    rules = leaving(RULES, today * cut, today)
    leave = rules.leave_weeks(block_uniforms(0, 1, 40))
    assert np.all(leave[0] <= leave[1])
    # leaving earlier puts more of the empty weeks and the ramp inside the year: no seat
    # produces more over the year than it does today
    ones = np.ones((WEEKS_PER_YEAR, *leave.shape[1:]))
    output = rules.apply(leave, ones).sum(axis=0)  # (trials, seats)
    assert np.all(output <= WEEKS_PER_YEAR + 1e-9)
    assert output.mean() < WEEKS_PER_YEAR
    # a seat's factor, week by week, is 1 + its availability under the plan - today
    t, r = np.argwhere(leave[0] != leave[1])[0]
    moved = rules.apply(leave, ones)[:, t, r]
    np.testing.assert_allclose(moved, 1 + rules.table[leave[0, t, r]]
                               - rules.table[leave[1, t, r]])


def test_leaving_uniforms_are_common_to_plans_and_differ_by_year() -> None:
    np.testing.assert_array_equal(block_uniforms(5, 2, 10), block_uniforms(5, 2, 10))
    assert not np.array_equal(block_uniforms(5, 2, 10), block_uniforms(5, 2, 10, year=1))
    np.testing.assert_array_equal(block_uniforms(5, 2, 10, year=0), block_uniforms(5, 2, 10))
