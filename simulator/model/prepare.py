"""A plan prepared for simulation on a team: quotas, mix, reach and effort policies per rep.

Everything the weekly simulation needs that does not depend on luck is computed here,
once per plan and team: behaviour (`mix`, `effort`) decides, the engine only looks up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import numpy as np
from numpy.typing import NDArray

from simulator.base.kept import Kept
from simulator.model.effort import Policy, RepTypes, effort_policies, weekly_effort_cost
from simulator.model.hires import Hires
from simulator.model.measures import MeasureLayout, pay_shares, plan_quotas
from simulator.model.mix import Mix, choose_mix, default_mix, tracked_measures
from simulator.model.resolve import adjusted_policies
from simulator.model.spiff_sim import SpiffModel
from simulator.model.terms import group_with_pay, pay_scale, target_per_period
from simulator.model.turnover import Leaving
from simulator.plan.payout import PlanPayout
from simulator.plan.spec import PlanSpec
from simulator.team.reps import Reps, WeeklyFunnel, weekly_output
from simulator.team.spec import TeamSpec

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]
BehaviorMode = Literal["adaptive", "static"]
"""adaptive: reps respond to the plan; static: everyone at normal effort, the usual mix."""


@dataclass(frozen=True)
class Progress:
    """How the weekly sums of a period make the progress index x (the effort policy's state).

    Output within a period is tracked as two sums per rep, because every count measure
    moves in proportion to them: `pre` (normal effort, default mix, before reps know the
    plan) and `post` (the plan's mix at the chosen effort); deal-driven measures take the
    weekly deal luck, activity measures the period's activity luck. x is the index-weighted
    attainment of the count measures in units of their normal output under the plan's mix.
    With quotas ratcheted from year to year, each measure's part is divided by its quota's
    scale (`weights`).
    """

    pre_sales: FloatArray  # (n_reps,) weight of the pre-announcement deal sum
    pre_activity: FloatArray  # (n_reps,) weight of the pre-announcement activity sum
    post_sales: float  # weight of the post-announcement deal sum
    post_activity: float
    has_activity: bool  # some activity measure is in the index
    ratio: FloatArray  # (n_reps, Mc) each count measure's pre weight
    index_weights: FloatArray  # (Mc,) each count measure's post weight
    sales_col: BoolArray  # (Mc,) deal-driven count measures

    @classmethod
    def of(cls, layout: MeasureLayout, index_weights: FloatArray, reach: FloatArray,
           reach_default: FloatArray) -> Progress:
        """From the count measures' index weights and reach under both mixes, (n, Mc)."""
        count = layout.count
        sales_col = layout.sales_luck[count]
        iw = index_weights[count]
        count_lower = layout.lower[count]
        ratio = iw * np.where(count_lower, reach / reach_default,
                              reach_default / np.where(reach > 0, reach, 1.0))
        pre_sales, pre_act = ratio[:, sales_col].sum(axis=1), ratio[:, ~sales_col].sum(axis=1)
        post_sales, post_act = iw[sales_col].sum(), iw[~sales_col].sum()
        return cls(pre_sales, pre_act, float(post_sales), float(post_act),
                   bool(pre_act.any() or post_act > 0), ratio, iw, sales_col)

    def weights(self, scale: FloatArray | None
                ) -> tuple[FloatArray, FloatArray, FloatArray | float, FloatArray | float]:
        """(pre_sales, pre_activity, post_sales, post_activity) weights of x.

        scale: (T, n, Mc) each count measure's quota relative to the first year's (None:
        all 1, the weights as they are); a higher quota slows a measure's progress.
        """
        if scale is None:
            return self.pre_sales, self.pre_activity, self.post_sales, self.post_activity
        ratio = self.ratio / scale
        post = self.index_weights / scale
        sales = self.sales_col
        return (ratio[..., sales].sum(axis=-1), ratio[..., ~sales].sum(axis=-1),
                post[..., sales].sum(axis=-1), post[..., ~sales].sum(axis=-1))


@dataclass(frozen=True)
class PlanModel:
    """A plan prepared for simulation on a team: quotas, mix and effort policy per rep."""

    plan: PlanSpec
    behavior: BehaviorMode
    payout: PlanPayout
    layout: MeasureLayout
    quotas: FloatArray  # (n, M) per period
    reach: FloatArray  # (n, M) attainment per period at normal effort, plan mix
    reach_default: FloatArray  # (n, M) the same before reps know the plan
    revenue: FloatArray  # (n,) weekly revenue at normal effort, plan mix
    revenue_default: FloatArray  # (n,)
    index_weights: FloatArray  # (M,) weights of the progress index (tracked count measures)
    progress: Progress
    types: RepTypes
    policies: list[Policy]  # one per period of the year (none in static mode)
    mix: Mix
    primary: int  # index of the measure reported as "quota attainment"
    milestones: FloatArray  # (M, 3): attainment of each threshold, quota and curve top
    worth: FloatArray | None = None  # (n,) a year of the job to each rep (adaptive only)
    leaving: Leaving | None = None  # who leaves under the plan (set by `simulate`)
    before: Before | None = None  # work before the announcement (None: normal, usual mix)
    shares: FloatArray | None = None  # (M,) each measure's share of pay (None: the weights)
    target: FloatArray | None = None  # (n,) each rep's target pay a period (None: the plan's)
    spiffs: SpiffModel | None = None  # the plan's SPIFFs (model.spiff_sim)
    hires: Hires | None = None  # the roster's new hires (model.hires)


@dataclass(frozen=True)
class PlanResponse:
    """How the reps meet a plan before effort is solved: quotas, mix, reach, rep types."""

    payout: PlanPayout
    layout: MeasureLayout
    quotas: FloatArray  # (n, M) per period
    mix: Mix
    reach: FloatArray  # (n, M) attainment per period at normal effort, plan mix
    reach_default: FloatArray  # (n, M) the same with the usual mix
    revenue: FloatArray  # (n,) weekly revenue at normal effort, plan mix
    revenue_default: FloatArray  # (n,) the same with the usual mix
    pay_weights: FloatArray  # (M,) weights of the tracked count measures (the index)
    index_weights: FloatArray  # (M,) the same, summing to 1 (or all 0)
    types: RepTypes  # grouped by reach and cost, at the given cost scale
    shares: FloatArray  # (M,) each measure's share of pay (`measures.pay_shares`)
    spiffs: SpiffModel | None = None  # the plan's SPIFFs on the team


_CACHE_SIZE = 64


@dataclass(frozen=True)
class Before:
    """How reps work before a new plan is announced: as under the plan in force.

    mix: its split of time; growth, effort: (n_reps, 48) each rep's expected effort **
    gamma and effort in each week of the year under it (its pacing over its periods).
    """

    mix: Mix
    growth: FloatArray
    effort: FloatArray


_BEFORE: dict[tuple[str, float], Before] = {}


def before_announcement(team: TeamSpec, funnel: WeeklyFunnel, reps: Reps,
                        cost_scale: float) -> Before | None:
    """What reps do before a plan is announced, or None for normal effort and usual mix.

    Cached by the team's content and the cost level, as the anchor is: the app and a
    sweep ask for it again with every comparison.

    `behavior.before_announcement`: "previous" (default) -- they expect the plan in force
    (the team's incumbent) to continue and work as it asks: its mix and its expected pacing
    over its periods; "normal" -- or with no incumbent -- normal effort, the usual mix.
    """
    if team.behavior.before_announcement != "previous" or team.incumbent is None:
        return None
    key = (team.model_dump_json(), cost_scale)  # reps and funnel follow from the team
    if key not in _BEFORE:
        if len(_BEFORE) >= _CACHE_SIZE:
            _BEFORE.pop(next(iter(_BEFORE)))
        today = prepare(team.incumbent, team, funnel, reps, "adaptive", cost_scale)
        of_rep = today.types.of_rep
        growth = np.concatenate([p.mean_growth[of_rep] for p in today.policies], axis=1)
        effort = np.concatenate([p.mean_effort[of_rep] for p in today.policies], axis=1)
        _BEFORE[key] = Before(today.mix, growth, effort)
    return _BEFORE[key]


def forget_before() -> None:
    """Empty the caches of the work before announcements, mixes, policies, prepared plans.

    For benchmarks that time them.
    """
    _BEFORE.clear()
    _MIXES.clear()
    _POLICIES.clear()
    _PREPARED.clear()


PREPARED_KEPT = 8
"""Prepared plans kept in this process: a page's plans and its edit, asked for again by its
full answer after the preliminary one and whenever only trials, seed or budget change."""
PREPARED_MOST_REPS = 2_000
"""A larger team's prepared plans are not kept: tens of MB each, and its runs are long."""
PreparedKey = tuple[str, str, str, float]
_PREPARED: Kept[PreparedKey, PlanModel] = Kept(PREPARED_KEPT)


def prepared_key(plan: PlanSpec, team: TeamSpec, behavior: BehaviorMode,
                 cost_scale: float) -> PreparedKey | None:
    """The key a prepared plan is kept under; None for a team too large to keep.

    Reps, funnel and the work before the announcement follow from the team and the cost
    level, so these four are all a prepared plan depends on.
    """
    if team.size > PREPARED_MOST_REPS:
        return None
    return plan.model_dump_json(), team.model_dump_json(), behavior, cost_scale


def kept(key: PreparedKey | None) -> PlanModel | None:
    """The plan prepared under `key` earlier in this process, if it is still kept."""
    return None if key is None else _PREPARED.get(key)


def keep(key: PreparedKey | None, model: PlanModel) -> None:
    """Keep a prepared plan; the least recently used goes beyond PREPARED_KEPT."""
    if key is not None:
        _PREPARED.put(key, model)


_MIXES: dict[Any, Mix] = {}
_POLICIES: dict[Any, list[Policy]] = {}
_POLICIES_SIZE = 4
"""Policies are a few MB a plan: the last few are kept, enough for a comparison's plan in
force, which `before_announcement`, the comparison itself and the anchor's ask for again."""
T = TypeVar("T")


def _remembered(cache: dict[Any, T], key: Any, make: Callable[[], T],
                size: int = _CACHE_SIZE) -> T:
    """cache[key], made when missing; the oldest entry goes when the cache is full.

    Keyed by the plan's and the team's content, as the anchor and `before_announcement`
    are: reps and funnel follow from the team. The same inputs give the same bits.
    """
    if key not in cache:
        if len(cache) >= size:
            cache.pop(next(iter(cache)))
        cache[key] = make()
    return cache[key]


def ratchets(plan: PlanSpec) -> FloatArray | None:
    """Each measure's quota ratchet, (M,), or None when no measure has one."""
    values = np.array([m.ratchet or 0.0 for m in plan.measures])
    return values if values.any() else None


def respond(
    plan: PlanSpec,
    team: TeamSpec,
    funnel: WeeklyFunnel,
    reps: Reps,
    behavior: BehaviorMode = "adaptive",
    cost_scale: float = 1.0,
    before: Before | None = None,
) -> PlanResponse:
    """The reps' response to a plan up to the effort solve (`prepare` adds the policies).

    cost_scale multiplies every rep's cost of effort (the anchoring on the incumbent plan);
    before: how reps work before the plan is announced (None: the team's usual mix; static
    reps always keep it).
    """
    weeks = plan.weeks_per_period
    payout = PlanPayout.from_plan(plan)
    layout = MeasureLayout.of(plan, payout)
    quotas = plan_quotas(plan, funnel, reps, team)
    shares = pay_shares(payout, quotas)
    start = default_mix(funnel, reps.size)
    scale = pay_scale(plan, reps)  # the roster's target incentives (model.terms)
    mix = (_remembered(_MIXES, (plan.model_dump_json(), team.model_dump_json()), lambda:
                       choose_mix(plan, team, funnel, reps, quotas, payout, layout, shares,
                                  scale))
           if behavior == "adaptive" else start)
    if before is not None and behavior == "adaptive":
        start = before.mix
    outputs = weekly_output(funnel, reps, mix.shares, mix.quality, mix.focus)
    outputs_default = weekly_output(funnel, reps, start.shares, start.quality, start.focus)
    reach = layout.attainments(outputs, quotas, weeks)
    tracked = tracked_measures(shares, team)
    pay_weights = shares * tracked * layout.is_count
    index_weights = pay_weights
    if index_weights.sum() > 0:
        index_weights = index_weights / index_weights.sum()
    cost = weekly_effort_cost(team, reps.effort_cost) * cost_scale
    return PlanResponse(
        payout=payout,
        layout=layout,
        quotas=quotas,
        mix=mix,
        reach=reach,
        reach_default=layout.attainments(outputs_default, quotas, weeks),
        revenue=outputs["revenue"],
        revenue_default=outputs_default["revenue"],
        pay_weights=pay_weights,
        index_weights=index_weights,
        types=group_with_pay(reach, cost, index_weights, quotas, scale),
        shares=shares,
        spiffs=SpiffModel.of(plan, team, outputs_default, outputs),
    )


def prepare(
    plan: PlanSpec,
    team: TeamSpec,
    funnel: WeeklyFunnel,
    reps: Reps,
    behavior: BehaviorMode = "adaptive",
    cost_scale: float = 1.0,
    before: Before | None = None,
) -> PlanModel:
    """Everything the weekly simulation needs for one plan: the reps' response to it.

    cost_scale multiplies every rep's cost of effort (the anchoring on the incumbent plan);
    before: how reps work before the announcement (`before_announcement`; None: normal
    effort and the usual mix).
    """
    r = respond(plan, team, funnel, reps, behavior, cost_scale, before)
    # static reps never consult a policy: skip the solve
    key = (plan.model_dump_json(), team.model_dump_json(), cost_scale)
    policies = (_remembered(_POLICIES, key, lambda: effort_policies(
        r.payout, team, plan.weeks_per_period, r.types, r.pay_weights, r.layout.sales_luck,
        ratchets(plan), r.layout.is_count), size=_POLICIES_SIZE)
                if behavior == "adaptive" else [])
    # periods a SPIFF window touches pay more; a guarantee floors every period's pay
    policies = adjusted_policies(policies, plan, r.spiffs, r.payout, team, r.types,
                                 r.pay_weights, r.layout.sales_luck, ratchets(plan),
                                 r.layout.is_count)
    count = r.layout.count
    worth = None
    if policies:  # base salary + each period's expected pay less its cost of effort
        values = np.sum([p.worth for p in policies], axis=0)
        worth = plan.pay.base_salary + values[r.types.of_rep]
    return PlanModel(
        plan=plan,
        behavior=behavior,
        payout=r.payout,
        layout=r.layout,
        quotas=r.quotas,
        reach=r.reach,
        reach_default=r.reach_default,
        revenue=r.revenue,
        revenue_default=r.revenue_default,
        index_weights=r.index_weights,
        progress=Progress.of(r.layout, r.index_weights, r.reach[:, count],
                             r.reach_default[:, count]),
        types=r.types,
        policies=policies,
        mix=r.mix,
        primary=int(np.argmax(r.shares)),
        milestones=np.array([[c.threshold, 1.0, c.top] for c in r.payout.curves]),
        worth=worth,
        before=before if behavior == "adaptive" else None,
        shares=r.shares,
        target=target_per_period(plan, reps),
        spiffs=r.spiffs,
        hires=Hires.of(plan, team),
    )
