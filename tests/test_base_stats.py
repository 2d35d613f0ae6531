"""Statistical helpers (simulator.base.stats): mean-one lognormals, quadrature, Z95.

Analytic: if z ~ N(0, 1), exp(sigma z - sigma^2 / 2) has mean 1 and second moment
exp(sigma^2); a Gauss-Hermite rule with n nodes integrates polynomials of degree 2n - 1
in z exactly.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.base.stats import Z95, lognormal_mean_one, lognormal_nodes, mean_one_lognormal


def test_mean_one_lognormal_by_hand() -> None:
    assert mean_one_lognormal(0.0, 0.0) == 1.0
    assert mean_one_lognormal(1.0, 0.5) == pytest.approx(np.exp(0.5 - 0.125))
    np.testing.assert_allclose(mean_one_lognormal(np.array([-1.0, 0.0, 2.0]), 0.2),
                               np.exp(0.2 * np.array([-1.0, 0.0, 2.0]) - 0.02))


def test_mean_one_lognormal_broadcasts() -> None:
    z = np.zeros((3, 1))
    sigma = np.array([0.1, 0.2, 0.3, 0.4])
    out = mean_one_lognormal(z, sigma)
    assert out.shape == (3, 4)
    np.testing.assert_allclose(out[0], np.exp(-sigma**2 / 2))


@pytest.mark.parametrize("sigma", [0.1, 0.35, 0.6])
def test_seeded_draws_have_mean_one_and_log_sd_sigma(rng: np.random.Generator,
                                                     sigma: float) -> None:
    draws = lognormal_mean_one(rng, sigma, (200_000,))
    assert draws.shape == (200_000,)
    assert draws.mean() == pytest.approx(1.0, abs=0.005)  # standard error < 0.0015
    assert np.log(draws).std() == pytest.approx(sigma, rel=0.01)
    assert np.log(draws).mean() == pytest.approx(-sigma**2 / 2, abs=0.005)


def test_the_same_seed_gives_the_same_draws_another_seed_others() -> None:
    a = lognormal_mean_one(np.random.default_rng(1), 0.3, (4, 5))
    b = lognormal_mean_one(np.random.default_rng(1), 0.3, (4, 5))
    c = lognormal_mean_one(np.random.default_rng(2), 0.3, (4, 5))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_seeded_regression_of_draws() -> None:
    draws = lognormal_mean_one(np.random.default_rng(2026), 0.35, (3,))
    z = np.random.default_rng(2026).standard_normal(3)
    np.testing.assert_allclose(draws, np.exp(0.35 * z - 0.35**2 / 2), rtol=1e-15)


@settings(max_examples=40, deadline=None)
@given(sigma=st.floats(0.0, 0.6), n=st.integers(5, 15))
def test_lognormal_nodes_integrate_the_first_two_moments(sigma: float, n: int) -> None:
    nodes, weights = lognormal_nodes(sigma, n)
    assert nodes.shape == weights.shape == (n,)
    assert weights.sum() == pytest.approx(1.0, rel=1e-12)
    assert np.all(weights > 0) and np.all(nodes > 0)
    # exp is not a polynomial, but over the luck the model uses (sigma <= 0.6) five nodes
    # or more get the mean within 2e-7 and the second moment within 1.4e-4
    assert nodes @ weights == pytest.approx(1.0, abs=1e-6)
    assert nodes**2 @ weights == pytest.approx(np.exp(sigma**2), rel=1e-3)


def test_seven_nodes_are_accurate_at_the_engines_luck() -> None:
    nodes, weights = lognormal_nodes(0.6, 7)
    assert nodes @ weights == pytest.approx(1.0, abs=1e-9)
    assert nodes**2 @ weights == pytest.approx(np.exp(0.36), rel=1e-5)


def test_no_luck_is_one_node_at_one() -> None:
    nodes, weights = lognormal_nodes(0.0, 5)
    np.testing.assert_allclose(nodes, 1.0)


def test_z95() -> None:
    assert Z95 == pytest.approx(NormalDist().inv_cdf(0.975), rel=1e-12)
