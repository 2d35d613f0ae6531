"""Statistical helpers shared by the stages: mean-one lognormals, quadrature, intervals."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

Z95 = 1.959963984540054
"""The standard normal's 97.5% quantile: a 95% two-sided interval is +- Z95 standard errors."""


def mean_one_lognormal(z: ArrayLike, sigma: ArrayLike) -> FloatArray:
    """exp(sigma z - sigma**2 / 2): a lognormal with mean 1 and log-sd sigma, from normals z."""
    z, sigma = np.asarray(z), np.asarray(sigma)
    return np.exp(sigma * z - sigma**2 / 2)


def lognormal_mean_one(rng: np.random.Generator, sigma: float, size: tuple[int, ...]) -> FloatArray:
    """Lognormal draws with mean 1 and log-sd `sigma`."""
    return mean_one_lognormal(rng.standard_normal(size), sigma)


def lognormal_nodes(sigma: float, n: int) -> tuple[FloatArray, FloatArray]:
    """Gauss-Hermite nodes and weights (summing to 1) of a mean-one lognormal, log-sd sigma."""
    z, w = np.polynomial.hermite_e.hermegauss(n)
    return mean_one_lognormal(z, sigma), w / w.sum()
