"""Commission-rate measures: the spec's checks, the exact pay to the cent, the properties."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from conftest import make_measure, make_plan
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.base.errors import InputError
from simulator.plan.actuals import parse_actuals, payout_table
from simulator.plan.commission import Commission, RateSchedule
from simulator.plan.payout import PlanPayout, round_money
from simulator.plan.spec import plan_from_dict, plan_from_text

ISSUE_TIERS = [[0.0, 0.02], [0.5, 0.05], [1.0, 0.23], [1.5, 0.27]]


def commission_measure(method: str = "marginal", tiers=None, cap=None, **overrides):
    commission = {"method": method, "tiers": ISSUE_TIERS if tiers is None else tiers}
    if cap is not None:
        commission["cap"] = cap
    measure = {"name": "New revenue", "metric": "revenue", "quota": {"relative": 1.0},
               "commission": commission}
    measure.update(overrides)
    return {k: v for k, v in measure.items() if v is not None}


def commission_plan(*measures, **overrides):
    raw = make_plan(*(measures or (commission_measure(),)), **overrides)
    if all("commission" in m for m in raw["measures"]):
        raw["pay"].pop("target_incentive")
    return raw


def schedule(method: str = "marginal", tiers=None, cap=None) -> RateSchedule:
    return RateSchedule.from_commission(
        Commission(method=method, tiers=tuple(map(tuple, tiers or ISSUE_TIERS)), cap=cap))


def cents(value) -> Decimal:
    return round_money(float(value))


# --------------------------------------------------------------------------- exact pay

# quota 100,000; bands start at 0, 50,000, 100,000 and 150,000
MARGINAL = [
    (0.0, "0.00"),
    (25_000.0, "500.00"),  # 2% of 25,000
    (50_000.0, "1000.00"),  # the first band full: 2% of 50,000
    (50_000.01, "1000.00"),  # + 5% of a cent
    (75_000.0, "2250.00"),  # 1,000 + 5% of 25,000
    (100_000.0, "3500.00"),  # 1,000 + 2,500
    (123_456.78, "8895.06"),  # 3,500 + 23% of 23,456.78 = 8,895.0594
    (150_000.0, "15000.00"),  # 3,500 + 23% of 50,000
    (200_000.0, "28500.00"),  # 15,000 + 27% of 50,000
]
RETROACTIVE = [
    (0.0, "0.00"),
    (49_999.99, "1000.00"),  # 2% of 49,999.99 = 999.9998
    (50_000.0, "2500.00"),  # 5% of the whole 50,000 from the band's start
    (99_999.99, "5000.00"),  # 5% of 99,999.99 = 4,999.9995, half away from zero
    (100_000.0, "23000.00"),  # 23% of 100,000
    (149_999.0, "34499.77"),  # 23% of 149,999
    (150_000.0, "40500.00"),  # 27% of 150,000
]


@pytest.mark.parametrize(("value", "expected"), MARGINAL)
def test_marginal_tiers_at_and_around_each_boundary(value: float, expected: str) -> None:
    assert cents(schedule().pay(value, 100_000.0)) == Decimal(expected)


@pytest.mark.parametrize(("value", "expected"), RETROACTIVE)
def test_retroactive_tiers_at_and_around_each_boundary(value: float, expected: str) -> None:
    assert cents(schedule("retroactive").pay(value, 100_000.0)) == Decimal(expected)


def test_a_cap_in_currency_per_period() -> None:
    capped = schedule(cap=25_000.0)
    assert cents(capped.pay(200_000.0, 100_000.0)) == Decimal("25000.00")
    assert cents(capped.pay(150_000.0, 100_000.0)) == Decimal("15000.00")
    assert cents(schedule("retroactive", cap=25_000).pay(100_000.0, 100_000.0)) == Decimal(
        "23000.00")


def test_nothing_below_the_first_band_and_a_count_metric_in_currency_per_unit() -> None:
    late = schedule("retroactive", tiers=[[0.5, 100.0], [1.0, 150.0]])
    assert float(late.pay(4.99, 10.0)) == 0.0
    assert cents(late.pay(5.0, 10.0)) == Decimal("500.00")
    assert cents(late.pay(12.0, 10.0)) == Decimal("1800.00")  # 150 a deal on all 12
    marginal = schedule(tiers=[[0.0, 100.0], [1.0, 150.0]])
    assert cents(marginal.pay(12.0, 10.0)) == Decimal("1300.00")  # 10 x 100 + 2 x 150


def test_the_calculator_pays_commission_from_the_csv_to_the_cent() -> None:
    plan = plan_from_dict(commission_plan(commission_measure(cap=25_000)))
    text = ("rep_id,period,measure,actual,quota\n"
            "A,Q1,New revenue,123456.78,100000\n"
            "B,Q1,New revenue,200000,100000\n"
            "C,Q1,New revenue,0,100000\n")
    table = payout_table(plan, parse_actuals(text, plan))
    assert [str(v) for v in table["New revenue payout"]] == ["8895.06", "25000.00", "0.00"]
    assert [str(v) for v in table["total_incentive"]] == ["8895.06", "25000.00", "0.00"]


def test_a_plan_mixes_a_curve_measure_and_a_commission() -> None:
    raw = make_plan(make_measure(name="Meetings", metric="meetings", quota=12),
                    commission_measure("retroactive"))
    plan = plan_from_dict(raw)
    assert plan.measures[1].weight == 0.0 and plan.measures[1].curve == ()
    text = ("rep_id,period,measure,actual,quota\n"
            "A,Q1,Meetings,12,12\n"
            "A,Q1,New revenue,100000,100000\n")
    table = payout_table(plan, parse_actuals(text, plan))
    # meetings at 100%: 1.0 x 60,000 / 4; revenue: 23% of 100,000
    assert str(table["Meetings payout"][0]) == "15000.00"
    assert str(table["New revenue payout"][0]) == "23000.00"
    assert str(table["total_incentive"][0]) == "38000.00"


def test_the_engine_and_the_calculator_pay_a_commission_alike() -> None:
    plan = plan_from_dict(commission_plan())
    payout = PlanPayout.from_plan(plan)
    pay, capped = payout.settle(np.array([[1.2345678]]), np.array([[100_000.0]]))
    assert cents(pay[0, 0]) == Decimal("8895.06")
    assert not capped.any()
    assert payout.target_per_period == 0.0
    assert cents(payout.pay_at_quota(np.array([[100_000.0]]))[0, 0]) == Decimal("3500.00")


def test_commission_plans_round_trip_through_yaml() -> None:
    import yaml

    plan = plan_from_dict(commission_plan(commission_measure(cap=25_000)))
    again = plan_from_text(yaml.safe_dump(plan.to_yaml_dict(), sort_keys=False))
    assert again == plan
    assert "target_incentive" not in again.to_yaml_dict()["pay"]


# --------------------------------------------------------------------------- properties

tiers_strategy = st.lists(
    st.tuples(st.floats(0.0, 3.0), st.floats(0.0, 0.5)), min_size=1, max_size=6
).map(lambda t: sorted({round(s, 3): r for s, r in t}.items()))


@settings(max_examples=200, deadline=None)
@given(tiers=tiers_strategy, value=st.floats(0.0, 400_000.0), quota=st.floats(1_000, 200_000))
def test_a_marginal_schedule_is_continuous(tiers, value, quota) -> None:
    rates = schedule(tiers=[list(t) for t in tiers])
    eps = 1e-3
    jump = abs(float(rates.pay(value + eps, quota)) - float(rates.pay(value, quota)))
    assert jump <= max(r for _, r in tiers) * eps + 1e-9


@settings(max_examples=200, deadline=None)
@given(tiers=tiers_strategy, value=st.floats(0.0, 400_000.0), quota=st.floats(1_000, 200_000))
def test_a_retroactive_schedule_jumps_only_at_band_starts(tiers, value, quota) -> None:
    rising = sorted(r for _, r in tiers)  # a retroactive schedule's rates never fall
    tiers = [(start, rate) for (start, _), rate in zip(tiers, rising, strict=True)]
    rates = schedule("retroactive", tiers=[list(t) for t in tiers])
    eps = 1e-3
    starts = [s * quota for s, _ in tiers]
    if any(value - 1e-6 <= s <= value + eps + 1e-6 for s in starts):
        return  # a boundary between the two values: a jump is allowed
    jump = abs(float(rates.pay(value + eps, quota)) - float(rates.pay(value, quota)))
    assert jump <= max(r for _, r in tiers) * eps + 1e-6


@settings(max_examples=100, deadline=None)
@given(tiers=tiers_strategy, quota=st.floats(1_000, 200_000),
       a=st.floats(0.0, 4.0), b=st.floats(0.0, 4.0))
def test_commission_never_falls_as_the_value_rises(tiers, quota, a, b) -> None:
    low, high = sorted((a, b))
    for method in ("marginal", "retroactive"):
        if method == "retroactive" and any(
                r1 > r2 for (_, r1), (_, r2) in zip(tiers, tiers[1:], strict=False)):
            continue  # refused by the spec: selling more would pay less
        rates = schedule(method, tiers=[list(t) for t in tiers])
        assert float(rates.pay(high * quota, quota)) >= float(rates.pay(low * quota, quota)) - 1e-9


# --------------------------------------------------------------------------- bad forms


def problems_of(raw) -> list[str]:
    with pytest.raises(InputError) as caught:
        plan_from_dict(raw, "p.yaml")
    return [str(p) for p in caught.value.problems]


BAD = [
    ("weight", commission_plan(commission_measure(weight=1.0)),
     "measures[1] (New revenue).weight: a commission measure has no weight"),
    ("both", commission_plan(commission_measure(curve=[[1.0, 1.0]])),
     "measures[1] (New revenue).curve: a measure pays either a curve or a commission"),
    ("level-metric", commission_plan(commission_measure(metric="csat")),
     "measures[1] (New revenue).commission: a commission pays a rate on a count metric; "
     "'csat' is a level"),
    ("share-above-1", commission_plan(commission_measure(tiers=[[0, 0.1], [1.0, 1.5]])),
     "measures[1] (New revenue).commission: a rate on 'revenue' (currency) is a share of it"),
    ("not-rising", commission_plan(commission_measure(tiers=[[0, 0.1], [1.0, 0.2], [1.0, 0.3]])),
     "measures[1] (New revenue).commission.tiers: band starts must rise"),
    ("retro-falling", commission_plan(commission_measure("retroactive", [[0, 0.1], [1, 0.05]])),
     "measures[1] (New revenue).commission.tiers: a retroactive rate must not fall"),
    ("negative-rate", commission_plan(commission_measure(tiers=[[0, -0.1]])),
     "measures[1] (New revenue).commission.tiers: rates must not be negative"),
    ("tier-shape", commission_plan(commission_measure(tiers=[[0, 0.1, 3]])),
     "measures[1] (New revenue).commission.tiers: tier 1 must be a pair"),
    ("no-tiers", commission_plan(commission_measure(tiers=[])),
     "measures[1] (New revenue).commission.tiers: must be a non-empty list"),
    ("method", commission_plan(commission_measure(method="graduated")),
     "measures[1] (New revenue).commission.method: 'graduated' is not allowed"),
    ("cap", commission_plan(commission_measure(cap=0)),
     "measures[1] (New revenue).commission.cap: must be more than 0"),
    ("lower", commission_plan(commission_measure(direction="lower")),
     "measures[1] (New revenue).direction: a commission pays a rate on what is booked"),
    ("threshold", commission_plan(commission_measure(threshold=0.5)),
     "measures[1] (New revenue).threshold: a commission measure has no threshold"),
    ("measure-cap", commission_plan({**commission_measure(), "cap": 2.0}),
     "measures[1] (New revenue).cap: a commission's cap is commission.cap"),
    ("no-target", {**make_plan(make_measure(), commission_measure(name="Extra")),
                   "pay": {"base_salary": 1.0}},
     "pay.target_incentive: missing required key: 'New revenue' pay a curve"),
    ("currency-case", commission_plan(currency="usd"),
     "currency: 'usd' must be written in capitals: 'USD'"),
    ("currency-unknown", commission_plan(currency="USX"),
     "currency: 'USX' is not an ISO 4217 currency code"),
]


@pytest.mark.parametrize(("raw", "expected"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_validate_names_the_field_and_the_problem(raw, expected: str) -> None:
    found = problems_of(raw)
    assert any(p.startswith(expected) for p in found), found


def test_a_curve_measure_still_needs_its_weight_and_curve() -> None:
    found = problems_of(make_plan(make_measure(weight=None, curve=None)))
    assert "measures[1] (New revenue).weight: missing required key" in found
    assert "measures[1] (New revenue).curve: missing required key" in found


def test_curve_weights_sum_to_one_without_the_commissions() -> None:
    raw = make_plan(make_measure(weight=0.5), commission_measure(name="Extra"))
    assert problems_of(raw) == ["measures: weights sum to 0.5, not 1"]
