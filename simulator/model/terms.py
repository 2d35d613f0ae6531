"""Per-rep terms from a team's roster, as each plan meets them (README, "Per-rep terms").

A roster rep may carry a `quota_factor` (applied where quotas are set, `plan_quotas`) and
a `target_incentive` a year that replaces the plan's for the rep's curve measures. Here the
target becomes a pay scale per rep: it multiplies the rep's curve pay in the settlement,
in the mix the rep chooses and in the effort the rep solves for. Commission measures pay
their rates whatever the target.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from simulator.model.effort import RepTypes, group_reps
from simulator.plan.spec import PlanSpec
from simulator.team.reps import Reps

FloatArray = NDArray[np.float64]


def pay_scale(plan: PlanSpec, reps: Reps) -> FloatArray | None:
    """Each rep's target incentive over the plan's, (n_reps,), or None when all are 1.

    None too for a plan without a target incentive (every measure a commission): nothing
    then pays in multiples of it.
    """
    targets = reps.target_incentive
    if targets is None or plan.target_incentive <= 0:
        return None
    return np.where(np.isnan(targets), 1.0, targets / plan.target_incentive)


def target_per_period(plan: PlanSpec, reps: Reps) -> FloatArray | None:
    """Each rep's target pay per plan period, (n_reps,), or None: the plan's for all."""
    scale = pay_scale(plan, reps)
    if scale is None:
        return None
    return scale * (plan.target_incentive / plan.periods_per_year)


def group_with_pay(reach: FloatArray, effort_cost: FloatArray, weights: FloatArray,
                   quotas: FloatArray | None, scale: FloatArray | None) -> RepTypes:
    """`group_reps`, with each rep's pay scale: reps are grouped by cost per unit of pay.

    A rep paid s times the target weighs effort as a rep of cost / s would (exactly so on a
    plan of curve measures), so the grouping keys on that; each type keeps its members'
    mean cost and mean pay scale, and its terminal pay is scaled by the latter.
    """
    if scale is None:
        return group_reps(reach, effort_cost, weights, quotas)
    types = group_reps(reach, effort_cost / scale, weights, quotas)
    n_types = int(types.of_rep.max()) + 1
    counts = np.bincount(types.of_rep, minlength=n_types)
    mean_cost = np.bincount(types.of_rep, weights=effort_cost, minlength=n_types) / counts
    mean_scale = np.bincount(types.of_rep, weights=scale, minlength=n_types) / counts
    return replace(types, effort_cost=mean_cost, pay_scale=mean_scale)
