"""Where each rep's hours go under a plan: the split of time and the quality of calls.

Solved once per rep and plan, before any trial: the time shares over product lines and
non-selling tasks, and the call quality, that maximise the rep's expected pay at normal
effort plus an *inertia* toward the team's usual split. Measures with a weight under
`behavior.ignore_weight_below` are ignored (seed 003: "it's easier to forget about
him"), and each tracked measure beyond `focus_free_measures` costs focus.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from simulator.base.stats import mean_one_lognormal
from simulator.model.effort import period_sigma
from simulator.model.links import link_factor
from simulator.model.measures import MeasureLayout
from simulator.plan.payout import PayoutCurve, PlanPayout
from simulator.plan.spec import PlanSpec
from simulator.team.reps import Reps, WeeklyFunnel, weekly_output
from simulator.team.spec import TeamSpec

FloatArray = NDArray[np.float64]

MIX_ITERATIONS = 30
QUALITY_GRID_POINTS = 13
QUALITY_EVERY = 5
"""The call quality is re-optimised on its grid every QUALITY_EVERY fixed-point steps."""
LUCK_NODES = 5


@dataclass(frozen=True)
class Mix:
    """Each rep's split of time and call quality under a plan."""

    shares: FloatArray  # (n_reps, 6) over ACTIVITIES
    quality: FloatArray  # (n_reps,)
    focus: float
    tracked: NDArray[np.bool_]  # (n_measures,) measures reps pay attention to


def default_mix(funnel: WeeklyFunnel, n_reps: int) -> Mix:
    """What reps do when they do not know the plan, or in static mode: the team's norm."""
    return Mix(
        shares=np.tile(funnel.default_mix, (n_reps, 1)),
        quality=np.ones(n_reps),
        focus=1.0,
        tracked=np.zeros(0, dtype=bool),
    )


def tracked_measures(weights: FloatArray, team: TeamSpec) -> NDArray[np.bool_]:
    """Measures heavy enough for reps to track (seed 003: light ones are forgotten).

    weights: (M,) each measure's share of pay (`measures.pay_shares`; a curve plan's weights).
    """
    tracked = weights >= team.behavior.ignore_weight_below
    if not tracked.any():
        tracked = weights == weights.max()
    return tracked


def choose_mix(
    plan: PlanSpec,
    team: TeamSpec,
    funnel: WeeklyFunnel,
    reps: Reps,
    quotas: FloatArray,
    payout: PlanPayout,
    layout: MeasureLayout,
    shares: FloatArray | None = None,
    rep_scale: FloatArray | None = None,
) -> Mix:
    """Each rep's time split and call quality under the plan (see the module docstring).

    quotas: (n_reps, M) per period; shares: (M,) each measure's share of pay (None: the
    weights); rep_scale: (n_reps,) each rep's target pay over the plan's (None: 1).
    Multiplicative fixed-point steps on the gradient of expected pay plus inertia,
    with a grid search over call quality. A commission measure's expected pay is in
    currency, taken in units of the reference target pay per period.
    """
    tracked = tracked_measures(payout.weights if shares is None else shares, team)
    focus = funnel.focus(int(tracked.sum()))
    weeks = plan.weeks_per_period
    weights = payout.weights * tracked
    pay_scale: float | FloatArray = plan.target_incentive / team.effort.reference_target_incentive
    if rep_scale is not None:
        pay_scale = pay_scale * rep_scale
    per_reference = plan.periods_per_year / team.effort.reference_target_incentive
    commission = payout.commission & tracked
    linked = np.zeros(len(payout.curves), dtype=bool)
    linked[[k for k, _, _ in payout.gates] + [k for k, _, _ in payout.multipliers]] = True
    sigmas = layout.luck_sigmas(team, period_sigma(team.luck.sales_weekly, weeks))
    z, zw = np.polynomial.hermite_e.hermegauss(LUCK_NODES)
    zw = zw / zw.sum()
    luck = mean_one_lognormal(z[None, :], sigmas[:, None])  # (n_measures, LUCK_NODES)
    alpha0 = funnel.default_mix
    inertia = team.behavior.mix_inertia

    def value(shares: FloatArray, quality: FloatArray) -> FloatArray:
        outputs = weekly_output(funnel, reps, shares, quality, focus)
        att = layout.attainments(outputs, quotas, weeks)  # (..., n, M)
        pay = np.zeros(att.shape[:-1])
        for k, curve in enumerate(payout.curves):
            if weights[k] > 0 and isinstance(curve, PayoutCurve):
                expected = curve(att[..., k, None] * luck[k]) @ zw
                if linked[k]:  # a gate or multiplier at the other measure's expected result
                    expected = expected * link_factor(
                        payout, k, lambda j: att[..., j], expected.shape)
                pay = pay + weights[k] * expected
        tau = shares / alpha0
        value = pay_scale * pay + inertia * (alpha0 * tau**funnel.beta).sum(axis=-1)
        for j in map(int, np.flatnonzero(commission)):  # currency, in reference target pay
            earned = payout.measure_pay(j, att[..., j, None] * luck[j], quotas[:, j, None]) @ zw
            if linked[j]:
                earned = earned * link_factor(payout, j, lambda i: att[..., i], earned.shape)
            value = value + per_reference * earned
        return value

    n = reps.size
    shares = np.tile(alpha0, (n, 1))
    quality = np.ones(n)
    q_grid = np.linspace(team.behavior.quality_min, team.behavior.quality_max,
                         QUALITY_GRID_POINTS)
    h = 0.05
    step = 0.5 / (1.0 - funnel.beta)
    bump = 1.0 + h * np.eye(6)  # (6, 6): row j scales activity j
    for it in range(MIX_ITERATIONS):
        if it % QUALITY_EVERY == 0:
            trial = value(
                np.broadcast_to(shares, (q_grid.size, n, 6)), q_grid[:, None] * np.ones(n)
            )
            quality = q_grid[np.argmax(trial, axis=0)]
        base = value(shares, quality)
        bumped = value(shares[None, :, :] * bump[:, None, :], quality)  # (6, n)
        grad = (bumped - base) / (h * shares.T)  # (6, n): dJ/d alpha_j
        grad = np.maximum(grad.T, 1e-12)
        mean = (shares * grad).sum(axis=1, keepdims=True)
        shares = shares * (grad / mean) ** step
        shares = shares / shares.sum(axis=1, keepdims=True)
        shares = np.maximum(shares, 1e-6)
    return Mix(shares=shares, quality=quality, focus=focus, tracked=tracked)
