"""A plan's measures on the team model (simulator.model.measures): layout, quotas, attainment.

Hand-checked quotas use a two-rep roster team without quota error, where a rep of level L
sells L deals a week at the harmonic-mean deal size H = 1 / sum_p(share_p / size_p) of the
product lines (revenue shares equal time shares), so a quarter's revenue is 12 L H.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make_measure, make_plan

from simulator.model.measures import MeasureLayout, plan_quotas
from simulator.plan.payout import PlanPayout
from simulator.plan.spec import PlanSpec, plan_from_dict
from simulator.team.reps import Reps, WeeklyFunnel, draw_reps
from simulator.team.spec import TeamSpec, team_from_dict

# the default products: time shares 60 / 25 / 15%, deal sizes 24,000 / 10,800 / 16,800
HARMONIC_DEAL = 1 / (0.6 / 24_000 + 0.25 / 10_800 + 0.15 / 16_800)  # 17,520.28


def roster_team(**extra: object) -> TeamSpec:
    return team_from_dict({
        "name": "Two reps",
        "roster": [{"rep_id": "Strong", "level": 1.5}, {"rep_id": "Weak", "level": 0.5}],
        "spread": {"quota_error": 0.0, "task_skill": 0.0},
        **extra,
    })


def quotas_of(plan: PlanSpec, team: TeamSpec) -> tuple[np.ndarray, Reps]:
    reps = draw_reps(team, np.random.default_rng(team.rep_seed))
    return plan_quotas(plan, WeeklyFunnel.from_team(team), reps, team), reps


def one_measure(period: str = "quarter", **measure: object) -> PlanSpec:
    return plan_from_dict(make_plan(make_measure(**measure), period=period))


# --------------------------------------------------------------------------- quotas


def test_relative_revenue_quota_by_hand() -> None:
    quotas, _ = quotas_of(one_measure(quota={"relative": 1.0}), roster_team())
    np.testing.assert_allclose(quotas[:, 0], [12 * 1.5 * HARMONIC_DEAL, 12 * 0.5 * HARMONIC_DEAL],
                               rtol=1e-12)
    assert quotas[0, 0] == pytest.approx(315_365.01, abs=0.01)


@pytest.mark.parametrize(("period", "weeks"), [("month", 4), ("quarter", 12), ("year", 48)])
def test_count_quotas_accumulate_over_the_period(period: str, weeks: int) -> None:
    quotas, _ = quotas_of(one_measure(period, quota={"relative": 0.9}), roster_team())
    np.testing.assert_allclose(quotas[:, 0], 0.9 * weeks * np.array([1.5, 0.5]) * HARMONIC_DEAL)


def test_team_quota_is_the_team_median_for_everyone() -> None:
    quotas, _ = quotas_of(one_measure(quota={"team": 1.1}), roster_team())
    # the median of two reps is their mean: 12 x (1.5 + 0.5) / 2 x H
    np.testing.assert_allclose(quotas[:, 0], 1.1 * 12 * 1.0 * HARMONIC_DEAL)


def test_absolute_quota_is_taken_as_written() -> None:
    quotas, _ = quotas_of(one_measure(quota=250_000), roster_team())
    np.testing.assert_array_equal(quotas[:, 0], [250_000, 250_000])


def test_history_quota_of_a_count_uses_the_history_factor() -> None:
    quotas, _ = quotas_of(one_measure(quota={"history": 1.0}), roster_team(history_factor=0.8))
    np.testing.assert_allclose(quotas[:, 0], 0.8 * 12 * np.array([1.5, 0.5]) * HARMONIC_DEAL)


def test_history_quota_of_a_level_is_the_normal_level() -> None:
    """CSAT is a level: no weeks, no history factor; 80 at task skill 1."""
    plan = one_measure(name="CSAT", metric="csat", quota={"history": 1.05})
    quotas, _ = quotas_of(plan, roster_team(history_factor=0.8))
    np.testing.assert_allclose(quotas[:, 0], [1.05 * 80, 1.05 * 80])


def test_relative_quotas_carry_each_reps_quota_error(team: TeamSpec) -> None:
    """Dials do not depend on skill: 300 a week at the default mix, 3,600 a quarter, times
    the quota-setter's error for each rep; a team quota has no error."""
    plan = plan_from_dict(make_plan(
        make_measure(name="Calls", metric="dials", weight=0.5, quota={"relative": 1.0}),
        make_measure(name="Team calls", metric="dials", weight=0.5, quota={"team": 1.0}),
    ))
    quotas, reps = quotas_of(plan, team)
    assert quotas.shape == (team.size, 2)
    np.testing.assert_allclose(quotas[:, 0], 3_600 * reps.quota_error, rtol=1e-12)
    np.testing.assert_allclose(quotas[:, 1], 3_600, rtol=1e-12)


# --------------------------------------------------------------------------- layout


@pytest.fixture(scope="module")
def mixed() -> tuple[PlanSpec, PlanPayout, MeasureLayout]:
    plan = plan_from_dict(make_plan(
        make_measure(weight=0.4),
        make_measure(name="Calls", metric="dials", weight=0.2),
        make_measure(name="CSAT", metric="csat", weight=0.2),
        make_measure(name="Short calls", metric="avg_call_minutes", direction="lower",
                     weight=0.1),
        make_measure(name="Core", metric="revenue_core", weight=0.1),
    ))
    payout = PlanPayout.from_plan(plan)
    return plan, payout, MeasureLayout.of(plan, payout)


def test_layout_arrays(mixed: tuple[PlanSpec, PlanPayout, MeasureLayout]) -> None:
    _, _, layout = mixed
    assert layout.metrics == ("revenue", "dials", "csat", "avg_call_minutes", "revenue_core")
    assert layout.is_count.tolist() == [True, True, False, False, True]
    assert layout.sales_luck.tolist() == [True, False, False, False, True]
    assert layout.lower.tolist() == [False, False, False, True, False]
    assert layout.count.tolist() == [0, 1, 4]
    assert layout.level.tolist() == [2, 3]


def test_luck_sigmas_by_kind_of_metric(mixed: tuple[PlanSpec, PlanPayout, MeasureLayout],
                                       team: TeamSpec) -> None:
    _, _, layout = mixed
    activity = team.luck.activity_weekly
    np.testing.assert_array_equal(layout.luck_sigmas(team, 0.17),
                                  [0.17, activity, activity, activity, 0.17])


def test_attainments_by_hand(mixed: tuple[PlanSpec, PlanPayout, MeasureLayout]) -> None:
    """Counts accumulate over the weeks; lower is better is quota / actual."""
    _, _, layout = mixed
    outputs = {
        "revenue": np.array([10_000.0, 5_000.0]),
        "dials": np.array([300.0, 330.0]),
        "csat": np.array([80.0, 90.0]),
        "avg_call_minutes": np.array([30.0, 20.0]),
        "revenue_core": np.array([6_000.0, 0.0]),
    }
    quotas = np.array([[120_000.0, 3_600.0, 80.0, 30.0, 72_000.0],
                       [120_000.0, 3_600.0, 80.0, 30.0, 72_000.0]])
    att = layout.attainments(outputs, quotas, 12)
    np.testing.assert_allclose(att, [
        [1.0, 1.0, 1.0, 1.0, 1.0],
        [0.5, 330 * 12 / 3_600, 90 / 80, 30 / 20, 0.0],
    ])


def test_attainments_broadcast_over_leading_axes(
        mixed: tuple[PlanSpec, PlanPayout, MeasureLayout], rng: np.random.Generator) -> None:
    _, _, layout = mixed
    outputs = {m: rng.uniform(1, 2, (3, 4)) for m in layout.metrics}
    quotas = rng.uniform(1, 2, (4, 5))
    att = layout.attainments(outputs, quotas, 4)
    assert att.shape == (3, 4, 5)
    np.testing.assert_allclose(att[1, 2, 3], quotas[2, 3] / outputs["avg_call_minutes"][1, 2])
    np.testing.assert_allclose(att[2, 0, 1], outputs["dials"][2, 0] * 4 / quotas[0, 1])


def test_relative_quota_of_one_means_normal_work_attains_one_over_the_error(
        team: TeamSpec) -> None:
    """At normal effort and the default mix, attainment of a relative quota of 1 is exactly
    one over the quota-setter's error, for every metric (the quota is built from it)."""
    from simulator.model.mix import default_mix
    from simulator.team.reps import weekly_output

    plan = plan_from_dict(make_plan(
        make_measure(weight=0.5),
        make_measure(name="CSAT", metric="csat", weight=0.25),
        make_measure(name="Short", metric="talk_time", direction="lower", weight=0.25),
    ))
    payout = PlanPayout.from_plan(plan)
    layout = MeasureLayout.of(plan, payout)
    funnel = WeeklyFunnel.from_team(team)
    quotas, reps = quotas_of(plan, team)
    mix = default_mix(funnel, reps.size)
    att = layout.attainments(weekly_output(funnel, reps, mix.shares, mix.quality), quotas, 12)
    np.testing.assert_allclose(att[:, 0], 1 / reps.quota_error, rtol=1e-12)
    np.testing.assert_allclose(att[:, 1], 1 / reps.quota_error, rtol=1e-12)
    np.testing.assert_allclose(att[:, 2], reps.quota_error, rtol=1e-12)  # quota / actual
