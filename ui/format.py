"""Numbers and text as the page shows them: money, intervals, percentage points, markdown.

Pure functions (no streamlit), so the cards, notes and captions read the same everywhere.
"""

from __future__ import annotations

import re
from decimal import Decimal

from simulator.results.charts import money_prefix
from simulator.results.report import money
from simulator.results.summary import Difference
from simulator.results.uncertainty import DifferenceSpread


def symbol(currency: str | None = None) -> str:
    """What goes before an amount: "$" for USD or an unstated currency, else "EUR "."""
    return money_prefix(currency)


def cash(value: float, signed: bool = False, currency: str | None = None) -> str:
    """Money as the cards show it: $36.01M, -$250.0k (signed: +$1.2M), EUR 36.01M."""
    sign = "-" if value < 0 else ("+" if signed else "")
    return f"{sign}{symbol(currency)}{money(abs(value))}"


def cents(value: float | Decimal, signed: bool = False, currency: str | None = None) -> str:
    """Money to the cent, as a statement shows it: $48,750.00, -EUR 7,500.00."""
    sign = "-" if value < 0 else ("+" if signed else "")
    return f"{sign}{symbol(currency)}{abs(value):,.2f}"


def cash_interval(low: float, high: float, currency: str | None = None) -> str:
    """A 95% interval in money, with as many decimals as it takes to tell its ends apart."""
    scale = max(abs(low), abs(high))
    unit, div = ("M", 1e6) if scale >= 1e6 else ("k", 1e3) if scale >= 1e4 else ("", 1.0)
    for decimals in range(1 if unit else 0, 5):
        ends = [f"{'-' if v < 0 else '+'}{symbol(currency)}{abs(v) / div:,.{decimals}f}{unit}"
                for v in (low, high)]
        if ends[0] != ends[1]:
            break
    return f"95% CI {ends[0]} to {ends[1]}"


def half_width(difference: Difference, currency: str | None = None) -> str:
    """A paired difference's 95% interval as its half-width: "± $4,100 (95% CI, luck only)".

    The interval covers the luck of the simulated years only, and says so.
    """
    spread = (difference.ci95_high - difference.ci95_low) / 2
    return f"± {cash(spread, False, currency)} (95% CI, luck only)"


def model_span(low: float, high: float, signed: bool = False,
               currency: str | None = None) -> str:
    """A model range in money: "Model range $34.0M to $35.3M"."""
    return f"Model range {cash(low, signed, currency)} to {cash(high, signed, currency)}"


def robustness(spread: DifferenceSpread, headline: float, up: str, down: str,
               draws: int) -> str:
    """Whether a difference holds across the behaviour-model draws, as a markdown line.

    headline: the difference itself (its sign is the claim); up, down: the claim in words
    for a positive and a negative difference, e.g. "sells more" and "sells less".
    """
    share = spread.same_sign_share
    if share is None:
        return ""
    direction = up if headline > 0 else down
    held = round(share * draws)
    if spread.robust:
        return (f":green-badge[Robust] {direction} in {held} of {draws} behaviour-model draws")
    return (f":orange-badge[Fragile] {direction} in only {held} of {draws} behaviour-model "
            "draws: the answer rests on the model")


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
