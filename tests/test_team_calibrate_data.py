"""simulator.team.calibrate.data: a history's revenue as padded (n_reps, periods) arrays."""

from __future__ import annotations

import math

import numpy as np

from simulator.team.calibrate.data import revenue_data
from simulator.team.history import parse_history

TEXT = (
    "rep_id,period,metric,actual\n"
    "B,2025-03,revenue,300\n"
    "A,2025-01,revenue,100\n"
    "B,2025-01,revenue,0\n"
    "A,2025-02,deals,4\n"
    "A,2025-02,revenue,250\n"
    "C,2025-02,revenue,50\n"
)


def test_cells_are_each_reps_rows_in_file_order() -> None:
    rows = parse_history(TEXT).metric("revenue")
    data = revenue_data(rows, ["A", "B", "C"], 12)
    assert data.y.shape == (3, 2)
    assert data.mask.tolist() == [[True, True], [True, True], [True, False]]
    assert data.counts.tolist() == [2.0, 2.0, 1.0]
    assert data.season[data.mask].tolist() == [0, 1, 2, 0, 1]
    # a zero is censored at the smallest positive revenue in the file
    assert data.censored.tolist() == [[False, False], [False, True], [False, False]]
    expected = np.log([[100, 250], [300, 50], [50, 1]])
    np.testing.assert_allclose(data.y[data.mask], expected[data.mask])
    assert math.isclose(data.y[1, 1], math.log(50))


def test_select_and_without() -> None:
    data = revenue_data(parse_history(TEXT).metric("revenue"), ["A", "B", "C"], 12)
    some = data.select(np.array([False, True, True]))
    assert some.reps == ["B", "C"]
    assert some.counts.tolist() == [2.0, 1.0]
    np.testing.assert_array_equal(some.y, data.y[1:])
    assert data.without(np.zeros_like(data.mask)) is data
    flagged = np.zeros_like(data.mask)
    flagged[0, 1] = True
    fewer = data.without(flagged)
    assert fewer.counts.tolist() == [1.0, 2.0, 1.0]
    assert data.counts.tolist() == [2.0, 2.0, 1.0]  # the original is untouched
