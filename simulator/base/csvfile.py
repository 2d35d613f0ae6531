"""Reading user CSV files the same strict way everywhere (actuals, history).

Every problem is collected with its line number; a file with any problem raises one
`InputError` listing them (at most MAX_PROBLEMS), so nothing is computed from it. Line
numbers are the file's physical lines, as an editor shows them: a row is named by the
line it starts on, and a quoted cell holding line breaks counts every line it spans.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from simulator.base.errors import MAX_PROBLEMS, InputError, Problem, ProblemList, is_control
from simulator.base.files import read_text_file
from simulator.base.limits import MAX_CSV_BYTES
from simulator.base.validation import normal_name

__all__ = ["MAX_CSV_BYTES", "MAX_PROBLEMS", "CsvRows", "parse_number", "read_text",
           "text_problem"]

# a mantissa with digits (thousands grouped by commas, the first group not 0, or not
# grouped), an optional fraction, an optional exponent; ASCII digits only
_NUMBER = re.compile(
    r"[-+]?(?:(?:[1-9]\d{0,2}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?", re.ASCII)


def parse_number(text: str) -> float | None:
    """A plain decimal number, thousands separated by commas or not; None for anything else.

    Stricter than `float`: "1,5" or "0,250" (decimal commas) or "1,2,3" would otherwise
    silently be read as 15, 250 or 123, and `float` also takes "1_000", "nan" and
    non-ASCII digits. A number too large for a float (1e400) is None too.
    """
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    value = float(text.replace(",", ""))
    return value if math.isfinite(value) else None


def text_problem(column: str, value: str) -> str | None:
    """The problem of a text cell that holds a control character (None when it has none).

    Cells are echoed in messages and written to stdout; an escape code must not reach a
    terminal.
    """
    bad = next((c for c in value if is_control(c)), None)
    if bad is None:
        return None
    return f"{column} contains a control character ({bad!r})"


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
        self.problems = ProblemList()
        text = text.removeprefix("\ufeff")  # a byte-order mark from Excel's "CSV UTF-8"
        if not text.strip():
            raise InputError.single(source, "", "file is empty")
        self._reader = csv.reader(io.StringIO(text, newline=""))
        with self._csv_errors():
            raw_header = next(self._reader)
        header = [normal_name(h) for h in raw_header]
        if lowercase_header:
            header = [h.lower() for h in header]
        self._header_lines = self._reader.line_num
        missing = [c for c in required if c not in header]
        if missing:
            hint = ""
            if len(raw_header) == 1 and any(sep in raw_header[0] for sep in ";\t"):
                hint = "; the file seems to separate columns with ';' or tabs, not commas"
            raise InputError.single(
                source,
                "line 1",
                f"missing column(s): {', '.join(missing)} "
                f"(need {need or ','.join(required)}){hint}",
            )
        twice = [c for c in (*required, *optional) if header.count(c) > 1]
        if twice:
            raise InputError.single(
                source, "line 1",
                "; ".join(f"column {c!r} appears {header.count(c)} times in the header"
                          for c in twice) + " (keep one)")
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
            end = self._header_lines  # the physical line the last record ended on
            for record in self._reader:
                line, end = end + 1, self._reader.line_num
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
            raise InputError(self.source, self.problems, self.problems.more)

