"""The plan editor's commission measures: method, tiers and cap, validated as a file is.

The real app.py, driven headless. The tier table is a `st.data_editor`; AppTest cannot
type into one, so a test sets its edit state (the same mapping the browser sends:
edited_rows, added_rows, deleted_rows) in session state, as a user's edit would arrive.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from streamlit.testing.v1 import AppTest
from test_app import ROOT, download, downloads, editor_key, start

from simulator.plan.commission_edits import edited_commission_measure, pay_without_target
from simulator.plan.commission_edits import tier_rows as rows_of
from ui.commission_editor import commission_message

__all__ = ["downloads"]  # the fixture, used by name



def on_commission() -> AppTest:
    """The app comparing the Commission plan, its editor started from it."""
    at = start(plan_files=["commission.yaml"], model_draws=0, trials=100, behaviour="static")
    at.selectbox(key="ed_source").set_value("Commission (commission.yaml)").run()
    assert not at.exception and not at.error
    return at


def edit_tiers(at: AppTest, edited: dict[int, dict[str, float]] | None = None,
               added: list[dict[str, float]] | None = None) -> AppTest:
    """Edit the first measure's tier table as the browser would (row numbers from 0)."""
    at.session_state[editor_key(at, "tiers", 0)] = {
        "edited_rows": {str(r): cells for r, cells in (edited or {}).items()},
        "added_rows": added or [], "deleted_rows": []}
    at.run()
    assert not at.exception, at.exception
    return at


def errors(at: AppTest) -> str:
    return " ".join(e.value for e in at.error)


def test_a_commission_is_edited_and_downloads_as_a_valid_plan(
        downloads: dict[str, Any], tmp_path: Path) -> None:
    at = on_commission()
    assert at.selectbox(key=editor_key(at, "method", 0)).value == "marginal"
    assert at.number_input(key=editor_key(at, "commission_cap", 0)).value == 25_000.0
    assert at.number_input(key=editor_key(at, "target")).value is None  # commission only

    at.selectbox(key=editor_key(at, "method", 0)).set_value("retroactive")
    at.number_input(key=editor_key(at, "commission_cap", 0)).set_value(30_000.0)
    edit_tiers(at, edited={1: {"rate": 0.06}}, added=[{"attainment": 2.0, "rate": 0.3}])
    assert not at.error, errors(at)

    text = download(at, downloads, "ed_download").decode("utf-8")
    plan = yaml.safe_load(text)
    assert plan["measures"][0]["commission"] == {
        "method": "retroactive",
        "tiers": [[0.0, 0.02], [0.5, 0.06], [1.0, 0.23], [1.5, 0.27], [2.0, 0.3]],
        "cap": 30_000.0}
    assert "target_incentive" not in plan["pay"] and "weight" not in plan["measures"][0]
    assert plan["currency"] == "USD"
    path = tmp_path / "edited.yaml"
    path.write_text(text, encoding="utf-8")
    checked = subprocess.run([sys.executable, "-m", "simulator", "validate", str(path)],
                             capture_output=True, text=True, cwd=ROOT, check=False)
    assert checked.returncode == 0, checked.stderr
    # the edited plan joins the comparison
    table = next(d.value for d in at.dataframe if "plan" in d.value.columns)
    assert list(table["plan"]) == ["Commission", "Commission (edited)"]


def test_a_bad_schedule_is_named_inline_as_validate_names_it() -> None:
    at = on_commission()
    at.selectbox(key=editor_key(at, "method", 0)).set_value("retroactive")
    edit_tiers(at, edited={3: {"rate": 0.2}})  # 0.23 at quota, then 0.2 above 150%
    assert ("Measure 1 (New revenue), Commission tiers: a retroactive rate must not fall "
            "from one tier to the next (0.23 -\\> 0.2 at tier 4): selling more would pay "
            "less") in errors(at)
    assert "Weight" not in errors(at)  # a commission has none to complain about
    assert "The edited plan is not valid yet" in errors(at)

    edit_tiers(at, added=[{"attainment": 2.0}])  # a row without its rate
    assert "Measure 1 (New revenue), Commission tiers, row 5, rate: must be a number" in (
        errors(at))

    edit_tiers(at)
    at.number_input(key=editor_key(at, "commission_cap", 0)).set_value(0.0).run()
    assert ("Measure 1 (New revenue), Commission cap per period: must be more than 0 and at "
            "most 1,000,000,000,000 (currency per period), not 0") in errors(at)
    # the comparison keeps running on the plans that are valid
    table = next(d.value for d in at.dataframe if "plan" in d.value.columns)
    assert list(table["plan"]) == ["Commission"]


def test_a_commission_measure_is_added_to_a_curve_plan() -> None:
    at = start(plan_files=["baseline.yaml"], model_draws=0, trials=100, behaviour="static")
    at.button(key="ed_add_rate").click().run()
    assert not at.exception and not at.error, errors(at)
    assert at.selectbox(key=editor_key(at, "method", 1)).value == "marginal"
    text = next(c.value for c in at.code if "New commission" in c.value)
    measure = yaml.safe_load(text)["measures"][1]
    assert measure == {"name": "New commission", "metric": "revenue",
                       "quota": {"relative": 1.0},
                       "commission": {"method": "marginal",
                                      "tiers": [[0.0, 0.02], [1.0, 0.05]]}}
    # a curve measure still needs the target incentive: empty, it is named
    at.number_input(key=editor_key(at, "target")).set_value(None).run()
    assert "Target incentive per rep per year: missing required key" in errors(at)


def test_tier_rows_drop_empty_rows_and_keep_empty_cells() -> None:
    nan = float("nan")
    assert rows_of([(0.0, 0.02), (nan, nan), (1.0, None), ("", 0.1)]) == [
        [0.0, 0.02], [1.0, None], [None, 0.1]]


def test_a_commission_measure_keeps_what_the_editor_does_not_show() -> None:
    base = {"name": "A", "metric": "deals", "quota": 10.0, "gate": {"measure": "B",
                                                                    "at_least": 0.8},
            "commission": {"method": "marginal", "tiers": [[0.0, 100.0]]}}
    out = edited_commission_measure(base, name="A2", metric="deals", quota=12.0,
                                    direction="higher",
                                    commission={"method": "retroactive",
                                                "tiers": [[0.0, 100.0], [1.0, 150.0]]})
    assert out == {"name": "A2", "metric": "deals", "quota": 12.0,
                   "commission": {"method": "retroactive",
                                  "tiers": [[0.0, 100.0], [1.0, 150.0]]},
                   "gate": {"measure": "B", "at_least": 0.8}}
    plan = {"pay": {"base_salary": 1.0, "target_incentive": 0.0}, "name": "x"}
    assert pay_without_target(plan, None) == {"pay": {"base_salary": 1.0}, "name": "x"}
    assert pay_without_target(plan, 5.0) == plan


def test_commission_messages_in_the_editors_words() -> None:
    assert commission_message("measures[2] (Deals).commission.tiers[3][1]: Input should be "
                              "a valid number") == ("Measure 2 (Deals), Commission tiers, "
                                                    "row 3, attainment: must be a number")
    assert commission_message("measures[1] (A).commission.method: 'flat' is not allowed") == (
        "Measure 1 (A), Commission method: 'flat' is not allowed")
