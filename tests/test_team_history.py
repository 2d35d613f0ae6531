"""simulator.team.history: the history CSV reader (periods, granularity, duplicates, NA)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.base.errors import InputError
from simulator.team.history import MISSING, parse_history, parse_period, period_label

HEADER = "rep_id,period,metric,actual,quota\n"
GOOD = (
    HEADER
    + "A,2025-01,revenue,50000,60000\n"
    "A,2025-02,revenue,61000,60000\n"
    "B,2025-01,revenue,40000,\n"
    "B,2025-02,revenue,42000,\n"
)


def problems(text: str) -> list[str]:
    """The problems parse_history reports for a text, one line each (without the source)."""
    with pytest.raises(InputError) as caught:
        parse_history(text, "h.csv")
    return [str(p) for p in caught.value.problems]


# --------------------------------------------------------------------------- the good cases


def test_good_small_history_parses() -> None:
    history = parse_history(GOOD, "h.csv")
    assert history.granularity == "month"
    assert history.periods == ["2025-01", "2025-02"]
    rows = history.metric("revenue")
    assert list(rows["line"]) == [2, 3, 4, 5]
    assert rows["quota"].isna().sum() == 2


def test_parser_accepts_quarters_bom_extra_columns_and_no_quota() -> None:
    text = "\ufeffRep_ID,Period,Metric,Actual,Region\nA,2025-q1,Revenue,\"1,000\",EU\n"
    history = parse_history(text)
    assert history.granularity == "quarter"
    assert history.periods == ["2025-Q1"]
    assert history.rows["actual"].tolist() == [1000.0]


def test_periods_in_time_order_rows_in_file_order() -> None:
    text = (HEADER + "B,2025-03,revenue,3,\nA,2024-12,revenue,1,\nA,2025-03,revenue,2,\n"
            "A,2025-01,deals,4,\n")
    history = parse_history(text)
    assert history.periods == ["2024-12", "2025-01", "2025-03"]  # a gap is kept as a gap
    rows = history.metric("revenue")
    assert list(rows["rep_id"]) == ["B", "A", "A"]
    assert list(rows["line"]) == [2, 3, 4]
    assert list(rows["index"]) == [2025 * 12 + 2, 2024 * 12 + 11, 2025 * 12 + 2]
    assert list(rows["season"]) == [2, 11, 2]
    assert history.metrics == ["revenue", "deals"]


@pytest.mark.parametrize(("text", "granularity", "months", "seasons"),
                         [("2025-07", "month", 1, 12), ("2025-Q3", "quarter", 3, 4)])
def test_granularity_sets_months_and_seasons(text: str, granularity: str, months: int,
                                             seasons: int) -> None:
    history = parse_history(f"{HEADER}A,{text},revenue,5,\n")
    assert history.granularity == granularity
    assert history.months_per_period == months
    assert history.n_seasons == seasons


def test_quota_cells() -> None:
    text = HEADER + 'A,2025-01,revenue,5,"1,200"\nA,2025-02,revenue,5, \n'
    quotas = parse_history(text).rows["quota"].tolist()
    assert quotas[0] == 1200.0 and math.isnan(quotas[1])
    assert any("quota 0 must be greater than 0" in p
               for p in problems(HEADER + "A,2025-01,revenue,5,0\n"))


# --------------------------------------------------------------------------- periods


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-03", ("month", 2025 * 12 + 2, 2)),
    (" 2025-12 ", ("month", 2025 * 12 + 11, 11)),
    ("1900-01", ("month", 1900 * 12, 0)),
    ("2025-Q1", ("quarter", 2025 * 4, 0)),
    ("2025-q4", ("quarter", 2025 * 4 + 3, 3)),
])
def test_period_formats(text: str, expected: tuple[str, int, int]) -> None:
    assert parse_period(text) == expected


@pytest.mark.parametrize("text", [
    "2025-3", "2025-13", "2025-00", "2025-Q0", "2025-Q5", "2025Q1", "2025-Q12", "25-03",
    "2025/03", "2025-03-01", "03-2025", "March 2025", "1899-12", "2201-01", "", "Q1-2025",
])
def test_not_a_period(text: str) -> None:
    assert parse_period(text) is None


@given(st.sampled_from(["month", "quarter"]), st.integers(1900, 2200), st.integers(0, 11))
def test_label_and_parse_round_trip(granularity: str, year: int, season: int) -> None:
    n = 12 if granularity == "month" else 4
    index = year * n + season % n
    label = period_label(granularity, index)  # type: ignore[arg-type]
    assert parse_period(label) == (granularity, index, season % n)


def test_mixed_granularity_is_rejected_on_every_row_that_differs() -> None:
    text = HEADER + "A,2025-Q1,revenue,5,\nA,2025-02,revenue,5,\nB,2025-03,revenue,5,\n"
    found = problems(text)
    assert found == [
        f"line {line}: period {period!r} is a month, but this file has quarters (from line 2); "
        "use one granularity per file"
        for line, period in ((3, "2025-02"), (4, "2025-03"))
    ]


def test_a_bad_period_does_not_set_the_granularity() -> None:
    found = problems(HEADER + "A,2025-13,revenue,5,\nA,2025-Q2,revenue,5,\nA,2025-05,revenue,5,\n")
    assert found[0].startswith("line 2: period '2025-13' is not a month")
    assert found[1] == ("line 4: period '2025-05' is a month, but this file has quarters "
                        "(from line 3); use one granularity per file")
    assert len(found) == 2


# --------------------------------------------------------------------------- duplicates


def test_duplicates_after_normalising_period_metric_and_rep() -> None:
    text = (HEADER + "A,2025-q1,Revenue,5,\n A ,2025-Q1,revenue,6,\n"
            "A,2025-Q1,deals,2,\nB,2025-Q1,revenue,7,\n")
    assert problems(text) == [
        "line 3: duplicate row for rep 'A', period '2025-Q1', metric 'revenue' (first on line 2)"
    ]


def test_a_missing_actual_still_counts_for_duplicates() -> None:
    found = problems(GOOD + "C,2025-01,revenue,NA,\nC,2025-01,revenue,7,\n")
    assert found == ["line 7: duplicate row for rep 'C', period '2025-01', "
                     "metric 'revenue' (first on line 6)"]


def test_every_problem_is_reported(tmp_path: Path) -> None:
    text = GOOD + "C,2025-13,revenu,x,\nA,2025-02,revenue,1,\n"
    with pytest.raises(InputError) as caught:
        parse_history(text, "h.csv")
    lines = str(caught.value).splitlines()
    assert any("line 6" in line and "period" in line for line in lines)
    assert any("line 6" in line and "metric" in line for line in lines)
    assert any("line 6" in line and "not a number" in line for line in lines)
    assert any("line 7" in line and "duplicate" in line for line in lines)


# --------------------------------------------------------------------------- missing actuals


@pytest.mark.parametrize("cell", ["", "NA", "n/a", "NaN", "null", "None", " na ", "N/A"])
def test_na_actual_is_a_missing_period(cell: str) -> None:
    assert cell.strip().lower() in MISSING
    history = parse_history(GOOD + f"C,2025-01,revenue,{cell},\nC,2025-02,revenue,45000,\n")
    assert history.missing_lines == (6,)
    rows = history.metric("revenue")
    assert len(rows) == 5  # the missing row is skipped, not read as 0
    assert list(rows.loc[rows["rep_id"] == "C", "period"]) == ["2025-02"]


def test_missing_lines_count_every_metric_in_file_order() -> None:
    text = GOOD + "C,2025-01,deals,,\nC,2025-01,revenue,NA,5\nC,2025-02,revenue,1,\n"
    assert parse_history(text).missing_lines == (6, 7)


def test_a_missing_actual_with_another_problem_is_a_problem_not_missing() -> None:
    found = problems(GOOD + "C,2025-13,revenue,NA,\n")
    assert found == ["line 6: period '2025-13' is not a month like 2025-03 or a quarter "
                     "like 2025-Q1"]


@pytest.mark.parametrize("cell", ["12x4", "12,5", "1,2,3", "1_000", "inf", "--5"])
def test_not_a_number_is_not_missing(cell: str) -> None:
    assert problems(GOOD + f'C,2025-01,revenue,"{cell}",\n') == [
        f"line 6: actual {cell!r} is not a number"
    ]
