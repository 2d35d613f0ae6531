"""Actuals CSV -> payout table, and the spreadsheet-safe CSV it is written as."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from conftest import (
    EXAMPLES_DIR,
    PLANS_DIR,
    THREE_MEASURE_CSV,
    make_measure,
    make_plan,
    three_measure_plan,
    write_csv,
)

from simulator.base.csvfile import MAX_PROBLEMS
from simulator.base.errors import InputError
from simulator.plan.actuals import parse_actuals, payout_table, read_actuals
from simulator.plan.spec import PlanSpec, load_plan, plan_from_dict
from simulator.results.export import csv_bytes

HEADER = "rep_id,period,measure,actual,quota\n"


BASELINE_CSV = HEADER + (
    "R001,2026-Q1,New revenue,180000,180000\n"
    "R002,2026-Q1,New revenue,89999.99,180000\n"
    "R003,2026-Q1,New revenue,90000,180000\n"
    "R004,2026-Q1,New revenue,270000,180000\n"
    "R005,2026-Q1,New revenue,0,150000\n"
)


@pytest.fixture(scope="module")
def baseline() -> PlanSpec:
    """The baseline plan as first shipped: quarterly, 60,000 target, curve (0.5, 0.25)
    (1, 1) (1.5, 2), threshold 0.5, one measure "New revenue"."""
    return plan_from_dict(make_plan(name="Baseline"))


@pytest.fixture(scope="module")
def recommended() -> PlanSpec:
    return plan_from_dict(three_measure_plan())


EXAMPLES = sorted(EXAMPLES_DIR.glob("actuals_*.csv"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_csv_pays_out_with_its_plan(path: Path) -> None:
    plan = load_plan(PLANS_DIR / (path.stem.removeprefix("actuals_") + ".yaml"))
    table = payout_table(plan, read_actuals(path, plan))
    assert len(table) > 0
    assert all(v >= 0 for v in table["total_incentive"])


def problems_of(text: str, plan: PlanSpec) -> list[str]:
    with pytest.raises(InputError) as caught:
        parse_actuals(text, plan, "a.csv")
    lines = str(caught.value).splitlines()
    assert all(line.startswith("a.csv: ") for line in lines)
    return [line.removeprefix("a.csv: ") for line in lines]


# --------------------------------------------------------------------------- good files


def test_baseline_example_by_hand(baseline: PlanSpec) -> None:
    table = payout_table(baseline, parse_actuals(BASELINE_CSV, baseline))
    assert list(table.columns) == [
        "rep_id", "period", "New revenue attainment", "New revenue payout", "total_incentive",
    ]
    assert list(table["rep_id"]) == ["R001", "R002", "R003", "R004", "R005"]
    # quarterly target pay 60,000 / 4 = 15,000; curve (0.5, 0.25) (1, 1) (1.5, 2), threshold 0.5
    # R001 180,000 / 180,000 = 1.0 -> 15,000.00
    # R002 89,999.99 / 180,000 = 0.49999994 -> below the threshold -> 0.00
    # R003 90,000 / 180,000 = 0.5 exactly -> 0.25 -> 3,750.00
    # R004 270,000 / 180,000 = 1.5 -> 2.0 -> 30,000.00
    # R005 0 / 150,000 = 0 -> 0.00
    expected = ["15000.00", "0.00", "3750.00", "30000.00", "0.00"]
    assert list(table["New revenue payout"]) == [Decimal(v) for v in expected]
    assert list(table["total_incentive"]) == [Decimal(v) for v in expected]
    assert list(table["New revenue attainment"]) == [1.0, 0.4999999444, 0.5, 1.5, 0.0]


def test_three_measure_example_by_hand(recommended: PlanSpec) -> None:
    table = payout_table(recommended, parse_actuals(THREE_MEASURE_CSV, recommended))
    # R001: 13,750.00 + 1,687.50 + 1,556.25 (see test_plan_payout.test_three_measure_plan_by_hand)
    # R002: revenue 60,000 / 180,000 = 0.33 < 0.4 -> 0
    #       meetings 40 / 36 = 1.111 -> 1 + 1 x 0.111 = 1.111 -> 0.15 x 15,000 x 1.111 = 2,500.00
    #       csat 70 / 80 = 0.875 -> 0.5 + 2.5 x 0.075 = 0.6875 -> 0.10 x 15,000 x 0.6875 = 1,031.25
    assert list(table["total_incentive"]) == [Decimal("16993.75"), Decimal("3531.25")]
    assert list(table["Meetings held payout"]) == [Decimal("1687.50"), Decimal("2500.00")]
    assert list(table["Customer satisfaction payout"]) == [Decimal("1556.25"), Decimal("1031.25")]


def test_rows_in_any_order_are_grouped_by_rep_period(recommended: PlanSpec) -> None:
    text = HEADER + (
        "B,Q2,Customer satisfaction,80,80\n"
        "A,Q1,Meetings held,36,36\n"
        "B,Q2,New revenue,100,100\n"
        "A,Q1,Customer satisfaction,80,80\n"
        "B,Q2,Meetings held,18,36\n"
        "A,Q1,New revenue,50,100\n"
    )
    actuals = parse_actuals(text, recommended)
    assert actuals.keys == [("B", "Q2"), ("A", "Q1")]  # in the order they first appear
    np.testing.assert_array_equal(actuals.actual, [[100, 18, 80], [50, 36, 80]])
    np.testing.assert_array_equal(actuals.quota, [[100, 36, 80], [100, 36, 80]])


def test_direction_lower_from_csv() -> None:
    plan = plan_from_dict(make_plan(make_measure(
        name="Call minutes", metric="avg_call_minutes", direction="lower", quota=6,
        threshold=0.8, curve=[[0.8, 0.5], [1.0, 1.0], [1.2, 1.3]],
    )))
    text = HEADER + "R1,Q1,Call minutes,5,6\nR2,Q1,Call minutes,8,6\nR3,Q1,Call minutes,7.5,6\n"
    table = payout_table(plan, parse_actuals(text, plan))
    # 6 / 5 = 1.2 -> 1.3 x 15,000 = 19,500; 6 / 8 = 0.75 -> 0; 6 / 7.5 = 0.8 -> 7,500
    assert list(table["total_incentive"]) == [Decimal("19500.00"), Decimal("0"), Decimal("7500")]
    assert list(table["Call minutes attainment"]) == [1.2, 0.75, 0.8]


def test_threshold_exact_with_cents_in_the_csv() -> None:
    plan = plan_from_dict(make_plan(make_measure(threshold=0.8, curve=[[0.8, 0.5], [1, 1]])))
    # 120,000.08 / 150,000.10 = 0.8 exactly (0.7999999999999999 in floating point)
    text = HEADER + "R1,Q1,New revenue,120000.08,150000.10\nR2,Q1,New revenue,120000.07,150000.10\n"
    table = payout_table(plan, parse_actuals(text, plan))
    assert list(table["total_incentive"]) == [Decimal("7500.00"), Decimal("0.00")]


def test_half_away_from_zero_in_the_output(baseline: PlanSpec) -> None:
    plan = plan_from_dict(make_plan(make_measure(threshold=None, curve=[[0, 0], [1, 1]])))
    # 6,667.5 / 100,000 = 0.066675 x 15,000 = 1,000.125 -> 1,000.13 (not 1,000.12)
    table = payout_table(plan, parse_actuals(HEADER + "R1,Q1,New revenue,6667.5,100000\n", plan))
    assert table["total_incentive"][0] == Decimal("1000.13")


@pytest.mark.parametrize(
    ("cell", "value"),
    [("1000", 1000.0), ("1,000", 1000.0), ("1,000.50", 1000.5), (" 250.5 ", 250.5),
     ("1.5e3", 1500.0), ("+12", 12.0), ("0.", 0.0), (".5", 0.5)],
)
def test_number_formats_accepted(cell: str, value: float, baseline: PlanSpec) -> None:
    text = HEADER + f'R1,Q1,New revenue,"{cell}",2000\n'
    assert parse_actuals(text, baseline).actual[0, 0] == value


def test_header_order_bom_spaces_and_blank_lines(baseline: PlanSpec, tmp_path: Path) -> None:
    text = "quota , actual,measure,period,rep_id\n\n2000,1000,New revenue,Q1, R1 \n,,,,\n"
    actuals = parse_actuals("\ufeff" + text, baseline)
    assert actuals.keys == [("R1", "Q1")]
    assert actuals.actual[0, 0] == 1000.0
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeff".encode() + text.encode())
    assert read_actuals(path, baseline).quota[0, 0] == 2000.0


def test_trailing_empty_cells_are_fine(baseline: PlanSpec) -> None:
    assert parse_actuals(HEADER + "R1,Q1,New revenue,1,2,,\n", baseline).keys == [("R1", "Q1")]


# --------------------------------------------------------------------------- bad files


def test_missing_column(baseline: PlanSpec) -> None:
    assert problems_of("rep_id,period,measure,actual\nR1,Q1,New revenue,5\n", baseline) == [
        "line 1: missing column(s): quota (need rep_id,period,measure,actual,quota)"
    ]


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("R1,Q1,New revenue,lots,100", "line 2: actual 'lots' is not a number"),
        ("R1,Q1,New revenue,,100", "line 2: actual '' is not a number"),
        ("R1,Q1,New revenue,nan,100", "line 2: actual 'nan' is not a number"),
        ("R1,Q1,New revenue,inf,100", "line 2: actual 'inf' is not a number"),
        ('R1,Q1,New revenue,"12,5",100', "line 2: actual '12,5' is not a number"),
        ("R1,Q1,New revenue,1_000,100", "line 2: actual '1_000' is not a number"),
        ("R1,Q1,New revenue,5,abc", "line 2: quota 'abc' is not a number"),
        ("R1,Q1,New revenue,5,0", "line 2: quota 0 must be greater than 0"),
        ("R1,Q1,New revenue,5,-100", "line 2: quota -100 must be greater than 0"),
        ("R1,Q1,New revenue,-5,100", "line 2: actual -5 is negative"),
        ("R1,Q1,Revenue,5,100",
         "line 2: measure 'Revenue' is not in plan 'Baseline' (it has 'New revenue')"),
        (",Q1,New revenue,5,100", "line 2: rep_id is empty"),
        ("R1,,New revenue,5,100", "line 2: period is empty"),
        ("R1,Q1,New revenue,5", "line 2: has 4 fields, the header has 5"),
        ("R1,Q1,New revenue,180,000,200,000",
         "line 2: has 7 fields, the header has 5 (put numbers with commas in quotes)"),
    ],
)
def test_bad_row(row: str, problem: str, baseline: PlanSpec) -> None:
    assert problems_of(HEADER + row + "\n", baseline) == [problem]


def test_duplicate_row_names_the_first(baseline: PlanSpec) -> None:
    text = HEADER + "R1,Q1,New revenue,5,100\nR2,Q1,New revenue,5,100\nR1,Q1,New revenue,6,100\n"
    assert problems_of(text, baseline) == [
        "line 4: duplicate row for rep 'R1', period 'Q1', measure 'New revenue' (first on line 2)"
    ]


def test_missing_measure_row_for_a_rep_period(recommended: PlanSpec) -> None:
    text = HEADER + (
        "R1,Q1,New revenue,100,100\n"
        "R1,Q1,Meetings held,36,36\n"
        "R2,Q1,Meetings held,36,36\n"
    )
    assert problems_of(text, recommended) == [
        "line 2: rep 'R1', period 'Q1' has no row for measure 'Customer satisfaction' "
        "(every rep-period needs one row per plan measure)",
        "line 4: rep 'R2', period 'Q1' has no row for measure 'New revenue' "
        "(every rep-period needs one row per plan measure)",
        "line 4: rep 'R2', period 'Q1' has no row for measure 'Customer satisfaction' "
        "(every rep-period needs one row per plan measure)",
    ]


def test_zero_actual_on_a_lower_is_better_measure() -> None:
    plan = plan_from_dict(make_plan(make_measure(
        name="Call minutes", metric="avg_call_minutes", direction="lower", quota=6)))
    assert problems_of(HEADER + "R1,Q1,Call minutes,0,6\n", plan) == [
        "line 2: actual is 0 for lower-is-better measure 'Call minutes'"
    ]


@pytest.mark.parametrize(("text", "problem"), [
    ("", "file is empty"), ("\n\n  \n", "file is empty"), ("\ufeff", "file is empty"),
    (HEADER, "no data rows"), (HEADER.strip(), "no data rows"),
    (HEADER + "\n,,,,\n", "no data rows"),
])
def test_empty(text: str, problem: str, baseline: PlanSpec) -> None:
    assert problems_of(text, baseline) == [problem]


def test_every_bad_row_is_reported(baseline: PlanSpec) -> None:
    text = HEADER + "R1,Q1,New revenue,x,0\nR2,Q1,Nope,1,1\nR3,Q1,New revenue,1,1\n"
    assert problems_of(text, baseline) == [
        "line 2: actual 'x' is not a number",
        "line 2: quota 0 must be greater than 0",
        "line 3: measure 'Nope' is not in plan 'Baseline' (it has 'New revenue')",
    ]


def test_problem_list_is_bounded(baseline: PlanSpec) -> None:
    text = HEADER + "".join(f"R{i},Q1,New revenue,x,1\n" for i in range(200))
    problems = problems_of(text, baseline)
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1] == "... and 150 more problems"


def test_malformed_csv_is_an_input_error(baseline: PlanSpec) -> None:
    text = HEADER + "R1,Q1,New revenue," + "9" * 200_000 + ",1\n"
    [problem] = problems_of(text, baseline)
    assert problem.startswith("line 2: not valid CSV: ")


def test_read_actuals_file_errors(tmp_path: Path, baseline: PlanSpec) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_actuals(tmp_path / "none.csv", baseline)
    path = tmp_path / "latin1.csv"
    path.write_bytes(HEADER.encode() + "R\xe9,Q1,New revenue,1,2\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_actuals(path, baseline)
    with pytest.raises(InputError) as caught:
        read_actuals(write_csv(tmp_path, HEADER + "R1,Q1,New revenue,1,0\n"), baseline)
    expected = f"{tmp_path / 'actuals.csv'}: line 2: quota 0 must be greater than 0"
    assert str(caught.value) == expected


# --------------------------------------------------------------------------- safe output, hints


def test_payout_table_csv_is_safe(baseline: PlanSpec) -> None:
    text = HEADER + (
        '"=HYPERLINK(""http://evil"",""x"")",Q1,New revenue,1,1\n'
        "+1,Q1,New revenue,1,1\n-1,Q1,New revenue,1,1\n@x,Q1,New revenue,1,1\n"
        "R5,=2+3,New revenue,1,1\n"
    )
    rows = list(csv.DictReader(io.StringIO(csv_bytes(
        payout_table(baseline, parse_actuals(text, baseline))).decode())))
    assert [r["rep_id"] for r in rows] == [
        "'=HYPERLINK(\"http://evil\",\"x\")", "'+1", "'-1", "'@x", "R5"]
    assert rows[-1]["period"] == "'=2+3"
    assert {r["total_incentive"] for r in rows} == {"15000.00"}


def test_semicolon_separated_file_gets_a_hint(baseline: PlanSpec) -> None:
    text = "rep_id;period;measure;actual;quota\nR1;Q1;New revenue;5;10\n"
    with pytest.raises(InputError) as error:
        parse_actuals(text, baseline, "semi.csv")
    assert "semi.csv: line 1: missing column(s)" in str(error.value)
    assert "separate columns with ';'" in str(error.value)


# --------------------------------------------------------------------------- per-rep terms


def test_a_target_incentive_column_overrides_the_plans_for_its_rep_period() -> None:
    plan = load_plan(PLANS_DIR / "baseline.yaml")  # 60,000 a year: 15,000 a quarter
    text = ("rep_id,period,measure,actual,quota,target_incentive\n"
            "R1,Q1,New revenue,180000,180000,80000\n"  # 80,000 / 4 at 100%
            "R2,Q1,New revenue,180000,180000,\n"  # empty: the plan's
            "R3,Q1,New revenue,270000,180000,\"100,000\"\n"  # 2.0 x 25,000
            "R4,Q1,New revenue,135000,180000,60001\n")  # 0.625 x 15,000.25 = 9,375.15625
    table = payout_table(plan, parse_actuals(text, plan))
    assert [str(v) for v in table["total_incentive"]] == [
        "20000.00", "15000.00", "50000.00", "9375.16"]


def test_without_the_column_every_rep_gets_the_plans_target() -> None:
    plan = load_plan(PLANS_DIR / "baseline.yaml")
    actuals = parse_actuals(HEADER + "R1,Q1,New revenue,180000,180000\n", plan)
    assert actuals.target_incentive is None
    assert str(payout_table(plan, actuals)["total_incentive"][0]) == "15000.00"


def test_bad_target_incentives_are_named_by_line() -> None:
    plan = plan_from_dict(three_measure_plan())
    names = [m.name for m in plan.measures]
    rows = "".join(f"R1,Q1,{n},1,1,{t}\n" for n, t in zip(names, ("50000", "50001", ""),
                                                           strict=True))
    text = ("rep_id,period,measure,actual,quota,target_incentive\n" + rows
            + f"R2,Q1,{names[0]},1,1,abc\nR3,Q1,{names[0]},1,1,-5\n")
    with pytest.raises(InputError) as caught:
        parse_actuals(text, plan, "a.csv")
    found = [str(p) for p in caught.value.problems]
    assert ("line 3: target_incentive 50001 differs from 50000 on line 2 for rep 'R1', "
            "period 'Q1' (one value per rep-period)") in found
    assert "line 5: target_incentive 'abc' is not a number" in found
    assert ("line 6: target_incentive -5 must be more than 0 and at most "
            "1,000,000,000,000 (per rep per year)") in found


def test_a_currency_column_when_the_plan_states_one() -> None:
    raw = make_plan(make_measure(), currency="EUR")
    plan = plan_from_dict(raw)
    table = payout_table(plan, parse_actuals(HEADER + "R1,Q1,New revenue,1,1\n", plan))
    assert list(table.columns)[-1] == "currency" and table["currency"][0] == "EUR"
