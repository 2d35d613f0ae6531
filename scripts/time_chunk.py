"""Per-chunk timings of the engine's parts, for speed work on a shared machine.

    python scripts/time_chunk.py [--trials N] [--rounds R] [TREE ...]

Without TREE: prepares the bench's 4 plans for the default team in this process (the
engine imported from this checkout) and times R chunks of N trials (default 1,008): the
luck draw, the compiled weekly loop, the settlement and its parts, the whole chunk.
With TREEs (checkouts of the project): runs itself on each in turn, round by round,
so that old and new code share the machine's load, and prints each part's median.
Times are CPU seconds of the timing thread (`time.thread_time`), which a loaded machine
disturbs less than wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _time_here(trials: int, rounds: int) -> dict[str, list[float]]:
    """Each part's CPU seconds per chunk, one entry per round (after one warm chunk)."""
    from simulator.base.files import PLANS_DIR
    from simulator.faces.bench import BENCH_PLANS
    from simulator.model import chunk_luck, engine, run
    from simulator.model.luck import BLOCK_TRIALS
    from simulator.plan.payout import PlanPayout
    from simulator.plan.spec import load_plan
    from simulator.team.spec import load_team

    team = load_team()
    plans = [load_plan(PLANS_DIR / name) for name in BENCH_PLANS]
    models = engine.simulate(plans, team, 64, seed=1).models  # prepared; loops compiled
    parts: dict[str, list[float]] = {}

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.thread_time()
            out = fn(*args, **kwargs)
            parts.setdefault(name, [0.0])[-1] += time.thread_time() - start
            return out
        return wrapper

    patched = [(run, "period_weeks"), (run, "_settle"), (run, "period_tallies"),
               (PlanPayout, "settle"), (chunk_luck, "_drawn"), (engine, "run_chunk")]
    for owner, name in patched:
        setattr(owner, name, timed(name, getattr(owner, name)))
    blocks = trials // BLOCK_TRIALS
    for _ in range(rounds + 1):
        for values in parts.values():
            values.append(0.0)
        chunk_luck.forget_luck()  # every round draws its luck (a rerun would keep it)
        start = time.thread_time()
        engine._simulate_chunk(models, team, 1, 0, blocks, blocks * BLOCK_TRIALS, 1)
        parts.setdefault("chunk", [0.0])[-1] += time.thread_time() - start
    return {name: values[-rounds:] for name, values in parts.items()}


def main() -> None:
    """Time this checkout, or each TREE in turn."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=1008)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("trees", nargs="*")
    args = parser.parse_args()
    if not args.trees:
        parts = _time_here(args.trials, args.rounds)
        if args.json:
            print(json.dumps(parts))
            return
        _report({"this checkout": parts}, args.trials)
        return
    runs: dict[str, dict[str, list[float]]] = {tree: {} for tree in args.trees}
    for _ in range(args.rounds):
        for tree in args.trees:
            env = {**os.environ, "PYTHONPATH": str(Path(tree).resolve())}
            out = subprocess.run([sys.executable, __file__, "--json", "--rounds", "1",
                                  "--trials", str(args.trials)], env=env, check=True,
                                 capture_output=True, text=True).stdout
            for name, values in json.loads(out).items():
                runs[tree].setdefault(name, []).extend(values)
    _report(runs, args.trials)


def _report(runs: dict[str, dict[str, list[float]]], trials: int) -> None:
    names = list(next(iter(runs.values())))
    print(f"CPU ms per chunk of {trials:,} trials x 4 plans (median of rounds):")
    print(f"{'':16s}" + "".join(f"{Path(tree).name[-14:]:>16s}" for tree in runs))
    for name in names:
        print(f"{name:16s}" + "".join(
            f"{1000 * statistics.median(parts.get(name, [0.0])):16.1f}"
            for parts in runs.values()))


if __name__ == "__main__":
    main()
