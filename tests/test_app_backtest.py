"""The Backtest tab: an uploaded actuals CSV paid under each compared plan (issue #11).

The real app.py, driven headless. The example file plans/examples/actuals_baseline.csv
holds one quarter of five reps against a 180,000 quota (R005: 150,000):

rep    revenue     Baseline (15,000 at 100%)  Capped (cap 1.5x)  Commission (2/5/23%, cap 25k)
R001   180,000     1.0 x 15,000 = 15,000      15,000             2% x 90k + 5% x 90k = 6,300
R002   89,999.99   below 50% threshold: 0     0                  2% x 89,999.99 = 1,800.00
R003   90,000      0.25 x 15,000 = 3,750      3,750              2% x 90,000 = 1,800
R004   270,000     2.0 x 15,000 = 30,000      1.5 x 15k = 22,500 6,300 + 23% x 90k -> cap 25,000
R005   0           0                          0                  0
total              48,750                     41,250             34,900
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from test_app import ROOT, download, downloads, start

__all__ = ["downloads"]  # the fixture, used by name

EXAMPLE = ROOT / "plans" / "examples" / "actuals_baseline.csv"
PLANS = ["baseline.yaml", "capped.yaml", "commission.yaml"]



def begin(plans: list[str] = PLANS) -> AppTest:
    return start(plan_files=plans, model_draws=0, trials=100, behaviour="static",
                 page_tab="Backtest")


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="backtest_upload").set_value((name, data, "text/csv"))
    at.run()
    assert not at.exception, at.exception
    return at


def cards(at: AppTest) -> dict[str, tuple[str, str]]:
    """The backtest's cards: plan -> (total, change vs first)."""
    plans = {"Baseline", "Capped, low quota", "Commission"}
    return {m.label: (m.value, m.delta) for m in at.metric if m.label in plans}


def results_cards(at: AppTest) -> list[Any]:
    return [m.value for m in at.metric if "/ year" in m.label]


def test_the_example_actuals_are_paid_under_each_plan_side_by_side(
        downloads: dict[str, Any]) -> None:
    at = begin()
    assert any("Upload an actuals CSV" in i.value for i in at.info)
    upload(at, "actuals_baseline.csv", EXAMPLE.read_bytes())
    assert not at.error
    assert cards(at) == {"Baseline": ("$48,750.00", ""),
                         "Capped, low quota": ("$41,250.00", "-$7,500.00 vs first"),
                         "Commission": ("$34,900.00", "-$13,850.00 vs first")}

    summary = next(d.value for d in at.dataframe if "Reps paid more" in d.value.columns)
    assert list(summary["Plan"]) == ["Baseline", "Capped, low quota", "Commission"]
    assert list(summary["Paid over the file (USD)"]) == [48_750.0, 41_250.0, 34_900.0]
    assert list(summary["Reps paid more"]) == [0, 0, 1]  # Commission: R002
    assert list(summary["Reps paid less"]) == [0, 1, 3]  # R004; R001, R003, R004
    assert list(summary["Per rep P10 / P50 / P90 (USD)"]) == [  # as the CLI prints it
        "0 / 3,750 / 24,000", "0 / 3,750 / 19,500", "720 / 1,800 / 17,520"]
    words = " ".join(m.value for m in at.markdown)
    assert ("**Capped, low quota** against **Baseline**: 0 of 5 reps paid more, 1 less, 4 "
            "the same; R004 loses most (-$7,500.00).") in words
    assert ("**Commission** against **Baseline**: 1 of 5 reps paid more, 3 less, 1 the "
            "same; R002 gains most (+$1,800.00); R001 loses most (-$8,700.00).") in words

    # winners and losers per rep: pay under the first plan, the change under the others
    changes = next(d.value for d in at.dataframe if "Commission vs Baseline" in d.value.columns)
    assert changes.values.tolist() == [  # sorted by the change under the second plan
        ["R001", 15_000.0, 0.0, -8_700.0], ["R002", 0.0, 0.0, 1_800.0],
        ["R003", 3_750.0, 0.0, -1_950.0], ["R005", 0.0, 0.0, 0.0],
        ["R004", 30_000.0, -7_500.0, -5_000.0]]

    # the chart: a dot per plan and rep
    chart = next(c for c in at.get("vega_lite_chart")
                 if "each rep is paid" in c.proto.spec)
    assert "Paid per rep over the file (USD)" in chart.proto.spec

    per_rep = pd.read_csv(io.BytesIO(download(at, downloads, "backtest_csv")),
                          dtype={"rep_id": str})
    assert list(per_rep.columns) == ["rep_id", "Baseline", "Capped, low quota", "Commission",
                                     "Capped, low quota vs Baseline",
                                     "Commission vs Baseline"]
    by_rep = per_rep.set_index("rep_id")
    assert by_rep.loc["R004"].tolist() == [30_000.0, 22_500.0, 25_000.0, -7_500.0, -5_000.0]
    assert by_rep.loc["R002"].tolist() == [0.0, 0.0, 1_800.0, 0.0, 1_800.0]
    assert by_rep["Commission"].sum() == pytest.approx(34_900.0, abs=1e-9)


def test_the_csv_is_formula_safe(downloads: dict[str, Any]) -> None:
    """A rep id that would start a formula in a spreadsheet is written after a quote."""
    at = begin(["baseline.yaml"])
    text = ("rep_id,period,measure,actual,quota\n"
            "=1+1,2026-Q1,New revenue,180000,180000\n")
    upload(at, "evil.csv", text.encode())
    assert cards(at) == {"Baseline": ("$15,000.00", "")}
    data = download(at, downloads, "backtest_csv").decode()
    assert data.splitlines() == ["rep_id,Baseline", "'=1+1,15000.00"]


def test_a_bad_actuals_file_is_refused_inline_and_nothing_else_is_lost() -> None:
    at = begin()
    before = results_cards(at)
    upload(at, "actuals_baseline.csv", EXAMPLE.read_bytes())
    bad = ("rep_id,period,measure,actual,quota\n"
           "R1,2026-Q1,New revenue,180000,180000\n"
           "R2,2026-Q1,New revenue,lots,180000\n")
    upload(at, "bad actuals.csv", bad.encode())
    message = " ".join(e.value for e in at.error)
    assert "**bad actuals.csv** was not paid" in message
    assert "bad actuals.csv: line 3: actual 'lots' is not a number" in message
    assert cards(at) == {}  # no half-shown backtest
    assert results_cards(at) == before  # the comparison is untouched

    # a plan in another currency cannot be set beside the others: named, inline
    eur = (ROOT / "plans" / "capped.yaml").read_text(encoding="utf-8").replace(
        "period: quarter", "currency: EUR\nperiod: quarter")
    at.file_uploader(key="plan_uploads").set_value(("eur.yaml", eur.encode(), "text/yaml"))
    at.session_state["plan_files"] = ["commission.yaml"]  # USD, and the reference
    upload(at, "actuals_baseline.csv", EXAMPLE.read_bytes())
    message = " ".join(e.value for e in at.error)
    assert "eur.yaml: currency: EUR differs from USD of plan 'Commission'" in message
