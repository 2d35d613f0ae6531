"""simulator.team.calibrate.likelihood: the marginal likelihood and its exact gradient."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator.team.calibrate.data import RevenueData
from simulator.team.calibrate.likelihood import (
    MAX_OUTLIER_SHARE,
    N_NODES,
    Layout,
    level_posterior,
    log_likelihood,
    normal_log_likelihood,
    objective,
    placement,
    robust_objective,
)

N_SEASONS = 4


def revenue(seed: int, reps: int = 9, periods: int = 10, zero_share: float = 0.0) -> RevenueData:
    """Ragged log revenue (1 to `periods` per rep) drawn from the model; zeros censored."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(1, periods + 1, reps)
    counts[0] = periods  # at least one long history
    mask = np.arange(periods)[None, :] < counts[:, None]
    level = 0.4 * rng.standard_normal(reps)
    season = rng.integers(0, N_SEASONS, (reps, periods))
    y = 11.0 + level[:, None] + 0.5 * rng.standard_normal((reps, periods))
    censored = mask & (rng.random((reps, periods)) < zero_share)
    y = np.where(censored, 10.2, y)  # the censoring point: log of the smallest positive
    period = np.tile(np.arange(periods), (reps, 1))
    return RevenueData([f"R{i}" for i in range(reps)], y, season, period, censored, mask,
                       N_SEASONS)


def theta_for(layout: Layout, mu: float, log_tau: float, log_sigma: float,
              logit_pi: float = 0.0, seasons: tuple[float, ...] = (0.1, -0.2, 0.05)) -> np.ndarray:
    values = [mu, *(seasons if layout.seasonal else ()), log_tau, log_sigma]
    return np.array(values + ([logit_pi] if layout.robust else []), dtype=float)


POINTS = [  # (mu, log tau, log sigma, logit pi): near the truth, and well away from it
    (11.0, math.log(0.4), math.log(0.5), -2.0),
    (10.6, math.log(0.1), math.log(0.9), 0.5),
    (11.4, math.log(1.2), math.log(0.2), 3.0),
]


# --------------------------------------------------------------------------- the layout


@pytest.mark.parametrize("seasonal", [False, True])
@pytest.mark.parametrize("robust", [False, True])
def test_layout_unpacks_every_parameter(seasonal: bool, robust: bool) -> None:
    layout = Layout(N_SEASONS, seasonal, robust)
    theta = theta_for(layout, 11.0, math.log(0.3), math.log(0.6), logit_pi=40.0)
    assert theta.size == layout.size
    mu, s, tau, sigma, pi = layout.unpack(theta)
    assert (mu, tau, sigma) == pytest.approx((11.0, 0.3, 0.6))
    assert s.shape == (N_SEASONS,) and s.sum() == pytest.approx(0.0, abs=1e-15)
    assert s[:-1] == pytest.approx([0.1, -0.2, 0.05] if seasonal else [0.0] * 3)
    assert pi == (pytest.approx(MAX_OUTLIER_SHARE) if robust else 0.0)


# --------------------------------------------------------------------------- the gradient


@pytest.mark.parametrize("seasonal", [False, True])
@pytest.mark.parametrize("point", POINTS)
def test_robust_gradient_matches_central_differences(
    seasonal: bool, point: tuple[float, float, float, float]
) -> None:
    data = revenue(3, zero_share=0.15)
    assert data.censored.any()  # the censored branch of the gradient is exercised too
    layout = Layout(N_SEASONS, seasonal, robust=True)
    theta = theta_for(layout, *point)
    where = placement(data, theta, layout)  # held fixed: the gradient is exact for it
    value, gradient = robust_objective(data, theta, layout, where)
    step = 1e-5
    numeric = np.array([
        (robust_objective(data, theta + step * e, layout, where)[0]
         - robust_objective(data, theta - step * e, layout, where)[0]) / (2 * step)
        for e in np.eye(theta.size)
    ])
    assert gradient.shape == theta.shape
    np.testing.assert_allclose(gradient, numeric, rtol=1e-6, atol=1e-6)
    # and the value is the quadrature likelihood of the same model at those nodes
    assert value == pytest.approx(-log_likelihood(data, theta, layout), rel=1e-12)


# --------------------------------------------------------------------------- closed form


@pytest.mark.parametrize("seasonal", [False, True])
def test_closed_form_normal_likelihood_matches_quadrature(seasonal: bool) -> None:
    """Without zeros the quadrature of normal luck is exact: both give the same likelihood
    ratios (the fit only sees these; for the absolute level see the next test)."""
    data = revenue(5)
    layout = Layout(N_SEASONS, seasonal, robust=False)
    thetas = [theta_for(layout, *p[:3]) for p in POINTS]
    closed = np.array([normal_log_likelihood(data, t, layout) for t in thetas])
    quadrature = np.array([log_likelihood(data, t, layout) for t in thetas])
    assert np.ptp(closed) > 10  # the points are far apart in likelihood
    np.testing.assert_allclose(closed - closed[0], quadrature - quadrature[0], atol=1e-8)


def test_closed_form_and_quadrature_agree_in_level() -> None:
    data = revenue(5)
    layout = Layout(N_SEASONS, seasonal=False, robust=False)
    theta = theta_for(layout, *POINTS[0][:3])
    assert normal_log_likelihood(data, theta, layout) == pytest.approx(
        log_likelihood(data, theta, layout), rel=1e-9)


def test_objective_mixes_closed_form_and_quadrature_consistently() -> None:
    """Reps with a zero go to quadrature, the others to the closed form: same ratios."""
    data = revenue(7, reps=12, zero_share=0.1)
    lumpy = (data.censored & data.mask).any(axis=1)
    assert 0 < lumpy.sum() < data.counts.size
    layout = Layout(N_SEASONS, seasonal=True, robust=False)
    negative = objective(data, layout)
    thetas = [theta_for(layout, *p[:3]) for p in POINTS]
    mixed = np.array([negative(t) for t in thetas])
    quadrature = np.array([-log_likelihood(data, t, layout) for t in thetas])
    np.testing.assert_allclose(mixed - mixed[0], quadrature - quadrature[0], atol=1e-8)


def test_robust_likelihood_without_outliers_is_the_normal_one() -> None:
    data = revenue(11, zero_share=0.1)
    normal = Layout(N_SEASONS, seasonal=True, robust=False)
    robust = Layout(N_SEASONS, seasonal=True, robust=True)
    for p in POINTS:
        pure = log_likelihood(data, theta_for(normal, *p[:3]), normal)
        nearly = log_likelihood(data, theta_for(robust, *p[:3], logit_pi=-40.0), robust)
        assert nearly == pytest.approx(pure, rel=1e-9)  # pi is 1e-18, not 0


# --------------------------------------------------------------------------- posterior


@pytest.mark.parametrize("point", POINTS)
def test_level_posterior_is_the_normal_posterior(point: tuple[float, float, float, float]) -> None:
    """For normal luck a rep's level given its results is normal, in closed form."""
    data = revenue(13)
    layout = Layout(N_SEASONS, seasonal=True, robust=False)
    theta = theta_for(layout, *point[:3])
    mu, s, tau, sigma, _ = layout.unpack(theta)
    n = data.counts
    residual = np.where(data.mask, data.y - (mu + s[data.season] - sigma**2 / 2), 0.0)
    precision = n / sigma**2 + 1 / tau**2
    mean = residual.sum(axis=1) / sigma**2 / precision
    nodes, weights = level_posterior(data, theta, layout)
    assert nodes.shape == weights.shape == (len(data.reps), N_NODES)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, rtol=1e-12)
    posterior_mean = (weights * nodes).sum(axis=1)
    posterior_var = (weights * nodes**2).sum(axis=1) - posterior_mean**2
    np.testing.assert_allclose(posterior_mean, mean, atol=1e-9)
    np.testing.assert_allclose(posterior_var, 1 / precision, rtol=1e-6)
