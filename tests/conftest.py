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
