"""The engine's hot loops, compiled (numba): a period's weeks and its end's tallies.

`run` lays out their inputs and settles each period around them. Written as numpy the
weeks made a dozen passes over (trials x reps) arrays each week; compiled, each trial's
reps stay in cache while the period's weeks go by. Why numba and what it bought:
docs/ARCHITECTURE.md, "Speed". `tests/test_model_kernel.py` checks both loops against
their numpy statements (`Policy.cells`, `Leaving.apply`, `attainment_bin`).

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

FloatArray = NDArray[np.float64]


@numba.njit(cache=True, nogil=True)
def period_weeks(  # a compiled loop takes flat arrays, not objects
    luck: FloatArray,  # (48, T, n) weekly deal luck, mean 1
    first_week: int,  # the period's first week of the plan year
    units: FloatArray,  # (weeks,) each week's share of a normal period's output
    informed: FloatArray,  # (weeks,) share of each week in which reps knew the plan
    before_growth: FloatArray,  # (n, 48) effort ** gamma before the announcement
    before_effort: FloatArray,  # (n, 48)
    weights: FloatArray,  # (4, T, n) progress weights: pre/post sales, pre/post activity
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
    revenue: FloatArray,  # (n,) weekly revenue at normal effort, plan mix
    revenue_default: FloatArray,  # (n,) the same, usual mix
    state: tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray],
    # (T, n) each, in/out: pre_sales, post_sales, carry, post_activity, min_weeks, effort
    pre_activity: FloatArray,  # (n,) normal weeks worked before the announcement (in)
    weekly_sales: FloatArray,  # (T, 48) in/out: the team's bookings in each week
    weekly_effort: FloatArray,  # (T, 48) in/out: effort summed over the reps
    moves: FloatArray,  # (3, T) in/out: deferred, pulled, discount cost, per week of output
) -> None:
    """Simulate the period's weeks for every trial and rep, accumulating into the outputs."""
    pre_sales, post_sales, carry, post_activity, min_weeks, effort_sums = state
    n_trials, n_reps = pre_sales.shape
    weeks = units.size
    with_leaving = leave.shape[1] > 0
    defer_from = weeks - int(rules[0])
    movable, slip, pull_share, discount, minimum = rules[1], rules[2], rules[3], rules[4], rules[5]
    effort_tab, growth_tab, defer_tab, pull_tab = tables[0], tables[1], tables[2], tables[3]
    for t in range(n_trials):
        for week in range(weeks):
            year_week = first_week + week
            f = informed[week]
            unit = units[week]
            sales_sum = 0.0
            effort_sum = 0.0
            for i in range(n_reps):
                lk = luck[year_week, t, i]
                if with_leaving:
                    p, q = leave[0, t, i], leave[1, t, i]
                    if p != q:
                        lk *= 1.0 + availability[p, year_week] - availability[q, year_week]
                if f < 1:  # as under the plan in force, or at normal effort
                    normal = (unit * (1 - f)) * before_growth[i, year_week]
                    before = normal * lk
                    pre_sales[t, i] += before
                    e_before = (1 - f) * before_effort[i, year_week]
                    effort_sums[t, i] += e_before
                    sales_sum += before * revenue_default[i]
                    effort_sum += e_before
                if f == 0:
                    continue
                x = pre_sales[t, i] * weights[0, t, i] + post_sales[t, i] * weights[1, t, i]
                if has_activity:
                    x += activity[t, i] * (pre_activity[i] * weights[2, t, i]
                                           + post_activity[t, i] * weights[3, t, i])
                cell = int(x * inv_dx + 0.5)  # the nearest grid point, as `Policy.cells`
                cell = min(max(cell, 0), n_x - 1) + offsets[i] + week * n_x
                effort = effort_tab[cell]
                output = growth_tab[cell] * (unit * f)
                post_activity[t, i] += output
                output *= lk
                if week >= defer_from:
                    if movable > 0:  # pushed out to the next period
                        moved = output * (movable * defer_tab[cell])
                        output -= moved
                        carry[t, i] += (1.0 - slip) * moved
                        moves[0, t] += moved * revenue[i]
                    if pull_share > 0:  # next period's deals, closed now at a discount
                        pulled = (unit * f * pull_share) * pull_tab[cell]
                        carry[t, i] -= pulled
                        value = pulled * revenue[i]
                        moves[1, t] += value
                        moves[2, t] += discount * value
                        output += (1.0 - discount) * pulled
                post_sales[t, i] += output
                sales_sum += output * revenue[i]
                if f < 1:
                    effort *= f
                effort_sums[t, i] += effort
                effort_sum += effort
                if effort <= f * minimum + 1e-9:
                    min_weeks[t, i] += f
            weekly_sales[t, year_week] += weeks * sales_sum
            weekly_effort[t, year_week] += effort_sum


@numba.njit(cache=True, nogil=True)
def period_tallies(
    full: FloatArray,  # (T, n, M) each measure's attainment
    pay: FloatArray,  # (T, n, M) each measure's pay
    at_cap: NDArray[np.bool_],  # (T, n, M) measures paid at their cap
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
            total = 0.0
            any_cap = False
            for k in range(n_measures):
                a, p = full[t, i, k], pay[t, i, k]
                total += p
                any_cap |= at_cap[t, i, k]
                attainment[t, k] += a
                measure_pay[t, k] += p
                for j in range(3):
                    if a >= milestones[k, j] - 1e-12:
                        reached[t, k, j] += 1
            rep_pay[t, i] = total
            capped[t, i] = any_cap
            counts[1, t] += any_cap
            gave_up[t, i] = gave_up_weeks >= 0 and min_weeks[t, i] >= gave_up_weeks
            counts[0, t] += gave_up[t, i]
            a = full[t, i, primary]
            counts[2, t] += a >= 1.0 - 1e-12
            scaled = min(max(a / bin_width, -1.0), top)
            histogram[int(np.floor(scaled)) + 1] += 1
