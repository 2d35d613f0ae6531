"""Sweeps: the points, their figures against one comparison, the tornado, the table."""

from __future__ import annotations

import pytest
from conftest import PLANS_DIR

from simulator.base.jsonout import json_text
from simulator.plan.levers import parse_lever, plan_at
from simulator.plan.spec import load_plan
from simulator.results.comparison import compare
from simulator.results.sweep import MAX_SWEEP_POINTS, sweep, sweep_settings


@pytest.fixture(scope="module")
def high():
    return load_plan(PLANS_DIR / "high_threshold.yaml")


def test_one_at_a_time_and_grid_settings() -> None:
    levers = [(None, [0.5, 0.7]), (None, [1.5, None])]
    assert sweep_settings(levers, (0.7, None), grid=False) == [  # type: ignore[arg-type]
        (0.5, None), (0.7, None), (0.7, 1.5)]
    assert sweep_settings(levers, (0.7, None), grid=True) == [  # type: ignore[arg-type]
        (0.5, 1.5), (0.5, None), (0.7, 1.5), (0.7, None)]


@pytest.fixture(scope="module")
def swept(high, team):
    threshold = parse_lever("measures[0].threshold", high, "--vary")
    cap = parse_lever("measures[0].cap", high, "--vary")
    return sweep(high, [(threshold, [0.5, 0.7, 0.9]), (cap, [2.0, None])], team, 48, seed=5,
                 budget=1_000_000), threshold, cap


def test_points_are_the_comparison_of_their_plans(swept, high, team) -> None:
    result, threshold, cap = swept
    assert [p.values for p in result.points] == [(0.5, None), (0.7, None), (0.9, None),
                                                 (0.7, 2.0)]
    assert result.points[1] is result.start  # the plan's own values: the start, once
    plans = [plan_at(high, [(threshold, 0.5)], "--vary"),
             plan_at(high, [(threshold, 0.9)], "--vary"),
             plan_at(high, [(cap, 2.0)], "--vary")]
    one = compare([high, *plans], team, 48, seed=5)
    for point, plan in zip([result.points[i] for i in (0, 2, 3)], one.plans[1:], strict=True):
        assert point.sales_mean == plan.sales.mean
        assert point.payout_p90 == plan.payout.p90
        assert point.sales_diff == plan.vs_first.sales_diff
        assert point.capped_share == plan.effort.capped_share
    assert result.start.sales_mean == one.plans[0].sales.mean
    assert result.start.sales_diff.mean == 0.0
    assert 0.0 <= result.start.chance_above_budget <= 1.0


def test_the_tornado_takes_each_lever_to_its_ends(swept) -> None:
    result, _, _ = swept
    bars = {bar.path: bar for bar in result.tornado}
    t = bars["measures[0].threshold"]
    assert (t.start, t.low, t.high) == (0.7, 0.5, 0.9)
    assert t.sales_low == result.points[0].sales_mean
    assert t.sales_high == result.points[2].sales_mean
    c = bars["measures[0].cap"]
    assert (c.start, c.low, c.high) == (None, 2.0, None)  # none (no cap) is the high end
    assert c.sales_high == result.start.sales_mean
    swings = [abs(bar.sales_swing) for bar in result.tornado]
    assert swings == sorted(swings, reverse=True)


def test_json_and_table(swept) -> None:
    result, _, _ = swept
    data = result.to_dict()
    assert data["mode"] == "one at a time" and data["budget"] == 1_000_000
    assert len(data["points"]) == 4 and "trial_payout" not in json_text(data)
    frame = result.to_frame()
    assert list(frame.columns[:3]) == ["measures[0].threshold", "measures[0].cap",
                                       "sales_mean"]
    assert "chance_payout_above_budget" in frame.columns and len(frame) == 4


def test_too_many_points_are_refused_before_running(high, team) -> None:
    threshold = parse_lever("measures[0].threshold", high, "--vary")
    rate = parse_lever("measures[0].rate_above_quota", high, "--vary")
    values = [round(0.3 + 0.01 * i, 2) for i in range(30)]
    with pytest.raises(ValueError, match=f"at most {MAX_SWEEP_POINTS}"):
        sweep(high, [(threshold, values), (rate, [1.0 + 0.1 * i for i in range(20)])],
              team, 16, grid=True)


def test_the_bench_sweep_runs_its_points(team, monkeypatch) -> None:
    import simulator.faces.bench as bench
    import simulator.results.sweep as module

    seen: list[int] = []
    real = module.sweep

    def spy(plan, levers, *args, **kwargs):
        result = real(plan, levers, *args, **kwargs)
        seen.append(len(result.points))
        return result

    monkeypatch.setattr(module, "sweep", spy)
    bench._sweep(team, 16, 3)  # in this process (no pool)
    assert seen == [3]  # 0.3, 0.31, 0.32: the baseline's own 0.5 is not among them


def test_a_plan_in_euros_sweeps_in_euros(high, team) -> None:
    """The table's first line names the plan's currency and the JSON carries it; a plan that
    states none prints as before."""
    from simulator.plan.spec import plan_from_dict
    from simulator.results.sweep_report import sweep_text

    euros = plan_from_dict({**high.to_yaml_dict(), "currency": "EUR"})
    threshold = parse_lever("measures[0].threshold", euros, "--vary")
    result = sweep(euros, [(threshold, [0.5])], team, 16, seed=5)
    assert "figures per plan year, amounts in EUR," in sweep_text(result).splitlines()[0]
    assert result.to_dict()["currency"] == "EUR"
    plain = sweep(high, [(threshold, [0.5])], team, 16, seed=5)
    assert "amounts in" not in sweep_text(plain) and "currency" not in plain.to_dict()
