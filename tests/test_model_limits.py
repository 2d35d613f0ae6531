"""A run's memory, known before it starts (simulator.model.limits)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT

from simulator.base.limits import MAX_MEMORY_BYTES, MAX_REPS
from simulator.model.effort import PeriodDynamics, period_seasons, progress_sigma
from simulator.model.engine import default_chunk_trials, simulate
from simulator.model.limits import (
    RunTooLarge,
    check_effort_grid,
    check_run,
    effort_grid_bytes,
    run_bytes,
)
from simulator.team.spec import TeamSpec, team_from_dict


def test_the_usual_runs_fit() -> None:
    for reps, trials, measures in ((50, 2000, [1, 3]), (50, 50_000, [1] * 6),
                                   (MAX_REPS, 2000, [1, 1]), (10_000, 100_000, [5, 5])):
        check_run(reps, trials, measures, default_chunk_trials(reps))


def test_memory_grows_with_trials_and_measures() -> None:
    small = run_bytes(50, 1000, [1], 16)
    assert run_bytes(50, 2000, [1], 16) - small == 8 * (12 + 5) * 1000
    assert run_bytes(50, 1000, [1, 20], 16) > small
    assert run_bytes(5000, 1000, [1], 160) > run_bytes(5000, 1000, [1], 16)


@pytest.mark.parametrize(("args", "field", "words"), [
    ((50, 1_000_000, [20] * 6), "trials", "; at most about "),
    ((50, 1_000_000, [1], 256, 1_000_000), "model_draws", "run fewer model draws"),
    ((MAX_REPS + 1, 16, [1]), "reps", "a team has at most 40,000"),
    ((50, 2_000_000, [1]), "trials", "more than the 1,000,000 allowed"),
])
def test_a_run_too_large_names_what_to_lower(args: tuple, field: str, words: str) -> None:
    reps, trials, measures, *rest = args
    with pytest.raises(RunTooLarge) as caught:
        check_run(reps, trials, measures, default_chunk_trials(reps), *rest)
    assert caught.value.field == field
    assert words in caught.value.message


def test_a_chunk_too_large_for_a_large_team_is_refused_before_anything_is_drawn(
        monkeypatch: pytest.MonkeyPatch, baseline) -> None:  # type: ignore[no-untyped-def]
    team = team_from_dict({"name": "Large", "reps": 20_000})
    monkeypatch.setattr("simulator.model.engine.draw_reps",
                        lambda *a: pytest.fail("drew reps before checking memory"))
    with pytest.raises(RunTooLarge) as caught:
        simulate([baseline], team, 2000, chunk_trials=2000)
    assert caught.value.field == "reps"
    assert "more than the 2.0 GB allowed" in caught.value.message


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_estimate_is_above_what_a_run_uses() -> None:
    """A run's peak memory (measured in a fresh process) stays under its estimate.

    VmHWM, not ru_maxrss: a child's ru_maxrss keeps its parent's (the test runner's) peak.
    """
    code = (
        "from simulator.plan.spec import load_plan\n"
        "from simulator.team.spec import team_from_dict\n"
        "from simulator.results.comparison import compare\n"
        "team = team_from_dict({'name': 'T', 'reps': 3000})\n"
        "compare([load_plan('plans/baseline.yaml')], team, 32, 0)\n"
        "status = open('/proc/self/status').read().split('VmHWM:')[1].split()\n"
        "print(int(status[0]) * 1024)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=True, env={"PYTHONPATH": str(ROOT)})
    peak = int(result.stdout.split()[-1])
    assert peak < run_bytes(3000, 32, [1], default_chunk_trials(3000))


# --------------------------------------------------------------------------- effort grid


def test_the_effort_grid_bound_holds_for_the_default_team(team: TeamSpec) -> None:
    sigma = progress_sigma(team, np.ones(1), np.ones(1, dtype=bool), 12)
    built = max(PeriodDynamics.of(team, 12, s, sigma).matrix.nbytes
                for s in period_seasons(team, 12))
    assert 3 * built <= effort_grid_bytes(team, [12]) < 50_000_000
    check_effort_grid(team, [4, 12, 48], ranged=True)


def test_a_team_whose_effort_grid_would_not_fit_is_refused() -> None:
    """Peak seasonality x maximum effort x luck: one week could cross the grid thousands of
    times over; the operator would need hundreds of GB (it was an out-of-memory kill)."""
    team = team_from_dict({"name": "Wild", "seasonality": [1000] + [0.001] * 11,
                           "luck": {"sales_weekly": 3, "activity_weekly": 3},
                           "effort": {"maximum": 10, "output_elasticity": 1.5,
                                      "cost_curvature": 5}})
    with pytest.raises(RunTooLarge) as caught:
        check_effort_grid(team, [4])
    assert caught.value.field == "effort"
    assert "effort.maximum" in caught.value.message and "seasonality" in caught.value.message
    assert effort_grid_bytes(team, [4]) > MAX_MEMORY_BYTES
