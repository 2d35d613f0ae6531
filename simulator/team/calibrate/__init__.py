"""Fit the team model to a company's history: rep levels, spread, luck, seasonality, funnel.

The model of revenue (docs/CALIBRATION.md gives the reasoning). For rep i in a period of
season k (a month of the year, or a quarter for quarterly files):

    log revenue_ik = mu + a_i + s_k - sigma**2 / 2 + sigma * e_ik
    a_i ~ Normal(0, tau**2)                      (the rep's level: a random effect)
    e_ik ~ (1 - pi) Normal(0, 1) + pi Normal(0, OUTLIER_SCALE**2)   (luck, robust)

so exp(mu + a_i + s_k) is the rep's expected revenue in that season (the luck has mean
one, as in the engine). The parameters are fitted by maximum marginal likelihood: each
rep's level is integrated out (adaptive Gauss-Hermite quadrature), so reps with one or
two periods inform the team estimates without being trusted alone, and each rep's level
is then its posterior mean (empirical Bayes): shrunk toward the team mean in proportion
to how little history it has.

Robustness: the luck is a *contaminated normal*. A small, estimated share pi of
rep-periods come from a component OUTLIER_SCALE times wider (one huge deal, a month half
on leave); they barely move sigma or the rep's level, where a plain normal fit would let
one huge deal inflate both. A period with zero revenue has no logarithm; it is treated
as *left-censored*: it contributes the probability that revenue falls below the smallest
positive period revenue in the file.

Seasonality (12 monthly or 4 quarterly log factors summing to zero) is kept only when a
likelihood-ratio test against no seasonality gives p < SEASONALITY_ALPHA.

The period luck sigma becomes the team file's weekly `luck.sales_weekly`: the engine
books a period as the sum of `weeks` weekly mean-one lognormal draws, so the weekly sigma
is the one whose period sum has the fitted log-sd (computed exactly on fixed quasi-random
points; `model.effort.period_sigma`'s Fenton-Wilkinson approximation is reported too).

The modules, in the order the data flows: `data` (the revenue as padded arrays),
`likelihood` (the marginal likelihood), `fit` (the optimiser, the robust screen),
`outliers`, `luck` (period <-> weekly luck), `funnel`, `goodness` (goodness of fit,
historic quotas), `teamfile` (the team file), `report` (the text report); this module
runs them (`calibrate`) and `calibration` holds what they give.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from simulator.base.calendar import WEEKS_PER_PERIOD
from simulator.base.errors import InputError, Problem
from simulator.base.stats import Z95
from simulator.plan.spec import PlanSpec
from simulator.team.calibrate.calibration import (
    STRONG_SHRINKAGE,
    Calibration,
    Estimate,
    RepFit,
    log_interval,
)
from simulator.team.calibrate.data import RevenueData, revenue_data
from simulator.team.calibrate.dealfit import fit_deals
from simulator.team.calibrate.fit import Fit, fit_normal, screen, seasonal_factors
from simulator.team.calibrate.funnel import funnel_rates
from simulator.team.calibrate.goodness import goodness_of_fit, quota_summary
from simulator.team.calibrate.likelihood import level_posterior
from simulator.team.calibrate.luck import (
    MAX_WEEKLY_SIGMA,
    period_log_sd,
    weekly_sigma_fenton_wilkinson,
    weekly_sigma_for,
)
from simulator.team.calibrate.market import fit_market
from simulator.team.calibrate.outliers import describe_outliers, outlier_cells
from simulator.team.calibrate.report import fit_report, season_names
from simulator.team.calibrate.teamfile import significant, team_file, team_yaml
from simulator.team.calibrate.timing import bunching
from simulator.team.history import History
from simulator.team.spec import TeamSpec, load_team, team_from_dict

__all__ = [
    "Calibration",
    "Estimate",
    "RepFit",
    "calibrate",
    "fit_report",
    "period_log_sd",
    "season_names",
    "significant",
    "team_yaml",
    "weekly_sigma_fenton_wilkinson",
    "weekly_sigma_for",
]

SEASONALITY_ALPHA = 0.05
"""Seasonality is kept when the likelihood-ratio test against none gives p below this."""


def calibrate(
    history: History,
    rng: np.random.Generator,
    name: str = "Calibrated team",
    base: TeamSpec | None = None,
    robust: bool = True,
    incumbent: PlanSpec | None = None,
) -> Calibration:
    """Fit the team model to a history and build the team file (see module docstring).

    rng drives only the goodness-of-fit replicates. base: the team whose parameters the
    history cannot tell (effort, behaviour, tasks, product mix); the default team if None.
    robust=False fits plain normal luck (for comparison; not what the CLI uses).
    """
    base = base if base is not None else load_team(None)
    notes: list[str] = list(history.notes)
    revenue = history.metric("revenue")
    reps = list(dict.fromkeys(revenue["rep_id"]))
    everyone = list(dict.fromkeys(history.rows["rep_id"]))
    without = [r for r in everyone if r not in set(reps)]
    if without:
        notes.append(
            f"{len(without)} rep(s) have no revenue rows and are not in the team: "
            + ", ".join(without[:10]) + (" ..." if len(without) > 10 else "")
        )
    if history.missing_lines:
        lines = history.missing_lines
        notes.append(
            f"{len(lines)} row(s) with a blank or NA actual are read as missing periods "
            f"(line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines[:5]))}"
            + (" ..." if len(lines) > 5 else "") + ")"
        )
    _check_enough(history, revenue, reps)
    data = revenue_data(revenue, reps, history.n_seasons)
    n_zero = int(data.censored[data.mask].sum())
    if n_zero:
        notes.append(
            f"{n_zero} rep-period(s) with zero revenue are treated as below the smallest "
            "positive period revenue in the file (left-censored), not dropped"
        )
        if n_zero > 0.2 * data.mask.sum():
            notes.append(
                f"{n_zero / data.mask.sum():.0%} of rep-periods have zero revenue: the "
                "lognormal luck of the team model fits such lumpy sales poorly; consider a "
                "longer period (quarters)"
            )

    covered = set(revenue["season"]) == set(range(history.n_seasons))
    outliers: list[dict[str, Any]] = []
    outlier_share = 0.0
    if robust and history.deals is None:  # deal histories: sizes carry the big deals
        # stage 1: the contaminated-normal fit finds the outliers; stage 2 fits normal luck
        # without them (the wide component would also soak up the ordinary right tail of
        # a sum of lognormal weeks and bias sigma down a little)
        robust_fit = screen(data, seasonal=covered)
        outlier_share = robust_fit.layout.unpack(robust_fit.theta)[4]
        flagged = outlier_cells(data, robust_fit)
        outliers = describe_outliers(data, robust_fit, flagged, revenue)
        data = data.without(flagged)
    plain = fit_normal(data, seasonal=False)
    p_value: float | None = None
    chosen, full = plain, None
    if covered:
        full = fit_normal(data, seasonal=True)
        statistic = max(2 * (full.log_likelihood - plain.log_likelihood), 0.0)
        p_value = float(stats.chi2.sf(statistic, history.n_seasons - 1))
        if p_value < SEASONALITY_ALPHA:
            chosen = full
        else:
            notes.append(
                f"no significant seasonality (likelihood-ratio test p = {p_value:.2f}); "
                "seasonal factors set to 1.0"
            )
        n_years = len(history.periods) / history.n_seasons
        if chosen is full and n_years < 1.5:
            notes.append(
                "with about one year of history, seasonal factors cannot be told apart from "
                "one-off team-wide swings of those periods; refit when more years are in"
            )
    else:
        notes.append(
            f"the history does not cover every {'month' if history.n_seasons == 12 else 'quarter'}"
            " of the year; no seasonality fitted (factors 1.0)"
        )
    if outliers:
        notes.append(
            f"{len(outliers)} outlier rep-period(s) (e.g. one huge deal) are left out of the "
            "fit of luck and levels and listed above"
        )
    return _result(history, data, chosen, full, p_value, rng, name, base, notes, n_zero,
                   outliers, outlier_share, incumbent)


def _result(
    history: History,
    data: RevenueData,
    fit: Fit,
    full: Fit | None,
    p_value: float | None,
    rng: np.random.Generator,
    name: str,
    base: TeamSpec,
    notes: list[str],
    n_zero: int,
    outliers: list[dict[str, Any]],
    outlier_share: float,
    incumbent: PlanSpec | None,
) -> Calibration:
    """The estimates of the chosen fit: rep levels, luck, seasons, funnel, fit, team file.

    fit: the fit whose seasonality was chosen; full: the seasonal fit if one was made (its
    factors are reported even when the test drops them).
    """
    layout = fit.layout
    mu, s, tau, sigma, _ = layout.unpack(fit.theta)
    k = 1 + (layout.n_seasons - 1 if layout.seasonal else 0)
    se_log_tau = float(math.sqrt(fit.covariance[k, k]))
    se_log_sigma = float(math.sqrt(fit.covariance[k + 1, k + 1]))
    months = history.months_per_period

    # each rep's posterior level, on the quadrature nodes
    nodes, weights = level_posterior(data, fit.theta, layout)
    post_mean = (weights * nodes).sum(axis=1)
    post_var = np.maximum((weights * nodes**2).sum(axis=1) - post_mean**2, 0.0)
    post_exp = (weights * np.exp(nodes)).sum(axis=1)
    post_exp_var = np.maximum((weights * np.exp(2 * nodes)).sum(axis=1) - post_exp**2, 0.0)
    scale = math.exp(mu) * float(np.exp(s).mean())  # expected per period at a_i = 0
    expected_period = scale * post_exp  # (n_reps,) average season
    team_period = float(expected_period.mean())
    levels = expected_period / team_period
    shrinkage = np.clip(post_var / tau**2, 0.0, 1.0)
    rel_se = math.sqrt(float(post_exp_var.sum())) / float(post_exp.sum())
    revenue_month = Estimate(
        team_period / months,
        team_period / months * math.exp(-Z95 * rel_se),
        team_period / months * math.exp(Z95 * rel_se),
        team_period / months * rel_se,
    )

    revenue = history.metric("revenue")
    last = revenue.groupby("rep_id")["index"].max()
    final = int(revenue["index"].max())
    zeros = revenue[revenue["actual"] == 0].groupby("rep_id").size()
    rep_fits = []
    for i, rep in enumerate(data.reps):
        sd = math.sqrt(post_var[i])
        low = math.exp(post_mean[i] - Z95 * sd) * scale / team_period
        high = math.exp(post_mean[i] + Z95 * sd) * scale / team_period
        last_label = revenue.loc[revenue["index"] == last[rep], "period"].iloc[0]
        rep_fits.append(RepFit(rep, float(levels[i]), float(low), float(high),
                               int(data.counts[i]), int(zeros.get(rep, 0)),
                               float(shrinkage[i]), str(last_label)))
    strong = [r.rep_id for r in rep_fits if r.shrinkage > STRONG_SHRINKAGE]
    gone = [rep for rep in data.reps if last[rep] < final]
    if gone:
        notes.append(
            f"{len(gone)} rep(s) have no revenue in the last period ({history.periods[-1]}) "
            f"and are still in the roster (remove them if they left): {', '.join(gone[:10])}"
            + (" ..." if len(gone) > 10 else "")
        )

    weeks = WEEKS_PER_PERIOD[history.granularity]
    period_sigma = log_interval(math.log(sigma), se_log_sigma)
    # period effects every rep shares are the market's (beside the seasons)
    residual = data.y - (mu - sigma**2 / 2 + post_mean[:, None])
    market = fit_market(history, data, residual, base.luck, layout.seasonal)
    # the seasons' intervals from the market's model: its shocks are in them
    factors = seasonal_factors(fit, market.season_covariance)
    monthly = [f.value for f in factors] if layout.n_seasons == 12 else [
        factors[m // 3].value for m in range(12)
    ]
    # the spread of reps' results around their period's mean is their own luck alone: the
    # weekly luck of the team file
    own = min(market.rep_sigma / sigma, 1.0)
    weekly_low = weekly_sigma_for(period_sigma.low * own, weeks)
    weekly_high = weekly_sigma_for(period_sigma.high * own, weeks)
    weekly = Estimate(weekly_sigma_for(sigma * own, weeks), weekly_low, weekly_high,
                      (weekly_high - weekly_low) / (2 * Z95))
    if weekly.value >= MAX_WEEKLY_SIGMA:
        notes.append(f"luck is wider than the team model allows; weekly luck set to "
                     f"{MAX_WEEKLY_SIGMA}")

    funnel, minutes = funnel_rates(history, notes)
    gof = goodness_of_fit(history, data, fit, post_mean, post_var, post_exp, weekly.value,
                          market, rng)
    level_sigma = log_interval(math.log(tau), se_log_tau)
    deal_fit = timing = None
    if history.deals is not None:
        # levels, revenue and luck from the deals: a sum of a few lognormal deals is not
        # a lognormal, and read as one it overstates luck and the mean (dealfit)
        deal_fit = fit_deals(history, rng)
        timing = bunching(history.deals, rng)
        revenue_month, level_sigma = deal_fit.revenue_per_rep_month, deal_fit.level_sigma
        tau = level_sigma.value
        expected_period = np.array(deal_fit.levels) * revenue_month.value * months
        rep_fits = [replace(r, level=deal_fit.levels[i], low=deal_fit.level_low[i],
                            high=deal_fit.level_high[i]) for i, r in enumerate(rep_fits)]
        weekly = Estimate(deal_fit.sales_weekly, deal_fit.sales_weekly, deal_fit.sales_weekly)
        gof = deal_fit.goodness
        notes.append(
            f"levels, revenue and luck fitted from {deal_fit.n_deals:,} deals (deal counts x "
            "sizes); luck.sales_weekly is the lognormal of the same weekly variance, which "
            "reps expect; the engine draws deals (luck.deals)")
    quotas = quota_summary(revenue, data, expected_period)
    team = team_file(name, history, base, rep_fits, revenue_month.value, tau, weekly.value,
                     monthly, funnel, minutes, notes, market, incumbent)
    if deal_fit is not None:
        team["luck"]["deals"] = deal_fit.weekly
        team_from_dict(team, "<calibrated team>")
    notes.extend(market.notes)
    if quotas and quotas["quota_error"] is not None:
        team["spread"]["quota_error"] = significant(min(quotas["quota_error"], 3.0))
        notes.append(
            f"quota-setting error (spread.quota_error) {quotas['quota_error']:.3f}: the log-sd "
            "across reps of their historic quota over their fitted level"
        )
    return Calibration(
        source=history.source,
        granularity=history.granularity,
        periods=history.periods,
        n_reps=len(data.reps),
        n_observations=int(data.mask.sum()),
        n_zero=n_zero,
        revenue_per_rep_month=revenue_month,
        level_sigma=level_sigma,
        period_sigma=period_sigma,
        weekly_luck=weekly,
        market=market,
        weekly_luck_fenton_wilkinson=weekly_sigma_fenton_wilkinson(sigma, weeks),
        outlier_share=outlier_share,
        outliers=outliers,
        seasonality_p_value=p_value,
        seasonality_kept=layout.seasonal,
        seasonal_factors=factors if layout.seasonal or full is None else seasonal_factors(full),
        seasonality=monthly,
        reps=rep_fits,
        strongly_shrunk=strong,
        funnel=funnel,
        minutes_per_conversation=minutes,
        goodness_of_fit=gof,
        quotas=quotas,
        log_likelihood=fit.log_likelihood,
        notes=notes,
        team=team,
        incumbent=incumbent.name if incumbent is not None else None,
        deals=deal_fit.to_dict() if deal_fit is not None else None,
        timing=timing,
    )


def _check_enough(history: History, revenue: pd.DataFrame, reps: list[str]) -> None:
    """Refuse a history too small to tell luck from level (InputError naming the file)."""
    problems = []
    if len(reps) < 2:
        problems.append("need revenue of at least 2 reps to fit the spread between reps")
    counts = revenue.groupby("rep_id").size()
    if (counts >= 2).sum() < 1 or len(revenue) < len(reps) + 2:
        problems.append(
            "need at least 2 periods for some reps to tell luck from level "
            f"(got {len(revenue)} revenue rows for {len(reps)} reps)"
        )
    if (revenue["actual"] > 0).sum() == 0:
        problems.append("every revenue row is 0")
    if problems:
        raise InputError(history.source, [Problem("", p) for p in problems])
