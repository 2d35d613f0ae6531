"""Payroll mechanics in the simulated cost (`model.payroll_sim`): the true-up, clawback and
draws of the payout calculator's ledger, for every trial and rep at once.

The array ledger is the calculator's own rule (`plan.payroll.ledger_step`); a property test
holds it on arrays equal to the calculator's per-row Decimal ledger, the README's worked
examples are paid to the cent, and a simulated year is paid what the calculator pays for
the same results.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from conftest import make_measure, make_plan
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.model.engine import simulate
from simulator.model.payroll_sim import PayrollLedger, has_ledger
from simulator.plan.actuals import parse_actuals
from simulator.plan.payout import PlanPayout
from simulator.plan.payroll import Draw, ledger_step, run_ledger
from simulator.plan.spec import plan_from_dict
from simulator.plan.statement import statement
from simulator.team.spec import team_from_dict

CONVEX = [[1.0, 1.0], [2.0, 3.0]]  # the README's true-up example


def plan_with(**payroll):
    """Target 40,000 a year (10,000 a quarter), curve CONVEX, no threshold, plus `payroll`."""
    return plan_from_dict(make_plan(make_measure(threshold=None, curve=CONVEX),
                                    pay={"base_salary": 50_000, "target_incentive": 40_000},
                                    **payroll))


def ledger_of(plan, sales: list[float], quota: float = 100_000.0) -> list[float]:
    """One rep's quarters through the simulation's ledger: what each pays."""
    payout = PlanPayout.from_plan(plan)
    ledger = PayrollLedger.start(plan, payout, (1, 1))
    assert ledger is not None
    paid = []
    for value in sales:
        att = np.array([[[value / quota]]])
        earned, _ = payout.settle(att, np.array([[quota]]))
        paid.append(float(ledger.pay(earned.sum(axis=-1), att, np.array([[quota]]), None)[0, 0]))
    return paid


# ------------------------------------------------------------------ the README's examples


def test_year_to_date_true_up_carries_a_negative() -> None:
    paid = ledger_of(plan_with(settlement="cumulative"), [150_000, 30_000, 120_000, 100_000])
    np.testing.assert_allclose(paid, [20_000, 0, 10_000, 10_000], atol=1e-6)


def test_year_to_date_true_up_with_clawback() -> None:
    paid = ledger_of(plan_with(settlement="cumulative", clawback=True),
                     [150_000, 30_000, 120_000, 100_000])
    np.testing.assert_allclose(paid, [20_000, -2_000, 12_000, 10_000], atol=1e-6)
    assert sum(paid) == pytest.approx(40_000)  # the year's earnings on its totals


def test_recoverable_draw_is_repaid_from_later_quarters() -> None:
    """Settlements 2,000, 4,000, 20,000, 10,000 under a draw of 5,000: quota 100,000 and
    sales 20,000 / 40,000 / 150,000 / 100,000 earn them on this curve."""
    sales = [20_000, 40_000, 150_000, 100_000]
    draw = {"amount": 5_000, "recoverable": True}
    np.testing.assert_allclose(ledger_of(plan_with(draw=draw), sales),
                               [5_000, 5_000, 16_000, 10_000], atol=1e-6)
    guarantee = {"amount": 5_000, "recoverable": False}
    np.testing.assert_allclose(ledger_of(plan_with(draw=guarantee), sales),
                               [5_000, 5_000, 20_000, 10_000], atol=1e-6)


def test_a_plan_without_payroll_mechanics_has_no_ledger() -> None:
    assert not has_ledger(plan_with())
    assert PayrollLedger.start(plan_with(), PlanPayout.from_plan(plan_with()), (2, 3)) is None


# ------------------------------------------------------------------ arrays = the ledger


cents = st.integers(min_value=0, max_value=5_000_000)


@settings(max_examples=150, deadline=None)
@given(n_reps=st.integers(1, 4), n_periods=st.integers(1, 6), data=st.data(),
       cumulative=st.booleans(), clawback=st.booleans(),
       draw=st.none() | st.tuples(st.integers(1, 3_000_000), st.booleans()))
def test_the_array_ledger_equals_the_calculators_ledger(n_reps, n_periods, data, cumulative,
                                                        clawback, draw) -> None:
    """Random earnings and year-to-date earnings in cents, reps' rows interleaved by period:
    every row's pay from the arrays (floats of whole cents, exact) is the Decimal ledger's."""
    clawback = clawback and cumulative
    earned = data.draw(st.lists(st.lists(cents, min_size=n_reps, max_size=n_reps),
                                min_size=n_periods, max_size=n_periods))
    ytd = data.draw(st.lists(st.lists(cents, min_size=n_reps, max_size=n_reps),
                             min_size=n_periods, max_size=n_periods))
    spec = None if draw is None else Draw(amount=draw[0] / 100, recoverable=draw[1])
    reps = [f"R{i}" for _ in range(n_periods) for i in range(n_reps)]
    as_money = [Decimal(c) / 100 for row in earned for c in row]
    ytd_money = [Decimal(c) / 100 for row in ytd for c in row] if cumulative else None
    rows = run_ledger(reps, as_money, ytd_money, clawback, spec)
    settled, owed = np.zeros(n_reps), np.zeros(n_reps)
    for p in range(n_periods):
        step = ledger_step(np.array(earned[p], float),
                           np.array(ytd[p], float) if cumulative else None, settled, owed,
                           clawback, None if draw is None else float(draw[0]),
                           draw is not None and draw[1])
        settled, owed = step.settled_so_far, step.owed
        for i in range(n_reps):
            row = rows[p * n_reps + i]
            assert step.paid[i] == float(row.paid * 100)
            assert step.settled[i] == float(row.settled * 100)
            assert step.owed[i] == float(row.draw_balance * 100)


# ------------------------------------------------------------------ a simulated year


def one_rep_team():
    return team_from_dict({"name": "One", "roster": [{"rep_id": "R", "level": 1.0}]})


@pytest.mark.parametrize("payroll", [
    {"settlement": "cumulative"},
    {"settlement": "cumulative", "clawback": True},
    {"draw": {"amount": 9_000, "recoverable": True}},
    {"settlement": "cumulative", "draw": {"amount": 9_000, "recoverable": False}},
])
def test_a_simulated_year_is_paid_what_the_calculator_pays(payroll) -> None:
    """Static reps book each quarter's sales in its weeks: the calculator's statement of
    those four quarters pays, to the cent, what the simulation counts as payout."""
    plan = plan_with(**payroll)
    n = 6
    sim = simulate([plan], one_rep_team(), n, seed=9, behavior="static")
    tally, quota = sim.tallies[0], float(sim.models[0].quotas[0, 0])
    changed = 0  # trials in which payroll pays other than the quarters' earnings
    for trial in range(n):
        quarters = tally.weekly_sales[trial].reshape(4, 12).sum(axis=1)
        text = "rep_id,period,measure,actual,quota\n" + "".join(
            f"R,Q{q + 1},New revenue,{float(v)!r},{quota!r}\n" for q, v in enumerate(quarters))
        table = statement(plan, parse_actuals(text, plan))
        assert float(sum(table["paid"])) == pytest.approx(tally.payout[trial], abs=0.03)
        changed += abs(float(sum(table["paid"]) - sum(table["total_incentive"]))) > 1
    assert changed > 0


def test_the_draw_and_the_true_up_move_simulated_cost() -> None:
    """On the same reps and luck: a guarantee never pays less than the plain plan, a
    recoverable draw pays between the two, and a linear plan's true-up pays as it earns."""
    team = team_from_dict({"name": "Three", "roster": [
        {"rep_id": r, "level": level} for r, level in (("A", 1.3), ("B", 1.0), ("C", 0.6))]})
    draw = 12_000  # above a weak rep's quarters
    plans = [plan_with(), plan_with(draw={"amount": draw, "recoverable": True}),
             plan_with(draw={"amount": draw, "recoverable": False})]
    sim = simulate(plans, team, 64, seed=1, behavior="static")
    plain, recoverable, guarantee = (t.payout for t in sim.tallies)
    assert np.all(guarantee >= plain - 1e-9) and np.all(guarantee >= 3 * 4 * draw - 1e-9)
    assert np.all(recoverable <= guarantee + 1e-9)
    assert guarantee.mean() > recoverable.mean() > plain.mean()
    np.testing.assert_array_equal(sim.tallies[0].sales, sim.tallies[2].sales)
    linear = {"threshold": None, "curve": [[1.0, 1.0]]}
    period, cumulative = (plan_from_dict(make_plan(make_measure(**linear), **extra))
                          for extra in ({}, {"settlement": "cumulative"}))
    both = simulate([period, cumulative], team, 32, seed=1, behavior="static")
    np.testing.assert_allclose(both.tallies[1].payout, both.tallies[0].payout, rtol=1e-12)


def test_a_guarantee_lowers_effort_a_recoverable_draw_does_not(baseline) -> None:
    """A 20,000 guarantee against a 15,000 target a quarter: results below it pay nothing
    more, so reps work less and sell less; the same draw, recoverable, is repaid from later
    quarters and leaves effort as it is (to the bit), only the cost moves."""
    team = team_from_dict({"name": "Three", "roster": [
        {"rep_id": r, "level": level} for r, level in (("A", 1.3), ("B", 1.0), ("C", 0.6))]})
    raw = baseline.to_yaml_dict()
    plans = [baseline] + [plan_from_dict({**raw, "name": name, "draw": {
        "amount": 20_000, "recoverable": recoverable}})
        for name, recoverable in (("Recoverable", True), ("Guarantee", False))]
    plain, recoverable, guaranteed = simulate(plans, team, 64, seed=3).tallies
    np.testing.assert_array_equal(recoverable.sales, plain.sales)
    np.testing.assert_array_equal(recoverable.effort, plain.effort)
    assert recoverable.payout.mean() > plain.payout.mean()
    assert guaranteed.effort.mean() < 0.95 * plain.effort.mean()
    assert guaranteed.sales.mean() < plain.sales.mean()
