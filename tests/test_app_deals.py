"""Deal exports uploaded to the app: a fitted team with its deal luck, bunching and credits."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest
from test_app import ROOT, start

EX = ROOT / "plans" / "examples"


def upload(at: AppTest, key: str, name: str, data: bytes) -> AppTest:
    mime = "text/csv" if name.endswith(".csv") else "text/yaml"
    at.file_uploader(key=key).set_value((name, data, mime))
    return at.run()


def test_deal_exports_calibrate_a_team_shown_in_the_team_tab() -> None:
    at = start(page_tab="Team")
    at.file_uploader(key="deals_splits").set_value(
        ("deals_splits.csv", (EX / "deals_splits.csv").read_bytes(), "text/csv"))
    upload(at, "deals_opportunities", "deals_salesforce.csv",
           (EX / "deals_salesforce.csv").read_bytes())
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.selectbox(key="team_file").value == "deals:deals_salesforce.csv"
    text = " ".join(m.value for m in at.markdown)
    assert "Deal-level luck" in text and "Close-date bunching" in text
    assert "last 14 days of each quarter" in text
    assert any(b.label == "Download the crediting report (CSV)" for b in at.get("download_button"))


def test_a_bad_deal_export_is_refused_inline() -> None:
    at = start()
    before = at.selectbox(key="team_file").value
    upload(at, "deals_opportunities", "bad.csv",
           b"Deal owner,Deal stage,Amount,Close date\nA,Closed won,1,03/04/2025\n")
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "was not calibrated" in errors and "line 2: Close date" in errors
    assert "ambiguous" in errors
    assert at.selectbox(key="team_file").value == before
    mapping = b"date_order: month-first\n"
    upload(at, "deals_mapping", "map.yaml", mapping)
    errors = " ".join(e.value for e in at.error)
    assert "need revenue of at least 2 reps" in errors  # read now; too small to fit
