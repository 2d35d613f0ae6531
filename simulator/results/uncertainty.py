"""How much of each answer rests on the behaviour model: figures over parameter draws.

A comparison's headline figures come from the team's own behaviour parameters; their
luck intervals cover the simulated years only. `compare(..., model_draws=K)` also runs
the plans under K parameter sets spread over the team's plausible ranges (`model.draws`),
each on the same reps and luck, and reports each figure's P10-P90 over the draws and, for
each difference from the reference plan, the share of draws in which its sign holds: a
conclusion is *robust* when it holds in at least ROBUST_SHARE of them.

A draw runs fewer simulated years than the headline. So that the range is the model's
and not those years' luck, each draw's figure is the headline figure plus the draw's
difference from the team's own parameters on the same simulated years (common random
numbers make that difference precise).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from simulator.model.engine import Simulation
from simulator.results.summary import NOT_IN_JSON, PlanResult

FloatArray = NDArray[np.float64]

ROBUST_SHARE = 0.9
"""A difference whose sign holds in at least this share of draws is robust to the model."""


@dataclass(frozen=True)
class DrawFigures:
    """One plan's headline figures under one parameter draw."""

    sales_mean: float
    payout_mean: float
    payout_p90: float
    incentive_cost_of_sales: float
    share_at_or_above_quota: float
    sales_diff: float  # mean paired difference from the reference plan
    payout_diff: float
    trial_payout: FloatArray = field(compare=False, repr=False)  # (draw trials,)


def draw_figures(sim: Simulation, trials: int | None = None) -> list[DrawFigures]:
    """Each plan's figures from a simulation's first `trials` years (all by default)."""
    t = slice(0, trials)
    first = sim.tallies[0]
    out = []
    for model, tally in zip(sim.models, sim.tallies, strict=True):
        rep_periods = sim.reps.size * model.plan.periods_per_year
        sales_by_trial, payout_by_trial = tally.sales[t], tally.payout[t]
        sales, payout = float(sales_by_trial.mean()), float(payout_by_trial.mean())
        out.append(DrawFigures(
            sales_mean=sales,
            payout_mean=payout,
            payout_p90=float(np.percentile(payout_by_trial, 90)),
            incentive_cost_of_sales=payout / sales if sales else float("nan"),
            share_at_or_above_quota=float(tally.at_quota[t].mean() / rep_periods),
            sales_diff=float((sales_by_trial - first.sales[t]).mean()),
            payout_diff=float((payout_by_trial - first.payout[t]).mean()),
            trial_payout=np.array(payout_by_trial, dtype=float),
        ))
    return out


@dataclass(frozen=True)
class Spread:
    """A figure's 10th, 50th and 90th percentiles over the parameter draws."""

    p10: float
    p50: float
    p90: float

    @classmethod
    def of(cls, values: ArrayLike) -> Spread:
        """The percentiles of one value per draw."""
        p10, p50, p90 = np.percentile(np.asarray(values, dtype=float), [10, 50, 90])
        return cls(float(p10), float(p50), float(p90))


@dataclass(frozen=True)
class DifferenceSpread(Spread):
    """A difference's percentiles over the draws and how often its sign holds.

    same_sign_share: the share of draws whose difference has the sign of the headline
    difference (None for the reference plan, which has no difference).
    """

    same_sign_share: float | None = None

    @property
    def robust(self) -> bool:
        """The sign holds in at least ROBUST_SHARE of the draws."""
        return self.same_sign_share is not None and self.same_sign_share >= ROBUST_SHARE


@dataclass(frozen=True)
class RangeVsReference:
    """The differences from the reference plan over the draws."""

    sales_diff: DifferenceSpread
    payout_diff: DifferenceSpread


@dataclass(frozen=True)
class ModelRange:
    """One plan's headline figures over the behaviour-parameter draws (JSON: `model_range`)."""

    sales_mean: Spread
    payout_mean: Spread
    payout_p90: Spread
    incentive_cost_of_sales: Spread
    share_at_or_above_quota: Spread
    vs_first: RangeVsReference
    draw_payouts: FloatArray = field(metadata=NOT_IN_JSON, compare=False, repr=False)

    def chance_payout_above(self, budget: float) -> float:
        """Share of all simulated years of all draws whose payout exceeds `budget`.

        The chance with the behaviour model's uncertainty in it, beside the headline
        chance, which has the team's own parameters.
        """
        return float((self.draw_payouts > budget).mean())


def _same_sign(values: FloatArray, headline: float) -> float | None:
    if headline == 0:
        return None
    return float((np.sign(values) == np.sign(headline)).mean())


def model_range(result: PlanResult, draws: Sequence[DrawFigures], own: DrawFigures,
                is_reference: bool) -> ModelRange:
    """A plan's model range from its figures in every draw.

    result: the plan's headline figures; draws: its figures under each parameter draw;
    own: its figures under the team's own parameters on the draws' simulated years;
    is_reference: the plan is the reference (it has no difference).
    """
    def values(name: str, headline: float) -> FloatArray:
        return headline + np.array([getattr(d, name) - getattr(own, name) for d in draws])

    def diff(name: str, headline: float) -> DifferenceSpread:
        spread = Spread.of(values(name, headline))
        share = None if is_reference else _same_sign(values(name, headline), headline)
        return DifferenceSpread(spread.p10, spread.p50, spread.p90, share)

    return ModelRange(
        sales_mean=Spread.of(values("sales_mean", result.sales.mean)),
        payout_mean=Spread.of(values("payout_mean", result.payout.mean)),
        payout_p90=Spread.of(values("payout_p90", result.payout.p90)),
        incentive_cost_of_sales=Spread.of(values("incentive_cost_of_sales",
                                                 result.cost_of_sales.incentive)),
        share_at_or_above_quota=Spread.of(values("share_at_or_above_quota",
                                                 result.quota_attainment.share_at_or_above)),
        vs_first=RangeVsReference(
            sales_diff=diff("sales_diff", result.vs_first.sales_diff.mean),
            payout_diff=diff("payout_diff", result.vs_first.payout_diff.mean),
        ),
        draw_payouts=np.stack([d.trial_payout for d in draws]),
    )
