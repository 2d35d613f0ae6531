"""The app for finance and the boardroom: budget, workbook, deck, saved scenarios (AppTest)."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from pptx import Presentation
from streamlit.testing.v1 import AppTest
from test_app import APP, DRAWS, TRIALS, download, downloads, start, table  # noqa: F401

from simulator.faces.store import ScenarioStore


def test_the_budget_reaches_the_page_the_workbook_and_the_deck(
        downloads: dict[str, Any]) -> None:  # noqa: F811
    at = start(budget=4_000_000.0)
    text = " ".join(m.value for m in at.markdown)
    assert "Chance a year's incentive payout exceeds $4.00M" in text
    assert "expected overrun" in text and "across behaviour-model draws" in text
    assert {"budget", "chance_payout_above_budget", "expected_overrun"} <= set(table(at))
    book = openpyxl.load_workbook(io.BytesIO(download(at, downloads, "table_xlsx")))
    assert book.sheetnames[0] == "Summary"
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["Incentive budget / year"] == 4_000_000
    deck = Presentation(io.BytesIO(download(at, downloads, "deck_pptx")))
    titles = [s.shapes.title.text for s in deck.slides]
    assert "The budget: $4.00M a year" in titles and titles[-1] == "Assumptions"
    assert download(at, downloads, "deck_pdf").startswith(b"%PDF")


def test_a_saved_scenario_opens_from_its_address_in_a_new_session() -> None:
    at = start(plan_files=["baseline.yaml", "high_threshold.yaml"], budget=3_500_000.0,
               seed=7)
    before = [m.value for m in at.metric]
    at.text_input(key="scenario_name").set_value("Board options").run()
    next(b for b in at.button if b.label == "Save scenario").click().run()
    assert not at.exception and not at.error
    scenario_id = at.query_params["scenario"]
    stored = ScenarioStore().get(int(scenario_id[0] if isinstance(scenario_id, list)
                                     else scenario_id))
    assert (stored.name, stored.inputs["budget"], stored.inputs["seed"]) == (
        "Board options", 3_500_000.0, 7)
    assert stored.inputs["model_draws"] == DRAWS and stored.inputs["trials"] == TRIALS

    fresh = AppTest.from_file(APP, default_timeout=60)  # another browser: defaults only
    fresh.query_params["scenario"] = str(stored.id)
    fresh.run()
    assert not fresh.exception and not fresh.error
    assert [m.value for m in fresh.metric] == before
    assert fresh.number_input(key="budget").value == 3_500_000.0
    assert list(table(fresh)["plan"]) == ["Baseline", "High threshold"]
    captions = " ".join(c.value for c in fresh.caption)
    assert "reproduces the saved results byte for byte" in captions
    assert any("Board options" in m.value for m in fresh.sidebar.markdown)


def test_a_foreign_library_file_is_reported_inline(tmp_path: Any,
                                                   monkeypatch: Any) -> None:
    bad = tmp_path / "notes.sqlite"
    bad.write_text("not a database", encoding="utf-8")
    monkeypatch.setenv("PLAN_SIMULATOR_DB", str(bad))
    at = start(page_tab="Scenarios")
    assert not at.exception
    assert any("not a scenario database" in e.value for e in at.error)
    assert [m.label for m in at.metric].count("Expected team sales / year") == 2


def test_the_sidebar_names_the_team_in_use() -> None:
    at = start()
    assert any(c.value.startswith("In use: **Inside sales (default)**")
               for c in at.sidebar.caption)
