"""SPIFFs in the simulation (`model.spiff_sim`): their window in the simulated year, their
pay in the cost (by hand under static behaviour), and reps' response in the window."""

from __future__ import annotations

from typing import Any

import numpy as np
from conftest import make_measure, make_plan

from simulator.model.engine import simulate
from simulator.model.spiff_sim import window_weeks
from simulator.plan.spec import plan_from_dict
from simulator.plan.spiff import Spiff
from simulator.team.spec import team_from_dict

LINEAR = {"threshold": None, "curve": [[1.0, 1.0]]}


def spiff(**fields: Any) -> dict[str, Any]:
    return {"name": "Push", "metric": "revenue", "from": "2026-01-01", "to": "2026-12-31",
            **fields}


def plan_with(*spiffs: dict[str, Any], **measure: Any) -> Any:
    return plan_from_dict(make_plan(make_measure(**(measure or LINEAR)),
                                    **({"spiffs": list(spiffs)} if spiffs else {})))


def three_reps() -> Any:
    return team_from_dict({"name": "Three", "roster": [
        {"rep_id": r, "level": level} for r, level in (("A", 1.3), ("B", 1.0), ("C", 0.6))]})


def test_a_window_is_placed_by_month_and_day() -> None:
    def weeks(start: str, to: str) -> np.ndarray:
        return window_weeks(Spiff.model_validate(spiff(per_unit=1, **{"from": start,
                                                                     "to": to})))

    feb = weeks("2026-02-01", "2026-02-28")
    np.testing.assert_allclose(feb, np.r_[np.zeros(4), np.ones(4), np.zeros(40)], atol=1e-12)
    # January has 31 days, weeks of 7.75: days 1-15 fill week 1 and 7.25 / 7.75 of week 2
    half = weeks("2026-01-01", "2026-01-15")
    np.testing.assert_allclose(half[:3], [1.0, 7.25 / 7.75, 0.0], atol=1e-12)
    assert half[3:].sum() == 0
    # across a year's end: December 16-31 (days 15 to 31 of 31) and January 1-7 (0 to 7)
    turn = weeks("2026-12-16", "2027-01-07")
    np.testing.assert_allclose(turn[[0, 1, 44, 45, 46, 47]],
                               [7 / 7.75, 0, 0, 0.5 / 7.75, 1, 1], atol=1e-12)
    np.testing.assert_allclose(weeks("2026-04-01", "2026-06-30")[12:24], np.ones(12),
                               atol=1e-12)
    np.testing.assert_array_equal(weeks("2026-01-01", "2026-12-31"), np.ones(48))


def test_a_per_unit_spiff_adds_its_rate_on_the_windows_sales_static() -> None:
    """Static reps: a full-year 1% SPIFF costs 1% of sales, trial by trial; one on the
    first half year 2% of the first 24 weeks' sales (whole quarters)."""
    plans = [plan_with(), plan_with(spiff(per_unit=0.01)),
             plan_with(spiff(per_unit=0.02, to="2026-06-30"))]
    sim = simulate(plans, three_reps(), 48, seed=2, behavior="static")
    plain, year, half = sim.tallies
    np.testing.assert_array_equal(year.sales, plain.sales)
    np.testing.assert_allclose(year.payout - plain.payout, 0.01 * plain.sales, rtol=1e-9)
    np.testing.assert_allclose(half.payout - plain.payout,
                               0.02 * plain.weekly_sales[:, :24].sum(axis=1), rtol=1e-9)


def test_an_amount_spiff_pays_once_when_the_window_total_reaches_its_level_static() -> None:
    team = team_from_dict({"name": "One", "roster": [{"rep_id": "R", "level": 1.0}]})
    n = 64
    plain = simulate([plan_with()], team, n, seed=4, behavior="static").tallies[0]
    at = float(np.median(plain.sales))
    sim = simulate([plan_with(spiff(amount=1_000, at=at))], team, n, seed=4,
                   behavior="static").tallies[0]
    reached = plain.sales >= at
    np.testing.assert_allclose(sim.payout - plain.payout, 1_000 * reached, atol=1e-6)
    assert 0 < reached.sum() < n


def test_a_spiff_on_a_metric_raises_it_in_the_window(baseline) -> None:
    """A 3% SPIFF on revenue in Q1: adaptive reps sell more in Q1 than without it, on the
    same reps and luck; the SPIFF costs its rate on Q1's sales."""
    q1 = plan_from_dict({**baseline.to_yaml_dict(), "name": "Q1 push",
                         "spiffs": [spiff(per_unit=0.03, to="2026-03-31")]})
    sim = simulate([baseline, q1], three_reps(), 64, seed=6)
    plain, push = sim.tallies
    first, later = slice(0, 12), slice(12, 48)
    q1_rise = push.weekly_sales[:, first].sum(axis=1).mean() / \
        plain.weekly_sales[:, first].sum(axis=1).mean()
    assert q1_rise > 1.02
    assert push.weekly_effort[:, first].mean() > plain.weekly_effort[:, first].mean()
    later_change = push.weekly_effort[:, later].mean() / plain.weekly_effort[:, later].mean()
    assert abs(later_change - 1) < 0.01  # outside the window reps work as before
    assert push.payout.mean() > plain.payout.mean()
