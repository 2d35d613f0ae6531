"""A plan's currency on every page: cards, charts, tables, presentation, downloads (#11).

The real app.py with one plan that states `currency: EUR` (plans/capped.yaml with the
line added): no amount may show the dollar the app assumes for plans that state none.
"""

from __future__ import annotations

import io
import json
from typing import Any

import openpyxl
from pptx import Presentation
from streamlit.testing.v1 import AppTest
from test_app import ROOT, download, downloads, open_tab, start  # noqa: F401

EUR = "EUR\u00a0"  # the code, then a space that does not break
EXAMPLE = ROOT / "plans" / "examples" / "actuals_baseline.csv"
HISTORY = ROOT / "plans" / "examples" / "sample_history.csv"



def euro_plan() -> bytes:
    text = (ROOT / "plans" / "capped.yaml").read_text(encoding="utf-8")
    return text.replace("name: Capped, low quota", "name: Euro plan").replace(
        "period: quarter", "currency: EUR\nperiod: quarter").encode()


def specs(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def walk(node: Any) -> list[dict[str, Any]]:
    """Every mapping inside a chart spec (encodings, axes, tooltips)."""
    if isinstance(node, dict):
        return [node, *(m for v in node.values() for m in walk(v))]
    if isinstance(node, list):
        return [m for v in node for m in walk(v)]
    return []


def test_a_euro_plan_shows_euros_in_cards_charts_and_tables() -> None:
    at = start(plan_files=[], model_draws=0, trials=100, behaviour="static",
               budget=4_000_000.0, page_tab="Backtest")
    at.file_uploader(key="plan_uploads").set_value(("euro.yaml", euro_plan(), "text/yaml"))
    at.file_uploader(key="backtest_upload").set_value(
        ("actuals_baseline.csv", EXAMPLE.read_bytes(), "text/csv"))
    at.run()
    assert not at.exception and not at.error, (at.exception, [e.value for e in at.error])

    budget = at.number_input(key="budget")
    assert (budget.label, budget.value) == ("Incentive budget per year (EUR)", 4_000_000.0)
    money_cards = [m for m in at.metric if "/ year" in m.label]
    assert money_cards and all(m.value.startswith(EUR) for m in money_cards)
    assert "Chance a year's incentive payout exceeds EUR\u00a04.00M" in " ".join(
        m.value for m in at.markdown)

    # the editor's preview shows the plan the editor starts from (Activity KPIs: no currency)
    charts = [c for c in specs(at) if "The edited plan" not in json.dumps(c.get("title"))]
    titles = json.dumps(charts)
    for title in ("Team sales per plan year (EUR)", "Team incentive payout per plan year (EUR)",
                  "Sales per rep per year (EUR)", "Team bookings per week (EUR)",
                  "Incentive per rep per year (EUR)", "From (EUR)", "Sales per rep (EUR)",
                  "Team payout per year (EUR)",
                  "Paid per rep over the file (EUR)"):
        assert title in titles, title
    formats = [m["format"] for m in walk(charts) if isinstance(m.get("format"), str)]
    assert ",.3~s" in formats and ",.0f" in formats
    assert not [f for f in formats if "$" in f]  # no amount in dollars anywhere
    assert "($)" not in titles

    table = next(d for d in at.dataframe if "plan" in d.value.columns)
    config = json.loads(table.proto.columns)
    assert config["payout_mean"]["label"] == "Payout, mean (EUR M)"
    assert config["sales_p95"]["label"] == "Sales P95 (EUR M)"

    # the Backtest tab: Euro plan pays 41,250 (R004 capped at 1.5 x 15,000)
    assert [m.value for m in at.metric if m.label == "Euro plan"] == [f"{EUR}41,250.00"]
    summary = next(d.value for d in at.dataframe if "Reps paid more" in d.value.columns)
    assert list(summary["Paid over the file (EUR)"]) == [41_250.0]

    # the Plans tab names the currency in the pay line
    open_tab(at, "Plans")
    assert any(f"base {EUR}90.0k, target incentive {EUR}60.0k" in c.value
               for c in at.caption)


def test_a_euro_plan_in_the_presentation_view_the_workbook_and_the_deck(
        downloads: dict[str, Any]) -> None:  # noqa: F811
    at = start(plan_files=[], model_draws=0, trials=100, behaviour="static",
               budget=4_000_000.0)
    at.file_uploader(key="plan_uploads").set_value(("euro.yaml", euro_plan(), "text/yaml"))
    at.run()
    assert not at.exception and not at.error, (at.exception, [e.value for e in at.error])

    book = openpyxl.load_workbook(io.BytesIO(download(at, downloads, "table_xlsx")))
    formats = {c.number_format for ws in book.worksheets for row in ws.iter_rows()
               for c in row}
    assert '"EUR "#,##0;-"EUR "#,##0' in formats and not [f for f in formats if "$" in f]
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["Currency"] == "EUR"

    deck = Presentation(io.BytesIO(download(at, downloads, "deck_pptx")))
    words = [p.text for s in deck.slides for shape in s.shapes if shape.has_text_frame
             for p in shape.text_frame.paragraphs]
    words += [c.text for s in deck.slides for shape in s.shapes if shape.has_table
              for row in shape.table.rows for c in row.cells]
    assert "The budget: EUR\u00a04.00M a year" in words
    assert any(w.startswith(f"Euro plan (the reference) sells {EUR}") for w in words)
    assert [w for w in words if "$" in w] == []

    at.toggle(key="present").set_value(True).run()
    assert not at.exception and not at.error
    text = "\n".join(m.value for m in at.markdown)
    assert f"within a {EUR}4.00M incentive budget" in text
    assert f"Euro plan (the reference) sells {EUR}" in text
    assert f"| **Euro plan** | {EUR}" in text
    assert "$" not in text  # md() would have written a dollar as \$


def test_a_history_earned_under_a_euro_plan_is_fitted_in_euros() -> None:
    """The Team tab's estimates name the plan's currency once the plan is chosen."""
    at = start(plan_files=[], model_draws=0, trials=100, behaviour="static", page_tab="Team")
    at.file_uploader(key="plan_uploads").set_value(("euro.yaml", euro_plan(), "text/yaml"))
    at.file_uploader(key="history_upload").set_value(
        ("sample_history.csv", HISTORY.read_bytes(), "text/csv"))
    at.run()

    def revenue() -> str:
        estimates = next(d.value for d in at.dataframe if "Estimate" in d.value.columns)
        return str(estimates.set_index("Estimate").loc[
            "Revenue per rep-month (average rep and month)", "Value"])

    assert revenue().startswith("$")  # the plan it was earned under is not known
    at.selectbox(key="history_plan").set_value("upload: euro.yaml").run()
    assert not at.exception and not at.error, (at.exception, [e.value for e in at.error])
    assert revenue().startswith(EUR) and revenue()[len(EUR):][0].isdigit()
