"""The `sweep` and `optimize` commands: exit codes, messages, JSON, CSV and plan files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import PLANS_DIR

from simulator.faces.cli import EXIT_BAD_INPUT, EXIT_OK, main

HIGH = str(PLANS_DIR / "high_threshold.yaml")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_sweep_prints_points_and_a_tornado(capsys) -> None:
    code, out, _ = run(capsys, "sweep", HIGH, "--vary", "measures[0].threshold=0.6:0.8:0.1",
                       "--vary", "measures[New revenue].cap=2,none", "--trials", "32")
    assert code == EXIT_OK
    assert "Sweep of High threshold (one at a time)" in out and "Tornado" in out
    assert "New revenue: threshold" in out and "(swing" in out


def test_sweep_json_and_csv_agree(capsys, tmp_path: Path) -> None:
    target = tmp_path / "points.csv"
    code, out, err = run(capsys, "sweep", HIGH, "--vary", "measures[0].threshold=0.5,0.7",
                         "--vary", "measures[0].rate_above_quota=1:3:2", "--grid",
                         "--trials", "32", "--budget", "800,000", "-o", str(target), "--json")
    assert code == EXIT_OK and "wrote" in err
    data = json.loads(out)
    assert data["mode"] == "grid" and data["budget"] == 800_000
    values = [p["values"] for p in data["points"]]
    assert values == [[0.5, 1.0], [0.5, 3.0], [0.7, 1.0], [0.7, 3.0]]
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [float(r["sales_mean"]) for r in rows] == [p["sales_mean"] for p in data["points"]]
    assert rows[0]["measures[0].threshold"] == "0.5"
    assert {b["path"] for b in data["tornado"]} == {"measures[0].threshold",
                                                   "measures[0].rate_above_quota"}


@pytest.mark.parametrize("vary, message", [
    ("measures[3].cap=2", "1 measure"),
    ("measures[0].cap", "PATH=VALUES"),
    ("measures[0].threshold=0.9:0.3:0.1", "ends"),
    ("pay.base_salary=1,none", "none"),
    ("measures[0].cap=-1,2", "not valid"),
    ("measures[0].threshold=0.001:2:0.001", "at most"),
])
def test_sweep_bad_levers_exit_2_naming_the_flag(capsys, vary: str, message: str) -> None:
    code, out, err = run(capsys, "sweep", HIGH, "--vary", vary, "--trials", "16")
    assert code == EXIT_BAD_INPUT and out == ""
    assert "--vary" in err and message in err


def test_optimize_writes_a_plan_that_validates(capsys, tmp_path: Path) -> None:
    target = tmp_path / "chosen.yaml"
    code, out, err = run(capsys, "optimize", HIGH, "--lever", "measures[0].threshold=0.5:0.8",
                         "--lever", "measures[0].cap=1.5:3", "--budget-p90", "900000",
                         "--trials", "32", "--steps", "2", "--refine", "0", "-o", str(target),
                         "--json")
    assert code == EXIT_OK and "validate" in err
    data = json.loads(out)
    assert data["objective"] == "sales" and data["budget"] == 900_000
    assert [p["name"] for p in data["comparison"]["plans"]] == [
        "High threshold", "High threshold (optimised)"]
    assert run(capsys, "validate", str(target))[0] == EXIT_OK
    assert data["chosen_plan"]["measures"][0]["threshold"] == data["best"]["values"][0]


def test_optimize_text_and_bad_bounds(capsys) -> None:
    code, out, _ = run(capsys, "optimize", HIGH, "--lever", "measures[0].threshold=0.6:0.8",
                       "--budget-p90", "2000000", "--trials", "16", "--steps", "2",
                       "--refine", "0")
    assert code == EXIT_OK and "Frontier" in out and "# the chosen plan" in out
    code, _, err = run(capsys, "optimize", HIGH, "--lever", "measures[0].threshold=0.8:0.6",
                       "--budget-p90", "1", "--trials", "16")
    assert code == EXIT_BAD_INPUT and "--lever" in err and "LOW" in err


def test_a_sweep_too_large_for_memory_is_refused_before_it_runs(capsys) -> None:
    # 61 thresholds and the plan: 64 plans of a million plan years would need about 9 GB
    code, out, err = run(capsys, "sweep", HIGH, "--vary", "measures[0].threshold=0.3:0.9:0.01",
                         "--trials", "1000000")
    assert code == EXIT_BAD_INPUT and out == ""
    assert err.startswith("--trials: 1,000,000 plan years of 64 plan(s)")
