"""What finance pays after the plan's earnings: year-to-date true-ups, draws, adjustments.

The payout calculator first computes each rep-period's earnings (`PlanPayout.settle`),
then runs each rep's periods in the order they first appear in the actuals CSV (one plan
year per file) through a ledger kept in exact cents (README, "Payroll mechanics"):

1. **Settlement.** ``settlement: period`` (default) pays each period's earnings.
   ``settlement: cumulative`` pays the year-to-date earnings (the plan applied to the
   year-to-date actuals and quotas, target pay and commission caps for the periods so
   far) minus what was already settled: a true-up. A negative difference is carried
   (nothing is paid and later periods must first earn it back), or, with
   ``clawback: true``, paid as a negative amount.
2. **Draw** (``draw: {amount, recoverable}``, per period): a period settled below the
   draw is topped up to it. A recoverable draw's top-ups are a balance the rep owes,
   repaid from later periods' settlements above the draw (never below it); a balance
   still owed after the file's last period is reported in ``draw_balance``, not taken.
   A non-recoverable draw (a guarantee) is never repaid.
3. **Adjustments** (``payout --adjustments FILE``): manual lines per rep-period, negative
   allowed (a clawback of a cancelled deal), each on its own row after the rep-period's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import Strict

from simulator.base.csvfile import CsvRows, parse_number, read_text, text_problem
from simulator.base.errors import Problem
from simulator.base.limits import MAX_MONEY
from simulator.base.validation import Frozen, Money, shorten, show_number

ZERO = Decimal("0.00")


def round_money(value: float) -> Decimal:
    """Round to the cent, half away from zero (ignoring float noise below 1e-6).

    Any finite amount: the context holds the 309 digits of the largest float and its cents.
    """
    with localcontext() as context:
        context.prec = 320
        return Decimal(f"{value:.6f}").quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class Draw(Frozen):
    """A draw against incentive pay per period: an amount, recoverable or not."""

    amount: Money
    recoverable: Annotated[bool, Strict()]


@dataclass(frozen=True)
class LedgerRow:
    """One rep-period through the ledger, in cents."""

    ytd_earned: Decimal | None  # cumulative settlement only
    settled: Decimal  # earnings due this period (after the true-up)
    draw_topup: Decimal
    draw_recovered: Decimal
    draw_balance: Decimal
    paid: Decimal  # settled + top-up - recovered


def run_ledger(
    reps: list[str],
    earned: list[Decimal],
    ytd: list[Decimal] | None,
    clawback: bool,
    draw: Draw | None,
) -> list[LedgerRow]:
    """Each row's settlement, draw and pay; rows are rep-periods in file order.

    reps: each row's rep; earned: each row's period earnings, in cents; ytd: each row's
    year-to-date earnings for its rep (None: period settlement).
    """
    settled_so_far: dict[str, Decimal] = {}
    balance: dict[str, Decimal] = {}
    amount = None if draw is None else Decimal(f"{draw.amount:.2f}")
    recoverable = draw is not None and draw.recoverable
    out = []
    for i, rep in enumerate(reps):
        ytd_earned = None if ytd is None else ytd[i]
        step = ledger_step(earned[i], ytd_earned, settled_so_far.get(rep, ZERO),
                           balance.get(rep, ZERO), clawback, amount, recoverable)
        settled_so_far[rep], balance[rep] = step.settled_so_far, step.owed
        out.append(LedgerRow(ytd_earned, step.settled, step.topup, step.recovered, step.owed,
                             step.paid))
    return out


Amount = Any
"""Money in the ledger: one rep's exact Decimal, or a numpy array of many reps' floats."""


@dataclass(frozen=True)
class LedgerStep:
    """One period of the ledger: what is settled, the draw's lines, the running sums."""

    settled: Amount  # earnings due this period (after the true-up)
    settled_so_far: Amount  # settled in the year so far, this period included
    topup: Amount
    recovered: Amount
    owed: Amount  # the draw balance after the period
    paid: Amount  # settled + top-up - recovered


def ledger_step(earned: Amount, ytd: Amount | None, settled_before: Amount, owed: Amount,
                clawback: bool, draw_amount: Amount | float | None,
                recoverable: bool) -> LedgerStep:
    """The ledger's one rule for a period, for one rep or for many at once.

    The calculator runs it per rep in exact Decimal cents (`run_ledger`); the simulation
    for every trial and rep at once on numpy arrays (`model.payroll_sim`).

    earned: the period's earnings; ytd: the year-to-date earnings (None: period
    settlement); settled_before: settled earlier in the year; owed: the draw balance before
    the period; draw_amount: the draw per period (None: no draw). Written with arithmetic
    and numpy's element-wise maximum/minimum only, so both kinds of amount take it.
    """
    zero = earned * 0
    if ytd is None:
        settled = earned
    else:
        due = ytd - settled_before
        settled = due if clawback else np.maximum(due, zero)
    topup = recovered = zero
    if draw_amount is not None:
        topup = np.maximum(draw_amount - settled, zero)  # up to the draw
        if recoverable:  # repaid from pay above the draw, never taking pay below it
            recovered = np.minimum(owed, np.maximum(settled - draw_amount, zero))
            owed = owed + topup - recovered
    return LedgerStep(settled, settled_before + settled, topup, recovered, owed,
                      settled + topup - recovered)


@dataclass(frozen=True)
class Adjustment:
    """A manual line: an amount for a rep-period, with its reason."""

    rep_id: str
    period: str
    amount: Decimal
    reason: str


def parse_adjustments(text: str, source: str = "<adjustments>") -> list[Adjustment]:
    """An adjustments CSV (`rep_id,period,amount[,reason]`); InputError lists every problem."""
    table = CsvRows(text, source, ("rep_id", "period", "amount"), ("reason",))
    out = []
    for line, cells in table:
        rep, period = cells["rep_id"].strip(), cells["period"].strip()
        reason = cells.get("reason", "").strip()
        problems = [p for column in ("rep_id", "period", "reason")
                    if (p := text_problem(column, cells.get(column, ""))) is not None]
        if not rep:
            problems.append("rep_id is empty")
        if not period:
            problems.append("period is empty")
        amount = parse_number(cells["amount"])
        if amount is None:
            problems.append(f"amount {shorten(cells['amount'])!r} is not a number")
        elif abs(amount) > MAX_MONEY:
            problems.append(f"amount {amount:g} must be between -{show_number(MAX_MONEY)} and "
                            f"{show_number(MAX_MONEY)}")
        table.problems.extend(Problem(f"line {line}", p) for p in problems)
        if not problems and amount is not None:
            out.append(Adjustment(rep, period, round_money(amount), reason))
    if not out and not table.problems:
        table.problems.append(Problem("", "no data rows"))
    table.raise_if_problems()
    return out


def read_adjustments(path: str | Path) -> list[Adjustment]:
    """Read an adjustments CSV file; InputError naming the file and each bad row."""
    return parse_adjustments(read_text(path), str(path))
