"""New-hire ramps and mid-period starts in the payout calculator (README, "Ramps").

A plan's ``ramp: [[month, quota_share], ...]`` gives a new hire's quota as a share of the
full one by month in post (month 1 is the month they start; after the last row its share
holds). With a rep's `start` date (a column of the actuals CSV), each period's quota is
the CSV's full quota x the share of the period's days in post x the ramp's share (the
days-weighted mean over the period's calendar months), and the target pay is prorated
to the days in post. The period must be written `2026-Q1`, `2026-02` or `2026`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from simulator.plan.spiff import period_dates


def ramp_problem(ramp: tuple[tuple[int, float], ...]) -> str | None:
    """What is wrong with a plan's ramp, or None."""
    months = [m for m, _ in ramp]
    if months[0] != 1:
        return f"the first row must be month 1 (the month a rep starts), not {months[0]}"
    for i in range(1, len(months)):
        if months[i] <= months[i - 1]:
            return f"months must rise from row to row ({months[i - 1]} -> {months[i]})"
    if any(not 0 < s <= 1 for _, s in ramp):
        return "quota shares must be more than 0 and at most 1"
    return None


def share(ramp: tuple[tuple[int, float], ...], month: int) -> float:
    """The ramp's quota share in a month in post (1-based; before the start: 0)."""
    if month < 1:
        return 0.0
    value = 1.0 if not ramp else ramp[0][1]
    for first, s in ramp:
        if month >= first:
            value = s
    return value


def proration(start: dt.date, period: str, ramp: tuple[tuple[int, float], ...]
              ) -> tuple[float, float] | str:
    """(quota factor, target factor) of a rep who started on `start`, or a problem."""
    dates = period_dates(period)
    if dates is None:
        return (f"period {period!r} has no dates: with a start date write periods as "
                "2026-Q1, 2026-02 or 2026")
    first, last = dates
    days = (last - first).days + 1
    begin = max(first, start)
    if begin > last:
        return f"the rep starts on {start.isoformat()}, after the period {period!r}"
    in_post = (last - begin).days + 1
    ramped = 0.0
    day = begin
    while day <= last:  # month by month
        nxt = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        end = min(last, nxt - dt.timedelta(days=1))
        month = (day.year - start.year) * 12 + day.month - start.month + 1
        ramped += ((end - day).days + 1) * share(ramp, month)
        day = nxt
    return ramped / days, in_post / days


def parse_start(text: str) -> dt.date | str:
    """A start date cell, or its problem."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return f"start {text[:60]!r} is not a date (write 2026-02-14)"


def ramp_yaml(ramp: tuple[tuple[int, float], ...]) -> list[list[Any]]:
    """The ramp as written in a plan file."""
    return [[m, s] for m, s in ramp]
