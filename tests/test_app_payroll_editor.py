"""The plan editor's payroll expander and a measure's gate, driven headless in the real app.

The ramp, SPIFF and multiplier tables are `st.data_editor`s; AppTest cannot type into
one, so a test sets its edit state (edited_rows, added_rows, deleted_rows: the mapping
the browser sends) in session state, as a user's edit would arrive.
"""

from __future__ import annotations

from typing import Any

import yaml
from streamlit.testing.v1 import AppTest
from test_app import download, downloads, editor_key, start

from simulator.plan.spec import plan_from_text

__all__ = ["downloads"]  # the fixture, used by name

PAYROLL = "Payroll mechanics (payroll.yaml)"


def on_plan(label: str, file: str) -> AppTest:
    """The app comparing one plan, its editor started from it."""
    at = start(plan_files=[file], model_draws=0, trials=100, behaviour="static")
    at.selectbox(key="ed_source").set_value(label).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    return at


def errors(at: AppTest) -> str:
    return " ".join(e.value for e in at.error)


def edited_yaml(at: AppTest) -> dict[str, Any]:
    """The edited plan as the editor's "as YAML" expander shows it."""
    text = next(c.value for c in at.code if "Edited in the plan simulator" in c.value)
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def compared(at: AppTest) -> list[str]:
    table = next(d.value for d in at.dataframe if "plan" in d.value.columns)
    return list(table["plan"])


def edit_table(at: AppTest, key: str, added: list[dict[str, Any]]) -> AppTest:
    at.session_state[key] = {"edited_rows": {}, "added_rows": added, "deleted_rows": []}
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_payroll_plan_loads_unchanged_and_a_draw_edit_is_saved_and_compared(
        downloads: dict[str, Any]) -> None:
    at = on_plan(PAYROLL, "payroll.yaml")
    assert at.selectbox(key=editor_key(at, "currency")).value == "USD"
    assert at.selectbox(key=editor_key(at, "settlement")).value == "cumulative"
    assert at.number_input(key=editor_key(at, "draw")).value == 2000.0
    assert at.checkbox(key=editor_key(at, "draw_recoverable")).value is True
    assert at.selectbox(key=editor_key(at, "gate", 0)).value == "Meetings"
    assert at.number_input(key=editor_key(at, "gate_at", 0)).value == 80.0
    assert at.selectbox(key=editor_key(at, "mult", 0)).value == "Meetings"
    assert any("No changes yet" in c.value for c in at.caption)  # loaded = saved unchanged
    assert compared(at) == ["Payroll mechanics"]

    at.number_input(key=editor_key(at, "draw")).set_value(3000.0)
    at.checkbox(key=editor_key(at, "draw_recoverable")).uncheck().run()
    assert not at.error, errors(at)
    saved = plan_from_text(download(at, downloads, "ed_download").decode("utf-8"), "saved")
    assert saved.draw is not None
    assert (saved.draw.amount, saved.draw.recoverable) == (3000.0, False)
    assert saved.ramp == ((1, 0.25), (2, 0.5), (3, 0.75), (4, 1.0))  # the rest as it was
    assert saved.settlement == "cumulative" and saved.currency == "USD"
    assert compared(at) == ["Payroll mechanics", "Payroll mechanics (edited)"]

    # an edited plan in another currency than a compared plan is refused, by name
    at.selectbox(key=editor_key(at, "currency")).set_value("EUR").run()
    assert not at.exception
    assert ("currency: EUR differs from USD of plan 'Payroll mechanics' (payroll.yaml)"
            in errors(at))


def test_a_draw_and_a_currency_are_added_to_a_plan_without_them() -> None:
    at = on_plan("Baseline (baseline.yaml)", "baseline.yaml")
    assert at.number_input(key=editor_key(at, "draw")).value is None
    at.number_input(key=editor_key(at, "draw")).set_value(1500.0)
    at.selectbox(key=editor_key(at, "currency")).set_value("EUR").run()
    assert not at.error, errors(at)
    plan = edited_yaml(at)
    assert plan["draw"] == {"amount": 1500.0, "recoverable": True}
    assert plan["currency"] == "EUR"
    assert compared(at) == ["Baseline", "Baseline (edited)"]
    # one measure: nothing to gate on or multiply by
    assert at.selectbox(key=editor_key(at, "gate", 0)).disabled

    at.selectbox(key=editor_key(at, "currency")).set_value(None).run()  # none stated
    assert not at.error, errors(at)
    assert "currency" not in edited_yaml(at)

    at.checkbox(key=editor_key(at, "clawback")).check().run()  # with period settlement
    assert ("Claw back overpayments: a clawback takes back a year-to-date overpayment: it "
            "needs settlement: cumulative") in errors(at)
    at.selectbox(key=editor_key(at, "settlement")).set_value("cumulative").run()
    assert not at.error, errors(at)
    assert edited_yaml(at)["clawback"] is True


def test_a_spiff_with_a_bad_date_range_and_a_bad_ramp_are_named_inline() -> None:
    at = on_plan("Baseline (baseline.yaml)", "baseline.yaml")
    edit_table(at, editor_key(at, "spiffs"), [
        {"name": "March push", "metric": "deals", "per_unit": 50.0,
         "from": "2026-03-31", "to": "2026-03-01"}])
    assert "SPIFFs, row 1, To: 2026-03-01 is before from (2026-03-31)" in errors(at)
    assert "The edited plan is not valid yet" in errors(at)
    assert compared(at) == ["Baseline"]  # the comparison keeps running on the valid plans

    edit_table(at, editor_key(at, "spiffs"), [
        {"name": "March push", "metric": "deals", "per_unit": 50.0,
         "from": "2026-03-01", "to": "2026-03-31"}])
    assert not at.error, errors(at)
    assert edited_yaml(at)["spiffs"] == [{"name": "March push", "metric": "deals",
                                          "per_unit": 50.0, "from": "2026-03-01",
                                          "to": "2026-03-31"}]

    edit_table(at, editor_key(at, "ramp"), [{"month": 2.0, "share": 0.5}])
    assert ("New-hire ramp: the first row must be month 1 (the month a rep starts), not 2"
            in errors(at))
    edit_table(at, editor_key(at, "ramp"), [{"month": 1.0, "share": 0.5},
                                            {"month": 2.0, "share": 1.0}])
    assert not at.error, errors(at)
    assert edited_yaml(at)["ramp"] == [[1, 0.5], [2, 1.0]]


def test_a_gate_is_set_on_another_measure_and_its_level_is_checked() -> None:
    at = on_plan("Recommended (recommended.yaml)", "recommended.yaml")
    gate = at.selectbox(key=editor_key(at, "gate", 0))
    assert gate.value is None and gate.options == ["Meetings held"]  # the other measure
    gate.set_value("Meetings held").run()  # the level opens once a measure is chosen
    at.number_input(key=editor_key(at, "gate_at", 0)).set_value(90.0).run()
    assert not at.error, errors(at)
    measure = edited_yaml(at)["measures"][0]
    assert measure["gate"] == {"measure": "Meetings held", "at_least": 0.9}
    assert "Recommended (edited)" in compared(at)

    at.selectbox(key=editor_key(at, "mult", 0)).set_value("Meetings held").run()
    assert edited_yaml(at)["measures"][0]["multiplier"] == {
        "measure": "Meetings held", "curve": [[0.8, 0.9], [1.2, 1.1]]}  # the starting curve
    edit_table(at, editor_key(at, "mult_curve", 0), [{"attainment": 0.5}])
    assert ("Measure 1 (New revenue), Multiplier curve, row 3, multiplier: must be a number"
            in errors(at))

    # renaming the gated-on measure takes the gate and the multiplier along, through a
    # name typed over (empty on the way)
    edit_table(at, editor_key(at, "mult_curve", 0), [])
    at.text_input(key=editor_key(at, "name", 1)).set_value("").run()
    at.text_input(key=editor_key(at, "name", 1)).set_value("Meetings").run()
    assert not at.error, errors(at)
    measure = edited_yaml(at)["measures"][0]
    assert (measure["gate"]["measure"], measure["multiplier"]["measure"]) == ("Meetings",
                                                                              "Meetings")
    assert at.selectbox(key=editor_key(at, "gate", 0)).options == ["Meetings"]
