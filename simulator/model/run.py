"""One chunk of trials of one plan, week by week: the engine's inner loop.

The behaviour is decided before (`prepare`: mix, effort policies, who leaves); here each
week looks the policy up, books output with its luck, moves deals across the period's end,
and each period ends in a settlement that pays through the plan's `PlanPayout`. Over
several plan years, carried deals flow from year to year and a ratcheting measure sets
next year's quota from this year's result, trial by trial and rep by rep.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from simulator.base.calendar import MONTHS_PER_YEAR, WEEKS_PER_MONTH, WEEKS_PER_YEAR
from simulator.base.stats import mean_one_lognormal
from simulator.model.effort import DX, N_X, Policy
from simulator.model.hires import HireYear
from simulator.model.kernel import curve_pay, period_tallies, period_weeks
from simulator.model.luck import BLOCK_TRIALS
from simulator.model.payroll_sim import YearPay
from simulator.model.prepare import PlanModel
from simulator.model.tally import ATTAINMENT_BINS, PER_TRIAL, REP_SUMS, PlanTally
from simulator.model.turnover import STAYS, IntArray
from simulator.team.spec import TeamSpec

FloatArray = NDArray[np.float64]
NO_LEAVING = np.zeros((2, 0, 0), dtype=np.intp)
NO_HIRES = np.zeros((2, 0, 0))
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
                               bool(ratchets.any()) and year > 0, year)
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
    return {name: _block_sums(values) for name, values in rep_sums.items()}


def _block_sums(values: FloatArray) -> FloatArray:
    """Sums over each block of BLOCK_TRIALS trials, (n_blocks, n_reps): the last may be short.

    One reduction over the whole blocks (the same bits as summing each block alone).
    """
    whole = values.shape[0] // BLOCK_TRIALS
    sums = [values[: whole * BLOCK_TRIALS].reshape(whole, BLOCK_TRIALS, values.shape[1])
            .sum(axis=1)]
    if values.shape[0] > whole * BLOCK_TRIALS:
        sums.append(values[whole * BLOCK_TRIALS :].sum(axis=0)[None])
    return np.concatenate(sums)


def _run_year(
    model: PlanModel,
    team: TeamSpec,
    luck: YearLuck,
    tally: PlanTally,
    rep_sums: dict[str, FloatArray],
    carry: FloatArray,
    scale: FloatArray,
    ratcheted: bool,
    year: int = 0,
) -> list[FloatArray]:
    """One plan year: its periods, week by week. Returns [annual attainment, carry out].

    The annual attainment (T, n, M) is the mean of the periods' attainments against the
    full quotas (a new hire's ramp aside: what a ratchet moves); scale (T, n, M) holds each
    measure's quota against the first year's (ratcheted: it is not all 1); year: the plan
    year's index (its new hires, `model.hires`).
    """
    sales_luck, activity_z, leave = luck
    plan = model.plan
    weeks = plan.weeks_per_period
    months_per_period = max(1, weeks * MONTHS_PER_YEAR // WEEKS_PER_YEAR)
    season_of_week = np.repeat(np.asarray(team.seasonality), WEEKS_PER_MONTH)
    count = model.layout.count
    weights = model.progress.weights(scale[..., count] if ratcheted else None)
    annual = np.zeros(scale.shape)
    ledger = YearPay.start(model, scale.shape[:2])  # true-up, draw, SPIFFs
    hired = model.hires.year(year) if model.hires is not None else None
    quota_scale = scale if ratcheted else None
    for period_index in range(plan.periods_per_year):
        months = slice(period_index * months_per_period, (period_index + 1) * months_per_period)
        activity = _period_activity(activity_z, months, team.luck.activity_weekly)  # (T, n)
        ramp = None
        if hired is not None:  # new hires: each one's quotas this period (model.hires)
            assert model.hires is not None
            ramp = hired.quota_scale(model.hires.volume, period_index)  # (n, M)
            quota_scale = ramp if not ratcheted else scale * ramp
            weights = model.progress.weights(quota_scale[..., count])
        period = _Period.start(carry, weights)
        # deals carried in from the last period are booked in this period's first week
        tally.weekly_sales[:, period_index * weeks] += (
            weeks * (carry @ model.revenue))
        policy = model.policies[period_index] if model.behavior == "adaptive" else None
        _weeks(model, team, policy, period, period_index * weeks,
               season_of_week[period_index * weeks:(period_index + 1) * weeks] / weeks,
               sales_luck, leave, activity, tally, hired)
        full = _settle(model, team, period, activity, tally, rep_sums, quota_scale, ledger,
                       hired, period_index)
        if ramp is not None:  # against the full quotas
            full = np.where(model.layout.lower, full / ramp, full * ramp)
        annual += full / plan.periods_per_year
        carry = period.carry
    if leave is not None and model.leaving is not None:  # empty seats, new hires
        _tally_leaving(model, leave, season_of_week, tally)
    return [annual, carry]


_RECENT = threading.local()
"""This thread's last chunk's activity luck by period (`_period_activity`)."""


def _period_activity(activity_z: FloatArray, months: slice, sigma: float) -> FloatArray:
    """A period's activity luck (T, n) from the year's monthly normals (12, T, n).

    Every plan of a chunk sees the same, so it is worked out once per chunk and thread.
    """
    recent = getattr(_RECENT, "activity", None)
    if recent is None or recent[0]() is not activity_z:  # a new chunk: the last one's goes
        # a weak reference: the chunk's luck is freed with the chunk, not held to the next
        recent = _RECENT.activity = (weakref.ref(activity_z), {})
    by_period: dict[tuple[int, int, float], FloatArray] = recent[1]
    key = (months.start, months.stop, sigma)
    if key not in by_period:
        z = activity_z[months].sum(axis=0) / np.sqrt(months.stop - months.start)
        by_period[key] = mean_one_lognormal(z, sigma)
    return by_period[key]


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


def _weeks(
    model: PlanModel,
    team: TeamSpec,
    policy: Policy | None,
    period: _Period,
    first_week: int,
    units: FloatArray,
    sales_luck: FloatArray,
    leave: IntArray | None,
    activity: FloatArray,
    tally: PlanTally,
    hired: HireYear | None = None,
) -> None:
    """A period's weeks for a chunk: effort from the policy, output, deals moved.

    units: (weeks,) each week's share of a normal period's output (season / weeks);
    sales_luck: (48, T, n) the year's deal luck; leave: (2, T, n) leaving weeks under the
    plan and today (None: no turnover); activity: (T, n) the period's activity luck;
    hired: the year's new hires (None: every rep in post all year). Static
    reps (no policy) work at normal effort with the usual mix and never move deals. The
    compiled loop (`kernel.period_weeks`) does the work; here its inputs are laid out.
    """
    weeks = units.size
    n_trials, n_reps = period.carry.shape
    year_weeks = slice(first_week, first_week + weeks)
    if policy is None:
        informed = np.zeros(weeks)
        tables = np.zeros((4, 1))
        offsets = np.zeros(n_reps, dtype=np.int64)
    else:
        informed = np.clip(np.arange(1, weeks + 1) - model.plan.announce_week, 0.0, 1.0)
        tables = _policy_tables(policy)
        offsets = policy.type_offsets(model.types.of_rep).astype(np.int64)
    period.announced_share += float(sum(f / weeks for f in informed))
    if model.before is not None:
        growth, effort = model.before.growth, model.before.effort
    else:
        growth = effort = np.ones((n_reps, WEEKS_PER_YEAR))
    # normal weeks worked before the announcement: all of them count in x once reps know
    before = (units * (1 - informed))[None, :] * growth[:, year_weeks]
    if hired is not None:  # a new hire's activity: only in post, on the team's ramp
        before = before * hired.weeks[0, year_weeks].T
    period.pre_activity += before[:, informed < 1].sum(axis=1)
    # (4, T, n) when a ratcheted quota gives each trial its own weights, else (4, 1, n)
    rows = period.carry.shape if any(np.ndim(w) == 2 for w in period.weights) else (1, n_reps)
    pre_sales, pre_activity, post_sales, post_activity = (
        np.broadcast_to(w, rows) for w in period.weights)
    weights = np.stack([pre_sales, post_sales, pre_activity, post_activity])
    b = team.behavior
    rules = np.array([b.defer_window_weeks, b.movable_share, b.slip_loss, b.pull_share,
                      b.pull_discount, team.effort.minimum], dtype=float)
    # seats whose rep leaves as today keep their luck: when all do (today's plan), no factor
    if leave is not None and model.leaving is not None and (leave[0] != leave[1]).any():
        leaving, availability = leave, model.leaving.table
    else:
        leaving, availability = NO_LEAVING, np.zeros((STAYS + 1, WEEKS_PER_YEAR))
    moves = np.zeros((3, n_trials))
    period_weeks(
        sales_luck, first_week, np.ascontiguousarray(units), informed, growth, effort,
        weights, activity, model.progress.has_activity, tables, offsets, 1 / DX, N_X, rules,
        leaving, availability, NO_HIRES if hired is None else hired.weeks,
        model.revenue, model.revenue_default,
        (period.pre_sales, period.post_sales, period.carry, period.post_activity,
         period.min_weeks, period.effort),
        period.pre_activity, tally.weekly_sales, tally.weekly_effort, moves)
    tally.deferred += weeks * moves[0]
    tally.pulled += weeks * moves[1]
    tally.discount_cost += weeks * moves[2]


_TABLES: dict[int, tuple[Policy, FloatArray]] = {}
"""Each recent policy's flat tables for the compiled loop (a chunk asks for them per period)."""


def _policy_tables(policy: Policy) -> FloatArray:
    """A policy's tables as the compiled loop reads them: (4, K) effort, growth, defer, pull."""
    hit = _TABLES.get(id(policy))
    if hit is not None and hit[0] is policy:
        return hit[1]
    if len(_TABLES) >= 16:  # the bench's 4 plans x 4 periods; a sweep's many plans rebuild
        _TABLES.clear()
    tables = np.stack([policy.effort.reshape(-1), policy.growth.reshape(-1),
                       policy.defer.reshape(-1), policy.pull.reshape(-1)])
    _TABLES[id(policy)] = (policy, tables)
    return tables


def _settle(
    model: PlanModel,
    team: TeamSpec,
    period: _Period,
    activity: FloatArray,
    tally: PlanTally,
    rep_sums: dict[str, FloatArray],
    scale: FloatArray | None = None,
    ledger: YearPay | None = None,
    hired: HireYear | None = None,
    period_index: int = 0,
) -> FloatArray:
    """A period's end: every measure's attainment and pay, and the period's tallies.

    scale: (T, n, M) or (n, M) each measure's quota against the first year's, a new hire's
    ramp included (None: all 1); ledger: the year's payroll (None: each period pays its
    earnings); hired: the year's new hires (their target pay prorated, absent reps out of
    the tallies). Returns the period's attainments, (T, n, M).
    """
    plan, layout, payout = model.plan, model.layout, model.payout
    weeks = plan.weeks_per_period
    booked = weeks * (period.pre_sales * model.revenue_default
                      + period.post_sales * model.revenue)
    count, level = layout.count, layout.level
    full = np.empty((*booked.shape, len(payout.curves)))
    act = activity[..., None]
    with np.errstate(divide="ignore"):
        for k in count:  # column by column: only the operations each measure needs
            if layout.sales_luck[k]:
                pre, post = period.pre_sales, period.post_sales
            else:
                pre, post = activity * period.pre_activity, activity * period.post_activity
            reach, reach0 = model.reach[:, k], model.reach_default[:, k]
            full[..., k] = (1 / (pre / reach0 + post / reach) if layout.lower[k]
                            else reach0 * pre + reach * post)
    if level.size:
        share = period.announced_share
        lvl = (1 - share) * model.reach_default[:, level] + share * model.reach[:, level]
        full[..., level] = lvl * np.where(layout.lower[level], 1 / act, act)
    if scale is not None:  # a ratcheted quota: higher is better falls, lower rises
        full = np.where(layout.lower, full * scale, full / scale)
    quotas = model.quotas  # a commission pays on the value: attainment x the quota in force
    if scale is not None and payout.commission.any():
        quotas = quotas * scale
    # (T, n, M) each: gates, multipliers applied; each rep's own target pay (roster)
    curves = payout.curve_arrays
    target, present = model.target, np.ones(booked.shape[1], dtype=bool)
    if hired is not None:  # a new hire's target pay, prorated to the days in post
        target = hired.target[period_index] * (payout.target_per_period if target is None
                                               else target)
        present = hired.present[period_index]
    if curves is None:
        pay, at_cap = payout.settle(full, quotas, target=target)
    else:  # curves only: the same pay, compiled
        targets = (np.full(full.shape[1], payout.target_per_period) if target is None
                   else np.asarray(target, dtype=float))
        pay, at_cap = np.empty(full.shape), np.empty(full.shape, dtype=bool)
        curve_pay(full, *curves, payout.weights, targets, pay, at_cap)
    informed_weeks = period.announced_share * weeks
    gave_up_weeks = (informed_weeks * team.behavior.gave_up_weeks_share
                     if informed_weeks > 0 else -1.0)  # -1: nobody knew the plan
    rep_pay = np.empty(booked.shape)
    gave_up, capped = np.empty((2, *booked.shape), dtype=bool)
    counts = np.zeros((3, booked.shape[0]))  # reps who gave up, were capped, made quota
    period_tallies(full, pay, at_cap, present, model.milestones, model.primary,
                   ATTAINMENT_BINS[1] - ATTAINMENT_BINS[0], gave_up_weeks, period.min_weeks,
                   rep_pay, gave_up, capped, counts,
                   tally.measure_reached, tally.measure_attainment, tally.measure_payout,
                   tally.attainment_histogram)
    if ledger is not None:  # what payroll pays: true-up, draw, SPIFFs (model.payroll_sim)
        rep_pay = ledger.pay(rep_pay, full, model.quotas if scale is None
                             else model.quotas * scale, model.target,
                             (period.pre_sales, period.post_sales,
                              activity * period.pre_activity, activity * period.post_activity),
                             tally, None if hired is None
                             else (hired.target[period_index], present))
    tally.payout += rep_pay.sum(axis=1)
    tally.sales += booked.sum(axis=1)
    tally.effort += period.effort.sum(axis=1)
    tally.gave_up += counts[0]
    tally.capped += counts[1]
    tally.at_quota += counts[2]
    rep_sums["rep_gave_up"] += gave_up
    rep_sums["rep_capped"] += capped
    rep_sums["rep_sales"] += booked
    rep_sums["rep_payout"] += rep_pay
    rep_sums["rep_effort"] += period.effort
    return full
