"""A team file's behaviour parameters and the plausible ranges of the unmeasured ones.

How reps differ, luck, effort, behaviour and turnover; docs/MODEL.md gives each default
and its source.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    SerializerFunctionWrapHandler,
    Strict,
    model_serializer,
    model_validator,
)

from simulator.base.limits import MAX_MEASURES
from simulator.base.validation import Frozen, Money, Number, Positive, Share, Sigma, between

EFFORT_RANGE = (0.01, 10.0)
"""Effort levels (1 = normal): a minimum or maximum effort lies within this range."""
EffortLevel = Annotated[float, Strict(), Field(gt=0), between(*EFFORT_RANGE)]
MAX_PAY_SLOPE = 100.0
MAX_MIX_INERTIA = 1e6


class Spread(Frozen):
    """Lognormal sigmas of how reps differ from each other."""

    conversion: Sigma = 0.35
    deal_size: Sigma = 0.20
    product_skill: Sigma = 0.30
    task_skill: Sigma = 0.20
    effort_cost: Sigma = 0.25
    quota_error: Sigma = 0.15


MAX_WEEKLY_DEALS = 50.0
"""Deals a rep closes in a week at most in `luck.deals` (the draws hold one size per deal)."""
WeeklyRate = Annotated[float, Strict(), Field(gt=0), between(1e-3, MAX_WEEKLY_DEALS)]


class DealLuck(Frozen):
    """Luck as deals x sizes (`calibrate --deals` fits it; docs/CALIBRATION.md).

    A rep's week closes a negative binomial count of deals, each of a mean-one lognormal
    size.

    `weekly_rate`: deals a week, one number for every rep or one per rep (in roster order);
    `dispersion`: the negative binomial shape of one week's count (variance rate +
    rate**2 / dispersion; four weeks of shape k add up to a month of shape 4k);
    `size_sigma`: the log-sd of one deal's size around the rep's mean deal.
    """

    weekly_rate: WeeklyRate | Annotated[tuple[WeeklyRate, ...], Field(min_length=1)]
    dispersion: Annotated[float, Strict(), Field(gt=0), between(1e-3, 1e4)]
    size_sigma: Sigma

    def rates(self, n_reps: int) -> tuple[float, ...]:
        """Each rep's weekly deal rate, (n_reps,)."""
        if isinstance(self.weekly_rate, tuple):
            return self.weekly_rate
        return (float(self.weekly_rate),) * n_reps


class Luck(Frozen):
    """Lognormal sigmas of luck: each rep's own, week to week, and the market's, shared by all.

    The market factor multiplies every rep's deals at once: a level for the plan year
    (`market_yearly`) times a monthly factor that follows an AR(1) with stationary log-sd
    `market_monthly` and month-to-month correlation `market_autocorrelation`
    (docs/MODEL.md gives the sources).
    """

    sales_weekly: Sigma = 0.6
    activity_weekly: Sigma = 0.10
    market_monthly: Sigma = 0.08
    market_autocorrelation: Annotated[float, Strict(), Field(ge=0, lt=1)] = 0.5
    market_yearly: Sigma = 0.08
    deals: DealLuck | None = None
    """Deal-level luck: when set, the engine draws each rep's weekly sales as deals x sizes
    (`simulator.model.luck`), and `sales_weekly` is only what reps expect (the lognormal
    of the same weekly variance, `calibrate` writes it)."""

    @model_serializer(mode="wrap")
    def _no_deals_unwritten(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """A team without deal luck dumps as it always did (no `deals: null`)."""
        data: dict[str, Any] = handler(self)
        if self.deals is None:
            data.pop("deals", None)
        return data

    def market_period_variance(self, months: int) -> float:
        """Variance of the log market factor averaged over a period of `months` months.

        The yearly level counts in full; the AR(1) months average out:
        market_monthly**2 / m**2 x sum_ij rho**|i-j|.
        """
        lags = [abs(i - j) for i in range(months) for j in range(months)]
        share = sum(self.market_autocorrelation**lag for lag in lags) / months**2
        return self.market_yearly**2 + self.market_monthly**2 * share


class Turnover(Frozen):
    """Reps who leave, the empty seat and the new hire's ramp (docs/MODEL.md gives sources).

    Under the plan in force a share `yearly` of reps leave in a year (the history already
    holds that). A plan that makes the job worth less (pay less the effort it asks, per
    the effort solve) raises each rep's chance of leaving by (worth / worth today) to the
    power -`pay_elasticity`; one that makes it worth more lowers it. A leaver's seat is
    empty for `vacancy_weeks`, then the new hire produces `ramp_start` of normal, rising
    to all of it over `ramp_months`. `hiring_cost` (currency per hire) is reported.
    """

    yearly: Share = 0.3
    pay_elasticity: Annotated[float, Strict(), Field(ge=0, le=20)] = 2.0
    vacancy_weeks: Annotated[int, Strict(), Field(ge=0, le=47)] = 8
    ramp_months: Annotated[int, Strict(), Field(ge=0, le=12)] = 4
    ramp_start: Share = 0.25
    hiring_cost: Annotated[float, Strict(), Field(ge=0)] = 0.0


class Effort(Frozen):
    """How effort turns into output and what it costs (docs/MODEL.md gives the sources)."""

    minimum: EffortLevel = 0.3
    maximum: EffortLevel = 2.1
    output_elasticity: Positive = 0.3
    cost_curvature: Annotated[float, Strict(), Field(ge=1, le=5)] = 2.0
    reference_target_incentive: Money = 60000
    reference_pay_slope: Annotated[float, Strict(), Field(gt=0, le=MAX_PAY_SLOPE)] = 1.2

    @model_validator(mode="after")
    def _range(self) -> Effort:
        if self.minimum >= self.maximum:
            raise ValueError(f"minimum {self.minimum} must be below maximum {self.maximum}")
        if self.output_elasticity > 1.5:
            raise ValueError(f"output_elasticity {self.output_elasticity} must be at most 1.5")
        if self.cost_curvature <= self.output_elasticity:
            raise ValueError(
                f"cost_curvature {self.cost_curvature} must exceed output_elasticity "
                f"{self.output_elasticity}, or effort would have no interior optimum"
            )
        return self


Range = tuple[Number, Number]
"""A plausible range [low, high] of a behaviour parameter."""
LIMITS = {"output_elasticity": 1.5, "cost_curvature": 5.0, "focus_cost_per_measure": 1.0,
          "movable_share": 1.0, "pull_share": 1.0, "pull_discount": 0.99,
          "turnover_pay_elasticity": 20.0, "present_bias": 1.0, "weekly_discount": 1.0,
          "minimum_effort": EFFORT_RANGE[1],
          "maximum_effort": EFFORT_RANGE[1], "reference_pay_slope": MAX_PAY_SLOPE}
"""The most a ranged parameter may be (as its own field allows)."""
LOWEST = {"minimum_effort": EFFORT_RANGE[0], "maximum_effort": EFFORT_RANGE[0],
          "cost_curvature": 1.0}
"""The least a ranged parameter may be, where its field has a floor above 0."""


class ModelRanges(Frozen):
    """Plausible ranges of the behaviour parameters that move results (the model's prior).

    `compare --model-draws K` runs K parameter sets spread over these ranges, each on the
    same reps and luck, and reports every figure's range over them. A parameter without
    a range (null) keeps its value in every draw. docs/MODEL.md gives each range's source.
    """

    output_elasticity: Range | None = (0.15, 0.5)
    cost_curvature: Range | None = (1.5, 3.0)
    minimum_effort: Range | None = (0.2, 0.45)
    maximum_effort: Range | None = (1.6, 2.6)
    focus_cost_per_measure: Range | None = (0.01, 0.05)
    movable_share: Range | None = (0.15, 0.45)
    pull_share: Range | None = (0.1, 0.5)
    pull_discount: Range | None = (0.05, 0.25)
    present_bias: Range | None = (0.7, 1.0)
    weekly_discount: Range | None = (0.98, 1.0)
    turnover_pay_elasticity: Range | None = (1.0, 4.0)
    reference_pay_slope: Range | None = (0.8, 1.6)

    @model_validator(mode="after")
    def _ordered(self) -> ModelRanges:
        for name, (low, high) in self.ranges().items():
            top = LIMITS.get(name, math.inf)
            floor = LOWEST.get(name, 0.0)
            if not (0 < low and floor <= low <= high <= top):
                least = f" and at least {floor:g}" if floor > 0 else ""
                limit = f" and at most {top:g}" if math.isfinite(top) else ""
                raise ValueError(f"{name}: [{low:g}, {high:g}] must be positive{least}{limit}, "
                                 "low first")
        return self

    def ranges(self) -> dict[str, Range]:
        """The parameters that have a range, in a fixed order."""
        return {name: value for name in type(self).model_fields
                if (value := getattr(self, name)) is not None}


class Behavior(Frozen):
    """Parameters of how reps split time and react to plan rules."""

    task_concavity: Annotated[float, Strict(), Field(gt=0, lt=1)] = 0.5
    mix_inertia: Annotated[float, Strict(), Field(ge=0, le=MAX_MIX_INERTIA)] = 20.0
    focus_free_measures: Annotated[int, Strict(), Field(ge=0, le=MAX_MEASURES)] = 3
    focus_cost_per_measure: Share = 0.025
    ignore_weight_below: Share = 0.08
    movable_share: Share = 0.3
    slip_loss: Share = 0.15
    pull_share: Share = 0.3
    pull_discount: Annotated[float, Strict(), Field(ge=0, lt=1)] = 0.15
    defer_window_weeks: Annotated[int, Strict(), Field(ge=0, le=48)] = 2
    present_bias: Annotated[float, Strict(), Field(gt=0, le=1)] = 0.9
    weekly_discount: Annotated[float, Strict(), Field(gt=0.5, le=1)] = 0.99
    gave_up_weeks_share: Annotated[float, Strict(), Field(gt=0, le=1)] = 0.5
    before_announcement: Literal["previous", "normal"] = "previous"
    quality_min: EffortLevel = 0.4
    quality_max: EffortLevel = 1.5

    @model_validator(mode="after")
    def _quality_range(self) -> Behavior:
        if not self.quality_min <= 1.0 <= self.quality_max:
            raise ValueError("quality_min must be at most 1 and quality_max at least 1")
        return self
