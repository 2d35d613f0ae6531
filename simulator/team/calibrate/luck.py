"""Period luck <-> the engine's weekly luck (`luck.sales_weekly` of a team file).

The engine books a period as the mean of `weeks` weekly mean-one lognormal draws, so the
weekly sigma written to the team file is the one whose period sum has the fitted log-sd,
computed on fixed quasi-random points (deterministic).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy import optimize, special
from scipy.stats import qmc

from simulator.base.stats import mean_one_lognormal
from simulator.team.calibrate.data import FloatArray

MAX_WEEKLY_SIGMA = 3.0
"""The widest weekly luck a calibration writes."""


@lru_cache(maxsize=8)
def _normal_points(weeks: int) -> FloatArray:
    """Fixed quasi-random standard normal points, (2**14 - 1, weeks): deterministic."""
    points = qmc.Sobol(d=weeks, scramble=False).random_base2(m=14)[1:]  # drop the 0 point
    return special.ndtri(points)


def period_log_sd(weekly_sigma: float, weeks: int) -> float:
    """Log-sd of a period's luck: the mean of `weeks` mean-one lognormal weekly draws."""
    z = _normal_points(weeks)
    total = mean_one_lognormal(z, weekly_sigma).mean(axis=1)
    return float(np.log(total).std())


def weekly_sigma_for(period_sigma: float, weeks: int) -> float:
    """The weekly luck sigma whose sum over `weeks` weeks has log-sd `period_sigma`.

    The inverse of `period_log_sd`, to 1e-6; at most MAX_WEEKLY_SIGMA.
    """
    if period_sigma <= 0:
        return 0.0
    if period_log_sd(MAX_WEEKLY_SIGMA, weeks) <= period_sigma:
        return MAX_WEEKLY_SIGMA
    if period_log_sd(1e-3, weeks) >= period_sigma:
        return period_sigma * math.sqrt(weeks)  # small sigmas: the sum's sd is sigma / sqrt(w)
    return float(optimize.brentq(lambda w: period_log_sd(w, weeks) - period_sigma,
                                 1e-3, MAX_WEEKLY_SIGMA, xtol=1e-6))


def weekly_sigma_fenton_wilkinson(period_sigma: float, weeks: int) -> float:
    """Inverse of `model.effort.period_sigma` (matches the period sum's variance, not log-sd)."""
    return math.sqrt(math.log1p(weeks * math.expm1(period_sigma**2)))
