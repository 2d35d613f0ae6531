"""Running results over trials (simulator.model.tally): histogram bins and chunk merging."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.model.tally import ATTAINMENT_BINS, PER_TRIAL, REP_SUMS, PlanTally, attainment_bin


def test_bins_are_0005_wide_from_0_to_5() -> None:
    assert ATTAINMENT_BINS[0] == 0.0 and ATTAINMENT_BINS[-1] == 5.0
    np.testing.assert_allclose(np.diff(ATTAINMENT_BINS), 0.005)


@pytest.mark.parametrize(("value", "index"), [
    (-3.0, 0), (-1e-9, 0), (0.0, 1), (0.0049, 1), (0.005, 2), (1.0, 201), (4.999, 1000),
    (5.0, 1001), (1e9, 1001), (np.inf, 1001),
])
def test_attainment_bin_edges(value: float, index: int) -> None:
    """Bin i holds ATTAINMENT_BINS[i-1] <= v < ATTAINMENT_BINS[i]; 0 below, 1001 past 5."""
    assert attainment_bin(np.array([value]))[0] == index


@given(st.lists(st.floats(0.0, 4.999, allow_subnormal=False), min_size=1, max_size=50))
def test_attainment_bin_holds_its_value(values: list[float]) -> None:
    bins = attainment_bin(np.array(values))
    lo, hi = ATTAINMENT_BINS[bins - 1], ATTAINMENT_BINS[bins]
    assert np.all((lo <= np.array(values) + 1e-12) & (np.array(values) < hi + 1e-12))


def test_a_new_tally_is_zero_with_its_shapes() -> None:
    tally = PlanTally(n_trials=5, n_reps=3, n_measures=2)
    assert tally.sales.shape == (5,) and tally.measure_payout.shape == (5, 2)
    assert tally.measure_reached.shape == (5, 2, 3)
    assert tally.rep_sales.shape == (3,)
    assert tally.attainment_histogram.shape == (ATTAINMENT_BINS.size + 1,)
    assert all(not np.any(getattr(tally, name)) for name in (*PER_TRIAL, *REP_SUMS))


def filled(n_trials: int, rng: np.random.Generator) -> PlanTally:
    tally = PlanTally(n_trials, 3, 2)
    for name in PER_TRIAL:
        setattr(tally, name, rng.normal(size=getattr(tally, name).shape))
    tally.attainment_histogram = rng.integers(0, 5, tally.attainment_histogram.shape)
    return tally


def test_merging_chunks_fills_their_trials_and_adds_rep_blocks(
        rng: np.random.Generator) -> None:
    total = PlanTally(6, 3, 2)
    first, second = filled(4, rng), filled(2, rng)
    blocks = {name: rng.normal(size=(2, 3)) for name in REP_SUMS}
    more = {name: rng.normal(size=(1, 3)) for name in REP_SUMS}
    total.merge(second, more, start=4)  # chunks may arrive in any order
    total.merge(first, blocks, start=0)
    for name in PER_TRIAL:
        np.testing.assert_array_equal(getattr(total, name)[:4], getattr(first, name))
        np.testing.assert_array_equal(getattr(total, name)[4:], getattr(second, name))
    for name in REP_SUMS:
        np.testing.assert_allclose(getattr(total, name),
                                   blocks[name].sum(axis=0) + more[name].sum(axis=0))
    np.testing.assert_array_equal(total.attainment_histogram,
                                  first.attainment_histogram + second.attainment_histogram)
