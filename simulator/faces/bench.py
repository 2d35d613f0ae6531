"""`python -m simulator bench`: the engine's speed against the machine's floor, and memory.

The floor is drawing the random numbers a comparison needs: one standard normal per
plan x rep x week x trial, on one core. The engine shares luck across plans (common
random numbers) and runs its chunks on every core, so it can come close to that floor
while doing all of its work. The comparisons run on a pool of `workers` processes made
once and warmed first (as the app's pool is), so a process start is not timed.

The memory line runs one plan for a big team (10,000 reps x 10,000 trials by default)
on a fresh pool of workers, and reports its peak memory: the proportional set size
(shared pages split between the processes that share them) of this process and its
workers together, sampled every 0.1 s from /proc (Linux; elsewhere the largest resident
set of each). Fresh workers, and this process's freed heap given back first, so that the
figure does not depend on the lines run before it (a process keeps the heap its earlier
work grew).
"""

from __future__ import annotations

import ctypes
import gc
import os
import resource
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from typing import Any

import numpy as np

from simulator.base.files import PLANS_DIR
from simulator.faces.process import end_pool, worker_pool
from simulator.model.anchor import forget_anchors
from simulator.model.draws import parameter_sets
from simulator.plan.spec import WEEKS_PER_YEAR, load_plan
from simulator.results.comparison import compare
from simulator.team.spec import load_team

BENCH_PLANS = ("baseline.yaml", "high_threshold.yaml", "capped.yaml", "recommended.yaml")
GOAL_RATIO = 1.2  # the comparison at `trials`, against the floor
GOAL_QUICK_SECONDS = 0.3  # the comparison at `quick_trials`
GOAL_MEMORY_BYTES = 1_000_000_000  # the big team's run
GOAL_SWEEP_SECONDS = 10.0  # a sweep of `sweep_points` thresholds at `quick_trials`
SWEEP_PLAN = "baseline.yaml"
SAMPLE_SECONDS = 0.1


def _best_of(repeats: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def run_bench(trials: int = 10_000, quick_trials: int = 2_000, repeats: int = 3,
              draws: int = 8, draw_trials: int = 400, workers: int = 1,
              memory_reps: int = 0, memory_trials: int = 10_000, sweep_points: int = 0
              ) -> dict[str, Any]:
    """Time a 4-plan comparison of the default team at `trials` and `quick_trials`.

    Also times a comparison at `quick_trials` with `draws` behaviour-model draws of
    `draw_trials` plan years against the same work done as separate comparisons (the
    headline, then one comparison per drawn team), each with its anchoring solved anew.
    workers: processes running the chunks (1: this one). memory_reps: when not 0, also
    run the baseline plan for a team of that many reps over `memory_trials` trials and
    measure its time and peak memory. sweep_points: when not 0, also time (once) a sweep
    of that many thresholds of the baseline at `quick_trials`, its plans in one group per
    worker on the same pool.
    """
    team = load_team()
    plans = [load_plan(PLANS_DIR / name) for name in BENCH_PLANS]
    n_values = len(plans) * team.size * WEEKS_PER_YEAR * trials
    rng = np.random.default_rng(0)
    chunk = 4_000_000

    def floor() -> None:
        for start in range(0, n_values, chunk):
            rng.standard_normal(min(chunk, n_values - start))

    with _pool(workers) as pool:
        compare(plans, team, 64, seed=1, executor=pool)  # warm: imports, compiled loops
        floor_s = _best_of(repeats, floor)
        full_s = _best_of(repeats, lambda: compare(plans, team, trials, seed=1,
                                                   executor=pool))
        # a first run on a seed draws its luck; the app's edits run its seed again, and
        # a run this small keeps its luck in each process (`model.chunk_luck`)
        seeds = iter(range(1_000, 1_000 + repeats))
        first_s = _best_of(repeats, lambda: compare(plans, team, quick_trials,
                                                    seed=next(seeds), executor=pool))
        compare(plans, team, quick_trials, seed=1, executor=pool)
        quick_s = _best_of(repeats, lambda: compare(plans, team, quick_trials, seed=1,
                                                    executor=pool))

        def with_draws() -> None:
            forget_anchors()
            compare(plans, team, quick_trials, seed=2, model_draws=draws,
                    draw_trials=draw_trials, executor=pool)

        def one_by_one() -> None:
            forget_anchors()
            compare(plans, team, quick_trials, seed=2, executor=pool)
            for variant in parameter_sets(team, draws, seed=2):
                compare(plans, variant, draw_trials, seed=2, executor=pool)

        draws_s = _best_of(repeats, with_draws)
        single_s = _best_of(repeats, one_by_one)
        swept = ({"sweep_points": sweep_points, "sweep_seconds": _best_of(
            1, lambda: _sweep(team, quick_trials, sweep_points, pool, workers))}
            if sweep_points else {})
    memory: dict[str, Any] = {}
    if memory_reps:  # on fresh workers: what the run needs, not what earlier lines left
        with _pool(workers) as pool:
            compare(plans, team, 64, seed=1, executor=pool)  # start the workers, load
            memory = _memory_run(plans[0], team, memory_reps, memory_trials, pool)
    result = {
        "plans": len(plans),
        "reps": team.size,
        "weeks": WEEKS_PER_YEAR,
        "trials": trials,
        "workers": workers,
        "floor_seconds": floor_s,
        "comparison_seconds": full_s,
        "ratio_to_floor": full_s / floor_s,
        "quick_trials": quick_trials,
        "quick_comparison_seconds": quick_s,
        "quick_first_run_seconds": first_s,
        "draws": draws,
        "draw_trials": draw_trials,
        "draws_comparison_seconds": draws_s,
        "separate_comparisons_seconds": single_s,
        **memory,
        **swept,
        "goal": (f"ratio_to_floor <= {GOAL_RATIO} and quick_comparison_seconds < "
                 f"{GOAL_QUICK_SECONDS}" + (" and memory_peak_bytes <= "
                                            f"{GOAL_MEMORY_BYTES}" if memory else "")
                 + (f" and sweep_seconds < {GOAL_SWEEP_SECONDS}" if swept else "")),
    }
    result["goal_met"] = bool(full_s / floor_s <= GOAL_RATIO and quick_s < GOAL_QUICK_SECONDS
                              and memory.get("memory_peak_bytes", 0) <= GOAL_MEMORY_BYTES
                              and swept.get("sweep_seconds", 0.0) < GOAL_SWEEP_SECONDS)
    return result


def bench_text(result: dict[str, Any]) -> str:
    """The bench's report as lines of text."""
    lines = [
        f"{result['plans']} plans x {result['reps']} reps x {result['weeks']} weeks, "
        f"{result['workers']} worker{'s' if result['workers'] != 1 else ''}:",
        f"  floor (one normal per plan x rep x week x trial, {result['trials']:,} trials, one "
        f"core): {result['floor_seconds']:.2f} s",
        f"  comparison at {result['trials']:,} trials: {result['comparison_seconds']:.2f} s "
        f"({result['ratio_to_floor']:.2f}x the floor; goal <= {GOAL_RATIO}x)",
        f"  comparison at {result['quick_trials']:,} trials: "
        f"{result['quick_comparison_seconds']:.2f} s, run again on its seed as on each edit "
        f"in the app (goal < {GOAL_QUICK_SECONDS} s); its first run on a seed: "
        f"{result['quick_first_run_seconds']:.2f} s",
        f"  with {result['draws']} behaviour-model draws of {result['draw_trials']:,} plan "
        f"years: {result['draws_comparison_seconds']:.2f} s (as {result['draws'] + 1} "
        f"separate comparisons: {result['separate_comparisons_seconds']:.2f} s)",
    ]
    if "memory_peak_bytes" in result:
        lines.append(
            f"  one plan, {result['memory_reps']:,} reps x {result['memory_trials']:,} trials: "
            f"{result['memory_seconds']:.1f} s, peak memory "
            f"{result['memory_peak_bytes'] / 1e6:,.0f} MB (goal <= "
            f"{GOAL_MEMORY_BYTES / 1e6:,.0f} MB)")
    if "sweep_seconds" in result:
        lines.append(
            f"  sweep of one plan, {result['sweep_points']} points at "
            f"{result['quick_trials']:,} trials: {result['sweep_seconds']:.2f} s (goal < "
            f"{GOAL_SWEEP_SECONDS:g} s)")
    lines.append(f"  goal met: {'yes' if result['goal_met'] else 'NO'}")
    return "\n".join(lines)


def _sweep(team: Any, trials: int, points: int, pool: Executor | None = None,
           workers: int = 1) -> None:
    """A sweep of the baseline's threshold over `points` values besides its own."""
    from simulator.plan.levers import parse_lever
    from simulator.results.sweep import sweep

    plan = load_plan(PLANS_DIR / SWEEP_PLAN)
    lever = parse_lever("measures[0].threshold", plan, "--vary")
    own = lever.value(plan.to_yaml_dict())
    values = [round(0.3 + 0.01 * i, 2) for i in range(points + 1)]
    values = [v for v in values if v != own][:points]
    sweep(plan, [(lever, values)], team, trials, seed=3, executor=pool,
          groups=workers if pool is not None else 1)


@contextmanager
def _pool(workers: int) -> Iterator[Executor | None]:
    if workers <= 1:
        yield None
        return
    pool = worker_pool(workers)
    try:
        yield pool
    finally:
        end_pool(pool, now=False)


def _memory_run(plan: Any, team: Any, reps: int, trials: int,
                pool: Executor | None) -> dict[str, Any]:
    """One plan for a team of `reps` over `trials` trials: seconds and peak memory.

    The pool's workers must have started (a pool starts them on its first tasks): the
    peak counts this process and the workers there are when the run begins.
    """
    big = team.model_copy(update={"reps": reps, "roster": None})
    pids = [os.getpid(), *(getattr(pool, "_processes", None) or {})]
    _give_back_freed_heap()  # what the bench's other lines freed is not this run's need
    with _peak_memory(pids) as peak:
        start = time.perf_counter()
        compare([plan], big, trials, seed=1, executor=pool)
        seconds = time.perf_counter() - start
    return {"memory_reps": reps, "memory_trials": trials, "memory_seconds": seconds,
            "memory_peak_bytes": peak[0], "memory_processes": len(pids)}


def _give_back_freed_heap() -> None:
    """Return this process's freed heap to the system (glibc's malloc_trim; else nothing).

    A process keeps the heap its earlier work grew: after the bench's other lines, 55 MB
    of freed memory that a fresh `compare` would not hold.
    """
    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


@contextmanager
def _peak_memory(pids: list[int]) -> Iterator[list[int]]:
    """The peak of the processes' memory together while the block runs: [bytes]."""
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(SAMPLE_SECONDS):
            peak[0] = max(peak[0], sum(_proportional_bytes(pid) for pid in pids))

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    try:
        yield peak
    finally:
        done.set()
        watcher.join()
        if peak[0] == 0:  # no /proc: the largest resident sets (kB on Linux, bytes on macOS)
            unit = 1 if os.uname().sysname == "Darwin" else 1024
            peak[0] = unit * (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                              + len(pids[1:]) * resource.getrusage(
                                  resource.RUSAGE_CHILDREN).ru_maxrss)


def _proportional_bytes(pid: int) -> int:
    """A process's proportional set size from /proc (0 when it cannot be read)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0
