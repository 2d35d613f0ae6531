"""Instructions the compiled weekly loop runs per rep-week, counted by valgrind.

    python scripts/count_instructions.py [--trials N] [TREE ...]

On the 2-core machine wall time moves 10-20% within an hour, so a change of less than
that cannot be timed (docs/ARCHITECTURE.md, "Speed"); an instruction count does not move.
For this checkout, or each TREE (a checkout of the project): captures the 16 calls of
`kernel.period_weeks` in one chunk of N trials (default 128) of the bench's four plans,
runs them under cachegrind once and nine times, and prints the difference over eight
runs per rep-week. numba compiles for the processor it sees, and valgrind shows it
another, so both runs pin this machine's (NUMBA_CPU_NAME, NUMBA_CPU_FEATURES).
Needs valgrind (`apt-get install valgrind`); under two minutes per tree.
"""

from __future__ import annotations

import argparse
import os
import pickle
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

RUNS = (1, 9)


def _capture(path: str, trials: int) -> None:
    """Pickle the weekly loop's calls in one chunk: their inputs, as each call got them."""
    import numpy as np

    from simulator.base.files import PLANS_DIR
    from simulator.faces.bench import BENCH_PLANS
    from simulator.model import engine, run
    from simulator.model.luck import BLOCK_TRIALS
    from simulator.plan.spec import load_plan
    from simulator.team.spec import load_team

    team = load_team()
    models = engine.simulate([load_plan(PLANS_DIR / name) for name in BENCH_PLANS], team,
                             16, seed=1).models
    calls: list[list[Any]] = []
    real = run.period_weeks

    def recording(*args: Any) -> None:
        calls.append([_copy(a) for a in args])
        real(*args)

    run.period_weeks = recording  # type: ignore[assignment]
    blocks = -(-trials // BLOCK_TRIALS)
    engine._simulate_chunk(models, team, 1, 0, blocks, blocks * BLOCK_TRIALS, 1)
    run.period_weeks = real
    with open(path, "wb") as out:
        pickle.dump((calls, int(np.prod(calls[0][0].shape[1:]))), out)


def _copy(value: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    return value.copy() if hasattr(value, "copy") else value


def _run(path: str, runs: int) -> None:
    """Run the captured calls `runs` times (fresh inputs made for the most runs either way)."""
    from simulator.model.kernel import period_weeks

    with open(path, "rb") as source:
        calls, _ = pickle.load(source)
    inputs = [[[_copy(a) for a in call] for _ in range(max(RUNS))] for call in calls]
    period_weeks(*[_copy(a) for a in calls[0]])  # compiled (or loaded) before counting
    for k in range(runs):
        for call in inputs:
            period_weeks(*call[k])


def _count(tree: Path, trials: int) -> float:
    """Instructions per rep-week of the weekly loop in `tree`."""
    import llvmlite.binding as llvm

    env = {**os.environ, "PYTHONPATH": str(tree.resolve()), "PYTHONHASHSEED": "0",
           "NUMBA_CPU_NAME": llvm.get_host_cpu_name(),
           "NUMBA_CPU_FEATURES": llvm.get_host_cpu_features().flatten()}
    with tempfile.TemporaryDirectory() as scratch:
        calls = str(Path(scratch) / "calls.pkl")
        subprocess.run([sys.executable, __file__, "--capture", calls, "--trials", str(trials)],
                       env=env, check=True)
        subprocess.run([sys.executable, __file__, "--run", calls, "--runs", "1"], env=env,
                       check=True)  # compiled for the pinned processor, cached
        counts = []
        for runs in RUNS:
            done = subprocess.run(
                ["valgrind", "--tool=cachegrind", "--cache-sim=no",
                 "--cachegrind-out-file=/dev/null", sys.executable, __file__, "--run", calls,
                 "--runs", str(runs)], env=env, check=True, capture_output=True, text=True)
            found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
            assert found, done.stderr[-2000:]
            counts.append(int(found.group(1).replace(",", "")))
        with open(calls, "rb") as source:
            captured, trial_reps = pickle.load(source)
    rep_weeks = trial_reps * sum(call[2].size for call in captured)  # units: the weeks
    return (counts[1] - counts[0]) / (RUNS[1] - RUNS[0]) / rep_weeks


def main() -> None:
    """Count this checkout's weekly loop, or each TREE's."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=128)
    parser.add_argument("--capture", help=argparse.SUPPRESS)
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("trees", nargs="*")
    args = parser.parse_args()
    if args.capture:
        _capture(args.capture, args.trials)
    elif args.run:
        _run(args.run, args.runs)
    else:
        for tree in args.trees or [str(Path(__file__).resolve().parents[1])]:
            print(f"{tree}: {_count(Path(tree), args.trials):.1f} instructions per rep-week")


if __name__ == "__main__":
    main()
