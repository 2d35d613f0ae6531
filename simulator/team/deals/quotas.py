"""A quota file per rep and period (`rep_id,period,quota[,metric|measure]`) for deal exports.

Periods are months (2025-03), quarters (2025-Q1) or years (2025). Without a metric or
measure column every quota is a revenue quota.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from simulator.base.csvfile import CsvRows, text_problem
from simulator.base.errors import InputError, Problem
from simulator.base.limits import MAX_QUOTA, MIN_QUOTA
from simulator.base.validation import normal_name, shorten, show_number
from simulator.team.deals.cells import CellError, parse_amount
from simulator.team.deals.columns import Mapping, find_columns, header_of

_YEAR = re.compile(r"(\d{4})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_QUARTER = re.compile(r"(\d{4})-[Qq]([1-4])")


def parse_label(text: str) -> tuple[str, int] | None:
    """``2025-03`` -> ("month", months since year 0); ``2025-Q1`` quarter; ``2025`` year."""
    text = text.strip()
    if (m := _MONTH.fullmatch(text)) and 1 <= int(m[2]) <= 12:
        return "month", int(m[1]) * 12 + int(m[2]) - 1
    if m := _QUARTER.fullmatch(text):
        return "quarter", int(m[1]) * 4 + int(m[2]) - 1
    if m := _YEAR.fullmatch(text):
        return "year", int(m[1])
    return None


def label_of(granularity: str, index: int) -> str:
    """The label of a period index: ``2025-03``, ``2025-Q1`` or ``2025``."""
    if granularity == "month":
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    if granularity == "quarter":
        return f"{index // 4:04d}-Q{index % 4 + 1}"
    return f"{index:04d}"


@dataclass(frozen=True)
class QuotaRow:
    """One quota: rep, period (granularity and index), what it is for, amount, line."""

    rep: str
    granularity: str
    index: int
    target: str  # a metric name, a measure name (`by` says which) or "revenue"
    by: str  # "metric" or "measure"
    quota: float
    line: int


def parse_quotas(text: str, source: str, mapping: Mapping) -> tuple[QuotaRow, ...]:
    """Read a quota file; InputError listing every problem with its line."""
    found, missing = find_columns(header_of(text), "quotas", mapping)
    if missing:
        raise InputError(source, [Problem("line 1", m) for m in missing])
    table = CsvRows(text, source, tuple(found.values()))
    problems = table.problems
    by = "measure" if "measure" in found else "metric"
    rows: list[QuotaRow] = []
    seen: dict[tuple[str, int, str], int] = {}
    kind: str | None = None
    for line, cells in table:
        cell = {role: cells[name] for role, name in found.items()}
        row = [p for role in ("rep", "period", "metric", "measure") if role in cell
               and (p := text_problem(found[role], cell[role])) is not None]
        rep = normal_name(cell["rep"])
        if not rep:
            row.append(f"{found['rep']} is empty")
        period = parse_label(cell["period"])
        if period is None:
            row.append(f"period {shorten(cell['period'].strip())!r} is not a month (2025-03), a "
                       "quarter (2025-Q1) or a year (2025)")
        elif kind is None:
            kind = period[0]
        elif period[0] != kind:
            row.append(f"period {cell['period'].strip()!r} is a {period[0]}, but this file has "
                       f"{kind}s; use one granularity per file")
        target = normal_name(cell.get(by, "")) or "revenue"
        if by == "metric":
            target = target.lower()
        quota = None
        try:
            quota = parse_amount(cell["quota"])
            if not MIN_QUOTA <= quota <= MAX_QUOTA:
                row.append(f"quota {quota:g} must be at least {show_number(MIN_QUOTA)} and at "
                           f"most {show_number(MAX_QUOTA)}")
        except CellError as error:
            row.append(f"quota {error}")
        if period is not None and rep:
            key = (rep, period[1], target)
            if key in seen:
                row.append(f"duplicate quota for {shorten(rep)!r} in {cell['period'].strip()} "
                           f"(first on line {seen[key]})")
            seen[key] = seen.get(key, line)
        problems.extend(Problem(f"line {line}", p) for p in row)
        if not row and period is not None and quota is not None:
            rows.append(QuotaRow(rep, period[0], period[1], target, by, quota, line))
    if not rows and not problems:
        problems.append(Problem("", "no data rows"))
    table.raise_if_problems()
    return tuple(rows)
