"""Monte Carlo: trials x reps x weeks of a plan year, for several plans on common luck.

Randomness: the reps are drawn once from the team's `rep_seed` (a team is a fixed set of
people, the same in every trial, plan and run); luck comes from one `SeedSequence(seed)`,
one branch per block of BLOCK_TRIALS trials (`model.luck`). Chunks are whole blocks
and every sum over trials is taken block by block in block order, so a seed gives
identical numbers whatever the chunk size or the number of workers. Every plan sees the
same reps and the same weekly luck (common random numbers), so plan differences are the
plans' doing.

The engine draws the luck and merges; behaviour decides: each plan's mix and effort policy
come prepared (`prepare`), and the weekly loop (`run`) only looks them up.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from simulator.base.calendar import WEEKS_PER_YEAR
from simulator.model.anchor import anchored_cost_scale
from simulator.model.chunk_luck import chunk_luck
from simulator.model.limits import TASK_ROWS_BYTES, check_effort_grid, check_run
from simulator.model.luck import BLOCK_TRIALS
from simulator.model.parcels import Parcel, pack, sent, token, unpack
from simulator.model.prepare import (
    Before,
    BehaviorMode,
    PlanModel,
    PreparedKey,
    before_announcement,
    keep,
    kept,
    prepare,
    prepared_key,
)
from simulator.model.run import YearLuck, run_chunk
from simulator.model.tally import REP_SUMS, PlanTally
from simulator.model.turnover import leaving
from simulator.plan.spec import PlanSpec
from simulator.team.reps import Reps, WeeklyFunnel, draw_reps
from simulator.team.spec import TeamSpec

FloatArray = NDArray[np.float64]
ProgressCallback = Callable[[int, int], None]
TaskResult = list[tuple[PlanTally, dict[str, FloatArray]]]
"""A task's tally per plan, and each plan's per-rep sums by trial block."""

CHUNK_ELEMENTS = 4_000_000  # weekly luck values held in memory at once
TASKS_PER_WORKER = 4  # tasks per worker: progress reports and balance, few model transfers


@dataclass(frozen=True)
class Simulation:
    """Raw results of a comparison: the prepared plans and their tallies over trials."""

    seed: int
    n_trials: int
    behavior: BehaviorMode
    team: TeamSpec
    reps: Reps
    funnel: WeeklyFunnel
    models: list[PlanModel]
    tallies: list[PlanTally]
    years: int = 1  # plan years per trial


def default_chunk_trials(n_reps: int, years: int = 1) -> int:
    """Trials per chunk so a chunk's luck stays near CHUNK_ELEMENTS values."""
    blocks = max(1, CHUNK_ELEMENTS // (WEEKS_PER_YEAR * BLOCK_TRIALS * n_reps * years))
    return blocks * BLOCK_TRIALS


def parallelism(executor: Executor | None) -> int:
    """How many tasks an executor runs at once: its workers (the cores if it does not say)."""
    if executor is None:
        return 1
    return int(getattr(executor, "_max_workers", None) or os.cpu_count() or 1)


def balanced_blocks(n_blocks: int, most: int, workers: int) -> int:
    """Blocks per task: at most `most`, in a number of tasks that keeps every worker busy.

    The tasks are as even as whole blocks allow and their count a multiple of `workers`
    where there are blocks enough (2,000 trials on 2 workers: 63 + 62 blocks, not 104 + 21).
    """
    rounds = -(-n_blocks // (most * workers))  # tasks per worker
    return max(1, -(-n_blocks // (rounds * workers)))


def simulate(
    plans: Sequence[PlanSpec],
    team: TeamSpec,
    n_trials: int = 2000,
    seed: int = 0,
    behavior: BehaviorMode = "adaptive",
    chunk_trials: int | None = None,
    progress: ProgressCallback | None = None,
    executor: Executor | None = None,
    years: int = 1,
) -> Simulation:
    """Simulate plan years of `team` under each plan, on common random numbers.

    n_trials: simulated runs of `years` plan years each (more than one: deals carried
    from year to year, ratcheted quotas reset each year from the last; the figures are
    means per plan year, the tallies also keep each year's sales and payout).
    chunk_trials: trials held in memory at once (rounded up to whole blocks of
    BLOCK_TRIALS; fewer when that splits the work evenly over the executor's workers).
    executor: a `concurrent.futures.Executor` that runs chunks in parallel (None: in this
    process). Results depend on neither: every chunk
    draws its own blocks' luck, and results are merged in block order.
    progress(done, total) is called after each task (a few per worker).
    """
    if n_trials < 1:
        raise ValueError("n_trials must be at least 1")
    if years < 1:
        raise ValueError("years must be at least 1")
    chunk = chunk_trials or default_chunk_trials(team.size, years)
    check_run(team.size, n_trials, [len(p.measures) for p in plans], chunk)  # before drawing
    if behavior == "adaptive":
        incumbent = [team.incumbent] if team.incumbent is not None else []
        check_effort_grid(team, [p.weeks_per_period for p in [*plans, *incumbent]])
    reps = draw_reps(team, np.random.default_rng(team.rep_seed))
    funnel = WeeklyFunnel.from_team(team)
    # static reps never solve effort, so they need no anchoring
    cost_scale = anchored_cost_scale(team, funnel, reps) if behavior == "adaptive" else 1.0
    before = (before_announcement(team, funnel, reps, cost_scale)
              if behavior == "adaptive" else None)
    keys = [prepared_key(plan, team, behavior, cost_scale) for plan in plans]
    models = _prepare_all(plans, keys, team, funnel, reps, behavior, cost_scale, before,
                          executor)
    against = None  # the key of the plan in force each model's leaving is set against
    if behavior == "adaptive" and team.turnover.yearly > 0:
        today = team.incumbent or models[0].plan
        against = prepared_key(today, team, behavior, cost_scale)
        models = _with_leaving(models, today, against, team, funnel, reps, cost_scale, before)
    tallies = [PlanTally(n_trials, reps.size, len(m.plan.measures), years) for m in models]
    n_blocks = -(-n_trials // BLOCK_TRIALS)
    most = max(1, -(-chunk // BLOCK_TRIALS))  # blocks in memory at once
    workers = parallelism(executor)
    # a few tasks per worker, each worked in chunks of at most `most` blocks: a big team's
    # prepared plans travel to the workers a few times, not once per block; and no task
    # sends back more than TASK_ROWS_BYTES of per-rep sums, so they stay bounded in trials
    rows_cap = max(1, TASK_ROWS_BYTES // (8 * len(REP_SUMS) * len(plans) * reps.size))
    per_task = balanced_blocks(
        n_blocks, min(max(most, -(-n_blocks // (TASKS_PER_WORKER * workers))), rows_cap),
        workers)
    firsts = list(range(0, n_blocks, per_task))
    tasks = [(team, seed, first, min(first + per_task, n_blocks), n_trials, years, most)
             for first in firsts]
    results = (_on_workers(executor, models, [token(key, against) for key in keys], tasks)
               if executor else (_simulate_task(models, *task) for task in tasks))
    for first, task_results in zip(firsts, results, strict=True):
        start = first * BLOCK_TRIALS
        for tally, (local, rep_blocks) in zip(tallies, task_results, strict=True):
            tally.merge(local, rep_blocks, start)
        if progress is not None:
            progress(min(start + per_task * BLOCK_TRIALS, n_trials), n_trials)
    return Simulation(seed, n_trials, behavior, team, reps, funnel, models, tallies, years)


def _prepare_all(plans: Sequence[PlanSpec], keys: Sequence[PreparedKey | None], team: TeamSpec,
                 funnel: WeeklyFunnel, reps: Reps, behavior: BehaviorMode, cost_scale: float,
                 before: Before | None, executor: Executor | None) -> list[PlanModel]:
    """Every plan prepared for the team, on the executor's workers when there is one.

    keys: each plan's `prepare.prepared_key`. Plans prepared earlier in this process for
    the same team are taken as they were (`prepare.kept`): the same inputs give the same
    bits.
    """
    models = [kept(key) for key in keys]
    todo = [plan for plan, model in zip(plans, models, strict=True) if model is None]
    n = len(todo)
    made = iter(
        [prepare(plan, team, funnel, reps, behavior, cost_scale, before) for plan in todo]
        if executor is None or n < 2 else
        executor.map(prepare, todo, [team] * n, [funnel] * n, [reps] * n, [behavior] * n,
                     [cost_scale] * n, [before] * n))
    out = []
    for key, model in zip(keys, models, strict=True):
        if model is None:
            model = next(made)
            keep(key, model)
        out.append(model)
    return out


def _with_leaving(models: list[PlanModel], today_plan: PlanSpec, today_key: PreparedKey | None,
                  team: TeamSpec, funnel: WeeklyFunnel, reps: Reps, cost_scale: float,
                  before: Before | None) -> list[PlanModel]:
    """Each plan's leaving, against what the job is worth today.

    today_plan: the plan in force (the incumbent, or the first plan for a team without
    one), today_key its `prepare.prepared_key`.
    """
    today = next((m for m in models if m.plan == today_plan), None)
    if today is None:  # the plan in force, prepared (or kept) as the compared ones are
        today = _prepare_all([today_plan], [today_key], team, funnel, reps, "adaptive",
                             cost_scale, before, None)[0]
    assert today.worth is not None
    out = []
    for model in models:
        assert model.worth is not None
        out.append(replace(model, leaving=leaving(team.turnover, model.worth, today.worth)))
    return out


def _on_workers(executor: Executor, models: list[PlanModel], tokens: list[str | None],
                tasks: Sequence[tuple[object, ...]]) -> Iterator[TaskResult]:
    """Each task's result in task order, run on the executor's workers.

    Models an earlier run has sent go by their tokens (`model.parcels`); a task whose
    worker does not have them is sent again, with them, as soon as it answers so.
    """
    light, full = pack(models, tokens)
    pending: dict[Future[TaskResult | None], int] = {
        executor.submit(_simulate_parcels, light, *task): i for i, task in enumerate(tasks)}
    done: dict[int, TaskResult] = {}
    try:
        for i in range(len(tasks)):
            while i not in done:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    j = pending.pop(future)
                    result = future.result()
                    if result is None:  # a worker without the models: send them
                        pending[executor.submit(_simulate_parcels, full, *tasks[j])] = j
                    else:
                        done[j] = result
            yield done.pop(i)
    finally:
        for future in pending:
            future.cancel()
    sent(tokens)


def _simulate_parcels(parcels: list[Parcel], *task: object) -> TaskResult | None:
    """A task on a worker: its models unpacked (`model.parcels`), or None if one is missing."""
    models = unpack(parcels)
    return None if models is None else _simulate_task(models, *task)  # type: ignore[arg-type]


def _simulate_task(
    models: list[PlanModel], team: TeamSpec, seed: int, first: int, last: int, n_trials: int,
    years: int, most: int,
) -> TaskResult:
    """Trial blocks [first, last) of every plan, `most` blocks at a time: a tally per plan."""
    size = min(last * BLOCK_TRIALS, n_trials) - first * BLOCK_TRIALS
    n_reps = models[0].reach.shape[0]
    tallies = [PlanTally(size, n_reps, len(m.plan.measures), years) for m in models]
    rows = [{name: np.empty((last - first, n_reps)) for name in REP_SUMS} for _ in models]
    step = -(-(last - first) // -(-(last - first) // most))  # even chunks of <= most
    for chunk_first in range(first, last, step):
        chunk = _simulate_chunk(models, team, seed, chunk_first, min(chunk_first + step, last),
                                n_trials, years)
        for tally, plan_rows, (local, rep_blocks) in zip(tallies, rows, chunk, strict=True):
            tally.merge(local, {}, (chunk_first - first) * BLOCK_TRIALS)
            for name, block_rows in rep_blocks.items():
                start = chunk_first - first
                plan_rows[name][start:start + len(block_rows)] = block_rows
    return list(zip(tallies, rows, strict=True))


def _simulate_chunk(
    models: list[PlanModel], team: TeamSpec, seed: int, first: int, last: int, n_trials: int,
    years: int,
) -> list[tuple[PlanTally, dict[str, FloatArray]]]:
    """Simulate trial blocks [first, last) of every plan: a chunk-local tally per plan."""
    n_reps = models[0].reach.shape[0]
    size = min(last * BLOCK_TRIALS, n_trials) - first * BLOCK_TRIALS
    turnover = any(m.leaving is not None for m in models)
    lucks = chunk_luck(seed, first, last, n_trials, team, n_reps, years, turnover)
    out = []
    for model in models:
        local = PlanTally(size, n_reps, len(model.plan.measures), years)
        plan_years: list[YearLuck] = [
            (sales, activity, None if model.leaving is None or uniforms is None
             else model.leaving.leave_weeks(uniforms))
            for sales, activity, uniforms in lucks
        ]
        out.append((local, run_chunk(model, team, plan_years, local)))
    return out
