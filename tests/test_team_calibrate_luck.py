"""simulator.team.calibrate.luck: period luck <-> the engine's weekly luck."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator.model.effort import period_sigma
from simulator.team.calibrate.luck import (
    MAX_WEEKLY_SIGMA,
    period_log_sd,
    weekly_sigma_fenton_wilkinson,
    weekly_sigma_for,
)


def test_weekly_luck_conversion() -> None:
    # exact: the period log-sd of the engine's weekly sums, and its inverse
    rng = np.random.default_rng(7)
    z = rng.standard_normal((200_000, 4))
    simulated = np.log(np.exp(0.7 * z - 0.245).mean(axis=1)).std()
    assert period_log_sd(0.7, 4) == pytest.approx(simulated, rel=0.01)
    assert weekly_sigma_for(period_log_sd(0.7, 4), 4) == pytest.approx(0.7, abs=1e-4)
    assert weekly_sigma_for(period_log_sd(0.5, 12), 12) == pytest.approx(0.5, abs=1e-4)
    # Fenton-Wilkinson inverts effort.period_sigma exactly
    assert weekly_sigma_fenton_wilkinson(period_sigma(0.9, 4), 4) == pytest.approx(0.9)
    assert weekly_sigma_fenton_wilkinson(period_sigma(0.4, 12), 12) == pytest.approx(0.4)


@pytest.mark.parametrize("weeks", [4, 12])
@pytest.mark.parametrize("weekly", [0.02, 0.15, 0.4, 0.688, 1.1, 2.0, 2.9])
def test_weekly_sigma_for_inverts_period_log_sd(weekly: float, weeks: int) -> None:
    assert weekly_sigma_for(period_log_sd(weekly, weeks), weeks) == pytest.approx(weekly,
                                                                                  abs=2e-6)


@pytest.mark.parametrize("weeks", [1, 4, 12])
def test_period_log_sd_grows_with_weekly_sigma(weeks: int) -> None:
    sds = [period_log_sd(w, weeks) for w in np.linspace(0.01, MAX_WEEKLY_SIGMA, 30)]
    assert np.all(np.diff(sds) > 0)


def test_one_week_periods_are_the_weekly_luck() -> None:
    # a single mean-one lognormal draw has log-sd sigma (up to the quasi-random points)
    for weekly in (0.1, 0.7, 1.5):
        assert period_log_sd(weekly, 1) == pytest.approx(weekly, rel=1e-3)


def test_small_sigmas_average_out_as_the_square_root_of_weeks() -> None:
    # a sum of w small lognormals is nearly normal: its log-sd is sigma / sqrt(w) (the fixed
    # quasi-random points read log-sds about 0.15% low: rel 3e-3)
    assert period_log_sd(0.01, 4) == pytest.approx(0.01 / 2, rel=3e-3)
    assert weekly_sigma_for(1e-4, 12) == pytest.approx(1e-4 * math.sqrt(12))


def test_weekly_sigma_for_limits() -> None:
    assert weekly_sigma_for(0.0, 4) == 0.0
    assert weekly_sigma_for(-0.1, 4) == 0.0
    assert weekly_sigma_for(period_log_sd(MAX_WEEKLY_SIGMA, 4) * 1.01, 4) == MAX_WEEKLY_SIGMA
    assert weekly_sigma_for(50.0, 12) == MAX_WEEKLY_SIGMA


def test_period_log_sd_is_deterministic() -> None:
    assert period_log_sd(0.63, 4) == period_log_sd(0.63, 4)


def test_fenton_wilkinson_reads_weekly_luck_low() -> None:
    """FW matches the variance of the period sum, not its log-sd: its inverse reads low."""
    for weekly in (0.4, 0.7, 1.0):
        fitted = period_log_sd(weekly, 4)
        fw = weekly_sigma_fenton_wilkinson(fitted, 4)
        assert 0.9 * weekly < fw < weekly
