"""Monte Carlo: trials x reps x weeks of a plan year, for several plans on common luck.

Randomness: the reps are drawn once from the team's `rep_seed` (a team is a fixed set of
people, the same in every trial, plan and run); luck comes from one `SeedSequence(seed)`,
one branch per block of BLOCK_TRIALS trials (`model.luck`). Chunks are whole blocks
and every sum over trials is taken block by block in block order, so a seed gives
identical numbers whatever the chunk size or the number of workers. Every plan sees the
same reps and the same weekly luck (common random numbers), so plan differences are the
plans' doing.

The engine simulates; behaviour decides: each plan's mix and effort policy come prepared
(`prepare`), and the weekly step only looks them up. A period ends in a settlement that
pays through the plan's `PlanPayout`, as the payout calculator does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from simulator.base.calendar import MONTHS_PER_YEAR, WEEKS_PER_MONTH, WEEKS_PER_YEAR
from simulator.base.stats import mean_one_lognormal
from simulator.model.anchor import anchored_cost_scale
from simulator.model.effort import Policy
from simulator.model.limits import check_effort_grid, check_run
from simulator.model.luck import BLOCK_TRIALS, block_luck
from simulator.model.prepare import BehaviorMode, PlanModel, prepare
from simulator.model.tally import REP_SUMS, PlanTally, attainment_bin
from simulator.plan.spec import PlanSpec
from simulator.team.reps import Reps, WeeklyFunnel, draw_reps
from simulator.team.spec import TeamSpec

FloatArray = NDArray[np.float64]
ProgressCallback = Callable[[int, int], None]

CHUNK_ELEMENTS = 4_000_000  # weekly luck values held in memory at once


@dataclass(frozen=True)
class Simulation:
    """Raw results of a comparison: the prepared plans and their tallies over trials."""

    seed: int
    n_trials: int
    behavior: BehaviorMode
    team: TeamSpec
    reps: Reps
    funnel: WeeklyFunnel
    models: list[PlanModel]
    tallies: list[PlanTally]


def default_chunk_trials(n_reps: int) -> int:
    """Trials per chunk so a chunk's luck stays near CHUNK_ELEMENTS values."""
    blocks = max(1, CHUNK_ELEMENTS // (WEEKS_PER_YEAR * BLOCK_TRIALS * n_reps))
    return blocks * BLOCK_TRIALS


def simulate(
    plans: Sequence[PlanSpec],
    team: TeamSpec,
    n_trials: int = 2000,
    seed: int = 0,
    behavior: BehaviorMode = "adaptive",
    chunk_trials: int | None = None,
    progress: ProgressCallback | None = None,
    executor: Executor | None = None,
) -> Simulation:
    """Simulate plan years of `team` under each plan, on common random numbers.

    n_trials: simulated plan years. chunk_trials: trials held in memory at once (rounded up
    to whole blocks of BLOCK_TRIALS). executor: a `concurrent.futures.Executor` that runs
    chunks in parallel (None: in this process). Results depend on neither: every chunk
    draws its own blocks' luck, and results are merged in block order.
    progress(done, total) is called after each chunk.
    """
    if n_trials < 1:
        raise ValueError("n_trials must be at least 1")
    chunk = chunk_trials or default_chunk_trials(team.size)
    check_run(team.size, n_trials, [len(p.measures) for p in plans], chunk)  # before drawing
    if behavior == "adaptive":
        incumbent = [team.incumbent] if team.incumbent is not None else []
        check_effort_grid(team, [p.weeks_per_period for p in [*plans, *incumbent]])
    reps = draw_reps(team, np.random.default_rng(team.rep_seed))
    funnel = WeeklyFunnel.from_team(team)
    # static reps never solve effort, so they need no anchoring
    cost_scale = anchored_cost_scale(team, funnel, reps) if behavior == "adaptive" else 1.0
    models = [prepare(plan, team, funnel, reps, behavior, cost_scale) for plan in plans]
    tallies = [PlanTally(n_trials, reps.size, len(m.plan.measures)) for m in models]
    blocks_per_chunk = max(1, -(-chunk // BLOCK_TRIALS))
    n_blocks = -(-n_trials // BLOCK_TRIALS)
    firsts = list(range(0, n_blocks, blocks_per_chunk))
    tasks = [
        (models, team, seed, first, min(first + blocks_per_chunk, n_blocks), n_trials)
        for first in firsts
    ]
    results = (
        executor.map(_simulate_chunk, *zip(*tasks, strict=True))
        if executor
        else (_simulate_chunk(*task) for task in tasks)
    )
    for first, chunk_results in zip(firsts, results, strict=True):
        start = first * BLOCK_TRIALS
        for tally, (local, rep_blocks) in zip(tallies, chunk_results, strict=True):
            tally.merge(local, rep_blocks, start)
        if progress is not None:
            progress(min(start + blocks_per_chunk * BLOCK_TRIALS, n_trials), n_trials)
    return Simulation(seed, n_trials, behavior, team, reps, funnel, models, tallies)


def _simulate_chunk(
    models: list[PlanModel], team: TeamSpec, seed: int, first: int, last: int, n_trials: int
) -> list[tuple[PlanTally, dict[str, FloatArray]]]:
    """Simulate trial blocks [first, last) of every plan: a chunk-local tally per plan."""
    n_reps = models[0].reach.shape[0]
    lucks = [block_luck(seed, b, n_reps, team.luck) for b in range(first, last)]
    sales_luck = np.concatenate([s for s, _ in lucks], axis=1)
    activity_z = np.concatenate([a for _, a in lucks], axis=1)
    size = min(last * BLOCK_TRIALS, n_trials) - first * BLOCK_TRIALS
    out = []
    for model in models:
        local = PlanTally(size, n_reps, len(model.plan.measures))
        rep_blocks = _run_chunk(model, team, sales_luck[:, :size], activity_z[:, :size], local)
        out.append((local, rep_blocks))
    return out


@dataclass
class _Period:
    """The running sums of one period for a chunk of trials, each (T, n) unless noted.

    `pre_*` accumulate output before reps know the plan (normal effort, usual mix),
    `post_*` after (the plan's mix at the chosen effort); `carry` holds deals pushed out
    of this period, booked at the next one's start.
    """

    pre_sales: FloatArray
    post_sales: FloatArray
    carry: FloatArray
    pre_activity: float  # normal weeks before the announcement (no luck: it is per period)
    post_activity: FloatArray
    min_weeks: FloatArray  # weeks at minimum effort
    effort: FloatArray  # effort summed over the weeks
    announced_share: float = 0.0  # share of the period in which reps knew the plan

    @classmethod
    def start(cls, carry: FloatArray) -> _Period:
        """A period whose first week books the deals carried in from the last one."""
        shape = carry.shape
        return cls(np.zeros(shape), carry, np.zeros(shape), 0.0, np.zeros(shape),
                   np.zeros(shape), np.zeros(shape))


def _run_chunk(
    model: PlanModel,
    team: TeamSpec,
    sales_luck: FloatArray,
    activity_z: FloatArray,
    tally: PlanTally,
) -> dict[str, FloatArray]:
    """Simulate a chunk of trials of one plan into its chunk-local tally.

    sales_luck: (48, T, n) weekly deal luck; activity_z: (12, T, n) monthly activity
    normals. Returns the per-rep sums of each block of BLOCK_TRIALS trials:
    (n_blocks, n_reps) each.
    """
    plan = model.plan
    weeks = plan.weeks_per_period
    months_per_period = max(1, weeks * MONTHS_PER_YEAR // WEEKS_PER_YEAR)
    n_trials = tally.n_trials
    shape = (n_trials, model.reach.shape[0])
    activity_sigma = team.luck.activity_weekly
    season_of_week = np.repeat(np.asarray(team.seasonality), WEEKS_PER_MONTH)
    carry = np.zeros(shape)
    rep_sums = {name: np.zeros(shape) for name in REP_SUMS}
    for period_index in range(plan.periods_per_year):
        months = slice(period_index * months_per_period, (period_index + 1) * months_per_period)
        z = activity_z[months].sum(axis=0) / np.sqrt(months_per_period)
        activity = mean_one_lognormal(z, activity_sigma)  # (T, n)
        period = _Period.start(carry)
        policy = model.policies[period_index] if model.behavior == "adaptive" else None
        for week in range(weeks):
            year_week = period_index * weeks + week
            _week(model, team, policy, period, week, season_of_week[year_week] / weeks,
                  sales_luck[year_week], activity, tally)
        _settle(model, team, period, activity, tally, rep_sums)
        carry = period.carry
    blocks = range(0, n_trials, BLOCK_TRIALS)
    return {
        name: np.stack([values[b : b + BLOCK_TRIALS].sum(axis=0) for b in blocks])
        for name, values in rep_sums.items()
    }


def _week(
    model: PlanModel,
    team: TeamSpec,
    policy: Policy | None,
    period: _Period,
    week: int,
    unit: float,
    luck: FloatArray,
    activity: FloatArray,
    tally: PlanTally,
) -> None:
    """One week of a chunk: effort from the policy, output, deferral, into `period`.

    unit: the week's share of a normal period's output (season / weeks); luck: (T, n) the
    week's deal luck; activity: (T, n) the period's activity luck. Static reps (no policy)
    work at normal effort with the usual mix and never defer.
    """
    weeks = model.plan.weeks_per_period
    announce = model.plan.announce_week if policy is not None else float(weeks)
    f = float(np.clip(week + 1 - announce, 0.0, 1.0))  # share of the week informed
    period.announced_share += f / weeks
    if f < 1:
        period.pre_sales += (unit * (1 - f)) * luck
        period.pre_activity += unit * (1 - f)
        period.effort += 1 - f
    if f == 0 or policy is None:
        return
    progress = model.progress
    x = period.pre_sales * progress.pre_sales
    x += period.post_sales * progress.post_sales
    if progress.has_activity:
        x += activity * (period.pre_activity * progress.pre_activity
                         + period.post_activity * progress.post_activity)
    idx = policy.cells(x, policy.type_offsets(model.types.of_rep), week)
    effort = policy.effort.reshape(-1)[idx]
    output = policy.growth.reshape(-1)[idx]
    output *= unit * f
    period.post_activity += output
    output *= luck
    movable = team.behavior.movable_share
    if movable > 0 and week >= weeks - team.behavior.defer_window_weeks:
        moved = output * (movable * policy.defer.reshape(-1)[idx])  # deals pushed out
        output -= moved
        period.carry += (1.0 - team.behavior.slip_loss) * moved
        tally.deferred += (moved * model.revenue).sum(axis=1) * weeks
    period.post_sales += output
    if f < 1:
        effort *= f
    period.effort += effort
    period.min_weeks += f * (effort <= f * team.effort.minimum + 1e-9)


def _settle(
    model: PlanModel,
    team: TeamSpec,
    period: _Period,
    activity: FloatArray,
    tally: PlanTally,
    rep_sums: dict[str, FloatArray],
) -> None:
    """A period's end: every measure's attainment and pay, and the period's tallies."""
    plan, layout, payout = model.plan, model.layout, model.payout
    weeks = plan.weeks_per_period
    booked = weeks * (period.pre_sales * model.revenue_default
                      + period.post_sales * model.revenue)
    count, level = layout.count, layout.level
    full = np.empty((*booked.shape, len(payout.curves)))
    act = activity[..., None]
    sales_col = layout.sales_luck[count]
    pre = np.where(sales_col, period.pre_sales[..., None], act * period.pre_activity)
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
    multiples = payout.multiples(full)
    pay = payout.pay(multiples)  # (T, n, M)
    rep_pay = pay.sum(axis=-1)
    tally.payout += rep_pay.sum(axis=1)
    tally.sales += booked.sum(axis=1)
    tally.effort += period.effort.sum(axis=1)
    informed_weeks = period.announced_share * weeks
    if informed_weeks > 0:
        gave_up = period.min_weeks >= informed_weeks * team.behavior.gave_up_weeks_share
        tally.gave_up += gave_up.sum(axis=1)
        rep_sums["rep_gave_up"] += gave_up
    capped = (multiples >= payout.caps - 1e-12).any(axis=-1)
    tally.capped += capped.sum(axis=1)
    rep_sums["rep_capped"] += capped
    tally.measure_reached += (full[..., None] >= model.milestones - 1e-12).sum(axis=1)
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
