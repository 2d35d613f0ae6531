"""`python -m simulator bench`: the engine's speed against the machine's floor.

The floor is drawing the random numbers a comparison needs: one standard normal per
plan x rep x week x trial. The engine shares luck across plans (common random numbers),
so it can come close to that floor while doing all of its work.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from simulator.base.files import PLANS_DIR
from simulator.model.anchor import forget_anchors
from simulator.model.draws import parameter_sets
from simulator.plan.spec import WEEKS_PER_YEAR, load_plan
from simulator.results.comparison import compare
from simulator.team.spec import load_team

BENCH_PLANS = ("baseline.yaml", "high_threshold.yaml", "capped.yaml", "recommended.yaml")
SWEEP_PLAN = "baseline.yaml"
SWEEP_GOAL_SECONDS = 10.0
"""A 50-point sweep of one plan at 2,000 trials (issue #13)."""


def _best_of(repeats: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def _sweep(team: Any, trials: int, points: int) -> None:
    """A sweep of the baseline's threshold over `points` values besides its own (serial)."""
    from simulator.plan.levers import parse_lever
    from simulator.results.sweep import sweep

    plan = load_plan(PLANS_DIR / SWEEP_PLAN)
    lever = parse_lever("measures[0].threshold", plan, "--vary")
    own = lever.value(plan.to_yaml_dict())
    values = [round(0.3 + 0.01 * i, 2) for i in range(points + 1)]
    values = [v for v in values if v != own][:points]
    sweep(plan, [(lever, values)], team, trials, seed=3)


def run_bench(trials: int = 10_000, quick_trials: int = 2_000, repeats: int = 3,
              draws: int = 8, draw_trials: int = 400, sweep_points: int = 50
              ) -> dict[str, Any]:
    """Time a 4-plan comparison of the default team at `trials` and `quick_trials`.

    Also times a comparison at `quick_trials` with `draws` behaviour-model draws of
    `draw_trials` plan years against the same work done as separate comparisons (the
    headline, then one comparison per drawn team), each with its anchoring solved anew;
    and, once, a sweep of `sweep_points` thresholds of the baseline at `quick_trials`
    (goal: under SWEEP_GOAL_SECONDS).
    """
    team = load_team()
    plans = [load_plan(PLANS_DIR / name) for name in BENCH_PLANS]
    n_values = len(plans) * team.size * WEEKS_PER_YEAR * trials
    rng = np.random.default_rng(0)
    chunk = 4_000_000

    def floor() -> None:
        for start in range(0, n_values, chunk):
            rng.standard_normal(min(chunk, n_values - start))

    floor_s = _best_of(repeats, floor)
    full_s = _best_of(repeats, lambda: compare(plans, team, trials, seed=1))
    quick_s = _best_of(repeats, lambda: compare(plans, team, quick_trials, seed=1))

    def with_draws() -> None:
        forget_anchors()
        compare(plans, team, quick_trials, seed=2, model_draws=draws, draw_trials=draw_trials)

    def one_by_one() -> None:
        forget_anchors()
        compare(plans, team, quick_trials, seed=2)
        for variant in parameter_sets(team, draws, seed=2):
            compare(plans, variant, draw_trials, seed=2)

    draws_s = _best_of(repeats, with_draws)
    single_s = _best_of(repeats, one_by_one)
    sweep_s = _best_of(1, lambda: _sweep(team, quick_trials, sweep_points))
    return {
        "plans": len(plans),
        "reps": team.size,
        "weeks": WEEKS_PER_YEAR,
        "trials": trials,
        "floor_seconds": floor_s,
        "comparison_seconds": full_s,
        "ratio_to_floor": full_s / floor_s,
        "quick_trials": quick_trials,
        "quick_comparison_seconds": quick_s,
        "draws": draws,
        "draw_trials": draw_trials,
        "draws_comparison_seconds": draws_s,
        "separate_comparisons_seconds": single_s,
        "sweep_points": sweep_points,
        "sweep_seconds": sweep_s,
        "sweep_goal_met": sweep_s < SWEEP_GOAL_SECONDS,
        "goal": "ratio_to_floor <= 3 and quick_comparison_seconds < 1",
        "goal_met": full_s / floor_s <= 3 and quick_s < 1,
    }
