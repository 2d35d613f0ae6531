"""A chunk's luck, drawn block by block, and kept for the next run on the same seed.

Luck depends on the seed, the trial blocks, the team's size and luck parameters and the
plan year, never on the plans (common random numbers). The app runs the same seed again
on every edit, and a sweep's or the optimiser's evaluations run it again for every point,
so a process keeps the luck of its recent chunks when the whole run's luck is small
(at most KEPT_BYTES: 2,000 trials of a 50-rep team); a larger run neither keeps nor
evicts. Drawing was a quarter of a chunk's time (docs/ARCHITECTURE.md, "Speed").

Kept arrays are read-only, and so are fresh ones: the engine only reads its luck, and
one array type keeps one compiled loop.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from simulator.base.calendar import MONTHS_PER_YEAR, WEEKS_PER_YEAR
from simulator.base.kept import Kept
from simulator.model.luck import BLOCK_TRIALS, block_luck
from simulator.model.turnover import block_uniforms
from simulator.team.spec import TeamSpec

FloatArray = NDArray[np.float64]
ChunkLuck = tuple[FloatArray, FloatArray, "FloatArray | None"]
"""A year's luck for a chunk: weekly deal luck (48, T, n), monthly activity normals
(12, T, n), and the uniforms of the reps' leaving weeks (T, n), or None without turnover."""

KEPT_BYTES = 64_000_000
"""Luck a process keeps, and the largest run whose luck it keeps."""


def _bytes(lucks: list[ChunkLuck]) -> int:
    return sum(a.nbytes for arrays in lucks for a in arrays if a is not None)


_kept: Kept[tuple[object, ...], list[ChunkLuck]] = Kept(KEPT_BYTES, _bytes)


def run_luck_bytes(n_trials: int, n_reps: int, years: int, turnover: bool) -> int:
    """The luck of a whole run, in bytes."""
    per_trial = WEEKS_PER_YEAR + MONTHS_PER_YEAR + (1 if turnover else 0)
    return 8 * per_trial * n_trials * n_reps * years


def chunk_luck(seed: int, first: int, last: int, n_trials: int, team: TeamSpec, n_reps: int,
               years: int, turnover: bool) -> list[ChunkLuck]:
    """Each plan year's luck of trial blocks [first, last) of a run of `n_trials` trials.

    turnover: also the uniforms of the reps' leaving weeks. Kept for the next run that
    asks for the same when the whole run's luck is at most KEPT_BYTES.
    """
    key = (seed, first, last, n_trials, team.luck.model_dump_json(), n_reps, years, turnover)
    found = _kept.get(key)
    if found is not None:
        return found
    size = min(last * BLOCK_TRIALS, n_trials) - first * BLOCK_TRIALS
    lucks: list[ChunkLuck] = []
    for year in range(years):
        uniforms = (np.concatenate([block_uniforms(seed, b, n_reps, year)
                                    for b in range(first, last)])[:size] if turnover else None)
        lucks.append((*_drawn(seed, first, size, n_reps, team, year), uniforms))
    for arrays in lucks:
        for array in arrays:
            if array is not None:
                array.flags.writeable = False
    if run_luck_bytes(n_trials, n_reps, years, turnover) <= _kept.most:
        _kept.put(key, lucks)
    return lucks


def forget_luck() -> None:
    """Drop the kept luck (benchmarks that time a first run)."""
    _kept.clear()


def _drawn(seed: int, first: int, size: int, n_reps: int, team: TeamSpec, year: int
           ) -> tuple[FloatArray, FloatArray]:
    """The luck of `size` trials from block `first` on: (48, size, n) and (12, size, n).

    Filled block by block into one contiguous array (the layout the compiled loop takes):
    the weekly luck is written there by its block's draw, the activity copied; a chunk of
    one whole block is that block.
    """
    if size == BLOCK_TRIALS:
        return block_luck(seed, first, n_reps, team.luck, year)
    sales = np.empty((WEEKS_PER_YEAR, size, n_reps))
    activity = np.empty((MONTHS_PER_YEAR, size, n_reps))
    for start in range(0, size, BLOCK_TRIALS):
        stop = min(start + BLOCK_TRIALS, size)
        _, block_activity = block_luck(seed, first + start // BLOCK_TRIALS, n_reps, team.luck,
                                       year, out=sales[:, start:stop])
        activity[:, start:stop] = block_activity[:, : stop - start]
    return sales, activity
