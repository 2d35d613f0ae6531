"""Saved scenarios (faces.scenarios) through the CLI: save, list, show, run, diff, delete."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import PLANS_DIR

from simulator.faces import scenarios
from simulator.faces.cli import main
from simulator.faces.store import ScenarioStore

SMALL = ["--trials", "48", "--seed", "3", "--model-draws", "2", "--draw-trials", "16"]
PLANS = [str(PLANS_DIR / "baseline.yaml"), str(PLANS_DIR / "recommended.yaml")]


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("lib") / "scenarios.sqlite"
    assert main(["scenario", "save", "Q3 plans", *PLANS, *SMALL, "--budget", "4000000",
                 "--db", str(db)]) == 0
    assert main(["scenario", "save", "Q3 plans", *PLANS, *SMALL, "--budget", "3500000",
                 "--reference", "Recommended", "--db", str(db)]) == 0
    return db


def test_save_stores_what_it_needs_to_run_again(library: Path) -> None:
    first = ScenarioStore(library).get(1)
    inputs = first.inputs
    assert (first.name, first.version) == ("Q3 plans", 1)
    assert [p["source"] for p in inputs["plans"]] == PLANS
    assert inputs["plans"][0]["text"] == Path(PLANS[0]).read_text(encoding="utf-8")
    assert "incumbent: ../baseline.yaml" in inputs["team_text"]
    assert inputs["team"]["incumbent"]["name"] == "Baseline"  # self-contained
    assert (inputs["seed"], inputs["trials"], inputs["model_draws"], inputs["budget"]) == (
        3, 48, 2, 4_000_000)
    assert first.program_version == scenarios.program_version()
    results = json.loads(first.results)
    assert results[0]["plans"][1]["budget"]["amount"] == 4_000_000
    assert results[0]["plans"][1]["model_range"]  # with the draws
    assert ScenarioStore(library).get(2).version == 2


def test_list_and_show(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "list", "--db", str(library)]) == 0
    out = capsys.readouterr().out
    assert "Q3 plans v2" in out and "Q3 plans v1" in out and "budget 4,000,000" in out
    assert main(["scenario", "show", "1", "--db", str(library)]) == 0
    out = capsys.readouterr().out
    assert "Scenario 1: Q3 plans (version 1)" in out and "Recommended" in out
    assert "chance payout > budget" in out
    assert main(["scenario", "show", "1", "--json", "--db", str(library)]) == 0
    assert json.loads(capsys.readouterr().out)["inputs"]["seed"] == 3


def test_run_reproduces_the_stored_numbers_byte_for_byte(
        library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "run", "2", "--db", str(library)]) == 0
    out = capsys.readouterr().out
    assert "reproduces the saved results byte for byte" in out
    header = next(line for line in out.splitlines() if "Recommended" in line)
    assert header.index("Recommended") < header.index("Baseline")  # the saved reference first


def test_run_says_why_the_numbers_differ(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "lib.sqlite"
    assert main(["scenario", "save", "Old", PLANS[0], "--trials", "32", "--db", str(db)]) == 0
    with sqlite3.connect(db) as conn:  # as if saved by another program version, other numbers
        conn.execute("UPDATE scenarios SET program_version = '0.0.9+abc', "
                     "results = replace(results, '\"seed\": 0', '\"seed\": 0 ')")
    capsys.readouterr()
    assert main(["scenario", "run", "1", "--db", str(db)]) == 1
    out = capsys.readouterr().out
    assert "differs from the saved results" in out and "0.0.9+abc" in out


def test_diff_shows_settings_plan_rules_and_results(
        library: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["scenario", "diff", "1", "2", "--db", str(library)]) == 0
    out = capsys.readouterr().out
    assert "incentive budget / year: 4000000.0 -> 3500000.0" in out
    assert "Baseline: the same" in out
    assert "chance payout > budget" in out
    edited = tmp_path / "baseline.yaml"
    edited.write_text(Path(PLANS[0]).read_text(encoding="utf-8").replace(
        "threshold: 0.5", "threshold: 0.6"), encoding="utf-8")
    assert main(["scenario", "save", "Q3 plans", str(edited), PLANS[1], *SMALL,
                 "--db", str(library)]) == 0
    capsys.readouterr()
    assert main(["scenario", "diff", "1", "3", "--db", str(library)]) == 0
    out = capsys.readouterr().out
    assert "Baseline: changed" in out and "+    threshold: 0.6" in out
    assert "expected sales / year:" in out
    assert "amounts in" not in out  # no plan states a currency
    euros = tmp_path / "euros.yaml"
    euros.write_text(edited.read_text(encoding="utf-8") + "currency: EUR\n", encoding="utf-8")
    assert main(["scenario", "save", "In euros", str(euros), *SMALL,
                 "--db", str(library)]) == 0
    capsys.readouterr()
    assert main(["scenario", "diff", "3", "4", "--db", str(library)]) == 0
    assert "the second minus the first; amounts in EUR):" in capsys.readouterr().out


def test_delete_and_bad_ids(library: Path, capsys: pytest.CaptureFixture[str],
                            tmp_path: Path) -> None:
    db = tmp_path / "lib.sqlite"
    assert main(["scenario", "save", "Gone", PLANS[0], "--trials", "16", "--db", str(db)]) == 0
    assert main(["scenario", "delete", "1", "--db", str(db)]) == 0
    assert main(["scenario", "show", "1", "--db", str(db)]) == 2
    assert "has no scenario 1" in capsys.readouterr().err


def test_save_with_a_bad_plan_exits_2_and_saves_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: Bad\nperiod: fortnight\n", encoding="utf-8")
    db = tmp_path / "lib.sqlite"
    assert main(["scenario", "save", "X", str(bad), "--db", str(db)]) == 2
    assert "bad.yaml" in capsys.readouterr().err
    assert not db.exists() or not ScenarioStore(db).list()
