"""Tables of comparisons (results.tables): stacked behaviour modes, health rows, workbook."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from conftest import PLANS_DIR

from simulator.plan.spec import load_plan
from simulator.results import tables
from simulator.results.comparison import Comparison, compare


@pytest.fixture(scope="module")
def runs(team: Any) -> list[Comparison]:
    plans = [load_plan(PLANS_DIR / f) for f in ("baseline.yaml", "high_threshold.yaml")]
    files = ["baseline.yaml", "high_threshold.yaml"]
    return [compare(plans, team, n_trials=64, seed=5, behavior=mode, files=files)
            for mode in ("adaptive", "static")]


LABELS = ["Baseline", "High threshold"]


def test_comparison_frame_stacks_the_runs(runs: list[Comparison]) -> None:
    frame = tables.comparison_frame(runs, LABELS)
    assert list(frame["plan"]) == LABELS * 2
    assert list(frame["behaviour"]) == ["adaptive", "adaptive", "static", "static"]
    assert list(frame["file"]) == ["baseline.yaml", "high_threshold.yaml"] * 2
    assert list(frame.columns[:3]) == ["plan", "behaviour", "file"]
    assert frame.iloc[3]["sales_mean"] == runs[1].plans[1].sales.mean
    assert (frame[frame["behaviour"] == "static"]["gave_up_share"] == 0).all()


def test_labels_replace_the_plan_names(runs: list[Comparison]) -> None:
    frame = tables.comparison_frame(runs[:1], ["A", "A (2)"])
    assert list(frame["plan"]) == ["A", "A (2)"]
    rows = tables.result_rows(runs, ["A", "B"])
    assert [(label, mode) for label, mode, _ in rows] == [
        ("A", "adaptive"), ("B", "adaptive"), ("A", "static"), ("B", "static")]
    assert rows[3][2] is runs[1].plans[1]


def test_health_frame_lists_the_adaptive_findings_worst_first(runs: list[Comparison]) -> None:
    frame = tables.health_frame(runs, LABELS)
    assert list(frame.columns) == tables.HEALTH_COLUMNS
    assert len(frame) == sum(len(p.health) for p in runs[0].plans)
    high = frame[frame["plan"] == "High threshold"]
    order = {"fail": 0, "warn": 1, "ok": 2}
    assert list(high["status"].map(order)) == sorted(high["status"].map(order))
    assert ("High threshold", "fail", "threshold_reach") in {
        tuple(r) for r in frame[["plan", "status", "rule"]].itertuples(index=False)}
    # static reps do not respond to the plan: no health without an adaptive run
    assert tables.adaptive_run(runs[1:]) is None
    assert tables.health_frame(runs[1:], LABELS).empty
    assert list(tables.health_frame(runs[1:], LABELS).columns) == tables.HEALTH_COLUMNS


def test_settings_frame(runs: list[Comparison]) -> None:
    settings = dict(tables.settings_frame(runs).itertuples(index=False))
    assert settings["behaviour"] == "adaptive, static"
    assert settings["seed"] == 5 and settings["simulated plan years"] == 64
    assert settings["currency"] == "$"
    assert settings["incentive budget per year"] is None
    euros = [replace(run, currency="EUR") for run in runs]  # as compare sets it
    assert dict(tables.settings_frame(euros).itertuples(index=False))["currency"] == "EUR"
