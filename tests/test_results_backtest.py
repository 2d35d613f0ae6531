"""Backtest: one actuals file paid under several plans, side by side, to the cent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import EXAMPLES_DIR, PLANS_DIR, make_measure, make_plan

from simulator.base.errors import InputError
from simulator.faces.cli import main
from simulator.plan.spec import load_plan, plan_from_dict
from simulator.results.backtest import backtest, backtest_text

ACTUALS = (EXAMPLES_DIR / "actuals_baseline.csv").read_text(encoding="utf-8")


def test_the_example_paid_under_three_plans() -> None:
    plans = [load_plan(PLANS_DIR / f"{n}.yaml") for n in ("baseline", "capped", "commission")]
    result = backtest(ACTUALS, plans)
    base, capped, rates = result.plans
    assert base.total == Decimal("48750.00")  # 15,000 + 0 + 3,750 + 30,000 + 0
    assert capped.total == Decimal("41250.00")  # R004 capped at 1.5 x 15,000
    # R001 at quota: 2% x 90,000 + 5% x 90,000 = 6,300; R002 and R003: 2% of ~90,000;
    # R004 at 150%: 6,300 + 23% x 90,000 = 27,000, capped at 25,000
    assert [str(rates.per_rep[r]) for r in ("R001", "R002", "R003", "R004", "R005")] == [
        "6300.00", "1800.00", "1800.00", "25000.00", "0.00"]
    assert (capped.gainers, capped.losers) == (0, 1)
    assert capped.biggest_loss == ("R004", Decimal("-7500.00"))
    assert (rates.gainers, rates.losers) == (1, 3)
    assert result.currency == "USD"
    text = backtest_text(result)
    assert "R004 loses most (-7,500.00)" in text and "paid over the file (USD)" in text


def test_rows_of_other_plans_measures_are_skipped() -> None:
    a = plan_from_dict(make_plan(make_measure(), name="A"))
    b = plan_from_dict(make_plan(make_measure(name="Meetings", metric="meetings", quota=12),
                                 name="B"))
    text = ("rep_id,period,measure,actual,quota\nR,Q1,New revenue,100,100\n"
            "R,Q1,Meetings,18,12\n")
    result = backtest(text, [a, b])
    assert [str(p.total) for p in result.plans] == ["15000.00", "30000.00"]
    assert result.plans[1].biggest_gain == ("R", Decimal("15000.00"))


def test_a_measure_no_plan_has_is_still_an_error(tmp_path, capsys) -> None:
    text = "rep_id,period,measure,actual,quota\nR,Q1,Revenu,100,100\n"
    with pytest.raises(InputError) as caught:
        backtest(text, [load_plan(PLANS_DIR / "baseline.yaml")])
    assert "measure 'Revenu' is not in plan 'Baseline'" in str(caught.value)


def test_the_backtest_command(tmp_path, capsys) -> None:
    out = tmp_path / "bt.csv"
    code = main(["backtest", str(EXAMPLES_DIR / "actuals_baseline.csv"),
                 str(PLANS_DIR / "baseline.yaml"), str(PLANS_DIR / "commission.yaml"),
                 "-o", str(out)])
    assert code == 0
    assert "paid over the file (USD)" in capsys.readouterr().out
    assert out.read_text(encoding="utf-8").splitlines()[1] == "R001,15000.00,6300.00"
