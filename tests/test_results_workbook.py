"""The finance-grade workbook (results.workbook): Summary first, labels, formats, safety."""

from __future__ import annotations

import io
from dataclasses import replace
from typing import Any

import openpyxl
import pytest
from conftest import PLANS_DIR

from simulator.plan.spec import load_plan
from simulator.results import workbook
from simulator.results.comparison import Comparison, compare

LABELS = ["Baseline", "=HYPERLINK(\"x\")"]


@pytest.fixture(scope="module")
def book(team: Any) -> Any:
    plans = [load_plan(PLANS_DIR / f) for f in ("baseline.yaml", "recommended.yaml")]
    run = compare(plans, team, n_trials=64, seed=5, model_draws=2, draw_trials=32
                  ).with_budget(4_000_000)
    return run, openpyxl.load_workbook(io.BytesIO(workbook.workbook_bytes([run], LABELS)))


def headers(ws: Any, row: int) -> dict[str, int]:
    return {c.value: c.column for c in ws[row] if c.value is not None}


def test_summary_comes_first_with_plain_labels_and_formats(book: Any) -> None:
    run, wb = book
    assert wb.sheetnames == ["Summary", "Comparison", "Measures", "Deciles", "Health",
                             "Settings"]
    ws = wb["Summary"]
    assert ws["A1"].value == "Plan comparison"
    cols = headers(ws, 4)
    assert "sales_mean" not in cols  # no code names
    sales = ws.cell(row=5, column=cols["Expected team sales / year"])
    assert sales.value == run.plans[0].sales.mean  # a number, unrounded in value
    assert sales.number_format.startswith('"$"#,##0')
    share = ws.cell(row=5, column=cols["Incentive cost of sales"])
    assert share.number_format == "0.0%"
    chance = ws.cell(row=6, column=cols["Chance a year's payout exceeds the budget"])
    assert chance.value == run.plans[1].budget.chance_above
    assert chance.number_format == "0.0%"
    assert ws.cell(row=6, column=cols["Expected overrun / year (mean of payout above budget)"]
                   ).value == pytest.approx(run.plans[1].budget.expected_overrun)
    # what each range covers is in the labels
    assert any("luck only" in label for label in cols)
    assert any("model range" in label for label in cols)
    assert ws.freeze_panes == "C5"
    assert ws.column_dimensions["C"].width >= 12


def test_summary_holds_the_settings_the_budget_and_what_ranges_cover(book: Any) -> None:
    run, wb = book
    ws = wb["Summary"]
    values = {r[0]: r[1] for r in ws.iter_rows(min_row=8, values_only=True) if r[0]}
    assert values["Simulated plan years"] == 64 and values["Seed"] == 5
    assert values["Incentive budget / year"] == 4_000_000
    assert values["Behaviour-model draws"] == 2
    budget_cell = next(c for c in ws["B"] if c.value == 4_000_000)
    assert budget_cell.number_format.startswith('"$"')
    text = " ".join(str(r[0]) for r in ws.iter_rows(values_only=True) if r[0])
    assert "covers luck only" in text and "Model range: P10-P90 over 2" in text
    assert "Expected overrun" in text


def test_text_cannot_start_a_formula_and_details_are_formatted(book: Any) -> None:
    _, wb = book
    assert wb["Summary"]["A6"].value == "'=HYPERLINK(\"x\")"
    assert wb["Comparison"]["A3"].value == "'=HYPERLINK(\"x\")"
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert not (isinstance(cell.value, str) and cell.value.startswith("="))
    deciles = wb["Deciles"]
    cols = headers(deciles, 1)
    assert deciles.cell(row=2, column=cols["Sales per rep / year"]).number_format.startswith(
        '"$"')
    assert deciles.freeze_panes == "B2"


def test_without_budget_or_draws_the_columns_are_left_out(team: Any) -> None:
    plans = [load_plan(PLANS_DIR / "baseline.yaml")]
    run: Comparison = compare(plans, team, n_trials=32, seed=1)
    wb = openpyxl.load_workbook(io.BytesIO(workbook.workbook_bytes([run], ["Baseline"])))
    cols = headers(wb["Summary"], 4)
    assert not any("budget" in c.lower() or "model range" in c for c in cols)
    text = " ".join(str(r[0]) for r in wb["Summary"].iter_rows(values_only=True) if r[0])
    assert "No behaviour-model draws" in text


def test_a_euro_comparison_is_formatted_in_euros(book: Any) -> None:
    """Every money cell of the workbook shows EUR before the number, none a dollar."""
    run, dollars = book
    euros = openpyxl.load_workbook(io.BytesIO(workbook.workbook_bytes(
        [replace(run, currency="EUR")], LABELS)))
    formats = {c.number_format for ws in euros.worksheets for row in ws.iter_rows()
               for c in row}
    assert '"EUR "#,##0;-"EUR "#,##0' in formats
    assert '+"EUR "#,##0;-"EUR "#,##0;"EUR "0' in formats
    assert not [f for f in formats if "$" in f]
    ws = euros["Summary"]
    cols = headers(ws, 4)
    assert ws.cell(row=5, column=cols["Expected team sales / year"]).number_format == (
        '"EUR "#,##0;-"EUR "#,##0')
    values = {r[0]: r[1] for r in ws.iter_rows(min_row=8, values_only=True) if r[0]}
    assert values["Currency"] == "EUR"
    assert next(c for c in ws["B"] if c.value == 4_000_000).number_format.startswith('"EUR "')
    assert ws["A2"].value.endswith("money is per plan year, in EUR")
    # the same cells, the same values: only the currency of their formats differs
    for a, b in zip(dollars.worksheets, euros.worksheets, strict=True):
        for ra, rb in zip(a.iter_rows(), b.iter_rows(), strict=True):
            for ca, cb in zip(ra, rb, strict=True):
                if ca.value != cb.value:
                    assert (ca.value, cb.value) in {("$", "EUR")} or (
                        cb.value == ca.value + ", in EUR"), (ca.coordinate, ca.value)
                assert cb.number_format == ca.number_format.replace('"$"', '"EUR "')
