"""The finance-grade workbook of a comparison: a Summary sheet first, then the detail sheets.

What finance opens: plain labels instead of code names, currency and percent number
formats, column widths, a frozen header, the settings and the budget on the first sheet,
and every interval labelled with what it covers ("luck only": the 95% interval of the
simulated years; "model range": P10-P90 over the behaviour-model draws). Numbers stay
numbers, rounded by their format and never in value; text that a spreadsheet would run as
a formula is neutralised (`export.safe_cell`); NaN cells are left empty.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from simulator.results import charts, tables
from simulator.results.comparison import Comparison
from simulator.results.export import safe_cell

MONEY = charts.excel_money(None)
"""Money of plans that state no currency (or USD): "$"#,##0; others: `charts.excel_money`."""
SIGNED_MONEY = charts.excel_money(None, signed=True)
SHARE = "0.0%"
NUMBER = "0.00"
COUNT = "#,##0"
WIDTHS = {"money": 15, "signed": 15, "share": 12, "number": 10, "count": 10, "text": 14}
HEADER_FILL = PatternFill("solid", fgColor="E6E9EF")
BOLD = Font(bold=True)
FORMATS = {"money": MONEY, "signed": SIGNED_MONEY, "share": SHARE, "number": NUMBER,
           "count": COUNT, "text": "@"}


def formats(currency: str | None) -> dict[str, str]:
    """The number format of each kind of column, money in the plans' currency."""
    return {**FORMATS, "money": charts.excel_money(currency),
            "signed": charts.excel_money(currency, signed=True)}


@dataclass(frozen=True)
class Column:
    """A column of a sheet: the frame's key, the label finance reads, its kind of number."""

    key: str
    label: str
    kind: str = "text"  # money, signed (a difference), share, number, count, text


LUCK = "95% CI, luck only"
MODEL = "model range"

COMPARISON_COLUMNS = [
    Column("plan", "Plan"),
    Column("behaviour", "Rep behaviour"),
    Column("sales_mean", "Expected team sales / year", "money"),
    Column("sales_p5", "Sales, P5 of years", "money"),
    Column("sales_p95", "Sales, P95 of years", "money"),
    Column("payout_mean", "Expected incentive payout / year", "money"),
    Column("payout_p50", "Payout, P50 of years", "money"),
    Column("payout_p90", "Payout, P90 of years", "money"),
    Column("payout_p95", "Payout, P95 of years", "money"),
    Column("incentive_cost_of_sales", "Incentive cost of sales", "share"),
    Column("total_cost_of_sales", "Total cost of sales (base + incentive)", "share"),
    Column("share_at_or_above_quota", "Rep-periods at or above quota", "share"),
    Column("sales_diff_vs_first", "Sales vs reference", "signed"),
    Column("sales_diff_ci95_low", f"Sales vs reference, from ({LUCK})", "signed"),
    Column("sales_diff_ci95_high", f"Sales vs reference, to ({LUCK})", "signed"),
    Column("payout_diff_vs_first", "Payout vs reference", "signed"),
    Column("payout_diff_ci95_low", f"Payout vs reference, from ({LUCK})", "signed"),
    Column("payout_diff_ci95_high", f"Payout vs reference, to ({LUCK})", "signed"),
    Column("sales_mean_model_p10", f"Expected sales, {MODEL} P10", "money"),
    Column("sales_mean_model_p90", f"Expected sales, {MODEL} P90", "money"),
    Column("sales_diff_model_p10", f"Sales vs reference, {MODEL} P10", "signed"),
    Column("sales_diff_model_p90", f"Sales vs reference, {MODEL} P90", "signed"),
    Column("sales_diff_same_sign_share", "Sales difference: sign holds in share of draws",
           "share"),
    Column("payout_mean_model_p10", f"Expected payout, {MODEL} P10", "money"),
    Column("payout_mean_model_p90", f"Expected payout, {MODEL} P90", "money"),
    Column("payout_diff_model_p10", f"Payout vs reference, {MODEL} P10", "signed"),
    Column("payout_diff_model_p90", f"Payout vs reference, {MODEL} P90", "signed"),
    Column("payout_diff_same_sign_share", "Payout difference: sign holds in share of draws",
           "share"),
    Column("budget", "Incentive budget / year", "money"),
    Column("chance_payout_above_budget", "Chance a year's payout exceeds the budget", "share"),
    Column("chance_payout_above_budget_model",
           "Chance payout exceeds the budget, across behaviour-model draws", "share"),
    Column("expected_overrun", "Expected overrun / year (mean of payout above budget)",
           "money"),
    Column("expected_overrun_model", "Expected overrun / year, across behaviour-model draws",
           "money"),
    Column("effort_mean", "Mean effort (1 = normal)", "number"),
    Column("gave_up_share", "Rep-periods given up", "share"),
    Column("capped_share", "Rep-periods at a cap", "share"),
    Column("deferred_sales_share", "Sales pushed to a later period", "share"),
    Column("file", "Plan file"),
]
SUMMARY_KEYS = [
    "plan", "behaviour", "sales_mean", "payout_mean", "payout_p90", "incentive_cost_of_sales",
    "share_at_or_above_quota", "budget", "chance_payout_above_budget",
    "chance_payout_above_budget_model", "expected_overrun", "expected_overrun_model",
    "sales_diff_vs_first", "sales_diff_ci95_low", "sales_diff_ci95_high",
    "sales_diff_model_p10", "sales_diff_model_p90", "sales_diff_same_sign_share",
    "payout_diff_vs_first", "payout_diff_ci95_low", "payout_diff_ci95_high",
    "sales_mean_model_p10", "sales_mean_model_p90", "payout_mean_model_p10",
    "payout_mean_model_p90",
]
MEASURE_COLUMNS = [
    Column("plan", "Plan"), Column("behaviour", "Rep behaviour"), Column("measure", "Measure"),
    Column("metric", "Metric"), Column("weight", "Weight", "share"),
    Column("attainment_mean", "Mean attainment (% of quota)", "share"),
    Column("payout_mean", "Team payout / year", "money"),
    Column("attention", "Reps"),
]
DECILE_COLUMNS = [
    Column("plan", "Plan"), Column("behaviour", "Rep behaviour"),
    Column("decile", "Productivity decile (1 = least)", "count"),
    Column("sales_mean", "Sales per rep / year", "money"),
    Column("payout_mean", "Incentive per rep / year", "money"),
    Column("effort_mean", "Mean effort (1 = normal)", "number"),
]
HEALTH_COLUMNS = [
    Column("plan", "Plan"), Column("status", "Status"), Column("rule", "Rule"),
    Column("measure", "Measure"), Column("message", "Finding"),
    Column("value", "Value", "number"), Column("practice", "Rule of practice"),
]


def cell_value(value: Any) -> Any:
    """A value as a cell holds it: numbers as numbers (NaN empty), text neutralised."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return None if math.isnan(value) or math.isinf(value) else value
    if hasattr(value, "item"):  # numpy scalars
        return cell_value(value.item())
    return safe_cell(str(value))


def write_table(ws: Worksheet, frame: pd.DataFrame, columns: Sequence[Column], row: int = 1,
                freeze: str | None = None, currency: str | None = None) -> int:
    """A frame as a formatted table from `row`: header, rows, formats, widths.

    Columns missing from the frame are left out; money is in `currency` (None: "$").
    Returns the next free row.
    """
    kinds = formats(currency)
    present = [c for c in columns if c.key in frame.columns]
    for j, column in enumerate(present, start=1):
        cell = ws.cell(row=row, column=j, value=safe_cell(column.label))
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        letter = get_column_letter(j)
        width = WIDTHS[column.kind]
        if column.kind == "text":
            longest = max((len(str(v)) for v in frame[column.key] if v is not None), default=0)
            width = max(width, min(60, longest + 2))
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0,
                                                 width)
    ws.row_dimensions[row].height = 48
    for i, record in enumerate(frame.to_dict("records"), start=row + 1):
        for j, column in enumerate(present, start=1):
            cell = ws.cell(row=i, column=j, value=cell_value(record[column.key]))
            if column.kind != "text":
                cell.number_format = kinds[column.kind]
    if freeze:
        ws.freeze_panes = freeze
    return row + len(frame) + 1


def settings_rows(runs: Sequence[Comparison]) -> list[tuple[str, Any, str]]:
    """The settings as (label, value, number format) rows."""
    first = runs[0]
    rows: list[tuple[str, Any, str]] = [
        ("Team", first.team, "@"),
        ("Reps", first.reps, COUNT),
        ("Simulated plan years", first.trials, COUNT),
        ("Seed", first.seed, "0"),
        ("Rep behaviour", ", ".join(run.behavior for run in runs), "@"),
        ("Normal effort", first.normal_effort, "@"),
        ("Behaviour-model draws", first.draws or 0, COUNT),
    ]
    if first.draws:
        rows.append(("Plan years per behaviour-model draw", first.draw_trials, COUNT))
    rows.append(("Incentive budget / year", first.budget, charts.excel_money(first.currency))
                if first.budget is not None else ("Incentive budget / year", "none given", "@"))
    rows.append(("Currency", first.currency or charts.CURRENCY, "@"))
    return rows


def coverage_lines(run: Comparison) -> list[str]:
    """What each kind of range covers, in words, for the Summary sheet."""
    lines = [
        "Years vary with each rep's luck and the market's shocks: P5, P50, P90 and P95 are "
        "of the simulated years.",
        f"{LUCK}: the 95% interval of a difference from the reference plan over the same "
        "simulated years (common random numbers); it covers luck only, not the behaviour "
        "model.",
    ]
    if run.draws:
        lines.append(
            f"Model range: P10-P90 over {run.draws} sets of behaviour parameters spread over "
            f"their plausible ranges ({run.draw_trials:,} plan years each): how much an answer "
            "rests on the behaviour model. A difference is robust when its sign holds in at "
            "least 90% of draws.")
    else:
        lines.append("No behaviour-model draws: every figure rests on the team's own behaviour "
                     "parameters (no model range).")
    if run.budget is not None:
        lines.append(
            "Chance to exceed the budget: the share of simulated years whose team incentive "
            "payout is above it (with the team's parameters; and across all years of all "
            "behaviour-model draws). Expected overrun: the mean over years of the payout "
            "above the budget, a year within budget counting zero.")
    return lines


def summary_sheet(ws: Worksheet, runs: Sequence[Comparison], frame: pd.DataFrame) -> None:
    """The first sheet: title, headline table (frozen header), settings, what ranges cover."""
    first = runs[0]
    ws.title = "Summary"
    ws["A1"] = "Plan comparison"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = safe_cell(f"{first.team}, {first.reps} reps · {first.trials:,} simulated plan "
                         f"years · seed {first.seed} · the first plan is the reference; money "
                         "is per plan year" + (f", in {first.currency}" if first.currency else ""))
    by_key = {c.key: c for c in COMPARISON_COLUMNS}
    columns = [by_key[k] for k in SUMMARY_KEYS]
    row = write_table(ws, frame, columns, row=4, freeze="C5", currency=first.currency) + 1
    ws.cell(row=row, column=1, value="Settings").font = BOLD
    for label, value, fmt in settings_rows(runs):
        row += 1
        ws.cell(row=row, column=1, value=label)
        cell = ws.cell(row=row, column=2, value=cell_value(value))
        cell.number_format = fmt
        cell.alignment = Alignment(horizontal="left")
    row += 2
    ws.cell(row=row, column=1, value="What the figures cover").font = BOLD
    for line in coverage_lines(first):
        row += 1
        ws.cell(row=row, column=1, value=safe_cell(line))
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width or 0, 24)


def workbook_bytes(runs: Sequence[Comparison], labels: Sequence[str]) -> bytes:
    """The workbook of the runs (one per behaviour mode) as .xlsx bytes.

    Sheets: Summary, Comparison (every headline column), Measures, Deciles, Health,
    Settings (setting/value, for machines).
    """
    rows = tables.result_rows(runs, labels)
    frame = tables.comparison_frame(runs, labels)
    book = Workbook()
    summary_sheet(book.active, runs, frame)
    details = [
        ("Comparison", frame, COMPARISON_COLUMNS),
        ("Measures", charts.measure_frame(rows), MEASURE_COLUMNS),
        ("Deciles", charts.decile_frame(rows), DECILE_COLUMNS),
        ("Health", tables.health_frame(runs, labels), HEALTH_COLUMNS),
    ]
    for name, table, columns in details:
        write_table(book.create_sheet(name), table, columns, freeze="B2",
                    currency=runs[0].currency)
    ws = book.create_sheet("Settings")
    settings = tables.settings_frame(runs)
    write_table(ws, settings, [Column("setting", "setting"), Column("value", "value")])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
