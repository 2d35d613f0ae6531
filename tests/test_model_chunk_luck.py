"""A chunk's luck: kept for a rerun on the same seed when the run is small, and the same bits."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from simulator.model import chunk_luck
from simulator.model.chunk_luck import KEPT_BYTES, forget_luck, run_luck_bytes
from simulator.model.engine import simulate
from simulator.model.luck import BLOCK_TRIALS


@pytest.fixture
def draws(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The first block of every luck drawn (not taken as kept), from a clean start."""
    forget_luck()
    drawn: list[int] = []
    real = chunk_luck._drawn

    def counting(seed, first, size, n_reps, team, year):  # type: ignore[no-untyped-def]
        drawn.append(first)
        return real(seed, first, size, n_reps, team, year)

    monkeypatch.setattr(chunk_luck, "_drawn", counting)
    yield drawn
    forget_luck()


def _lucks(team, seed=3, first=0, last=4, n_trials=64, turnover=True):  # type: ignore[no-untyped-def]
    return chunk_luck.chunk_luck(seed, first, last, n_trials, team, team.size, 1, turnover)


def test_a_rerun_on_the_same_seed_takes_the_kept_luck_and_gives_the_same_bits(
        team, baseline, draws):
    first = simulate([baseline], team, 64, seed=3).tallies[0]
    assert draws == [0]
    again = simulate([baseline], team, 64, seed=3).tallies[0]
    assert draws == [0]  # nothing drawn the second time
    forget_luck()
    fresh = simulate([baseline], team, 64, seed=3).tallies[0]
    assert draws == [0, 0]
    for tally in (again, fresh):
        np.testing.assert_array_equal(tally.sales, first.sales)
        np.testing.assert_array_equal(tally.payout, first.payout)


def test_the_key_holds_everything_the_luck_depends_on(team, draws):
    kept = _lucks(team)
    assert _lucks(team) is kept
    wider = team.model_copy(update={"luck": team.luck.model_copy(update={"sales_weekly": 0.7})})
    others = [_lucks(team, seed=4), _lucks(team, first=1, last=5, n_trials=80),
              _lucks(team, n_trials=60), _lucks(wider), _lucks(team, turnover=False)]
    assert len(draws) == 6
    assert all(other is not kept for other in others)
    assert not np.array_equal(others[3][0][0], kept[0][0])  # other sigma, other luck
    assert others[4][0][2] is None and kept[0][2] is not None


def test_luck_is_read_only(team, draws):
    sales, activity, uniforms = _lucks(team)[0]
    for array in (sales, activity, uniforms):
        assert not array.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        sales[0, 0, 0] = 2.0


def test_a_run_too_large_to_keep_neither_keeps_nor_evicts(team, draws):
    small = _lucks(team)
    trials = KEPT_BYTES // run_luck_bytes(1, team.size, 1, True) + BLOCK_TRIALS
    assert run_luck_bytes(trials, team.size, 1, True) > KEPT_BYTES
    big = _lucks(team, n_trials=trials)
    assert _lucks(team, n_trials=trials) is not big  # drawn again
    assert _lucks(team) is small  # still kept
    assert len(draws) == 3


def test_kept_luck_stays_within_its_bound(team, draws, monkeypatch):
    one_run = run_luck_bytes(64, team.size, 1, True)
    monkeypatch.setattr(chunk_luck._kept, "most", 2 * one_run)
    first = _lucks(team, seed=1)
    second = _lucks(team, seed=2)
    _lucks(team, seed=3)  # the least recently used (seed 1) goes
    assert _lucks(team, seed=2) is second
    assert _lucks(team, seed=1) is not first
    assert len(draws) == 4
    assert chunk_luck._kept.total <= 2 * one_run
