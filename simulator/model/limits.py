"""How much memory a run needs, estimated before it starts, and the ceiling it must fit.

A run holds, per process, the interpreter and its libraries, one chunk of trials at a
time (its weekly luck (48, chunk trials, reps), a copy made when its blocks are joined,
and the week's (chunk trials, reps) arrays), one task's per-rep block sums (bounded by
TASK_ROWS_BYTES), and for the whole run each plan's per-trial results (team totals per
plan year, and per measure). The estimate is deliberately on the high side of what was
measured (README, "Limits"); `check_run` refuses a run above MAX_MEMORY_BYTES with a
message that names what to lower, before anything is drawn.

Adaptive reps also need the effort model's one-week operator, whose width grows with the
largest step a week can make on the progress grid (seasonality, maximum effort, output
elasticity, luck): `check_effort_grid` refuses a team whose grid would not fit, naming
those fields.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

from simulator.base.calendar import WEEKS_PER_MONTH, WEEKS_PER_YEAR
from simulator.base.limits import (
    MAX_MEMORY_BYTES,
    MAX_MODEL_DRAWS,
    MAX_REPS,
    MAX_TRIALS,
    RunTooLarge,
)
from simulator.model.effort import DX, N_EFFORT, N_LUCK_NODES, N_X, period_seasons
from simulator.model.luck import BLOCK_TRIALS
from simulator.team.spec import TeamSpec

BASE_BYTES = 420_000_000
"""The interpreter with numpy, scipy, pandas, pydantic and numba loaded, and numba's kernels
compiled (about 270 MB loaded, 200 MB for a comparison, which does not load pandas; 400 MB
at the peak of a first run that compiles them, measured on a clean clone where numba's
cache is empty). It also covers the luck a process keeps for a rerun on the same seed
(`chunk_luck.KEPT_BYTES`, 64 MB at most)."""
CHUNK_BYTES_PER_LUCK_VALUE = 4 * 8
"""A chunk's memory per weekly luck value it holds (about 3 x 8 bytes measured)."""
TASK_ROWS_BYTES = 16_000_000
"""Most per-rep block sums a task sends back, (blocks, reps) per plan and sum: a big team's
tasks are shorter, so what a worker fills and sends stays bounded however many trials run
(the engine's task size); a run holds about twice that (filled, and its pickled copy)."""
PREPARE_BYTES_PER_REP = 10_000
"""Preparing a plan (each rep's mix, the effort policies' lookups): about 7 KB per rep."""
PER_TRIAL_FLOATS = 12
"""Per-trial floats of a plan whatever its measures (tally and summary)."""
PER_TRIAL_FLOATS_PER_MEASURE = 5
"""Per-trial floats of each measure of a plan (attainment, payout, three milestones)."""


def _blocks(trials: int) -> int:
    return max(1, -(-trials // BLOCK_TRIALS))


def _parts(n_reps: int, n_trials: int, measures: Sequence[int], chunk_trials: int,
           model_draws: int, draw_trials: int) -> tuple[int, int, int]:
    """A run's memory in three parts: fixed (base, chunk), per trial, model draws."""
    chunk = min(_blocks(chunk_trials), _blocks(n_trials)) * BLOCK_TRIALS
    chunk_bytes = CHUNK_BYTES_PER_LUCK_VALUE * WEEKS_PER_YEAR * chunk * n_reps
    fixed = BASE_BYTES + max(chunk_bytes, PREPARE_BYTES_PER_REP * n_reps) + 2 * TASK_ROWS_BYTES
    per_trial = 8 * sum(PER_TRIAL_FLOATS + PER_TRIAL_FLOATS_PER_MEASURE * m for m in measures)
    draws = 8 * model_draws * min(draw_trials, n_trials) * len(measures)
    return fixed, per_trial, draws


def run_bytes(n_reps: int, n_trials: int, measures: Sequence[int], chunk_trials: int,
              model_draws: int = 0, draw_trials: int = 0) -> int:
    """Estimated peak memory of a run in one process, in bytes.

    n_reps: the team's size; n_trials: plan years; measures: each plan's number of
    measures; chunk_trials: trials per chunk (the engine's `default_chunk_trials` unless
    the caller sets it); model_draws, draw_trials: behaviour-parameter sets and plan years
    per set (their per-trial payouts are kept for the model ranges).
    """
    fixed, per_trial, draws = _parts(n_reps, n_trials, measures, chunk_trials, model_draws,
                                     draw_trials)
    return fixed + per_trial * n_trials + draws


def _gb(n_bytes: float) -> str:
    return f"{n_bytes / 1e9:.1f} GB"


def check_run(n_reps: int, n_trials: int, measures: Sequence[int], chunk_trials: int,
              model_draws: int = 0, draw_trials: int = 0,
              limit: int = MAX_MEMORY_BYTES) -> None:
    """Refuse a run that is too large, before it starts: RunTooLarge naming what to lower.

    Counts are checked against their maxima (MAX_REPS, MAX_TRIALS, MAX_MODEL_DRAWS), then
    the estimated memory (`run_bytes`) against `limit`.
    """
    if n_reps > MAX_REPS:
        raise RunTooLarge("reps", f"{n_reps:,} reps; a team has at most {MAX_REPS:,}")
    for field, value, top in (("trials", n_trials, MAX_TRIALS),
                              ("draw_trials", draw_trials, MAX_TRIALS),
                              ("model_draws", model_draws, MAX_MODEL_DRAWS)):
        if value > top:
            raise RunTooLarge(field, f"{value:,} is more than the {top:,} allowed")
    fixed, per_trial, draws = _parts(n_reps, n_trials, measures, chunk_trials, model_draws,
                                     draw_trials)
    need = fixed + per_trial * n_trials + draws
    if need <= limit:
        return
    what = (f"{n_trials:,} plan years of {len(measures)} plan(s) on {n_reps:,} reps"
            + (f" with {model_draws:,} model draws of {draw_trials:,}" if model_draws else ""))
    message = f"{what} need about {_gb(need)} of memory, more than the {_gb(limit)} allowed"
    if fixed > limit:
        raise RunTooLarge("reps", message + "; simulate fewer reps (or fewer trials a chunk)")
    if fixed + draws > limit:
        raise RunTooLarge("model_draws", message + "; run fewer model draws or draw trials")
    most = max(BLOCK_TRIALS, (limit - fixed - draws) // max(per_trial, 1))
    raise RunTooLarge("trials", message + f"; at most about {most:,} plan years here")


EFFORT_GRID_COPIES = 3
"""The operator, its transposed copy for the matrix product, and room for the solve."""


def effort_grid_bytes(team: TeamSpec, weeks: Iterable[int], ranged: bool = False) -> int:
    """The largest effort-model operator a run on `team` builds, in bytes (an upper bound).

    `effort.transition` pads the progress grid by the largest step of a week: season /
    weeks x maximum effort ** output elasticity x the largest luck node. weeks: the
    periods' lengths (the plans' and the incumbent's); ranged: the model draws' ranges of
    maximum effort and output elasticity count too.
    """
    e, ranges = team.effort, team.model_ranges.ranges() if ranged else {}
    tops = (e.maximum, *ranges.get("maximum_effort", ()))
    elasticities = (e.output_elasticity, *ranges.get("output_elasticity", ()))
    growth = max(top**el for top in tops for el in elasticities)
    z = float(np.polynomial.hermite_e.hermegauss(N_LUCK_NODES)[0].max())
    widest = 0
    for length in set(weeks):
        market = length * team.luck.market_period_variance(max(1, length // WEEKS_PER_MONTH))
        sigma = math.sqrt(max(team.luck.sales_weekly**2 + market, team.luck.activity_weekly**2))
        s = min(sigma, z)  # exp(s z - s**2 / 2), the largest node, peaks at s = z
        node = math.exp(s * z - s * s / 2)
        season = float(period_seasons(team, length).max())
        step = season / length * growth * node
        widest = max(widest, math.ceil(step / DX) + 2)
    return EFFORT_GRID_COPIES * 8 * N_EFFORT * N_X * (N_X + widest)


def check_effort_grid(team: TeamSpec, weeks: Iterable[int], ranged: bool = False,
                      limit: int = MAX_MEMORY_BYTES) -> None:
    """Refuse a team whose effort-model grid would not fit in memory (RunTooLarge)."""
    need = effort_grid_bytes(team, weeks, ranged)
    if need > limit - BASE_BYTES:
        raise RunTooLarge(
            "effort",
            f"adaptive reps on this team need about {_gb(need)} for the effort model, more "
            f"than the {_gb(limit)} allowed: a week's output can reach far past a period's "
            "quota; lower the seasonality's peak, effort.maximum, effort.output_elasticity "
            "or the luck sigmas (or run --behavior static)")
