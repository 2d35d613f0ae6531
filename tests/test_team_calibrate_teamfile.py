"""simulator.team.calibrate.teamfile and .report: how numbers and seasons are written."""

from __future__ import annotations

import pytest

from simulator.team.calibrate import season_names, significant


@pytest.mark.parametrize(("value", "digits", "written"), [
    (0.688341807, 4, 0.6883), (67970.0003, 4, 67970.0), (123456.7, 5, 123460.0),
    (0.000123456, 3, 0.000123), (1.0, 4, 1.0), (-2.34567, 2, -2.3),
])
def test_significant(value: float, digits: int, written: float) -> None:
    assert significant(value, digits) == written


def test_season_names() -> None:
    assert season_names("month")[0] == "Jan" and len(season_names("month")) == 12
    assert season_names("quarter") == ["Q1", "Q2", "Q3", "Q4"]
