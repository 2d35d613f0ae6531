"""The command line at its limits: strict JSON, runs too large, output files, huge numbers.

Each refusal exits 2 before any work, names the flag or the file and field, and leaves
every file as it was; every figure a command prints as JSON is finite or null.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EXAMPLES_DIR, PLANS_DIR, make_measure, make_plan, write_csv, write_plan

from simulator.faces.cli import EXIT_BAD_INPUT, EXIT_OK, main

BASELINE = PLANS_DIR / "baseline.yaml"
ACTUALS = EXAMPLES_DIR / "actuals_baseline.csv"
WILD_TEAM = {"name": "Wild", "seasonality": [1000] + [0.001] * 11,
             "luck": {"sales_weekly": 3, "activity_weekly": 3},
             "effort": {"maximum": 10, "output_elasticity": 1.5, "cost_curvature": 5}}


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def strict_json(text: str) -> Any:
    """JSON as another language reads it: NaN and Infinity are not JSON."""
    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def write_team(tmp_path: Path, team: dict[str, Any], name: str = "team.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(team), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- JSON


def test_a_team_smaller_than_ten_reps_prints_null_deciles(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    team = write_team(tmp_path, {"name": "Three", "reps": 3})
    code, out, _ = run(capsys, "compare", BASELINE, "--team", team, "--trials", "16", "--json")
    assert code == EXIT_OK
    deciles = strict_json(out)["plans"][0]["deciles"]
    assert len(deciles) == 10
    assert sum(d["sales_mean"] is None for d in deciles) == 7  # seven groups without reps
    code, out, _ = run(capsys, "health", BASELINE, "--team", team, "--trials", "16", "--json")
    assert code == EXIT_OK and strict_json(out)
    code, out, _ = run(capsys, "team", "--team", team, "--json")
    assert code == EXIT_OK and strict_json(out)["reps"] == 3


def test_the_largest_valid_numbers_give_finite_figures(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Money at its bound on the steepest curve a plan may have: every figure finite."""
    plan = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    plan["pay"] = {"base_salary": 1e12, "target_incentive": 1e12}
    plan["measures"][0].update(quota=1e-6, threshold=None, curve=[[0, 0], [1e-6, 1e4]])
    del plan["measures"][0]["threshold"]
    steep = write_plan(tmp_path, plan, "steep.yaml")
    code, out, err = run(capsys, "compare", BASELINE, steep, "--trials", "16", "--json")
    assert code == EXIT_OK, err
    steep_result = strict_json(out)["plans"][1]
    assert steep_result["payout"]["mean"] > 1e20
    code, out, err = run(capsys, "health", steep, "--trials", "16", "--json")
    assert code == EXIT_OK and strict_json(out), err
    # the calculator pays more than 1e26 to the cent (decimal precision once refused it)
    csv = write_csv(tmp_path, "rep_id,period,measure,actual,quota\n"
                    "R1,Q1,New revenue,1e15,1e-6\n")
    code, out, err = run(capsys, "payout", steep, csv)
    assert code == EXIT_OK, err
    assert out.splitlines()[1].endswith(".00") and len(out.splitlines()[1]) > 80


# --------------------------------------------------------------------------- runs too large


@pytest.mark.parametrize(("extra", "flag", "words"), [
    (["--trials", "1000000"], "--trials", "; at most about "),
    (["--trials", "1000000", "--model-draws", "256", "--draw-trials", "1000000"],
     "--model-draws", "run fewer model draws"),
])
def test_a_run_too_large_for_memory_is_refused_before_it_starts(
        extra: list[str], flag: str, words: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("simulator.results.comparison.compare",
                        lambda *a, **k: pytest.fail("the run started"))
    twenty = make_plan(*(make_measure(name=f"M{i}", metric="deals", weight=0.05, quota=1,
                                      threshold=None, curve=[[1, 1]]) for i in range(20)))
    plans = [write_plan(tmp_path, {**twenty, "name": f"P{i}"}, f"p{i}.yaml") for i in range(6)]
    code, out, err = run(capsys, "compare", *plans, *extra)
    assert code == EXIT_BAD_INPUT and out == ""
    assert err.startswith(f"{flag}: ") and words in err and "GB of memory" in err


def test_a_team_whose_effort_model_would_not_fit_is_refused_naming_its_fields(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    team = write_team(tmp_path, WILD_TEAM)
    for command in (["compare", BASELINE], ["health", BASELINE]):
        code, _, err = run(capsys, *command, "--team", team, "--trials", "16")
        assert code == EXIT_BAD_INPUT
        assert err.startswith(f"{team}: effort: adaptive reps on this team need about ")
    code, out, err = run(capsys, "compare", BASELINE, "--team", team, "--trials", "16",
                         "--behavior", "static", "--json")
    assert code == EXIT_OK, err
    assert strict_json(out)["behavior"] == "static"


# --------------------------------------------------------------------------- output files


@pytest.mark.parametrize(("make", "problem"), [
    (lambda d: Path("/dev/null"), "is a device, not a regular file"),
    (lambda d: (os.mkfifo(d / "fifo.csv"), d / "fifo.csv")[1],
     "is a FIFO (named pipe), not a regular file"),
    (lambda d: d, "is a directory, not a file"),
    (lambda d: ((d / "dangling.csv").symlink_to(d / "gone.csv"), d / "dangling.csv")[1],
     "is a symbolic link to a missing file"),
])
def test_an_output_that_is_not_a_regular_file_is_refused_before_any_work(
        make, problem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    target = make(tmp_path)
    before = os.lstat(target)
    code, out, err = run(capsys, "payout", BASELINE, ACTUALS, "-o", target)
    assert code == EXIT_BAD_INPUT and out == ""
    assert err == f"{target}: cannot write file: {problem}\n"
    monkeypatch.setattr("simulator.team.history.read_history",
                        lambda *a: pytest.fail("read the history before checking -o"))
    code, _, err = run(capsys, "calibrate", EXAMPLES_DIR / "sample_history.csv", "-o", target)
    assert code == EXIT_BAD_INPUT and err == f"{target}: cannot write file: {problem}\n"
    after = os.lstat(target)
    assert (after.st_mode, after.st_ino, after.st_size) == (
        before.st_mode, before.st_ino, before.st_size)


def test_outputs_keep_links_and_permissions(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    previous = os.umask(0o022)
    try:
        code, _, err = run(capsys, "payout", BASELINE, ACTUALS, "-o", shared / "new.csv")
    finally:
        os.umask(previous)
    assert code == EXIT_OK, err
    assert stat.S_IMODE((shared / "new.csv").stat().st_mode) == 0o644  # not 0600
    real = shared / "real.csv"
    real.write_text("old\n", encoding="utf-8")
    real.chmod(0o660)
    link = tmp_path / "latest.csv"
    link.symlink_to(real)
    code, _, err = run(capsys, "payout", BASELINE, ACTUALS, "-o", link)
    assert code == EXIT_OK, err
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("rep_id,")
    assert stat.S_IMODE(real.stat().st_mode) == 0o660
    assert sorted(p.name for p in shared.iterdir()) == ["new.csv", "real.csv"]


def test_a_history_whose_fitted_team_is_out_of_bounds_is_the_historys_problem(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [f"R{rep},2024-{month:02d},{metric},1e15,"
            for rep in range(4) for month in range(1, 7) for metric in ("revenue", "deals")]
    history = write_csv(tmp_path, "rep_id,period,metric,actual,quota\n" + "\n".join(rows),
                        "history.csv")
    target = tmp_path / "team.yaml"
    code, out, err = run(capsys, "calibrate", history, "-o", target)
    assert code == EXIT_BAD_INPUT and out == "" and not target.exists()
    assert f"{history}: the team fitted to it: funnel.deals: must be at least 0.001 and at " \
        "most 1,000,000" in err, err
    assert all(line.startswith(f"{history}: ") for line in err.splitlines())
