"""Shared fixtures and helpers of the test suite.

Helpers are plain functions (import them with ``from conftest import ...``) so that tests
can also call them inside hypothesis tests, where function-scoped fixtures do not fit.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the suite also runs from a checkout that is not installed
    sys.path.insert(0, str(ROOT))

PLANS_DIR = ROOT / "plans"
EXAMPLES_DIR = PLANS_DIR / "examples"
SHIPPED_PLANS = sorted(PLANS_DIR.glob("*.yaml"))


@pytest.fixture(scope="session", autouse=True)
def scenario_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every test's scenario library is a fresh file, never the user's own."""
    import os

    path = tmp_path_factory.mktemp("library") / "scenarios.sqlite"
    os.environ["PLAN_SIMULATOR_DB"] = str(path)
    return path


@pytest.fixture(scope="session")
def team():
    """The default team (plans/teams/default.yaml)."""
    from simulator.team.spec import load_team

    return load_team()


@pytest.fixture(scope="session")
def baseline():
    """The shipped baseline plan."""
    from simulator.plan.spec import load_plan

    return load_plan(PLANS_DIR / "baseline.yaml")


@pytest.fixture
def rng() -> np.random.Generator:
    """The suite's one source of randomness: seeded, so every run sees the same numbers."""
    return np.random.default_rng(12345)


def make_measure(**overrides: Any) -> dict[str, Any]:
    """A valid measure as written in a plan file; keyword arguments replace or add keys.

    A value of None removes the key.
    """
    measure: dict[str, Any] = {
        "name": "New revenue",
        "metric": "revenue",
        "weight": 1.0,
        "quota": {"relative": 1.0},
        "threshold": 0.5,
        "curve": [[0.5, 0.25], [1.0, 1.0], [1.5, 2.0]],
    }
    measure.update(overrides)
    return {k: v for k, v in measure.items() if v is not None}


def make_plan(*measures: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """A valid plan mapping (the baseline plan unless told otherwise).

    Keyword arguments replace top-level keys; a value of None removes the key.
    """
    plan: dict[str, Any] = {
        "name": "Test plan",
        "description": "A plan for the tests.",
        "period": "quarter",
        "announce_day": 0,
        "pay": {"base_salary": 90000, "target_incentive": 60000},
        "measures": [copy.deepcopy(m) for m in measures] or [make_measure()],
    }
    plan.update(overrides)
    return {k: v for k, v in plan.items() if v is not None}


def three_measure_plan() -> dict[str, Any]:
    """A fixed quarterly plan with three weighted measures, for hand-computed payouts.

    (It is what plans/recommended.yaml was; the shipped plans may change, this may not.)
    Target pay per quarter 60,000 / 4 = 15,000; weights 0.75 / 0.15 / 0.10.
    """
    return make_plan(
        make_measure(weight=0.75, threshold=0.4,
                     curve=[[0.4, 0.2], [1.0, 1.0], [1.5, 2.0], [2.0, 2.75]]),
        make_measure(name="Meetings held", metric="meetings", weight=0.15, threshold=0.5,
                     curve=[[0.5, 0.25], [1.0, 1.0], [1.5, 1.5]]),
        make_measure(name="Customer satisfaction", metric="csat", weight=0.10, threshold=0.8,
                     curve=[[0.8, 0.5], [1.0, 1.0], [1.2, 1.3]]),
        name="Three measures",
    )


THREE_MEASURE_CSV = """\
rep_id,period,measure,actual,quota
R001,2026-Q1,New revenue,200000,180000
R001,2026-Q1,Meetings held,30,36
R001,2026-Q1,Customer satisfaction,82,80
R002,2026-Q1,New revenue,60000,180000
R002,2026-Q1,Meetings held,40,36
R002,2026-Q1,Customer satisfaction,70,80
"""


def write_plan(tmp_path: Path, plan: dict[str, Any] | str, name: str = "plan.yaml") -> Path:
    """Write a plan (a mapping, dumped as YAML, or YAML text as is) into tmp_path."""
    path = tmp_path / name
    text = plan if isinstance(plan, str) else yaml.safe_dump(plan, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def write_csv(tmp_path: Path, text: str, name: str = "actuals.csv") -> Path:
    """Write an actuals CSV (text as is) into tmp_path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def simulate_and_compare(plans: list[Any], team: Any, n_trials: int, seed: int,
                         behavior: str = "adaptive") -> tuple[Any, Any]:
    """The raw simulation (models, tallies) and its comparison, for tests that read both."""
    from simulator.model.engine import simulate
    from simulator.results.comparison import Comparison

    sim = simulate(plans, team, n_trials, seed, behavior)  # type: ignore[arg-type]
    return sim, Comparison.from_simulation(sim)


def load_script(name: str) -> Any:
    """A script of scripts/ imported as a module (`load_script("load_test")`)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module
