"""Reading user CSV files the same strict way everywhere (actuals, history).

Every problem is collected with its line number; a file with any problem raises one
`InputError` listing them (at most MAX_PROBLEMS), so nothing is computed from it.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from simulator.base.errors import InputError, Problem
from simulator.base.files import read_text_file

MAX_CSV_BYTES = 50_000_000
MAX_PROBLEMS = 50

_NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d*)?(?:[eE][-+]?\d+)?", re.ASCII)


def parse_number(text: str) -> float | None:
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


def read_text(path: str | Path) -> str:
    """A CSV file's text; InputError naming the file when it cannot be read."""
    return read_text_file(path, MAX_CSV_BYTES)


class CsvRows:
    """The data rows of a CSV text, checked for shape; problems collect in `problems`.

    Iterate to get `(line, cells)` for every non-blank row with as many fields as the
    header, where `cells` maps each known column present to its text. Rows of the wrong
    shape become problems instead.
    """

    def __init__(
        self,
        text: str,
        source: str,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
        lowercase_header: bool = False,
        need: str = "",
    ):
        self.source = source
        self.problems: list[Problem] = []
        text = text.removeprefix("\ufeff")  # a byte-order mark from Excel's "CSV UTF-8"
        if not text.strip():
            raise InputError.single(source, "", "file is empty")
        self._reader = csv.reader(io.StringIO(text, newline=""))
        with self._csv_errors():
            header = [h.strip() for h in next(self._reader)]
        if lowercase_header:
            header = [h.lower() for h in header]
        missing = [c for c in required if c not in header]
        if missing:
            hint = ""
            if len(header) == 1 and any(sep in header[0] for sep in ";\t"):
                hint = "; the file seems to separate columns with ';' or tabs, not commas"
            raise InputError.single(
                source,
                "line 1",
                f"missing column(s): {', '.join(missing)} "
                f"(need {need or ','.join(required)}){hint}",
            )
        self._width = len(header)
        self._columns = {name: header.index(name) for name in (*required, *optional)
                         if name in header}

    @contextmanager
    def _csv_errors(self) -> Iterator[None]:
        """Turn the csv module's errors (a huge field, a stray quote) into a line-numbered one."""
        try:
            yield
        except csv.Error as error:
            where = f"line {self._reader.line_num}"
            raise InputError.single(self.source, where, f"not valid CSV: {error}") from None

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        with self._csv_errors():
            for line, record in enumerate(self._reader, start=2):
                if not any(cell.strip() for cell in record):
                    continue
                if len(record) < self._width or any(c.strip() for c in record[self._width:]):
                    # more fields than the header is most often an unquoted 1,000
                    extra = len(record) > self._width
                    hint = " (put numbers with commas in quotes)" if extra else ""
                    self.problems.append(
                        Problem(
                            f"line {line}",
                            f"has {len(record)} fields, the header has {self._width}{hint}",
                        )
                    )
                    continue
                yield line, {name: record[i] for name, i in self._columns.items()}

    def raise_if_problems(self) -> None:
        """Raise one InputError listing the problems (at most MAX_PROBLEMS), if any."""
        if self.problems:
            shown = self.problems[:MAX_PROBLEMS]
            extra = len(self.problems) - MAX_PROBLEMS
            if extra > 0:
                shown.append(Problem("", f"... and {extra} more problems"))
            raise InputError(self.source, shown)

