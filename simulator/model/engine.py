"""Monte Carlo: trials x reps x weeks of a plan year, for several plans on common luck.

Randomness: the reps are drawn once from the team's `rep_seed` (a team is a fixed set of
people, the same in every trial, plan and run); luck comes from one `SeedSequence(seed)`:
trial block b (BLOCK_TRIALS trials) draws from its branch (1, b). Chunks are whole blocks
and every sum over trials is taken block by block in block order, so a seed gives
identical numbers whatever the chunk size or the number of workers. Every plan sees the
same reps and the same weekly luck (common random numbers), so plan differences are the
plans' doing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from simulator.base.metrics import METRICS
from simulator.model.behavior import (
    DEFER_WINDOW_WEEKS,
    DX,
    N_X,
    X_GRID,
    Mix,
    Policy,
    RepTypes,
    attainments,
    choose_mix,
    default_mix,
    group_reps,
    plan_quotas,
    solve_policy,
    tracked_measures,
    weekly_effort_cost,
)
from simulator.plan.payout import PayoutCurve, target_pay_per_period
from simulator.plan.spec import WEEKS_PER_YEAR, PlanSpec
from simulator.team.reps import Funnel, Reps, draw_reps, weekly_output
from simulator.team.spec import TeamSpec

FloatArray = NDArray[np.float64]
Behavior = Literal["adaptive", "static"]
Progress = Callable[[int, int], None]

BLOCK_TRIALS = 16
CHUNK_ELEMENTS = 4_000_000  # weekly luck values held in memory at once
ATTAINMENT_BINS = np.linspace(0.0, 5.0, 1001)  # histogram of primary-measure attainment
MONTHS = 12


@dataclass(frozen=True)
class PlanModel:
    """A plan prepared for simulation on a team: quotas, mix and effort policy per rep."""

    plan: PlanSpec
    behavior: Behavior
    curves: list[PayoutCurve]
    weights: FloatArray  # (M,)
    quotas: FloatArray  # (n, M) per period
    is_count: NDArray[np.bool_]  # (M,)
    sales_luck: NDArray[np.bool_]  # (M,) count measures driven by weekly deal luck
    reach: FloatArray  # (n, M) attainment per period at normal effort, plan mix
    reach_default: FloatArray  # (n, M) the same before reps know the plan
    revenue: FloatArray  # (n,) weekly revenue at normal effort, plan mix
    revenue_default: FloatArray  # (n,)
    index_weights: FloatArray  # (M,) weights of the progress index (tracked count measures)
    types: RepTypes
    policies: list[Policy]  # one per period of the year (none in static mode)
    mix: Mix
    primary: int  # index of the measure reported as "quota attainment"

    @property
    def caps(self) -> FloatArray:
        """Cap of each measure (inf when uncapped)."""
        return np.array([c.cap for c in self.curves])


def _dp_sigma(plan: PlanSpec, team: TeamSpec, weights: FloatArray) -> float:
    variances = [
        team.luck.sales_weekly**2
        if METRICS[m.metric].luck == "sales"
        else team.luck.activity_weekly**2
        for m in plan.measures
    ]
    total = weights.sum()
    return (
        float(np.sqrt(np.dot(weights, variances) / total)) if total > 0 else team.luck.sales_weekly
    )


def prepare(
    plan: PlanSpec, team: TeamSpec, funnel: Funnel, reps: Reps, behavior: Behavior = "adaptive"
) -> PlanModel:
    """Everything the weekly simulation needs for one plan: the reps' response to it."""
    n = reps.size
    weeks = plan.weeks_per_period
    quotas = plan_quotas(plan, funnel, reps, team)
    start = default_mix(funnel, n)
    mix = choose_mix(plan, team, funnel, reps, quotas) if behavior == "adaptive" else start
    outputs = weekly_output(funnel, reps, mix.shares, mix.quality, mix.focus)
    outputs_default = weekly_output(funnel, reps, start.shares, start.quality)
    reach = attainments(plan, outputs, quotas, weeks)
    reach_default = attainments(plan, outputs_default, quotas, weeks)
    is_count = np.array([METRICS[m.metric].kind == "count" for m in plan.measures])
    sales_luck = np.array([METRICS[m.metric].luck == "sales" for m in plan.measures]) & is_count
    weights = np.array([m.weight for m in plan.measures])
    tracked = tracked_measures(plan, team)
    index_weights = weights * tracked * is_count
    if index_weights.sum() > 0:
        index_weights = index_weights / index_weights.sum()
    curves = [PayoutCurve.from_measure(m) for m in plan.measures]
    cost = weekly_effort_cost(team, reps.effort_cost)
    types = group_reps(reach, cost, index_weights)
    # static reps never consult a policy: skip the solve
    policies = (
        _solve_year(plan, team, curves, weights * tracked * is_count, types)
        if behavior == "adaptive"
        else []
    )
    return PlanModel(
        plan=plan,
        behavior=behavior,
        curves=curves,
        weights=weights,
        quotas=quotas,
        is_count=is_count,
        sales_luck=sales_luck,
        reach=reach,
        reach_default=reach_default,
        revenue=outputs["revenue"],
        revenue_default=outputs_default["revenue"],
        index_weights=index_weights,
        types=types,
        policies=policies,
        mix=mix,
        primary=int(np.argmax(weights)),
    )


def _solve_year(
    plan: PlanSpec,
    team: TeamSpec,
    curves: list[PayoutCurve],
    pay_weights: FloatArray,
    types: RepTypes,
) -> list[Policy]:
    """The effort policy of every period of the year (periods with equal seasons share one)."""
    weeks = plan.weeks_per_period
    months = weeks * MONTHS // WEEKS_PER_YEAR
    seasons = np.array(team.seasonality).reshape(-1, months).mean(axis=1)  # per period
    target = target_pay_per_period(plan)
    terminal = np.zeros((types.reach.shape[0], N_X))
    for k, (curve, measure) in enumerate(zip(curves, plan.measures, strict=True)):
        if pay_weights[k] > 0:
            reach = types.reach[:, k, None]
            # attainment after progress x: x times normal, or for lower-is-better
            # quota / actual, which falls as x grows (x floored half a grid step above 0)
            lower = measure.direction == "lower"
            att = reach / np.maximum(X_GRID, DX / 2) if lower else reach * X_GRID
            terminal += target * pay_weights[k] * curve(att)
    sigma = _dp_sigma(plan, team, pay_weights)
    solved: dict[float, Policy] = {}
    # the deferral rule compares with the next period's start: solve once to learn it
    for season in dict.fromkeys(np.round(seasons, 12)):
        solved[season] = solve_policy(terminal, types.effort_cost, weeks, season, sigma, team)
    policies = []
    for p, season in enumerate(np.round(seasons, 12)):
        following = solved[np.round(seasons[(p + 1) % seasons.size], 12)]
        if following is solved[season]:
            policies.append(solved[season])
        else:
            policies.append(
                solve_policy(
                    terminal,
                    types.effort_cost,
                    weeks,
                    season,
                    sigma,
                    team,
                    following.value_slope_at_start,
                )
            )
    return policies


PER_TRIAL = (
    "sales",
    "payout",
    "deferred",
    "effort",
    "gave_up",
    "capped",
    "at_quota",
    "measure_attainment",
    "measure_payout",
    "measure_reached",
)
REP_SUMS = ("rep_sales", "rep_payout", "rep_effort", "rep_gave_up", "rep_capped")


@dataclass
class PlanTally:
    """Running results of one plan; per-trial arrays are filled chunk by chunk."""

    n_trials: int
    n_reps: int
    n_measures: int
    sales: FloatArray = field(init=False)
    payout: FloatArray = field(init=False)
    deferred: FloatArray = field(init=False)
    effort: FloatArray = field(init=False)
    gave_up: FloatArray = field(init=False)
    capped: FloatArray = field(init=False)
    at_quota: FloatArray = field(init=False)
    measure_attainment: FloatArray = field(init=False)
    measure_payout: FloatArray = field(init=False)
    measure_reached: FloatArray = field(init=False)  # (T, M, 3): threshold, quota, curve top
    rep_sales: FloatArray = field(init=False)
    rep_payout: FloatArray = field(init=False)
    rep_effort: FloatArray = field(init=False)
    rep_gave_up: FloatArray = field(init=False)  # (n,) rep-periods given up, over all trials
    rep_capped: FloatArray = field(init=False)
    attainment_histogram: NDArray[np.int64] = field(init=False)

    def __post_init__(self) -> None:
        t, n, m = self.n_trials, self.n_reps, self.n_measures
        for name in ("sales", "payout", "deferred", "effort", "gave_up", "capped", "at_quota"):
            setattr(self, name, np.zeros(t))
        self.measure_attainment = np.zeros((t, m))
        self.measure_payout = np.zeros((t, m))
        self.measure_reached = np.zeros((t, m, 3))
        for name in REP_SUMS:
            setattr(self, name, np.zeros(n))
        self.attainment_histogram = np.zeros(ATTAINMENT_BINS.size + 1, dtype=np.int64)

    def merge(self, local: PlanTally, rep_blocks: dict[str, FloatArray], start: int) -> None:
        """Take in a chunk's tally (its trials start at `start`) and its per-block rep sums.

        Rep sums are added one block at a time, in block order, so the totals are the same
        bits whatever the chunking.
        """
        stop = start + local.n_trials
        for name in PER_TRIAL:
            getattr(self, name)[start:stop] = getattr(local, name)
        for name, blocks in rep_blocks.items():
            total = getattr(self, name)
            for row in blocks:
                total += row
        self.attainment_histogram += local.attainment_histogram


@dataclass(frozen=True)
class Simulation:
    """Raw results of a comparison: the prepared plans and their tallies over trials."""

    seed: int
    n_trials: int
    behavior: Behavior
    team: TeamSpec
    reps: Reps
    funnel: Funnel
    models: list[PlanModel]
    tallies: list[PlanTally]


def _block_luck(
    seed: int, block: int, n_reps: int, team: TeamSpec
) -> tuple[FloatArray, FloatArray]:
    """Luck of one block of trials: weekly deal luck (48, B, n), monthly activity z (12, B, n)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1, block)))
    z = rng.standard_normal((WEEKS_PER_YEAR, BLOCK_TRIALS, n_reps))
    sigma = team.luck.sales_weekly
    sales = np.exp(sigma * z - sigma**2 / 2)
    activity = rng.standard_normal((MONTHS, BLOCK_TRIALS, n_reps))
    return sales, activity


def default_chunk_trials(n_reps: int) -> int:
    """Trials per chunk so a chunk's luck stays near CHUNK_ELEMENTS values."""
    blocks = max(1, CHUNK_ELEMENTS // (WEEKS_PER_YEAR * BLOCK_TRIALS * n_reps))
    return blocks * BLOCK_TRIALS


def simulate(
    plans: Sequence[PlanSpec],
    team: TeamSpec,
    n_trials: int = 2000,
    seed: int = 0,
    behavior: Behavior = "adaptive",
    chunk_trials: int | None = None,
    progress: Progress | None = None,
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
    reps = draw_reps(team, np.random.default_rng(team.rep_seed))
    funnel = Funnel.from_team(team)
    models = [prepare(plan, team, funnel, reps, behavior) for plan in plans]
    tallies = [PlanTally(n_trials, reps.size, len(m.plan.measures)) for m in models]
    chunk = chunk_trials or default_chunk_trials(reps.size)
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
    lucks = [_block_luck(seed, b, n_reps, team) for b in range(first, last)]
    sales_luck = np.concatenate([s for s, _ in lucks], axis=1)
    activity_z = np.concatenate([a for _, a in lucks], axis=1)
    size = min(last * BLOCK_TRIALS, n_trials) - first * BLOCK_TRIALS
    out = []
    for model in models:
        local = PlanTally(size, n_reps, len(model.plan.measures))
        rep_blocks = _run_chunk(model, team, sales_luck[:, :size], activity_z[:, :size], local)
        out.append((local, rep_blocks))
    return out


def _attainment_bin(values: FloatArray) -> NDArray[np.int64]:
    """Histogram bin of each attainment: i for ATTAINMENT_BINS[i-1] <= v < ATTAINMENT_BINS[i]."""
    width = ATTAINMENT_BINS[1] - ATTAINMENT_BINS[0]
    scaled = np.clip(values / width, -1.0, ATTAINMENT_BINS.size - 1)
    return np.floor(scaled).astype(np.int64) + 1


def _run_chunk(
    model: PlanModel,
    team: TeamSpec,
    sales_luck: FloatArray,
    activity_z: FloatArray,
    tally: PlanTally,
) -> dict[str, FloatArray]:
    """Simulate a chunk of trials of one plan into its chunk-local tally.

    Returns the per-rep sums of each block of BLOCK_TRIALS trials: (n_blocks, n_reps) each.

    Output within a period is tracked as two sums per rep, because every count measure
    moves in proportion to them: `pre` (normal effort, default mix, before reps know the
    plan) and `post` (the plan's mix at the chosen effort). Deal-driven measures take the
    weekly deal luck, activity measures the period's activity luck.
    """
    plan = model.plan
    weeks = plan.weeks_per_period
    months_per_period = max(1, weeks * MONTHS // WEEKS_PER_YEAR)
    n_trials = tally.n_trials
    n = model.reach.shape[0]
    adaptive = model.behavior == "adaptive"
    e_min = team.effort.minimum
    movable = team.behavior.movable_share if adaptive else 0.0
    keep = 1.0 - team.behavior.slip_loss
    announce = plan.announce_week if adaptive else float(weeks)
    count = np.flatnonzero(model.is_count)
    level = np.flatnonzero(~model.is_count)
    sales_col = model.sales_luck[count]  # (Mc,)
    reach, reach0 = model.reach[:, count], model.reach_default[:, count]
    # progress index x = sum_m w_m attainment_m / reach_m, from the two sums
    iw = model.index_weights[count]
    count_lower = np.array([plan.measures[k].direction == "lower" for k in count])  # (Mc,)
    # progress of each measure in units of its normal output under the plan's mix
    ratio = iw * np.where(count_lower, reach / reach0, reach0 / np.where(reach > 0, reach, 1.0))
    pre_sales_w, pre_act_w = ratio[:, sales_col].sum(axis=1), ratio[:, ~sales_col].sum(axis=1)
    post_sales_w, post_act_w = iw[sales_col].sum(), iw[~sales_col].sum()
    has_activity = bool(pre_act_w.any() or post_act_w > 0)
    type_offset = model.types.of_rep * (weeks * N_X)
    target = target_pay_per_period(plan)
    caps = model.caps
    activity_sigma = team.luck.activity_weekly
    season_of_week = np.repeat(np.asarray(team.seasonality), WEEKS_PER_YEAR // MONTHS)
    shape = (n_trials, n)

    carry = np.zeros(shape)  # deferred deal output, booked at the next period's start
    rep_sums = {name: np.zeros(shape) for name in REP_SUMS}
    milestones = np.array(  # attainment of each measure's threshold, quota and curve top
        [[c.threshold, 1.0, c.xs[-1]] for c in model.curves]
    )
    for period in range(plan.periods_per_year):
        if adaptive:
            policy = model.policies[period]
            effort_table = policy.effort.reshape(-1)
            growth_table = policy.growth.reshape(-1)
            defer_table = policy.defer.reshape(-1)
        months = slice(period * months_per_period, (period + 1) * months_per_period)
        z = activity_z[months].sum(axis=0) / np.sqrt(months_per_period)
        activity = np.exp(activity_sigma * z - activity_sigma**2 / 2)  # (T, n)
        pre_sales, post_sales, carry = np.zeros(shape), carry, np.zeros(shape)
        pre_act, post_act = 0.0, np.zeros(shape)
        min_weeks, effort_total = np.zeros(shape), np.zeros(shape)
        announced_share = 0.0  # share of the period in which reps knew the plan
        for week in range(weeks):
            year_week = period * weeks + week
            unit = season_of_week[year_week] / weeks
            f = float(np.clip(week + 1 - announce, 0.0, 1.0))  # share of the week informed
            announced_share += f / weeks
            luck = sales_luck[year_week]  # (T, n)
            if f < 1:
                pre_sales += (unit * (1 - f)) * luck
                pre_act += unit * (1 - f)
                effort_total += 1 - f
            if f == 0:
                continue
            x = pre_sales * pre_sales_w
            x += post_sales * post_sales_w
            if has_activity:
                x += activity * (pre_act * pre_act_w + post_act * post_act_w)
            # nearest grid point of the progress index (grid step 1/40 of normal output)
            x *= 1 / DX
            x += 0.5
            idx = x.astype(np.int64)
            np.minimum(idx, N_X - 1, out=idx)
            idx += type_offset + week * N_X
            effort = effort_table[idx]
            output = growth_table[idx]
            output *= unit * f
            post_act += output
            output *= luck
            if movable > 0 and week >= weeks - DEFER_WINDOW_WEEKS:
                moved = output * (movable * defer_table[idx])  # deals pushed out
                output -= moved
                carry += keep * moved
                tally.deferred += (moved * model.revenue).sum(axis=1) * weeks
            post_sales += output
            if f < 1:
                effort *= f
            effort_total += effort
            min_weeks += f * (effort <= f * e_min + 1e-9)
        booked = weeks * (pre_sales * model.revenue_default + post_sales * model.revenue)
        # period end: attainment and pay of every measure
        full = np.empty((*shape, len(model.curves)))
        act = activity[..., None]
        pre = np.where(sales_col, pre_sales[..., None], act * pre_act)
        post = np.where(sales_col, post_sales[..., None], act * post_act[..., None])
        with np.errstate(divide="ignore"):
            full[..., count] = np.where(
                count_lower, 1 / (pre / reach0 + post / reach), reach0 * pre + reach * post
            )
        if level.size:
            lvl = (1 - announced_share) * model.reach_default[
                :, level
            ] + announced_share * model.reach[:, level]
            lower = np.array([plan.measures[k].direction == "lower" for k in level])
            full[..., level] = lvl * np.where(lower, 1 / activity[..., None], activity[..., None])
        multiples = np.stack([c(full[..., k]) for k, c in enumerate(model.curves)], axis=-1)
        pay = multiples * model.weights * target  # (T, n, M)
        rep_pay = pay.sum(axis=-1)
        tally.payout += rep_pay.sum(axis=1)
        tally.sales += booked.sum(axis=1)
        tally.effort += effort_total.sum(axis=1)
        # gave up: at minimum effort for at least half of the weeks the rep knew the plan
        informed_weeks = announced_share * weeks
        if informed_weeks > 0:
            gave_up = min_weeks >= informed_weeks / 2
            tally.gave_up += gave_up.sum(axis=1)
            rep_sums["rep_gave_up"] += gave_up
        capped = (multiples >= caps - 1e-12).any(axis=-1)
        tally.capped += capped.sum(axis=1)
        rep_sums["rep_capped"] += capped
        tally.measure_reached += (full[..., None] >= milestones - 1e-12).sum(axis=1)
        primary = full[..., model.primary]
        tally.at_quota += (primary >= 1.0 - 1e-12).sum(axis=1)
        tally.measure_attainment += full.sum(axis=1)
        tally.measure_payout += pay.sum(axis=1)
        tally.attainment_histogram += np.bincount(
            _attainment_bin(primary.ravel()), minlength=ATTAINMENT_BINS.size + 1
        )
        rep_sums["rep_sales"] += booked
        rep_sums["rep_payout"] += rep_pay
        rep_sums["rep_effort"] += effort_total
    blocks = range(0, n_trials, BLOCK_TRIALS)
    return {
        name: np.stack([values[b : b + BLOCK_TRIALS].sum(axis=0) for b in blocks])
        for name, values in rep_sums.items()
    }
