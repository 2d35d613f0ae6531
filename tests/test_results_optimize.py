"""The optimiser: within budget, at least the start's sales, reproducible, the frontier."""

from __future__ import annotations

import pytest
from conftest import PLANS_DIR

from simulator.base.jsonout import json_text
from simulator.plan.edits import plan_yaml
from simulator.plan.levers import parse_lever
from simulator.plan.spec import load_plan, plan_from_text
from simulator.results.comparison import compare
from simulator.results.optimize import Bounds, Point, frontier, optimize
from simulator.results.uncertainty import ROBUST_SHARE

TRIALS = 200


@pytest.fixture(scope="module")
def high():
    return load_plan(PLANS_DIR / "high_threshold.yaml")


def bounds(plan, *paths: tuple[str, float, float]) -> list[Bounds]:
    return [Bounds(parse_lever(path, plan, "--lever"), low, high) for path, low, high in paths]


LEVERS = (("measures[0].threshold", 0.3, 0.9), ("measures[0].cap", 1.25, 4.0),
          ("measures[0].rate_above_quota", 0.5, 4.0))


def test_from_the_high_threshold_plan_it_sells_more_within_its_p90(high, team) -> None:
    budget = compare([high], team, TRIALS, seed=7).plans[0].payout.p90
    result = optimize(high, bounds(high, *LEVERS), team, budget, TRIALS, seed=7, refine=2)
    start, best = result.start, result.best
    assert start.values == (0.7, None, pytest.approx(2.0))
    assert start.payout_p90 == budget and start.within_budget
    assert best.within_budget and best.payout_p90 <= budget
    assert best.sales_mean > start.sales_mean  # more sales for no more P90 payout
    chosen, first = result.comparison.plans[1], result.comparison.plans[0]
    assert chosen.sales.mean == best.sales_mean and chosen.payout.p90 <= budget
    assert chosen.vs_first.sales_diff.ci95_low > 0  # beyond the luck of the simulated years
    assert first.sales.mean == start.sales_mean
    # the chosen plan is a valid plan file, with the levers at the chosen values
    again = plan_from_text(plan_yaml(result.chosen), "chosen.yaml")
    assert again.measures[0].threshold == best.values[0]
    assert again.measures[0].cap == best.values[1]
    assert best in result.frontier


def test_frontier_keeps_only_plans_nothing_beats() -> None:
    def p(sales: float, p90: float) -> Point:
        return Point((sales,), sales, 0.0, p90, sales, True)

    points = [p(10, 5), p(12, 6), p(11, 7), p(9, 4), p(12, 8), p(15, 9)]
    assert [(q.sales_mean, q.payout_p90) for q in frontier(points)] == [
        (9, 4), (10, 5), (12, 6), (15, 9)]


def test_the_same_search_gives_the_same_bytes(high, team) -> None:
    levers = bounds(high, ("measures[0].threshold", 0.5, 0.8), ("measures[0].cap", 1.5, 3.0))
    runs = [optimize(high, levers, team, 900_000, 48, seed=3, steps=2, refine=0).to_dict()
            for _ in range(2)]
    assert json_text(runs[0]) == json_text(runs[1])
    assert runs[0]["chosen_plan"]["measures"][0]["threshold"] in (0.5, 0.7, 0.8)


def test_sales_minus_pay_and_an_impossible_budget(high, team) -> None:
    levers = bounds(high, ("measures[0].threshold", 0.5, 0.9))
    result = optimize(high, levers, team, 1.0, 48, seed=3, steps=3, refine=0,
                      objective="sales-minus-pay")
    assert not result.best.within_budget  # nothing pays under 1 a year at P90
    assert result.best.payout_p90 == min(p.payout_p90 for p in result.frontier)
    assert result.best.objective == result.best.sales_mean - result.best.payout_mean


def test_with_model_draws_the_budget_holds_in_nine_draws_of_ten(high, team) -> None:
    budget = compare([high], team, 64, seed=2).plans[0].payout.p90 * 1.1
    result = optimize(high, bounds(high, ("measures[0].threshold", 0.5, 0.8)), team, budget,
                      64, seed=2, steps=3, refine=0, model_draws=4, draw_trials=32)
    for point in result.frontier:
        assert point.draws_within_budget is not None
        assert point.within_budget == (point.payout_p90 <= budget
                                       and point.draws_within_budget >= ROBUST_SHARE)
    assert result.comparison.draws == 4


def test_scipy_search_stays_in_bounds(high, team) -> None:
    levers = bounds(high, ("measures[0].threshold", 0.5, 0.8),
                    ("measures[0].rate_above_quota", 1.0, 3.0))
    result = optimize(high, levers, team, 2_000_000, 48, seed=1, method="scipy",
                      evaluations=12)
    assert result.evaluations <= 12
    low_high = [(0.5, 0.8), (1.0, 3.0)]
    for point in result.frontier:
        for value, (low, hi) in zip(point.values, low_high, strict=True):
            assert low - 1e-9 <= value <= hi + 1e-9
    assert result.best.sales_mean >= result.start.sales_mean


def test_unknown_objective_or_method(high, team) -> None:
    with pytest.raises(ValueError, match="objective"):
        optimize(high, [], team, 1.0, 16, objective="profit")
    with pytest.raises(ValueError, match="method"):
        optimize(high, [], team, 1.0, 16, method="annealing")


def test_a_plan_in_euros_is_optimised_in_euros(high, team) -> None:
    from simulator.plan.spec import plan_from_dict
    from simulator.results.sweep_report import optimum_text

    euros = plan_from_dict({**high.to_yaml_dict(), "currency": "EUR"})
    levers = bounds(euros, ("measures[0].threshold", 0.5, 0.8))
    result = optimize(euros, levers, team, 900_000, 16, seed=3, steps=2, refine=0)
    first = optimum_text(result).splitlines()[0]
    assert first.endswith("simulated on the same reps and luck, amounts in EUR")
