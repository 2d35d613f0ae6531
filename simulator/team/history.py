"""A CRM history export (`rep_id,period,metric,actual[,quota]`) -> checked rep-period results.

The input of `simulator.team.calibrate`. As with the payout calculator's actuals, every row is
checked, every problem is reported with its line number, and nothing is fitted from a file
with any problem in it.

Format (docs/CALIBRATION.md): one row per rep, period and metric; periods are months
(``2025-03``) or quarters (``2025-Q1``), one granularity per file; metrics are those of the
team model (`simulator.base.metrics.METRICS`), ``revenue`` required; ``quota`` is optional (a
blank cell means no quota for that row). Extra columns are ignored.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from simulator.base.calendar import SEASON_NAMES, months_per_period
from simulator.base.csvfile import CsvRows, parse_number, read_text, text_problem
from simulator.base.errors import Problem
from simulator.base.limits import MAX_ACTUAL, MAX_QUOTA, MAX_REPS, MIN_QUOTA
from simulator.base.metrics import METRICS
from simulator.base.validation import normal_name, shorten, show_number

REQUIRED_COLUMNS = ("rep_id", "period", "metric", "actual")
OPTIONAL_COLUMNS = ("quota",)
Granularity = Literal["month", "quarter"]

MISSING = ("", "na", "n/a", "nan", "null", "none")
"""Actual cells that mean "no result for this period" (the row is skipped, and counted)."""
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_QUARTER = re.compile(r"(\d{4})-[Qq](\d)")


@dataclass(frozen=True)
class History:
    """Checked results of rep-periods, one row per rep, period and metric.

    `rows` columns: rep_id (str), period (label as written, normalised: ``2025-03`` or
    ``2025-Q1``), index (int: months or quarters since year 0, for ordering and gaps),
    season (int: 0-11 month of year or 0-3 quarter of year), metric (str), actual (float,
    >= 0), quota (float > 0, or NaN), line (int: line number in the file).
    """

    source: str
    granularity: Granularity
    rows: pd.DataFrame
    missing_lines: tuple[int, ...] = ()  # rows whose actual is blank or NA: no result
    deals: pd.DataFrame | None = None
    """From a deal export (`simulator.team.deals`): each rep's selling credits, one row
    each: rep_id, index, season (of the period), close (date), amount (currency), line."""
    notes: tuple[str, ...] = ()  # what reading the exports left out or assumed

    @property
    def months_per_period(self) -> int:
        """Months in one period of the file: 1 or 3."""
        return months_per_period(self.granularity)

    @property
    def n_seasons(self) -> int:
        """Seasons in a year at the file's granularity: 12 months or 4 quarters."""
        return len(SEASON_NAMES[self.granularity])

    @property
    def metrics(self) -> list[str]:
        """Metrics present in the file, in METRICS order."""
        present = set(self.rows["metric"])
        return [m for m in METRICS if m in present]

    @property
    def periods(self) -> list[str]:
        """Period labels present in the file, in time order."""
        ordered = self.rows.drop_duplicates("index").sort_values("index")
        return list(ordered["period"])

    def metric(self, name: str) -> pd.DataFrame:
        """Rows of one metric, in file order."""
        return self.rows[self.rows["metric"] == name].reset_index(drop=True)


def parse_period(text: str) -> tuple[Granularity, int, int] | None:
    """``2025-03`` -> ("month", index, season); ``2025-Q1`` -> ("quarter", ...); else None.

    index counts months (or quarters) since year 0; season is the month (0-11) or quarter
    (0-3) of the year.
    """
    text = text.strip()
    if match := _MONTH.fullmatch(text):
        year, month = int(match[1]), int(match[2])
        if 1900 <= year <= 2200 and 1 <= month <= 12:
            return "month", year * 12 + month - 1, month - 1
    elif match := _QUARTER.fullmatch(text):
        year, quarter = int(match[1]), int(match[2])
        if 1900 <= year <= 2200 and 1 <= quarter <= 4:
            return "quarter", year * 4 + quarter - 1, quarter - 1
    return None


def period_label(granularity: Granularity, index: int) -> str:
    """The canonical label of a period index: ``2025-03`` or ``2025-Q1``."""
    if granularity == "month":
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    return f"{index // 4:04d}-Q{index % 4 + 1}"


def parse_history(text: str, source: str = "<history>") -> History:
    """Parse and check a history CSV; raise InputError listing every problem."""
    table = CsvRows(text, source, REQUIRED_COLUMNS, OPTIONAL_COLUMNS, lowercase_header=True,
                    need=f"{','.join(REQUIRED_COLUMNS)}, optionally quota")
    problems = table.problems
    records: list[tuple[str, str, int, int, str, float, float, int]] = []
    first_line: dict[tuple[str, int, str], int] = {}
    granularity: Granularity | None = None
    granularity_line = 0
    missing_lines: list[int] = []
    for line, cells in table:
        where = f"line {line}"
        rep = normal_name(cells["rep_id"])
        period_text = cells["period"].strip()
        metric = normal_name(cells["metric"]).lower()
        actual_text = cells["actual"]
        quota_text = cells.get("quota", "")
        row_problems = [problem for column in ("rep_id", "period", "metric")
                        if (problem := text_problem(column, cells[column])) is not None]
        if not rep:
            row_problems.append("rep_id is empty")
        parsed = parse_period(period_text)
        if parsed is None:
            row_problems.append(
                f"period {shorten(period_text)!r} is not a month like 2025-03 or a quarter "
                "like 2025-Q1"
            )
        elif granularity is None:
            granularity, granularity_line = parsed[0], line
        elif parsed[0] != granularity:
            row_problems.append(
                f"period {period_text!r} is a {parsed[0]}, but this file has {granularity}s "
                f"(from line {granularity_line}); use one granularity per file"
            )
        if metric not in METRICS:
            close = difflib.get_close_matches(metric, METRICS, n=1) if len(metric) < 100 else []
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            row_problems.append(
                f"unknown metric {shorten(metric)!r}{hint}; known metrics: {', '.join(METRICS)}"
            )
        blank = actual_text.strip().lower() in MISSING
        actual = parse_number(actual_text)
        if blank:
            pass
        elif actual is None:
            row_problems.append(f"actual {shorten(actual_text)!r} is not a number")
        elif actual < 0:
            row_problems.append(f"actual {actual:g} is negative")
        elif actual > MAX_ACTUAL:
            row_problems.append(f"actual {actual:g} is larger than {MAX_ACTUAL:g}, the most a "
                                "result may be")
        quota = float("nan")
        if quota_text.strip():
            parsed_quota = parse_number(quota_text)
            if parsed_quota is None:
                row_problems.append(f"quota {shorten(quota_text)!r} is not a number")
            elif parsed_quota <= 0:
                row_problems.append(f"quota {parsed_quota:g} must be greater than 0")
            elif not MIN_QUOTA <= parsed_quota <= MAX_QUOTA:
                row_problems.append(f"quota {parsed_quota:g} must be at least "
                                    f"{show_number(MIN_QUOTA)} and at most "
                                    f"{show_number(MAX_QUOTA)}")
            else:
                quota = parsed_quota
        if parsed is not None and rep:
            key = (rep, parsed[1], metric)
            if key in first_line:
                row_problems.append(
                    f"duplicate row for rep {shorten(rep)!r}, period {period_text!r}, "
                    f"metric {metric!r} (first on line {first_line[key]})"
                )
            else:
                first_line[key] = line
        problems.extend(Problem(where, p) for p in row_problems)
        if blank and not row_problems:
            missing_lines.append(line)
        if not row_problems and parsed is not None and actual is not None:
            g, index, season = parsed
            label = period_label(g, index)
            records.append((rep, label, index, season, metric, actual, quota, line))

    if not records and not problems:
        problems.append(Problem("", "no data rows"))
    reps = len({r[0] for r in records})
    if reps > MAX_REPS:
        problems.append(Problem("", f"{reps:,} reps; a team has at most {MAX_REPS:,}"))
    if records and not problems and not any(r[4] == "revenue" for r in records):
        problems.append(
            Problem("", "no revenue rows: calibration needs the revenue metric "
                    "(rows with metric 'revenue')")
        )
    table.raise_if_problems()

    rows = pd.DataFrame.from_records(
        records,
        columns=["rep_id", "period", "index", "season", "metric", "actual", "quota", "line"],
    )
    rows["actual"] = rows["actual"].astype(np.float64)
    rows["quota"] = rows["quota"].astype(np.float64)
    return History(source=source, granularity=granularity or "month", rows=rows,
                   missing_lines=tuple(missing_lines))


def read_history(path: str | Path) -> History:
    """Read a history CSV file; raise InputError naming the file and each bad row."""
    return parse_history(read_text(path), str(path))
