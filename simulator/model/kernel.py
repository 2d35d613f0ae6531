"""The engine's hot loops, compiled (numba): weeks, pay, tallies and the weekly luck.

A period's weeks, its end's pay and tallies, and the weekly luck from its normals: `run`
lays out their inputs and settles each period around them, `luck` draws the normals.
Written as numpy the weeks made a dozen passes over (trials x reps) arrays each week;
compiled, each trial's reps stay in cache while the period's weeks go by. Why numba and
what it bought: docs/ARCHITECTURE.md, "Speed". `tests/test_model_kernel.py` checks every
loop against its numpy statement (`Policy.cells`, `Leaving.apply`, `attainment_bin`,
`PayoutCurve`, the luck's formulas), most of them to the bit.

Every rep's week, in order: before reps know the plan they book normal output (under
the plan in force: its pacing); after, the policy's effort at their progress gives their
output, deals are pushed out of (or pulled into) the period's last weeks, and the week's
figures are tallied. A seat whose rep leaves at another week under the plan than today
has its luck scaled by the difference in availability (`turnover`).
"""

from __future__ import annotations

import numba
import numpy as np
from numpy.typing import NDArray

from simulator.plan.payout import ATTAINMENT_TOLERANCE

FloatArray = NDArray[np.float64]
TRIAL_BLOCK = 16  # trials that go through a period's weeks together


@numba.njit(cache=True, nogil=True)
def period_weeks(  # a compiled loop takes flat arrays, not objects
    luck: FloatArray,  # (48, T, n) weekly deal luck, mean 1
    first_week: int,  # the period's first week of the plan year
    units: FloatArray,  # (weeks,) each week's share of a normal period's output
    informed: FloatArray,  # (weeks,) share of each week in which reps knew the plan
    before_growth: FloatArray,  # (n, 48) effort ** gamma before the announcement
    before_effort: FloatArray,  # (n, 48)
    weights: FloatArray,  # (4, T or 1, n) progress weights: pre/post sales, pre/post
    # activity (one row: the same in every trial)
    activity: FloatArray,  # (T, n) the period's activity luck (used if has_activity)
    has_activity: bool,
    tables: FloatArray,  # (4, K) flat policy tables: effort, growth, defer, pull
    offsets: NDArray[np.int64],  # (n,) each rep's type block in the tables
    inv_dx: float,
    n_x: int,
    rules: FloatArray,  # defer_window, movable_share, slip_loss, pull_share, pull_discount,
    # minimum effort
    leave: NDArray[np.intp],  # (2, T, n) leaving week under the plan and today, or (2,0,0)
    availability: FloatArray,  # (49, 48) a seat's availability by leaving week and week
    hires: FloatArray,  # (2, 48, n) new hires' output and days-in-post shares by week, or
    # (2, 0, 0) when every rep is in post all year (`model.hires`)
    revenue: FloatArray,  # (n,) weekly revenue at normal effort, plan mix
    revenue_default: FloatArray,  # (n,) the same, usual mix
    state: tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray],
    # (T, n) each, in/out: pre_sales, post_sales, carry, post_activity, min_weeks, effort
    pre_activity: FloatArray,  # (n,) normal weeks worked before the announcement (in)
    weekly_sales: FloatArray,  # (T, 48) in/out: the team's bookings in each week
    weekly_effort: FloatArray,  # (T, 48) in/out: effort summed over the reps
    moves: FloatArray,  # (3, T) in/out: deferred, pulled, discount cost, per week of output
) -> None:
    """Simulate the period's weeks for every trial and rep, accumulating into the outputs.

    Blocks of TRIAL_BLOCK trials go through the period's weeks together, so a week's
    policy tables and the block's state stay in cache; each trial's week is worked in
    short passes over its reps (luck, work before the plan, progress, the cell each rep
    reads, output, deals moved, effort and the week's sums), which the processor overlaps
    where one long pass per rep waited on each table read. Every sum adds in the order of
    the plain loop (week by week, rep by rep), so the bits are the same. Table indices
    are unsigned (numba wraps a signed one that might be negative: 18 instructions a
    rep-week), and most weeks (informed, no new hires, no deals moved) take output and
    effort in one lean pass; `scripts/count_instructions.py` counts what the loop runs.
    """
    pre_sales, post_sales, carry, post_activity, min_weeks, effort_sums = state
    n_trials, n_reps = pre_sales.shape
    weeks = units.size
    with_leaving = leave.shape[1] > 0
    with_hires = hires.shape[1] > 0
    per_trial = weights.shape[1] > 1
    defer_from = weeks - int(rules[0])
    movable, slip, pull_share, discount, minimum = rules[1], rules[2], rules[3], rules[4], rules[5]
    effort_tab, growth_tab, defer_tab, pull_tab = tables[0], tables[1], tables[2], tables[3]
    factors = _leaving_factors(availability, first_week, weeks if with_leaving else 0)
    growth_by_week = np.ascontiguousarray(before_growth.T)  # (48, n)
    effort_by_week = np.ascontiguousarray(before_effort.T)
    lk = np.empty(n_reps)  # a trial's week, rep by rep: luck, progress, cell read, output
    progress = np.empty(n_reps)
    cells = np.empty(n_reps, dtype=np.uint64)  # unsigned: an index numba need not wrap
    output = np.empty(n_reps)
    sales_before, effort_before = np.zeros(n_reps), np.zeros(n_reps)  # sums' terms
    for first in range(0, n_trials, TRIAL_BLOCK):
        for week in range(weeks):
            year_week = first_week + week
            f = informed[week]
            unit = units[week]
            unit_after = unit * f
            at_minimum = f * minimum + 1e-9
            week_cells = week * n_x
            for t in range(first, min(first + TRIAL_BLOCK, n_trials)):
                pre, post = pre_sales[t], post_sales[t]
                if with_leaving:  # a factor, not a branch: which seats differ is random
                    seats, plan_leave, today_leave = factors[week], leave[0, t], leave[1, t]
                    for i in range(n_reps):
                        lk[i] = luck[year_week, t, i] * seats[np.uint64(plan_leave[i]),
                                                              np.uint64(today_leave[i])]
                else:
                    lk[:] = luck[year_week, t]
                if with_hires:  # a new hire's luck: only in post, on the team's ramp
                    for i in range(n_reps):
                        lk[i] *= hires[0, year_week, i]
                if f < 1:  # as under the plan in force, or at normal effort
                    effort_sum = effort_sums[t]
                    for i in range(n_reps):
                        before = ((unit * (1 - f)) * growth_by_week[year_week, i]) * lk[i]
                        pre[i] += before
                        e_before = (1 - f) * effort_by_week[year_week, i]
                        if with_hires:
                            e_before *= hires[1, year_week, i]
                        effort_sum[i] += e_before
                        sales_before[i] = before * revenue_default[i]
                        effort_before[i] = e_before
                week_sales = 0.0
                week_effort = 0.0
                if f > 0:
                    w = t if per_trial else 0
                    for i in range(n_reps):
                        progress[i] = pre[i] * weights[0, w, i] + post[i] * weights[1, w, i]
                    if has_activity:
                        for i in range(n_reps):
                            progress[i] += activity[t, i] * (
                                pre_activity[i] * weights[2, w, i]
                                + post_activity[t, i] * weights[3, w, i])
                    for i in range(n_reps):  # the nearest grid point, as `Policy.cells`
                        cell = min(max(int(progress[i] * inv_dx + 0.5), 0), n_x - 1)
                        cells[i] = np.uint64(cell + offsets[i] + week_cells)
                    activity_sum = post_activity[t]
                    effort_sum, minimum_weeks = effort_sums[t], min_weeks[t]
                    if f == 1 and not with_hires and week < defer_from:  # most weeks: lean
                        for i in range(n_reps):  # output, then effort, as below
                            cell = cells[i]
                            out = growth_tab[cell] * unit_after
                            activity_sum[i] += out
                            booked = out * lk[i]
                            post[i] += booked
                            week_sales += booked * revenue[i]
                            effort = effort_tab[cell]
                            effort_sum[i] += effort
                            week_effort += effort
                            minimum_weeks[i] += 1.0 if effort <= at_minimum else 0.0
                    else:
                        for i in range(n_reps):
                            out = growth_tab[cells[i]] * unit_after
                            activity_sum[i] += out * hires[0, year_week, i] if with_hires else out
                            output[i] = out * lk[i]
                        if week >= defer_from:
                            _move_deals(t, cells, output, carry[t], moves, revenue, defer_tab,
                                        pull_tab, movable, slip, unit * f * pull_share,
                                        pull_share, discount)
                        for i in range(n_reps):
                            post[i] += output[i]
                            if f < 1:  # the sums in the plain loop's order: before, after
                                week_sales += sales_before[i]
                                week_effort += effort_before[i]
                            week_sales += output[i] * revenue[i]
                            effort = effort_tab[cells[i]]
                            if f < 1:
                                effort *= f
                            at_min = effort <= at_minimum
                            in_post = f
                            if with_hires:  # effort counts for the days in post
                                effort *= hires[1, year_week, i]
                                in_post *= hires[1, year_week, i]
                            effort_sum[i] += effort
                            week_effort += effort
                            minimum_weeks[i] += in_post if at_min else 0.0  # no branch
                else:  # nobody knows the plan yet
                    for i in range(n_reps):
                        week_sales += sales_before[i]
                        week_effort += effort_before[i]
                weekly_sales[t, year_week] += weeks * week_sales
                weekly_effort[t, year_week] += week_effort


@numba.njit(cache=True, nogil=True)
def _move_deals(t: int, cells: NDArray[np.uint64], output: FloatArray, carry: FloatArray,
                moves: FloatArray, revenue: FloatArray, defer_tab: FloatArray,
                pull_tab: FloatArray, movable: float, slip: float, pull_unit: float,
                pull_share: float, discount: float) -> None:
    """A last week's deals: pushed out to the next period, or its deals pulled in."""
    for i in range(output.size):
        out = output[i]
        if movable > 0:  # pushed out to the next period
            moved = out * (movable * defer_tab[cells[i]])
            out -= moved
            carry[i] += (1.0 - slip) * moved
            moves[0, t] += moved * revenue[i]
        if pull_share > 0:  # next period's deals, closed now at a discount
            pulled = pull_unit * pull_tab[cells[i]]
            carry[i] -= pulled
            value = pulled * revenue[i]
            moves[1, t] += value
            moves[2, t] += discount * value
            out += (1.0 - discount) * pulled
        output[i] = out


@numba.njit(cache=True, nogil=True)
def _leaving_factors(availability: FloatArray, first_week: int, weeks: int) -> FloatArray:
    """(weeks, 49, 49): 1 + availability under the plan - today by week and leaving weeks.

    1.0 exactly where the weeks are the same, so a seat whose rep leaves as today keeps
    its luck's bits.
    """
    n = availability.shape[0]
    factors = np.ones((weeks, n, n))
    for week in range(weeks):
        for p in range(n):
            for q in range(n):
                if p != q:
                    factors[week, p, q] = (1.0 + availability[p, first_week + week]
                                           - availability[q, first_week + week])
    return factors


@numba.njit(cache=True, nogil=True)
def period_tallies(
    full: FloatArray,  # (T, n, M) each measure's attainment
    pay: FloatArray,  # (T, n, M) each measure's pay
    at_cap: NDArray[np.bool_],  # (T, n, M) measures paid at their cap
    present: NDArray[np.bool_],  # (n,) reps in post in the period (the others: no tally)
    milestones: FloatArray,  # (M, 3) attainment of each threshold, quota and curve top
    primary: int,  # the measure whose attainment is histogrammed
    bin_width: float,  # the attainment histogram's bins: [k w, (k + 1) w), k < n_bins - 1
    gave_up_weeks: float,  # weeks at minimum effort that mean giving up (< 0: nobody knew)
    min_weeks: FloatArray,  # (T, n) weeks at minimum effort
    rep_pay: FloatArray,  # (T, n) out: each rep's pay
    gave_up: NDArray[np.bool_],  # (T, n) out
    capped: NDArray[np.bool_],  # (T, n) out: some measure at its cap
    counts: FloatArray,  # (3, T) in/out: gave up, capped, at quota
    reached: FloatArray,  # (T, M, 3) in/out: reps at each milestone
    attainment: FloatArray,  # (T, M) in/out: attainments summed over reps
    measure_pay: FloatArray,  # (T, M) in/out
    histogram: NDArray[np.int64],  # (n_bins + 1,) in/out: primary attainment's histogram
) -> None:
    """A period's end: the tallies of its attainments and pay over every trial and rep."""
    n_trials, n_reps, n_measures = full.shape
    top = histogram.size - 2.0
    for t in range(n_trials):
        for i in range(n_reps):
            if not present[i]:  # a new hire not yet started: paid nothing, in no count
                rep_pay[t, i] = 0.0
                capped[t, i] = gave_up[t, i] = False
                continue
            total = 0.0
            any_cap = False
            for k in range(n_measures):
                a, p = full[t, i, k], pay[t, i, k]
                total += p
                any_cap |= at_cap[t, i, k]
                attainment[t, k] += a
                measure_pay[t, k] += p
                for j in range(3):  # no branch: whether a rep reaches a milestone is random
                    reached[t, k, j] += 1.0 if a >= milestones[k, j] - 1e-12 else 0.0
            rep_pay[t, i] = total
            capped[t, i] = any_cap
            counts[1, t] += any_cap
            gave_up[t, i] = gave_up_weeks >= 0 and min_weeks[t, i] >= gave_up_weeks
            counts[0, t] += gave_up[t, i]
            a = full[t, i, primary]
            counts[2, t] += a >= 1.0 - 1e-12
            scaled = min(max(a / bin_width, -1.0), top)
            histogram[int(np.floor(scaled)) + 1] += 1


@numba.njit(cache=True, nogil=True)
def lognormal(z: FloatArray, sigma: float, shift: FloatArray, out: FloatArray) -> None:
    """out[w, t, i] = exp(sigma z[w, t, i] + shift[w, t]), for the trials t < out.shape[1].

    Weekly deal luck from its normals: `luck.block_luck` worked it as three numpy passes
    (times sigma, plus the shift, exp) and a copy into the chunk's array; one pass here,
    the same operations in the same order, so the same bits (exp: the C library's, as
    numpy's on this machine; `tests/test_model_kernel.py`). out may be z itself.
    """
    weeks, trials, n = out.shape
    for w in range(weeks):
        for t in range(trials):
            s = shift[w, t]
            for i in range(n):
                out[w, t, i] = np.exp(z[w, t, i] * sigma + s)


@numba.njit(cache=True, nogil=True)
def market_months(level: FloatArray, z: FloatArray, rho: float, sigma: float,
                  innovation: float, half_variance: float) -> FloatArray:
    """The log market factor (12, T): level[t] + an AR(1) month - half_variance.

    month 0 = sigma z[0]; month m = rho month m-1 + innovation z[m]. As numpy worked it
    (`luck.market_log_factors`), month by month over arrays, so the same bits; compiled
    because its dozen small passes cost more than a block's draws.
    """
    months, trials = z.shape
    out = np.empty((months, trials))
    for t in range(trials):
        month = sigma * z[0, t]
        out[0, t] = level[t] + month - half_variance
        for m in range(1, months):
            month = rho * month + innovation * z[m, t]
            out[m, t] = level[t] + month - half_variance
    return out


@numba.njit(cache=True, nogil=True)
def curve_pay(
    full: FloatArray,  # (T, n, M) each measure's attainment
    xs: FloatArray,  # (M, P) each curve's points (the first `sizes[k]` of row k)
    ys: FloatArray,  # (M, P)
    slopes: FloatArray,  # (M, P) the slope from each point on
    sizes: NDArray[np.int64],  # (M,) points per curve
    thresholds: FloatArray,  # (M,)
    caps: FloatArray,  # (M,) the cap of the payout multiple (inf: none)
    weights: FloatArray,  # (M,) shares of the target incentive
    targets: FloatArray,  # (n,) each rep's target incentive for one period
    pay: FloatArray,  # (T, n, M) out: each measure's pay
    at_cap: NDArray[np.bool_],  # (T, n, M) out: paid at its cap
) -> None:
    """Each measure's pay on its curve, as `PlanPayout.settle` pays a plan of curves only.

    The same operations in the same order as `PayoutCurve.__call__` (the point reached
    counted instead of searched), so the same bits; `tests/test_model_kernel.py` holds
    it to them.
    """
    n_trials, n_reps, n_measures = full.shape
    for t in range(n_trials):
        for i in range(n_reps):
            for k in range(n_measures):
                a = full[t, i, k]
                if a != a:  # NaN: below every threshold, as in numpy
                    multiple = 0.0
                else:
                    a = max(a, 0.0)
                    nudged = a + ATTAINMENT_TOLERANCE * max(a, 1.0)
                    j = 0
                    for point in range(1, sizes[k]):
                        j += nudged >= xs[k, point]
                    slope = slopes[k, j]
                    beyond = max(a - xs[k, j], 0.0)
                    multiple = ys[k, j] + (slope * beyond if slope > 0 else 0.0)
                    if not nudged >= thresholds[k]:
                        multiple = 0.0
                    multiple = min(multiple, caps[k])
                pay[t, i, k] = multiple * weights[k] * targets[i]
                at_cap[t, i, k] = multiple >= caps[k] - 1e-12
