"""The seeded cases whose every number is pinned (tests/test_pinned.py).

Each case returns plain JSON data: a comparison's `to_dict()`, a calibration's, health
findings. `python scripts/pin_numbers.py` writes them to tests/pinned/; the test reruns
them and compares at rtol 1e-9, so a refactor proves it moved nothing, and a model change
shows exactly what it moved (regenerate the files and review the diff).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "plans"
PLAN_FILES = ("baseline", "high_threshold", "capped", "many_kpis", "late_plan",
              "activity_kpis", "recommended")
SEASONAL_TEAM = {
    "name": "Seasonal test team",
    "reps": 30,
    "rep_seed": 7,
    "seasonality": [0.8, 0.9, 1.0, 1.1, 1.2, 1.0, 0.9, 0.8, 1.0, 1.1, 1.1, 1.1],
    "spread": {"conversion": 0.3, "quota_error": 0.1},
    "luck": {"sales_weekly": 0.5, "activity_weekly": 0.15},
    "effort": {"minimum": 0.4, "maximum": 1.8, "output_elasticity": 0.5},
    "behavior": {"movable_share": 0.4, "slip_loss": 0.2},
}


def _plans(names: tuple[str, ...]) -> list[Any]:
    from simulator.plan.spec import load_plan

    return [load_plan(PLANS / f"{name}.yaml") for name in names]


def _compare(plans: list[Any], team: Any, trials: int, seed: int, behavior: str,
             chunk: int | None = None, years: int = 1) -> dict[str, Any]:
    from simulator.results.comparison import compare

    return compare(plans, team, trials, seed, behavior, chunk_trials=chunk,
                   years=years).to_dict()


def default_adaptive() -> dict[str, Any]:
    from simulator.team.spec import load_team

    return _compare(_plans(PLAN_FILES), load_team(), 48, 3, "adaptive", chunk=32)


def default_static() -> dict[str, Any]:
    from simulator.team.spec import load_team

    return _compare(_plans(PLAN_FILES), load_team(), 40, 5, "static")


def seasonal_team() -> dict[str, Any]:
    from simulator.team.spec import team_from_dict

    team = team_from_dict(SEASONAL_TEAM, "seasonal")
    plans = _plans(("baseline", "late_plan", "many_kpis", "capped", "activity_kpis"))
    return _compare(plans, team, 32, 11, "adaptive")


def ratchet_years() -> dict[str, Any]:
    from simulator.plan.spec import plan_from_dict
    from simulator.team.spec import load_team

    baseline, capped = _plans(("baseline", "capped"))
    raw = baseline.to_yaml_dict()
    raw["name"] = "Ratcheted"
    raw["measures"][0]["ratchet"] = 0.5
    return _compare([baseline, plan_from_dict(raw), capped], load_team(), 32, 9, "adaptive",
                    years=3)


def _calibration(incumbent: Any = None) -> Any:
    from simulator.team.calibrate import calibrate
    from simulator.team.history import parse_history

    # a source name without the checkout's path, so the pinned text is the same anywhere
    path = PLANS / "examples" / "sample_history.csv"
    history = parse_history(path.read_text(encoding="utf-8"), "sample_history.csv")
    return calibrate(history, np.random.default_rng(0), incumbent=incumbent)


def calibrated_team() -> dict[str, Any]:
    from simulator.plan.spec import load_plan, plan_from_dict
    from simulator.team.spec import team_from_dict

    fit = _calibration(incumbent=load_plan(PLANS / "baseline.yaml"))
    team = team_from_dict(fit.team, "calibrated")
    history_plan = load_plan(PLANS / "baseline.yaml").to_yaml_dict()
    history_plan["name"] = "History quota"
    history_plan["measures"][0]["quota"] = {"history": 1.1}
    plans = [*_plans(("baseline", "recommended")), plan_from_dict(history_plan)]
    return {"fit": fit.to_dict(), "comparison": _compare(plans, team, 32, 2, "adaptive")}


def health() -> dict[str, Any]:
    from simulator.results.comparison import health_report
    from simulator.team.spec import load_team

    out = {}
    for plan in _plans(("high_threshold", "capped", "many_kpis", "late_plan")):
        out[plan.name] = health_report(plan, load_team(), 64, 1).to_dict()
    return out


CASES: dict[str, Callable[[], dict[str, Any]]] = {
    "default_adaptive": default_adaptive,
    "default_static": default_static,
    "seasonal_team": seasonal_team,
    "ratchet_years": ratchet_years,
    "calibrated_team": calibrated_team,
    "health": health,
}
