"""Deal-level exports: cells, headers, won stages, crediting to the cent, activities, errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from simulator.base.errors import InputError
from simulator.plan.actuals import payout_table
from simulator.plan.spec import plan_from_dict
from simulator.team.deals import (
    NO_MAPPING,
    deal_actuals,
    deal_history,
    mapping_from_text,
    parse_deals,
    read_deals,
)
from simulator.team.deals.cells import (
    CellError,
    date_order_in,
    parse_amount,
    parse_date,
    parse_duration,
)
from simulator.team.deals.opportunities import parse_opportunities
from simulator.team.deals.report import credit_report, credit_summary

EXAMPLES = Path(__file__).resolve().parent.parent / "plans" / "examples"

OPPS = """Opportunity Owner,Opportunity ID,Stage,Amount,Close Date
Ann,D1,Closed Won,"$1,000.01",2025-03-15
Bob,D2,Closed Won,$500.00,2025-08-01
Ann,D3,Closed Won,333.33,2025-06-30
Cat,D4,Closed Lost,900,2025-05-01
"""
SPLITS = """Opportunity ID,Team Member,Split Percentage,Split Type
D1,Ann,60%,Revenue
D1,Bob,40%,Revenue
D2,Sam,,Overlay
"""
HIERARCHY = """rep_id,manager,from,to
Ann,Mia,2025-01-01,2025-06-30
Ann,Ned,2025-07-01,
Bob,Ned,2025-01-01,
"""


def deals(**files: str):
    texts = {k: (v, f"{k}.csv") for k, v in files.items()}
    return parse_deals(texts.pop("opportunities", (OPPS, "opps.csv")), **texts)


@pytest.mark.parametrize(("text", "value"), [
    ("$1,234.56", 1234.56), ("1234.5", 1234.5), ("USD 12,000", 12000.0), ("€ 99", 99.0),
    ("12 000", 12000.0), ("(250.00)", -250.0), ("1,000,000", 1e6), ("£3", 3.0)])
def test_amounts_with_signs_and_thousands(text: str, value: float) -> None:
    assert parse_amount(text) == pytest.approx(value)


def test_decimal_comma_only_when_said() -> None:
    with pytest.raises(CellError, match="decimal comma"):
        parse_amount("1.234,56")
    with pytest.raises(CellError, match="decimal comma"):
        parse_amount("12,5")
    assert parse_amount("€1.234,56", "comma") == pytest.approx(1234.56)
    assert parse_amount("1 234,5", "comma") == pytest.approx(1234.5)


@pytest.mark.parametrize(("text", "day"), [
    ("2025-03-31", dt.date(2025, 3, 31)), ("2025-03-31T17:02:00Z", dt.date(2025, 3, 31)),
    ("2025-03-31 14:15", dt.date(2025, 3, 31)), ("3/31/2025", dt.date(2025, 3, 31)),
    ("31/03/2025", dt.date(2025, 3, 31)), ("31.03.2025", dt.date(2025, 3, 31)),
    ("03.04.2025", dt.date(2025, 4, 3)), ("5/5/2025", dt.date(2025, 5, 5)),
    ("Mar 31, 2025", dt.date(2025, 3, 31)), ("31-Mar-2025", dt.date(2025, 3, 31)),
    ("3/31/2025 2:15 PM", dt.date(2025, 3, 31))])
def test_dates_in_iso_us_and_european_forms(text: str, day: dt.date) -> None:
    assert parse_date(text) == day


def test_ambiguous_dates_are_refused_not_guessed() -> None:
    with pytest.raises(CellError, match="ambiguous: March 4 or April 3"):
        parse_date("03/04/2025")
    assert parse_date("03/04/2025", "month-first") == dt.date(2025, 3, 4)
    assert parse_date("03/04/2025", "day-first") == dt.date(2025, 4, 3)
    with pytest.raises(CellError, match="not a month-first date"):
        parse_date("31/03/2025", "month-first")
    with pytest.raises(CellError, match="two-digit year"):
        parse_date("3/31/25")
    with pytest.raises(CellError, match="no day 30 in month 2"):
        parse_date("2025-02-30")


@pytest.mark.parametrize(("dates", "order"), [
    (["3/15/2025", "03/04/2025"], "month-first"), (["15/03/2025", "03/04/2025"], "day-first"),
    (["03/04/2025", "2025-08-01", "05.06.2025"], None),  # nothing unambiguous with a slash
    (["3/15/2025", "15/03/2025"], None),  # both orders: the file says nothing
])
def test_a_columns_unambiguous_dates_give_its_order(dates: list[str], order: str | None
                                                    ) -> None:
    text = "Owner,Close Date\n" + "".join(f"Ann,{d}\n" for d in dates)
    assert date_order_in(text, ["Close Date"]) == order
    assert date_order_in(text, ["Owner"]) is None


def test_an_export_with_us_dates_is_read_month_first_throughout() -> None:
    us = OPPS.replace("2025-03-15", "3/15/2025").replace("2025-08-01", "08/01/2025")
    closes = {d.deal_id: d.close for d in parse_opportunities(us, "o.csv", NO_MAPPING).deals}
    assert (closes["D1"], closes["D2"]) == (dt.date(2025, 3, 15), dt.date(2025, 8, 1))
    european = OPPS.replace("2025-03-15", "15/03/2025").replace("2025-08-01", "08/01/2025")
    closes = {d.deal_id: d.close
              for d in parse_opportunities(european, "o.csv", NO_MAPPING).deals}
    assert closes["D2"] == dt.date(2025, 1, 8)


def test_durations() -> None:
    assert parse_duration("1:02:03") == 3723
    assert parse_duration("12:30") == 750
    assert parse_duration("90") == 90
    assert parse_duration("2", "minutes") == 120
    assert parse_duration("") == 0


def test_crediting_split_overlay_and_rollup_to_the_cent() -> None:
    data = deals(splits=SPLITS, hierarchy=HIERARCHY)
    c = data.credits
    rows = {(r.deal_id, r.rep_id, r.role): (r.credit, r.via) for r in c.itertuples()}
    assert rows == {
        ("D1", "Ann", "split"): (60001, ""), ("D1", "Bob", "split"): (40000, ""),
        ("D1", "Mia", "rollup"): (60001, "Ann"), ("D1", "Ned", "rollup"): (40000, "Bob"),
        ("D2", "Bob", "owner"): (50000, ""), ("D2", "Ned", "rollup"): (50000, "Bob"),
        ("D2", "Sam", "overlay"): (50000, ""),
        ("D3", "Ann", "owner"): (33333, ""), ("D3", "Mia", "rollup"): (33333, "Ann"),
    }
    summary = credit_summary(data).set_index("rep_id")
    assert summary["total"].to_dict() == {"Ann": 933.34, "Bob": 900.0, "Mia": 933.34,
                                          "Ned": 900.0, "Sam": 500.0}
    assert summary.loc["Mia", "rollup"] == 933.34 and summary.loc["Ann", "split"] == 600.01
    report = credit_report(data)
    assert set(report["deal_id"]) == {"D1", "D2", "D3"}  # every won deal, not the lost one
    assert list(report.loc[report["deal_id"] == "D1", "credit"]) == [
        "600.01", "600.01", "400.00", "400.00"]


def test_payout_of_credited_deals_to_the_cent() -> None:
    quotas = ("rep_id,period,quota\n" + "".join(
        f"{r},2025-Q{q},1000\n" for r in ("Ann", "Bob", "Mia", "Ned", "Sam")
        for q in (1, 2, 3)))
    data = deals(splits=SPLITS, hierarchy=HIERARCHY, quotas=quotas)
    plan = plan_from_dict({"name": "P", "period": "quarter", "pay": {
        "base_salary": 1, "target_incentive": 4000}, "measures": [{
            "name": "Revenue", "metric": "revenue", "weight": 1.0, "quota": 1000,
            "curve": [[0, 0], [1, 1]]}]}, "p")
    actuals = deal_actuals(data, plan)
    got = dict(zip(actuals.keys, actuals.actual[:, 0], strict=True))
    assert got[("Ann", "2025-Q1")] == 600.01 and got[("Ann", "2025-Q2")] == 333.33
    assert got[("Mia", "2025-Q2")] == 333.33 and got[("Ned", "2025-Q3")] == 500.0
    assert got[("Ann", "2025-Q3")] == 0.0 and got[("Sam", "2025-Q3")] == 500.0
    table = payout_table(plan, actuals).set_index(["rep_id", "period"])
    # 1,000 a quarter pays a quarter of 4,000 at 100%: 600.01 is 600.01
    assert float(table.loc[("Ann", "2025-Q1"), "total_incentive"]) == 600.01
    assert float(table.loc[("Mia", "2025-Q1"), "total_incentive"]) == 600.01


def test_a_credited_rep_without_a_quota_cannot_be_paid() -> None:
    data = deals(splits=SPLITS, quotas="rep_id,period,quota\nAnn,2025-Q1,1000\n")
    plan = plan_from_dict({"name": "P", "period": "quarter", "pay": {
        "base_salary": 1, "target_incentive": 4000}, "measures": [{
            "name": "Revenue", "metric": "revenue", "weight": 1.0, "quota": 1000,
            "curve": [[0, 0], [1, 1]]}]}, "p")
    with pytest.raises(InputError, match="'Bob' is credited 400.00 in 2025-Q1 but has no quota"):
        deal_actuals(data, plan)


@pytest.mark.parametrize(("files", "source", "message"), [
    ({"opportunities": "Name,Stage,Amount,Close Date\nx,Closed Won,1,2025-01-01\n"},
     "opportunities.csv", "line 1: no owner column"),
    ({"splits": "deal_id,rep_id,share\nD1,Ann,0.5\nD1,Bob,0.4\n"}, "splits.csv",
     "line 2: split shares of deal 'D1' sum to 0.9 (90%, lines 2, 3), not 1"),
    ({"opportunities": OPPS.replace("Closed Lost", "Booked")}, "opportunities.csv",
     "line 5: unknown stage 'Booked'"),
    ({"opportunities": OPPS.replace("2025-08-01", "08/01/2025")}, "opportunities.csv",
     "line 3: Close Date '08/01/2025' is ambiguous"),
    ({"opportunities": OPPS + "Ann,D1,Closed Won,5,2025-01-01\n"}, "opportunities.csv",
     "line 6: deal 'D1' appears twice (first on line 2)"),
    ({"opportunities": OPPS.replace("333.33", '"333,33"')}, "opportunities.csv",
     "line 4: Amount '333,33' is not an amount (it looks like a decimal comma"),
    ({"splits": "deal_id,rep_id,share\nD9,Ann,1\n"}, "splits.csv",
     "line 2: deal 'D9' is not in the opportunity export"),
    ({"hierarchy": "rep_id,manager,from,to\nAnn,Mia,2025-01-01,\nAnn,Ned,2025-03-01,\n"},
     "hierarchy.csv", "line 3: 'Ann' reports to 'Ned' from 2025-03-01, but still to 'Mia'"),
    ({"hierarchy": "rep_id,manager,from\nAnn,Mia,2025-01-01\nMia,Ann,2025-01-01\n"},
     "hierarchy.csv", "managers form a cycle on 2025-03-15: Ann -> Mia -> Ann"),
    ({"splits": "deal_id,rep_id,share\nD1,ann,1\n"}, "splits.csv",
     "rep 'ann' is not an owner in opps.csv; did you mean 'Ann'?"),
    ({"activities": "Assigned,Date,Type\nAnn,2025-01-02,Carrier pigeon\n"}, "activities.csv",
     "line 2: unknown activity type 'Carrier pigeon'"),
])
def test_bad_exports_are_refused_with_file_line_and_problem(files: dict[str, str], source: str,
                                                            message: str) -> None:
    with pytest.raises(InputError) as caught:
        deals(**files)
    assert f"{source}: {message}" in str(caught.value)


def test_every_file_with_problems_is_reported_at_once() -> None:
    with pytest.raises(InputError) as caught:
        deals(opportunities=OPPS.replace("Closed Lost", "Booked"),
              splits="deal_id,rep_id,share\nD1,Ann,0.5\n")
    text = str(caught.value)
    assert "opportunities.csv: line 5: unknown stage" in text
    assert "splits.csv: line 2: split" in text


def test_mapping_names_columns_won_stages_dates_and_decimal_comma() -> None:
    mapping = mapping_from_text(
        "opportunities: {owner: Seller, close_date: Booked On, amount: Net, stage: Status, "
        "deal_id: Ref}\nwon_stages: [Booked]\nother_stages: [Dropped]\n"
        "date_order: day-first\ndecimal: comma\n", "map.yaml")
    text = ("Ref,Seller,Booked On,Net,Status\nA,Ann,03/04/2025,\"€1.000,50\",Booked\n"
            "B,Ann,04/04/2025,\"€2,00\",Dropped\n")
    data = parse_deals((text, "other.csv"), mapping=mapping)
    assert data.credits["credit"].tolist() == [100050]
    assert data.credits["close_date"].tolist() == [dt.date(2025, 4, 3)]
    with pytest.raises(InputError, match="map.yaml: date_order: 'US' is not allowed"):
        mapping_from_text("date_order: US\n", "map.yaml")
    with pytest.raises(InputError, match="map.yaml: opportunities.seller: unknown column role"):
        mapping_from_text("opportunities: {seller: Seller}\n", "map.yaml")
    with pytest.raises(InputError, match="not in the header"):
        parse_deals((OPPS, "opps.csv"), mapping=mapping)


def test_currencies_need_rates() -> None:
    text = OPPS.replace("$500.00", "€500.00")
    with pytest.raises(InputError, match="line 3: amount in EUR but no rate"):
        parse_deals((text, "o.csv"))
    mapping = mapping_from_text("currency: {base: USD, rates: {EUR: 1.1}}\n", "m.yaml")
    data = parse_deals((text, "o.csv"), mapping=mapping)
    assert data.credits.set_index("deal_id").loc["D2", "credit"] == 55000
    assert data.currency == "USD"  # converted into the mapping's base


def test_the_currency_the_amounts_are_in() -> None:
    """One sign or code across the file names it; none names none (shown as "$")."""
    assert deals().currency == "USD"  # $1,000.01 and $500.00; 333.33 names none
    assert parse_deals((OPPS.replace("$", "€"), "o.csv")).currency == "EUR"
    assert parse_deals((OPPS.replace("$", ""), "o.csv")).currency is None
    base = mapping_from_text("currency: {base: GBP}\n", "m.yaml")
    assert parse_deals((OPPS.replace("$", ""), "o.csv"), mapping=base).currency == "GBP"


def test_activities_become_dials_conversations_talk_time_and_meetings() -> None:
    acts = ("Assigned,Date,Task Subtype,Call Duration,Call Result\n"
            "Ann,2025-03-03,Call,600,Connected\nAnn,2025-03-04,Call,20,No Answer\n"
            "Ann,2025-03-05,Call,1:00:00,Connected\nAnn,2025-03-06,Meeting,,\n"
            "Ann,2025-03-07,Email,,\nAnn,2025-04-01,Call,0,Busy\n")
    history = deal_history(deals(activities=acts))
    rows = history.rows.set_index(["rep_id", "period", "metric"])["actual"]
    assert rows[("Ann", "2025-03", "dials")] == 3
    assert rows[("Ann", "2025-03", "conversations")] == 2
    assert rows[("Ann", "2025-03", "talk_time")] == pytest.approx(4200 / 3600)
    assert rows[("Ann", "2025-03", "meetings")] == 1
    assert rows[("Ann", "2025-04", "dials")] == 1
    assert ("Bob", "2025-03", "dials") not in rows  # not in the activity export


def test_history_from_deals_has_zero_months_and_quotas() -> None:
    history = deal_history(deals(quotas="rep_id,period,quota\nAnn,2025-07,500\n"))
    revenue = history.metric("revenue").set_index(["rep_id", "period"])
    assert revenue.loc[("Ann", "2025-03"), "actual"] == 1000.01
    assert revenue.loc[("Ann", "2025-04"), "actual"] == 0.0  # within Ann's span
    assert revenue.loc[("Ann", "2025-07"), "quota"] == 500.0  # the quota extends the span
    assert ("Cat", "2025-05") not in revenue.index  # lost deals only
    assert "1 deal(s) in open or lost stages left out" in history.notes


def test_the_three_sample_exports_give_the_same_history() -> None:
    salesforce = deal_history(read_deals(EXAMPLES / "deals_salesforce.csv"))
    hubspot = deal_history(read_deals(EXAMPLES / "deals_hubspot.csv"))
    other = deal_history(read_deals(EXAMPLES / "deals_other.csv",
                                    mapping=EXAMPLES / "deals_mapping.yaml"))
    columns = ["rep_id", "index", "metric", "actual"]
    assert salesforce.rows[columns].equals(hubspot.rows[columns])
    assert salesforce.rows[columns].equals(other.rows[columns])
    with pytest.raises(InputError, match="deals_other.csv: line 1: no owner column"):
        read_deals(EXAMPLES / "deals_other.csv")


def test_overlay_share_and_allocation_add_up() -> None:
    splits = "deal_id,rep_id,share\nD3,Ann,1/3\n"
    with pytest.raises(InputError, match="is not a share"):
        deals(splits=splits)
    three = "deal_id,rep_id,share\n" + "".join(
        f"D3,{r},{s}\n" for r, s in (("Ann", 0.3333333333), ("Bob", 0.3333333333),
                                     ("Cat", 0.3333333334)))
    credits = deals(splits=three).credits
    d3 = credits[credits["deal_id"] == "D3"]["credit"].to_numpy()
    assert d3.sum() == 33333 and sorted(d3) == [11111, 11111, 11111]
    assert np.all(NO_MAPPING.won_stages == ())


def test_pipeline_suffixes_and_won_only_exports() -> None:
    text = OPPS.replace("Closed Won", "Closed won (Sales Pipeline)", 1)
    assert len(parse_deals((text, "o.csv")).credits) == 3
    won_only = "Deal owner,Amount,Close date\nAnn,100,2025-01-05\n"
    with pytest.raises(InputError, match="no stage column"):
        parse_deals((won_only, "o.csv"))
    data = parse_deals((won_only, "o.csv"), mapping=mapping_from_text("all_won: true\n", "m"))
    assert data.credits["credit"].tolist() == [10000]
