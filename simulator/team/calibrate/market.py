"""Market shocks in a history: period effects that every rep shares, beyond seasonality.

The engine multiplies every rep's deals in a trial by one market factor per month: a
level for the year times an AR(1) month (`luck.market_*` of the team file). In a history
they show as period effects common to all reps. Two stages, after the level fit:

1. each period's effect m_t is the mean over its reps of their log revenue less their
   fitted level, with sampling variance sigma_rep**2 / n_t (sigma_rep: the reps' own
   period luck, from the spread around each period's mean);
2. the series of effects is Gaussian with mean intercept + season (when the fit keeps
   seasonality) and covariance
   yearly**2 [same year] + monthly**2 rho**|months apart| + sigma_rep**2 / n_t [same period]
   (a quarter's effect averages its three months). yearly, monthly and rho are fitted by
   restricted maximum likelihood (REML: the seasons fitted to the same short series
   would otherwise soak up the shocks and bias them toward 0), with 95% profile-likelihood
   intervals, which stay honest at the boundary (a shock estimated at 0).

A history of one year cannot tell a yearly level from the mean, and quarters cannot tell
the month-to-month correlation: those keep the base team's values, and a note says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import optimize, special, stats

from simulator.team.calibrate.calibration import Estimate
from simulator.team.calibrate.data import FloatArray, RevenueData
from simulator.team.history import History, period_label
from simulator.team.parameters import Luck

MIN_PERIODS = 8
"""Fewer periods than this (beyond the seasons): no market fit (the base team's values)."""
MIN_YEARS = 3
"""Fewer calendar years than this cannot tell a yearly level (two years: one difference)."""
MAX_RHO = 0.95
NO_SHOCK = 1e-3
"""A monthly shock estimated below this log-sd is none: its correlation is not fitted."""
SIGMA_BOUNDS = (1e-4, 2.0)
PROFILE_DROP = float(stats.chi2.ppf(0.95, 1)) / 2
"""A 95% profile interval: the log-likelihood within this of its maximum (3.84 / 2)."""


@dataclass(frozen=True)
class MarketFit:
    """The market's shocks as fitted from a history (or kept from the base team).

    rep_sigma: the log-sd of one period's luck of one rep, net of the market's effect;
    effects: per period, its label, its effect (log, mean 0) and how many reps it has.
    """

    yearly: Estimate
    monthly: Estimate
    autocorrelation: Estimate
    rep_sigma: float
    effects: list[dict[str, Any]] = field(repr=False)
    fitted: tuple[str, ...]  # which of yearly, monthly, autocorrelation the history told
    notes: tuple[str, ...] = ()
    season_covariance: list[list[float]] | None = field(default=None, repr=False)
    """Covariance of the seasons' log effects relative to the first season, (S-1, S-1),
    with the market's shocks in it; None when not seasonal or not fitted."""

    def luck(self) -> dict[str, float]:
        """The team file's `luck` entries for the market."""
        return {"market_yearly": self.yearly.value, "market_monthly": self.monthly.value,
                "market_autocorrelation": self.autocorrelation.value}


@dataclass(frozen=True)
class _Series:
    """Period effects with what their likelihood needs: (T,) arrays and (T, T) matrices."""

    effect: FloatArray  # mean of the period's residuals
    noise: FloatArray  # its sampling variance, sigma_rep**2 / n_t
    design: FloatArray  # (T, p): intercept and, when seasonal, season dummies
    same_year: FloatArray  # 1 where two periods are in the same calendar year
    lags: NDArray[np.int64]  # (T, m, T, m) months apart, for each month of each period

    def covariance(self, yearly: float, monthly: float, rho: float) -> FloatArray:
        """The effects' covariance at the given market parameters."""
        ar = (rho ** self.lags).mean(axis=(1, 3))
        return yearly**2 * self.same_year + monthly**2 * ar + np.diag(self.noise)

    def mean_covariance(self, yearly: float, monthly: float, rho: float) -> FloatArray:
        """Covariance of the generalised-least-squares estimate of the mean's parameters."""
        chol = np.linalg.cholesky(self.covariance(yearly, monthly, rho))
        x = np.linalg.solve(chol, self.design)
        return np.asarray(np.linalg.inv(x.T @ x))

    def reml(self, yearly: float, monthly: float, rho: float) -> float:
        """The restricted log-likelihood (the mean's parameters integrated out)."""
        try:
            chol = np.linalg.cholesky(self.covariance(yearly, monthly, rho))
        except np.linalg.LinAlgError:
            return -1e12
        x = np.linalg.solve(chol, self.design)
        y = np.linalg.solve(chol, self.effect)
        xtx = x.T @ x
        beta = np.linalg.solve(xtx, x.T @ y)
        resid = y - x @ beta
        return float(-np.log(np.diag(chol)).sum() - 0.5 * np.linalg.slogdet(xtx)[1]
                     - 0.5 * resid @ resid)


NAMES = ("yearly", "monthly", "rho")


def _to_value(name: str, theta: float) -> float:
    return MAX_RHO * float(special.expit(theta)) if name == "rho" else math.exp(theta)


def _to_theta(name: str, value: float) -> float:
    if name == "rho":
        return float(special.logit(min(max(value / MAX_RHO, 1e-4), 1 - 1e-4)))
    return math.log(min(max(value, SIGMA_BOUNDS[0]), SIGMA_BOUNDS[1]))


def _maximise(series: _Series, free: list[str], fixed: dict[str, float]
              ) -> tuple[dict[str, float], float]:
    """The REML estimates of the `free` parameters (the others held at `fixed`)."""
    if not free:
        return dict(fixed), series.reml(fixed["yearly"], fixed["monthly"], fixed["rho"])

    def objective(theta: FloatArray) -> float:
        p = {**fixed, **{n: _to_value(n, t) for n, t in zip(free, theta, strict=True)}}
        return -series.reml(p["yearly"], p["monthly"], p["rho"])

    total = max(float(series.effect.var()) - float(series.noise.mean()), 1e-4)
    starts = [{"yearly": math.sqrt(total / 2), "monthly": math.sqrt(total / 2), "rho": 0.5},
              {"yearly": 0.01, "monthly": math.sqrt(total), "rho": 0.2}]
    best: Any = None
    bounds = [(-8.0, 8.0) if n == "rho" else tuple(np.log(SIGMA_BOUNDS)) for n in free]
    for start in starts:  # two starts: the likelihood of a short series can have two humps
        theta0 = np.array([_to_theta(n, start[n]) for n in free])
        result = optimize.minimize(objective, theta0, method="L-BFGS-B", bounds=bounds)
        if best is None or result.fun < best.fun:
            best = result
    values = {**fixed, **{n: _to_value(n, t) for n, t in zip(free, best.x, strict=True)}}
    return values, -float(best.fun)


def _profile_interval(series: _Series, name: str, free: list[str], fixed: dict[str, float],
                      best: dict[str, float], top: float) -> tuple[float, float]:
    """The 95% profile-likelihood interval of one parameter."""
    others = [n for n in free if n != name]
    lowest, highest = (0.0, MAX_RHO) if name == "rho" else (0.0, SIGMA_BOUNDS[1])

    def drop(value: float) -> float:  # > 0 inside the interval
        _, value_top = _maximise(series, others, {**fixed, name: value})
        return PROFILE_DROP - (top - value_top)

    def end(far: float) -> float:
        if drop(far) > 0:
            return far
        return float(optimize.brentq(drop, best[name], far, xtol=1e-4))

    return end(lowest), end(highest)


def _series(data: RevenueData, residual: FloatArray, monthly: bool, seasonal: bool,
            n_seasons: int) -> tuple[_Series, list[int], list[int], float]:
    """The period effects of the residuals, their periods, rep counts and the rep sigma."""
    usable = data.mask & ~data.censored
    periods = np.unique(data.period[usable])
    effects, counts, squares, n_cells = [], [], 0.0, 0
    for t in periods:
        cells = residual[usable & (data.period == t)]
        effects.append(float(cells.mean()))
        counts.append(int(cells.size))
        squares += float(((cells - cells.mean()) ** 2).sum())
        n_cells += cells.size
    # degrees of freedom: one lost to each period's mean and (about) one to each rep's
    # fitted level, which was read from the same cells
    n_reps = int(usable.any(axis=1).sum())
    rep_var = squares / max(n_cells - len(periods) - n_reps, 1)
    per_year = 12 if monthly else 4
    month_index = np.array([[t] if monthly else [3 * t, 3 * t + 1, 3 * t + 2]
                            for t in periods])  # (T, m)
    years = periods // per_year
    design = np.ones((len(periods), 1))
    if seasonal:
        season = periods % per_year
        dummies = (season[:, None] == np.arange(1, n_seasons)[None, :]).astype(float)
        design = np.column_stack((design, dummies[:, dummies.any(axis=0)]))
    series = _Series(
        effect=np.array(effects),
        noise=rep_var / np.array(counts, dtype=float),
        design=design,
        same_year=(years[:, None] == years[None, :]).astype(float),
        lags=np.abs(month_index[:, :, None, None] - month_index[None, None, :, :]),
    )
    return series, [int(t) for t in periods], counts, math.sqrt(rep_var)


def fit_market(
    history: History,
    data: RevenueData,
    residual: FloatArray,
    base: Luck,
    seasonal: bool,
) -> MarketFit:
    """The market's shocks from the residual log revenue of every rep-period.

    residual: (n_reps, max_periods) log revenue less the rep's fitted level (on `data`'s
    cells); seasonal: the fit keeps seasonality (the effects' mean then has a season).
    Parameters the history cannot tell keep the base team's values (`base`), and the fit
    says which it told (`fitted`).
    """
    monthly = history.granularity == "month"
    series, periods, counts, rep_sigma = _series(data, residual, monthly, seasonal,
                                                 history.n_seasons)
    beta = np.linalg.lstsq(series.design, series.effect, rcond=None)[0]
    centred = series.effect - series.design @ beta
    effects = [{"period": period_label(history.granularity, t), "effect": float(e), "reps": n}
               for t, e, n in zip(periods, centred, counts, strict=True)]
    base_values = {"yearly": base.market_yearly, "monthly": base.market_monthly,
                   "rho": base.market_autocorrelation}
    notes = []
    if len(periods) - series.design.shape[1] < MIN_PERIODS:
        notes.append(f"{len(periods)} periods are too few to fit the market's shocks "
                     f"beside seasonality; the base team's values are kept")
        return _kept(base_values, rep_sigma, effects, notes)
    free = list(NAMES)
    years = len(set(np.array(periods) // (12 if monthly else 4)))
    if years < MIN_YEARS:
        free.remove("yearly")
        notes.append(f"{years} calendar year(s) of history cannot tell the market's yearly "
                     "level (that takes at least three); the base team's market_yearly "
                     f"({base.market_yearly:g}) is kept")
    if not monthly:
        free.remove("rho")
        notes.append("quarters cannot tell the month-to-month correlation of the market; "
                     "the base team's market_autocorrelation is kept")
    fixed = {k: v for k, v in base_values.items() if k not in free}
    best, top = _maximise(series, free, fixed)

    def estimate(name: str) -> Estimate:
        value = best[name]
        if name not in free:
            return Estimate(value, value, value, 0.0)
        low, high = _profile_interval(series, name, free, fixed, best, top)
        return Estimate(value, low, high, (high - low) / 3.92)

    if "rho" in free and best["monthly"] < NO_SHOCK:
        # with no monthly shock, its correlation means nothing: keep the base team's
        free.remove("rho")
        fixed["rho"] = base_values["rho"]
        best, top = _maximise(series, free, fixed)
        notes.append("no monthly market shock is visible, so its month-to-month correlation "
                     "cannot be told; the base team's market_autocorrelation is kept")
    words = {"yearly": "yearly", "monthly": "monthly", "rho": "autocorrelation"}
    seasons = None
    if seasonal and series.design.shape[1] == history.n_seasons:
        cov = series.mean_covariance(best["yearly"], best["monthly"], best["rho"])
        seasons = cov[1:, 1:].tolist()
    return MarketFit(estimate("yearly"), estimate("monthly"), estimate("rho"), rep_sigma,
                     effects, tuple(words[n] for n in free), tuple(notes), seasons)


def _kept(values: dict[str, float], rep_sigma: float, effects: list[dict[str, Any]],
          notes: list[str]) -> MarketFit:
    def fixed(value: float) -> Estimate:
        return Estimate(value, value, value, 0.0)

    return MarketFit(fixed(values["yearly"]), fixed(values["monthly"]), fixed(values["rho"]),
                     rep_sigma, effects, (), tuple(notes))


def market_draws(fit: MarketFit, history: History, periods: NDArray[np.int64],
                 replicates: int, rng: np.random.Generator) -> FloatArray:
    """Replicated market factors (mean 1) of the history's periods: (replicates, n_periods).

    periods: each cell's period index (as `RevenueData.period`), flattened; for the
    goodness of fit, whose replicated histories then carry the market's shocks too.
    """
    monthly = history.granularity == "month"
    unique, where = np.unique(periods, return_inverse=True)
    months = np.array([[t] if monthly else [3 * t, 3 * t + 1, 3 * t + 2] for t in unique])
    first = int(months.min())
    span = int(months.max()) - first + 1
    rho, sigma = fit.autocorrelation.value, fit.monthly.value
    z = rng.standard_normal((replicates, span))
    ar = np.empty((replicates, span))
    ar[:, 0] = sigma * z[:, 0]
    for m in range(1, span):
        ar[:, m] = rho * ar[:, m - 1] + sigma * math.sqrt(1 - rho**2) * z[:, m]
    years = (first + np.arange(span)) // 12
    level = fit.yearly.value * rng.standard_normal((replicates, int(years.max()) + 1))
    log_month = ar + level[:, years]
    log_period = log_month[:, months - first].mean(axis=2)  # (replicates, n_unique)
    factor = np.exp(log_period - (fit.yearly.value**2 + sigma**2) / 2)
    return factor[:, where]
