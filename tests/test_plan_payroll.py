"""Payroll mechanics of the payout calculator, hand-computed to the cent: gates and
multipliers between measures, year-to-date true-ups with carried negatives and clawbacks,
draws, adjustments; their bad forms; the ledger's properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import make_measure, make_plan, write_csv, write_plan
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.base.errors import InputError
from simulator.faces.cli import main
from simulator.plan.actuals import parse_actuals
from simulator.plan.payroll import Draw, parse_adjustments, run_ledger
from simulator.plan.spec import plan_from_dict
from simulator.plan.statement import statement

HEADER = "rep_id,period,measure,actual,quota\n"


def money(values) -> list[str]:
    return ["" if v is None else str(v) for v in values]


# --------------------------------------------------------------------------- gates, multipliers


def linked_plan(**links):
    return plan_from_dict(make_plan(
        make_measure(weight=0.75, **links),  # New revenue: 45,000 a year, 11,250 a quarter
        make_measure(name="Meetings", metric="meetings", weight=0.25, quota=12)))


def rows(revenue_att: float, meetings: float) -> str:
    return (f"R,Q1,New revenue,{revenue_att * 100000:.2f},100000\n"
            f"R,Q1,Meetings,{meetings},12\n")


@pytest.mark.parametrize(("meetings", "expected"), [
    (9.59, "0.00"),  # 79.9% of 12: just below the gate
    (9.6, "11250.00"),  # exactly 80%: at the gate
    (12, "11250.00"),
])
def test_a_gate_just_below_and_at_its_level(meetings: float, expected: str) -> None:
    plan = linked_plan(gate={"measure": "Meetings", "at_least": 0.8})
    table = statement(plan, parse_actuals(HEADER + rows(1.0, meetings), plan))
    assert str(table["New revenue payout"][0]) == expected


@pytest.mark.parametrize(("meetings", "expected"), [
    (3, "5625.00"),  # 25%: below the first point, flat at 0.5
    (6, "5625.00"),  # 50%: 0.5 x 11,250
    (9, "8437.50"),  # 75%: halfway to 1.0 -> 0.75
    (12, "11250.00"),  # 100%: 1.0
    (15, "12375.00"),  # 125%: 1.1
    (24, "13500.00"),  # 200%: past the last point, flat at 1.2
])
def test_a_multiplier_from_another_measures_attainment(meetings: float, expected: str) -> None:
    plan = linked_plan(multiplier={"measure": "Meetings",
                                   "curve": [[0.5, 0.5], [1.0, 1.0], [1.5, 1.2]]})
    table = statement(plan, parse_actuals(HEADER + rows(1.0, meetings), plan))
    assert str(table["New revenue payout"][0]) == expected


# --------------------------------------------------------------------------- year to date


def ytd_plan(**overrides):
    raw = make_plan(make_measure(quota=100000, threshold=None,
                                 curve=[[1.0, 1.0], [2.0, 3.0]]), **overrides)
    raw["pay"]["target_incentive"] = 40000  # 10,000 a quarter
    return plan_from_dict(raw)


YTD_ROWS = (HEADER
            + "A,Q1,New revenue,150000,100000\n"  # 1.5 -> 2.0: 20,000
            + "A,Q2,New revenue,30000,100000\n"  # YTD 180k/200k = 0.9 -> 18,000: -2,000
            + "A,Q3,New revenue,120000,100000\n"  # 1.2 -> 1.4; YTD 300k/300k -> 30,000
            + "A,Q4,New revenue,100000,100000\n")  # YTD 400k/400k -> 40,000


def test_ytd_true_up_carries_a_negative() -> None:
    plan = ytd_plan(settlement="cumulative")
    table = statement(plan, parse_actuals(YTD_ROWS, plan))
    assert money(table["total_incentive"]) == ["20000.00", "3000.00", "14000.00", "10000.00"]
    assert money(table["ytd_earned"]) == ["20000.00", "18000.00", "30000.00", "40000.00"]
    # Q2 owes 2,000: nothing paid, and Q3 pays 30,000 - 20,000 already settled
    assert money(table["settled"]) == ["20000.00", "0.00", "10000.00", "10000.00"]
    assert sum(table["paid"]) == Decimal("40000.00")


def test_ytd_clawback_pays_the_negative() -> None:
    plan = ytd_plan(settlement="cumulative", clawback=True)
    table = statement(plan, parse_actuals(YTD_ROWS, plan))
    assert money(table["settled"]) == ["20000.00", "-2000.00", "12000.00", "10000.00"]
    assert money(table["paid"]) == ["20000.00", "-2000.00", "12000.00", "10000.00"]


def test_ytd_commission_caps_add_up_per_period() -> None:
    raw = make_plan({"name": "R", "metric": "revenue", "quota": 100000, "commission": {
        "method": "marginal", "tiers": [[0.0, 0.1]], "cap": 12000}}, settlement="cumulative")
    raw["pay"].pop("target_incentive")
    plan = plan_from_dict(raw)
    text = HEADER + "A,Q1,R,200000,100000\nA,Q2,R,0,100000\n"
    table = statement(plan, parse_actuals(text, plan))
    # Q1 earns 20,000 capped to 12,000; YTD after Q2: 10% of 200,000 = 20,000 within 24,000
    assert money(table["settled"]) == ["12000.00", "8000.00"]


# --------------------------------------------------------------------------- draws


def test_a_recoverable_draw_is_repaid_from_later_earnings() -> None:
    plan = ytd_plan(draw={"amount": 5000, "recoverable": True})
    text = (HEADER + "B,Q1,New revenue,20000,100000\n"  # 0.2 -> 2,000: draw tops up 3,000
            + "B,Q2,New revenue,40000,100000\n"  # 4,000: tops up 1,000, owes 4,000
            + "B,Q3,New revenue,150000,100000\n"  # 20,000: repays 4,000 -> 16,000
            + "B,Q4,New revenue,100000,100000\n")  # 10,000: nothing owed
    table = statement(plan, parse_actuals(text, plan))
    assert money(table["draw_topup"]) == ["3000.00", "1000.00", "0.00", "0.00"]
    assert money(table["draw_recovered"]) == ["0.00", "0.00", "4000.00", "0.00"]
    assert money(table["draw_balance"]) == ["3000.00", "4000.00", "0.00", "0.00"]
    assert money(table["paid"]) == ["5000.00", "5000.00", "16000.00", "10000.00"]


def test_repayment_never_takes_pay_below_the_draw() -> None:
    plan = ytd_plan(draw={"amount": 5000, "recoverable": True})
    text = HEADER + "B,Q1,New revenue,0,100000\nB,Q2,New revenue,70000,100000\n"
    table = statement(plan, parse_actuals(text, plan))
    # Q2 earns 7,000: 2,000 above the draw repays 2,000 of the 5,000 owed
    assert money(table["paid"]) == ["5000.00", "5000.00"]
    assert money(table["draw_balance"]) == ["5000.00", "3000.00"]


def test_a_guarantee_is_never_repaid() -> None:
    plan = ytd_plan(draw={"amount": 5000, "recoverable": False})
    text = HEADER + "B,Q1,New revenue,20000,100000\nB,Q2,New revenue,150000,100000\n"
    table = statement(plan, parse_actuals(text, plan))
    assert money(table["paid"]) == ["5000.00", "20000.00"]
    assert money(table["draw_balance"]) == ["0.00", "0.00"]


# --------------------------------------------------------------------------- adjustments


def test_adjustments_on_their_own_rows(tmp_path) -> None:
    plan = ytd_plan()
    actuals = parse_actuals(HEADER + "A,Q1,New revenue,100000,100000\n"
                            "B,Q1,New revenue,50000,100000\n", plan)
    adjustments = parse_adjustments("rep_id,period,amount,reason\n"
                                    "A,Q1,-1234.565,cancelled deal 17\n"
                                    "Z,Q1,100,SPIFF by hand\n"
                                    "A,Q1,50,\n")
    table = statement(plan, actuals, adjustments)
    assert list(table["rep_id"]) == ["A", "A", "A", "B", "Z"]
    assert money(table["adjustment"]) == ["", "-1234.57", "50.00", "", "100.00"]
    assert money(table["paid"]) == ["10000.00", "-1234.57", "50.00", "5000.00", "100.00"]
    assert list(table["reason"])[1] == "cancelled deal 17"


def test_bad_adjustments_are_named_by_line() -> None:
    with pytest.raises(InputError) as caught:
        parse_adjustments("rep_id,period,amount,reason\nA,Q1,12k,x\n,Q1,1,\nA,Q1,-2e12,y\n",
                          "adj.csv")
    assert [str(p) for p in caught.value.problems] == [
        "line 2: amount '12k' is not a number",
        "line 3: rep_id is empty",
        "line 4: amount -2e+12 must be between -1,000,000,000,000 and 1,000,000,000,000",
    ]


def test_the_payout_command_takes_adjustments(tmp_path, capsys) -> None:
    plan = write_plan(tmp_path, make_plan(make_measure(), draw={"amount": 1000,
                                                               "recoverable": True}))
    actuals = write_csv(tmp_path, HEADER + "A,Q1,New revenue,0,100000\n")
    adjustments = write_csv(tmp_path, "rep_id,period,amount\nA,Q1,-10\n", "adj.csv")
    assert main(["payout", str(plan), str(actuals), "--adjustments", str(adjustments)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].endswith(",0.00,0.00,1000.00,0.00,1000.00,1000.00,,")
    assert out[2].endswith(",-10.00,-10.00,")


# --------------------------------------------------------------------------- bad forms


def problems_of(raw) -> list[str]:
    with pytest.raises(InputError) as caught:
        plan_from_dict(raw, "p.yaml")
    return [str(p) for p in caught.value.problems]


BAD = [
    ("clawback-per-period", make_plan(clawback=True),
     "clawback: a clawback takes back a year-to-date overpayment: it needs settlement: "
     "cumulative"),
    ("settlement", make_plan(settlement="ytd"), "settlement: 'ytd' is not allowed"),
    ("draw-amount", make_plan(draw={"amount": 0, "recoverable": True}), "draw.amount: "),
    ("draw-recoverable", make_plan(draw={"amount": 100}), "draw.recoverable: missing required"),
    ("gate-name", make_plan(make_measure(gate={"measure": "Nope", "at_least": 0.8})),
     "measures: measures[1] (New revenue).gate.measure: 'Nope' is not a measure of the plan"),
    ("gate-self", make_plan(make_measure(gate={"measure": "New revenue", "at_least": 0.8})),
     "measures: measures[1] (New revenue).gate.measure: a measure cannot gate itself"),
    ("gate-level", make_plan(make_measure(gate={"measure": "X", "at_least": -1})),
     "measures[1] (New revenue).gate.at_least: must be at least 0"),
    ("multiplier-order", make_plan(make_measure(multiplier={"measure": "X",
                                                            "curve": [[1, 1], [0.5, 2]]})),
     "measures[1] (New revenue).multiplier.curve: attainments must rise"),
]


@pytest.mark.parametrize(("raw", "expected"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_validate_names_the_field_and_the_problem(raw, expected: str) -> None:
    found = problems_of(raw)
    assert any(p.startswith(expected) for p in found), found


# --------------------------------------------------------------------------- properties

cents = st.integers(-5_000_000, 5_000_000).map(lambda c: Decimal(c) / 100)


@settings(max_examples=200, deadline=None)
@given(ytd=st.lists(cents, min_size=1, max_size=12))
def test_with_clawback_the_periods_add_up_to_the_year_to_date(ytd) -> None:
    reps = ["A"] * len(ytd)
    rows = run_ledger(reps, [Decimal(0)] * len(ytd), ytd, True, None)
    assert sum(r.settled for r in rows) == ytd[-1]


@settings(max_examples=200, deadline=None)
@given(ytd=st.lists(cents, min_size=1, max_size=12))
def test_carried_negatives_pay_the_highest_year_to_date_so_far(ytd) -> None:
    rows = run_ledger(["A"] * len(ytd), [Decimal(0)] * len(ytd), ytd, False, None)
    assert all(r.settled >= 0 for r in rows)
    assert sum(r.settled for r in rows) == max(Decimal(0), *ytd)


@settings(max_examples=200, deadline=None)
@given(earned=st.lists(cents.map(abs), min_size=1, max_size=12), amount=st.integers(1, 20000))
def test_a_recoverable_draw_pays_at_least_the_draw_and_never_more_than_owed(earned, amount):
    rows = run_ledger(["A"] * len(earned), earned, None, False,
                      Draw(amount=float(amount), recoverable=True))
    assert all(r.paid >= amount for r in rows)
    # what was paid is what was earned plus what is still owed
    assert sum(r.paid for r in rows) == sum(earned) + rows[-1].draw_balance


@pytest.mark.parametrize(("meetings", "expected"), [
    (7.99, "0.00"), (8, "10800.00"), (10, "12000.00"), (15, "13200.00")])
def test_the_shipped_payroll_plan_pays_the_readme_example(meetings, expected) -> None:
    from conftest import PLANS_DIR

    from simulator.plan.spec import load_plan

    plan = load_plan(PLANS_DIR / "payroll.yaml")
    text = HEADER + f"R,Q1,New revenue,100000,100000\nR,Q1,Meetings,{meetings},10\n"
    table = statement(plan, parse_actuals(text, plan))
    assert str(table["New revenue payout"][0]) == expected


# --------------------------------------------------------------------------- SPIFFs

FEB = {"name": "Feb push", "metric": "deals", "per_unit": 100, "from": "2026-02-01",
       "to": "2026-02-28"}
SPIFF_HEADER = "rep_id,period,measure,actual,quota,date\n"


def spiff_plan(*spiffs):
    return plan_from_dict(make_plan(make_measure(), spiffs=list(spiffs)))


def revenue_rows(*periods: str, rep: str = "A") -> str:
    return "".join(f"{rep},{p},New revenue,100000,100000,\n" for p in periods)


def test_a_spiff_window_counts_dated_rows_at_its_edges() -> None:
    plan = spiff_plan(FEB)
    text = (SPIFF_HEADER + revenue_rows("2026-Q1")
            + "A,2026-Q1,Feb push,3,,2026-01-31\n"  # the day before: no
            + "A,2026-Q1,Feb push,2,,2026-02-01\n"  # first day: 200
            + "A,2026-Q1,Feb push,1.5,,2026-02-28\n"  # last day: 150
            + "A,2026-Q1,Feb push,4,,2026-03-01\n")  # the day after: no
    table = statement(plan, parse_actuals(text, plan))
    assert money(table["Feb push spiff"]) == ["350.00"]
    assert money(table["paid"]) == ["15350.00"]  # 15,000 incentive + the SPIFF


def test_a_spiff_counts_a_period_wholly_inside_its_window() -> None:
    plan = spiff_plan(FEB)
    text = (SPIFF_HEADER + revenue_rows("2026-02", "2026-03")
            + "A,2026-02,Feb push,3,,\nA,2026-03,Feb push,5,,\n")
    plan_m = plan_from_dict(make_plan(make_measure(), period="month", spiffs=[FEB]))
    table = statement(plan_m, parse_actuals(text, plan_m))
    assert money(table["Feb push spiff"]) == ["300.00", "0.00"]
    with pytest.raises(InputError) as caught:  # a quarter is only partly inside February
        parse_actuals(SPIFF_HEADER + revenue_rows("2026-Q1") + "A,2026-Q1,Feb push,3,,\n",
                      plan, "a.csv")
    assert "only partly inside the window" in str(caught.value)


def test_an_amount_at_a_level_is_paid_once_when_the_window_total_reaches_it() -> None:
    plan = plan_from_dict(make_plan(make_measure(), period="month", spiffs=[
        {"name": "Ten deals", "metric": "deals", "amount": 1000, "at": 10,
         "from": "2026-01-01", "to": "2026-03-31"}]))
    text = (SPIFF_HEADER + revenue_rows("2026-01", "2026-02", "2026-03")
            + revenue_rows("2026-01", rep="B")
            + "A,2026-01,Ten deals,6,,\nA,2026-02,Ten deals,4,,\nA,2026-03,Ten deals,7,,\n"
            + "B,2026-01,Ten deals,9.5,,\n")
    table = statement(plan, parse_actuals(text, plan))
    assert money(table["Ten deals spiff"]) == ["0.00", "1000.00", "0.00", "0.00"]


def test_bad_spiffs_are_named() -> None:
    found = problems_of(make_plan(make_measure(), spiffs=[
        {**FEB, "to": "2026-01-01"}, {**FEB, "name": "New revenue", "per_unit": None,
                                     "amount": 5}]))
    assert "spiffs[1].to: 2026-01-01 is before from (2026-02-01)" in found
    assert any(p.startswith("spiffs[2]: ") and "amount needs at" in p for p in found), found
    found = problems_of(make_plan(make_measure(), spiffs=[{**FEB, "name": "New revenue"}]))
    assert found == ["spiffs: SPIFF name 'New revenue' is already a measure's or another "
                     "SPIFF's: the actuals CSV tells them apart by name"]
    plan = spiff_plan(FEB)
    with pytest.raises(InputError) as caught:
        parse_actuals(SPIFF_HEADER + revenue_rows("Q1") + "A,Q1,Feb push,3,,\n"
                      "A,Q1,Feb push,3,,14/02/2026\n", plan, "a.csv")
    assert [str(p) for p in caught.value.problems] == [
        "line 3: period 'Q1' has no dates: give the row a date, or write the period as "
        "2026-Q1, 2026-02 or 2026 (SPIFF 'Feb push' runs 2026-02-01 to 2026-02-28)",
        "line 4: date '14/02/2026' is not a date (write 2026-02-14)"]


# --------------------------------------------------------------------------- ramps

RAMP = [[1, 0.25], [2, 0.5], [3, 0.75], [4, 1.0]]
START_HEADER = "rep_id,period,measure,actual,quota,start\n"


def ramp_plan(**overrides):
    raw = make_plan(make_measure(quota=100000, threshold=None, curve=[[1.0, 1.0], [2.0, 3.0]]),
                    ramp=RAMP, **overrides)
    raw["pay"]["target_incentive"] = 40000  # 10,000 a quarter
    return plan_from_dict(raw)


def test_a_new_hire_ramp_and_a_mid_period_start_are_prorated() -> None:
    plan = ramp_plan()
    text = (START_HEADER
            # from 1 January: (31 x 0.25 + 28 x 0.5 + 31 x 0.75) / 90 = 0.5 of the quota
            + "N,2026-Q1,New revenue,50000,100000,2026-01-01\n"
            + "N,2026-Q2,New revenue,100000,100000,\n"  # months 4-6: the full quota
            # from 1 February: (28 x 0.25 + 31 x 0.5) / 90 = 0.25 of the quota, in post
            # 59 of 90 days: target 10,000 x 59 / 90 = 6,555.56, attainment 10,000 / 22,500
            + "M,2026-Q1,New revenue,10000,90000,2026-02-01\n"
            + "V,2026-Q1,New revenue,100000,100000,\n")  # no start: a veteran
    table = statement(plan, parse_actuals(text, plan))
    assert list(table["New revenue attainment"]) == [1.0, 1.0, 0.4444444444, 1.0]
    assert money(table["total_incentive"]) == ["10000.00", "10000.00", "2913.58", "10000.00"]


def test_start_dates_need_dated_periods_and_one_date_per_rep() -> None:
    plan = ramp_plan()
    text = (START_HEADER + "N,Q1,New revenue,1,1,2026-01-01\n"
            + "M,2026-Q1,New revenue,1,1,2026-01-01\nM,2026-Q2,New revenue,1,1,2026-02-01\n"
            + "L,2026-Q1,New revenue,1,1,2026-05-01\nK,2026-Q1,New revenue,1,1,soon\n")
    with pytest.raises(InputError) as caught:
        parse_actuals(text, plan, "a.csv")
    assert [str(p) for p in caught.value.problems] == [
        "line 4: start 2026-02-01 differs from 2026-01-01 on line 3 for rep 'M' (one start "
        "date per rep)",
        "line 6: start 'soon' is not a date (write 2026-02-14)",
        "line 2: period 'Q1' has no dates: with a start date write periods as 2026-Q1, "
        "2026-02 or 2026",
        "line 5: the rep starts on 2026-05-01, after the period '2026-Q1'",
    ]


def test_bad_ramps_are_named() -> None:
    assert problems_of(make_plan(make_measure(), ramp=[[2, 0.5]])) == [
        "ramp: the first row must be month 1 (the month a rep starts), not 2"]
    assert problems_of(make_plan(make_measure(), ramp=[[1, 0.5], [1, 0.7]])) == [
        "ramp: months must rise from row to row (1 -> 1)"]
    assert problems_of(make_plan(make_measure(), ramp=[[1, 0.0]])) == [
        "ramp: quota shares must be more than 0 and at most 1"]
