"""The cells of a CRM export: amounts, dates, durations and shares, read one strict way.

Each reader returns the value, or raises `CellError` with the problem in words; the
callers add the file and line. Nothing is guessed: a date like 03/04/2025 that reads as
3 April or 4 March is refused unless the date order is given (`DateOrder`) or the same
column's other dates show it (`date_order_in`: a 3/15/2025 elsewhere makes it March 4),
and an amount like 1.234,56 is refused unless the decimal comma is given.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Sequence
from typing import Literal

from simulator.base.csvfile import parse_number
from simulator.base.validation import shorten

DateOrder = Literal["month-first", "day-first"]
Decimal = Literal["point", "comma"]

SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR",
           "CHF": "CHF", "C$": "CAD", "A$": "AUD", "kr": "SEK", "R$": "BRL"}
"""Currency signs an amount may carry, and the code each means."""

_CODE = r"[A-Z]{3}"
_SIGN = "|".join(re.escape(s) for s in sorted(SYMBOLS, key=len, reverse=True))
_AMOUNT = re.compile(
    rf"(?P<neg1>-)?\s*(?P<pre>{_SIGN}|{_CODE})?\s*(?P<neg2>-)?\s*(?P<num>[0-9][0-9.,\s'\u00a0\u202f]*)"
    rf"\s*(?P<post>{_SIGN}|{_CODE})?")
_SPACES = re.compile(r"[\s'\u00a0\u202f]")
_COMMA_DECIMAL = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})*,[0-9]+|[0-9]+,[0-9]{1,2}")
_ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                  r"(?:\s?[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)?")
_NUMERIC = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{2,4})(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?"
                      r"(?:\s?[AaPp][Mm])?)?")
_MONTHS = {name: i + 1 for i, names in enumerate((
    "jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july",
    "aug august", "sep sept september", "oct october", "nov november", "dec december"))
    for name in names.split()}
_NAMED_DMY = re.compile(r"(\d{1,2})[\s-]([A-Za-z]{3,9})\.?[\s-](\d{4})")
_NAMED_MDY = re.compile(r"([A-Za-z]{3,9})\.?\s(\d{1,2}),?\s(\d{4})")
_CLOCK = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})")


class CellError(ValueError):
    """A cell that cannot be read; the message says why, in words."""


def currency_of(text: str) -> str | None:
    """The currency an amount cell names by a sign or a code (``$1,200`` -> USD), or None."""
    match = _AMOUNT.fullmatch(text.strip())
    if match is None:
        return None
    sign = match["pre"] or match["post"]
    return SYMBOLS.get(sign, sign) if sign else None


def parse_amount(text: str, decimal: Decimal = "point") -> float:
    """An amount of money: currency signs or codes, thousands separators; CellError else.

    decimal "point": 1,234.56 (commas and spaces group thousands); "comma": 1.234,56 (points
    and spaces group thousands). An amount written the other way is refused, not misread.
    """
    raw = text.strip()
    if not raw:
        raise CellError("is empty")
    negative = raw.startswith("(") and raw.endswith(")")
    body = raw[1:-1].strip() if negative else raw
    match = _AMOUNT.fullmatch(body)
    if match is None:
        raise CellError(f"{shorten(raw)!r} is not an amount")
    number = _SPACES.sub("", match["num"])
    negative = negative or bool(match["neg1"] or match["neg2"])
    if decimal == "comma":
        grouped = re.fullmatch(r"[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?|[0-9]+(?:,[0-9]+)?", number)
        if grouped is None:
            raise CellError(f"{shorten(raw)!r} is not an amount with a decimal comma "
                            "(like 1.234,56)")
        value = float(number.replace(".", "").replace(",", "."))
    else:
        parsed = parse_number(number)
        if parsed is None:
            hint = (" (it looks like a decimal comma: say `decimal: comma` in the mapping "
                    "file)" if _COMMA_DECIMAL.fullmatch(number) else "")
            raise CellError(f"{shorten(raw)!r} is not an amount{hint}")
        value = parsed
    if not math.isfinite(value):
        raise CellError(f"{shorten(raw)!r} is not an amount")
    return -value if negative else value


def _date(year: int, month: int, day: int, raw: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"{shorten(raw)!r} is not a date (no day {day} in month {month} of "
                        f"{year})") from None


def date_order_in(text: str, columns: Sequence[str]) -> DateOrder | None:
    """The order of day and month that a file's own unambiguous dates show, or None.

    A column with 3/15/2025 is month-first, one with 15/03/2025 day-first; so its
    03/04/2025 is read as they are, not guessed. A file whose dates show both orders, or
    neither (every date could be read both ways), says nothing: its ambiguous dates are
    then refused unless a mapping file gives `date_order`.
    """
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header = [name.strip() for name in next(rows, [])]
    wanted = [i for i, name in enumerate(header) if name in {c.strip() for c in columns}]
    seen: set[DateOrder] = set()
    for row in rows:
        for i in wanted:
            if i < len(row) and (match := _NUMERIC.fullmatch(row[i].strip())) and match[2] != ".":
                if int(match[1]) > 12 >= int(match[3]):
                    seen.add("day-first")
                elif int(match[3]) > 12 >= int(match[1]):
                    seen.add("month-first")
    return seen.pop() if len(seen) == 1 else None


def parse_date(text: str, order: DateOrder | None = None) -> dt.date:
    """A date in ISO (2025-03-31), US (3/31/2025), European (31/03/2025, 31.03.2025) form.

    A time after the date is ignored. A slash or dash date whose day and month could be
    swapped (03/04/2025) is refused unless `order` says which comes first; dotted dates
    (31.03.2025) are day-first, as every locale that writes them. Two-digit years are
    refused. Raises CellError with the reason.
    """
    raw = text.strip()
    if not raw:
        raise CellError("is empty")
    if match := _ISO.fullmatch(raw):
        return _date(int(match[1]), int(match[2]), int(match[3]), raw)
    if match := _NUMERIC.fullmatch(raw):
        first, sep, second, year_text = int(match[1]), match[2], int(match[3]), match[4]
        if len(year_text) != 4:
            raise CellError(f"{shorten(raw)!r} has a two-digit year; write the year in full")
        year = int(year_text)
        if sep == ".":
            return _date(year, second, first, raw)
        if order == "month-first":
            if first > 12:
                raise CellError(f"{shorten(raw)!r} is not a month-first date (the mapping says "
                                "date_order: month-first)")
            return _date(year, first, second, raw)
        if order == "day-first":
            if second > 12:
                raise CellError(f"{shorten(raw)!r} is not a day-first date (the mapping says "
                                "date_order: day-first)")
            return _date(year, second, first, raw)
        if first > 12:
            return _date(year, second, first, raw)
        if second > 12 or first == second:
            return _date(year, first, second, raw)
        raise CellError(
            f"{shorten(raw)!r} is ambiguous: {_month_name(first)} {second} or "
            f"{_month_name(second)} {first}; say which in a mapping file (date_order: "
            "month-first or day-first)")
    if match := _NAMED_DMY.fullmatch(raw):
        month = _MONTHS.get(match[2].lower())
        if month is not None:
            return _date(int(match[3]), month, int(match[1]), raw)
    if match := _NAMED_MDY.fullmatch(raw):
        month = _MONTHS.get(match[1].lower())
        if month is not None:
            return _date(int(match[3]), month, int(match[2]), raw)
    raise CellError(f"{shorten(raw)!r} is not a date like 2025-03-31, 3/31/2025 or 31.03.2025")


def _month_name(month: int) -> str:
    return dt.date(2000, month, 1).strftime("%B")


def parse_duration(text: str, unit: Literal["seconds", "minutes"] = "seconds") -> float:
    """A call's duration in seconds: ``1:02:03``, ``12:30`` (minutes:seconds) or a number.

    A bare number is in `unit`. Blank is 0 (a call that did not connect). CellError else.
    """
    raw = text.strip()
    if not raw:
        return 0.0
    if match := _CLOCK.fullmatch(raw):
        hours = int(match[1]) if match[1] else 0
        return hours * 3600.0 + int(match[2]) * 60.0 + int(match[3])
    value = parse_number(raw)
    if value is None or value < 0:
        raise CellError(f"{shorten(raw)!r} is not a duration (seconds, or 1:02:03)")
    return value * (60.0 if unit == "minutes" else 1.0)


def parse_share(text: str, percent_column: bool = False) -> float:
    """A share of a deal: ``0.6``, ``60%`` or, in a column named in percent, ``60``."""
    raw = text.strip()
    if not raw:
        raise CellError("is empty")
    percent = raw.endswith("%")
    value = parse_number(raw.removesuffix("%").strip())
    if value is None:
        raise CellError(f"{shorten(raw)!r} is not a share (0.6 or 60%)")
    if percent or percent_column:
        value /= 100.0
    if not 0 <= value <= 1:
        raise CellError(f"{shorten(raw)!r} is not a share between 0 and 100%")
    return value


def cents(amount: float) -> int:
    """An amount of money in whole cents, half away from zero."""
    scaled = abs(amount) * 100.0
    whole = math.floor(scaled + 0.5 + 1e-9 * max(scaled, 1.0))
    return int(whole if amount >= 0 else -whole)
