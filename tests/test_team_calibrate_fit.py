"""simulator.team.calibrate.fit and .outliers: the optimiser, its Hessian, the robust screen."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator.team.calibrate.data import RevenueData
from simulator.team.calibrate.fit import (
    bounds,
    fit_normal,
    hessian,
    screen,
    seasonal_factors,
    start_values,
)
from simulator.team.calibrate.likelihood import Layout
from simulator.team.calibrate.outliers import outlier_cells

TAU, SIGMA, MU = 0.3, 0.4, 11.0


def drawn(seed: int, reps: int = 40, periods: int = 12) -> RevenueData:
    """Monthly log revenue drawn from the normal model, no seasonality, no zeros."""
    rng = np.random.default_rng(seed)
    level = TAU * rng.standard_normal(reps)
    y = MU + level[:, None] - SIGMA**2 / 2 + SIGMA * rng.standard_normal((reps, periods))
    season = np.tile(np.arange(periods) % 12, (reps, 1))
    mask = np.ones((reps, periods), dtype=bool)
    period = np.tile(np.arange(periods), (reps, 1))
    return RevenueData([f"R{i}" for i in range(reps)], y, season, period, ~mask, mask, 12)


def test_hessian_of_a_quadratic() -> None:
    a = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, -0.2], [0.5, -0.2, 2.0]])
    b = np.array([1.0, -2.0, 0.3])

    def f(x: np.ndarray) -> float:
        return float(0.5 * x @ a @ x + b @ x)

    np.testing.assert_allclose(hessian(f, np.array([0.3, -1.0, 2.0])), a, atol=1e-6)


@pytest.mark.parametrize("seasonal", [False, True])
@pytest.mark.parametrize("robust", [False, True])
def test_start_values_fit_the_layout_and_its_bounds(seasonal: bool, robust: bool) -> None:
    layout = Layout(12, seasonal, robust)
    theta = start_values(drawn(1), layout)
    limits = bounds(layout)
    assert theta.size == len(limits) == layout.size
    for value, (low, high) in zip(theta, limits, strict=True):
        assert (low is None or low <= value) and (high is None or value <= high)
    _, _, tau, sigma, _ = layout.unpack(theta)
    assert 0.5 * SIGMA < sigma < 1.5 * SIGMA and 0.5 * TAU < tau < 1.5 * TAU


def test_fit_recovers_the_model_with_standard_errors() -> None:
    fit = fit_normal(drawn(2), seasonal=False)
    mu, _, tau, sigma, _ = fit.layout.unpack(fit.theta)
    se = np.sqrt(np.diag(fit.covariance))
    assert np.all(np.isfinite(se)) and np.all(np.linalg.eigvalsh(fit.covariance) > 0)
    assert abs(math.log(tau / TAU)) < 3 * se[1]
    assert abs(math.log(sigma / SIGMA)) < 3 * se[2]
    assert abs(mu - MU) < 3 * se[0]
    assert se[2] == pytest.approx(1 / math.sqrt(2 * 40 * 11), rel=0.1)  # log sigma's se


def test_seasonal_factors_have_mean_one() -> None:
    plain = fit_normal(drawn(3), seasonal=False)
    assert [(f.value, f.low, f.high) for f in seasonal_factors(plain)] == [(1.0, 1.0, 1.0)] * 12
    seasonal = fit_normal(drawn(3), seasonal=True)
    factors = seasonal_factors(seasonal)
    assert np.mean([f.value for f in factors]) == pytest.approx(1.0, abs=1e-12)
    assert all(f.low < f.value < f.high for f in factors)
    assert seasonal.log_likelihood >= plain.log_likelihood  # nested models


def test_screen_flags_one_huge_result_and_nothing_else() -> None:
    clean = drawn(4)
    assert not outlier_cells(clean, screen(clean, seasonal=False)).any()
    y = clean.y.copy()
    y[5, 7] += math.log(30)  # one huge deal: 30x the rep's month
    dirty = RevenueData(clean.reps, y, clean.season, clean.period, clean.censored, clean.mask,
                        12)
    fit = screen(dirty, seasonal=False)
    assert 0 < fit.layout.unpack(fit.theta)[4] < 0.05
    assert np.argwhere(outlier_cells(dirty, fit)).tolist() == [[5, 7]]
