"""`python -m simulator bench` (simulator.faces.bench): what it times and what it reports."""

from __future__ import annotations

import json
import math
from types import SimpleNamespace
from typing import Any

import pytest

import simulator.faces.bench as bench
from simulator.faces.cli import main

KEYS = {"plans", "reps", "weeks", "trials", "workers", "floor_seconds", "comparison_seconds",
        "ratio_to_floor", "quick_trials", "quick_comparison_seconds", "quick_first_run_seconds",
        "draws", "draw_trials",
        "draws_comparison_seconds", "separate_comparisons_seconds", "goal", "goal_met"}
MEMORY_KEYS = {"memory_reps", "memory_trials", "memory_seconds", "memory_peak_bytes",
               "memory_processes"}
SWEEP_KEYS = {"sweep_points", "sweep_seconds"}


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
    swept: list[tuple[int, int, int]] = []
    monkeypatch.setattr(bench, "_sweep", lambda team, trials, points, pool, workers:
                        swept.append((trials, points, workers)))
    result = bench.run_bench(trials=24, quick_trials=8, repeats=1, draws=2, draw_trials=4,
                             workers=2, memory_reps=300, memory_trials=32, sweep_points=3)
    assert set(result) == KEYS | MEMORY_KEYS | SWEEP_KEYS
    assert swept == [(8, 3, 2)] and result["sweep_points"] == 3
    assert "sweep_seconds < 10" in result["goal"]
    # a warm-up; the full comparison of the four bench plans, really simulated; the quick
    # one on a new seed, then on seed 1 untimed and timed; then the quick one with 2 draws,
    # and the same work as a headline and 2 separate comparisons; then, on a fresh pool
    # warmed the same way, one plan for the big team
    assert calls == [(4, 64, 0), (4, 24, 0), (4, 8, 0), (4, 8, 0), (4, 8, 0), (4, 8, 2),
                     (4, 8, 0), (4, 4, 0), (4, 4, 0), (4, 64, 0), (1, 32, 0)]
    assert result["workers"] == 2
    assert (result["memory_reps"], result["memory_trials"]) == (300, 32)
    # this process and both workers, each holding at least numpy and the engine
    assert result["memory_processes"] == 3
    assert 150e6 < result["memory_peak_bytes"] < 4e9
    assert (result["plans"], result["reps"], result["weeks"]) == (4, 50, 48)
    assert (result["trials"], result["quick_trials"]) == (24, 8)
    for key in ("floor_seconds", "comparison_seconds", "quick_comparison_seconds",
                "quick_first_run_seconds", "ratio_to_floor", "draws_comparison_seconds",
                "separate_comparisons_seconds", "memory_seconds"):
        assert result[key] > 0 and math.isfinite(result[key]), key
    assert isinstance(result["goal_met"], bool)


def test_cli_bench_json(capsys: pytest.CaptureFixture[str],
                        monkeypatch: pytest.MonkeyPatch) -> None:
    # the comparisons are timed for real in the test above; here only the face is tested
    monkeypatch.setattr(bench, "compare", lambda *args, **kwargs: None)
    monkeypatch.setattr(bench, "parameter_sets", lambda team, k, seed: [team] * k)
    assert main(["bench", "--trials", "16", "--quick-trials", "8", "--repeats", "1",
                 "--draws", "3", "--draw-trials", "5", "--workers", "1", "--memory-reps",
                 "0", "--sweep-points", "0", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == KEYS
    assert data["trials"] == 16 and data["quick_trials"] == 8
    assert data["draws"] == 3 and data["draw_trials"] == 5
    assert data["floor_seconds"] > 0 and data["comparison_seconds"] >= 0


def test_cli_bench_text(capsys: pytest.CaptureFixture[str],
                        monkeypatch: pytest.MonkeyPatch) -> None:
    fixed = {"plans": 4, "reps": 50, "weeks": 48, "trials": 10_000, "workers": 2,
             "floor_seconds": 0.5, "comparison_seconds": 0.55, "ratio_to_floor": 1.1,
             "quick_trials": 2_000, "quick_comparison_seconds": 0.25,
             "quick_first_run_seconds": 0.35, "draws": 8,
             "draw_trials": 400, "draws_comparison_seconds": 4.0,
             "separate_comparisons_seconds": 4.5, "memory_reps": 10_000,
             "memory_trials": 10_000, "memory_seconds": 95.0, "memory_peak_bytes": 7.5e8,
             "sweep_points": 50, "sweep_seconds": 12.5, "goal": "", "goal_met": True}
    monkeypatch.setattr(bench, "run_bench", lambda *args: fixed)
    assert main(["bench"]) == 0
    out = capsys.readouterr().out
    assert "4 plans x 50 reps x 48 weeks, 2 workers:" in out
    assert "comparison at 10,000 trials: 0.55 s (1.10x the floor; goal <= 1.2x)" in out
    assert ("comparison at 2,000 trials: 0.25 s, run again on its seed as on each edit in "
            "the app (goal < 0.3 s); its first run on a seed: 0.35 s") in out
    assert ("one plan, 10,000 reps x 10,000 trials: 95.0 s, peak memory 750 MB "
            "(goal <= 1,000 MB)") in out
    assert ("with 8 behaviour-model draws of 400 plan years: 4.00 s "
            "(as 9 separate comparisons: 4.50 s)") in out
    assert ("sweep of one plan, 50 points at 2,000 trials: 12.50 s (goal < 10 s)") in out
    assert "goal met: yes" in out
