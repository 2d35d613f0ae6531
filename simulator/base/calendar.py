"""The plan calendar: working weeks and days, periods, months and their names.

A plan year is 48 working weeks of 5 days; a month is 4 weeks, a quarter 12. The engine
steps week by week; plans measure and pay per period.
"""

from __future__ import annotations

from typing import Literal

Period = Literal["month", "quarter", "year"]

DAYS_PER_WEEK = 5
WEEKS_PER_YEAR = 48
MONTHS_PER_YEAR = 12
WEEKS_PER_MONTH = WEEKS_PER_YEAR // MONTHS_PER_YEAR
WEEKS_PER_PERIOD: dict[str, int] = {"month": 4, "quarter": 12, "year": 48}
"""Working weeks in each plan period."""

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
               "Dec")
QUARTER_NAMES = ("Q1", "Q2", "Q3", "Q4")
SEASON_NAMES: dict[str, tuple[str, ...]] = {"month": MONTH_NAMES, "quarter": QUARTER_NAMES}
"""Names of the seasons of a history's granularity."""


def working_days(period: str) -> int:
    """Working days in one plan period (the most `announce_day` can be)."""
    return WEEKS_PER_PERIOD[period] * DAYS_PER_WEEK


def periods_per_year(period: str) -> int:
    """Plan periods in a plan year."""
    return WEEKS_PER_YEAR // WEEKS_PER_PERIOD[period]


def months_per_period(period: str) -> int:
    """Months in one plan period (at least 1)."""
    return max(1, WEEKS_PER_PERIOD[period] // WEEKS_PER_MONTH)
