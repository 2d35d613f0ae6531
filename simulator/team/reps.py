"""The team model: who the reps are and what a week of work produces.

Production of rep i in one week at normal effort (e = 1, season 1), given how the rep
splits working time (the *mix*: shares alpha over tasks) and the *quality* q of calls
(q = 1: normal 30-minute conversations; q < 1: rushed calls):

- selling capacity on product p:   pi_p * tau_p ** beta, tau_p = alpha_p / alpha0_p
- dials, conversations:            funnel rate * V(q) * selling capacity
- meetings, deals, revenue:        ... * K(q) * conversion skill * product skill
- non-selling tasks:               normal level * task skill * tau_j ** beta

V(q) = (d + r L) / (d + r L q) is the volume gain of shorter calls (d minutes per dial,
r conversations per dial, L minutes per conversation) and K(q) = (1 + k) q / (q + k) the
conversion of a call given the time it gets, with k = r L / d so that normal calls (q = 1)
maximise meetings: the funnel of seed 001 is the revenue-optimal practice, and volume pay
moves reps off it. A rushed call converts little (K(0.4) = 0.69), a longer one little more.
Effort e scales every count metric by e ** gamma (docs/MODEL.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from simulator.base.calendar import WEEKS_PER_MONTH
from simulator.base.metrics import METRICS, PRODUCTS, TASKS
from simulator.base.stats import lognormal_mean_one
from simulator.team.spec import TeamSpec

FloatArray = NDArray[np.float64]

ACTIVITIES = PRODUCTS + TASKS
"""Everything a rep's working time is split across: selling each product, then tasks."""
LEVEL_CEILING = {"crm_hygiene": 100.0, "csat": 100.0}


@dataclass(frozen=True)
class Reps:
    """The reps of a team, drawn once per seed: every trial and every plan meets the same people.

    All arrays have a leading axis of n_reps.
    """

    ids: tuple[str, ...]
    conversion: FloatArray  # (n,) meetings per conversation, relative to the funnel
    deal_size: FloatArray  # (n,) deal size, relative to the product's mean
    product_skill: FloatArray  # (n, 3) deals per meeting by product, relative
    task_skill: FloatArray  # (n, 3) output of each non-selling task, relative
    effort_cost: FloatArray  # (n,) cost of effort, relative (kappa)
    quota_error: FloatArray  # (n,) company's estimate of the rep's result / the truth
    quota_factor: FloatArray | None = None  # (n,) roster quota factors (None: all 1)
    target_incentive: FloatArray | None = None  # (n,) roster target pay a year (NaN: plan's)

    @property
    def size(self) -> int:
        """Number of reps."""
        return len(self.ids)


def _centred(values: FloatArray) -> FloatArray:
    """Draws scaled so that their mean over the reps is exactly 1 (per column)."""
    return values / values.mean(axis=0)


def draw_reps(team: TeamSpec, rng: np.random.Generator) -> Reps:
    """Draw the team's reps (their skills and effort costs) from the team's spreads.

    Every factor the spec gives mean 1 has mean exactly 1 over the drawn team, so a
    fixed team of 50 is not a few percent off the spec by the luck of one draw.
    """
    n, spread = team.size, team.spread

    def draw(sigma: float, size: tuple[int, ...]) -> FloatArray:
        return _centred(lognormal_mean_one(rng, sigma, size))

    conversion = draw(spread.conversion, (n,))
    deal_size = draw(spread.deal_size, (n,))
    product_skill = draw(spread.product_skill, (n, len(PRODUCTS)))
    task_skill = draw(spread.task_skill, (n, len(TASKS)))
    effort_cost = draw(spread.effort_cost, (n,))
    # quotas are set from an estimate of each rep's result; its inverse has mean 1, so
    # expected attainment at normal effort is 1.0 across the team
    quota_error = 1 / draw(spread.quota_error, (n,))
    if team.roster is not None:
        # a calibrated team: the fitted level is the rep's revenue at normal effort
        levels = np.array([r.level for r in team.roster])
        conversion, deal_size = levels, np.ones(n)
        # keep the fitted level exact: revenue-weighted product skill averages 1 for every rep
        shares = np.array([team.products[p].time_share for p in PRODUCTS])
        product_skill = product_skill / (product_skill @ (shares / shares.sum()))[:, None]
        ids = tuple(r.rep_id for r in team.roster)
        factors, targets = roster_terms(team)
    else:
        ids = tuple(f"R{i + 1:03d}" for i in range(n))
        factors = targets = None
    return Reps(ids, conversion, deal_size, product_skill, task_skill, effort_cost, quota_error,
                factors, targets)


def roster_terms(team: TeamSpec) -> tuple[FloatArray | None, FloatArray | None]:
    """The roster's per-rep quota factors and target incentives, (n,) each.

    None where no rep of the roster has the term (so a roster without them is simulated
    exactly as before); otherwise 1 (quota factor) or NaN (target: the plan's) for reps
    without it.
    """
    roster = team.roster or ()
    factors = targets = None
    if any(r.quota_factor is not None for r in roster):
        factors = np.array([1.0 if r.quota_factor is None else r.quota_factor for r in roster])
    if any(r.target_incentive is not None for r in roster):
        targets = np.array([np.nan if r.target_incentive is None else r.target_incentive
                            for r in roster])
    return factors, targets


@dataclass(frozen=True)
class WeeklyFunnel:
    """Per-week constants of the team's funnel at normal effort, derived from the team file."""

    default_mix: FloatArray  # (6,) alpha0 over ACTIVITIES
    product_share: FloatArray  # (3,) pi_p: share of selling time by product
    deal_share: FloatArray  # (3,) share of deals by product at the default mix
    deal_size: FloatArray  # (3,) mean deal size by product
    dials: float
    conversations: float
    meetings: float
    deals: float
    call_minutes: float
    minutes_per_dial: float
    quality_half: float  # k: call quality at which conversion is half its ceiling
    task_level: FloatArray  # (3,) normal level (levels) or weekly amount (counts)
    beta: float
    focus_free: int
    focus_cost: float

    @classmethod
    def from_team(cls, team: TeamSpec) -> WeeklyFunnel:
        """Derive the weekly funnel from a team spec."""
        f = team.funnel
        task_share = np.array([team.tasks[t].time_share for t in TASKS])
        shares = np.array([team.products[p].time_share for p in PRODUCTS])
        product_share = shares / shares.sum()
        selling = 1.0 - task_share.sum()
        sizes = np.array([team.products[p].deal_size for p in PRODUCTS])
        # revenue share = time share at the default mix: no product line is a free lunch
        deal_share = (product_share / sizes) / (product_share / sizes).sum()
        per_week = 1.0 / WEEKS_PER_MONTH
        dials, conversations = f.dials * per_week, f.conversations * per_week
        selling_minutes = selling * f.working_hours * per_week * 60
        minutes_per_dial = (selling_minutes - conversations * f.minutes_per_conversation) / dials
        talk = conversations / dials * f.minutes_per_conversation
        levels = np.array(
            [
                team.tasks[t].normal_level * (per_week if METRICS[t].kind == "count" else 1.0)
                for t in TASKS
            ]
        )
        return cls(
            default_mix=np.concatenate((selling * product_share, task_share)),
            product_share=product_share,
            deal_share=deal_share,
            deal_size=sizes,
            dials=dials,
            conversations=conversations,
            meetings=f.meetings * per_week,
            deals=f.deals * per_week,
            call_minutes=f.minutes_per_conversation,
            minutes_per_dial=max(minutes_per_dial, 0.1),
            quality_half=talk / max(minutes_per_dial, 0.1),
            task_level=levels,
            beta=team.behavior.task_concavity,
            focus_free=team.behavior.focus_free_measures,
            focus_cost=team.behavior.focus_cost_per_measure,
        )

    def conversion(self, quality: FloatArray) -> FloatArray:
        """K(q): meetings per conversation relative to normal calls."""
        k = self.quality_half
        return (1 + k) * quality / (quality + k)

    def volume(self, quality: FloatArray) -> FloatArray:
        """V(q): dials per selling hour relative to normal calls."""
        talk = self.conversations / self.dials * self.call_minutes
        return (self.minutes_per_dial + talk) / (self.minutes_per_dial + talk * quality)

    def focus(self, n_tracked: int) -> float:
        """Share of productive time left after tracking `n_tracked` measures."""
        return max(0.0, 1.0 - self.focus_cost * max(0, n_tracked - self.focus_free))


def weekly_output(
    funnel: WeeklyFunnel, reps: Reps, mix: FloatArray, quality: FloatArray, focus: float = 1.0
) -> dict[str, FloatArray]:
    """Expected weekly result of every metric at normal effort, season 1.

    mix: (..., n_reps, 6) time shares over ACTIVITIES (leading axes broadcast);
    quality: (..., n_reps). Returns metric name -> array (..., n_reps): counts per week,
    levels as their value.
    """
    tau = mix / funnel.default_mix
    capacity = tau**funnel.beta  # (..., n, 6)
    selling = capacity[..., :3] * funnel.product_share  # (..., n, 3)
    volume = funnel.volume(quality) * focus
    conversion = funnel.conversion(quality) * reps.conversion
    reach = selling.sum(axis=-1) * volume
    deals_by_product = (
        funnel.deals
        * funnel.deal_share
        / funnel.product_share
        * selling
        * reps.product_skill
        * (volume * conversion)[..., None]
    )
    revenue_by_product = deals_by_product * funnel.deal_size * reps.deal_size[:, None]
    out = {
        "dials": funnel.dials * reach,
        "conversations": funnel.conversations * reach,
        "talk_time": funnel.conversations * reach * funnel.call_minutes * quality / 60,
        "avg_call_minutes": funnel.call_minutes * quality * np.ones_like(reach),
        "meetings": funnel.meetings * reach * conversion,
        "deals": deals_by_product.sum(axis=-1),
        "revenue": revenue_by_product.sum(axis=-1),
    }
    for k, product in enumerate(PRODUCTS):
        out[f"revenue_{product}"] = revenue_by_product[..., k]
    for k, task in enumerate(TASKS):
        level = funnel.task_level[k] * reps.task_skill[:, k] * capacity[..., 3 + k]
        if METRICS[task].kind == "count":
            level = level * focus
        out[task] = np.minimum(level, LEVEL_CEILING.get(task, np.inf))
    return out
