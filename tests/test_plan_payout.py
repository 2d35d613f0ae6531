"""The payout calculator: hand-computed cases to the cent, and properties of random curves.

Every expected number below is worked out by hand in the comment next to it, from the
documented rules (README, "Plan format"), never by running the code.
"""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest
from conftest import make_measure, make_plan, three_measure_plan
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.plan.payout import (
    ATTAINMENT_TOLERANCE,
    PayoutCurve,
    PlanPayout,
    attainment,
    measure_payouts,
    round_money,
    target_pay_per_period,
)
from simulator.plan.spec import Measure, plan_from_dict

BASELINE_CURVE = [[0.5, 0.25], [1.0, 1.0], [1.5, 2.0]]
STEP_CURVE = [[0.0, 0.0], [1.0, 1.0], [1.0, 1.5], [2.0, 2.5]]


def cents(value: float) -> Decimal:
    return round_money(float(value))


def one_measure_pay(attainment_value: float, period: str = "quarter", **measure: object) -> Decimal:
    """Payout in currency of a one-measure plan (target incentive 60,000 a year)."""
    plan = plan_from_dict(make_plan(make_measure(**measure), period=period))
    return cents(measure_payouts(plan, [[attainment_value]])[0, 0])


# --------------------------------------------------------------------------- by hand
# A quarterly plan with a target incentive of 60,000 a year pays 60,000 / 4 = 15,000 per
# quarter at a payout multiple of 1.0. The baseline curve is (0.5, 0.25) -> (1.0, 1.0)
# -> (1.5, 2.0): slope 1.5 below quota, slope 2 (the accelerator) above it.


@pytest.mark.parametrize(
    ("att", "expected"),
    [
        # exactly at the 0.5 threshold: the curve's value there, 0.25 x 15,000 = 3,750.00
        (0.5, "3750.00"),
        # a hair below the threshold pays nothing
        (0.4999999, "0.00"),
        (0.0, "0.00"),
        # 0.75: 0.25 + 1.5 x (0.75 - 0.5) = 0.625 -> 0.625 x 15,000 = 9,375.00
        (0.75, "9375.00"),
        # at quota: 1.0 x 15,000
        (1.0, "15000.00"),
        # accelerator: 1.25 -> 1.0 + 2 x 0.25 = 1.5 -> 22,500.00
        (1.25, "22500.00"),
        # at the last point: 2.0 x 15,000
        (1.5, "30000.00"),
        # beyond the last point the last slope (2) continues: 2.0 + 2 x 0.5 = 3.0 -> 45,000
        (2.0, "45000.00"),
        # 1.8 -> 2.0 + 2 x 0.3 = 2.6 -> 39,000.00
        (1.8, "39000.00"),
    ],
)
def test_baseline_curve_by_hand(att: float, expected: str) -> None:
    assert one_measure_pay(att, threshold=0.5, curve=BASELINE_CURVE) == Decimal(expected)


@pytest.mark.parametrize(
    ("att", "expected"),
    [
        # a repeated x = 1.0 is a step: at 1.0 exactly the higher payout 1.5 -> 22,500.00
        (1.0, "22500.00"),
        # just below the step, on the first segment (slope 1): 0.99 -> 14,850.00
        (0.99, "14850.00"),
        # after the step, slope (2.5 - 1.5) / (2 - 1) = 1: 1.2 -> 1.5 + 0.2 = 1.7 -> 25,500
        (1.2, "25500.00"),
        # beyond the last point (2, 2.5) slope 1 continues: 2.4 -> 2.9 -> 43,500.00
        (2.4, "43500.00"),
    ],
)
def test_step_pays_the_higher_value_at_the_repeated_x(att: float, expected: str) -> None:
    assert one_measure_pay(att, threshold=None, curve=STEP_CURVE) == Decimal(expected)


def test_step_as_last_point_continues_the_last_rising_slope() -> None:
    # curve (0,0) -> (1,1) -> (1,1.5): at 1.0 the bonus applies (1.5); beyond it the slope
    # of the last segment that rises in attainment (1) continues: 1.2 -> 1.5 + 0.2 = 1.7
    curve = PayoutCurve.from_points(((0.0, 0.0), (1.0, 1.0), (1.0, 1.5)))
    np.testing.assert_allclose(curve([0.5, 1.0, 1.2]), [0.5, 1.5, 1.7])


@pytest.mark.parametrize(
    ("att", "expected"),
    [
        # 1.2 -> 1.0 + 2 x 0.2 = 1.4, under the cap 1.5 -> 21,000.00
        (1.2, "21000.00"),
        # 1.25 -> exactly the cap 1.5 -> 22,500.00
        (1.25, "22500.00"),
        # 1.4 -> 1.8, capped at 1.5 -> 22,500.00
        (1.4, "22500.00"),
        (5.0, "22500.00"),
    ],
)
def test_cap(att: float, expected: str) -> None:
    assert one_measure_pay(att, threshold=0.5, curve=BASELINE_CURVE, cap=1.5) == Decimal(expected)


@pytest.mark.parametrize(
    ("curve", "att", "expected"),
    [
        # first point (1, 1) has x > 0: the curve starts at (0, 0), so 0.5 -> 0.5 -> 7,500.00
        ([[1.0, 1.0], [1.5, 2.0]], 0.5, "7500.00"),
        # 0.3 -> 0.3 x 15,000 = 4,500.00
        ([[1.0, 1.0], [1.5, 2.0]], 0.3, "4500.00"),
        # (0,0) -> (0.5, 0.25) without a threshold: slope 0.5, so 0.2 -> 0.1 -> 1,500.00
        ([[0.5, 0.25], [1.0, 1.0]], 0.2, "1500.00"),
        # a first point at x = 0 with a payout above 0 is kept as is: (0, 0.1) -> (1, 1)
        # slope 0.9, so 0.5 -> 0.1 + 0.45 = 0.55 -> 8,250.00
        ([[0.0, 0.1], [1.0, 1.0]], 0.5, "8250.00"),
        ([[0.0, 0.1], [1.0, 1.0]], 0.0, "1500.00"),
    ],
)
def test_implicit_origin(curve: list[list[float]], att: float, expected: str) -> None:
    assert one_measure_pay(att, threshold=None, curve=curve) == Decimal(expected)


LOWER = dict(
    name="Short calls",
    metric="avg_call_minutes",
    direction="lower",
    quota=6,
    threshold=0.8,
    curve=[[0.8, 0.5], [1.0, 1.0], [1.2, 1.3]],
)


@pytest.mark.parametrize(
    ("actual", "att", "expected"),
    [
        # 5 minutes against a quota of 6: attainment 6 / 5 = 1.2 -> 1.3 -> 19,500.00
        (5.0, 1.2, "19500.00"),
        # 7.5 minutes: 6 / 7.5 = 0.8, exactly the threshold -> 0.5 -> 7,500.00
        (7.5, 0.8, "7500.00"),
        # 8 minutes: 6 / 8 = 0.75, below the threshold -> 0
        (8.0, 0.75, "0.00"),
        # 4 minutes: 6 / 4 = 1.5 -> last slope (1.3 - 1) / 0.2 = 1.5 continues:
        # 1.3 + 1.5 x 0.3 = 1.75 -> 26,250.00
        (4.0, 1.5, "26250.00"),
        # 6 minutes: 1.0 -> 15,000.00
        (6.0, 1.0, "15000.00"),
    ],
)
def test_direction_lower(actual: float, att: float, expected: str) -> None:
    a = attainment(actual, 6.0, "lower")
    assert float(a) == pytest.approx(att, abs=1e-12)
    assert one_measure_pay(float(a), **LOWER) == Decimal(expected)


def test_attainment_direction() -> None:
    np.testing.assert_allclose(attainment([90, 120], [100, 100]), [0.9, 1.2])
    np.testing.assert_allclose(attainment([5, 8], [6, 6], "lower"), [1.2, 0.75])


def two_measure_monthly_plan(**pay: float) -> dict[str, object]:
    revenue = make_measure(weight=0.6, threshold=None, curve=[[0, 0], [1, 1], [2, 3]], quota=100)
    deals = make_measure(
        name="Deals", metric="deals", weight=0.4, quota=4, threshold=0.5,
        curve=[[0.5, 0.5], [1.0, 1.0]], cap=1.2,
    )
    return make_plan(revenue, deals, period="month", pay={
        "base_salary": 50000, "target_incentive": 60000, **pay})


def test_several_weighted_measures_by_hand() -> None:
    # monthly: 60,000 / 12 = 5,000 target pay per month
    plan = plan_from_dict(two_measure_monthly_plan())
    assert target_pay_per_period(plan) == 5000
    pay = measure_payouts(plan, [[1.3, 0.75], [0.5, 2.25]])
    # rep 1: revenue 1.3 -> 1 + 2 x 0.3 = 1.6 -> 0.6 x 5,000 x 1.6 = 4,800.00
    #        deals 0.75 -> 0.5 + 1 x 0.25 = 0.75 -> 0.4 x 5,000 x 0.75 = 1,500.00
    # rep 2: revenue 0.5 -> 0.5 -> 0.6 x 5,000 x 0.5 = 1,500.00
    #        deals 2.25 -> beyond (slope 1) 2.25, capped at 1.2 -> 0.4 x 5,000 x 1.2 = 2,400.00
    assert [[cents(v) for v in row] for row in pay] == [
        [Decimal("4800.00"), Decimal("1500.00")],
        [Decimal("1500.00"), Decimal("2400.00")],
    ]
    # totals 6,300.00 and 3,900.00
    assert [cents(v) for v in pay.sum(axis=1)] == [Decimal("6300.00"), Decimal("3900.00")]


def test_three_measure_plan_by_hand() -> None:
    plan = plan_from_dict(three_measure_plan())
    # quarterly target pay 15,000; weights 0.75 / 0.15 / 0.10
    att = [[200000 / 180000, 30 / 36, 82 / 80]]
    pay = measure_payouts(plan, att)[0]
    # revenue 1.1111: 1 + 2 x 0.1111 = 1.2222 -> 0.75 x 15,000 x 1.2222 = 13,750.00
    # meetings 0.8333: 0.25 + 1.5 x 0.3333 = 0.75 -> 0.15 x 15,000 x 0.75 = 1,687.50
    # csat 1.025: 1 + 1.5 x 0.025 = 1.0375 -> 0.10 x 15,000 x 1.0375 = 1,556.25
    assert [cents(v) for v in pay] == [Decimal("13750.00"), Decimal("1687.50"), Decimal("1556.25")]
    assert cents(pay.sum()) == Decimal("16993.75")


@pytest.mark.parametrize(
    ("period", "expected"),
    # the target incentive (60,000 a year) is paid in equal shares per period
    [("month", "5000.00"), ("quarter", "15000.00"), ("year", "60000.00")],
)
def test_period_share_of_target_incentive(period: str, expected: str) -> None:
    assert one_measure_pay(1.0, period=period) == Decimal(expected)
    plan = plan_from_dict(make_plan(period=period))
    assert plan.periods_per_year == {"month": 12, "quarter": 4, "year": 1}[period]


def test_half_away_from_zero_rounding() -> None:
    # 6,667.5 / 100,000 = 0.066675 of a 15,000 target with a 1:1 curve = 1,000.125 exactly;
    # Python's round() gives 1,000.12 (half to even), the payout must be 1,000.13
    pay = one_measure_pay(6667.5 / 100000, threshold=None, curve=[[0, 0], [1, 1]])
    assert pay == Decimal("1000.13")
    # 2.675 is stored as 2.67499999...; it is still 2.675 to a person, so 2.68
    assert round_money(2.675) == Decimal("2.68")
    assert round_money(0.125) == Decimal("0.13")
    assert round_money(1.005) == Decimal("1.01")
    assert round_money(-0.125) == Decimal("-0.13")
    assert round_money(2.665) == Decimal("2.67")
    assert round_money(2.6649) == Decimal("2.66")
    assert round_money(0.0) == Decimal("0.00")


def test_attainment_exactly_at_threshold_despite_float_noise() -> None:
    # 120,000.08 / 150,000.10 is exactly 0.8, but in floating point it is 0.7999999999999999
    att = float(attainment(120000.08, 150000.10))
    assert att < 0.8
    # curve (0.8, 0.5) -> (1, 1), threshold 0.8: pays 0.5 x 15,000 = 7,500.00
    kw = dict(threshold=0.8, curve=[[0.8, 0.5], [1.0, 1.0]])
    assert one_measure_pay(att, **kw) == Decimal("7500.00")
    # one cent less is below the threshold
    assert one_measure_pay(float(attainment(120000.07, 150000.10)), **kw) == Decimal("0.00")


def test_attainment_exactly_at_step_despite_float_noise() -> None:
    # 165,000.11 / 150,000.10 is exactly 1.1 but computes as 1.0999999999999999; a step at
    # 1.1 from 1.2 to 1.5 must pay 1.5 -> 22,500.00
    att = float(attainment(165000.11, 150000.10))
    assert att < 1.1
    curve = [[0, 0], [1.1, 1.2], [1.1, 1.5], [2, 2]]
    assert one_measure_pay(att, threshold=None, curve=curve) == Decimal("22500.00")


def test_infinite_attainment_is_finite_on_a_flat_curve_and_capped() -> None:
    flat_end = PayoutCurve.from_points(((0.5, 0.25), (1.0, 1.0), (1.5, 1.0)))
    assert flat_end([np.inf])[0] == 1.0
    capped = PayoutCurve.from_points(((1.0, 1.0),), cap=2.0)
    assert capped([np.inf])[0] == 2.0


def test_negative_attainment_pays_as_zero() -> None:
    curve = PayoutCurve.from_points(((0.0, 0.1), (1.0, 1.0)))
    assert curve([-1.0])[0] == pytest.approx(0.1)


def test_vectorised_over_any_shape(rng: np.random.Generator) -> None:
    plan = plan_from_dict(three_measure_plan())
    att = rng.uniform(0, 2.5, size=(7, 5, 4, len(plan.measures)))
    pay = measure_payouts(plan, att)
    assert pay.shape == att.shape
    flat = measure_payouts(plan, att.reshape(-1, len(plan.measures)))
    np.testing.assert_array_equal(pay.reshape(flat.shape), flat)
    for k, m in enumerate(plan.measures):
        multiple = PayoutCurve.from_measure(m)(att[..., k])
        np.testing.assert_allclose(pay[..., k], multiple * m.weight * 15000)


def test_plan_payout_pays_each_measure_in_its_direction() -> None:
    """A lower-is-better measure's attainment is quota / actual, a higher one's actual / quota."""
    plan = plan_from_dict(make_plan(
        make_measure(weight=0.5),
        make_measure(name="Short calls", metric="avg_call_minutes", direction="lower",
                     weight=0.5),
    ))
    payout = PlanPayout.from_plan(plan)
    att = payout.attainments([[90.0, 20.0]], [[100.0, 25.0]])
    np.testing.assert_allclose(att, [[0.9, 1.25]])
    # 0.9 on [0.5,0.25]-[1.0,1.0]: 0.25 + 0.4 x 1.5 = 0.85; 1.25: 1.0 + 0.25 x 2 = 1.5
    np.testing.assert_allclose(payout.multiples(att), [[0.85, 1.5]])
    np.testing.assert_allclose(payout.pay(payout.multiples(att)), [[0.85 * 7500, 1.5 * 7500]])
    np.testing.assert_array_equal(payout.caps, [np.inf, np.inf])


# --------------------------------------------------------------------------- properties


def reference_multiple(
    points: list[tuple[float, float]], threshold: float | None, cap: float | None, a: float
) -> float:
    """Scalar payout multiple written straight from the documented rules."""
    a = max(a, 0.0)
    tol = ATTAINMENT_TOLERANCE * max(a, 1.0)  # within this below a point counts as at it
    if threshold is not None and a + tol < threshold:
        return 0.0  # below the threshold: nothing
    pts = list(points)
    if pts[0][0] > 0:
        pts.insert(0, (0.0, 0.0))  # implicit start at (0, 0)
    # the last point at or below a; at a repeated x that is the later, higher one
    j = max(i for i, (x, _) in enumerate(pts) if x <= a + tol)
    x0, y0 = pts[j]
    if j + 1 < len(pts):
        x1, y1 = pts[j + 1]
        slope = (y1 - y0) / (x1 - x0)  # linear between points
    else:
        rising = [(p, q) for p, q in zip(pts, pts[1:], strict=False) if q[0] > p[0]]
        slope = (
            (rising[-1][1][1] - rising[-1][0][1]) / (rising[-1][1][0] - rising[-1][0][0])
            if rising else 0.0
        )  # beyond the last point the last slope continues
    value = y0 + (slope * max(a - x0, 0.0) if slope else 0.0)  # flat stays flat, even at inf
    return value if cap is None else min(value, cap)


coordinate = st.one_of(
    st.integers(0, 24).map(lambda k: k / 8),  # exact values make repeated x likely
    st.floats(0, 5, allow_nan=False).map(lambda v: round(v, 6)),
)


@st.composite
def valid_measures(draw: st.DrawFn) -> Measure:
    """A random measure that the plan validator accepts."""
    n = draw(st.integers(1, 6))
    xs = [draw(coordinate)]
    for _ in range(n - 1):
        gap = draw(coordinate)
        if gap == 0 and len(xs) >= 2 and xs[-1] == xs[-2]:
            gap = 0.125  # an x may appear at most twice
        xs.append(round(xs[-1] + gap, 6))
    ys = sorted(draw(st.lists(coordinate, min_size=n, max_size=n)))
    threshold = draw(st.none() | st.sampled_from(xs) | st.floats(xs[0], xs[-1]))
    cap = draw(st.none() | st.floats(ys[0], 12).map(lambda v: max(v, ys[0])))
    raw = make_measure(
        curve=[[x, y] for x, y in zip(xs, ys, strict=True)], threshold=threshold, cap=cap
    )
    return Measure.model_validate(raw)


def attainments_for(measure: Measure) -> st.SearchStrategy[list[float]]:
    knots = [x for x, _ in measure.curve] + [measure.threshold or 0.0]
    near = [k * (1 - 1e-13) for k in knots] + [k * (1 - 1e-9) for k in knots]
    return st.lists(
        st.one_of(
            st.floats(-1, 20, allow_nan=False),
            st.sampled_from(knots + near),
            st.just(math.inf),
        ),
        min_size=1,
        max_size=30,
    )


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_vectorised_matches_scalar_reference(data: st.DataObject) -> None:
    measure = data.draw(valid_measures())
    att = data.draw(attainments_for(measure))
    got = PayoutCurve.from_measure(measure)(np.array(att))
    points = [(float(x), float(y)) for x, y in measure.curve]
    for a, value in zip(att, got, strict=True):
        expected = reference_multiple(points, measure.threshold, measure.cap, a)
        assert value == pytest.approx(expected, rel=1e-9, abs=1e-9), (a, measure.curve)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_payout_never_negative_never_above_cap_and_non_decreasing(data: st.DataObject) -> None:
    measure = data.draw(valid_measures())
    att = np.sort(np.array(data.draw(attainments_for(measure))))
    pay = PayoutCurve.from_measure(measure)(att)
    assert not np.isnan(pay).any()
    assert (pay >= 0).all()
    if measure.cap is not None:
        assert (pay <= measure.cap).all()
    rising = (pay[1:] >= pay[:-1]) | np.isclose(pay[1:], pay[:-1], rtol=1e-9, atol=1e-9)
    assert rising.all()


@settings(max_examples=50, deadline=None)
@given(
    att=st.lists(st.floats(0, 4, allow_nan=False), min_size=2, max_size=2),
    bump=st.floats(0, 2, allow_nan=False),
)
def test_plan_payout_non_decreasing_in_each_measure(att: list[float], bump: float) -> None:
    plan = plan_from_dict(three_measure_plan())
    base = [att[0], att[1], 1.0]
    higher = [att[0] + bump, att[1], 1.0]
    lo, hi = measure_payouts(plan, [base, higher]).sum(axis=1)
    assert hi >= lo - 1e-9
