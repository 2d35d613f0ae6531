"""Maximum marginal likelihood: start values, bounds, the robust screen, the fit, its Hessian."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize, special

from simulator.team.calibrate.calibration import Estimate, interval
from simulator.team.calibrate.data import FloatArray, RevenueData
from simulator.team.calibrate.likelihood import (
    MAX_OUTLIER_SHARE,
    Layout,
    objective,
    placement,
    robust_objective,
)

SCREEN_ROUNDS = 4
"""Rounds of the robust screen, each with the quadrature nodes moved to the last estimate."""

Bounds = list[tuple[float | None, float | None]]


@dataclass(frozen=True)
class Fit:
    """A fitted parameter vector (see `Layout`), its log-likelihood and covariance."""

    layout: Layout
    theta: FloatArray
    log_likelihood: float
    covariance: FloatArray  # of theta without the outlier share


def start_values(data: RevenueData, layout: Layout) -> FloatArray:
    """Rough moment estimates of theta: where the optimiser starts."""
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


def hessian(func: Callable[[FloatArray], float], x: FloatArray, step: float = 1e-3) -> FloatArray:
    """Central-difference Hessian (p, p) of a scalar function of x (p,)."""
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


def bounds(layout: Layout) -> Bounds:
    """L-BFGS-B bounds of theta: tau and sigma in [0.001, 5], the outlier logit in +-12."""
    limits: Bounds = [(None, None)] * (layout.size - (3 if layout.robust else 2))
    limits += [(math.log(1e-3), math.log(5.0)), (math.log(1e-3), math.log(5.0))]
    if layout.robust:
        limits.append((-12.0, 12.0))
    return limits


def screen(data: RevenueData, seasonal: bool) -> Fit:
    """The contaminated-normal fit that finds outliers (no standard errors).

    Each round holds the quadrature nodes where the previous round's estimate puts them,
    so the optimiser sees a smooth objective with an exact gradient.
    """
    layout = Layout(data.n_seasons, seasonal, robust=True)
    theta = start_values(data, layout)
    value = math.inf
    for _ in range(SCREEN_ROUNDS):
        where = placement(data, theta, layout)
        result = optimize.minimize(
            lambda t, p=where: robust_objective(data, t, layout, p), theta, jac=True,
            method="L-BFGS-B", bounds=bounds(layout), options={"maxiter": 500},
        )
        moved = float(np.max(np.abs(result.x - theta)))
        theta, value = result.x, float(result.fun)
        if moved < 1e-4:
            break
    return Fit(layout, theta, -value, np.full((0, 0), np.nan))


def fit_normal(data: RevenueData, seasonal: bool) -> Fit:
    """Maximum marginal likelihood with normal luck, and the covariance of the estimates."""
    layout = Layout(data.n_seasons, seasonal, robust=False)
    negative = objective(data, layout)
    result = optimize.minimize(negative, start_values(data, layout), method="L-BFGS-B",
                               bounds=bounds(layout), options={"maxiter": 500})
    theta = result.x
    hess = hessian(negative, theta)
    try:
        covariance = np.linalg.inv(hess)
        if np.any(np.diag(covariance) < 0):
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        covariance = np.linalg.pinv(hess)
        covariance[np.diag_indices_from(covariance)] = np.abs(np.diag(covariance))
    return Fit(layout, theta, -float(result.fun), np.asarray(covariance, dtype=np.float64))


def seasonal_factors(fit: Fit, relative_covariance: ArrayLike | None = None) -> list[Estimate]:
    """Seasonal factors (n_seasons) with arithmetic mean 1, intervals by the delta method.

    relative_covariance: the covariance of the seasons' log effects relative to the first
    season, (S-1, S-1), when a better one than the fit's is known (the market's model,
    whose shocks the fit's independent luck leaves out).
    """
    layout = fit.layout
    _, s, _, _, _ = layout.unpack(fit.theta)
    n = layout.n_seasons
    factors = np.exp(s) / np.exp(s).mean()
    if not layout.seasonal:
        return [Estimate(1.0, 1.0, 1.0, 0.0) for _ in range(n)]
    e = np.exp(s)
    jac_f = (np.diag(e) - np.outer(e, e) / e.sum()) / e.mean()  # d factor / d s
    if relative_covariance is not None:
        # s = d - mean(d) with d = (0, d_1, ..., d_{S-1}) the effects relative to season 0
        to_s = (np.eye(n) - 1.0 / n) @ np.vstack((np.zeros((1, n - 1)), np.eye(n - 1)))
        cov = np.asarray(relative_covariance)
    else:
        # free parameters -> s (sum to zero)
        to_s = np.vstack((np.eye(n - 1), -np.ones((1, n - 1))))  # (n, n-1)
        cov = fit.covariance[1:n, 1:n]
    jac = jac_f @ to_s
    se = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", jac, cov, jac), 0.0))
    return [interval(float(f), float(v)) for f, v in zip(factors, se, strict=True)]
