"""Real results from a CSV (`rep_id,period,measure,actual,quota`) -> payouts per rep-period.

Finance's calculator: every row is checked, every problem is reported with its line
number, and nothing is computed from a file with any problem in it.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulator.errors import InputError, Problem
from simulator.payout import PayoutCurve, attainment, measure_payouts, round_money
from simulator.spec import PlanSpec

COLUMNS = ("rep_id", "period", "measure", "actual", "quota")
MAX_PROBLEMS = 50
MAX_CSV_BYTES = 50_000_000


@dataclass(frozen=True)
class Actuals:
    """Results of rep-periods, one row per rep and period, one column per plan measure."""

    keys: list[tuple[str, str]]  # (rep_id, period), in the order they first appear
    actual: np.ndarray  # (n_rows, n_measures)
    quota: np.ndarray  # (n_rows, n_measures)


_NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d*)?(?:[eE][-+]?\d+)?", re.ASCII)


def _number(text: str) -> float | None:
    """A plain decimal number, thousands separated by commas or not; None for anything else.

    Stricter than `float`: "1,5" (a decimal comma) or "1,2,3" would otherwise silently be
    read as 15 or 123, and `float` also takes "1_000", "nan" and non-ASCII digits.
    """
    text = text.strip()
    if not text or not _NUMBER.fullmatch(text) or not any(c.isdigit() for c in text):
        return None
    if text.lstrip("+-").startswith(("e", "E")):
        return None
    value = float(text.replace(",", ""))
    return value if math.isfinite(value) else None


def parse_actuals(text: str, plan: PlanSpec, source: str = "<actuals>") -> Actuals:
    """Parse and check an actuals CSV against a plan; raise InputError listing every problem."""
    text = text.removeprefix("\ufeff")  # a byte-order mark from Excel's "CSV UTF-8"
    if not text.strip():
        raise InputError.single(source, "", "file is empty")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _parse_rows(reader, plan, source)
    except csv.Error as exc:
        where = f"line {reader.line_num}"
        raise InputError.single(source, where, f"not valid CSV: {exc}") from None


def _parse_rows(reader: Any, plan: PlanSpec, source: str) -> Actuals:
    header = [h.strip() for h in next(reader)]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError.single(
            source, "line 1", f"missing column(s): {', '.join(missing)} (need {','.join(COLUMNS)})"
        )
    col = {name: header.index(name) for name in COLUMNS}
    measure_index = {m.name: k for k, m in enumerate(plan.measures)}
    lower = {m.name for m in plan.measures if m.direction == "lower"}

    problems: list[Problem] = []
    rows: dict[tuple[str, str], dict[int, tuple[float, float]]] = {}
    first_line: dict[tuple[str, str, str], int] = {}
    row_line: dict[tuple[str, str], int] = {}  # first good row of each rep-period
    for line, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        where = f"line {line}"
        if len(record) < len(header) or any(cell.strip() for cell in record[len(header):]):
            # more fields than the header is most often an unquoted 1,000 shifting the columns
            hint = " (put numbers with commas in quotes)" if len(record) > len(header) else ""
            problems.append(
                Problem(where, f"has {len(record)} fields, the header has {len(header)}{hint}")
            )
            continue
        rep, period, name = (record[col[c]].strip() for c in ("rep_id", "period", "measure"))
        actual, quota = _number(record[col["actual"]]), _number(record[col["quota"]])
        row_problems = []
        if not rep:
            row_problems.append("rep_id is empty")
        if not period:
            row_problems.append("period is empty")
        if name not in measure_index:
            known = ", ".join(repr(n) for n in measure_index)
            row_problems.append(f"measure {name!r} is not in plan {plan.name!r} (it has {known})")
        if actual is None:
            row_problems.append(f"actual {record[col['actual']]!r} is not a number")
        elif actual < 0:
            row_problems.append(f"actual {actual:g} is negative")
        elif actual == 0 and name in lower:
            row_problems.append(f"actual is 0 for lower-is-better measure {name!r}")
        if quota is None:
            row_problems.append(f"quota {record[col['quota']]!r} is not a number")
        elif quota <= 0:
            row_problems.append(f"quota {quota:g} must be greater than 0")
        key = (rep, period, name)
        if key in first_line:
            row_problems.append(
                f"duplicate row for rep {rep!r}, period {period!r}, measure {name!r} "
                f"(first on line {first_line[key]})"
            )
        else:
            first_line[key] = line
        problems.extend(Problem(where, p) for p in row_problems)
        if not row_problems and actual is not None and quota is not None:
            rows.setdefault((rep, period), {})[measure_index[name]] = (actual, quota)
            row_line.setdefault((rep, period), line)

    if not first_line and not problems:
        problems.append(Problem("", "no data rows"))
    for (rep, period), by_measure in rows.items():
        for name, k in measure_index.items():
            if k not in by_measure and (rep, period, name) not in first_line:
                problems.append(
                    Problem(
                        f"line {row_line[rep, period]}",
                        f"rep {rep!r}, period {period!r} has no row for measure {name!r} "
                        "(every rep-period needs one row per plan measure)",
                    )
                )
    if problems:
        extra = len(problems) - MAX_PROBLEMS
        shown = problems[:MAX_PROBLEMS]
        if extra > 0:
            shown.append(Problem("", f"... and {extra} more problems"))
        raise InputError(source, shown)

    keys = list(rows)
    n_measures = len(plan.measures)
    actuals = np.array([[rows[key][k][0] for k in range(n_measures)] for key in keys])
    quotas = np.array([[rows[key][k][1] for k in range(n_measures)] for key in keys])
    return Actuals(keys=keys, actual=actuals.reshape(len(keys), n_measures),
                   quota=quotas.reshape(len(keys), n_measures))


def read_actuals(path: str | Path, plan: PlanSpec) -> Actuals:
    """Read an actuals CSV file; raise InputError naming the file and each bad row."""
    source = str(path)
    try:
        if Path(path).stat().st_size > MAX_CSV_BYTES:
            raise InputError.single(source, "", f"file is larger than {MAX_CSV_BYTES:,} bytes")
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError.single(source, "", "file not found") from None
    except UnicodeDecodeError:
        raise InputError.single(source, "", "file is not UTF-8 text") from None
    except OSError as exc:
        raise InputError.single(source, "", f"cannot read file: {exc.strerror}") from None
    return parse_actuals(text, plan, source)


def payout_table(plan: PlanSpec, actuals: Actuals) -> pd.DataFrame:
    """One row per rep and period: each measure's attainment and payout, and the total.

    Money is rounded to the cent (half away from zero) here, at the output, and only here.
    """
    att = np.column_stack(
        [
            attainment(actuals.actual[:, k], actuals.quota[:, k], m.direction)
            for k, m in enumerate(plan.measures)
        ]
    ) if actuals.keys else np.zeros((0, len(plan.measures)))
    curves = [PayoutCurve.from_measure(m) for m in plan.measures]
    pay = measure_payouts(plan, att, curves)
    table: dict[str, list[object]] = {
        "rep_id": [rep for rep, _ in actuals.keys],
        "period": [period for _, period in actuals.keys],
    }
    for k, m in enumerate(plan.measures):
        table[f"{m.name} attainment"] = [round(float(v), 10) for v in att[:, k]]
        table[f"{m.name} payout"] = [round_money(float(v)) for v in pay[:, k]]
    table["total_incentive"] = [round_money(float(v)) for v in pay.sum(axis=1)]
    return pd.DataFrame(table)
