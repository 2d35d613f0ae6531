"""How hard each rep works, week by week: the effort policy, solved by backward induction.

Each week a rep picks effort e in [minimum, maximum] to maximise expected pay at the
period's end minus the cost of effort, given attainment so far and the weeks left. The
state is the *progress index* x: pay-weighted attainment of the tracked count measures in
units of a normal period (1.0 = a normal period's output by its end). The policy is
solved once per plan on a grid of x (one matrix product per week for the expected value
over luck); reps are grouped into types of similar cost and reach, so the solve costs
the same for 50 or 50,000 reps. The engine then looks the policy up per rep and week.

Deal timing, both ways, in the last weeks of a period: a rep *defers* movable deals into the
next period when a unit of attainment is worth more there than now (at a cap, or
hopelessly below a threshold), losing some in the slip, and *pulls in* deals from the next
period, at a price discount, when a unit now is worth more than a full unit there (just
below a threshold, or on a steep accelerator).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import ThreadpoolController

from simulator.base.calendar import MONTHS_PER_YEAR, WEEKS_PER_MONTH, WEEKS_PER_YEAR
from simulator.base.stats import lognormal_nodes
from simulator.model.links import grid_attainment, link_factor
from simulator.plan.payout import PayoutCurve, PlanPayout
from simulator.team.spec import TeamSpec

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

X_MAX = 3.0
N_X = 121
N_EFFORT = 21
N_LUCK_NODES = 7
MAX_TYPES = 24
X_GRID = np.linspace(0.0, X_MAX, N_X)
DX = X_GRID[1] - X_GRID[0]
_THREADS = ThreadpoolController()
"""Limits BLAS threads around the solve (built once: building one inspects the process)."""


def period_sigma(weekly_sigma: float, weeks: int) -> float:
    """Log-sd of a sum of `weeks` iid mean-one lognormal weeks (Fenton-Wilkinson)."""
    return float(np.sqrt(np.log1p(np.expm1(weekly_sigma**2) / weeks)))


@dataclass(frozen=True)
class RepTypes:
    """Reps grouped for the effort solve: type of each rep and each type's parameters."""

    of_rep: IntArray  # (n_reps,)
    reach: FloatArray  # (n_types, n_measures): expected attainment per period at e = 1
    effort_cost: FloatArray  # (n_types,)
    quotas: FloatArray | None = None  # (n_types, n_measures) mean quota per period
    pay_scale: FloatArray | None = None  # (n_types,) target pay / the plan's (`model.terms`)


def group_reps(reach: FloatArray, effort_cost: FloatArray, weights: FloatArray,
               quotas: FloatArray | None = None) -> RepTypes:
    """Group reps by similar reach (pay-weighted) and effort cost, at most MAX_TYPES groups.

    reach: (n_reps, M) expected attainment per period at normal effort; effort_cost:
    (n_reps,) currency per week at e = 1; weights: (M,) weights of the progress index;
    quotas: (n_reps, M) per period, kept as each type's mean (a commission pays on them).
    A team of at most MAX_TYPES reps keeps one type per rep.
    """
    n = reach.shape[0]
    if n <= MAX_TYPES:
        return RepTypes(np.arange(n), reach, effort_cost, quotas)
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
    type_quotas = None
    if quotas is not None:
        type_quotas = np.zeros((n_types, quotas.shape[1]))
        np.add.at(type_quotas, of_rep, quotas)
        type_quotas /= counts
    return RepTypes(of_rep, type_reach / counts, type_cost / counts[:, 0], type_quotas)


@dataclass(frozen=True)
class ExpectedPath:
    """A period as a rep following a policy expects it, from x = 0 (`expected_path`).

    growth, effort: (n_types, weeks) expected effort ** gamma and effort each week;
    cost_units: (n_types,) expected sum of effort ** rho / rho over the weeks (times the
    weekly effort cost: the period's cost of effort); end: (n_types, N_X) the distribution
    of progress at the period's end.
    """

    growth: FloatArray
    effort: FloatArray
    cost_units: FloatArray
    end: FloatArray


@dataclass(frozen=True)
class Policy:
    """Effort and deferral by type, week of period and progress index, for one period."""

    effort: FloatArray  # (n_types, weeks, N_X)
    growth: FloatArray  # (n_types, weeks, N_X): effort ** output_elasticity
    defer: FloatArray  # (n_types, weeks, N_X): 1.0 where movable deals are pushed out
    pull: FloatArray  # (n_types, weeks, N_X): 1.0 where next period's deals are pulled in
    value_slope_at_start: FloatArray  # (n_types,): marginal value of progress at week 0
    worth: FloatArray  # (n_types,): expected pay less the cost of effort, undiscounted
    mean_growth: FloatArray  # (n_types, weeks): expected effort ** gamma from x = 0
    mean_effort: FloatArray  # (n_types, weeks): expected effort from x = 0

    def type_offsets(self, of_rep: IntArray) -> IntArray:
        """Each rep's offset into the flat tables: its type's block, (n_reps,)."""
        weeks = self.effort.shape[1]
        return of_rep * (weeks * N_X)

    @staticmethod
    def cells(x: FloatArray, offsets: IntArray, week: int) -> IntArray:
        """Flat table index of each rep's nearest grid point of progress `x` in `week`.

        x: (..., n_reps) progress index, overwritten; offsets: `type_offsets`. Index the
        flat tables with it; the compiled loop (`kernel.period_weeks`) is held to this.
        """
        x *= 1 / DX
        x += 0.5
        idx = x.astype(np.int64)
        np.clip(idx, 0, N_X - 1, out=idx)  # below 0: deals pulled from this period earlier
        idx += offsets + week * N_X
        return idx


def transition(effort: FloatArray, step_scale: float, sigma: float) -> FloatArray:
    """Expected-value operator of one week for each effort level: (n_effort, N_X, N_X + pad).

    Row i of matrix j maps values on the (padded) grid to the expected value after a week
    at effort j from x_i: progress grows by step_scale * effort_j * luck, luck a mean-one
    lognormal of log-sd `sigma` on N_LUCK_NODES Gauss-Hermite nodes, each landing point
    split linearly between its two neighbouring grid points.
    """
    nodes, weights = lognormal_nodes(sigma, N_LUCK_NODES)
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


@dataclass(frozen=True)
class PeriodDynamics:
    """The effort grid and one week's expected-value operator for a period.

    Independent of pay and of the cost level, so one is built per period shape (weeks,
    season, luck) and reused by every solve on it (the anchoring solves many).
    """

    weeks: int
    effort: FloatArray  # (N_EFFORT,) effort levels
    growth: FloatArray  # (N_EFFORT,) effort ** output_elasticity
    matrix: FloatArray  # (N_EFFORT, N_X, N_X + pad): `transition`
    operator: FloatArray  # (N_X + pad, N_EFFORT * N_X): the matrix for one matrix product

    @classmethod
    def of(cls, team: TeamSpec, weeks: int, season: float, sigma: float) -> PeriodDynamics:
        """A period of `weeks` weeks, output `season` x normal, weekly luck log-sd `sigma`."""
        e = team.effort
        effort = np.linspace(e.minimum, e.maximum, N_EFFORT)
        growth = effort**e.output_elasticity
        matrix = transition(growth, season / weeks, sigma)
        operator = np.ascontiguousarray(matrix.reshape(N_EFFORT * N_X, -1).T)
        return cls(weeks, effort, growth, matrix, operator)

    def backward_induction(
        self,
        terminal: FloatArray,
        effort_cost: FloatArray,
        cost_curvature: float,
        present_bias: float = 1.0,
        discount: float = 1.0,
    ) -> tuple[IntArray, FloatArray]:
        """The optimal effort index and the marginal value of progress, by type, week and x.

        terminal: (n_types, N_X) pay at the period's end; effort_cost: (n_types,) currency
        per week, cost = effort_cost * e**rho / rho with rho = `cost_curvature`.
        present_bias (beta) and discount (delta, per week): a quasi-hyperbolic rep weighs
        everything after this week by beta x delta against this week's cost, and knows
        that later selves will do the same (the sophisticated beta-delta model; both 1:
        no discounting). Returns (best, slopes), each (n_types, weeks, N_X).
        """
        n_types = terminal.shape[0]
        cost = (effort_cost[:, None, None]
                * (self.effort**cost_curvature / cost_curvature)[None, :, None])
        value = terminal
        best = np.empty((n_types, self.weeks, N_X), dtype=np.int64)
        slopes = np.empty((n_types, self.weeks, N_X))
        impatient = present_bias != 1.0 or discount != 1.0
        # these small products run 10-20x slower when BLAS spreads them over busy cores
        with _THREADS.limit(limits=1, user_api="blas"):
            for week in range(self.weeks - 1, -1, -1):
                q = (_pad(value, self.operator.shape[0]) @ self.operator).reshape(
                    n_types, N_EFFORT, N_X)
                if impatient:
                    ahead = q
                    q = present_bias * discount * ahead - cost
                else:
                    q -= cost
                choice = np.argmax(q, axis=1)  # (n_types, N_X)
                best[:, week] = choice
                if impatient:  # the value later selves carry on: discounted, not biased
                    value = (discount * np.take_along_axis(ahead, choice[:, None, :], axis=1)
                             - np.take_along_axis(cost, choice[:, None, :], axis=1)[:, 0])
                    value = value[:, 0]
                else:
                    value = np.take_along_axis(q, choice[:, None, :], axis=1)[:, 0]
                slopes[:, week] = np.gradient(value, DX, axis=1)
        return best, slopes

    def expected_path(self, best: IntArray, cost_curvature: float = 2.0) -> ExpectedPath:
        """What a rep following `best` (`backward_induction`) expects of a period from x = 0.

        A forward pass of the progress distribution on the grid, with the same weekly luck
        as the solve; progress past the grid's end stays at its last point, as the engine's
        lookup does.
        """
        n_types = best.shape[0]
        width = self.matrix.shape[2]
        p = np.zeros((n_types, N_X))
        p[:, 0] = 1.0
        rows = np.arange(N_X)
        growth = np.empty((n_types, self.weeks))
        effort = np.empty((n_types, self.weeks))
        cost = np.zeros(n_types)
        cost_units = self.effort**cost_curvature / cost_curvature
        for week in range(self.weeks):
            choice = best[:, week]  # (n_types, N_X)
            growth[:, week] = (p * self.growth[choice]).sum(axis=1)
            effort[:, week] = (p * self.effort[choice]).sum(axis=1)
            cost += (p * cost_units[choice]).sum(axis=1)
            moved = np.einsum("tx,txy->ty", p, self.matrix[choice, rows[None, :], :])
            p = moved[:, :N_X].copy()
            p[:, -1] += moved[:, N_X:width].sum(axis=1)
        return ExpectedPath(growth, effort, cost, p)


def solve_policy(
    terminal: FloatArray,
    effort_cost: FloatArray,
    weeks: int,
    season: float,
    sigma: float,
    team: TeamSpec,
    next_slope_at_start: FloatArray | None = None,
    dynamics: PeriodDynamics | None = None,
) -> Policy:
    """Backward induction over the weeks of one period.

    terminal: (n_types, N_X) pay at the period's end (currency) for each progress index.
    effort_cost: (n_types,) currency per week at e = 1 (cost is effort_cost * e**rho / rho,
    rho the team's `effort.cost_curvature`).
    season: the period's output relative to an average one; sigma: log-sd of a week's luck.
    next_slope_at_start: the next period's marginal value of progress at its start, for the
    deferral rule (None: this period's own). dynamics: the period's prebuilt operator.
    """
    dyn = dynamics or PeriodDynamics.of(team, weeks, season, sigma)
    b = team.behavior
    best, slopes = dyn.backward_induction(
        terminal, effort_cost, team.effort.cost_curvature, b.present_bias, b.weekly_discount)
    policy = dyn.effort[best]
    start_slope = slopes[:, 0, 0]
    reference = start_slope if next_slope_at_start is None else next_slope_at_start
    keep = 1.0 - b.slip_loss
    weeks_left = weeks - np.arange(weeks)
    in_window = (weeks_left <= b.defer_window_weeks)[None, :, None]
    later = reference[:, None, None]
    defer = in_window & (slopes < keep * later - 1e-9)
    pull = in_window & (slopes * (1.0 - b.pull_discount) > later + 1e-9) & (b.pull_share > 0)
    path = dyn.expected_path(best, team.effort.cost_curvature)
    worth = (path.end * terminal).sum(axis=1) - effort_cost * path.cost_units
    return Policy(policy, policy**team.effort.output_elasticity, defer.astype(float),
                  pull.astype(float), start_slope, worth, path.growth, path.effort)


def weekly_effort_cost(team: TeamSpec, effort_cost: FloatArray) -> FloatArray:
    """Cost in currency of one week at normal effort, per rep: (n_reps,).

    Calibrated so that e = 1 is optimal under a linear commission paying
    `reference_pay_slope` x the reference target incentive per 100% of a fair quota.
    """
    e = team.effort
    scale = e.output_elasticity * e.reference_pay_slope * e.reference_target_incentive
    return scale * effort_cost / WEEKS_PER_YEAR


def terminal_pay(payout: PlanPayout, pay_weights: FloatArray, reach: FloatArray,
                 ratchets: FloatArray | None = None, year_discount: float = 1.0,
                 quotas: FloatArray | None = None, is_count: NDArray[np.bool_] | None = None,
                 pay_scale: FloatArray | None = None) -> FloatArray:
    """Pay at a period's end for each type and progress index: (n_types, N_X) currency.

    pay_weights: (M,) weights of the measures in the progress index (0 elsewhere);
    reach: (n_types, M) expected attainment of a normal period. Attainment after progress
    x is x times the reach, or for a lower-is-better measure quota / actual, which falls as
    x grows (x floored half a grid step above 0).

    ratchets: (M,) the share of the way next year's quota moves to this year's result; a
    rep who foresees it counts each unit of progress at its cost next year: the
    measure's marginal pay at normal progress x its ratchet, discounted by `year_discount`
    (a year), is taken off the pay of every unit of x (Misra & Nair 2011's holding back).
    quotas: (n_types, M) quota per period: commission measures pay their schedule on the
    value (attainment x quota) in currency; pay_scale: (n_types,) target pay / the plan's.
    Gates and multipliers between measures (`PlanPayout.gates`, `multipliers`) act on the
    other measure's attainment at the same progress: x times its reach for a count measure
    (is_count: (M,), None: all), its expected level otherwise.
    """
    terminal = np.zeros((reach.shape[0], N_X))
    one = int(round(1.0 / DX))  # the grid point of a normal period's progress
    for k, curve in enumerate(payout.curves):
        if pay_weights[k] > 0:
            r = reach[:, k, None]
            att = r / np.maximum(X_GRID, DX / 2) if payout.lower[k] else r * X_GRID
            if not isinstance(curve, PayoutCurve):  # a commission schedule
                assert quotas is not None, "a commission measure pays on the types' quotas"
                pay = payout.measure_pay(k, att, quotas[:, k, None])
            else:
                pay = (payout.target_per_period * pay_weights[k] * curve(att)
                       * (1.0 if pay_scale is None else pay_scale[:, None]))
            if payout.gates or payout.multipliers:
                pay = pay * link_factor(payout, k, lambda j: grid_attainment(
                    payout, j, reach, is_count, X_GRID, DX / 2), pay.shape)
            terminal += pay
            if ratchets is not None and ratchets[k] > 0:
                slope = (pay[:, one + 1] - pay[:, one - 1]) / (2 * DX)  # (n_types,)
                terminal -= year_discount * ratchets[k] * slope[:, None] * X_GRID[None, :]
    return terminal


def progress_sigma(team: TeamSpec, pay_weights: FloatArray, sales_luck: NDArray[np.bool_],
                   weeks: int) -> float:
    """Log-sd of a week's luck on the progress index: the pay-weighted luck of its measures.

    Deal-driven measures also carry the market's shock, which persists over the period:
    the solve, whose weeks are independent, sees it as weekly luck of the same variance
    over the period (weeks x its period variance).
    """
    months = max(1, weeks // WEEKS_PER_MONTH)
    market = weeks * team.luck.market_period_variance(months)
    variances = np.where(sales_luck, team.luck.sales_weekly**2 + market,
                         team.luck.activity_weekly**2)
    total = pay_weights.sum()
    return (float(np.sqrt(np.dot(pay_weights, variances) / total)) if total > 0
            else team.luck.sales_weekly)


def period_seasons(team: TeamSpec, weeks: int) -> FloatArray:
    """Each plan period's output relative to an average period (its months' mean season)."""
    months = weeks * MONTHS_PER_YEAR // WEEKS_PER_YEAR
    return np.array(team.seasonality).reshape(-1, months).mean(axis=1)


def effort_policies(
    payout: PlanPayout,
    team: TeamSpec,
    weeks: int,
    types: RepTypes,
    pay_weights: FloatArray,
    sales_luck: NDArray[np.bool_],
    ratchets: FloatArray | None = None,
    is_count: NDArray[np.bool_] | None = None,
) -> list[Policy]:
    """The effort policy of every period of the plan year: one per period, in order.

    Periods whose season and next period's season are equal share one solve; the deferral
    rule compares with the next period's value of progress at its start.
    pay_weights: (M,) weights of the tracked count measures (the progress index), not
    normalised: they scale the terminal pay; sales_luck: (M,) deal-driven measures;
    ratchets: (M,) the measures' quota ratchets, foreseen (see `terminal_pay`).
    """
    seasons = period_seasons(team, weeks)
    terminal = terminal_pay(payout, pay_weights, types.reach, ratchets,
                            team.behavior.weekly_discount ** WEEKS_PER_YEAR, types.quotas,
                            is_count, types.pay_scale)
    sigma = progress_sigma(team, pay_weights, sales_luck, weeks)
    solved: dict[float, Policy] = {}
    for season in dict.fromkeys(np.round(seasons, 12)):
        solved[season] = solve_policy(terminal, types.effort_cost, weeks, season, sigma, team)
    policies = []
    for p, season in enumerate(np.round(seasons, 12)):
        following = solved[np.round(seasons[(p + 1) % seasons.size], 12)]
        if following is solved[season]:
            policies.append(solved[season])
        else:
            policies.append(solve_policy(terminal, types.effort_cost, weeks, season, sigma,
                                         team, following.value_slope_at_start))
    return policies
