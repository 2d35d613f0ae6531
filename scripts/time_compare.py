"""The bench's comparisons, checkout against checkout, on a shared machine.

    python scripts/time_compare.py [--rounds R] [--workers W] TREE [TREE ...]

Runs, for each TREE in turn and R rounds (so old and new code share the machine's load),
one process that warms a pool of W workers as `bench` does and times the bench's floor
and its 4-plan comparisons at 10,000 and 2,000 trials once each. Prints each figure's
best and median over the rounds, and the ratio of the 10,000-trial comparison to the
floor of the same round.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _time_here(workers: int) -> dict[str, float]:
    """Floor and comparison seconds of one round in this checkout."""
    import numpy as np

    from simulator.base.files import PLANS_DIR
    from simulator.faces.bench import BENCH_PLANS, _pool
    from simulator.plan.spec import WEEKS_PER_YEAR, load_plan
    from simulator.results.comparison import compare
    from simulator.team.spec import load_team

    team = load_team()
    plans = [load_plan(PLANS_DIR / name) for name in BENCH_PLANS]
    n_values = len(plans) * team.size * WEEKS_PER_YEAR * 10_000
    rng = np.random.default_rng(0)
    out = {}
    with _pool(workers) as pool:
        compare(plans, team, 64, seed=1, executor=pool)  # warm
        start = time.perf_counter()
        for first in range(0, n_values, 4_000_000):
            rng.standard_normal(min(4_000_000, n_values - first))
        out["floor"] = time.perf_counter() - start
        for trials in (10_000, 2_000):
            start = time.perf_counter()
            compare(plans, team, trials, seed=1, executor=pool)
            out[f"compare {trials}"] = time.perf_counter() - start
    out["ratio"] = out["compare 10000"] / out["floor"]
    return out


def main() -> None:
    """Time each TREE in turn, round by round."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("trees", nargs="*")
    args = parser.parse_args()
    if args.json:
        print(json.dumps(_time_here(args.workers)))
        return
    runs: dict[str, list[dict[str, float]]] = {tree: [] for tree in args.trees}
    for _ in range(args.rounds):
        for tree in args.trees:
            env = {**os.environ, "PYTHONPATH": str(Path(tree).resolve())}
            out = subprocess.run([sys.executable, __file__, "--json", "--workers",
                                  str(args.workers)], env=env, check=True,
                                 capture_output=True, text=True).stdout
            runs[tree].append(json.loads(out))
    for tree, rounds in runs.items():
        print(f"{tree} ({args.workers} workers, {len(rounds)} rounds): " + ", ".join(
            f"{name} best {min(r[name] for r in rounds):.2f} median "
            f"{statistics.median(r[name] for r in rounds):.2f}" for name in rounds[0]))


if __name__ == "__main__":
    main()
