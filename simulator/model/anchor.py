"""Normal effort anchored on the plan in force (the team's `incumbent`).

What reps sell today, under the plan they work under, is the one fact a practitioner
knows: the history. So the cost of effort is set so that, under the incumbent plan,
adaptive reps sell what they sell at normal effort (the static replay): one factor on
every rep's cost of effort, found by root-finding on the expected output of the effort
policy (a forward pass of the solver's own dynamics, no Monte Carlo noise). The pay reps
see is the simulation's: the measures' pay, with the incumbent's guarantee as a floor and
its SPIFFs on top in the periods they touch (`model.resolve`).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from scipy import optimize

from simulator.base.calendar import WEEKS_PER_MONTH, WEEKS_PER_YEAR
from simulator.base.errors import InputError
from simulator.model.effort import (
    PeriodDynamics,
    period_seasons,
    progress_sigma,
    terminal_pay,
)
from simulator.model.prepare import forget_before, ratchets, respond
from simulator.model.resolve import guarantee, spiff_extra
from simulator.plan.spec import PlanSpec
from simulator.team.reps import Reps, WeeklyFunnel
from simulator.team.spec import TeamSpec

SCALE_BOUNDS = (1e-4, 1e4)
"""The cost factors searched: far wider than any plan in practice needs."""
TOLERANCE = 2e-3
"""Accuracy of the log of the factor: output moves by about a quarter of it (the output
elasticity to the cost), far under the 1% the anchoring promises."""
FloatArray = NDArray[np.float64]
_CACHE: dict[str, float] = {}
_CACHE_SIZE = 64


def anchored_cost_scale(team: TeamSpec, funnel: WeeklyFunnel, reps: Reps) -> float:
    """The factor on every rep's cost of effort that anchors normal effort on the incumbent.

    1.0 for a team without an incumbent plan (normal effort is then the reference linear
    plan's). Cached by the team's content: reps and funnel follow from it.
    Raises InputError (naming the team and `incumbent`) when no cost level can make the
    incumbent reproduce normal output, e.g. a plan that pays nothing for results.
    """
    if team.incumbent is None:
        return 1.0
    key = team.model_dump_json()
    if key not in _CACHE:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = _solve_scale(team, team.incumbent, funnel, reps)
    return _CACHE[key]


def forget_anchors() -> None:
    """Empty the caches of anchored cost levels and of the work before announcements.

    For benchmarks that time the solve.
    """
    _CACHE.clear()
    forget_before()


def _solve_scale(team: TeamSpec, plan: PlanSpec, funnel: WeeklyFunnel, reps: Reps) -> float:
    response = respond(plan, team, funnel, reps, "adaptive")
    types = response.types
    weeks = plan.weeks_per_period
    seasons = period_seasons(team, weeks)
    terminal = terminal_pay(response.payout, response.pay_weights, types.reach, ratchets(plan),
                            team.behavior.weekly_discount ** WEEKS_PER_YEAR, types.quotas,
                            response.layout.is_count, types.pay_scale)
    floor = guarantee(plan)  # what reps see beyond the measures, as `model.resolve` adds it
    if floor is not None:
        terminal = np.maximum(terminal, floor)
    extras = [None if response.spiffs is None
              else spiff_extra(response.spiffs, types, weeks, p) for p in range(seasons.size)]
    sigma = progress_sigma(team, response.pay_weights, response.layout.sales_luck, weeks)
    dynamics = {s: PeriodDynamics.of(team, weeks, s, sigma) for s in dict.fromkeys(seasons)}
    # revenue per type under the plan's mix; each week's output in units of a normal week
    revenue_by_type = np.bincount(types.of_rep, weights=response.revenue,
                                  minlength=types.effort_cost.size)
    season_of_week = np.repeat(np.asarray(team.seasonality), WEEKS_PER_MONTH)
    weekly_units = season_of_week.reshape(seasons.size, weeks)  # (periods, weeks)
    static = float(response.revenue_default.sum() * weekly_units.sum())
    if response.pay_weights.sum() <= 0:
        raise _cannot_anchor(team, plan, "it pays nothing for results reps can raise")

    def log_ratio(log_scale: float) -> float:
        cost = types.effort_cost * math.exp(log_scale)
        b = team.behavior

        def growth(season: float, end_pay: FloatArray) -> FloatArray:
            dyn = dynamics[season]
            return dyn.expected_path(dyn.backward_induction(
                end_pay, cost, team.effort.cost_curvature, b.present_bias,
                b.weekly_discount)[0]).growth

        by_season = {s: growth(s, terminal) for s in dynamics}
        adaptive = sum(float(revenue_by_type @ ((by_season[s] if extra is None or not extra.any()
                                                 else growth(s, terminal + extra)) @ units))
                       for s, units, extra in zip(seasons, weekly_units, extras, strict=True))
        return math.log(adaptive / static)

    low, high = _bracket(log_ratio, team)
    if low is None:
        at_low = log_ratio(math.log(SCALE_BOUNDS[0]))
        raise _cannot_anchor(team, plan, f"even at the most effort reps sell only "
                             f"{math.exp(at_low):.0%} of normal under it")
    if high is None:
        at_high = log_ratio(math.log(SCALE_BOUNDS[1]))
        raise _cannot_anchor(team, plan, f"even at the least effort reps sell "
                             f"{math.exp(at_high):.0%} of normal under it")
    root = optimize.brentq(log_ratio, low, high, xtol=TOLERANCE)
    return math.exp(root)


def _bracket(log_ratio: Callable[[float], float], team: TeamSpec
             ) -> tuple[float | None, float | None]:
    """A narrow interval of log cost factors around the root of `log_ratio` (decreasing).

    From the reference cost level (log factor 0), a Newton step with the slope of a linear
    plan (output ~ factor ** -gamma / (rho - gamma)), then outward steps until the sign
    changes. None for an end that the search bounds could not reach.
    """
    e = team.effort
    slope = -e.output_elasticity / (e.cost_curvature - e.output_elasticity)
    lowest, highest = (math.log(b) for b in SCALE_BOUNDS)
    a = float(np.clip(-log_ratio(0.0) / slope, lowest, highest))
    fa = log_ratio(a)
    direction = 1.0 if fa > 0 else -1.0  # too much output: raise the cost, and back
    step = 0.05
    while True:
        b = float(np.clip(a + direction * step, lowest, highest))
        fb = log_ratio(b)
        if fb == 0 or (fb > 0) != (fa > 0):
            return (a, b) if a < b else (b, a)
        if b in (lowest, highest):
            return (None, b) if direction < 0 else (b, None)
        a, fa, step = b, fb, step * 3


def _cannot_anchor(team: TeamSpec, plan: PlanSpec, why: str) -> InputError:
    return InputError.single(
        team.name, "incumbent",
        f"plan {plan.name!r} cannot define normal effort: {why}; name another incumbent "
        "plan, or none (then normal effort is the reference linear plan's)")
