"""`python -m simulator bench` (simulator.faces.bench): what it times and what it reports."""

from __future__ import annotations

import json
import math
from types import SimpleNamespace
from typing import Any

import pytest

import simulator.faces.bench as bench
from simulator.faces.cli import main

KEYS = {"plans", "reps", "weeks", "trials", "floor_seconds", "comparison_seconds",
        "ratio_to_floor", "quick_trials", "quick_comparison_seconds", "draws", "draw_trials",
        "draws_comparison_seconds", "separate_comparisons_seconds", "goal", "goal_met",
        "sweep_points", "sweep_seconds", "sweep_goal_met"}


def test_best_of_takes_the_fastest_of_the_repeats(monkeypatch: pytest.MonkeyPatch) -> None:
    ticks = iter([0.0, 5.0, 10.0, 12.0, 20.0, 27.0])  # runs of 5, 2 and 7 seconds
    monkeypatch.setattr(bench, "time", SimpleNamespace(perf_counter=lambda: next(ticks)))
    runs: list[int] = []
    assert bench._best_of(3, lambda: runs.append(1)) == 2.0
    assert len(runs) == 3


def test_run_bench_times_the_comparisons_it_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[int, int]] = []
    real_compare = bench.compare

    def spy(plans: Any, team: Any, n_trials: int, **kwargs: Any) -> Any:
        result = real_compare(plans, team, n_trials, **kwargs)
        calls.append((len(result.plans), result.trials, result.draws or 0))
        return result

    monkeypatch.setattr(bench, "compare", spy)
    swept: list[tuple[int, int]] = []
    monkeypatch.setattr(bench, "_sweep", lambda team, trials, points: swept.append(
        (trials, points)))
    result = bench.run_bench(trials=24, quick_trials=8, repeats=1, draws=2, draw_trials=4,
                             sweep_points=3)
    assert swept == [(8, 3)] and result["sweep_points"] == 3
    assert set(result) == KEYS
    # the full and the quick comparison of the four bench plans, really simulated; then the
    # quick one with 2 draws, and the same work as a headline and 2 separate comparisons
    assert calls == [(4, 24, 0), (4, 8, 0), (4, 8, 2), (4, 8, 0), (4, 4, 0), (4, 4, 0)]
    assert (result["plans"], result["reps"], result["weeks"]) == (4, 50, 48)
    assert (result["trials"], result["quick_trials"]) == (24, 8)
    for key in ("floor_seconds", "comparison_seconds", "quick_comparison_seconds",
                "ratio_to_floor", "draws_comparison_seconds", "separate_comparisons_seconds"):
        assert result[key] > 0 and math.isfinite(result[key]), key
    assert isinstance(result["goal_met"], bool)


def test_cli_bench_json(capsys: pytest.CaptureFixture[str],
                        monkeypatch: pytest.MonkeyPatch) -> None:
    # the comparisons are timed for real in the test above; here only the face is tested
    monkeypatch.setattr(bench, "compare", lambda *args, **kwargs: None)
    monkeypatch.setattr(bench, "parameter_sets", lambda team, k, seed: [team] * k)
    monkeypatch.setattr(bench, "_sweep", lambda *args: None)
    assert main(["bench", "--trials", "16", "--quick-trials", "8", "--repeats", "1",
                 "--draws", "3", "--draw-trials", "5", "--sweep-points", "7", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == KEYS
    assert data["trials"] == 16 and data["quick_trials"] == 8
    assert data["draws"] == 3 and data["draw_trials"] == 5 and data["sweep_points"] == 7
    assert data["floor_seconds"] > 0 and data["comparison_seconds"] >= 0


def test_cli_bench_text(capsys: pytest.CaptureFixture[str],
                        monkeypatch: pytest.MonkeyPatch) -> None:
    fixed = {"plans": 4, "reps": 50, "weeks": 48, "trials": 10_000, "floor_seconds": 0.5,
             "comparison_seconds": 1.25, "ratio_to_floor": 2.5, "quick_trials": 2_000,
             "quick_comparison_seconds": 0.3, "draws": 8, "draw_trials": 400,
             "draws_comparison_seconds": 4.0, "separate_comparisons_seconds": 4.5,
             "goal": "", "goal_met": True, "sweep_points": 50, "sweep_seconds": 12.5,
             "sweep_goal_met": False}
    monkeypatch.setattr(bench, "run_bench", lambda *args: fixed)
    assert main(["bench"]) == 0
    out = capsys.readouterr().out
    assert "4 plans x 50 reps x 48 weeks:" in out
    assert "comparison at 10,000 trials: 1.25 s (2.50x the floor; goal <= 3x)" in out
    assert ("with 8 behaviour-model draws of 400 plan years: 4.00 s "
            "(as 9 separate comparisons: 4.50 s)") in out
    assert "sweep of 50 points at 2,000 trials: 12.50 s (goal < 10 s: NOT met)" in out
    assert "goal met: yes" in out
