"""Deal-level luck fitted from the deals behind a history (`calibrate --deals`).

A rep's period is a count of deals times their sizes:

    n_ip ~ NegativeBinomial(mean r_i f_p, shape K)         (deals of rep i in period p)
    log size = m_i + S z - ...,  z ~ Normal(0, 1)           (each deal, around the rep's mean)

r_i is the rep's deal rate, f_p the period's factor shared by every rep (seasons and the
market; mean 1), K the over-dispersion of a rep's own count (variance mu + mu**2 / K),
m_i the rep's log deal size and S the team's spread of a rep's deals around it. Rates
and mean sizes are shrunk toward the team in proportion to how little each rep has
(empirical Bayes, method of moments); K by maximum likelihood with a profile-likelihood
interval; S pooled within reps, with its chi-square interval. A rep's expected period is
r_i x exp(m_i + S**2 / 2): a sum of lognormal sizes has no lognormal's long right tail,
which is why a month of a handful of deals read as one lognormal overstates luck.

The engine draws weeks: a period of w weeks is w weeks of shape K / w at rate r_i / w
(negative binomials of one scale add up so), written to the team file as `luck.deals`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from simulator.base.calendar import WEEKS_PER_PERIOD
from simulator.base.stats import Z95
from simulator.team.calibrate.calibration import Estimate, log_interval
from simulator.team.calibrate.goodness import GOF_MATERIAL, GOF_QUANTILES
from simulator.team.calibrate.luck import MAX_WEEKLY_SIGMA
from simulator.team.history import History
from simulator.team.parameters import MAX_WEEKLY_DEALS

GOF_REPLICATES = 200
BOOTSTRAP = 200
"""Replicates of the cluster bootstrap (reps resampled) of the spread of levels."""


@dataclass(frozen=True)
class DealFit:
    """The deal-level fit: rates, sizes, dispersion, levels and the engine's parameters."""

    reps: list[str]
    rate: Estimate  # deals per rep-period of the team's average rep
    dispersion: Estimate  # K: negative binomial shape of a period's count
    size_sigma: Estimate  # S: log-sd of a deal around its rep's mean
    deal_size: Estimate  # the mean deal of the team's average rep (currency)
    level_sigma: Estimate  # log-sd across reps of expected revenue
    revenue_per_rep_month: Estimate
    rep_rates: list[float]  # per period, shrunk
    rep_sizes: list[float]  # mean deal, shrunk
    levels: list[float]  # expected revenue relative to the roster's mean
    level_low: list[float]
    level_high: list[float]
    weekly: dict[str, Any]  # the team file's luck.deals
    sales_weekly: float  # the lognormal of the same weekly variance
    n_deals: int
    goodness: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The fit as plain data (in `calibrate --json` under `deals`)."""
        from dataclasses import asdict

        return asdict(self)


def _nb_loglik(counts: np.ndarray, mean: np.ndarray, k: float) -> float:
    """Negative binomial log-likelihood (shape k), summed."""
    return float((special.gammaln(counts + k) - special.gammaln(k) - special.gammaln(counts + 1)
                  + k * np.log(k / (k + mean)) + counts * np.log(mean / (k + mean) + 1e-300)
                  ).sum())


def _shrink(observed: np.ndarray, within: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Empirical-Bayes means: each value pulled toward the mean as its noise is large.

    Returns the shrunk values, their posterior variances and the between variance.
    """
    centre = float(np.average(observed, weights=1 / within))
    centre_var = 1.0 / float((1 / within).sum())  # the team mean's own noise
    between = max(float(np.var(observed, ddof=1) - within.mean()), 0.0) if observed.size > 1 \
        else 0.0
    weight = between / (between + within) if between > 0 else np.zeros_like(within)
    return (centre + weight * (observed - centre), weight * within + (1 - weight) ** 2 * centre_var,
            between)


def _cells(history: History) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Rep-periods of the revenue rows: rep index, period index, deal count, (cells,)."""
    revenue = history.metric("revenue")
    reps = list(dict.fromkeys(revenue["rep_id"]))
    order = {r: i for i, r in enumerate(reps)}
    deals = history.deals
    assert deals is not None
    counts = deals.groupby(["rep_id", "index"]).size()
    keys = list(zip(revenue["rep_id"], revenue["index"], strict=True))
    n = np.array([counts.get(k, 0) for k in keys], dtype=float)
    return reps, revenue["rep_id"].map(order).to_numpy(), revenue["index"].to_numpy(), n


def fit_deals(history: History, rng: np.random.Generator) -> DealFit:
    """Fit the deal-level model to a history read from deals (`History.deals`)."""
    deals = history.deals
    assert deals is not None  # calibrate calls this only for deal histories
    reps, rep_of, period, n = _cells(history)
    n_reps = len(reps)
    periods, p_of = np.unique(period, return_inverse=True)
    # rates and period factors: Poisson maximum likelihood (alternating, closed form)
    f = np.ones(periods.size)
    for _ in range(100):
        exposure = np.bincount(rep_of, f[p_of], minlength=n_reps)
        r = np.bincount(rep_of, n, minlength=n_reps) / exposure
        new = np.bincount(p_of, n, minlength=periods.size) / np.bincount(
            p_of, r[rep_of], minlength=periods.size)
        new /= new.mean()
        if np.max(np.abs(new - f)) < 1e-10:
            f = new
            break
        f = new
    exposure = np.bincount(rep_of, f[p_of], minlength=n_reps)
    raw_rate = np.bincount(rep_of, n, minlength=n_reps) / exposure
    mean = np.maximum(raw_rate[rep_of] * f[p_of], 1e-9)

    def negative(log_k: float) -> float:
        return -_nb_loglik(n, mean, math.exp(log_k))

    best = optimize.minimize_scalar(negative, bounds=(math.log(1e-2), math.log(1e4)),
                                    method="bounded")
    log_k = float(best.x)
    dispersion = _profile(negative, log_k)
    k = dispersion.value
    # shrink each rate: its noise is the negative binomial's over its exposure
    team_rate = float(n.sum() / exposure.sum())
    noise = (team_rate + team_rate**2 / k) / exposure
    rates, rate_var, _ = _shrink(raw_rate, noise)
    rates = np.maximum(rates, 1e-6)
    # sizes: log size per deal, pooled within reps, rep means shrunk
    size_rep = deals["rep_id"].map({r: i for i, r in enumerate(reps)}).to_numpy()
    keep = (deals["amount"].to_numpy() > 0) & ~np.isnan(size_rep.astype(float))
    x = np.log(deals["amount"].to_numpy()[keep])
    who = size_rep[keep].astype(int)
    per = np.bincount(who, minlength=n_reps).astype(float)
    means = np.bincount(who, x, minlength=n_reps) / np.maximum(per, 1)
    resid = x - means[who]
    dof = max(int(x.size - (per > 0).sum()), 1)
    s2 = float((resid**2).sum() / dof)
    s = math.sqrt(s2)
    size_sigma = Estimate(s, math.sqrt(s2 * dof / stats.chi2.ppf(0.975, dof)),
                          math.sqrt(s2 * dof / stats.chi2.ppf(0.025, dof)),
                          s / math.sqrt(2 * dof))
    has = per > 0
    log_size = np.full(n_reps, float(np.average(means[has], weights=per[has])))
    size_var = np.full(n_reps, s2)
    shrunk, post, _ = _shrink(means[has], s2 / per[has])
    log_size[has], size_var[has] = shrunk, post
    size = np.exp(log_size + s2 / 2)
    expected = rates * size  # per period, average period
    level_var = rate_var / rates**2 + size_var
    months = history.months_per_period
    team = float(expected.mean())
    se = math.sqrt(float((expected**2 * level_var).sum())) / n_reps / team
    revenue = Estimate(team / months, team / months * math.exp(-Z95 * se),
                       team / months * math.exp(Z95 * se), team / months * se)
    levels = expected / team
    sd = np.sqrt(level_var)
    level_sigma = _level_spread(raw_rate, exposure, means, per, s2, k, rng)
    weeks = WEEKS_PER_PERIOD[history.granularity]
    weekly_rates = np.clip(rates / weeks, 1e-3, MAX_WEEKLY_DEALS)
    weekly_k = k / weeks
    mean_weekly = float(weekly_rates.mean())
    sales_weekly = min(math.sqrt(math.log(1 + math.exp(s2) / mean_weekly + 1 / weekly_k)),
                       MAX_WEEKLY_SIGMA)
    rate_se = math.sqrt(team_rate * (1 + team_rate / k) / exposure.sum())
    return DealFit(
        reps=reps,
        rate=Estimate(team_rate, team_rate - Z95 * rate_se, team_rate + Z95 * rate_se, rate_se),
        dispersion=dispersion, size_sigma=size_sigma,
        deal_size=Estimate(float(size.mean()), float(size.mean()), float(size.mean())),
        level_sigma=level_sigma, revenue_per_rep_month=revenue,
        rep_rates=[float(v) for v in rates], rep_sizes=[float(v) for v in size],
        levels=[float(v) for v in levels],
        level_low=[float(v) for v in levels * np.exp(-Z95 * sd)],
        level_high=[float(v) for v in levels * np.exp(Z95 * sd)],
        weekly={"weekly_rate": [float(f"{v:.4g}") for v in weekly_rates],
                "dispersion": float(f"{min(max(weekly_k, 1e-3), 1e4):.4g}"),
                "size_sigma": float(f"{min(s, 3.0):.4g}")},
        sales_weekly=sales_weekly, n_deals=int(keep.sum()),
        goodness=_goodness(history, reps, rep_of, p_of, n, rates[rep_of] * f[p_of], k, log_size,
                           s, who, x, f, rng),
    )


def _profile(negative: Any, log_k: float) -> Estimate:
    """K with its 95% profile-likelihood interval (log scale, bounded search)."""
    top = -negative(log_k)
    drop = float(stats.chi2.ppf(0.95, 1)) / 2

    def edge(direction: float) -> float:
        step, x = 0.05, log_k
        while abs(x - log_k) < 12:
            x += direction * step
            if top - -negative(x) > drop:
                return x
            step *= 1.3
        return x

    low, high = max(edge(-1.0), math.log(1e-2)), min(edge(1.0), math.log(1e4))
    return Estimate(math.exp(log_k), math.exp(low), math.exp(high), (high - low) / (2 * Z95))


def _level_spread(raw_rate: np.ndarray, exposure: np.ndarray, means: np.ndarray,
                  per: np.ndarray, s2: float, k: float,
                  rng: np.random.Generator) -> Estimate:
    """Log-sd across reps of expected revenue, net of noise; cluster bootstrap interval."""
    def spread(idx: np.ndarray) -> float:
        rate, exp_, mean, count = raw_rate[idx], exposure[idx], means[idx], per[idx]
        team = rate.sum() and float(np.average(rate, weights=exp_))
        between_rate = np.var(rate, ddof=1) - float(np.mean((team + team**2 / k) / exp_))
        ok = count > 0
        between_size = np.var(mean[ok], ddof=1) - float(np.mean(s2 / count[ok]))
        variance = math.log1p(max(between_rate, 0.0) / max(team, 1e-9) ** 2) + max(
            between_size, 0.0)
        return math.sqrt(max(variance, 1e-8))

    n = raw_rate.size
    value = spread(np.arange(n))
    boots = np.array([spread(rng.integers(0, n, n)) for _ in range(BOOTSTRAP)])
    # on the log scale around the estimate: resampled reps repeat, which shrinks the
    # percentiles of a spread toward 0
    return log_interval(math.log(value), float(np.log(boots).std()))


def _goodness(history: History, reps: list[str], rep_of: np.ndarray, p_of: np.ndarray,
              n: np.ndarray, mean: np.ndarray, k: float, log_size: np.ndarray, s: float,
              who: np.ndarray, x: np.ndarray, f: np.ndarray,
              rng: np.random.Generator) -> list[dict[str, Any]]:
    """Observed vs replicated quantiles of period totals, deal counts and deal sizes."""
    revenue = history.metric("revenue")
    actual = revenue["actual"].to_numpy()
    size_mean = np.exp(log_size + s**2 / 2)
    expected = mean * size_mean[rep_of]
    counts = rng.negative_binomial(k, k / (k + mean), size=(GOF_REPLICATES, mean.size))
    totals = np.empty(counts.shape)
    for j in range(GOF_REPLICATES):
        c = counts[j]
        z = rng.standard_normal(int(c.sum()))
        sizes = np.exp(np.repeat(log_size[rep_of], c) + s * z)
        totals[j] = np.bincount(np.repeat(np.arange(c.size), c), sizes, minlength=c.size)
    sizes_rep = np.exp(log_size[who] + s * rng.standard_normal((GOF_REPLICATES, who.size)))
    quota = revenue["quota"].to_numpy()
    bases = [("fitted level", actual / expected, totals / expected),
             ("deal count", n, counts.astype(float)),
             ("deal size", np.exp(x) / size_mean[who], sizes_rep / size_mean[who])]
    has = ~np.isnan(quota)
    if has.sum() >= 10:
        bases.insert(1, ("quota", actual[has] / quota[has], totals[:, has] / quota[has]))
    rows = []
    qs = np.array(GOF_QUANTILES)
    for basis, observed, replicated in bases:
        obs = np.quantile(observed, qs)
        sims = np.quantile(replicated, qs, axis=1)
        for q, o, sim in zip(qs, obs, sims, strict=True):
            low, mid, high = np.quantile(sim, [0.025, 0.5, 0.975])
            close = abs(o - mid) <= GOF_MATERIAL * max(mid, 1e-9)
            rows.append({"basis": basis, "quantile": float(q), "observed": float(o),
                         "fitted": float(mid), "low": float(low), "high": float(high),
                         "fits": bool(low <= o <= high or close)})
    return rows


def deal_frame(fit: DealFit) -> pd.DataFrame:
    """Per rep: deal rate, mean deal, level and its interval (the report's table)."""
    return pd.DataFrame({"rep_id": fit.reps, "rate": fit.rep_rates, "deal_size": fit.rep_sizes,
                         "level": fit.levels, "low": fit.level_low, "high": fit.level_high})
