"""Outliers: rep-periods the robust screen puts in the wide component of luck."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import special

from simulator.team.calibrate.data import RevenueData
from simulator.team.calibrate.fit import Fit
from simulator.team.calibrate.likelihood import OUTLIER_SCALE, level_posterior

OUTLIER_Z = 4.0
OUTLIER_RATIO = 5.0
"""An outlier is also this many sigmas from, and this many times above (or below 1/x of),
the rep's expected result: the upper tail of a sum of lognormal weeks is heavier than a
normal's, so a sigma rule alone would drop some merely lucky months."""


def outlier_cells(data: RevenueData, fit: Fit) -> NDArray[np.bool_]:
    """Cells (n_reps, T) of positive revenue that the robust fit puts in the wide component.

    Flagged when the posterior chance of the outlier component exceeds one half and the
    result is beyond OUTLIER_Z core sigmas and OUTLIER_RATIO times (or under 1/OUTLIER_RATIO
    of) the rep's expected result, so an ordinary lucky month is not dropped.
    """
    mu, s, _, sigma, pi = fit.layout.unpack(fit.theta)
    if pi <= 0:
        return np.zeros_like(data.mask)
    nodes, weights = level_posterior(data, fit.theta, fit.layout)
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


def describe_outliers(data: RevenueData, fit: Fit, flagged: NDArray[np.bool_],
                      revenue: pd.DataFrame) -> list[dict[str, Any]]:
    """The flagged cells as report rows: rep, period, line, actual, expected and their ratio."""
    mu, s, _, sigma, _ = fit.layout.unpack(fit.theta)
    nodes, weights = level_posterior(data, fit.theta, fit.layout)
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
