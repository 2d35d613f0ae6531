"""The Monte Carlo engine: reproducibility, common random numbers, static mode, every plan runs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import PLANS_DIR, SHIPPED_PLANS, make_measure, make_plan, simulate_and_compare
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.base.calendar import WEEKS_PER_YEAR
from simulator.model.chunk_luck import forget_luck
from simulator.model.engine import BLOCK_TRIALS, balanced_blocks, simulate
from simulator.plan.spec import load_plan, plan_from_dict
from simulator.results.comparison import compare
from simulator.team.spec import team_from_dict


def _numbers(obj):
    """Every number in a nested summary, in a fixed order."""
    if isinstance(obj, dict):
        return [v for key in sorted(obj) for v in _numbers(obj[key])]
    if isinstance(obj, list | tuple):
        return [v for item in obj for v in _numbers(item)]
    return [obj] if isinstance(obj, int | float) and not isinstance(obj, bool) else []


def test_same_seed_gives_identical_results(team, baseline):
    capped = load_plan(PLANS_DIR / "capped.yaml")
    first = compare([baseline, capped], team, 96, seed=7).to_dict()
    forget_luck()  # drawn again, not taken as kept
    second = compare([baseline, capped], team, 96, seed=7).to_dict()
    assert first == second


def test_chunk_size_does_not_change_results(team, baseline):
    late = load_plan(PLANS_DIR / "late_plan.yaml")
    small = compare([baseline, late], team, 100, seed=3, chunk_trials=BLOCK_TRIALS).to_dict()
    large = compare([baseline, late], team, 100, seed=3, chunk_trials=10_000).to_dict()
    odd = compare([baseline, late], team, 100, seed=3, chunk_trials=37).to_dict()
    assert _numbers(small) == _numbers(large) == _numbers(odd)


def test_other_seed_gives_other_numbers(team, baseline):
    a = compare([baseline], team, 64, seed=1).plans[0].sales.mean
    b = compare([baseline], team, 64, seed=2).plans[0].sales.mean
    assert a != b
    assert abs(a - b) / a < 0.05  # same reps, only luck differs


def test_trial_count_is_respected_when_not_a_whole_block(team, baseline):
    sim = simulate([baseline], team, n_trials=BLOCK_TRIALS + 3, seed=0)
    assert sim.tallies[0].sales.shape == (BLOCK_TRIALS + 3,)
    assert np.all(sim.tallies[0].sales > 0)


def test_common_random_numbers_identical_plans_identical_trials(team, baseline):
    twin = plan_from_dict({**baseline.to_yaml_dict(), "name": "Twin"})
    sim = simulate([baseline, twin], team, n_trials=64, seed=5)
    np.testing.assert_array_equal(sim.tallies[0].sales, sim.tallies[1].sales)
    np.testing.assert_array_equal(sim.tallies[0].payout, sim.tallies[1].payout)
    diff = compare([baseline, twin], team, 64, seed=5).plans[1].vs_first.sales_diff
    assert (diff.mean, diff.ci95_low, diff.ci95_high) == (0.0, 0.0, 0.0)


def test_common_random_numbers_make_differences_precise(team, baseline):
    """The paired interval is far tighter than the spread of either plan's sales."""
    capped = load_plan(PLANS_DIR / "capped.yaml")
    result = compare([baseline, capped], team, 200, seed=2)
    diff = result.plans[1].vs_first.sales_diff
    spread = result.plans[0].sales.p95 - result.plans[0].sales.p5
    assert diff.ci95_high - diff.ci95_low < spread / 10


def test_static_mode_matches_analytic_expectation_for_a_linear_plan(team):
    """Normal effort, no threshold, no cap, linear curve: E[payout] = TI x E[attainment].

    Luck has mean 1, so a rep's expected attainment of a relative quota of 1.0 is one over
    the error of the quota-setter's estimate of that rep (exactly 1 without the error),
    and expected team sales are the reps' normal revenue over 48 weeks.
    """
    linear = plan_from_dict(
        make_plan(make_measure(threshold=None, curve=[[1.0, 1.0]]), name="Linear")
    )
    n_trials = 800
    sim = simulate([linear], team, n_trials=n_trials, seed=11, behavior="static")
    tally = sim.tallies[0]
    expected_payout = linear.pay.target_incentive * (1 / sim.reps.quota_error).sum()
    expected_sales = sim.models[0].revenue_default.sum() * WEEKS_PER_YEAR
    for values, expected in ((tally.payout, expected_payout), (tally.sales, expected_sales)):
        half = 4 * values.std(ddof=1) / math.sqrt(n_trials)
        assert abs(values.mean() - expected) < half, (values.mean(), expected)
    exact = team_from_dict({"name": "Exact quotas", "spread": {"quota_error": 0.0}})
    payout = simulate([linear], exact, n_trials=n_trials, seed=11, behavior="static")
    values = payout.tallies[0].payout
    expected = linear.pay.target_incentive * exact.size
    assert abs(values.mean() - expected) < 4 * values.std(ddof=1) / math.sqrt(n_trials)


def test_static_mode_sales_do_not_depend_on_the_plan(team, baseline):
    high = load_plan(PLANS_DIR / "high_threshold.yaml")
    sim = simulate([baseline, high], team, n_trials=48, seed=1, behavior="static")
    np.testing.assert_array_equal(sim.tallies[0].sales, sim.tallies[1].sales)
    assert sim.tallies[1].payout.mean() < sim.tallies[0].payout.mean()


def test_progress_callback_reports_every_chunk(team, baseline):
    calls = []
    simulate(
        [baseline],
        team,
        n_trials=100,
        seed=0,
        chunk_trials=32,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls[-1] == (100, 100)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert len(calls) == 4


def test_reps_are_the_same_people_in_every_run(team, baseline):
    """The seed changes the luck, not the people: reps come from the team's rep_seed."""
    a = simulate([baseline], team, n_trials=16, seed=1).reps
    b = simulate([baseline], team, n_trials=16, seed=2).reps
    np.testing.assert_array_equal(a.conversion, b.conversion)
    np.testing.assert_array_equal(a.quota_error, b.quota_error)
    other = team_from_dict({"name": "Other people", "rep_seed": team.rep_seed + 1})
    c = simulate([baseline], other, n_trials=16, seed=1).reps
    assert not np.array_equal(a.conversion, c.conversion)


def test_every_shipped_plan_simulates(team):
    plans = [load_plan(path) for path in SHIPPED_PLANS]
    result = compare(plans, team, 32, seed=0)
    for summary in result.plans:
        assert summary.sales.mean > 0
        assert all(math.isfinite(v) for v in _numbers(summary.to_dict()))


def test_calibrated_team_with_roster_runs(baseline):
    team = team_from_dict(
        {"name": "Small", "roster": [{"rep_id": "A", "level": 1.5}, {"rep_id": "B", "level": 0.5}]}
    )
    sim = simulate([baseline], team, n_trials=32, seed=0)
    assert sim.reps.ids == ("A", "B")
    assert sim.tallies[0].rep_sales[0] > 2 * sim.tallies[0].rep_sales[1]


def test_parallel_workers_give_identical_results(team, baseline):
    from concurrent.futures import ProcessPoolExecutor

    capped = load_plan(PLANS_DIR / "capped.yaml")
    local = compare([baseline, capped], team, 80, seed=4, chunk_trials=32).to_dict()
    with ProcessPoolExecutor(max_workers=2) as pool:
        parallel = compare(
            [baseline, capped], team, 80, seed=4, chunk_trials=32, executor=pool
        ).to_dict()
    assert _numbers(local) == _numbers(parallel)


def test_lower_is_better_count_measure_attainment_is_quota_over_actual(team):
    """Static mode, talk time with direction lower and a relative quota of 1.0: each
    rep-period's attainment is quota / actual = quota error / (activity luck), whose mean
    is the mean quota error times exp(sigma^2)."""
    talk = plan_from_dict(
        make_plan(
            make_measure(
                name="Short talk",
                metric="talk_time",
                direction="lower",
                threshold=None,
                curve=[[1.0, 1.0]],
            ),
            name="Talk time, lower is better",
        )
    )
    sim, result = simulate_and_compare([talk], team, 200, seed=3, behavior="static")
    sigma = team.luck.activity_weekly
    expected = sim.reps.quota_error.mean() * math.exp(sigma**2)
    assert result.plans[0].measures[0].attainment_mean == pytest.approx(expected, rel=0.01)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 3000), st.integers(1, 300), st.integers(1, 8))
def test_chunks_keep_every_worker_busy_within_the_memory_bound(n_blocks, most, workers):
    size = balanced_blocks(n_blocks, most, workers)
    chunks = -(-n_blocks // size)
    assert 1 <= size <= most  # never more in memory than allowed
    # the workers finish together: the longest queue of blocks is at most the rounds
    # that the memory bound forces (each a chunk) over an even split of the blocks
    rounds = -(-n_blocks // (most * workers))
    longest = -(-chunks // workers) * size
    assert longest <= -(-n_blocks // workers) + rounds - 1
    assert balanced_blocks(125, 104, 2) == 63  # 2,000 trials: 63 + 62 blocks


def test_a_big_teams_tasks_send_back_bounded_rep_sums_and_the_same_results(
        team, baseline, monkeypatch: pytest.MonkeyPatch):
    """The per-rep block sums a task returns are capped (`TASK_ROWS_BYTES`): more, shorter
    tasks, the same bits."""
    whole = simulate([baseline], team, 160, seed=6, chunk_trials=32)
    rows_per_block = 8 * 5 * team.size  # five per-rep sums of one plan
    monkeypatch.setattr("simulator.model.engine.TASK_ROWS_BYTES", rows_per_block)
    sizes: list[int] = []
    capped = simulate([baseline], team, 160, seed=6, chunk_trials=32,
                      progress=lambda done, total: sizes.append(done))
    assert len(sizes) == 10  # a task per block (uncapped: 4 tasks of at most 3 blocks)
    for name in ("sales", "payout", "rep_sales", "rep_payout", "attainment_histogram"):
        assert np.array_equal(getattr(whole.tallies[0], name), getattr(capped.tallies[0], name))
