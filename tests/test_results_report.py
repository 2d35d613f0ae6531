"""The comparison in words (simulator.results.report): money, percentages, table and notes."""

from __future__ import annotations

import dataclasses

import pytest
from result_factory import comparison, measure, plan_result

from simulator.results.report import comparison_table, money, percent, what_happens
from simulator.results.summary import Difference, EffortFigures, VsReference

# --------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(("value", "text"), [
    (0, "0"), (7.4, "7"), (1_234, "1,234"), (9_999, "9,999"),
    (10_000, "10.0k"), (56_700, "56.7k"), (56_749, "56.7k"), (56_750, "56.8k"),
    (1_000_000, "1.00M"), (1_234_567, "1.23M"), (12_345_678, "12.35M"),
    (1_500_000_000, "1,500.00M"),
    (-1_234, "-1,234"), (-56_700, "-56.7k"), (-12_345_678, "-12.35M"),
])
def test_money(value: float, text: str) -> None:
    assert money(value) == text


@pytest.mark.xfail(strict=True, reason=(
    "formatting bug: money() picks the unit before rounding, so 999,960 prints as "
    "'1,000.0k' (not '1.00M') and -0.4 as '-0' (a negative zero)"))
@pytest.mark.parametrize(("value", "text"), [(999_960, "1.00M"), (-0.4, "0")],
                         ids=["thousand-k", "negative-zero"])
def test_money_at_the_rounding_edges(value: float, text: str) -> None:
    assert money(value) == text


@pytest.mark.parametrize(("value", "digits", "text"), [
    (0.567, 0, "57%"), (0.12345, 1, "12.3%"), (1.0, 0, "100%"), (0.0, 1, "0.0%"),
    (-0.05, 0, "-5%"), (0.004, 0, "0%"), (2.5, 0, "250%"),
])
def test_percent(value: float, digits: int, text: str) -> None:
    assert percent(value, digits) == text


# --------------------------------------------------------------------------- table


def three_plans():  # type: ignore[no-untyped-def]
    down = VsReference(Difference(-2e6, -2.6e6, -1.4e6), Difference(-1e5, -1.5e5, -5e4))
    return comparison(
        plan_result(name="Baseline"),
        plan_result(name="A much longer plan name", vs_first=down),
        plan_result(name="Third"),
    )


def test_comparison_table_has_a_column_per_plan_reference_first() -> None:
    result = three_plans()
    lines = comparison_table(result).splitlines()
    assert lines[0] == "Inside sales (default): 50 reps, 3 plan years, seed 0, adaptive behaviour"
    # what the figures rest on comes before them: normal effort, what intervals cover
    assert lines[1].startswith("Normal effort: the plan in force")
    assert "luck of the simulated years only" in lines[2]
    header = lines[4]
    positions = [header.index(p.name) for p in result.plans]
    assert positions == sorted(positions)  # the reference first, then in order
    rows = lines[5:lines.index("", 5)]
    assert len(rows) == 19  # 14, deals pulled in and their discount, three of turnover
    assert rows[0].startswith("team sales / year, mean")
    # every row lines up: cells end where their plan's name ends in the header
    ends = [header.index(p.name) + len(p.name) for p in result.plans]
    for row in rows:
        for end in ends:
            assert row[end - 1] != " ", row
            assert end == len(row) or row[end] == " ", row


def test_a_comparison_in_a_stated_currency_names_it_once_in_its_first_line() -> None:
    plain = comparison_table(three_plans()).splitlines()
    euros = comparison_table(dataclasses.replace(three_plans(), currency="EUR")).splitlines()
    assert euros[0] == ("Inside sales (default): 50 reps, 3 plan years, seed 0, adaptive "
                        "behaviour, amounts in EUR")
    assert euros[1:] == plain[1:]  # the numbers stay bare: no sign before every amount
    assert "EUR" not in "\n".join(euros[1:]) and "$" not in "\n".join(euros)


def test_comparison_table_cells() -> None:
    text = comparison_table(three_plans())
    vs_first = [line for line in text.splitlines() if line.startswith("  vs first")]
    assert "+0 [0, 0]" in vs_first[0]
    assert "-2.00M [-2.60M, -1.40M]" in vs_first[0]  # sales
    assert "-100.0k [-150.0k, -50.0k]" in vs_first[1]  # payout
    assert "42.00M" in text and "55%" in text and "1.30" in text


def test_comparison_table_carries_the_notes_named_by_plan() -> None:
    text = comparison_table(three_plans())
    assert "A much longer plan name: team sales fall 4.8% against Baseline." in text.splitlines()


# --------------------------------------------------------------------------- what happens


REFERENCE = plan_result()


def notes(**fields: object) -> list[str]:
    return what_happens(plan_result(**fields), REFERENCE)


def test_a_quiet_plan_has_nothing_to_say() -> None:
    assert notes() == []
    assert what_happens(REFERENCE, REFERENCE) == []


@pytest.mark.parametrize(("fields", "expected"), [
    ({"gave_up": 0.05}, "5% of rep-quarters are spent mostly at minimum effort (given up): "
                        "the threshold or quota is out of reach for them."),
    ({"capped": 0.05}, "5% of rep-quarters hit a cap; past it extra sales pay nothing, so "
                       "effort drops."),
    ({"deferred_sales_share": 0.01}, "1.0% of sales are pushed into a later quarter."),
    ({"at_quota": 0.39}, "only 39% of rep-quarters reach quota (sound plans: 50-65%)."),
    ({"at_quota": 0.81}, "81% of rep-quarters reach quota: the quota may be set too low."),
    ({"period": "month", "gave_up": 0.2},
     "20% of rep-months are spent mostly at minimum effort (given up): the threshold or quota "
     "is out of reach for them."),
])
def test_notes_fire_at_their_thresholds(fields: dict[str, object], expected: str) -> None:
    assert notes(**fields) == [expected]


@pytest.mark.parametrize("fields", [
    {"gave_up": 0.0499}, {"capped": 0.0499}, {"deferred_sales_share": 0.0099},
    {"at_quota": 0.40}, {"at_quota": 0.80},
])
def test_notes_stay_quiet_under_their_thresholds(fields: dict[str, object]) -> None:
    assert notes(**fields) == []


def test_giving_up_at_a_cap_is_called_coasting() -> None:
    said = notes(gave_up=0.3, capped=0.5)
    assert said[0].endswith("(given up): most of them coast after hitting the cap.")
    assert said[1].startswith("50% of rep-quarters hit a cap")


def test_ignored_measures_are_named() -> None:
    measures = (measure("Revenue", weight=0.9), measure("CRM", tracked=False, weight=0.05),
                measure("Training", tracked=False, weight=0.05))
    assert notes(measures=measures) == [
        "2 measure(s) weigh too little to matter and are ignored: CRM, Training."]


def test_more_than_five_measures_split_attention() -> None:
    five = tuple(measure(f"M{i}", weight=0.2) for i in range(5))
    assert notes(measures=five) == []
    six = (*five, measure("M5", weight=0.0))
    assert notes(measures=six) == [
        "6 measures split attention (seed advice: no more than 4-5)."]


@pytest.mark.parametrize(("diff", "expected"), [
    (Difference(2.1e6, 1.5e6, 2.7e6), ["team sales rise 5.0% against Baseline."]),
    (Difference(-2.1e6, -2.7e6, -1.5e6), ["team sales fall 5.0% against Baseline."]),
    (Difference(0.5e6, -0.1e6, 1.1e6), []),  # the interval holds 0: no claim
])
def test_sales_change_against_the_reference_only_when_the_interval_excludes_zero(
        diff: Difference, expected: list[str]) -> None:
    plan = plan_result(name="Other", vs_first=VsReference(diff, Difference(0, 0, 0)))
    assert what_happens(plan, REFERENCE) == expected


def test_the_reference_never_compares_with_itself() -> None:
    odd = dataclasses.replace(REFERENCE, vs_first=VsReference(Difference(1e6, 0.5e6, 1.5e6),
                                                                Difference(0, 0, 0)))
    assert what_happens(odd, odd) == []


def test_several_notes_come_in_a_fixed_order() -> None:
    plan = plan_result(effort=EffortFigures(0.9, 0.1, 0.2), deferred_sales_share=0.02,
                       at_quota=0.3)
    said = what_happens(plan, REFERENCE)
    assert len(said) == 4
    assert said[0].startswith("10% of rep-quarters are spent")
    assert said[1].startswith("20% of rep-quarters hit a cap")
    assert said[2].startswith("2.0% of sales")
    assert said[3].startswith("only 30%")


def test_a_plan_that_loses_reps_says_so_and_what_it_costs() -> None:
    reference = plan_result()
    assert reference.turnover is not None
    leaves = plan_result(name="Pay cut", turnover=dataclasses.replace(
        reference.turnover, leavers_share=0.5, lost_sales_vs_today=2.5e6))
    notes = what_happens(leaves, reference)
    assert "more reps leave: 50% a year against 30%; the empty seats and new hires' ramps " \
           "cost 2.50M of sales a year (in the sales figure)." in notes
    table = comparison_table(comparison(reference, leaves))
    assert "reps leaving in a year" in table and "of which beyond today's leaving" in table
