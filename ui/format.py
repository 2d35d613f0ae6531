"""Numbers and text as the page shows them: money, intervals, percentage points, markdown.

Pure functions (no streamlit), so the cards, notes and captions read the same everywhere.
"""

from __future__ import annotations

import re

from simulator.results.charts import CURRENCY
from simulator.results.report import money
from simulator.results.summary import Difference


def cash(value: float, signed: bool = False) -> str:
    """Money as the cards show it: $36.01M, -$250.0k (signed: +$1.2M)."""
    sign = "-" if value < 0 else ("+" if signed else "")
    return f"{sign}{CURRENCY}{money(abs(value))}"


def cash_interval(low: float, high: float) -> str:
    """A 95% interval in money, with as many decimals as it takes to tell its ends apart."""
    scale = max(abs(low), abs(high))
    unit, div = ("M", 1e6) if scale >= 1e6 else ("k", 1e3) if scale >= 1e4 else ("", 1.0)
    for decimals in range(1 if unit else 0, 5):
        ends = [f"{'-' if v < 0 else '+'}{CURRENCY}{abs(v) / div:,.{decimals}f}{unit}"
                for v in (low, high)]
        if ends[0] != ends[1]:
            break
    return f"95% CI {ends[0]} to {ends[1]}"


def half_width(difference: Difference) -> str:
    """A paired difference's 95% interval as its half-width: "± $4,100 (95% CI)"."""
    return f"± {cash((difference.ci95_high - difference.ci95_low) / 2)} (95% CI)"


def points(value: float) -> str:
    """A difference of two shares in percentage points."""
    return f"{value * 100:+.1f} pp"


def md(text: str) -> str:
    """Text shown literally inside Streamlit markdown (no stray emphasis, LaTeX or links)."""
    return re.sub(r"([\\`*_\[\]$<>#~|])", r"\\\1", text)


def problem_list(error: Exception | str) -> str:
    """The validator's message as a markdown list, one problem a line."""
    lines = [line.replace("`", "'") for line in str(error).splitlines() if line.strip()]
    return "\n".join(f"- `{line}`" for line in lines)


def slug(text: str) -> str:
    """A file-name-safe version of a plan name."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "plan"
