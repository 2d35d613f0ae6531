"""A history's revenue as padded arrays: one row per rep, one column per period it has."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class RevenueData:
    """Revenue observations padded to (n_reps, max_periods) arrays.

    Row i is rep `reps[i]`; its cells are its revenue rows in file order, then padding
    (`mask` False). A zero period is censored: `y` holds the log of the censoring point,
    the smallest positive period revenue in the file.
    """

    reps: list[str]
    y: FloatArray  # log revenue; log of the censoring point for zero periods
    season: NDArray[np.int64]  # month (0-11) or quarter (0-3) of the year
    period: NDArray[np.int64]  # the period's index: months or quarters since year 0
    censored: NDArray[np.bool_]
    mask: NDArray[np.bool_]
    n_seasons: int

    @property
    def counts(self) -> FloatArray:
        """Periods per rep, (n_reps,)."""
        return self.mask.sum(axis=1).astype(float)

    def select(self, which: NDArray[np.bool_]) -> RevenueData:
        """The reps where `which` (n_reps,) is true."""
        return RevenueData([r for r, keep in zip(self.reps, which, strict=True) if keep],
                           self.y[which], self.season[which], self.period[which],
                           self.censored[which], self.mask[which], self.n_seasons)

    def without(self, flagged: NDArray[np.bool_]) -> RevenueData:
        """The data with the flagged cells (n_reps, max_periods) masked out."""
        if not flagged.any():
            return self
        return RevenueData(self.reps, self.y, self.season, self.period, self.censored,
                           self.mask & ~flagged, self.n_seasons)


def revenue_data(revenue: pd.DataFrame, reps: list[str], n_seasons: int) -> RevenueData:
    """The revenue rows of a history (`History.metric("revenue")`) as padded arrays."""
    positive = revenue["actual"] > 0
    floor = float(revenue.loc[positive, "actual"].min())
    order = {rep: i for i, rep in enumerate(reps)}
    rep_index = revenue["rep_id"].map(order).to_numpy()
    within = revenue.groupby("rep_id").cumcount().to_numpy()
    shape = (len(reps), int(within.max()) + 1)
    y = np.zeros(shape)
    season = np.zeros(shape, dtype=np.int64)
    period = np.zeros(shape, dtype=np.int64)
    censored = np.zeros(shape, dtype=bool)
    mask = np.zeros(shape, dtype=bool)
    values = np.where(positive, revenue["actual"], floor)
    y[rep_index, within] = np.log(values)
    season[rep_index, within] = revenue["season"].to_numpy()
    period[rep_index, within] = revenue["index"].to_numpy()
    censored[rep_index, within] = ~positive.to_numpy()
    mask[rep_index, within] = True
    return RevenueData(reps, y, season, period, censored, mask, n_seasons)
