"""Monte Carlo simulator of sales-compensation plans in which reps respond to the rules.

The stages, in the order data flows (docs/ARCHITECTURE.md): `base` (errors, calendar,
safe file reading), `plan` (plan files -> specs -> exact payouts), `team` (who the reps
are, history, calibration), `model` (mix and effort policies, Monte Carlo), `results`
(typed results, health, words, charts, exports) and `faces` (the command line).
"""

from simulator.base.errors import InputError
from simulator.plan.spec import PlanSpec, load_plan, plan_from_dict, plan_from_text
from simulator.results.comparison import Comparison, compare
from simulator.team.spec import TeamSpec, load_team, team_from_dict

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
