"""The payout calculator's statement: earnings, then what payroll pays (`plan.payroll`).

Without payroll mechanics (period settlement, no draw, no adjustments) the statement is
`actuals.payout_table` as it always was. With them it adds, per rep-period, `ytd_earned`
(cumulative settlement), `settled`, the draw's `draw_topup`, `draw_recovered` and
`draw_balance`, and `paid`; adjustment lines follow their rep-period's row with
`adjustment`, `reason` and `paid` (rep-periods without results come last, in file order).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pandas as pd

from simulator.plan.actuals import Actuals, payout_table, year_to_date
from simulator.plan.payroll import Adjustment, round_money, run_ledger
from simulator.plan.spec import PlanSpec
from simulator.plan.spiff import spiff_pay


def statement(plan: PlanSpec, actuals: Actuals,
              adjustments: Sequence[Adjustment] = ()) -> pd.DataFrame:
    """One row per rep-period (and per adjustment): earnings and, with payroll, what is paid."""
    table = payout_table(plan, actuals)
    if not plan.has_payroll and not adjustments:
        return table
    reps = [rep for rep, _ in actuals.keys]
    earned: list[Decimal] = list(table["total_incentive"])
    ytd = ([round_money(float(v)) for v in year_to_date(plan, actuals)]
           if plan.settlement == "cumulative" else None)
    ledger = run_ledger(reps, earned, ytd, plan.clawback, plan.draw)
    if ytd is not None:
        table["ytd_earned"] = [row.ytd_earned for row in ledger]
    table["settled"] = [row.settled for row in ledger]
    if plan.draw is not None:
        table["draw_topup"] = [row.draw_topup for row in ledger]
        table["draw_recovered"] = [row.draw_recovered for row in ledger]
        table["draw_balance"] = [row.draw_balance for row in ledger]
    paid = [row.paid for row in ledger]
    for spiff in plan.spiffs:  # on top of the incentive, never against the draw
        rows_of = [(r.rep_id, r.period, r.value) for r in actuals.spiff_rows
                   if r.spiff == spiff.name]
        spiff_by_key = spiff_pay(spiff, rows_of)
        column = [round_money(float(spiff_by_key.get(key, 0))) for key in actuals.keys]
        table[f"{spiff.name} spiff"] = column
        paid = [p + c for p, c in zip(paid, column, strict=True)]
    table["paid"] = paid
    if not adjustments:
        return table
    table["adjustment"] = None
    table["reason"] = None
    by_key: dict[tuple[str, str], list[Adjustment]] = {}
    for a in adjustments:
        by_key.setdefault((a.rep_id, a.period), []).append(a)
    rows: list[dict[str, object]] = []
    for record, key in zip(table.to_dict("records"), actuals.keys, strict=True):
        rows.append(record)
        rows += [_adjustment_row(a, table.columns) for a in by_key.pop(key, [])]
    for lines in by_key.values():
        rows += [_adjustment_row(a, table.columns) for a in lines]
    return pd.DataFrame(rows, columns=table.columns)


def _adjustment_row(a: Adjustment, columns: pd.Index) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(columns)
    row.update(rep_id=a.rep_id, period=a.period, adjustment=a.amount, reason=a.reason,
               paid=a.amount)
    if "currency" in columns:
        row["currency"] = None
    return row
