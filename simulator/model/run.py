"""One chunk of trials of one plan, week by week: the engine's inner loop.

The behaviour is decided before (`prepare`: mix, effort policies, who leaves); here each
week looks the policy up, books output with its luck, moves deals across the period's end,
and each period ends in a settlement that pays through the plan's `PlanPayout`. Over
several plan years, carried deals flow from year to year and a ratcheting measure sets
next year's quota from this year's result, trial by trial and rep by rep.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from simulator.base.calendar import MONTHS_PER_YEAR, WEEKS_PER_MONTH, WEEKS_PER_YEAR
from simulator.base.stats import mean_one_lognormal
from simulator.model.effort import Policy
from simulator.model.luck import BLOCK_TRIALS
from simulator.model.prepare import PlanModel
from simulator.model.tally import PER_TRIAL, REP_SUMS, PlanTally, attainment_bin
from simulator.model.turnover import STAYS, IntArray
from simulator.team.spec import TeamSpec

FloatArray = NDArray[np.float64]
YearLuck = tuple[FloatArray, FloatArray, "IntArray | None"]
"""A year's luck for a chunk: weekly deal luck (48, T, n), monthly activity normals
(12, T, n), and each rep's leaving week under the plan and today (2, T, n), or None
without turnover."""


@dataclass
class _Period:
    """The running sums of one period for a chunk of trials, each (T, n) unless noted.

    `pre_*` accumulate output before reps know the plan (normal effort, usual mix),
    `post_*` after (the plan's mix at the chosen effort); `carry` holds deals pushed out
    of this period (or owed for pulling in), booked at the next one's start.
    """

    pre_sales: FloatArray
    post_sales: FloatArray
    carry: FloatArray
    pre_activity: FloatArray  # (n,) normal weeks worked before the announcement (no luck:
    # activity luck is per period)
    post_activity: FloatArray
    min_weeks: FloatArray  # weeks at minimum effort
    effort: FloatArray  # effort summed over the weeks
    weights: tuple[FloatArray, FloatArray, FloatArray | float, FloatArray | float]
    announced_share: float = 0.0  # share of the period in which reps knew the plan

    @classmethod
    def start(cls, carry: FloatArray, weights: tuple) -> _Period:  # type: ignore[type-arg]
        """A period whose first week books the deals carried in from the last one."""
        shape = carry.shape
        return cls(np.zeros(shape), carry, np.zeros(shape), np.zeros(shape[1]),
                   np.zeros(shape), np.zeros(shape), np.zeros(shape), weights)


def run_chunk(
    model: PlanModel,
    team: TeamSpec,
    years: list[YearLuck],
    tally: PlanTally,
) -> dict[str, FloatArray]:
    """Simulate a chunk of trials of one plan over one or more plan years into its tally.

    years: each year's luck (`YearLuck`). Per-trial figures are means per plan year.
    Returns the per-rep sums (means per year) of each block of BLOCK_TRIALS trials:
    (n_blocks, n_reps) each.
    """
    n_trials = tally.n_trials
    shape = (n_trials, model.reach.shape[0])
    carry = np.zeros(shape)
    rep_sums = {name: np.zeros(shape) for name in REP_SUMS}
    ratchets = np.array([m.ratchet or 0.0 for m in model.plan.measures])
    scale = np.ones((*shape, ratchets.size))  # each measure's quota against the first year's
    for year, luck in enumerate(years):
        before_sales, before_payout = tally.sales.copy(), tally.payout.copy()
        attainment = _run_year(model, team, luck, tally, rep_sums, carry, scale,
                               bool(ratchets.any()) and year > 0)
        carry = attainment.pop()
        tally.sales_by_year[:, year] = tally.sales - before_sales
        tally.payout_by_year[:, year] = tally.payout - before_payout
        tally.quota_scale_by_year[:, year] = scale[..., model.primary].mean(axis=1)
        if ratchets.any():  # next year's quota moves toward this year's result
            scale = scale * ((1 - ratchets) + ratchets * attainment[0])
    # deals moved across the horizon's end: in a steady state the first year receives as
    # many from the year before as the last one sends on (pushed out, or owed for pulling
    # in), so they count in the first year's sales, booked in its first week
    weeks = model.plan.weeks_per_period
    moved = weeks * (carry * model.revenue)
    tally.sales += moved.sum(axis=1)
    tally.sales_by_year[:, 0] += moved.sum(axis=1)
    tally.weekly_sales[:, 0] += moved.sum(axis=1)
    rep_sums["rep_sales"] += moved
    if len(years) > 1:  # per plan year
        for name in PER_TRIAL:
            if not name.endswith("_by_year"):
                getattr(tally, name)[...] /= len(years)
        for values in rep_sums.values():
            values /= len(years)
    blocks = range(0, n_trials, BLOCK_TRIALS)
    return {
        name: np.stack([values[b : b + BLOCK_TRIALS].sum(axis=0) for b in blocks])
        for name, values in rep_sums.items()
    }


def _run_year(
    model: PlanModel,
    team: TeamSpec,
    luck: YearLuck,
    tally: PlanTally,
    rep_sums: dict[str, FloatArray],
    carry: FloatArray,
    scale: FloatArray,
    ratcheted: bool,
) -> list[FloatArray]:
    """One plan year: its periods, week by week. Returns [annual attainment, carry out].

    The annual attainment (T, n, M) is the mean of the periods' attainments; scale (T, n, M)
    holds each measure's quota against the first year's (ratcheted: it is not all 1).
    """
    sales_luck, activity_z, leave = luck
    plan = model.plan
    weeks = plan.weeks_per_period
    months_per_period = max(1, weeks * MONTHS_PER_YEAR // WEEKS_PER_YEAR)
    season_of_week = np.repeat(np.asarray(team.seasonality), WEEKS_PER_MONTH)
    count = model.layout.count
    weights = model.progress.weights(scale[..., count] if ratcheted else None)
    annual = np.zeros(scale.shape)
    if leave is not None and model.leaving is not None:  # empty seats, new hires
        sales_luck = model.leaving.apply(leave, sales_luck)
    for period_index in range(plan.periods_per_year):
        months = slice(period_index * months_per_period, (period_index + 1) * months_per_period)
        z = activity_z[months].sum(axis=0) / np.sqrt(months_per_period)
        activity = mean_one_lognormal(z, team.luck.activity_weekly)  # (T, n)
        period = _Period.start(carry, weights)
        # deals carried in from the last period are booked in this period's first week
        tally.weekly_sales[:, period_index * weeks] += (
            weeks * (carry @ model.revenue))
        policy = model.policies[period_index] if model.behavior == "adaptive" else None
        for week in range(weeks):
            year_week = period_index * weeks + week
            _week(model, team, policy, period, week, year_week,
                  season_of_week[year_week] / weeks, sales_luck[year_week], activity, tally)
        full = _settle(model, team, period, activity, tally, rep_sums,
                       scale if ratcheted else None)
        annual += full / plan.periods_per_year
        carry = period.carry
    if leave is not None and model.leaving is not None:
        _tally_leaving(model, leave, season_of_week, tally)
    return [annual, carry]


def _tally_leaving(model: PlanModel, leave: IntArray, season_of_week: FloatArray,
                   tally: PlanTally) -> None:
    """Leavers, the weeks their seats stand empty and the sales empty seats and ramps cost.

    leave: (2, T, n) the leaving weeks under the plan and today. Lost sales are at normal
    effort: against a full seat all year, and against today's leaving (the part already
    in the plan's sales figure).
    """
    assert model.leaving is not None
    table = model.leaving.table  # availability by leaving week (row 48: stays)
    lost_weeks = (1.0 - table) @ season_of_week  # (49,) normal weeks lost
    plan, today = leave
    tally.leavers += (plan < STAYS).sum(axis=1)
    tally.vacant_weeks += (table == 0).sum(axis=1)[plan].sum(axis=1)
    tally.lost_sales += (lost_weeks[plan] @ model.revenue)
    tally.extra_lost_sales += ((lost_weeks[plan] - lost_weeks[today]) * model.revenue).sum(axis=1)


def _week(
    model: PlanModel,
    team: TeamSpec,
    policy: Policy | None,
    period: _Period,
    week: int,
    year_week: int,
    unit: float,
    luck: FloatArray,
    activity: FloatArray,
    tally: PlanTally,
) -> None:
    """One week of a chunk: effort from the policy, output, deals moved, into `period`.

    unit: the week's share of a normal period's output (season / weeks); luck: (T, n) the
    week's deal luck; activity: (T, n) the period's activity luck. Static reps (no policy)
    work at normal effort with the usual mix and never move deals. The week's bookings and
    effort go into the tally's weekly views (year_week: the week of the plan year).
    """
    weeks = model.plan.weeks_per_period
    announce = model.plan.announce_week if policy is not None else float(weeks)
    f = float(np.clip(week + 1 - announce, 0.0, 1.0))  # share of the week informed
    period.announced_share += f / weeks
    if f < 1:  # as under the plan in force, or at normal effort
        n_reps = luck.shape[1]
        growth, effort_before = ((model.before.growth[:, year_week],
                                  model.before.effort[:, year_week])
                                 if model.before is not None
                                 else (np.ones(n_reps), np.ones(n_reps)))
        normal = (unit * (1 - f)) * growth
        before = normal * luck
        period.pre_sales += before
        period.pre_activity += normal
        period.effort += (1 - f) * effort_before
        tally.weekly_sales[:, year_week] += weeks * (before @ model.revenue_default)
        tally.weekly_effort[:, year_week] += (1 - f) * effort_before.sum()
    if f == 0 or policy is None:
        return
    pre_sales, pre_activity, post_sales, post_activity = period.weights
    x = period.pre_sales * pre_sales
    x += period.post_sales * post_sales
    if model.progress.has_activity:
        x += activity * (period.pre_activity * pre_activity
                         + period.post_activity * post_activity)
    idx = policy.cells(x, policy.type_offsets(model.types.of_rep), week)
    effort = policy.effort.reshape(-1)[idx]
    output = policy.growth.reshape(-1)[idx]
    output *= unit * f
    period.post_activity += output
    output *= luck
    b = team.behavior
    if week >= weeks - b.defer_window_weeks:
        if b.movable_share > 0:
            moved = output * (b.movable_share * policy.defer.reshape(-1)[idx])  # pushed out
            output -= moved
            period.carry += (1.0 - b.slip_loss) * moved
            tally.deferred += (moved @ model.revenue) * weeks
        if b.pull_share > 0:
            # next period's deals closed now at a discount: a share of a normal week's
            # (from the pipeline, so no luck), booked now, owed by the next period
            pulled = (unit * f * b.pull_share) * policy.pull.reshape(-1)[idx]
            period.carry -= pulled
            value = (pulled @ model.revenue) * weeks
            tally.pulled += value
            tally.discount_cost += b.pull_discount * value
            output += (1.0 - b.pull_discount) * pulled
    period.post_sales += output
    tally.weekly_sales[:, year_week] += weeks * (output @ model.revenue)
    if f < 1:
        effort *= f
    period.effort += effort
    tally.weekly_effort[:, year_week] += effort.sum(axis=1)
    period.min_weeks += f * (effort <= f * team.effort.minimum + 1e-9)


def _settle(
    model: PlanModel,
    team: TeamSpec,
    period: _Period,
    activity: FloatArray,
    tally: PlanTally,
    rep_sums: dict[str, FloatArray],
    scale: FloatArray | None = None,
) -> FloatArray:
    """A period's end: every measure's attainment and pay, and the period's tallies.

    scale: (T, n, M) each measure's quota against the first year's (None: all 1). Returns
    the period's attainments, (T, n, M).
    """
    plan, layout, payout = model.plan, model.layout, model.payout
    weeks = plan.weeks_per_period
    booked = weeks * (period.pre_sales * model.revenue_default
                      + period.post_sales * model.revenue)
    count, level = layout.count, layout.level
    full = np.empty((*booked.shape, len(payout.curves)))
    act = activity[..., None]
    sales_col = layout.sales_luck[count]
    pre = np.where(sales_col, period.pre_sales[..., None], act * period.pre_activity[:, None])
    post = np.where(sales_col, period.post_sales[..., None], act * period.post_activity[..., None])
    reach, reach0 = model.reach[:, count], model.reach_default[:, count]
    with np.errstate(divide="ignore"):
        full[..., count] = np.where(
            layout.lower[count], 1 / (pre / reach0 + post / reach), reach0 * pre + reach * post
        )
    if level.size:
        share = period.announced_share
        lvl = (1 - share) * model.reach_default[:, level] + share * model.reach[:, level]
        full[..., level] = lvl * np.where(layout.lower[level], 1 / act, act)
    if scale is not None:  # a ratcheted quota: higher is better falls, lower rises
        full = np.where(layout.lower, full * scale, full / scale)
    quotas = model.quotas  # a commission pays on the value: attainment x the quota in force
    if scale is not None and payout.commission.any():
        quotas = quotas * scale
    pay, at_cap = payout.settle(full, quotas)  # (T, n, M) each
    rep_pay = pay.sum(axis=-1)
    tally.payout += rep_pay.sum(axis=1)
    tally.sales += booked.sum(axis=1)
    tally.effort += period.effort.sum(axis=1)
    informed_weeks = period.announced_share * weeks
    if informed_weeks > 0:
        gave_up = period.min_weeks >= informed_weeks * team.behavior.gave_up_weeks_share
        tally.gave_up += gave_up.sum(axis=1)
        rep_sums["rep_gave_up"] += gave_up
    capped = at_cap.any(axis=-1)
    tally.capped += capped.sum(axis=1)
    rep_sums["rep_capped"] += capped
    for k, marks in enumerate(model.milestones):  # per measure: contiguous counts
        column = np.ascontiguousarray(full[..., k])
        for j, mark in enumerate(marks):
            tally.measure_reached[:, k, j] += np.count_nonzero(column >= mark - 1e-12, axis=1)
    primary = full[..., model.primary]
    tally.at_quota += (primary >= 1.0 - 1e-12).sum(axis=1)
    tally.measure_attainment += full.sum(axis=1)
    tally.measure_payout += pay.sum(axis=1)
    tally.attainment_histogram += np.bincount(
        attainment_bin(primary.ravel()), minlength=tally.attainment_histogram.size
    )
    rep_sums["rep_sales"] += booked
    rep_sums["rep_payout"] += rep_pay
    rep_sums["rep_effort"] += period.effort
    return full
