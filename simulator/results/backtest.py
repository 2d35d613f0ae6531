"""Backtest: last year's real results paid under each plan, side by side.

Every plan pays the same actuals CSV through the exact calculator (`plan.statement`,
with its payroll mechanics); rows of measures a plan does not have are skipped for it.
Per plan: the total paid, the spread of pay per rep over the file, and against the
first plan the reps who gain and lose. A replay keeps what reps sold: it cannot see
that they would sell otherwise under another plan (the simulation shows that).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from simulator.plan.actuals import Actuals, parse_actuals
from simulator.plan.currency import same_currency
from simulator.plan.spec import PlanSpec
from simulator.plan.statement import statement


@dataclass(frozen=True)
class BacktestPlan:
    """One plan's pay of the file: totals per rep and against the first plan."""

    name: str
    total: Decimal
    per_rep: dict[str, Decimal]  # rep -> paid over the file
    p10: float
    p50: float
    p90: float
    gainers: int  # reps paid more than under the first plan (0 for the first)
    losers: int
    biggest_gain: tuple[str, Decimal] | None
    biggest_loss: tuple[str, Decimal] | None


@dataclass(frozen=True)
class Backtest:
    """Each plan's pay of one actuals file, in the order given (the first is the reference)."""

    plans: tuple[BacktestPlan, ...]
    currency: str | None

    def to_frame(self) -> pd.DataFrame:
        """One row per rep, one column of pay per plan (currency over the file)."""
        reps = list(self.plans[0].per_rep)
        return pd.DataFrame({"rep_id": reps, **{
            p.name: [p.per_rep.get(rep, Decimal("0.00")) for rep in reps] for p in self.plans}})


def backtest(text: str, plans: Sequence[PlanSpec], source: str = "<actuals>",
             files: Sequence[str] | None = None) -> Backtest:
    """Pay an actuals CSV's text under every plan; InputError for a bad file or plan set."""
    return backtest_of(lambda plan, others: parse_actuals(text, plan, source, others), plans,
                       files)


def backtest_of(actuals_of: Callable[[PlanSpec, frozenset[str]], Actuals],
                plans: Sequence[PlanSpec], files: Sequence[str] | None = None) -> Backtest:
    """Pay each plan's actuals (`actuals_of(plan, the other plans' measure names)`)."""
    currency = same_currency(plans, files if files else [p.name for p in plans])
    names = [{m.name.casefold() for m in p.measures} | {s.name.casefold() for s in p.spiffs}
             for p in plans]
    per_plan = []
    for plan, own in zip(plans, names, strict=True):
        actuals = actuals_of(plan, frozenset(set().union(*names) - own))
        table = statement(plan, actuals)
        column = "paid" if "paid" in table else "total_incentive"
        per_rep: dict[str, Decimal] = {}
        for rep, amount in zip(table["rep_id"], table[column], strict=True):
            per_rep[rep] = per_rep.get(rep, Decimal("0.00")) + amount
        per_plan.append((plan.name, per_rep))
    first = per_plan[0][1]
    out = []
    for name, per_rep in per_plan:
        values = np.array([float(v) for v in per_rep.values()])
        diffs = {rep: per_rep.get(rep, Decimal(0)) - first.get(rep, Decimal(0))
                 for rep in set(per_rep) | set(first)}
        gain = max(diffs.items(), key=lambda kv: (kv[1], kv[0]), default=None)
        loss = min(diffs.items(), key=lambda kv: (kv[1], kv[0]), default=None)
        p10, p50, p90 = np.quantile(values, [0.1, 0.5, 0.9]) if values.size else (0, 0, 0)
        out.append(BacktestPlan(
            name, sum(per_rep.values(), Decimal("0.00")), per_rep, float(p10), float(p50),
            float(p90), sum(d > 0 for d in diffs.values()), sum(d < 0 for d in diffs.values()),
            gain if gain is not None and gain[1] > 0 else None,
            loss if loss is not None and loss[1] < 0 else None))
    return Backtest(tuple(out), currency)


def backtest_text(result: Backtest) -> str:
    """The side-by-side table and the winners and losers, in words."""
    unit = f" ({result.currency})" if result.currency else ""
    first = result.plans[0]
    lines = [f"{'':<34}" + "".join(f"{p.name[:22]:>24}" for p in result.plans)]

    def row(label: str, cells: list[str]) -> None:
        lines.append(f"{label:<34}" + "".join(f"{c:>24}" for c in cells))

    row(f"paid over the file{unit}", [f"{p.total:,.2f}" for p in result.plans])
    row("  vs first", [f"{p.total - first.total:+,.2f}" for p in result.plans])
    row("per rep P10 / P50 / P90", [f"{p.p10:,.0f} / {p.p50:,.0f} / {p.p90:,.0f}"
                                    for p in result.plans])
    row("reps paid more / less than first", [f"{p.gainers} / {p.losers}" for p in result.plans])
    lines.append("")
    for p in result.plans[1:]:
        words = []
        if p.biggest_gain:
            words.append(f"{p.biggest_gain[0]} gains most ({p.biggest_gain[1]:+,.2f})")
        if p.biggest_loss:
            words.append(f"{p.biggest_loss[0]} loses most ({p.biggest_loss[1]:+,.2f})")
        lines.append(f"{p.name}: " + ("; ".join(words) if words else "every rep is paid the "
                                      "same as under " + first.name))
    lines.append("A replay keeps what reps sold; `compare` shows how they would sell "
                 "differently under each plan.")
    return "\n".join(lines)
