"""The compiled weekly loop (simulator.model.kernel) against its rules, stated by hand."""

from __future__ import annotations

import numpy as np

from simulator.base.calendar import WEEKS_PER_YEAR
from simulator.model.effort import DX, N_X, Policy
from simulator.model.kernel import (
    curve_pay,
    lognormal,
    market_months,
    period_tallies,
    period_weeks,
)
from simulator.model.tally import ATTAINMENT_BINS, attainment_bin
from simulator.model.turnover import STAYS, block_uniforms, leaving
from simulator.plan.payout import PayoutCurve, PlanPayout
from simulator.team.parameters import Turnover

NO_RULES = np.array([0, 0.0, 0.0, 0.0, 0.0, 0.0])  # no deal moves, minimum effort 0


def _run(luck, units, informed, weights, tables, offsets=None, rules=NO_RULES,
         leave=None, table=None, pre_sales=None, hires=None):
    """The kernel on one period starting in week 0; returns its state and tallies."""
    _, n_trials, n_reps = luck.shape
    state = tuple(np.zeros((n_trials, n_reps)) for _ in range(6))
    if pre_sales is not None:
        state[0][...] = pre_sales
    weekly = np.zeros((n_trials, WEEKS_PER_YEAR)), np.zeros((n_trials, WEEKS_PER_YEAR))
    moves = np.zeros((3, n_trials))
    period_weeks(
        luck, 0, units, informed, np.ones((n_reps, WEEKS_PER_YEAR)),
        np.ones((n_reps, WEEKS_PER_YEAR)), weights, np.ones((n_trials, n_reps)), False,
        tables, np.zeros(n_reps, dtype=np.int64) if offsets is None else offsets,
        1 / DX, N_X, rules,
        np.zeros((2, 0, 0), dtype=np.intp) if leave is None else leave,
        np.zeros((STAYS + 1, WEEKS_PER_YEAR)) if table is None else table,
        np.zeros((2, 0, 0)) if hires is None else hires,
        np.ones(n_reps), np.ones(n_reps), state, np.zeros(n_reps), *weekly, moves)
    return state, weekly, moves


def test_before_the_plan_reps_book_normal_output_times_luck_and_leaving() -> None:
    rules = Turnover(yearly=0.3, pay_elasticity=2.0, vacancy_weeks=8, ramp_months=4,
                     ramp_start=0.25)
    today = np.full(30, 150_000.0)
    leave_rules = leaving(rules, today * 0.5, today)  # a pay cut: reps leave earlier
    leave = leave_rules.leave_weeks(block_uniforms(0, 0, 30))
    assert (leave[0] != leave[1]).any()
    luck = np.random.default_rng(3).lognormal(0, 0.5, (WEEKS_PER_YEAR, *leave.shape[1:]))
    weeks = 12
    units = np.linspace(0.5, 1.5, weeks) / weeks
    state, weekly, _ = _run(luck, units, np.zeros(weeks), np.zeros((4, *leave.shape[1:])),
                            np.zeros((4, 1)), leave=leave, table=leave_rules.table)
    expected = (units[:, None, None] * leave_rules.apply(leave, luck)[:weeks]).sum(axis=0)
    np.testing.assert_allclose(state[0], expected, rtol=1e-13)
    assert np.all(state[1] == 0)  # nobody knew the plan
    np.testing.assert_allclose(weekly[0][:, :weeks].sum(axis=1),
                               weeks * expected.sum(axis=1), rtol=1e-13)
    np.testing.assert_allclose(state[5], weeks * 1.0)  # normal effort every week


def test_informed_reps_look_their_effort_up_at_the_nearest_grid_point() -> None:
    n_reps = 4
    x = np.array([[0.49 * DX, 0.51 * DX, 1.0, 5.0]])  # progress before the week
    of_rep = np.array([0, 2, 1, 2])
    shape = (3, 1, N_X)  # three types, a one-week period
    cell_index = np.arange(np.prod(shape), dtype=float)  # effort = the cell read
    policy = Policy(cell_index.reshape(shape), np.zeros(shape), np.zeros(shape),
                    np.zeros(shape), np.zeros(3), np.zeros(3), np.zeros((3, 1)),
                    np.zeros((3, 1)))
    offsets = policy.type_offsets(of_rep)
    weights = np.zeros((4, 1, n_reps))
    weights[0] = 1.0  # x is the pre-announcement sum
    tables = np.stack([policy.effort.reshape(-1), policy.growth.reshape(-1),
                       policy.defer.reshape(-1), policy.pull.reshape(-1)])
    state, _, _ = _run(np.ones((WEEKS_PER_YEAR, 1, n_reps)), np.ones(1), np.ones(1),
                       weights, tables, offsets.astype(np.int64), pre_sales=x)
    np.testing.assert_array_equal(state[5][0], Policy.cells(x.copy(), offsets, week=0)[0])


def test_the_last_weeks_push_deals_out_and_pull_the_next_periods_in() -> None:
    weeks, output = 4, 2.0
    cells = weeks * N_X  # one type: a table per week
    tables = np.stack([np.ones(cells), np.full(cells, output), np.ones(cells), np.ones(cells)])
    rules = np.array([1, 0.3, 0.1, 0.2, 0.15, 0.0])  # last week: push 30% (10% lost), pull
    units = np.full(weeks, 0.25)
    luck = np.full((WEEKS_PER_YEAR, 1, 1), 1.5)
    state, weekly, moves = _run(luck, units, np.ones(weeks), np.zeros((4, 1, 1)), tables,
                                rules=rules)
    made = output * 0.25 * 1.5  # a week's output
    pulled = 0.25 * 0.2  # a share of a normal week, from the pipeline
    np.testing.assert_allclose(state[1][0, 0], 3 * made + 0.7 * made + 0.85 * pulled)
    np.testing.assert_allclose(state[2][0, 0], 0.9 * 0.3 * made - pulled)  # carried
    np.testing.assert_allclose(moves[:, 0], [0.3 * made, pulled, 0.15 * pulled])
    np.testing.assert_allclose(weekly[0][0, :weeks], weeks * np.array(
        [made, made, made, 0.7 * made + 0.85 * pulled]))
    np.testing.assert_allclose(state[3][0, 0], 4 * output * 0.25)  # activity: no luck


def test_a_new_hire_books_and_spends_effort_only_for_the_days_in_post() -> None:
    """`hires` scales a week's luck and activity by its output share, effort by its days."""
    weeks, output = 4, 2.0
    cells = weeks * N_X
    tables = np.stack([np.ones(cells), np.full(cells, output), np.zeros(cells),
                       np.zeros(cells)])
    hires = np.ones((2, WEEKS_PER_YEAR, 2))
    hires[:, :weeks, 1] = [[0.0, 0.0, 0.3, 0.6], [0.0, 0.0, 0.5, 1.0]]  # rep 1 starts in week 3
    luck = np.full((WEEKS_PER_YEAR, 1, 2), 1.5)
    informed = np.array([0.0, 0.0, 1.0, 1.0])  # two weeks before the plan, two after
    state, weekly, _ = _run(luck, np.full(weeks, 0.25), informed, np.zeros((4, 1, 2)), tables,
                            rules=np.array([0, 0.0, 0.0, 0.0, 0.0, 0.5]), hires=hires)
    pre, post, _, activity, min_weeks, effort = (s[0] for s in state)
    np.testing.assert_allclose(pre, [2 * 0.25 * 1.5, 0.0])  # nothing before the start
    np.testing.assert_allclose(post, [2 * output * 0.25 * 1.5, output * 0.25 * 1.5 * 0.9])
    np.testing.assert_allclose(activity, [2 * output * 0.25, output * 0.25 * 0.9])
    np.testing.assert_allclose(effort, [4.0, 1.5])  # effort 1 a week, for the days in post
    np.testing.assert_array_equal(min_weeks, [0.0, 0.0])
    np.testing.assert_allclose(weekly[1][0, :weeks], [1.0, 1.0, 1.5, 2.0])


def test_the_period_tallies_count_and_sum_as_their_numpy_statements() -> None:
    rng = np.random.default_rng(7)
    n_trials, n_reps, n_measures = 5, 40, 3
    full = rng.gamma(2.0, 0.5, (n_trials, n_reps, n_measures))
    full[0, 0] = [1.0, 0.5, 6.0]  # exactly at quota, above the histogram's top
    pay = rng.random((n_trials, n_reps, n_measures)) * 1000
    at_cap = rng.random((n_trials, n_reps, n_measures)) < 0.1
    milestones = np.array([[0.5, 1.0, 2.0], [0.0, 1.0, 1.5], [0.8, 1.0, 3.0]])
    min_weeks = rng.integers(0, 13, (n_trials, n_reps)).astype(float)
    rep_pay = np.empty((n_trials, n_reps))
    gave_up, capped = np.empty((2, n_trials, n_reps), dtype=bool)
    counts = np.zeros((3, n_trials))
    reached = np.zeros((n_trials, n_measures, 3))
    attainment, measure_pay = np.zeros((2, n_trials, n_measures))
    histogram = np.zeros(ATTAINMENT_BINS.size + 1, dtype=np.int64)
    width = ATTAINMENT_BINS[1] - ATTAINMENT_BINS[0]
    present = np.ones(n_reps, dtype=bool)
    period_tallies(full, pay, at_cap, present, milestones, 1, width, 6.0, min_weeks, rep_pay,
                   gave_up, capped, counts, reached, attainment, measure_pay, histogram)
    np.testing.assert_allclose(rep_pay, pay.sum(axis=-1), rtol=1e-14)
    np.testing.assert_array_equal(gave_up, min_weeks >= 6.0)
    np.testing.assert_array_equal(capped, at_cap.any(axis=-1))
    np.testing.assert_array_equal(counts, [gave_up.sum(axis=1), capped.sum(axis=1),
                                           (full[..., 1] >= 1.0 - 1e-12).sum(axis=1)])
    np.testing.assert_array_equal(
        reached, (full[:, :, :, None] >= milestones[None, None] - 1e-12).sum(axis=1))
    np.testing.assert_allclose(attainment, full.sum(axis=1), rtol=1e-14)
    np.testing.assert_allclose(measure_pay, pay.sum(axis=1), rtol=1e-14)
    np.testing.assert_array_equal(histogram, np.bincount(attainment_bin(full[..., 1].ravel()),
                                                         minlength=histogram.size))
    period_tallies(full, pay, at_cap, present, milestones, 1, width, -1.0, min_weeks, rep_pay,
                   gave_up, capped, counts, reached, attainment, measure_pay, histogram)
    assert not gave_up.any()  # nobody knew the plan: nobody gave up on it


def test_the_period_tallies_leave_out_reps_not_yet_in_post() -> None:
    rng = np.random.default_rng(8)
    n_trials, n_reps, n_measures = 3, 5, 2
    full = rng.random((n_trials, n_reps, n_measures)) * 2
    pay = rng.random((n_trials, n_reps, n_measures))
    at_cap = np.ones((n_trials, n_reps, n_measures), dtype=bool)
    milestones = np.array([[0.5, 1.0, 2.0], [0.0, 1.0, 1.5]])
    present = np.array([True, False, True, True, False])
    outs = [np.empty((n_trials, n_reps)), *np.empty((2, n_trials, n_reps), dtype=bool)]
    sums = [np.zeros((3, n_trials)), np.zeros((n_trials, n_measures, 3)),
            *np.zeros((2, n_trials, n_measures)),
            np.zeros(ATTAINMENT_BINS.size + 1, dtype=np.int64)]
    period_tallies(full, pay, at_cap, present, milestones, 0, ATTAINMENT_BINS[1], 0.0,
                   np.ones((n_trials, n_reps)), *outs, *sums)
    rep_pay, gave_up, capped = outs
    counts, reached, attainment, measure_pay, histogram = sums
    np.testing.assert_allclose(rep_pay, np.where(present, pay.sum(axis=-1), 0.0))
    np.testing.assert_array_equal(gave_up, np.broadcast_to(present, gave_up.shape))
    np.testing.assert_array_equal(capped, np.broadcast_to(present, capped.shape))
    np.testing.assert_array_equal(counts[:2], np.full((2, n_trials), 3.0))
    np.testing.assert_allclose(attainment, full[:, present].sum(axis=1))
    np.testing.assert_allclose(measure_pay, pay[:, present].sum(axis=1))
    assert histogram.sum() == 3 * n_trials


def test_curve_pay_pays_as_the_calculators_numpy_to_the_bit() -> None:
    curves = (
        PayoutCurve.from_points(((0.5, 0.25), (1.0, 1.0), (1.0, 1.2), (2.0, 3.0)), 0.5, 2.5),
        PayoutCurve.from_points(((0.0, 0.1), (1.0, 1.0), (1.5, 1.0))),  # flat at the top
        PayoutCurve.from_points(((0.8, 0.5), (1.2, 1.5)), 0.8),
    )
    payout = PlanPayout(curves=curves, weights=np.array([0.5, 0.3, 0.2]),
                        lower=np.zeros(3, dtype=bool), target_per_period=2500.0)
    rng = np.random.default_rng(11)
    full = rng.gamma(2.0, 0.5, (6, 40, 3))
    edges = np.array([0.0, -0.5, 0.5, 0.8, 1.0, 1.2, 1.5, 2.0, np.inf, np.nan])
    full[0, : edges.size] = edges[:, None]  # at the points, thresholds and beyond
    full[1, : edges.size] = edges[:, None] - 1e-13  # a hair below them
    assert payout.curve_arrays is not None
    own = rng.uniform(1000.0, 4000.0, 40)  # each rep's own target pay (a roster's)
    for targets, target in ((np.full(40, 2500.0), None), (own, own)):
        expected_pay, expected_cap = payout.settle(full, np.ones(3), target=target)
        pay, at_cap = np.empty(full.shape), np.empty(full.shape, dtype=bool)
        curve_pay(full, *payout.curve_arrays, payout.weights, targets, pay, at_cap)
        np.testing.assert_array_equal(pay, expected_pay)
        np.testing.assert_array_equal(at_cap, expected_cap)


def test_the_weekly_luck_is_its_numpy_statement_to_the_bit() -> None:
    """exp(sigma z + shift), as `luck.block_luck` worked it in numpy, into a chunk's view."""
    rng = np.random.default_rng(5)
    z = rng.standard_normal((WEEKS_PER_YEAR, 16, 7))
    shift = rng.normal(-0.2, 0.1, size=(WEEKS_PER_YEAR, 16))
    expected = z * 0.6
    expected += shift[:, :, None]
    np.exp(expected, out=expected)
    chunk = np.zeros((WEEKS_PER_YEAR, 40, 7))
    lognormal(z, 0.6, shift, chunk[:, 30:40])  # a short last block: its first 10 trials
    np.testing.assert_array_equal(chunk[:, 30:40], expected[:, :10])
    assert not chunk[:, :30].any()
    lognormal(z, 0.6, shift, z)  # in place
    np.testing.assert_array_equal(z, expected)


def test_the_market_path_is_its_numpy_statement_to_the_bit() -> None:
    rng = np.random.default_rng(6)
    level, z = rng.standard_normal(16), rng.standard_normal((12, 16))
    rho, sigma, half = 0.5, 0.08, 0.0064
    month = np.empty((12, 16))
    month[0] = sigma * z[0]
    for m in range(1, 12):
        month[m] = rho * month[m - 1] + sigma * np.sqrt(1 - rho**2) * z[m]
    expected = level[None, :] + month - half
    np.testing.assert_array_equal(
        market_months(level, z, rho, sigma, sigma * np.sqrt(1 - rho**2), half), expected)
