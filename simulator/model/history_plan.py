"""A calibrated team scaled to the plan its history was earned under (`calibrate --plan`).

`calibrate` reads a history as output at normal effort. If the history was earned under a
plan that made reps work harder than normal (or give up), simulating that plan on the
team would add its effect a second time; `adjust_for_plan` removes it. It sits in the
model stage because it simulates, which calibration itself never does.
"""

from __future__ import annotations

import copy
from dataclasses import replace

from simulator.base.calendar import MONTHS_PER_YEAR
from simulator.model.engine import simulate
from simulator.plan.spec import PlanSpec
from simulator.team.calibrate import Calibration, significant
from simulator.team.spec import team_from_dict


def adjust_for_plan(fit: Calibration, plan: PlanSpec, n_trials: int = 256,
                    seed: int = 0) -> Calibration:
    """Rescale the calibrated team so that `plan`, simulated on it, books the history's revenue.

    `calibrate` reads the history as output at normal effort. If the history was earned
    under a plan that made reps work harder than normal (or give up), simulating that plan
    on the team would add its effect a second time. This simulates the plan the history
    was earned under (adaptive behaviour) and scales the products' deal sizes so that its
    mean revenue per rep-month equals the history's; repeated a few times, since absolute
    quotas do not scale with the team. Levels, luck and seasonality are unchanged.
    """
    team = copy.deepcopy(fit.team)
    target = fit.revenue_per_rep_month.value
    total = 1.0
    for _ in range(4):
        spec = team_from_dict(team, "<calibrated team>")
        sim = simulate([plan], spec, n_trials, seed, "adaptive")
        simulated = float(sim.tallies[0].sales.mean()) / (spec.size * MONTHS_PER_YEAR)
        ratio = target / simulated
        total *= ratio
        for product in team["products"].values():
            product["deal_size"] = significant(product["deal_size"] * ratio, 6)
        if abs(ratio - 1) < 0.002:
            break
    team["history_factor"] = significant(1 / total, 6)  # {history: 1.0} = what reps sold then
    team_from_dict(team, "<calibrated team>")
    normal = target * total
    team["description"] = (
        team["description"].split(" Roster levels", 1)[0]
        + f" Scaled so that plan {plan.name!r}, under which the history was earned, "
        f"reproduces its revenue: normal-effort revenue of the average rep is {normal:,.0f} "
        f"per month (history: {target:,.0f})."
    )
    note = (
        f"history earned under plan {plan.name!r}: simulated on the team, that plan makes "
        f"reps sell {1 / total:.3f}x their normal-effort revenue, so deal sizes are scaled by "
        f"{total:.3f} (normal-effort revenue of the average rep {normal:,.0f} a month)"
    )
    return replace(
        fit, team=team, notes=[*fit.notes, note],
        history_plan={"plan": plan.name, "revenue_factor": total,
                      "normal_effort_revenue_per_rep_month": normal},
    )
