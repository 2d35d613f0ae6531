"""Words for a sweep and an optimiser's search: the CLI's tables and the tornado in text."""

from __future__ import annotations

import numpy as np

from simulator.plan.levers import LeverValue
from simulator.results.optimize import Optimum, Point
from simulator.results.report import comparison_table, money, percent
from simulator.results.sweep import Sweep

BAR_WIDTH = 30
"""Characters of the tornado's longest half bar."""
MAX_FRONTIER_ROWS = 15
"""Frontier rows in the text report."""


def _value(value: LeverValue) -> str:
    return "none" if value is None else f"{value:g}"


def _in(currency: str | None) -> str:
    """Where amounts are named: ", amounts in EUR" when the plan states its currency."""
    return f", amounts in {currency}" if currency else ""


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(header)]
    line = "  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True))
    out = [line, "-" * len(line)]
    out += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return out


def sweep_text(result: Sweep) -> str:
    """The sweep's points as a table and each lever's swing as a text tornado."""
    lines = [f"Sweep of {result.plan} ({result.mode}): {result.team}, {result.reps} reps, "
             f"{result.trials:,} plan years, seed {result.seed}, {result.behavior}; "
             "figures per plan year" + _in(result.currency) + ", differences from the plan as "
             "it is (95% luck interval)"]
    header = [lever.path for lever in result.levers] + [
        "sales", "pay P50", "pay P90", "cost of sales", "at quota", "gave up", "capped",
        "sales vs plan"]
    if result.budget is not None:
        header.append("P(pay > budget)")
    rows = []
    for p in result.points:
        d = p.sales_diff
        row = [_value(v) for v in p.values] + [
            money(p.sales_mean), money(p.payout_p50), money(p.payout_p90),
            percent(p.incentive_cost_of_sales, 2), percent(p.share_at_or_above_quota),
            percent(p.gave_up_share), percent(p.capped_share),
            f"{'+' if d.mean >= 0 else ''}{money(d.mean)} [{money(d.ci95_low)}, "
            f"{money(d.ci95_high)}]"]
        if p.chance_above_budget is not None:
            row.append(percent(p.chance_above_budget))
        rows.append(row)
    lines += _table(header, rows)
    lines += ["", "Tornado: expected sales at each lever's ends, the others at the plan's "
              f"values (plan: {money(result.start.sales_mean)})"]
    scale = max([abs(b.sales_low - result.start.sales_mean) for b in result.tornado]
                + [abs(b.sales_high - result.start.sales_mean) for b in result.tornado]
                + [1.0])
    width = max(len(b.label) for b in result.tornado) if result.tornado else 0
    for b in result.tornado:
        low = round(BAR_WIDTH * abs(b.sales_low - result.start.sales_mean) / scale)
        high = round(BAR_WIDTH * abs(b.sales_high - result.start.sales_mean) / scale)
        lines.append(f"  {b.label.ljust(width)}  {_value(b.low):>6} {money(b.sales_low):>8} "
                     f"{'#' * low:>{BAR_WIDTH}}|{'#' * high:<{BAR_WIDTH}} "
                     f"{money(b.sales_high):<8} {_value(b.high)}  "
                     f"(swing {money(b.sales_swing)})")
    return "\n".join(lines)


def _point_row(p: Point) -> list[str]:
    share = "" if p.draws_within_budget is None else percent(p.draws_within_budget)
    return [", ".join(_value(v) for v in p.values), money(p.sales_mean), money(p.payout_mean),
            money(p.payout_p90), "yes" if p.within_budget else "no", share]


def optimum_text(result: Optimum) -> str:
    """The search's outcome: the frontier, the chosen levers and the comparison."""
    lines = [f"Optimised {result.plan}: objective {result.objective}, P90 payout within "
             f"{money(result.budget)}, {result.method} search, {result.evaluations} plans "
             "simulated on the same reps and luck" + _in(result.comparison.currency), ""]
    header = [", ".join(lever.path for lever in result.levers), "sales", "pay mean",
              "pay P90", "in budget", "draws in budget"]
    shown = list(result.frontier)
    if len(shown) > MAX_FRONTIER_ROWS:  # evenly spread, both ends kept (JSON has them all)
        picks = np.linspace(0, len(shown) - 1, MAX_FRONTIER_ROWS).round().astype(int)
        shown = [shown[i] for i in dict.fromkeys(picks.tolist())]
    lines.append(f"Frontier (no simulated plan sells more for a lower P90 payout; "
                 f"{len(shown)} of {len(result.frontier)}):")
    lines += _table(header, [_point_row(p) for p in shown])
    lines += ["", "Chosen:"]
    for lever in result.levers:
        lines.append(f"  {lever.label}: {_value(lever.start)} -> {_value(lever.best)} "
                     f"(searched {lever.low:g} to {lever.high:g})")
    if result.best == result.start:
        lines.append("  nothing beat the plan as it is within the budget")
    if not result.best.within_budget:
        lines.append("  NO simulated plan keeps P90 payout within the budget: the one "
                     "closest to it is shown")
    lines += ["", comparison_table(result.comparison)]
    return "\n".join(lines)
