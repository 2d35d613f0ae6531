"""Luck: each rep's own, week to week, and the market's, shared by every rep in a trial.

Draws come from one `SeedSequence(seed)`: trial block b draws the reps' luck from branch
(1, b) and the market's from branch (2, b), so a team without market shocks draws
exactly the numbers it always drew, and every plan sees the same luck (common random
numbers). Later plan years of a multi-year run draw from (1, b, year) and (2, b, year),
so the first year's luck is the same however many years are simulated.

A team with deal-level luck (`luck.deals`) draws each rep's week as deals x sizes instead
of one lognormal: a negative binomial count of deals at the rep's weekly rate, each a
mean-one lognormal size, divided by the rate so the factor has mean 1 (a week without a
deal is 0). Its counts and sizes come from branch (5, b[, year]) and its activity normals
from (1, b[, year]); a team without deal luck draws exactly what it always drew.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from simulator.base.calendar import MONTHS_PER_YEAR, WEEKS_PER_MONTH, WEEKS_PER_YEAR
from simulator.model.kernel import lognormal, market_months
from simulator.team.parameters import DealLuck, Luck

FloatArray = NDArray[np.float64]

BLOCK_TRIALS = 16
"""Trials per block: the unit of seeding, chunking and merging."""


def spawn_key(stream: int, block: int, year: int = 0) -> tuple[int, ...]:
    """The seed branch of a stream of draws for a block of trials in a plan year."""
    return (stream, block) if year == 0 else (stream, block, year)


def block_luck(seed: int, block: int, n_reps: int, luck: Luck, year: int = 0,
               out: FloatArray | None = None) -> tuple[FloatArray, FloatArray]:
    """Luck of one block of trials in plan year `year` (0: the first).

    Returns the weekly deal luck (48, BLOCK_TRIALS, n_reps), mean 1, the market's factor
    included, and the monthly activity normals (12, BLOCK_TRIALS, n_reps). out: where the
    weekly luck of the block's first k trials goes instead, (48, k, n_reps) (a chunk's
    array, so it is written once, not copied); then it is what is returned.
    """
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=spawn_key(1, block, year)))
    if luck.deals is not None:
        activity = rng.standard_normal((MONTHS_PER_YEAR, BLOCK_TRIALS, n_reps))
        deal_rng = np.random.default_rng(
            np.random.SeedSequence(seed, spawn_key=spawn_key(5, block, year)))
        sales = deal_sales(deal_rng, luck.deals, n_reps)
        market = market_log_factors(seed, block, luck, year)
        if market is not None:
            sales *= np.exp(np.repeat(market, WEEKS_PER_MONTH, axis=0))[:, :, None]
        if out is None:
            return sales, activity
        out[...] = sales[:, : out.shape[1]]
        return out, activity
    z = rng.standard_normal((WEEKS_PER_YEAR, BLOCK_TRIALS, n_reps))
    activity = rng.standard_normal((MONTHS_PER_YEAR, BLOCK_TRIALS, n_reps))
    # exp(sigma z + (log market - sigma**2 / 2)) in one compiled pass (`kernel.lognormal`)
    sigma = luck.sales_weekly
    market = market_log_factors(seed, block, luck, year)
    shift = (np.full((WEEKS_PER_YEAR, BLOCK_TRIALS), -(sigma**2 / 2)) if market is None
             else np.repeat(market, WEEKS_PER_MONTH, axis=0) - sigma**2 / 2)
    sales = z if out is None else out
    lognormal(z, sigma, shift, sales)
    return sales, activity


def deal_sales(rng: np.random.Generator, deals: DealLuck, n_reps: int) -> FloatArray:
    """Weekly sales luck as deals x sizes, (48, BLOCK_TRIALS, n_reps), mean 1 for every rep.

    Each rep-week closes N ~ negative binomial (mean the rep's weekly rate, shape
    `dispersion`) deals of mean-one lognormal sizes (log-sd `size_sigma`); the factor is
    their sum over the rate. Drawn one trial at a time, so the sizes held at once are one
    trial's deals.
    """
    rates = np.asarray(deals.rates(n_reps), dtype=np.float64)
    k, sigma = deals.dispersion, deals.size_sigma
    p = np.broadcast_to(k / (k + rates), (WEEKS_PER_YEAR, n_reps))
    out = np.empty((WEEKS_PER_YEAR, BLOCK_TRIALS, n_reps))
    for t in range(BLOCK_TRIALS):
        counts = rng.negative_binomial(k, p)  # (48, n_reps)
        sizes = np.exp(sigma * rng.standard_normal(int(counts.sum())) - sigma**2 / 2)
        cell = np.repeat(np.arange(counts.size), counts.ravel())
        out[:, t, :] = np.bincount(cell, weights=sizes, minlength=counts.size).reshape(
            counts.shape)
    out /= rates
    return out


def market_log_factors(seed: int, block: int, luck: Luck, year: int = 0) -> FloatArray | None:
    """The log of the market's factor on every rep's deals, per month and trial.

    Returns (12, BLOCK_TRIALS): yearly level + AR(1) month (stationary log-sd
    `market_monthly`, correlation `market_autocorrelation`), centred so that the factor
    has mean 1. None when the team has no market shocks.
    """
    if luck.market_yearly == 0 and luck.market_monthly == 0:
        return None
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=spawn_key(2, block, year)))
    level = luck.market_yearly * rng.standard_normal(BLOCK_TRIALS)
    z = rng.standard_normal((MONTHS_PER_YEAR, BLOCK_TRIALS))
    rho, sigma = luck.market_autocorrelation, luck.market_monthly
    variance = luck.market_yearly**2 + sigma**2
    return market_months(level, z, rho, sigma, sigma * np.sqrt(1 - rho**2), variance / 2)
