"""SPIFFs: short, dated bonuses on a metric, paid on top of the plan (README, "SPIFFs").

``spiffs: [{name, metric, per_unit: x | amount: y, at: v, from: DATE, to: DATE}]``:
`per_unit` pays x for every unit booked inside the window; `amount` with `at` pays y once,
in the rep-period whose result takes the rep's total inside the window to at least v.
Results come from the actuals CSV, in rows whose `measure` is the SPIFF's name: dated
(a `date` column, ISO `2026-02-14`) or per period, when the period is written
`2026-Q1`, `2026-02` or `2026` and lies wholly inside the window.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, Strict, field_validator, model_validator

from simulator.base.limits import MAX_MONEY, MAX_RATE
from simulator.base.metrics import METRICS
from simulator.base.validation import Frozen, Number, Text, shorten, show_number


class Spiff(Frozen):
    """A dated bonus on a metric: per unit, or an amount once a level is reached."""

    name: Text
    metric: Annotated[str, Strict()]
    per_unit: Number | None = None
    amount: Number | None = None
    at: Number | None = None
    start: dt.date = Field(alias="from")
    to: dt.date

    @field_validator("metric")
    @classmethod
    def _count_metric(cls, metric: str) -> str:
        known = METRICS.get(metric)
        if known is None:
            raise ValueError(f"unknown metric {shorten(metric)!r}; known metrics: "
                             + ", ".join(METRICS))
        if known.kind != "count":
            raise ValueError(f"a SPIFF pays on a count metric; {metric!r} is a level")
        return metric

    @field_validator("per_unit")
    @classmethod
    def _rate(cls, value: float | None) -> float | None:
        if value is not None and not 0 < value <= MAX_RATE:
            raise ValueError(f"must be more than 0 and at most {show_number(MAX_RATE)}, "
                             f"not {show_number(value)}")
        return value

    @field_validator("amount")
    @classmethod
    def _amount(cls, value: float | None, info: Any) -> float | None:
        if value is not None and info.data.get("per_unit") is not None:
            raise ValueError("a SPIFF pays either per_unit or an amount (with at), not both")
        if value is not None and not 0 < value <= MAX_MONEY:
            raise ValueError(f"must be more than 0 and at most {show_number(MAX_MONEY)}, "
                             f"not {show_number(value)}")
        return value

    @field_validator("at")
    @classmethod
    def _level(cls, value: float | None) -> float | None:
        if value is not None and not 0 < value <= 1e15:
            raise ValueError(f"must be more than 0, not {show_number(value)}")
        return value

    @field_validator("to")
    @classmethod
    def _window(cls, to: dt.date, info: Any) -> dt.date:
        start = info.data.get("start")
        if start is not None and to < start:
            raise ValueError(f"{to.isoformat()} is before from ({start.isoformat()})")
        return to

    @model_validator(mode="after")
    def _pays_something(self) -> Spiff:
        if self.per_unit is None and self.amount is None:
            raise ValueError("the SPIFF pays nothing: give per_unit, or amount and at")
        if (self.amount is None) != (self.at is None):
            raise ValueError("amount needs at (the result that earns it), and at an amount")
        return self

    def to_yaml(self) -> dict[str, Any]:
        """The SPIFF as it is written in a plan file."""
        out: dict[str, Any] = {"name": self.name, "metric": self.metric}
        for key in ("per_unit", "amount", "at"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        out["from"], out["to"] = self.start.isoformat(), self.to.isoformat()
        return out


_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
_YEAR = re.compile(r"\d{4}")


def period_dates(label: str) -> tuple[dt.date, dt.date] | None:
    """First and last day of a period written `2026-Q1`, `2026-02` or `2026` (else None)."""
    if m := _QUARTER.fullmatch(label):
        year, quarter = int(m[1]), int(m[2])
        first = dt.date(year, 3 * quarter - 2, 1)
        last_month = 3 * quarter
    elif m := _MONTH.fullmatch(label):
        year, month = int(m[1]), int(m[2])
        first, last_month = dt.date(year, month, 1), month
    elif _YEAR.fullmatch(label):
        year = int(label)
        first, last_month = dt.date(year, 1, 1), 12
    else:
        return None
    after = dt.date(year + 1, 1, 1) if last_month == 12 else dt.date(year, last_month + 1, 1)
    return first, after - dt.timedelta(days=1)


def spiff_pay(spiff: Spiff, rows: list[tuple[str, str, float]]) -> dict[tuple[str, str], Decimal]:
    """What a SPIFF pays per (rep, period), from its rows inside the window (file order).

    rows: (rep, period, value) of the rows that count.
    """
    out: dict[tuple[str, str], Decimal] = {}
    totals: dict[str, float] = {}
    for rep, period, value in rows:
        if spiff.per_unit is not None:
            pay = Decimal(repr(value)) * Decimal(repr(spiff.per_unit))
        else:
            before = totals.get(rep, 0.0)
            totals[rep] = before + value
            reached = spiff.at is not None and before < spiff.at <= totals[rep] + 1e-9
            pay = Decimal(repr(spiff.amount)) if reached else Decimal(0)
        out[rep, period] = out.get((rep, period), Decimal(0)) + pay
    return out
