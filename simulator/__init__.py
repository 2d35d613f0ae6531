"""Monte Carlo simulator of sales-compensation plans in which reps respond to the rules."""

from simulator.errors import InputError
from simulator.spec import PlanSpec, load_plan
from simulator.team import TeamSpec, load_team

__all__ = ["InputError", "PlanSpec", "TeamSpec", "load_plan", "load_team"]
