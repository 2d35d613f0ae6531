"""The plan editor's pure edits of the payroll keys and of the links between measures.

Beside `plan.edits` (curves) and `plan.commission_edits` (rates): the plan-level keys
finance pays with (README "Payroll mechanics", "Ramps", "SPIFFs", "Currency"):
`currency`, `settlement`, `clawback`, `draw`, `ramp` and `spiffs`, and a measure's `gate`
and `multiplier` (README "Gates and multipliers"). Each goes from a plan-file mapping to
the editor's fields (`payroll_fields`, `link_fields`) and back (`payroll_keys`,
`with_payroll`, `with_links`), with the editor's tables read row by row (`ramp_rows`,
`spiff_rows`, `curve_rows`). A plan loaded and saved unchanged is the plan it was.

Nothing here validates: the edited mapping goes through `plan_from_dict`, the same
validator as a plan file, whose lines name the field (``draw.amount: ...``,
``spiffs[2].to: ...``, ``ramp[3][1]: ...``, ``measures[1] (A).gate.at_least: ...``).
A cell the editor cannot read as its column's type is passed on as it is, for the
validator to name; an empty cell is None (or its key is left out of a SPIFF).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from simulator.base.metrics import METRICS

PAYROLL_KEYS = ("currency", "settlement", "clawback", "draw", "ramp", "spiffs")
"""The plan-level keys this module edits, in the order a plan file writes them."""
LINK_KEYS = ("gate", "multiplier")
SETTLEMENTS = ("period", "cumulative")
COMMON_CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD", "CHF", "JPY", "SEK", "NOK", "DKK",
                     "PLN", "INR", "SGD", "NZD", "BRL", "MXN", "ZAR", "CNY", "HKD")
"""The codes the editor offers first (any ISO 4217 code may be typed)."""
SPIFF_METRICS = tuple(name for name, metric in METRICS.items() if metric.kind == "count")
"""The metrics a SPIFF may pay on: counts, not levels (`spiff.Spiff`)."""
SPIFF_COLUMNS = ("name", "metric", "per_unit", "amount", "at", "from", "to")
RAMP_COLUMNS = ("month", "share")
CURVE_COLUMNS = ("attainment", "multiplier")
NEW_GATE_LEVEL = 0.8
"""The gate level (x the other measure's quota) the editor starts a new gate at."""
NEW_MULTIPLIER: tuple[tuple[float, float], ...] = ((0.8, 0.9), (1.2, 1.1))
"""The multiplier curve the editor starts a new multiplier with."""


@dataclass(frozen=True)
class Payroll:
    """A plan's payroll keys as the editor shows them."""

    currency: str | None  # ISO code, None: the plan states none
    settlement: str  # "period" | "cumulative"
    clawback: bool
    draw_amount: float | None  # currency per rep-period, None: no draw
    draw_recoverable: bool
    ramp: tuple[tuple[Any, Any], ...]  # rows of [month in post, quota share]
    spiffs: tuple[dict[str, Any], ...]  # rows with SPIFF_COLUMNS keys, dates as dt.date


@dataclass(frozen=True)
class Links:
    """A measure's gate and multiplier as the editor shows them (None: not set)."""

    gate_measure: str | None
    gate_at_least: float  # x the other measure's quota
    multiplier_measure: str | None
    multiplier_curve: tuple[tuple[Any, Any], ...]  # rows of [attainment, multiplier]


def _cell(value: Any) -> Any:
    """A table cell, None when empty (None, NaN, NaT, NA or blank text); else as it is."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if value != value:  # NaN and NaT are not equal to themselves
            return None
    except TypeError:  # pandas' NA, whose truth value is ambiguous
        return None
    except ValueError:
        return value
    return value


def _number(value: Any) -> Any:
    """A number cell as a float (an int when whole is wanted is `_month`'s job)."""
    value = _cell(value)
    if value is None or isinstance(value, bool):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return value  # text the validator names ("must be a valid number")


def _month(value: Any) -> Any:
    """A month cell as an int when it is a whole number, else as it is (validator names it)."""
    number = _number(value)
    if isinstance(number, float) and math.isfinite(number) and number.is_integer():
        return int(number)
    return number


def _date(value: Any) -> Any:
    """A date cell as ISO text (`2026-02-14`), as a plan file writes it."""
    value = _cell(value)
    if isinstance(value, dt.datetime):  # pandas' Timestamp too
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.date.fromisoformat(text[:10]).isoformat() if len(text) >= 10 else text
        except ValueError:
            return text
    return value


def _as_date(value: Any) -> dt.date | None:
    """A plan file's date (text or date) as a date for the editor's date column."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def payroll_fields(plan: Mapping[str, Any]) -> Payroll:
    """A plan-file mapping's payroll keys as the editor's fields (absent keys: defaults)."""
    draw = plan.get("draw")
    spiffs = tuple(
        {"name": s.get("name"), "metric": s.get("metric"), "per_unit": s.get("per_unit"),
         "amount": s.get("amount"), "at": s.get("at"), "from": _as_date(s.get("from")),
         "to": _as_date(s.get("to"))}
        for s in plan.get("spiffs", ()))
    return Payroll(
        currency=plan.get("currency"),
        settlement=plan.get("settlement", "period"),
        clawback=bool(plan.get("clawback", False)),
        draw_amount=None if draw is None else float(draw["amount"]),
        draw_recoverable=True if draw is None else bool(draw["recoverable"]),
        ramp=tuple((m, s) for m, s in plan.get("ramp", ())),
        spiffs=spiffs)


def ramp_rows(rows: Iterable[Sequence[Any]]) -> list[list[Any]]:
    """The editor's ramp table as a plan file's ramp: [month, quota share] per row.

    Rows left wholly empty are dropped; an empty cell stays None (the validator names it).
    """
    out = []
    for month, share in rows:
        row = [_month(month), _number(share)]
        if any(cell is not None for cell in row):
            out.append(row)
    return out


def curve_rows(rows: Iterable[Sequence[Any]]) -> list[list[Any]]:
    """The editor's multiplier table as a plan file's curve: [attainment, multiplier]."""
    out = []
    for row in rows:
        cells = [_number(cell) for cell in row]
        if any(cell is not None for cell in cells):
            out.append(cells)
    return out


def spiff_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The editor's SPIFF table as a plan file's spiffs, one mapping per filled row.

    An empty cell's key is left out, so the validator says what is missing ("to: missing
    required key", "the SPIFF pays nothing"); dates are written as ISO text.
    """
    out = []
    for row in rows:
        spiff: dict[str, Any] = {}
        for key in SPIFF_COLUMNS:
            value = row.get(key)
            if key in ("from", "to"):
                value = _date(value)
            elif key in ("per_unit", "amount", "at"):
                value = _number(value)
            else:
                value = _cell(value)
                value = value.strip() if isinstance(value, str) else value
            if value is not None:
                spiff[key] = value
        if spiff:
            out.append(spiff)
    return out


def payroll_keys(payroll: Payroll) -> dict[str, Any]:
    """The plan-file keys of the editor's fields: only those that say something.

    Settlement ``period``, no clawback, no draw, no ramp and no SPIFFs are a plan file's
    defaults and are left out, as `PlanSpec.to_yaml_dict` leaves them out. A clawback is
    written whatever the settlement (the validator says it needs ``cumulative``).
    """
    out: dict[str, Any] = {}
    if payroll.currency:
        out["currency"] = payroll.currency.strip()
    if payroll.settlement != "period":
        out["settlement"] = payroll.settlement
    if payroll.clawback:
        out["clawback"] = True
    if payroll.draw_amount is not None:
        out["draw"] = {"amount": float(payroll.draw_amount),
                       "recoverable": bool(payroll.draw_recoverable)}
    ramp = ramp_rows(payroll.ramp)
    if ramp:
        out["ramp"] = ramp
    spiffs = spiff_rows(payroll.spiffs)
    if spiffs:
        out["spiffs"] = spiffs
    return out


def with_payroll(plan: Mapping[str, Any], keys: Mapping[str, Any]) -> dict[str, Any]:
    """The plan mapping with its payroll keys replaced by `keys` (from `payroll_keys`)."""
    out = {k: v for k, v in plan.items() if k not in PAYROLL_KEYS}
    return out | dict(keys)


def link_fields(measure: Mapping[str, Any]) -> Links:
    """A measure's gate and multiplier as the editor's fields."""
    gate = measure.get("gate")
    multiplier = measure.get("multiplier")
    return Links(
        gate_measure=None if gate is None else gate["measure"],
        gate_at_least=NEW_GATE_LEVEL if gate is None else float(gate["at_least"]),
        multiplier_measure=None if multiplier is None else multiplier["measure"],
        multiplier_curve=tuple((x, y) for x, y in (
            NEW_MULTIPLIER if multiplier is None else multiplier["curve"])))


def link_keys(links: Links) -> dict[str, Any]:
    """A measure's `gate` and `multiplier` keys from the editor's fields (None: none)."""
    out: dict[str, Any] = {}
    if links.gate_measure:
        out["gate"] = {"measure": links.gate_measure,
                       "at_least": round(float(links.gate_at_least), 9)}
    if links.multiplier_measure:
        out["multiplier"] = {"measure": links.multiplier_measure,
                             "curve": curve_rows(links.multiplier_curve)}
    return out


def with_links(measure: Mapping[str, Any], keys: Mapping[str, Any]) -> dict[str, Any]:
    """The measure mapping with its gate and multiplier replaced by `keys` (`link_keys`)."""
    out = {k: v for k, v in measure.items() if k not in LINK_KEYS}
    return out | dict(keys)
