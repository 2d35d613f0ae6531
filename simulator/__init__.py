"""Monte Carlo simulator of sales-compensation plans in which reps respond to the rules.

The stages, in the order data flows (docs/ARCHITECTURE.md): `base` (errors, calendar,
safe file reading), `plan` (plan files -> specs -> exact payouts), `team` (who the reps
are, history, calibration), `model` (mix and effort policies, Monte Carlo), `results`
(typed results, health, words, charts, exports) and `faces` (the command line).

The public names below are imported when first used, so that `python -m simulator
--help` or `validate` does not pay for the engine's imports (numpy, scipy, numba).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.base.errors import InputError
    from simulator.plan.spec import PlanSpec, load_plan, plan_from_dict, plan_from_text
    from simulator.results.comparison import Comparison, compare
    from simulator.team.spec import TeamSpec, load_team, team_from_dict

_HOMES = {
    "Comparison": "simulator.results.comparison",
    "InputError": "simulator.base.errors",
    "PlanSpec": "simulator.plan.spec",
    "TeamSpec": "simulator.team.spec",
    "compare": "simulator.results.comparison",
    "load_plan": "simulator.plan.spec",
    "load_team": "simulator.team.spec",
    "plan_from_dict": "simulator.plan.spec",
    "plan_from_text": "simulator.plan.spec",
    "team_from_dict": "simulator.team.spec",
}
__all__ = [
    "Comparison",
    "InputError",
    "PlanSpec",
    "TeamSpec",
    "compare",
    "load_plan",
    "load_team",
    "plan_from_dict",
    "plan_from_text",
    "team_from_dict",
]


def __getattr__(name: str) -> Any:
    """A public name, imported from its module on first use (PEP 562)."""
    if name not in _HOMES:
        raise AttributeError(f"module 'simulator' has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES[name]), name)
