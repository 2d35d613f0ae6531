"""A CRM history export (`rep_id,period,metric,actual[,quota]`) -> checked rep-period results.

The input of `simulator.calibrate`. As with the payout calculator's actuals, every row is
checked, every problem is reported with its line number, and nothing is fitted from a file
with any problem in it.

Format (docs/CALIBRATION.md): one row per rep, period and metric; periods are months
(``2025-03``) or quarters (``2025-Q1``), one granularity per file; metrics are those of the
team model (`simulator.metrics.METRICS`), ``revenue`` required; ``quota`` is optional (a
blank cell means no quota for that row). Extra columns are ignored.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from simulator.actuals import MAX_CSV_BYTES, MAX_PROBLEMS
from simulator.actuals import _number as parse_number
from simulator.errors import InputError, Problem
from simulator.metrics import METRICS

REQUIRED_COLUMNS = ("rep_id", "period", "metric", "actual")
OPTIONAL_COLUMNS = ("quota",)
Granularity = Literal["month", "quarter"]
MONTHS_PER_PERIOD: dict[str, int] = {"month": 1, "quarter": 3}
SEASONS: dict[str, int] = {"month": 12, "quarter": 4}
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

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

    @property
    def months_per_period(self) -> int:
        """Months in one period of the file: 1 or 3."""
        return MONTHS_PER_PERIOD[self.granularity]

    @property
    def n_seasons(self) -> int:
        """Seasons in a year at the file's granularity: 12 months or 4 quarters."""
        return SEASONS[self.granularity]

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
    text = text.removeprefix("\ufeff")  # a byte-order mark from Excel's "CSV UTF-8"
    if not text.strip():
        raise InputError.single(source, "", "file is empty")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _parse_rows(reader, source)
    except csv.Error as exc:
        raise InputError.single(
            source, f"line {reader.line_num}", f"not valid CSV: {exc}"
        ) from None


def _parse_rows(reader: Any, source: str) -> History:
    header = [h.strip().lower() for h in next(reader)]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InputError.single(
            source,
            "line 1",
            f"missing column(s): {', '.join(missing)} "
            f"(need {','.join(REQUIRED_COLUMNS)}, optionally quota)",
        )
    col = {name: header.index(name) for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
           if name in header}

    problems: list[Problem] = []
    records: list[tuple[str, str, int, int, str, float, float, int]] = []
    first_line: dict[tuple[str, int, str], int] = {}
    granularity: Granularity | None = None
    granularity_line = 0
    missing_lines: list[int] = []
    for line, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        where = f"line {line}"
        if len(record) < len(header) or any(cell.strip() for cell in record[len(header):]):
            hint = " (put numbers with commas in quotes)" if len(record) > len(header) else ""
            problems.append(
                Problem(where, f"has {len(record)} fields, the header has {len(header)}{hint}")
            )
            continue
        rep = record[col["rep_id"]].strip()
        period_text = record[col["period"]].strip()
        metric = record[col["metric"]].strip().lower()
        actual_text = record[col["actual"]]
        quota_text = record[col["quota"]] if "quota" in col else ""
        row_problems = []
        if not rep:
            row_problems.append("rep_id is empty")
        parsed = parse_period(period_text)
        if parsed is None:
            row_problems.append(
                f"period {period_text!r} is not a month like 2025-03 or a quarter like 2025-Q1"
            )
        elif granularity is None:
            granularity, granularity_line = parsed[0], line
        elif parsed[0] != granularity:
            row_problems.append(
                f"period {period_text!r} is a {parsed[0]}, but this file has {granularity}s "
                f"(from line {granularity_line}); use one granularity per file"
            )
        if metric not in METRICS:
            close = difflib.get_close_matches(metric, METRICS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            row_problems.append(
                f"unknown metric {metric!r}{hint}; known metrics: {', '.join(METRICS)}"
            )
        blank = actual_text.strip().lower() in MISSING
        actual = parse_number(actual_text)
        if blank:
            pass
        elif actual is None:
            row_problems.append(f"actual {actual_text!r} is not a number")
        elif actual < 0:
            row_problems.append(f"actual {actual:g} is negative")
        quota = float("nan")
        if quota_text.strip():
            parsed_quota = parse_number(quota_text)
            if parsed_quota is None:
                row_problems.append(f"quota {quota_text!r} is not a number")
            elif parsed_quota <= 0:
                row_problems.append(f"quota {parsed_quota:g} must be greater than 0")
            else:
                quota = parsed_quota
        if parsed is not None and rep:
            key = (rep, parsed[1], metric)
            if key in first_line:
                row_problems.append(
                    f"duplicate row for rep {rep!r}, period {period_text!r}, metric {metric!r} "
                    f"(first on line {first_line[key]})"
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
    if records and not problems and not any(r[4] == "revenue" for r in records):
        problems.append(
            Problem("", "no revenue rows: calibration needs the revenue metric "
                    "(rows with metric 'revenue')")
        )
    if problems:
        extra = len(problems) - MAX_PROBLEMS
        shown = problems[:MAX_PROBLEMS]
        if extra > 0:
            shown.append(Problem("", f"... and {extra} more problems"))
        raise InputError(source, shown)

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
    source = str(path)
    try:
        if Path(path).stat().st_size > MAX_CSV_BYTES:
            raise InputError.single(source, "", f"file is larger than {MAX_CSV_BYTES:,} bytes")
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError.single(source, "", "file not found") from None
    except IsADirectoryError:
        raise InputError.single(source, "", "is a directory, not a CSV file") from None
    except UnicodeDecodeError:
        raise InputError.single(source, "", "file is not UTF-8 text") from None
    except OSError as exc:
        raise InputError.single(source, "", f"cannot read file: {exc.strerror}") from None
    return parse_history(text, source)
