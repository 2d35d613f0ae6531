"""How each rep responds to a plan: where their hours go, and how hard they work when.

Two decisions, solved once per plan before any trial is simulated:

1. **Mix** (static, per rep): the split of working time across product lines and
   non-selling tasks, and the quality of calls, that maximises the rep's expected pay at
   normal effort plus an *inertia* toward the team's usual split. Measures with a
   weight under `ignore_weight_below` are ignored (seed 003: "it's easier to forget about
   him"), and each tracked measure beyond `focus_free_measures` costs focus.
2. **Effort** (dynamic): each week the rep picks effort e in [minimum, maximum] to maximise
   expected pay at the period's end minus the cost of effort, given attainment so far and
   weeks left. Solved by backward induction on a grid of the *progress index* x (expected
   1.0 at the end of a period at normal effort); reps are grouped into types of similar
   cost and reach so the solve costs the same for 50 or 50,000 reps.

A rep also *defers* movable deals into the next period when a unit of attainment is worth
more there than now (at a cap, or hopelessly below a threshold), losing some in the slip.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from simulator.base.metrics import METRICS
from simulator.plan.payout import PayoutCurve
from simulator.plan.spec import WEEKS_PER_YEAR, PlanSpec
from simulator.team.reps import Funnel, Reps, weekly_output
from simulator.team.spec import TeamSpec

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

X_MAX = 3.0
N_X = 121
N_EFFORT = 21
N_LUCK_NODES = 7
MAX_TYPES = 24
DEFER_WINDOW_WEEKS = 2
X_GRID = np.linspace(0.0, X_MAX, N_X)
DX = X_GRID[1] - X_GRID[0]


def _luck_nodes(sigma: float, n: int) -> tuple[FloatArray, FloatArray]:
    """Gauss-Hermite nodes and weights of a mean-one lognormal with log-sd sigma."""
    z, w = np.polynomial.hermite_e.hermegauss(n)
    return np.exp(sigma * z - sigma**2 / 2), w / w.sum()


def period_sigma(weekly_sigma: float, weeks: int) -> float:
    """Log-sd of a sum of `weeks` iid mean-one lognormal weeks (Fenton-Wilkinson)."""
    return float(np.sqrt(np.log1p(np.expm1(weekly_sigma**2) / weeks)))


def plan_quotas(plan: PlanSpec, funnel: Funnel, reps: Reps, team: TeamSpec) -> FloatArray:
    """Quotas per rep and measure for one period, in the metric's unit: (n_reps, n_measures).

    Relative quotas scale the rep's own expected result at normal effort with the default
    mix, as the company estimates it (off by the team's `spread.quota_error`). History
    quotas scale what the rep sold in the history: for a calibrated team the fitted level
    times the team's `history_factor` (count metrics), for a team without history the
    same as relative. Team quotas scale the team median of the expected result; absolute
    quotas are taken as written.
    """
    normal = weekly_output(
        funnel, reps, np.broadcast_to(funnel.default_mix, (reps.size, 6)), np.ones(reps.size)
    )
    weeks = plan.weeks_per_period
    columns = []
    for m in plan.measures:
        per_period = normal[m.metric] * (weeks if METRICS[m.metric].kind == "count" else 1.0)
        q = m.quota
        if q.kind == "absolute":
            column = np.full(reps.size, q.value)
        elif q.kind == "team":
            column = np.full(reps.size, q.value * float(np.median(per_period)))
        elif q.kind == "history" and METRICS[m.metric].kind == "count":
            column = q.value * team.history_factor * per_period * reps.quota_error
        else:
            column = q.value * per_period * reps.quota_error
        columns.append(column)
    return np.column_stack(columns)


def attainments(
    plan: PlanSpec, outputs: dict[str, FloatArray], quotas: FloatArray, weeks: float
) -> FloatArray:
    """Expected attainment per measure from weekly outputs: (..., n_reps, n_measures)."""
    cols = []
    for k, m in enumerate(plan.measures):
        value = outputs[m.metric] * (weeks if METRICS[m.metric].kind == "count" else 1.0)
        cols.append(quotas[:, k] / value if m.direction == "lower" else value / quotas[:, k])
    return np.stack(cols, axis=-1)


@dataclass(frozen=True)
class Mix:
    """Each rep's split of time and call quality under a plan."""

    shares: FloatArray  # (n_reps, 6) over ACTIVITIES
    quality: FloatArray  # (n_reps,)
    focus: float
    tracked: NDArray[np.bool_]  # (n_measures,) measures reps pay attention to


def default_mix(funnel: Funnel, n_reps: int) -> Mix:
    """What reps do when they do not know the plan, or in static mode: the team's norm."""
    return Mix(
        shares=np.tile(funnel.default_mix, (n_reps, 1)),
        quality=np.ones(n_reps),
        focus=1.0,
        tracked=np.zeros(0, dtype=bool),
    )


def tracked_measures(plan: PlanSpec, team: TeamSpec) -> NDArray[np.bool_]:
    """Measures heavy enough for reps to track (seed 003: light ones are forgotten)."""
    weights = np.array([m.weight for m in plan.measures])
    tracked = weights >= team.behavior.ignore_weight_below
    if not tracked.any():
        tracked = weights == weights.max()
    return tracked


def choose_mix(
    plan: PlanSpec,
    team: TeamSpec,
    funnel: Funnel,
    reps: Reps,
    quotas: FloatArray,
    iterations: int = 30,
) -> Mix:
    """Each rep's time split and call quality under the plan (see module docstring)."""
    tracked = tracked_measures(plan, team)
    focus = funnel.focus(int(tracked.sum()))
    weeks = plan.weeks_per_period
    curves = [PayoutCurve.from_measure(m) for m in plan.measures]
    weights = np.array([m.weight for m in plan.measures]) * tracked
    pay_scale = plan.pay.target_incentive / team.effort.reference_target_incentive
    sigma_sales = period_sigma(team.luck.sales_weekly, weeks)
    sigma_activity = team.luck.activity_weekly
    sigmas = np.array(
        [
            sigma_sales if METRICS[m.metric].luck == "sales" else sigma_activity
            for m in plan.measures
        ]
    )
    z, zw = np.polynomial.hermite_e.hermegauss(5)
    zw = zw / zw.sum()
    luck = np.exp(np.outer(sigmas, z) - sigmas[:, None] ** 2 / 2)  # (n_measures, 5)
    alpha0 = funnel.default_mix
    inertia = team.behavior.mix_inertia

    def value(shares: FloatArray, quality: FloatArray) -> FloatArray:
        outputs = weekly_output(funnel, reps, shares, quality, focus)
        att = attainments(plan, outputs, quotas, weeks)  # (..., n, M)
        pay = np.zeros(att.shape[:-1])
        for k, curve in enumerate(curves):
            if weights[k] > 0:
                expected = curve(att[..., k, None] * luck[k]) @ zw
                pay = pay + weights[k] * expected
        tau = shares / alpha0
        return pay_scale * pay + inertia * (alpha0 * tau**funnel.beta).sum(axis=-1)

    n = reps.size
    shares = np.tile(alpha0, (n, 1))
    quality = np.ones(n)
    q_grid = np.linspace(team.behavior.quality_min, team.behavior.quality_max, 13)
    h = 0.05
    step = 0.5 / (1.0 - funnel.beta)
    bump = 1.0 + h * np.eye(6)  # (6, 6): row j scales activity j
    for it in range(iterations):
        if it % 5 == 0:
            # quality: grid search at the current split
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


@dataclass(frozen=True)
class RepTypes:
    """Reps grouped for the effort solve: type of each rep and each type's parameters."""

    of_rep: IntArray  # (n_reps,)
    reach: FloatArray  # (n_types, n_measures): expected attainment per period at e = 1
    effort_cost: FloatArray  # (n_types,)


def group_reps(reach: FloatArray, effort_cost: FloatArray, weights: FloatArray) -> RepTypes:
    """Group reps by similar reach (pay-weighted) and effort cost, at most MAX_TYPES groups."""
    n = reach.shape[0]
    if n <= MAX_TYPES:
        return RepTypes(np.arange(n), reach, effort_cost)
    score = np.log(np.maximum(reach, 1e-9)) @ (weights / max(weights.sum(), 1e-12))
    reach_bins, cost_bins = 6, MAX_TYPES // 6

    def quantile_bin(values: FloatArray, bins: int) -> IntArray:
        edges = np.quantile(values, np.linspace(0, 1, bins + 1)[1:-1])
        return np.searchsorted(edges, values, side="right")

    key = quantile_bin(score, reach_bins) * cost_bins + quantile_bin(effort_cost, cost_bins)
    _, of_rep = np.unique(key, return_inverse=True)
    n_types = of_rep.max() + 1
    counts = np.bincount(of_rep, minlength=n_types)[:, None]
    type_reach = np.zeros((n_types, reach.shape[1]))
    np.add.at(type_reach, of_rep, reach)
    type_cost = np.bincount(of_rep, weights=effort_cost, minlength=n_types)
    return RepTypes(of_rep, type_reach / counts, type_cost / counts[:, 0])


@dataclass(frozen=True)
class Policy:
    """Effort and deferral by type, week of period and progress index, for one period."""

    effort: FloatArray  # (n_types, weeks, N_X)
    growth: FloatArray  # (n_types, weeks, N_X): effort ** output_elasticity
    defer: FloatArray  # (n_types, weeks, N_X): 1.0 where movable deals are pushed out
    value_slope_at_start: FloatArray  # (n_types,): marginal value of progress at week 0


def _transition(effort: FloatArray, step_scale: float, sigma: float) -> FloatArray:
    """Expected-value operator of one week for each effort level: (n_effort, N_X, N_X + pad).

    Row i of matrix j maps values on the (padded) grid to the expected value after a week at
    effort j from x_i: progress grows by step_scale * e ** gamma * luck, luck lognormal.
    """
    nodes, weights = _luck_nodes(sigma, N_LUCK_NODES)
    steps = step_scale * effort[:, None] * nodes[None, :]  # (n_e, n_nodes) in x units
    pad = int(np.ceil(steps.max() / DX)) + 2
    target = X_GRID[None, :, None] + steps[:, None, :]  # (n_e, N_X, n_nodes)
    pos = target / DX
    lo = np.floor(pos).astype(np.int64)
    frac = pos - lo
    matrix = np.zeros((effort.size, N_X, N_X + pad))
    e_idx, i_idx = np.meshgrid(np.arange(effort.size), np.arange(N_X), indexing="ij")
    for n in range(nodes.size):
        np.add.at(matrix, (e_idx, i_idx, lo[..., n]), weights[n] * (1 - frac[..., n]))
        np.add.at(matrix, (e_idx, i_idx, lo[..., n] + 1), weights[n] * frac[..., n])
    return matrix


def _pad(values: FloatArray, width: int) -> FloatArray:
    """Extend values on X_GRID linearly past X_MAX: (n_types, N_X) -> (n_types, width)."""
    slope = values[:, -1] - values[:, -2]
    extra = np.arange(1, width - N_X + 1)
    return np.concatenate((values, values[:, -1:] + slope[:, None] * extra), axis=1)


def solve_policy(
    terminal: FloatArray,
    effort_cost: FloatArray,
    weeks: int,
    season: float,
    sigma: float,
    team: TeamSpec,
    next_slope_at_start: FloatArray | None = None,
) -> Policy:
    """Backward induction over the weeks of one period.

    terminal: (n_types, N_X) pay at the period's end (currency) for each progress index.
    effort_cost: (n_types,) currency per week at e = 1 (cost is effort_cost * e**2 / 2).
    next_slope_at_start: the next period's marginal value of progress at its start, for the
    deferral rule (None: this period's own).
    """
    e = team.effort
    effort = np.linspace(e.minimum, e.maximum, N_EFFORT)
    growth = effort**e.output_elasticity
    matrix = _transition(growth, season / weeks, sigma)
    n_types = terminal.shape[0]
    operator = np.ascontiguousarray(matrix.reshape(N_EFFORT * N_X, -1).T)  # (padded, n_e*N_X)
    cost = effort_cost[:, None, None] * (effort**2 / 2)[None, :, None]  # (n_types, n_e, 1)
    value = terminal
    policy = np.empty((n_types, weeks, N_X))
    slopes = np.empty((n_types, weeks, N_X))
    for week in range(weeks - 1, -1, -1):
        q = (_pad(value, operator.shape[0]) @ operator).reshape(n_types, N_EFFORT, N_X)
        q -= cost
        best = np.argmax(q, axis=1)  # (n_types, N_X)
        policy[:, week] = effort[best]
        value = np.take_along_axis(q, best[:, None, :], axis=1)[:, 0]
        slopes[:, week] = np.gradient(value, DX, axis=1)
    start_slope = slopes[:, 0, 0]
    reference = start_slope if next_slope_at_start is None else next_slope_at_start
    keep = 1.0 - team.behavior.slip_loss
    weeks_left = weeks - np.arange(weeks)
    in_window = (weeks_left <= DEFER_WINDOW_WEEKS)[None, :, None]
    defer = in_window & (slopes < keep * reference[:, None, None] - 1e-9)
    return Policy(policy, policy**e.output_elasticity, defer.astype(float), start_slope)


def weekly_effort_cost(team: TeamSpec, effort_cost: FloatArray) -> FloatArray:
    """Cost in currency of one week at normal effort, per rep: (n_reps,).

    Calibrated so that e = 1 is optimal under a linear commission paying
    `reference_pay_slope` x the reference target incentive per 100% of a fair quota.
    """
    e = team.effort
    scale = e.output_elasticity * e.reference_pay_slope * e.reference_target_incentive
    return scale * effort_cost / WEEKS_PER_YEAR
