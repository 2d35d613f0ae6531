"""The plan editor's pure edits of the payroll keys and the links between measures.

A plan's currency, settlement, clawback, draw, ramp and SPIFFs, and a measure's gate and
multiplier, go to the editor's fields and tables and back (`simulator.plan.payroll_edits`);
bad cells reach the validator, whose line `ui.payroll_editor.payroll_message` says in the
editor's words. The tables are built as the editor builds them (pandas frames of floats
and dates), so a cell comes back as the browser's `st.data_editor` gives it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest
from conftest import PLANS_DIR

from simulator.base.errors import InputError
from simulator.plan.edits import edited_measure, edited_plan, rate_above_quota, same_rules
from simulator.plan.payroll_edits import (
    CURVE_COLUMNS,
    RAMP_COLUMNS,
    SPIFF_COLUMNS,
    Links,
    Payroll,
    curve_rows,
    link_fields,
    link_keys,
    payroll_fields,
    payroll_keys,
    ramp_rows,
    spiff_rows,
    with_links,
    with_payroll,
)
from simulator.plan.spec import load_plan, plan_from_dict
from ui.payroll_editor import payroll_message, split_measure_lines

SHIPPED = sorted(PLANS_DIR.glob("*.yaml"))
NAN = float("nan")


def through_tables(payroll: Payroll) -> Payroll:
    """The payroll as the editor's tables give it back: floats, NaN for empty, dates."""
    ramp = pd.DataFrame([list(r) for r in payroll.ramp], columns=list(RAMP_COLUMNS),
                        dtype=float)
    spiffs = pd.DataFrame(list(payroll.spiffs), columns=list(SPIFF_COLUMNS)).astype(
        {"per_unit": float, "amount": float, "at": float})
    return Payroll(
        payroll.currency, payroll.settlement, payroll.clawback, payroll.draw_amount,
        payroll.draw_recoverable,
        tuple(tuple(r) for r in ramp.itertuples(index=False)),
        tuple(dict(zip(SPIFF_COLUMNS, r, strict=True)) for r in spiffs.itertuples(index=False)))


def bad(raw: dict[str, Any]) -> list[str]:
    """The validator's lines for a plan mapping, in the editor's words."""
    with pytest.raises(InputError) as error:
        plan_from_dict(raw, "edited plan")
    lines = [line.strip().removeprefix("edited plan: ") for line in str(error.value).splitlines()
             if line.strip()]
    return [payroll_message(part) or part for line in lines
            for part in split_measure_lines(line)]


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_plan_round_trips_through_the_payroll_fields_and_tables(path: Any
                                                                               ) -> None:
    plan = load_plan(path).to_yaml_dict()
    assert with_payroll(plan, payroll_keys(payroll_fields(plan))) == plan
    assert with_payroll(plan, payroll_keys(through_tables(payroll_fields(plan)))) == plan
    for measure in plan["measures"]:
        links = link_fields(measure)
        rows = pd.DataFrame([list(p) for p in links.multiplier_curve],
                            columns=list(CURVE_COLUMNS), dtype=float)
        shown = Links(links.gate_measure, round(links.gate_at_least * 100, 4) / 100,
                      links.multiplier_measure,
                      tuple(tuple(p) for p in rows.itertuples(index=False)))
        assert with_links(measure, link_keys(shown)) == measure, measure["name"]


def test_the_payroll_plan_saved_unchanged_through_the_whole_editor_is_the_plan() -> None:
    source = load_plan(PLANS_DIR / "payroll.yaml").to_yaml_dict()
    measures = [with_links(edited_measure(
        m, name=m["name"], metric=m["metric"], weight=m["weight"], quota=m["quota"],
        threshold=m.get("threshold"), rate=round(rate_above_quota(m["curve"]), 4),
        cap=m.get("cap")), link_keys(link_fields(m))) for m in source["measures"]]
    raw = with_payroll(edited_plan("Mine", source["name"], "quarter", 0, 90000, 60000,
                                   measures, source),
                       payroll_keys(through_tables(payroll_fields(source))))
    edited = plan_from_dict(raw).to_yaml_dict()
    assert same_rules(edited, source)
    assert edited["ramp"] == [[1, 0.25], [2, 0.5], [3, 0.75], [4, 1.0]]
    assert edited["spiffs"] == [{"name": "Feb push", "metric": "deals", "per_unit": 100.0,
                                 "from": "2026-02-01", "to": "2026-02-28"}]


def test_the_payroll_plans_fields_are_what_its_file_says() -> None:
    fields = payroll_fields(load_plan(PLANS_DIR / "payroll.yaml").to_yaml_dict())
    assert (fields.currency, fields.settlement, fields.clawback) == ("USD", "cumulative", False)
    assert (fields.draw_amount, fields.draw_recoverable) == (2000.0, True)
    assert fields.ramp == ((1, 0.25), (2, 0.5), (3, 0.75), (4, 1.0))
    assert fields.spiffs == ({"name": "Feb push", "metric": "deals", "per_unit": 100.0,
                              "amount": None, "at": None, "from": dt.date(2026, 2, 1),
                              "to": dt.date(2026, 2, 28)},)
    revenue = link_fields(load_plan(PLANS_DIR / "payroll.yaml").to_yaml_dict()["measures"][0])
    assert revenue == Links("Meetings", 0.8, "Meetings", ((0.8, 0.9), (1.2, 1.1)))


def test_a_plan_without_payroll_keys_shows_the_defaults_and_writes_none() -> None:
    plan = load_plan(PLANS_DIR / "baseline.yaml").to_yaml_dict()
    fields = payroll_fields(plan)
    assert fields == Payroll(None, "period", False, None, True, (), ())
    assert payroll_keys(fields) == {}
    assert link_keys(link_fields(plan["measures"][0])) == {}


# --------------------------------------------------------------------------- edits


def test_edited_fields_write_the_plan_file_keys() -> None:
    payroll = Payroll(
        currency="EUR", settlement="cumulative", clawback=True, draw_amount=1500.0,
        draw_recoverable=False,
        ramp=((1.0, 0.5), (NAN, NAN), (3.0, 1.0)),  # the empty row of "add a row" is dropped
        spiffs=({"name": " March push ", "metric": "deals", "per_unit": 50.0, "amount": NAN,
                 "at": NAN, "from": pd.Timestamp("2026-03-01"), "to": dt.date(2026, 3, 31)},
                {"name": None, "metric": None, "per_unit": NAN, "amount": NAN, "at": NAN,
                 "from": pd.NaT, "to": None},
                {"name": "Ten meetings", "metric": "meetings", "per_unit": None,
                 "amount": 500.0, "at": 10.0, "from": "2026-04-01", "to": "2026-06-30"}))
    keys = payroll_keys(payroll)
    assert keys == {
        "currency": "EUR", "settlement": "cumulative", "clawback": True,
        "draw": {"amount": 1500.0, "recoverable": False},
        "ramp": [[1, 0.5], [3, 1.0]],
        "spiffs": [{"name": "March push", "metric": "deals", "per_unit": 50.0,
                    "from": "2026-03-01", "to": "2026-03-31"},
                   {"name": "Ten meetings", "metric": "meetings", "amount": 500.0, "at": 10.0,
                    "from": "2026-04-01", "to": "2026-06-30"}]}
    plan = plan_from_dict(with_payroll(load_plan(PLANS_DIR / "baseline.yaml").to_yaml_dict(),
                                       keys))
    assert plan.currency == "EUR" and plan.clawback and plan.settlement == "cumulative"
    assert plan.draw is not None and (plan.draw.amount, plan.draw.recoverable) == (1500, False)
    assert plan.ramp == ((1, 0.5), (3, 1.0))
    assert [s.start for s in plan.spiffs] == [dt.date(2026, 3, 1), dt.date(2026, 4, 1)]


def test_cleared_fields_take_the_keys_out_of_the_plan() -> None:
    source = load_plan(PLANS_DIR / "payroll.yaml").to_yaml_dict()
    cleared = Payroll(None, "period", False, None, True, (), ())
    out = with_payroll(source, payroll_keys(cleared))
    assert not {"currency", "settlement", "clawback", "draw", "ramp", "spiffs"} & set(out)
    assert out["measures"] == source["measures"]
    plan = plan_from_dict(out)
    assert plan.draw is None and plan.ramp == () and plan.spiffs == ()


def test_links_are_set_changed_and_cleared() -> None:
    measure = load_plan(PLANS_DIR / "payroll.yaml").to_yaml_dict()["measures"][0]
    # gate at 90% (the editor's 90.0 / 100); a table row left empty is dropped
    edited = with_links(measure, link_keys(Links("Meetings", 90.0 / 100, "Meetings",
                                                 ((0.5, 0.8), (NAN, NAN), (1.5, 1.2)))))
    assert edited["gate"] == {"measure": "Meetings", "at_least": 0.9}
    assert edited["multiplier"] == {"measure": "Meetings", "curve": [[0.5, 0.8], [1.5, 1.2]]}
    cleared = with_links(measure, link_keys(Links(None, 0.8, None, ((0.8, 0.9),))))
    assert "gate" not in cleared and "multiplier" not in cleared
    assert cleared["curve"] == measure["curve"]
    assert curve_rows([(1.0, None), ("", 2.0)]) == [[1.0, None], [None, 2.0]]


def test_table_cells_the_editor_cannot_read_reach_the_validator_as_they_are() -> None:
    assert ramp_rows([(1.0, 0.5), (2.5, 0.75), (NAN, 1.0)]) == [[1, 0.5], [2.5, 0.75],
                                                                [None, 1.0]]
    assert spiff_rows([{"name": "X", "from": "2026-02-30", "to": "soon"}]) == [
        {"name": "X", "from": "2026-02-30", "to": "soon"}]
    # a row added and left empty in the typed (string, date) columns: pandas' NA cells
    assert spiff_rows([{"name": pd.NA, "metric": pd.NA, "per_unit": NAN, "from": pd.NA,
                        "to": pd.NaT}]) == []


# --------------------------------------------------------------------------- messages


def test_bad_payroll_fields_are_named_in_the_editors_words() -> None:
    base = load_plan(PLANS_DIR / "baseline.yaml").to_yaml_dict()
    keys = payroll_keys(Payroll(
        "usd", "period", True, 0.0, True, ((1.0, 0.5), (2.5, 0.75), (3.0, 1.5)),
        ({"name": "Late", "metric": "deals", "per_unit": 10.0, "amount": None, "at": None,
          "from": dt.date(2026, 3, 31), "to": dt.date(2026, 3, 1)},
         {"name": "Half", "metric": "deals", "amount": 100.0, "at": None,
          "from": dt.date(2026, 1, 1), "to": None})))
    assert bad(with_payroll(base, keys)) == [
        "Currency: 'usd' must be written in capitals: 'USD'",
        "Claw back overpayments: a clawback takes back a year-to-date overpayment: it needs "
        "settlement: cumulative",
        "Draw per period: must be more than 0",
        "SPIFFs, row 1, To: 2026-03-01 is before from (2026-03-31)",
        "SPIFFs, row 2, To: is empty: fill it in",
        "New-hire ramp, row 2, month: must be a whole number",
    ]
    assert bad(with_payroll(base, payroll_keys(Payroll(
        None, "period", False, None, True, ((2.0, 0.5),), ())))) == [
        "New-hire ramp: the first row must be month 1 (the month a rep starts), not 2"]


def test_bad_links_are_named_in_the_editors_words() -> None:
    def linked(links: Links) -> dict[str, Any]:
        plan = load_plan(PLANS_DIR / "payroll.yaml").to_yaml_dict()
        plan["measures"][0] = with_links(plan["measures"][0], link_keys(links))
        return plan

    assert bad(linked(Links("Meetings", 0.8, "Meetings", ((1.0, 0.5), (0.5, None))))) == [
        "Measure 1 (New revenue), Multiplier curve, row 2, multiplier: must be a number"]
    # a name no measure has (a measure renamed after the gate was set)
    assert bad(linked(Links("Pipeline", 0.8, None, ()))) == [
        "Measure 1 (New revenue), Paid only when: 'Pipeline' is not a measure of the plan "
        "(it has 'New revenue', 'Meetings')"]
    assert bad(linked(Links("New revenue", 0.8, None, ()))) == [
        "Measure 1 (New revenue), Paid only when: a measure cannot gate itself"]
    assert split_measure_lines("measures: weights sum to 0.7, not 1; measures[1] (A).gate."
                               "measure: x") == ["measures: weights sum to 0.7, not 1",
                                                 "measures[1] (A).gate.measure: x"]
