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
points; `behavior.period_sigma`'s Fenton-Wilkinson approximation is reported too).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import yaml
from numpy.typing import NDArray
from scipy import optimize, special, stats
from scipy.stats import qmc

from simulator.base.errors import InputError, Problem
from simulator.base.metrics import PRODUCTS
from simulator.plan.spec import WEEKS_PER_PERIOD
from simulator.team.history import MONTH_NAMES, History
from simulator.team.spec import TeamSpec, load_team, team_from_dict

FloatArray = NDArray[np.float64]

OUTLIER_SCALE = 5.0
"""Width of the outlier component of luck, in units of sigma."""
MAX_OUTLIER_SHARE = 0.2
OUTLIER_Z = 4.0
OUTLIER_RATIO = 5.0
"""An outlier is also this many sigmas from, and this many times above (or below 1/x of),
the rep's expected result: the upper tail of a sum of lognormal weeks is heavier than a
normal's, so a sigma rule alone would drop some merely lucky months."""
N_NODES = 24
"""Gauss-Hermite nodes per rep for integrating out the level."""
SCREEN_ROUNDS = 4
STRONG_SHRINKAGE = 0.5
"""A rep whose level is pulled more than half of the way to the team mean."""
SEASONALITY_ALPHA = 0.05
Z95 = 1.959963984540054
GOF_QUANTILES = (0.10, 0.25, 0.50, 0.75, 0.90)
GOF_REPLICATES = 200
GOF_MAX_DRAWS = 4_000_000
GOF_MATERIAL = 0.05
"""Observed and fitted attainment quantiles closer than this (relative) fit whatever the band.

In-sample attainments are a little less spread than replicates (levels and seasons were
fitted to the same data), and long histories give very narrow bands."""
FUNNEL_METRICS = ("dials", "conversations", "meetings", "deals")
MAX_WEEKLY_SIGMA = 3.0


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
    """The fit of a history and the team file it gives (see module docstring)."""

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
    history_plan: dict[str, Any] | None = None  # set by `adjust_for_plan`

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain data (the `calibrate --json` object)."""
        return asdict(self)


# --------------------------------------------------------------------------- the data


@dataclass(frozen=True)
class _Data:
    """Revenue observations padded to (n_reps, max_periods) arrays."""

    reps: list[str]
    y: FloatArray  # log revenue; log of the censoring point for zero periods
    season: NDArray[np.int64]
    censored: NDArray[np.bool_]
    mask: NDArray[np.bool_]
    n_seasons: int

    @property
    def counts(self) -> FloatArray:
        return self.mask.sum(axis=1).astype(float)


def _revenue_data(revenue: pd.DataFrame, reps: list[str], n_seasons: int) -> _Data:
    positive = revenue["actual"] > 0
    floor = float(revenue.loc[positive, "actual"].min())
    order = {rep: i for i, rep in enumerate(reps)}
    rep_index = revenue["rep_id"].map(order).to_numpy()
    within = revenue.groupby("rep_id").cumcount().to_numpy()
    shape = (len(reps), int(within.max()) + 1)
    y = np.zeros(shape)
    season = np.zeros(shape, dtype=np.int64)
    censored = np.zeros(shape, dtype=bool)
    mask = np.zeros(shape, dtype=bool)
    values = np.where(positive, revenue["actual"], floor)
    y[rep_index, within] = np.log(values)
    season[rep_index, within] = revenue["season"].to_numpy()
    censored[rep_index, within] = ~positive.to_numpy()
    mask[rep_index, within] = True
    return _Data(reps, y, season, censored, mask, n_seasons)


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class _Layout:
    """Where each parameter sits in the vector the optimiser sees."""

    n_seasons: int
    seasonal: bool
    robust: bool

    @property
    def size(self) -> int:
        return 1 + (self.n_seasons - 1 if self.seasonal else 0) + 2 + (1 if self.robust else 0)

    def unpack(self, theta: FloatArray) -> tuple[float, FloatArray, float, float, float]:
        """mu, seasonal log factors (n_seasons, summing to 0), tau, sigma, pi."""
        mu = float(theta[0])
        k = 1
        if self.seasonal:
            free = theta[1 : self.n_seasons]
            s = np.concatenate((free, [-free.sum()]))
            k = self.n_seasons
        else:
            s = np.zeros(self.n_seasons)
        tau, sigma = math.exp(theta[k]), math.exp(theta[k + 1])
        pi = MAX_OUTLIER_SHARE * special.expit(theta[k + 2]) if self.robust else 0.0
        return mu, s, tau, sigma, pi


_Z, _W = np.polynomial.hermite_e.hermegauss(N_NODES)
_LOG_W = np.log(_W / np.sqrt(2 * np.pi)) + _Z**2 / 2  # weights for integrating dz, not phi dz
_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


def _log_luck(residual: FloatArray, censored: NDArray[np.bool_], sigma: float,
              pi: float) -> FloatArray:
    """Log density (or, censored, log probability below) of a luck residual."""
    wide = OUTLIER_SCALE * sigma
    core = np.where(
        censored,
        special.log_ndtr(residual / sigma),
        -0.5 * (residual / sigma) ** 2 - _LOG_SQRT_2PI - math.log(sigma),
    )
    if pi <= 0:
        return core
    outlier = np.where(
        censored,
        special.log_ndtr(residual / wide),
        -0.5 * (residual / wide) ** 2 - _LOG_SQRT_2PI - math.log(wide),
    )
    return np.logaddexp(math.log1p(-pi) + core, math.log(pi) + outlier)


def _placement(data: _Data, theta: FloatArray, layout: _Layout) -> tuple[FloatArray, FloatArray]:
    """Centre and width of each rep's quadrature nodes: a rough posterior of its level.

    A median-based centre and the normal-model posterior width, so the quadrature stays
    accurate for reps with long histories, whose posterior is much narrower than the
    spread across reps.
    """
    mu, s, tau, sigma, _ = layout.unpack(theta)
    residual = np.where(data.mask, data.y - (mu + s[data.season] - sigma**2 / 2), np.nan)
    n = data.counts
    precision = n / sigma**2 + 1 / tau**2
    middle = (n / sigma**2) * np.nanmedian(residual, axis=1) / precision
    return middle, 1.25 / np.sqrt(precision)


def _rep_nodes(
    data: _Data,
    theta: FloatArray,
    layout: _Layout,
    placement: tuple[FloatArray, FloatArray] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Per rep, the level nodes (n_reps, N_NODES) and the log integrand at them."""
    mu, s, tau, sigma, pi = layout.unpack(theta)
    middle, width = placement if placement is not None else _placement(data, theta, layout)
    nodes = middle[:, None] + width[:, None] * _Z[None, :]  # (n_reps, K)
    residual = np.where(data.mask, data.y - (mu + s[data.season] - sigma**2 / 2), 0.0)
    e = residual[:, :, None] - nodes[:, None, :]  # (n_reps, T, K)
    log_f = _log_luck(e, data.censored[:, :, None], sigma, pi)
    log_f = np.where(data.mask[:, :, None], log_f, 0.0).sum(axis=1)
    log_prior = -0.5 * (nodes / tau) ** 2 - _LOG_SQRT_2PI - math.log(tau)
    log_integrand = log_f + log_prior + _LOG_W[None, :] + np.log(width)[:, None]
    return nodes, log_integrand


def _robust_objective(
    data: _Data, theta: FloatArray, layout: _Layout, placement: tuple[FloatArray, FloatArray]
) -> tuple[float, FloatArray]:
    """Negative marginal log-likelihood of the contaminated-normal model and its gradient.

    The quadrature nodes are held at `placement`, so the gradient is exact for the
    objective as computed.
    """
    mu, s, tau, sigma, pi = layout.unpack(theta)
    middle, width = placement
    nodes = middle[:, None] + width[:, None] * _Z[None, :]
    mask = data.mask[:, :, None]
    censored = data.censored[:, :, None]
    residual = np.where(data.mask, data.y - (mu + s[data.season] - sigma**2 / 2), 0.0)
    e = residual[:, :, None] - nodes[:, None, :]
    wide = OUTLIER_SCALE * sigma
    u1, u2 = e / sigma, e / wide
    pdf1, pdf2 = -0.5 * u1**2 - _LOG_SQRT_2PI, -0.5 * u2**2 - _LOG_SQRT_2PI
    cdf1, cdf2 = special.log_ndtr(u1), special.log_ndtr(u2)
    core = math.log1p(-pi) + np.where(censored, cdf1, pdf1 - math.log(sigma))
    outlier = math.log(pi) + np.where(censored, cdf2, pdf2 - math.log(wide))
    log_f = np.logaddexp(core, outlier)
    q = np.exp(outlier - log_f)  # the outlier component's share of each cell
    # d log f / d e, and / d sigma at fixed e
    d_e = np.where(
        censored,
        (1 - q) * np.exp(pdf1 - cdf1) / sigma + q * np.exp(pdf2 - cdf2) / wide,
        -e * ((1 - q) / sigma**2 + q / wide**2),
    )
    d_sigma = np.where(
        censored,
        -((1 - q) * np.exp(pdf1 - cdf1) * u1 + q * np.exp(pdf2 - cdf2) * u2) / sigma,
        ((1 - q) * (u1**2 - 1) + q * (u2**2 - 1)) / sigma,
    )
    d_pi = -(1 - q) / (1 - pi) + q / pi
    log_prior = -0.5 * (nodes / tau) ** 2 - _LOG_SQRT_2PI - math.log(tau)
    log_integrand = (np.where(mask, log_f, 0.0).sum(axis=1) + log_prior + _LOG_W[None, :]
                     + np.log(width)[:, None])
    per_rep = special.logsumexp(log_integrand, axis=1)
    weight = np.exp(log_integrand - per_rep[:, None])[:, None, :] * mask  # (R, 1|T, K)
    by_cell = (weight * d_e).sum(axis=2)  # (R, T): d/de summed over nodes
    # e = y - mu - s + sigma**2 / 2 - a
    grad_mu = -by_cell.sum()
    grad_s = -np.bincount(data.season[data.mask], by_cell[data.mask], minlength=layout.n_seasons)
    grad_log_sigma = sigma * (sigma * by_cell.sum() + (weight * d_sigma).sum())
    grad_log_tau = float((np.exp(log_integrand - per_rep[:, None]) * (nodes**2 / tau**2 - 1)).sum())
    grad_pi = (weight * d_pi).sum() * pi * (1 - pi / MAX_OUTLIER_SHARE)
    grad = [grad_mu]
    if layout.seasonal:
        grad += list(grad_s[:-1] - grad_s[-1])
    grad += [grad_log_tau, grad_log_sigma, grad_pi]
    return -float(per_rep.sum()), -np.array(grad, dtype=float)


def _log_likelihood(data: _Data, theta: FloatArray, layout: _Layout) -> float:
    """Marginal log-likelihood: levels integrated out by quadrature."""
    _, log_integrand = _rep_nodes(data, theta, layout)
    return float(special.logsumexp(log_integrand, axis=1).sum())


def _normal_log_likelihood(data: _Data, theta: FloatArray, layout: _Layout) -> float:
    """The same for normal luck and no zero periods, in closed form (much faster).

    A rep's log results are jointly normal with covariance sigma**2 I + tau**2 J.
    """
    mu, s, tau, sigma, _ = layout.unpack(theta)
    r = np.where(data.mask, data.y - (mu + s[data.season] - sigma**2 / 2), 0.0)
    n = data.counts
    mean = r.sum(axis=1) / np.maximum(n, 1.0)
    within = np.where(data.mask, (r - mean[:, None]) ** 2, 0.0).sum(axis=1)
    total = sigma**2 + n * tau**2
    return float(-0.5 * (
        n * math.log(2 * math.pi) + (n - 1) * math.log(sigma**2) + np.log(total)
        + within / sigma**2 + n * mean**2 / total
    ).sum())


def _rows(data: _Data, which: NDArray[np.bool_]) -> _Data:
    return _Data([r for r, keep in zip(data.reps, which, strict=True) if keep], data.y[which],
                 data.season[which], data.censored[which], data.mask[which], data.n_seasons)


def _objective(data: _Data, layout: _Layout) -> Any:
    """Negative log-likelihood of theta; closed form for the reps it can be used on."""
    if layout.robust:
        return lambda theta: -_log_likelihood(data, theta, layout)
    lumpy: NDArray[np.bool_] = np.asarray((data.censored & data.mask).any(axis=1))
    smooth, rough = _rows(data, ~lumpy), _rows(data, lumpy)

    def objective(theta: FloatArray) -> float:
        value = _normal_log_likelihood(smooth, theta, layout) if smooth.reps else 0.0
        if rough.reps:
            value += _log_likelihood(rough, theta, layout)
        return -value

    return objective


@dataclass(frozen=True)
class _Fit:
    layout: _Layout
    theta: FloatArray
    log_likelihood: float
    covariance: FloatArray  # of theta without the outlier share


def _start(data: _Data, layout: _Layout) -> FloatArray:
    y = np.where(data.mask & ~data.censored, data.y, np.nan)
    no_positive = np.asarray(np.isnan(y).all(axis=1))
    rep_mean = np.nanmean(np.where(no_positive[:, None] & data.mask, data.y, y), axis=1)
    deviation = y - rep_mean[:, None]
    mu = float(np.nanmean(y))
    theta = [mu]
    if layout.seasonal:
        by_season = np.array(
            [np.nanmean(np.where(data.season == k, deviation, np.nan))
             for k in range(data.n_seasons)]
        )
        by_season = np.nan_to_num(by_season - np.nanmean(by_season))
        theta += list(by_season[:-1])
    within = deviation[~np.isnan(deviation)]
    sigma = 1.4826 * float(np.median(np.abs(within - np.median(within)))) if within.size else 0.3
    sigma = max(sigma, 0.05)
    many = data.counts >= 2
    spread = float(np.std(rep_mean[many])) if many.sum() >= 2 else float(np.std(rep_mean))
    tau = max(math.sqrt(max(spread**2 - sigma**2 / max(data.counts.mean(), 1.0), 0.0)), 0.05)
    theta += [math.log(tau), math.log(sigma)]
    if layout.robust:
        theta.append(float(special.logit(0.01 / MAX_OUTLIER_SHARE)))
    return np.array(theta)


def _hessian(func: Any, x: FloatArray, step: float = 1e-3) -> FloatArray:
    """Central-difference Hessian of a scalar function."""
    p = x.size
    h = np.eye(p) * step
    hess = np.empty((p, p))
    f0 = func(x)
    for i in range(p):
        hess[i, i] = (func(x + h[i]) - 2 * f0 + func(x - h[i])) / step**2
        for j in range(i):
            value = (
                func(x + h[i] + h[j]) - func(x + h[i] - h[j])
                - func(x - h[i] + h[j]) + func(x - h[i] - h[j])
            ) / (4 * step**2)
            hess[i, j] = hess[j, i] = value
    return hess


def _bounds(layout: _Layout) -> list[tuple[float | None, float | None]]:
    bounds: list[tuple[float | None, float | None]] = [(None, None)] * (
        layout.size - (3 if layout.robust else 2)
    )
    bounds += [(math.log(1e-3), math.log(5.0)), (math.log(1e-3), math.log(5.0))]
    if layout.robust:
        bounds.append((-12.0, 12.0))
    return bounds


def _screen(data: _Data, seasonal: bool) -> _Fit:
    """The contaminated-normal fit that finds outliers (no standard errors).

    Each round holds the quadrature nodes where the previous round's estimate puts them,
    so the optimiser sees a smooth objective with an exact gradient.
    """
    layout = _Layout(data.n_seasons, seasonal, robust=True)
    theta = _start(data, layout)
    value = math.inf
    for _ in range(SCREEN_ROUNDS):
        placement = _placement(data, theta, layout)
        result = optimize.minimize(
            lambda t, p=placement: _robust_objective(data, t, layout, p), theta, jac=True,
            method="L-BFGS-B", bounds=_bounds(layout), options={"maxiter": 500},
        )
        moved = float(np.max(np.abs(result.x - theta)))
        theta, value = result.x, float(result.fun)
        if moved < 1e-4:
            break
    return _Fit(layout, theta, -value, np.full((0, 0), np.nan))


def _fit(data: _Data, seasonal: bool) -> _Fit:
    """Maximum marginal likelihood with normal luck, and the covariance of the estimates."""
    layout = _Layout(data.n_seasons, seasonal, robust=False)
    objective = _objective(data, layout)
    result = optimize.minimize(objective, _start(data, layout), method="L-BFGS-B",
                               bounds=_bounds(layout), options={"maxiter": 500})
    theta = result.x
    hess = _hessian(objective, theta)
    try:
        covariance = np.linalg.inv(hess)
        if np.any(np.diag(covariance) < 0):
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        covariance = np.linalg.pinv(hess)
        covariance[np.diag_indices_from(covariance)] = np.abs(np.diag(covariance))
    return _Fit(layout, theta, -float(result.fun), np.asarray(covariance, dtype=np.float64))


# --------------------------------------------------------------------------- luck


@lru_cache(maxsize=8)
def _normal_points(weeks: int) -> FloatArray:
    """Fixed quasi-random standard normal points, (2**14 - 1, weeks): deterministic."""
    points = qmc.Sobol(d=weeks, scramble=False).random_base2(m=14)[1:]  # drop the 0 point
    return special.ndtri(points)


def period_log_sd(weekly_sigma: float, weeks: int) -> float:
    """Log-sd of a period's luck: the mean of `weeks` mean-one lognormal weekly draws."""
    z = _normal_points(weeks)
    total = np.exp(weekly_sigma * z - weekly_sigma**2 / 2).mean(axis=1)
    return float(np.log(total).std())


def weekly_sigma_for(period_sigma: float, weeks: int) -> float:
    """The weekly luck sigma whose sum over `weeks` weeks has log-sd `period_sigma`."""
    if period_sigma <= 0:
        return 0.0
    if period_log_sd(MAX_WEEKLY_SIGMA, weeks) <= period_sigma:
        return MAX_WEEKLY_SIGMA
    if period_log_sd(1e-3, weeks) >= period_sigma:
        return period_sigma * math.sqrt(weeks)  # small sigmas: the sum's sd is sigma / sqrt(w)
    return float(optimize.brentq(lambda w: period_log_sd(w, weeks) - period_sigma,
                                 1e-3, MAX_WEEKLY_SIGMA, xtol=1e-6))


def weekly_sigma_fenton_wilkinson(period_sigma: float, weeks: int) -> float:
    """Inverse of `behavior.period_sigma` (matches the period sum's variance, not its log-sd)."""
    return math.sqrt(math.log1p(weeks * math.expm1(period_sigma**2)))


# --------------------------------------------------------------------------- the fit


def calibrate(
    history: History,
    rng: np.random.Generator,
    name: str = "Calibrated team",
    base: TeamSpec | None = None,
    robust: bool = True,
) -> Calibration:
    """Fit the team model to a history and build the team file (see module docstring).

    rng drives only the goodness-of-fit replicates. base: the team whose parameters the
    history cannot tell (effort, behaviour, tasks, product mix); the default team if None.
    robust=False fits plain normal luck (for comparison; not what the CLI uses).
    """
    base = base if base is not None else load_team(None)
    notes: list[str] = []
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
    data = _revenue_data(revenue, reps, history.n_seasons)
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
    if robust:
        # stage 1: the contaminated-normal fit finds the outliers; stage 2 fits normal luck
        # without them (the wide component would also soak up the ordinary right tail of
        # a sum of lognormal weeks and bias sigma down a little)
        screen = _screen(data, seasonal=covered)
        outlier_share = screen.layout.unpack(screen.theta)[4]
        flagged = _outlier_cells(data, screen)
        outliers = _describe_outliers(data, screen, flagged, revenue)
        data = _without(data, flagged)
    plain = _fit(data, seasonal=False)
    p_value: float | None = None
    chosen, full = plain, None
    if covered:
        full = _fit(data, seasonal=True)
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
                   outliers, outlier_share)


def _outlier_cells(data: _Data, fit: _Fit) -> NDArray[np.bool_]:
    """Cells (n_reps, T) of positive revenue that the robust fit puts in the wide component.

    Flagged when the posterior chance of the outlier component exceeds one half and the
    result is beyond OUTLIER_Z core sigmas and OUTLIER_RATIO times (or under 1/OUTLIER_RATIO
    of) the rep's expected result, so an ordinary lucky month is not dropped.
    """
    mu, s, _, sigma, pi = fit.layout.unpack(fit.theta)
    if pi <= 0:
        return np.zeros_like(data.mask)
    nodes, log_integrand = _rep_nodes(data, fit.theta, fit.layout)
    weights = np.exp(log_integrand - special.logsumexp(log_integrand, axis=1, keepdims=True))
    level = (weights * nodes).sum(axis=1)
    e = data.y - (mu + s[data.season] - sigma**2 / 2 + level[:, None])
    wide = OUTLIER_SCALE * sigma
    core = math.log1p(-pi) - 0.5 * (e / sigma) ** 2 - math.log(sigma)
    outlier = math.log(pi) - 0.5 * (e / wide) ** 2 - math.log(wide)
    probability = special.expit(outlier - core)
    far = (np.abs(e) > OUTLIER_Z * sigma) & (np.abs(e + sigma**2 / 2) > math.log(OUTLIER_RATIO))
    flagged = data.mask & ~data.censored & (probability > 0.5) & far
    # a rep keeps at least one period: its only results are its level, however odd
    alone = (data.mask & ~flagged).sum(axis=1) == 0
    return flagged & ~alone[:, None]


def _describe_outliers(data: _Data, fit: _Fit, flagged: NDArray[np.bool_],
                       revenue: pd.DataFrame) -> list[dict[str, Any]]:
    mu, s, _, sigma, _ = fit.layout.unpack(fit.theta)
    nodes, log_integrand = _rep_nodes(data, fit.theta, fit.layout)
    weights = np.exp(log_integrand - special.logsumexp(log_integrand, axis=1, keepdims=True))
    post_exp = (weights * np.exp(nodes)).sum(axis=1)
    rows_by_rep = {rep: group for rep, group in revenue.groupby("rep_id", sort=False)}
    out = []
    for i, j in np.argwhere(flagged):
        row = rows_by_rep[data.reps[i]].iloc[j]
        expected = math.exp(mu + s[data.season[i, j]]) * float(post_exp[i])
        out.append({
            "rep_id": data.reps[i], "period": str(row["period"]), "line": int(row["line"]),
            "actual": float(row["actual"]), "expected": expected,
            "ratio": float(row["actual"]) / expected,
        })
    return out


def _without(data: _Data, flagged: NDArray[np.bool_]) -> _Data:
    """The data with flagged cells masked out (a rep keeps at least its other periods)."""
    if not flagged.any():
        return data
    return _Data(data.reps, data.y, data.season, data.censored, data.mask & ~flagged,
                 data.n_seasons)


def _check_enough(history: History, revenue: pd.DataFrame, reps: list[str]) -> None:
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


def _interval(value: float, se: float) -> Estimate:
    value, se = float(value), float(se)
    return Estimate(value, value - Z95 * se, value + Z95 * se, se)


def _log_interval(log_value: float, se: float) -> Estimate:
    se = float(se) if math.isfinite(se) else 50.0
    half = min(Z95 * se, 50.0)  # an unidentified parameter: a huge but finite interval
    return Estimate(math.exp(log_value), math.exp(log_value - half), math.exp(log_value + half),
                    se)


def _seasonal_factors(fit: _Fit) -> list[Estimate]:
    layout = fit.layout
    _, s, _, _, _ = layout.unpack(fit.theta)
    n = layout.n_seasons
    factors = np.exp(s) / np.exp(s).mean()
    if not layout.seasonal:
        return [Estimate(1.0, 1.0, 1.0, 0.0) for _ in range(n)]
    # delta method: free parameters -> s (sum to zero) -> factors normalised to mean 1
    to_s = np.vstack((np.eye(n - 1), -np.ones((1, n - 1))))  # (n, n-1)
    e = np.exp(s)
    jac_f = (np.diag(e) - np.outer(e, e) / e.sum()) / e.mean()  # d factor / d s
    jac = jac_f @ to_s
    cov = fit.covariance[1:n, 1:n]
    se = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", jac, cov, jac), 0.0))
    return [_interval(float(f), float(v)) for f, v in zip(factors, se, strict=True)]


def _result(
    history: History,
    data: _Data,
    fit: _Fit,
    full: _Fit | None,
    p_value: float | None,
    rng: np.random.Generator,
    name: str,
    base: TeamSpec,
    notes: list[str],
    n_zero: int,
    outliers: list[dict[str, Any]],
    outlier_share: float,
) -> Calibration:
    layout = fit.layout
    mu, s, tau, sigma, _ = layout.unpack(fit.theta)
    k = 1 + (layout.n_seasons - 1 if layout.seasonal else 0)
    se_log_tau = float(math.sqrt(fit.covariance[k, k]))
    se_log_sigma = float(math.sqrt(fit.covariance[k + 1, k + 1]))
    months = history.months_per_period

    # each rep's posterior level, on the quadrature nodes
    nodes, log_integrand = _rep_nodes(data, fit.theta, layout)
    weights = np.exp(log_integrand - special.logsumexp(log_integrand, axis=1, keepdims=True))
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

    factors = _seasonal_factors(fit)
    monthly = [f.value for f in factors] if layout.n_seasons == 12 else [
        factors[m // 3].value for m in range(12)
    ]
    weeks = WEEKS_PER_PERIOD[history.granularity]
    period_sigma = _log_interval(math.log(sigma), se_log_sigma)
    weekly_low = weekly_sigma_for(period_sigma.low, weeks)
    weekly_high = weekly_sigma_for(period_sigma.high, weeks)
    weekly = Estimate(weekly_sigma_for(sigma, weeks), weekly_low, weekly_high,
                      (weekly_high - weekly_low) / (2 * Z95))
    if weekly.value >= MAX_WEEKLY_SIGMA:
        notes.append(f"luck is wider than the team model allows; weekly luck set to "
                     f"{MAX_WEEKLY_SIGMA}")

    funnel, minutes = _funnel(history, notes)
    gof = _goodness_of_fit(history, data, fit, post_mean, post_var, post_exp, weekly.value,
                           rng)
    quotas = _quota_summary(revenue, data, expected_period)
    team = _team_file(name, history, base, rep_fits, revenue_month.value, tau, weekly.value,
                      monthly, funnel, minutes, notes)
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
        level_sigma=_log_interval(math.log(tau), se_log_tau),
        period_sigma=period_sigma,
        weekly_luck=weekly,
        weekly_luck_fenton_wilkinson=weekly_sigma_fenton_wilkinson(sigma, weeks),
        outlier_share=outlier_share,
        outliers=outliers,
        seasonality_p_value=p_value,
        seasonality_kept=layout.seasonal,
        seasonal_factors=factors if layout.seasonal or full is None else _seasonal_factors(full),
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
    )


def _funnel(history: History, notes: list[str]) -> tuple[dict[str, Estimate], Estimate | None]:
    """Team rate per rep per month of each funnel metric present (cluster SE by rep)."""
    months = history.months_per_period
    funnel = {}
    for metric in FUNNEL_METRICS:
        rows = history.metric(metric)
        if rows.empty:
            continue
        funnel[metric] = _ratio(rows.groupby("rep_id")["actual"].sum(),
                                rows.groupby("rep_id").size() * months)
    minutes = None
    talk, calls = history.metric("talk_time"), history.metric("conversations")
    if not talk.empty and not calls.empty:
        both = talk.merge(calls, on=("rep_id", "index"), suffixes=("_talk", "_calls"))
        if not both.empty and both["actual_calls"].sum() > 0:
            minutes = _ratio(both.groupby("rep_id")["actual_talk"].sum() * 60,
                             both.groupby("rep_id")["actual_calls"].sum())
    if minutes is None and not history.metric("avg_call_minutes").empty:
        rows = history.metric("avg_call_minutes")
        minutes = _ratio(rows.groupby("rep_id")["actual"].sum(), rows.groupby("rep_id").size())
    order = [m for m in ("dials", "conversations", "meetings", "deals") if m in funnel]
    for a, b in zip(order, order[1:], strict=False):
        if funnel[b].value > funnel[a].value:
            notes.append(f"history has more {b} than {a} per rep-month "
                         f"({funnel[b].value:,.1f} > {funnel[a].value:,.1f}); check the export")
    return funnel, minutes


def _ratio(numerator: pd.Series, denominator: pd.Series) -> Estimate:
    """Ratio of sums over reps, with a standard error that treats reps as clusters."""
    num = numerator.to_numpy(dtype=float)
    den = denominator.reindex(numerator.index).to_numpy(dtype=float)
    value = num.sum() / den.sum()
    n = num.size
    se = math.sqrt(((num - value * den) ** 2).sum() * n / max(n - 1, 1)) / den.sum()
    return _interval(float(value), se)


def _goodness_of_fit(
    history: History,
    data: _Data,
    fit: _Fit,
    post_mean: FloatArray,
    post_var: FloatArray,
    post_exp: FloatArray,
    weekly_sigma: float,
    rng: np.random.Generator,
) -> list[dict[str, Any]]:
    """Observed vs fitted quantiles of attainment, with a 95% band from replicated histories.

    Replicates keep the history's rep-periods and quotas and draw each period's luck as the
    engine does (the mean of the period's weekly mean-one lognormal draws at the fitted
    weekly sigma). Two attainments:
    - actual / the rep's fitted expected revenue in that season, always; replicates draw
      each rep's level from its posterior (a posterior predictive check of the model);
    - actual / quota, where the history gives quotas; replicates hold each rep at its
      roster level, as the engine will simulate the team file (so this asks: would the
      historic quotas be met as often on the calibrated team as they were?).
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
    luck = np.exp(weekly_sigma * z - weekly_sigma**2 / 2).mean(axis=2)
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
    return rows


def _quota_summary(revenue: pd.DataFrame, data: _Data,
                   expected_period: FloatArray) -> dict[str, Any] | None:
    """How historic quotas compare with results and with the fitted levels."""
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


def significant(value: float, digits: int = 4) -> float:
    """A number rounded to `digits` significant digits, as team files write them."""
    return float(f"{value:.{digits}g}")


def _team_file(
    name: str,
    history: History,
    base: TeamSpec,
    reps: list[RepFit],
    revenue_month: float,
    tau: float,
    weekly_luck: float,
    seasonality: list[float],
    funnel: dict[str, Estimate],
    minutes: Estimate | None,
    notes: list[str],
) -> dict[str, Any]:
    """The team file mapping: the base team with everything the history tells replaced."""
    team = base.model_dump(mode="json")
    periods = history.periods
    team["name"] = name
    team["description"] = (
        f"Calibrated by `python -m simulator calibrate` from {history.source}: {len(reps)} "
        f"reps, {len(periods)} {history.granularity}s ({periods[0]} to {periods[-1]}). "
        f"Roster levels are each rep's revenue at normal effort relative to the team's "
        f"average rep (1.0 = {revenue_month:,.0f} per month in an average month). "
        "Effort, behaviour and tasks are those of the base team. See docs/CALIBRATION.md."
    )
    team["reps"] = len(reps)
    team["roster"] = [{"rep_id": r.rep_id, "level": significant(r.level)} for r in reps]
    for metric, estimate in funnel.items():
        team["funnel"][metric] = significant(estimate.value)
    if minutes is not None:
        team["funnel"]["minutes_per_conversation"] = significant(minutes.value)
    f = team["funnel"]
    selling = 1 - sum(t["time_share"] for t in team["tasks"].values())
    if f["conversations"] * f["minutes_per_conversation"] >= selling * f["working_hours"] * 60:
        notes.append(
            "conversations x minutes per conversation exceed the selling hours of "
            f"funnel.working_hours ({f['working_hours']:g}); raise it in the team file"
        )
    # revenue per rep-month of the funnel = deals x harmonic-mean deal size (reps.Funnel)
    shares = np.array([team["products"][p]["time_share"] for p in PRODUCTS])
    sizes = np.array([team["products"][p]["deal_size"] for p in PRODUCTS])
    harmonic = 1.0 / float(((shares / shares.sum()) / sizes).sum())
    factor = revenue_month / (f["deals"] * harmonic)
    for p in PRODUCTS:
        team["products"][p]["deal_size"] = significant(team["products"][p]["deal_size"] * factor, 5)
    # used only if the roster is removed: a drawn team with the fitted spread of levels
    deal_spread = min(base.spread.deal_size, max(tau, 1e-3))
    team["spread"]["deal_size"] = significant(deal_spread)
    team["spread"]["conversion"] = significant(math.sqrt(max(tau**2 - deal_spread**2, 0.0)))
    team["luck"]["sales_weekly"] = significant(weekly_luck)
    team["seasonality"] = [significant(v) for v in seasonality]
    team_from_dict(team, "<calibrated team>")  # a calibrated team always validates
    return team


class _NoAliasDumper(yaml.SafeDumper):
    """Never writes anchors or aliases: team files refuse them."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def team_yaml(fit: Calibration) -> str:
    """The calibrated team file as YAML text, with the fit's headline in a comment."""
    weeks = WEEKS_PER_PERIOD[fit.granularity]
    header = [
        f"# Calibrated from {fit.source} by `python -m simulator calibrate`",
        f"# ({fit.n_reps} reps, {len(fit.periods)} {fit.granularity}s, "
        f"{fit.periods[0]} to {fit.periods[-1]}).",
        f"# Spread of levels (log-sd) {fit.level_sigma.value:.3f} "
        f"[{fit.level_sigma.low:.3f}, {fit.level_sigma.high:.3f}]; luck per {fit.granularity} "
        f"(log-sd) {fit.period_sigma.value:.3f} -> luck.sales_weekly "
        f"{fit.weekly_luck.value:.3f} ({weeks} weeks).",
        "# Seasonality " + ("kept" if fit.seasonality_kept else "not significant (all 1.0)")
        + (f" (likelihood-ratio p = {fit.seasonality_p_value:.2g})."
           if fit.seasonality_p_value is not None else "."),
        *([f"# Deal sizes scaled by {fit.history_plan['revenue_factor']:.3f} so that plan "
           f"{fit.history_plan['plan']!r}, under which the history was earned, reproduces it."]
          if fit.history_plan else []),
        "# Roster levels: revenue at normal effort relative to the team's average rep;",
        "# plans may set quota: {history: x} = x times a rep's level. docs/CALIBRATION.md",
    ]
    body = yaml.dump(fit.team, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True,
                     width=100, default_flow_style=None)
    return "\n".join(header) + "\n" + body


# --------------------------------------------------------------------------- report


def season_names(granularity: str) -> list[str]:
    """Names of the seasons of a granularity: months or quarters."""
    return list(MONTH_NAMES) if granularity == "month" else ["Q1", "Q2", "Q3", "Q4"]


def fit_report(fit: Calibration) -> str:
    """The fit in words and tables, for the CLI."""
    unit = fit.granularity
    lines = [
        f"Calibrated from {fit.source}: {fit.n_reps} reps, {len(fit.periods)} {unit}s "
        f"({fit.periods[0]} to {fit.periods[-1]}), {fit.n_observations:,} rep-{unit}s of "
        f"revenue ({fit.n_zero} zero).",
        "",
        f"{'estimate':52s} {'value':>10s}   95% interval",
    ]

    def row(label: str, e: Estimate, fmt: str = "{:,.3f}") -> None:
        lines.append(f"{label:52s} {fmt.format(e.value):>10s}   "
                     f"[{fmt.format(e.low)}, {fmt.format(e.high)}]")

    row("revenue per rep-month (team's average rep)", fit.revenue_per_rep_month, "{:,.0f}")
    row("spread of rep levels (log-sd across reps)", fit.level_sigma)
    row(f"luck per {unit} (log-sd)", fit.period_sigma)
    weeks = WEEKS_PER_PERIOD[fit.granularity]
    row(f"  -> team file luck.sales_weekly ({weeks} weeks/{unit})", fit.weekly_luck)
    lines.append(f"     (Fenton-Wilkinson inverse, for reference: "
                 f"{fit.weekly_luck_fenton_wilkinson:.3f})")
    lines.append(f"{'outlier share of rep-periods (robust fit)':52s} "
                 f"{fit.outlier_share * 100:>9.2f}%")
    for o in fit.outliers:
        lines.append(f"  outlier: {o['rep_id']} {o['period']} (line {o['line']}): "
                     f"{o['actual']:,.0f} = {o['ratio']:.1f}x expected; left out of the fit")
    lines.append("")
    if fit.seasonality_p_value is None:
        lines.append("seasonality: not fitted (the history does not cover a whole year)")
    else:
        verdict = "kept" if fit.seasonality_kept else "not significant, set to 1.0"
        lines.append(f"seasonality: likelihood-ratio test p = {fit.seasonality_p_value:.2g}; "
                     f"{verdict}")
        for label, f in zip(season_names(fit.granularity), fit.seasonal_factors, strict=True):
            lines.append(f"  {label:4s} {f.value:5.2f}  [{f.low:.2f}, {f.high:.2f}]")
    lines.append("")
    levels = [r.level for r in fit.reps]
    lines.append(f"rep levels (1.0 = team's average rep): {min(levels):.2f} to "
                 f"{max(levels):.2f}, median {float(np.median(levels)):.2f}")
    if fit.strongly_shrunk:
        shown = [r for r in fit.reps if r.rep_id in set(fit.strongly_shrunk)]
        lines.append(
            f"  {len(shown)} rep(s) with little history shrunk strongly toward the team "
            f"(more than {STRONG_SHRINKAGE:.0%} of the way): "
            + ", ".join(f"{r.rep_id} ({r.periods} {unit}{'s' if r.periods != 1 else ''}, "
                        f"level {r.level:.2f})" for r in shown[:10])
            + (" ..." if len(shown) > 10 else "")
        )
    else:
        lines.append("  no rep was shrunk strongly toward the team")
    if fit.funnel or fit.minutes_per_conversation:
        lines.append("")
        lines.append("funnel per rep-month (team average):")
        for metric, e in fit.funnel.items():
            lines.append(f"  {metric:24s} {e.value:10,.1f}  [{e.low:,.1f}, {e.high:,.1f}]")
        if fit.minutes_per_conversation is not None:
            e = fit.minutes_per_conversation
            lines.append(f"  {'minutes per conversation':24s} {e.value:10,.1f}  "
                         f"[{e.low:,.1f}, {e.high:,.1f}]")
    if fit.quotas:
        q = fit.quotas
        lines.append("")
        lines.append(
            f"historic quotas: {q['share_at_or_above']:.0%} of {q['rep_periods']:,} rep-{unit}s "
            f"at or above quota; quotas were {q['history_multiple_median']:.2f}x the fitted "
            f"level (median; P10-P90 {q['history_multiple_p10']:.2f}-"
            f"{q['history_multiple_p90']:.2f}), i.e. quota: {{history: "
            f"{q['history_multiple_median']:.2f}}}"
        )
    lines.append("")
    lines.append("goodness of fit: observed vs fitted quantiles of attainment "
                 "(fitted: median and 95% band of replicated histories)")
    for basis in dict.fromkeys(r["basis"] for r in fit.goodness_of_fit):
        label = "actual / quota" if basis == "quota" else "actual / fitted expected revenue"
        lines.append(f"  {label}:")
        for r in (r for r in fit.goodness_of_fit if r["basis"] == basis):
            flag = "" if r["fits"] else "   <- does not fit"
            lines.append(f"    P{r['quantile'] * 100:<3.0f} observed {r['observed']:5.2f}   "
                         f"fitted {r['fitted']:5.2f} [{r['low']:.2f}, {r['high']:.2f}]{flag}")
    misses = sum(not r["fits"] for r in fit.goodness_of_fit)
    total = len(fit.goodness_of_fit)
    lines.append(
        f"  verdict: all {total} quantiles fit (within the band, or within "
        f"{GOF_MATERIAL:.0%} of the fitted value)"
        if not misses else
        f"  verdict: {misses} of {total} quantiles do not fit: the lognormal luck of the team "
        "model describes this history only roughly; read the simulated spreads with care"
    )
    if fit.notes:
        lines.append("")
        lines += [f"note: {n}" for n in fit.notes]
    return "\n".join(lines)
