"""The plan calendar (simulator.base.calendar): weeks, days, periods and their names."""

from __future__ import annotations

import pytest

from simulator.base.calendar import (
    DAYS_PER_WEEK,
    MONTH_NAMES,
    MONTHS_PER_YEAR,
    QUARTER_NAMES,
    SEASON_NAMES,
    WEEKS_PER_MONTH,
    WEEKS_PER_PERIOD,
    WEEKS_PER_YEAR,
    months_per_period,
    periods_per_year,
    working_days,
)


def test_a_year_is_48_weeks_of_5_days_in_12_months() -> None:
    assert (WEEKS_PER_YEAR, DAYS_PER_WEEK, MONTHS_PER_YEAR, WEEKS_PER_MONTH) == (48, 5, 12, 4)


@pytest.mark.parametrize(("period", "weeks", "days", "per_year", "months"), [
    ("month", 4, 20, 12, 1),
    ("quarter", 12, 60, 4, 3),
    ("year", 48, 240, 1, 12),
])
def test_periods(period: str, weeks: int, days: int, per_year: int, months: int) -> None:
    assert WEEKS_PER_PERIOD[period] == weeks
    assert working_days(period) == days
    assert periods_per_year(period) == per_year
    assert months_per_period(period) == months


def test_periods_tile_the_year() -> None:
    for period, weeks in WEEKS_PER_PERIOD.items():
        assert weeks * periods_per_year(period) == WEEKS_PER_YEAR
        assert months_per_period(period) * periods_per_year(period) == MONTHS_PER_YEAR
        assert working_days(period) == weeks * DAYS_PER_WEEK


def test_unknown_period_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        working_days("week")


def test_season_names() -> None:
    assert len(MONTH_NAMES) == MONTHS_PER_YEAR and MONTH_NAMES[0] == "Jan"
    assert MONTH_NAMES[-1] == "Dec" and len(set(MONTH_NAMES)) == 12
    assert QUARTER_NAMES == ("Q1", "Q2", "Q3", "Q4")
    assert len(QUARTER_NAMES) == periods_per_year("quarter")
    assert SEASON_NAMES == {"month": MONTH_NAMES, "quarter": QUARTER_NAMES}
