"""Goodness of fit by replicated histories, and how historic quotas compare with the fit."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from simulator.base.calendar import WEEKS_PER_PERIOD
from simulator.base.stats import mean_one_lognormal
from simulator.team.calibrate.data import FloatArray, RevenueData
from simulator.team.calibrate.fit import Fit
from simulator.team.calibrate.market import MarketFit, market_draws
from simulator.team.history import History

GOF_QUANTILES = (0.10, 0.25, 0.50, 0.75, 0.90)
GOF_REPLICATES = 200
GOF_MAX_DRAWS = 4_000_000
"""At most this many weekly draws in all (replicates x rep-periods x weeks)."""
GOF_MATERIAL = 0.05
"""Observed and fitted attainment quantiles closer than this (relative) fit whatever the band.

In-sample attainments are a little less spread than replicates (levels and seasons were
fitted to the same data), and long histories give very narrow bands."""


def goodness_of_fit(
    history: History,
    data: RevenueData,
    fit: Fit,
    post_mean: FloatArray,
    post_var: FloatArray,
    post_exp: FloatArray,
    weekly_sigma: float,
    market: MarketFit,
    rng: np.random.Generator,
) -> list[dict[str, Any]]:
    """Observed vs fitted quantiles of attainment, with a 95% band from replicated histories.

    Replicates keep the history's rep-periods and quotas and draw each period's luck as the
    engine does: the mean of the period's weekly mean-one lognormal draws at the fitted
    weekly sigma, times the market's factor of that period, shared by every rep (`market`).
    Three checks:
    - actual / the rep's fitted expected revenue in that season, always; replicates draw
      each rep's level from its posterior (a posterior predictive check of the model);
    - actual / quota, where the history gives quotas; replicates hold each rep at its
      roster level, as the engine will simulate the team file (so this asks: would the
      historic quotas be met as often on the calibrated team as they were?);
    - the team-wide period effect: each period's mean log result against its expected,
      over the periods (the market's shocks; replicated with the fitted market).

    post_mean, post_var: each rep's posterior mean and variance of its log level a_i;
    post_exp: its posterior mean of exp(a_i); all (n_reps,). One row per basis and
    quantile: basis, quantile, observed, fitted (median), low, high, fits.
    """
    mu, s, _, _, _ = fit.layout.unpack(fit.theta)
    weeks = WEEKS_PER_PERIOD[history.granularity]
    rep_of, col = np.nonzero(data.mask)
    actual = np.where(data.censored, 0.0, np.exp(data.y))[rep_of, col]
    season = data.season[rep_of, col]
    expected = np.exp(mu + s[season]) * post_exp[rep_of]
    n = actual.size
    replicates = max(20, min(GOF_REPLICATES, GOF_MAX_DRAWS // max(n * weeks, 1)))
    level = post_mean[rep_of] + np.sqrt(post_var[rep_of]) * rng.standard_normal((replicates, n))
    z = rng.standard_normal((replicates, n, weeks))
    period = data.period[rep_of, col]
    luck = mean_one_lognormal(z, weekly_sigma).mean(axis=2)
    luck *= market_draws(market, history, period, replicates, rng)
    simulated = np.exp(mu + s[season] + level) * luck
    as_roster = expected * luck
    revenue = history.metric("revenue")
    quota_by_key = dict(zip(zip(revenue["rep_id"], revenue.groupby("rep_id").cumcount(),
                                strict=True), revenue["quota"], strict=True))
    quota = np.array([quota_by_key[data.reps[i], j] for i, j in zip(rep_of, col, strict=True)])
    bases = [("fitted level", expected, simulated)]
    has_quota = ~np.isnan(quota)
    if has_quota.sum() >= 10:
        bases.append(("quota", quota, as_roster))
    rows = []
    qs = np.array(GOF_QUANTILES)
    for basis, denominator, replicated in bases:
        keep = ~np.isnan(denominator)
        observed = np.quantile(actual[keep] / denominator[keep], qs)
        fitted = np.quantile(replicated[:, keep] / denominator[keep], qs, axis=1)  # (Q, R)
        for q, obs, sims in zip(qs, observed, fitted, strict=True):
            low, mid, high = np.quantile(sims, [0.025, 0.5, 0.975])
            close = abs(obs - mid) <= GOF_MATERIAL * mid
            rows.append({"basis": basis, "quantile": float(q), "observed": float(obs),
                         "fitted": float(mid), "low": float(low), "high": float(high),
                         "fits": bool(low <= obs <= high or close)})
    rows += _period_effects(actual, expected, simulated, period, qs)
    return rows


def _period_effects(actual: FloatArray, expected: FloatArray, simulated: FloatArray,
                    period: NDArray[np.int64], qs: FloatArray) -> list[dict[str, Any]]:
    """Quantiles over periods of the team-wide effect, observed against the replicates.

    A period's effect is exp of the mean over its reps of log(actual / expected).
    """
    positive = actual > 0
    if len(np.unique(period[positive])) < 4:
        return []
    _, where = np.unique(period[positive], return_inverse=True)
    mean_of = (where[:, None] == np.arange(where.max() + 1)).astype(float)
    mean_of /= mean_of.sum(axis=0)  # (cells, periods): each period's mean over its cells

    def effects(values: FloatArray) -> FloatArray:  # (..., cells) -> (..., periods)
        return np.exp(np.log(values[..., positive] / expected[positive]) @ mean_of)

    observed = np.quantile(effects(actual), qs)
    fitted = np.quantile(effects(simulated), qs, axis=1)
    rows = []
    for q, obs, sims in zip(qs, observed, fitted, strict=True):
        low, mid, high = np.quantile(sims, [0.025, 0.5, 0.975])
        rows.append({"basis": "period effect", "quantile": float(q), "observed": float(obs),
                     "fitted": float(mid), "low": float(low), "high": float(high),
                     "fits": bool(low <= obs <= high
                                  or abs(obs - mid) <= GOF_MATERIAL / 5 * mid)})
    return rows


def quota_summary(revenue: pd.DataFrame, data: RevenueData,
                  expected_period: FloatArray) -> dict[str, Any] | None:
    """How historic quotas compare with results and with the fitted levels.

    expected_period: each rep's fitted expected revenue per period, (n_reps,). None when
    the history has no quotas.
    """
    with_quota = revenue[~revenue["quota"].isna()]
    if with_quota.empty:
        return None
    level_of = dict(zip(data.reps, expected_period, strict=True))
    multiple = with_quota["quota"] / with_quota["rep_id"].map(level_of)
    # how far each rep's quota sat from the fitted level: the team's quota-setting error
    per_rep = np.log(multiple.groupby(with_quota["rep_id"]).median())
    return {
        "rep_periods": len(with_quota),
        "share_at_or_above": float((with_quota["actual"] >= with_quota["quota"]).mean()),
        "history_multiple_median": float(multiple.median()),
        "history_multiple_p10": float(multiple.quantile(0.1)),
        "history_multiple_p90": float(multiple.quantile(0.9)),
        "quota_error": float(per_rep.std(ddof=1)) if per_rep.size >= 5 else None,
    }
