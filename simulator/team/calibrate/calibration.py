"""What a calibration gives: estimates with intervals, rep levels, the fit and its team file."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from simulator.base.stats import Z95

if TYPE_CHECKING:
    from simulator.team.calibrate.market import MarketFit

STRONG_SHRINKAGE = 0.5
"""A rep whose level is pulled more than half of the way to the team mean."""


@dataclass(frozen=True)
class Estimate:
    """A fitted number with its 95% interval (and standard error on the fitted scale)."""

    value: float
    low: float
    high: float
    se: float = float("nan")


@dataclass(frozen=True)
class RepFit:
    """One rep's fitted level (1.0 = the team's average rep) and how much it was shrunk."""

    rep_id: str
    level: float
    low: float
    high: float
    periods: int
    zero_periods: int
    shrinkage: float  # 0: the rep's own history alone; 1: the team mean alone
    last_period: str


@dataclass(frozen=True)
class Calibration:
    """The fit of a history and the team file it gives (see `simulator.team.calibrate`)."""

    source: str
    granularity: str
    periods: list[str]
    n_reps: int
    n_observations: int
    n_zero: int
    revenue_per_rep_month: Estimate  # the team's average rep, average month
    level_sigma: Estimate  # tau: log-sd of levels across reps (the population)
    period_sigma: Estimate  # sigma: log-sd of one period's luck
    weekly_luck: Estimate  # luck.sales_weekly of the team file
    weekly_luck_fenton_wilkinson: float
    outlier_share: float
    outliers: list[dict[str, Any]]
    seasonality_p_value: float | None
    seasonality_kept: bool
    seasonal_factors: list[Estimate]  # per month or quarter, mean 1
    seasonality: list[float]  # the 12 monthly factors written to the team file
    reps: list[RepFit]
    strongly_shrunk: list[str]
    funnel: dict[str, Estimate]  # per rep per month
    minutes_per_conversation: Estimate | None
    goodness_of_fit: list[dict[str, Any]]
    quotas: dict[str, Any] | None
    log_likelihood: float
    notes: list[str]
    team: dict[str, Any] = field(repr=False)
    market: MarketFit | None = None  # the market's shocks in the history
    incumbent: str | None = None  # the plan the history was earned under, if given
    deals: dict[str, Any] | None = None  # the deal-level fit (`dealfit.DealFit.to_dict`)
    timing: dict[str, Any] | None = None  # close-date bunching (`timing.bunching`)

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain data (the `calibrate --json` object).

        `deals` and `timing` are in it only for a history read from deals.
        """
        out = asdict(self)
        for key in ("deals", "timing"):
            if out[key] is None:
                del out[key]
        return out


def interval(value: float, se: float) -> Estimate:
    """A normal 95% interval: value +- Z95 standard errors."""
    value, se = float(value), float(se)
    return Estimate(value, value - Z95 * se, value + Z95 * se, se)


def log_interval(log_value: float, se: float) -> Estimate:
    """A 95% interval on the log scale, for a positive number fitted as its log.

    se is the standard error of the log; an unidentified parameter (se infinite or huge)
    gets a huge but finite interval.
    """
    se = float(se) if math.isfinite(se) else 50.0
    half = min(Z95 * se, 50.0)
    return Estimate(math.exp(log_value), math.exp(log_value - half), math.exp(log_value + half),
                    se)
