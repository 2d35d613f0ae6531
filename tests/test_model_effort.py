"""The effort solver (simulator.model.effort): transition, backward induction, rep types.

Analytic: with a linear terminal pay s * x and cost c e^rho / rho a week, the expected gain
of a week at effort e is s * step * e^gamma (luck has mean 1), so the optimum solves
s * gamma * step * e^(gamma - 1) = c * e^(rho - 1), i.e.
e* = (s * gamma * step / c)^(1 / (rho - gamma)), the same in every week and at every
progress index, for a patient rep (no discounting: the `patient` team). A beta-delta rep
counts pay W - w weeks away at beta * delta^(W - w): e*_w is the closed form at that s.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make_measure, make_plan
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.base.stats import lognormal_mean_one
from simulator.model.effort import (
    DX,
    MAX_TYPES,
    N_EFFORT,
    N_X,
    X_GRID,
    X_MAX,
    Policy,
    RepTypes,
    effort_policies,
    group_reps,
    period_sigma,
    progress_sigma,
    solve_policy,
    terminal_pay,
    transition,
    weekly_effort_cost,
)
from simulator.plan.payout import PlanPayout
from simulator.plan.spec import plan_from_dict
from simulator.team.parameters import Effort
from simulator.team.spec import team_from_dict


@pytest.fixture(scope="module")
def patient():
    """The default team without discounting or present bias (the closed forms' case)."""
    return team_from_dict({"name": "Patient", "behavior": {"present_bias": 1.0,
                                                             "weekly_discount": 1.0}})


DEFAULTS = Effort()  # the default team's effort parameters
GAMMA, RHO = DEFAULTS.output_elasticity, DEFAULTS.cost_curvature
LOW, HIGH = DEFAULTS.minimum, DEFAULTS.maximum
WEEKS = 12
STEP = 1 / WEEKS  # progress of a normal week in a quarter, season 1
EFFORT_GRID = np.linspace(LOW, HIGH, N_EFFORT)  # the default team's minimum .. maximum
GRID_STEP = EFFORT_GRID[1] - EFFORT_GRID[0]


def closed_form_effort(s: float, c: float, step: float = STEP) -> float:
    """e* = (s gamma step / c)^(1 / (rho - gamma)), clipped to the team's effort range."""
    return float(np.clip((s * GAMMA * step / c) ** (1 / (RHO - GAMMA)), LOW, HIGH))


def linear_terminal(slopes: list[float]) -> np.ndarray:
    """Terminal pay s_k * x for each type k: (n_types, N_X)."""
    return np.array(slopes)[:, None] * X_GRID[None, :]


def linear_plan(slope: float = 1.2, period: str = "quarter", **measure):  # type: ignore[no-untyped-def]
    """A plan paying `slope` target incentives per 100% of quota, no threshold, no cap."""
    return plan_from_dict(make_plan(make_measure(threshold=None, curve=[[1.0, slope]], **measure),
                                    period=period, name="Linear"))


# --------------------------------------------------------------------------- transition


@pytest.mark.parametrize("sigma", [0.0, 0.1, 0.6, 1.2])
def test_each_row_of_the_transition_is_a_probability_distribution(sigma: float) -> None:
    growth = EFFORT_GRID**GAMMA
    matrix = transition(growth, STEP, sigma)
    assert matrix.shape[:2] == (N_EFFORT, N_X) and matrix.shape[2] > N_X
    assert matrix.min() >= 0
    np.testing.assert_allclose(matrix.sum(axis=2), 1.0, rtol=0, atol=1e-12)


@pytest.mark.parametrize(("step_scale", "sigma"), [(1 / 12, 0.6), (1 / 4, 0.1), (1.0, 0.3)])
def test_the_mean_step_is_step_scale_times_effort(step_scale: float, sigma: float) -> None:
    """E[x'] - x = step_scale * growth * E[luck] and E[luck] = 1: linear interpolation keeps
    the mean, and the grid is padded so that no landing point is cut off at X_MAX."""
    growth = EFFORT_GRID**GAMMA
    matrix = transition(growth, step_scale, sigma)
    padded_x = np.arange(matrix.shape[2]) * DX
    mean_step = matrix @ padded_x - X_GRID[None, :]
    # 7 Gauss-Hermite nodes integrate the mean-one lognormal to ~1e-10
    np.testing.assert_allclose(mean_step, step_scale * growth[:, None] * np.ones(N_X), rtol=1e-8)


def test_no_luck_moves_progress_by_exactly_one_step() -> None:
    growth = np.array([0.5, 1.0])
    matrix = transition(growth, 4 * DX, 0.0)  # a step of exactly 4 or 2 grid points
    for j, points in enumerate((2, 4)):
        expected = np.zeros((N_X, matrix.shape[2]))
        expected[np.arange(N_X), np.arange(N_X) + points] = 1.0
        np.testing.assert_allclose(matrix[j], expected, atol=1e-12)


# --------------------------------------------------------------------------- solve_policy


@pytest.mark.parametrize("cost_ratio", [1.0, 3.0, 0.25, 1.7])
def test_linear_pay_gives_the_closed_form_effort_every_week(patient, cost_ratio: float) -> None:
    s = 20_000.0
    c = s * GAMMA * STEP / cost_ratio  # cost_ratio 1 puts e* at exactly 1
    policy = solve_policy(linear_terminal([s]), np.array([c]), WEEKS, 1.0, 0.6, patient)
    expected = closed_form_effort(s, c)
    # the policy is one effort level everywhere: the value stays linear in x every week
    assert np.ptp(policy.effort) == 0
    # on a grid of effort levels the best one is a neighbour of e* ...
    assert abs(policy.effort[0, 0, 0] - expected) < GRID_STEP
    # ... namely the grid level that maximises the closed-form weekly objective
    objective = s * STEP * EFFORT_GRID**GAMMA - c * EFFORT_GRID**RHO / RHO
    assert policy.effort[0, 0, 0] == pytest.approx(EFFORT_GRID[np.argmax(objective)])
    np.testing.assert_allclose(policy.growth, policy.effort**GAMMA)


@pytest.mark.parametrize(("beta", "delta"), [(0.9, 0.99), (0.7, 1.0), (1.0, 0.98)])
def test_beta_delta_discounts_linear_pay_by_the_weeks_left(beta: float, delta: float) -> None:
    """Week w of W weighs pay at the end by beta * delta^(W - w): effort rises to the end."""
    team = team_from_dict({"name": "Impatient", "behavior": {"present_bias": beta,
                                                               "weekly_discount": delta}})
    s = 20_000.0
    c = s * GAMMA * STEP  # e* = 1 for a patient rep
    policy = solve_policy(linear_terminal([s]), np.array([c]), WEEKS, 1.0, 0.6, team)
    for week in range(WEEKS):
        weighed = beta * delta ** (WEEKS - week) * s
        expected = EFFORT_GRID[np.argmax(weighed * STEP * EFFORT_GRID**GAMMA
                                         - c * EFFORT_GRID**RHO / RHO)]
        assert policy.effort[0, week, 0] == pytest.approx(expected)
    assert policy.effort[0, 0, 0] <= policy.effort[0, -1, 0]


def test_worth_of_linear_pay_is_expected_pay_less_the_cost_of_effort(patient) -> None:
    """Constant effort e*: E[x at the end] = W step e*^gamma, so the worth is
    s W step e*^gamma - c W e*^rho / rho (undiscounted)."""
    s, c = 20_000.0, 20_000.0 * GAMMA * STEP
    policy = solve_policy(linear_terminal([s]), np.array([c]), WEEKS, 1.0, 0.3, patient)
    e = policy.effort[0, 0, 0]
    expected = s * WEEKS * STEP * e**GAMMA - c * WEEKS * e**RHO / RHO
    assert policy.worth[0] == pytest.approx(expected, rel=0.01)  # the grid's rounding
    np.testing.assert_allclose(policy.mean_effort, e)
    np.testing.assert_allclose(policy.mean_growth, e**GAMMA)


def test_linear_pay_solves_every_type_on_its_own(patient) -> None:
    slopes, costs = [20_000.0, 20_000.0, 5_000.0], np.array([500.0, 1_500.0, 500.0])
    policy = solve_policy(linear_terminal(slopes), costs, WEEKS, 1.0, 0.6, patient)
    for k in range(3):
        assert abs(policy.effort[k, 0, 0] - closed_form_effort(slopes[k], costs[k])) < GRID_STEP
    # cheaper effort or more pay per step buys more effort
    assert policy.effort[0, 0, 0] > policy.effort[1, 0, 0]
    assert policy.effort[0, 0, 0] > policy.effort[2, 0, 0]


@pytest.mark.parametrize(("s", "bound"), [(1e9, HIGH), (1e-3, LOW)])
def test_the_closed_form_is_clipped_to_the_effort_range(patient, s: float, bound: float) -> None:
    policy = solve_policy(linear_terminal([s]), np.array([500.0]), WEEKS, 1.0, 0.6, patient)
    assert np.all(policy.effort == pytest.approx(bound))


def test_flat_terminal_pay_buys_the_minimum_effort_everywhere(patient) -> None:
    flat = np.full((2, N_X), 15_000.0)  # pays the same whatever the progress
    policy = solve_policy(flat, np.array([300.0, 900.0]), WEEKS, 1.0, 0.6, patient)
    assert np.all(policy.effort == patient.effort.minimum)
    assert np.all(policy.value_slope_at_start == pytest.approx(0.0, abs=1e-9))


def test_a_higher_season_buys_more_effort_under_linear_pay(patient) -> None:
    """e*^(rho - gamma) grows with the step, and the step is season / weeks."""
    s, c = 20_000.0, 20_000.0 * GAMMA * STEP
    normal = solve_policy(linear_terminal([s]), np.array([c]), WEEKS, 1.0, 0.6, patient)
    busy = solve_policy(linear_terminal([s]), np.array([c]), WEEKS, 2.0, 0.6, patient)
    assert busy.effort[0, 0, 0] > normal.effort[0, 0, 0]
    assert abs(busy.effort[0, 0, 0] - closed_form_effort(s, c, 2 * STEP)) < GRID_STEP


def test_value_slope_at_start_of_linear_pay_is_the_pay_slope(patient) -> None:
    policy = solve_policy(linear_terminal([20_000.0, 7_000.0]), np.array([500.0, 500.0]),
                          WEEKS, 1.0, 0.6, patient)
    np.testing.assert_allclose(policy.value_slope_at_start, [20_000.0, 7_000.0], rtol=1e-9)


def test_deferral_only_in_the_window_and_only_when_next_period_pays_more(patient) -> None:
    s = 20_000.0
    terminal, cost = linear_terminal([s]), np.array([500.0])
    same = solve_policy(terminal, cost, WEEKS, 1.0, 0.6, patient)
    assert not same.defer.any()  # a unit now is worth a unit then, less the slip loss
    richer = solve_policy(terminal, cost, WEEKS, 1.0, 0.6, patient,
                          next_slope_at_start=np.array([2 * s]))
    window = patient.behavior.defer_window_weeks
    assert np.all(richer.defer[:, -window:] == 1.0)
    assert not richer.defer[:, :-window].any()
    # worth more next period, but not enough to cover the slip loss: keep the deals
    keep = 1 - patient.behavior.slip_loss
    barely = solve_policy(terminal, cost, WEEKS, 1.0, 0.6, patient,
                          next_slope_at_start=np.array([0.99 * s / keep]))
    assert not barely.defer.any()


def test_giving_up_below_a_threshold_and_pushing_near_it(team) -> None:
    """A step payout at x = 1: far below it effort cannot reach it (minimum), near it
    marginal pay peaks (effort above the minimum)."""
    terminal = np.where(X_GRID >= 1.0, 15_000.0, 0.0)[None, :]
    policy = solve_policy(terminal, np.array([300.0]), WEEKS, 1.0, 0.3, team)
    last_week = policy.effort[0, -1]
    assert last_week[0] == team.effort.minimum  # hopeless: one week cannot make a period
    assert last_week[np.searchsorted(X_GRID, 0.95)] > team.effort.minimum
    assert last_week[-1] == team.effort.minimum  # already there: nothing left to earn


# --------------------------------------------------------------------------- costs, pay


def test_weekly_effort_cost_makes_normal_effort_optimal_under_the_reference_commission(
    patient,
) -> None:
    """Linear commission of reference_pay_slope x reference target per 100% of quota, quarterly:
    s = 1.2 x 60,000 / 4 per unit of x, c = gamma x 1.2 x 60,000 / 48, step = 1 / 12, so
    e*^(rho - gamma) = s gamma step / c = 1."""
    plan = linear_plan(patient.effort.reference_pay_slope)
    payout = PlanPayout.from_plan(plan)
    terminal = terminal_pay(payout, np.array([1.0]), np.array([[1.0]]))
    cost = weekly_effort_cost(patient, np.array([1.0]))
    assert cost[0] == pytest.approx(GAMMA * 1.2 * 60_000 / 48)  # the default reference
    policy = solve_policy(terminal, cost, WEEKS, 1.0, 0.6, patient)
    assert closed_form_effort(1.2 * 60_000 / 4, cost[0]) == pytest.approx(1.0)
    assert abs(policy.effort[0, 0, 0] - 1.0) < GRID_STEP


def test_weekly_effort_cost_scales_with_each_reps_cost() -> None:
    team = team_from_dict({"name": "T", "effort": {"output_elasticity": 0.5,
                                                   "reference_target_incentive": 48_000,
                                                   "reference_pay_slope": 2.0}})
    # 0.5 x 2.0 x 48,000 / 48 = 1,000 per unit of relative cost
    np.testing.assert_allclose(weekly_effort_cost(team, np.array([0.5, 1.0, 2.0])),
                               [500.0, 1_000.0, 2_000.0])


def test_terminal_pay_of_a_linear_measure() -> None:
    plan = linear_plan(1.2)
    payout = PlanPayout.from_plan(plan)
    reach = np.array([[1.0], [0.8]])
    terminal = terminal_pay(payout, np.array([1.0]), reach)
    # target per quarter 15,000 x 1.2 per unit of attainment, attainment = reach x x
    np.testing.assert_allclose(terminal, 15_000 * 1.2 * reach * X_GRID[None, :])


def test_a_foreseen_ratchet_takes_its_share_of_the_marginal_pay_off_each_unit() -> None:
    """Linear pay s x with ratchet r: each unit of x raises next year's quota and costs
    r s a year later, discounted by d: terminal = (1 - d r) s x."""
    plan = linear_plan(1.2)
    payout = PlanPayout.from_plan(plan)
    plain = terminal_pay(payout, np.array([1.0]), np.ones((1, 1)))
    ratcheted = terminal_pay(payout, np.array([1.0]), np.ones((1, 1)), np.array([0.5]), 0.8)
    np.testing.assert_allclose(ratcheted, (1 - 0.8 * 0.5) * plain, atol=1e-6)


def test_terminal_pay_ignores_measures_out_of_the_index_and_falls_for_lower_is_better() -> None:
    plan = plan_from_dict(make_plan(
        make_measure(weight=0.6, threshold=None, curve=[[1.0, 1.0]]),
        make_measure(name="Short talk", metric="talk_time", direction="lower", weight=0.4,
                     threshold=None, curve=[[1.0, 1.0]]),
    ))
    payout = PlanPayout.from_plan(plan)
    reach = np.ones((1, 2))
    only_first = terminal_pay(payout, np.array([0.6, 0.0]), reach)
    np.testing.assert_allclose(only_first[0], 15_000 * 0.6 * X_GRID)
    only_lower = terminal_pay(payout, np.array([0.0, 0.4]), reach)[0]
    assert np.all(np.diff(only_lower[1:]) < 0)  # more talk time, less attainment
    # attainment quota / actual = 1 / x, x floored half a grid step above 0
    assert only_lower[0] == pytest.approx(15_000 * 0.4 * 1 / (DX / 2))
    assert only_lower[np.searchsorted(X_GRID, 1.0)] == pytest.approx(15_000 * 0.4)


def test_progress_sigma_is_the_pay_weighted_luck() -> None:
    team = team_from_dict({"name": "No market", "luck": {"market_yearly": 0.0,
                                                         "market_monthly": 0.0}})
    sales, activity = team.luck.sales_weekly, team.luck.activity_weekly
    luck = np.array([True, False])
    assert progress_sigma(team, np.array([1.0, 0.0]), luck, WEEKS) == pytest.approx(sales)
    assert progress_sigma(team, np.array([0.0, 2.0]), luck, WEEKS) == pytest.approx(activity)
    # variance weighted by pay: sqrt((3 s^2 + a^2) / 4)
    assert progress_sigma(team, np.array([0.3, 0.1]), luck, WEEKS) == pytest.approx(
        np.sqrt((3 * sales**2 + activity**2) / 4))
    assert progress_sigma(team, np.zeros(2), luck, WEEKS) == sales  # nothing in the index


def test_progress_sigma_carries_the_markets_shock_as_weekly_luck(team) -> None:
    """A shock that lasts the period adds its period variance once per week of the period:
    weekly variance sales**2 + weeks x (yearly**2 + monthly**2 x AR(1) share)."""
    luck = team.luck
    months = WEEKS // 4
    lags = np.abs(np.subtract.outer(np.arange(months), np.arange(months)))
    share = (luck.market_autocorrelation**lags).sum() / months**2
    period = luck.market_yearly**2 + luck.market_monthly**2 * share
    assert luck.market_period_variance(months) == pytest.approx(period)
    expected = np.sqrt(luck.sales_weekly**2 + WEEKS * period)
    assert progress_sigma(team, np.array([1.0]), np.array([True]), WEEKS) == pytest.approx(
        expected)
    # activity measures have no market in them
    assert progress_sigma(team, np.array([1.0]), np.array([False]), WEEKS) == pytest.approx(
        luck.activity_weekly)


# --------------------------------------------------------------------------- period luck


def test_period_sigma_matches_the_variance_of_the_summed_weeks() -> None:
    """Fenton-Wilkinson: the mean of n iid mean-one lognormal weeks has variance
    (e^(sigma^2) - 1) / n, and a lognormal of log-sd S has variance e^(S^2) - 1."""
    for sigma, weeks in ((0.6, 12), (0.6, 4), (0.1, 48), (1.5, 3)):
        big_s = period_sigma(sigma, weeks)
        assert np.expm1(big_s**2) == pytest.approx(np.expm1(sigma**2) / weeks, rel=1e-12)
    assert period_sigma(0.6, 1) == pytest.approx(0.6)
    assert period_sigma(0.0, 12) == 0.0


def test_period_sigma_against_a_monte_carlo_of_summed_lognormals(rng) -> None:
    sigma, weeks = 0.6, 12
    period = lognormal_mean_one(rng, sigma, (200_000, weeks)).mean(axis=1)
    big_s = period_sigma(sigma, weeks)
    assert period.mean() == pytest.approx(1.0, abs=0.003)  # standard error 0.0005
    # the sample sd of 200,000 draws is within ~1% of the truth
    assert period.std() == pytest.approx(np.sqrt(np.expm1(big_s**2)), rel=0.02)
    # the log of the period is close to a normal of sd S (the approximation itself)
    assert np.log(period).std() == pytest.approx(big_s, rel=0.05)


# --------------------------------------------------------------------------- rep types


def test_a_small_team_keeps_one_type_per_rep(rng) -> None:
    reach, cost = rng.uniform(0.5, 1.5, (MAX_TYPES, 2)), rng.uniform(100, 900, MAX_TYPES)
    types = group_reps(reach, cost, np.array([0.7, 0.3]))
    np.testing.assert_array_equal(types.of_rep, np.arange(MAX_TYPES))
    np.testing.assert_array_equal(types.reach, reach)
    np.testing.assert_array_equal(types.effort_cost, cost)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(MAX_TYPES + 1, 3_000), seed=st.integers(0, 2**32 - 1),
       measures=st.integers(1, 4))
def test_a_large_team_is_grouped_into_at_most_max_types(n: int, seed: int, measures: int) -> None:
    rng = np.random.default_rng(seed)
    reach = rng.lognormal(0.0, 0.4, (n, measures))
    cost = rng.lognormal(5.0, 0.25, n)
    weights = rng.uniform(0.0, 1.0, measures)
    types = group_reps(reach, cost, weights)
    n_types = types.reach.shape[0]
    assert n_types <= MAX_TYPES
    assert types.of_rep.shape == (n,)
    # every type has members, and its parameters are its members' means
    np.testing.assert_array_equal(np.unique(types.of_rep), np.arange(n_types))
    for t in range(n_types):
        members = types.of_rep == t
        np.testing.assert_allclose(types.reach[t], reach[members].mean(axis=0), rtol=1e-12)
        assert types.effort_cost[t] == pytest.approx(cost[members].mean(), rel=1e-12)


def test_grouped_reps_are_alike_in_cost(rng) -> None:
    """Types split the cost into quantile bins: within a type, cost varies far less."""
    n = 2_000
    reach, cost = rng.lognormal(0.0, 0.4, (n, 1)), rng.lognormal(5.0, 0.25, n)
    types = group_reps(reach, cost, np.ones(1))
    log_cost = np.log(cost)
    within = np.mean([log_cost[types.of_rep == t].var() for t in range(types.reach.shape[0])])
    assert within < 0.2 * log_cost.var()


def test_grouping_without_count_measures_still_works(rng) -> None:
    reach = rng.lognormal(0.0, 0.4, (100, 1))
    types = group_reps(reach, rng.lognormal(5.0, 0.25, 100), np.zeros(1))
    assert types.reach.shape[0] <= MAX_TYPES


# --------------------------------------------------------------------------- policies


@pytest.mark.parametrize(("period", "count"), [("month", 12), ("quarter", 4), ("year", 1)])
def test_effort_policies_returns_one_policy_per_period(team, period: str, count: int) -> None:
    plan = linear_plan(period=period)
    payout = PlanPayout.from_plan(plan)
    types = RepTypes(np.arange(2), np.array([[1.0], [0.7]]), np.array([600.0, 600.0]))
    policies = effort_policies(payout, team, plan.weeks_per_period, types, np.ones(1),
                               np.array([True]))
    assert len(policies) == count
    assert all(isinstance(p, Policy) for p in policies)
    assert all(p.effort.shape == (2, plan.weeks_per_period, N_X) for p in policies)
    # a flat year: one solve shared by every period
    assert all(p is policies[0] for p in policies)


def test_a_busy_quarter_gets_its_own_policy_with_more_effort() -> None:
    team = team_from_dict({"name": "Seasonal", "seasonality": [1.0] * 9 + [1.5] * 3})
    plan = linear_plan()
    payout = PlanPayout.from_plan(plan)
    types = RepTypes(np.arange(1), np.array([[1.0]]), np.array([600.0]))
    q1, q2, q3, q4 = effort_policies(payout, team, 12, types, np.ones(1), np.array([True]))
    assert q1 is q2  # same season, and the next one has the same season too
    assert q3 is not q2  # same season as Q2, but followed by the busy Q4 (deferral rule)
    np.testing.assert_array_equal(q3.effort, q2.effort)
    assert q4.effort.mean() > q1.effort.mean()


def test_policy_cells_look_up_the_nearest_grid_point() -> None:
    tables = [np.zeros((3, 4, N_X)) for _ in range(4)]
    policy = Policy(*tables, np.zeros(3), np.zeros(3), np.zeros((3, 4)), np.zeros((3, 4)))
    offsets = policy.type_offsets(np.array([0, 2, 1, 2]))
    np.testing.assert_array_equal(offsets, [0, 2 * 4 * N_X, 4 * N_X, 2 * 4 * N_X])
    x = np.array([0.49 * DX, 0.51 * DX, 1.0, X_MAX + 5])
    cells = Policy.cells(x.copy(), offsets, week=3)
    expected_points = np.array([0, 1, round(1.0 / DX), N_X - 1])
    np.testing.assert_array_equal(cells, offsets + 3 * N_X + expected_points)
