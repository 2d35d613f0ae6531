"""The marginal likelihood of the revenue model, each rep's level integrated out.

    log revenue_ik = mu + a_i + s_k - sigma**2 / 2 + sigma * e_ik,   a_i ~ Normal(0, tau**2)
    e_ik ~ (1 - pi) Normal(0, 1) + pi Normal(0, OUTLIER_SCALE**2)   (pi = 0: normal luck)

Levels are integrated out by adaptive Gauss-Hermite quadrature (N_NODES per rep, placed
on a rough posterior of the level); for normal luck and reps without zero periods, in
closed form. A zero period is left-censored: it contributes the probability that the
rep's revenue falls below the censoring point.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import special

from simulator.team.calibrate.data import FloatArray, RevenueData

OUTLIER_SCALE = 5.0
"""Width of the outlier component of luck, in units of sigma."""
MAX_OUTLIER_SHARE = 0.2
N_NODES = 24
"""Gauss-Hermite nodes per rep for integrating out the level."""

Placement = tuple[FloatArray, FloatArray]
"""Centre and width of each rep's quadrature nodes, both (n_reps,)."""

_Z, _W = np.polynomial.hermite_e.hermegauss(N_NODES)
_LOG_W = np.log(_W) + _Z**2 / 2  # weights for integrating g(z) dz, not g(z) phi(z) dz
_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


@dataclass(frozen=True)
class Layout:
    """Where each parameter sits in the vector theta the optimiser sees.

    theta = [mu, (n_seasons - 1 free seasonal log factors, if seasonal), log tau,
    log sigma, (logit of pi / MAX_OUTLIER_SHARE, if robust)].
    """

    n_seasons: int
    seasonal: bool
    robust: bool

    @property
    def size(self) -> int:
        """Length of theta."""
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


def log_luck(residual: FloatArray, censored: NDArray[np.bool_], sigma: float,
             pi: float) -> FloatArray:
    """Log density (or, censored, log probability below) of a luck residual, elementwise."""
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


def placement(data: RevenueData, theta: FloatArray, layout: Layout) -> Placement:
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


def rep_nodes(
    data: RevenueData,
    theta: FloatArray,
    layout: Layout,
    where: Placement | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Per rep, the level nodes (n_reps, N_NODES) and the log integrand at them.

    where: the nodes' placement; by default `placement(data, theta, layout)`.
    """
    mu, s, tau, sigma, pi = layout.unpack(theta)
    middle, width = where if where is not None else placement(data, theta, layout)
    nodes = middle[:, None] + width[:, None] * _Z[None, :]  # (n_reps, K)
    residual = np.where(data.mask, data.y - (mu + s[data.season] - sigma**2 / 2), 0.0)
    e = residual[:, :, None] - nodes[:, None, :]  # (n_reps, T, K)
    log_f = log_luck(e, data.censored[:, :, None], sigma, pi)
    log_f = np.where(data.mask[:, :, None], log_f, 0.0).sum(axis=1)
    log_prior = -0.5 * (nodes / tau) ** 2 - _LOG_SQRT_2PI - math.log(tau)
    log_integrand = log_f + log_prior + _LOG_W[None, :] + np.log(width)[:, None]
    return nodes, log_integrand


def level_posterior(data: RevenueData, theta: FloatArray,
                    layout: Layout) -> tuple[FloatArray, FloatArray]:
    """Each rep's posterior of its level a_i on the quadrature nodes.

    Returns the nodes and their posterior weights, both (n_reps, N_NODES); the weights of
    a rep sum to 1.
    """
    nodes, log_integrand = rep_nodes(data, theta, layout)
    weights = np.exp(log_integrand - special.logsumexp(log_integrand, axis=1, keepdims=True))
    return nodes, weights


def robust_objective(
    data: RevenueData, theta: FloatArray, layout: Layout, where: Placement
) -> tuple[float, FloatArray]:
    """Negative marginal log-likelihood of the contaminated-normal model and its gradient.

    layout must be robust. The quadrature nodes are held at `where`, so the gradient
    (layout.size,) is exact for the objective as computed.
    """
    mu, s, tau, sigma, pi = layout.unpack(theta)
    middle, width = where
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


def log_likelihood(data: RevenueData, theta: FloatArray, layout: Layout) -> float:
    """Marginal log-likelihood: levels integrated out by quadrature."""
    _, log_integrand = rep_nodes(data, theta, layout)
    return float(special.logsumexp(log_integrand, axis=1).sum())


def normal_log_likelihood(data: RevenueData, theta: FloatArray, layout: Layout) -> float:
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


def objective(data: RevenueData, layout: Layout) -> Callable[[FloatArray], float]:
    """Negative log-likelihood of theta; closed form for the reps it can be used on."""
    if layout.robust:
        return lambda theta: -log_likelihood(data, theta, layout)
    lumpy: NDArray[np.bool_] = np.asarray((data.censored & data.mask).any(axis=1))
    smooth, rough = data.select(~lumpy), data.select(lumpy)

    def negative(theta: FloatArray) -> float:
        value = normal_log_likelihood(smooth, theta, layout) if smooth.reps else 0.0
        if rough.reps:
            value += log_likelihood(rough, theta, layout)
        return -value

    return negative
