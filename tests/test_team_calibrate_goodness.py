"""simulator.team.calibrate.goodness: historic quotas against results and fitted levels."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.team.calibrate.data import revenue_data
from simulator.team.calibrate.goodness import quota_summary
from simulator.team.history import parse_history

TEXT = (
    "rep_id,period,metric,actual,quota\n"
    "A,2025-01,revenue,100,90\n"
    "A,2025-02,revenue,80,110\n"
    "B,2025-01,revenue,200,200\n"
    "B,2025-02,revenue,250,\n"
)


def test_quota_summary_by_hand() -> None:
    rows = parse_history(TEXT).metric("revenue")
    data = revenue_data(rows, ["A", "B"], 12)
    summary = quota_summary(rows, data, np.array([100.0, 250.0]))  # fitted per period
    assert summary is not None
    multiples = [0.9, 1.1, 0.8]  # quota / the rep's fitted level, rows with a quota
    assert summary["rep_periods"] == 3
    assert summary["share_at_or_above"] == pytest.approx(2 / 3)  # 100 >= 90, 200 >= 200
    assert summary["history_multiple_median"] == pytest.approx(0.9)
    assert summary["history_multiple_p10"] == pytest.approx(np.quantile(multiples, 0.1))
    assert summary["history_multiple_p90"] == pytest.approx(np.quantile(multiples, 0.9))
    assert summary["quota_error"] is None  # fewer than 5 reps: no spread of quota errors


def test_no_quotas_no_summary() -> None:
    text = "rep_id,period,metric,actual\nA,2025-01,revenue,1\nB,2025-01,revenue,2\n"
    rows = parse_history(text).metric("revenue")
    assert quota_summary(rows, revenue_data(rows, ["A", "B"], 12), np.ones(2)) is None
