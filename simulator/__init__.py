"""Monte Carlo simulator of sales-compensation plans in which reps respond to the rules."""

from simulator.base.errors import InputError
from simulator.plan.spec import PlanSpec, load_plan
from simulator.team.spec import TeamSpec, load_team

__all__ = ["InputError", "PlanSpec", "TeamSpec", "load_plan", "load_team"]
