"""Gates and multipliers between measures as reps see them (`plan.links`, README).

Pay of a gated or multiplied measure depends on another measure's attainment. Reps see it
where they value pay: the effort solve at each point of the progress grid (the other
measure's attainment at the same progress) and the mix at the expected attainments.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from simulator.plan.payout import PlanPayout

FloatArray = NDArray[np.float64]


def link_factor(payout: PlanPayout, k: int, attainment: Callable[[int], FloatArray],
                shape: tuple[int, ...]) -> FloatArray:
    """Measure k's gates and multipliers: a factor of `shape` on its pay.

    attainment(j): the other measure j's attainment, broadcastable to `shape`.
    """
    factor = np.ones(shape)
    for measure, other, gate in payout.gates:
        if measure == k:
            factor = factor * gate.open(attainment(other))
    for measure, other, multiplier in payout.multipliers:
        if measure == k:
            factor = factor * multiplier.factor(attainment(other))
    return factor


def grid_attainment(payout: PlanPayout, j: int, reach: FloatArray,
                    is_count: NDArray[np.bool_] | None, x_grid: FloatArray,
                    floor: float) -> FloatArray:
    """Measure j's attainment over the progress grid, (n_types, N_X) or (n_types, 1).

    A count measure's is x times its reach (quota / that for lower-is-better, x floored
    at `floor`); a level measure's (is_count False) stays at its expected level.
    """
    r = reach[:, j, None]
    if is_count is not None and not is_count[j]:
        return r
    return r / np.maximum(x_grid, floor) if payout.lower[j] else r * x_grid
