"""Typed results of a simulated plan (simulator.results.summary): figures and JSON contract.

Analytic: a paired difference of per-trial values d_t has mean d-bar and the 95% interval
d-bar +- Z95 * sd(d) / sqrt(n), sd with n - 1 degrees of freedom.
"""

from __future__ import annotations

import dataclasses
import json
import math
from statistics import NormalDist
from typing import Any

import numpy as np
import pytest
from conftest import PLANS_DIR, simulate_and_compare
from hypothesis import given, settings
from hypothesis import strategies as st
from result_factory import plan_result

from simulator.base.stats import Z95
from simulator.model.tally import ATTAINMENT_BINS, attainment_bin
from simulator.plan.spec import load_plan
from simulator.results.summary import (
    Difference,
    Distribution,
    PlanResult,
    chance_above,
    histogram_quantiles,
    plain,
)
from simulator.team.spec import team_from_dict

BIN_WIDTH = ATTAINMENT_BINS[1] - ATTAINMENT_BINS[0]  # 0.005


# --------------------------------------------------------------------------- Distribution


def test_distribution_of_one_to_a_hundred() -> None:
    """Linear-interpolated percentiles of 1..100: value at rank 1 + q (n - 1)."""
    dist = Distribution.of(np.arange(1.0, 101.0))
    expected = (50.5, 5.95, 10.9, 50.5, 90.1, 95.05)
    assert dataclasses.astuple(dist) == pytest.approx(expected, rel=1e-12)


def test_distribution_of_a_constant_and_order_of_percentiles(rng: np.random.Generator) -> None:
    assert Distribution.of(np.full(7, 3.0)) == Distribution(3.0, 3.0, 3.0, 3.0, 3.0, 3.0)
    d = Distribution.of(rng.lognormal(0, 1, 1_000))
    assert d.p5 <= d.p10 <= d.p50 <= d.p90 <= d.p95
    assert all(type(v) is float for v in dataclasses.astuple(d))


# --------------------------------------------------------------------------- Difference


def test_paired_difference_by_hand() -> None:
    """d = (2, 3, 4, 5): mean 3.5, sd sqrt(5 / 3), half-width Z95 sqrt(5 / 3) / 2."""
    diff = Difference.paired(np.array([3.0, 5.0, 7.0, 9.0]), np.array([1.0, 2.0, 3.0, 4.0]))
    half = Z95 * math.sqrt(5 / 3) / 2
    assert diff.mean == 3.5
    assert diff.ci95_low == pytest.approx(3.5 - half, rel=1e-12)
    assert diff.ci95_high == pytest.approx(3.5 + half, rel=1e-12)
    assert diff.excludes_zero


def test_a_difference_of_identical_arrays_is_exactly_zero(rng: np.random.Generator) -> None:
    values = rng.normal(4e7, 1e6, 500)
    assert Difference.paired(values, values.copy()) == Difference(0.0, 0.0, 0.0)
    assert not Difference(0.0, 0.0, 0.0).excludes_zero


def test_one_trial_has_no_interval() -> None:
    assert Difference.paired(np.array([5.0]), np.array([2.0])) == Difference(3.0, 3.0, 3.0)


@pytest.mark.parametrize(("low", "high", "excludes"), [
    (0.1, 2.0, True), (-2.0, -0.1, True), (-0.1, 2.0, False), (0.0, 2.0, False),
])
def test_excludes_zero(low: float, high: float, excludes: bool) -> None:
    assert Difference((low + high) / 2, low, high).excludes_zero is excludes


def test_z95_is_the_normal_975_quantile() -> None:
    assert NormalDist().inv_cdf(0.975) == pytest.approx(Z95, rel=1e-12)


def test_the_interval_covers_the_true_difference_95_percent_of_the_time(
        rng: np.random.Generator) -> None:
    """2,000 seeded replications of 200 paired trials: coverage within 3 standard errors
    (sqrt(0.95 x 0.05 / 2,000) = 0.5 points) of 95%."""
    truth, covered = 1.5, 0
    reference = rng.normal(100.0, 10.0, (2_000, 200))
    values = reference + rng.normal(truth, 4.0, (2_000, 200))
    for v, r in zip(values, reference, strict=True):
        d = Difference.paired(v, r)
        covered += d.ci95_low <= truth <= d.ci95_high
    assert covered / 2_000 == pytest.approx(0.95, abs=0.015)


# --------------------------------------------------------------------------- histograms


def test_histogram_quantiles_of_a_known_histogram() -> None:
    """Ten rep-periods at 0.5, ten at 1.0, ten at 2.0: each quantile is the middle of the
    0.005-wide bin holding it."""
    histogram = np.bincount(attainment_bin(np.repeat([0.5, 1.0, 2.0], 10)),
                            minlength=ATTAINMENT_BINS.size + 1)
    assert histogram_quantiles(histogram, [0.1, 0.5, 0.9]) == pytest.approx(
        [0.5025, 1.0025, 2.0025])


def test_histogram_quantiles_at_the_ends_and_when_empty() -> None:
    histogram = np.bincount(attainment_bin(np.array([-0.5, 7.0])),
                            minlength=ATTAINMENT_BINS.size + 1)
    assert histogram[0] == 1 and histogram[-1] == 1  # below 0 and past 5
    assert histogram_quantiles(histogram, [0.25, 0.75]) == [0.0, 5.0]
    empty = np.zeros(ATTAINMENT_BINS.size + 1, dtype=np.int64)
    assert all(math.isnan(q) for q in histogram_quantiles(empty, [0.5]))


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.floats(0.0, 4.99), min_size=1, max_size=300),
       q=st.sampled_from([0.1, 0.25, 0.5, 0.9]))
def test_histogram_quantiles_are_within_half_a_bin_of_the_sample_quantile(
        values: list[float], q: float) -> None:
    """The quantile of the histogram is the middle of the bin of the inverted-CDF sample
    quantile (the smallest value with at least a share q at or below it)."""
    sample = np.sort(np.array(values))
    histogram = np.bincount(attainment_bin(sample), minlength=ATTAINMENT_BINS.size + 1)
    [found] = histogram_quantiles(histogram, [q])
    rank = q * sample.size
    candidates = [sample[max(math.ceil(rank) - 1, 0)]]
    if abs(rank - round(rank)) < 1e-9:  # on a tie either neighbour is a fair answer
        candidates.append(sample[min(round(rank), sample.size - 1)])
    assert min(abs(found - c) for c in candidates) <= BIN_WIDTH / 2 + 1e-9


def test_attainment_shares_group_the_histogram() -> None:
    counts = np.zeros(ATTAINMENT_BINS.size + 1, dtype=np.int64)
    counts[attainment_bin(np.array([0.01, 0.02, 0.06, 1.0]))] = [1, 1, 1, 1]
    counts[-1] = 4  # past the histogram's 5.0: counted in the total, not shown
    starts, shares = plan_result(attainment_counts=counts).attainment_shares(0.05)
    assert starts.size == shares.size == 100
    np.testing.assert_allclose(starts[:3], [0.0, 0.05, 0.10])
    assert shares[0] == pytest.approx(2 / 8) and shares[1] == pytest.approx(1 / 8)
    assert shares[20] == pytest.approx(1 / 8)  # 1.0 starts the bin [1.00, 1.05)
    assert shares.sum() == pytest.approx(4 / 8)


# --------------------------------------------------------------------------- budget


def test_chance_above_a_budget() -> None:
    payouts = np.array([1.0, 2.0, 3.0, 4.0])
    assert chance_above(payouts, 2.0) == 0.5
    assert chance_above(payouts, 4.0) == 0.0  # "above" is strict
    assert chance_above(payouts, 0.0) == 1.0


def test_chance_payout_above_reads_the_trial_payouts() -> None:
    result = plan_result(trial_payout=np.array([2.9e6, 3.0e6, 3.1e6, 3.2e6]))
    assert result.chance_payout_above(3.0e6) == 0.5
    assert result.chance_payout_above(1e9) == 0.0


# --------------------------------------------------------------------------- JSON contract


README_PLAN_KEYS = {
    "sales": {"mean", "p5", "p10", "p50", "p90", "p95"},
    "payout": {"mean", "p5", "p10", "p50", "p90", "p95"},
    "cost_of_sales": {"incentive", "total"},
    "quota_attainment": {"share_at_or_above", "p10", "p50", "p90"},
    "effort": {"mean", "gave_up_share", "capped_share"},
    "deferred_sales_share": None,
    "measures": {"attainment_mean", "payout_mean", "tracked"},
    "deciles": {"sales_mean", "payout_mean", "effort_mean"},
    "vs_first": {"sales_diff", "payout_diff"},
}


def test_to_dict_keeps_the_documented_keys_and_leaves_out_the_arrays() -> None:
    data = plan_result().to_dict()
    for key, inner in README_PLAN_KEYS.items():
        assert key in data, key
        if inner is not None:
            item = data[key][0] if isinstance(data[key], list) else data[key]
            assert inner <= set(item), key
    assert set(data["vs_first"]["sales_diff"]) == {"mean", "ci95_low", "ci95_high"}
    for left_out in ("trial_sales", "trial_payout", "attainment_counts", "health"):
        assert left_out not in data
    assert isinstance(data["measures"], list) and len(data["deciles"]) == 10
    json.dumps(data, allow_nan=False)  # plain data only: no arrays, no dataclasses


def test_plain_turns_dataclasses_and_tuples_into_dicts_and_lists() -> None:
    @dataclasses.dataclass(frozen=True)
    class Inner:
        x: float
        hidden: Any = dataclasses.field(default=None, metadata={"json": False})

    assert plain((Inner(1.0), [Inner(2.0)], "a")) == [{"x": 1.0}, [{"x": 2.0}], "a"]


def test_plan_results_compare_by_figures_not_arrays() -> None:
    a = plan_result(trial_sales=np.array([1.0]))
    b = plan_result(trial_sales=np.array([2.0]))
    assert a == b  # arrays are left out of equality (compare=False)
    assert a != plan_result(name="Other")


# --------------------------------------------------------------------------- from a simulation


@pytest.fixture(scope="module")
def simulated() -> tuple[Any, Any]:
    team = team_from_dict({"name": "Twenty", "reps": 20})
    plans = [load_plan(PLANS_DIR / "baseline.yaml"), load_plan(PLANS_DIR / "capped.yaml")]
    return simulate_and_compare(plans, team, 64, seed=5)


def test_summarised_figures_agree_with_the_tallies(simulated: tuple[Any, Any]) -> None:
    sim, result = simulated
    for i, plan in enumerate(result.plans):
        tally = sim.tallies[i]
        assert isinstance(plan, PlanResult)
        np.testing.assert_array_equal(plan.trial_sales, tally.sales)
        assert plan.sales == Distribution.of(tally.sales)
        assert plan.cost_of_sales.incentive == pytest.approx(plan.payout.mean / plan.sales.mean)
        assert plan.base_salaries == 90_000 * 20
        assert plan.cost_of_sales.total == pytest.approx(
            (plan.base_salaries + plan.payout.mean) / plan.sales.mean)
        # the measures' payouts add up to the plan's
        assert sum(m.payout_mean for m in plan.measures) == pytest.approx(plan.payout.mean)
        # the deciles hold every rep: their mean sales per rep add up to the team's
        assert sum(d.sales_mean for d in plan.deciles) * 2 == pytest.approx(plan.sales.mean)
        assert 0 <= plan.effort.gave_up_share <= 1 and 0 <= plan.effort.capped_share <= 1
    reference, capped = result.plans
    assert reference.vs_first.sales_diff == Difference(0.0, 0.0, 0.0)
    assert capped.vs_first.sales_diff == Difference.paired(sim.tallies[1].sales,
                                                           sim.tallies[0].sales)


def test_deciles_run_from_the_least_to_the_most_productive(simulated: tuple[Any, Any]) -> None:
    _, result = simulated
    sales = [d.sales_mean for d in result.plans[0].deciles]
    assert sales[-1] > 2 * sales[0]
    assert np.corrcoef(np.arange(10), sales)[0, 1] > 0.8
