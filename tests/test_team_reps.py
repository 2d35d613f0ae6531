"""Who the reps are and what a week produces (simulator.team.reps).

Analytic: with d minutes per dial, r conversations per dial and L minutes a call,
V(q) = (d + rL) / (d + rLq) and K(q) = (1 + k) q / (q + k) with k = rL / d, so
V(1) = K(1) = 1 and meetings per selling hour, V(q) K(q), peak at q = 1.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulator.base.errors import InputError
from simulator.base.metrics import METRICS, PRODUCTS
from simulator.model.mix import default_mix
from simulator.team.reps import ACTIVITIES, Reps, WeeklyFunnel, draw_reps, weekly_output
from simulator.team.spec import TeamSpec, team_from_dict

MONTH = 4  # weeks


def average_reps(n: int = 1) -> Reps:
    """Reps exactly at the funnel: every skill 1, no quota error."""
    one, ones3 = np.ones(n), np.ones((n, 3))
    return Reps(tuple(f"A{i}" for i in range(n)), one, one, ones3, ones3, one, one)


@pytest.fixture(scope="module")
def funnel(team: TeamSpec) -> WeeklyFunnel:
    return WeeklyFunnel.from_team(team)


# --------------------------------------------------------------------------- drawing reps


def test_draw_reps_is_deterministic_per_seed_and_differs_across_seeds(team: TeamSpec) -> None:
    a = draw_reps(team, np.random.default_rng(7))
    b = draw_reps(team, np.random.default_rng(7))
    c = draw_reps(team, np.random.default_rng(8))
    for name in ("conversion", "deal_size", "product_skill", "task_skill", "effort_cost",
                 "quota_error"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
        assert not np.array_equal(getattr(a, name), getattr(c, name)), name


def test_drawn_reps_have_ids_and_shapes(team: TeamSpec, rng: np.random.Generator) -> None:
    reps = draw_reps(team, rng)
    assert reps.size == team.size == 50
    assert reps.ids[:3] == ("R001", "R002", "R003") and reps.ids[-1] == "R050"
    assert reps.product_skill.shape == (50, 3) and reps.task_skill.shape == (50, 3)
    assert np.all(reps.conversion > 0) and np.all(reps.quota_error > 0)


def test_spreads_are_mean_one_lognormals_of_the_teams_sigmas(rng: np.random.Generator) -> None:
    """Each skill is exp(sigma z - sigma^2 / 2): mean 1, log-sd sigma; the quota error's
    inverse has mean 1 (so expected attainment at normal effort is 1)."""
    team = team_from_dict({"name": "Many", "reps": 40_000})
    reps = draw_reps(team, rng)
    spread = team.spread
    for values, sigma in ((reps.conversion, spread.conversion),
                          (reps.deal_size, spread.deal_size),
                          (reps.product_skill, spread.product_skill),
                          (reps.task_skill, spread.task_skill),
                          (reps.effort_cost, spread.effort_cost),
                          (1 / reps.quota_error, spread.quota_error)):
        # standard errors at 40,000 reps: mean < 0.002, log-sd < 0.002
        assert values.mean() == pytest.approx(1.0, abs=0.01)
        assert np.log(values).std() == pytest.approx(sigma, rel=0.03)


def test_no_spread_makes_every_rep_the_average_rep(rng: np.random.Generator) -> None:
    team = team_from_dict({"name": "Clones", "reps": 5, "spread": {
        "conversion": 0.0, "deal_size": 0.0, "product_skill": 0.0, "task_skill": 0.0,
        "effort_cost": 0.0, "quota_error": 0.0}})
    reps = draw_reps(team, rng)
    for name in ("conversion", "deal_size", "product_skill", "task_skill", "effort_cost",
                 "quota_error"):
        np.testing.assert_array_equal(getattr(reps, name), 1.0)


def test_a_roster_team_keeps_its_levels_exactly(rng: np.random.Generator) -> None:
    team = team_from_dict({"name": "Roster", "roster": [
        {"rep_id": "Ana", "level": 1.4}, {"rep_id": "Ben", "level": 0.7},
        {"rep_id": "Cy", "level": 1.0}]})
    reps = draw_reps(team, rng)
    assert reps.ids == ("Ana", "Ben", "Cy")
    np.testing.assert_array_equal(reps.conversion, [1.4, 0.7, 1.0])
    np.testing.assert_array_equal(reps.deal_size, 1.0)
    # product skills still differ, but their revenue-weighted average is 1 for every rep
    shares = np.array([0.6, 0.25, 0.15])
    np.testing.assert_allclose(reps.product_skill @ shares, 1.0, rtol=1e-12)
    assert np.ptp(reps.product_skill) > 0
    # so each rep's revenue at normal effort is their level times the average rep's
    funnel = WeeklyFunnel.from_team(team)
    mix = default_mix(funnel, 3)
    revenue = weekly_output(funnel, reps, mix.shares, mix.quality)["revenue"]
    average = weekly_output(funnel, average_reps(), mix.shares[:1], mix.quality[:1])["revenue"]
    np.testing.assert_allclose(revenue, [1.4, 0.7, 1.0] * average, rtol=1e-12)


# --------------------------------------------------------------------------- the funnel


def test_the_average_rep_makes_the_seed_001_funnel(funnel: WeeklyFunnel) -> None:
    """Per month at normal effort and the default mix: 1,200 dials, 84 conversations,
    12 meetings, 4 deals, 84 x 30 minutes = 42 hours of talk."""
    out = weekly_output(funnel, average_reps(), funnel.default_mix[None, :], np.ones(1))
    assert out["dials"][0] * MONTH == pytest.approx(1_200, rel=1e-12)
    assert out["conversations"][0] * MONTH == pytest.approx(84, rel=1e-12)
    assert out["meetings"][0] * MONTH == pytest.approx(12, rel=1e-12)
    assert out["deals"][0] * MONTH == pytest.approx(4, rel=1e-12)
    assert out["talk_time"][0] * MONTH == pytest.approx(42, rel=1e-12)
    assert out["avg_call_minutes"][0] == pytest.approx(30)
    assert out["training_hours"][0] * MONTH == pytest.approx(4.8)
    assert out["crm_hygiene"][0] == pytest.approx(85) and out["csat"][0] == pytest.approx(80)


def test_revenue_shares_equal_time_shares(funnel: WeeklyFunnel) -> None:
    """No product line is a free lunch: each earns the same revenue per selling hour."""
    out = weekly_output(funnel, average_reps(), funnel.default_mix[None, :], np.ones(1))
    shares = [out[f"revenue_{p}"][0] / out["revenue"][0] for p in PRODUCTS]
    np.testing.assert_allclose(shares, [0.6, 0.25, 0.15], rtol=1e-12)
    # 4 deals a month at the harmonic-mean deal size
    harmonic = 1 / (0.6 / 24_000 + 0.25 / 10_800 + 0.15 / 16_800)
    assert out["revenue"][0] * MONTH == pytest.approx(4 * harmonic, rel=1e-12)


def test_the_default_team_is_close_to_the_funnel_on_average(team: TeamSpec,
                                                            funnel: WeeklyFunnel) -> None:
    """The drawn 50 reps: dials and conversations exactly (no skill moves them), meetings
    and deals within the sampling spread of 50 lognormal skills."""
    reps = draw_reps(team, np.random.default_rng(team.rep_seed))
    mix = default_mix(funnel, reps.size)
    out = weekly_output(funnel, reps, mix.shares, mix.quality)
    assert out["dials"].mean() * MONTH == pytest.approx(1_200)
    assert out["conversations"].mean() * MONTH == pytest.approx(84)
    assert out["meetings"].mean() * MONTH == pytest.approx(12, rel=0.15)
    assert out["deals"].mean() * MONTH == pytest.approx(4, rel=0.2)


def test_derived_funnel_constants(funnel: WeeklyFunnel) -> None:
    """87% of 160 hours is 8,352 selling minutes a month; 84 calls of 30 minutes take 2,520,
    leaving 5,832 for 1,200 dials: d = 4.86 minutes a dial, k = (84 / 1,200) x 30 / d."""
    assert funnel.minutes_per_dial == pytest.approx(4.86)
    assert funnel.quality_half == pytest.approx(0.07 * 30 / 4.86)
    assert funnel.quality_half == pytest.approx(0.43, abs=0.005)
    assert funnel.default_mix.sum() == pytest.approx(1.0)
    assert ACTIVITIES == ("core", "addon", "services", "crm_hygiene", "training_hours", "csat")


def test_call_quality_volume_and_conversion(funnel: WeeklyFunnel) -> None:
    q = np.linspace(0.3, 2.0, 171)
    volume, conversion = funnel.volume(q), funnel.conversion(q)
    assert funnel.volume(np.array(1.0)) == pytest.approx(1.0)
    assert funnel.conversion(np.array(1.0)) == pytest.approx(1.0)
    assert np.all(np.diff(volume) < 0)  # longer calls, fewer dials
    assert np.all(np.diff(conversion) > 0)  # longer calls, better calls
    # normal calls maximise meetings per selling hour (seed 001 is the best practice)
    assert q[np.argmax(volume * conversion)] == pytest.approx(1.0)
    # docs/MODEL.md: a 12-minute call converts at 0.69, with 22% more dials, 16% fewer meetings
    assert funnel.conversion(np.array(0.4)) == pytest.approx(0.69, abs=0.005)
    assert funnel.volume(np.array(0.4)) == pytest.approx(1.22, abs=0.005)
    assert funnel.volume(np.array(0.4)) * funnel.conversion(np.array(0.4)) == pytest.approx(
        0.84, abs=0.005)


def test_focus_costs_time_beyond_the_free_measures(funnel: WeeklyFunnel) -> None:
    assert [funnel.focus(n) for n in (0, 3, 4, 9)] == pytest.approx([1, 1, 0.975, 0.85])
    assert funnel.focus(100) == 0.0


# --------------------------------------------------------------------------- weekly output


def test_output_follows_time_with_diminishing_returns(funnel: WeeklyFunnel) -> None:
    """Selling capacity is pi_p tau_p^beta: four times the time on a line, twice its deals."""
    mix = funnel.default_mix.copy()
    mix[0] *= 4  # core
    out = weekly_output(funnel, average_reps(), mix[None, :], np.ones(1))
    base = weekly_output(funnel, average_reps(), funnel.default_mix[None, :], np.ones(1))
    assert out["revenue_core"][0] == pytest.approx(2 * base["revenue_core"][0])
    assert out["revenue_addon"][0] == pytest.approx(base["revenue_addon"][0])


def test_levels_stop_at_100_and_counts_lose_focus(funnel: WeeklyFunnel) -> None:
    reps = average_reps(2)
    reps = Reps(reps.ids, reps.conversion, reps.deal_size, reps.product_skill,
                np.array([[1.0, 1.0, 1.0], [1.5, 1.5, 1.5]]), reps.effort_cost, reps.quota_error)
    mix = np.tile(funnel.default_mix, (2, 1))
    out = weekly_output(funnel, reps, mix, np.ones(2), focus=0.9)
    assert out["csat"].tolist() == pytest.approx([80, 100])  # 1.5 x 80 = 120, capped
    assert out["crm_hygiene"].tolist() == pytest.approx([85, 100])
    assert out["training_hours"].tolist() == pytest.approx([1.2 * 0.9, 1.8 * 0.9])
    assert out["dials"].tolist() == pytest.approx([300 * 0.9] * 2)


def test_weekly_output_broadcasts_and_names_every_metric(funnel: WeeklyFunnel,
                                                         rng: np.random.Generator) -> None:
    team = team_from_dict({"name": "Four", "reps": 4})
    reps = draw_reps(team, rng)
    mix = np.broadcast_to(funnel.default_mix, (3, 4, 6))
    out = weekly_output(funnel, reps, mix, np.ones((3, 4)))
    assert set(out) == set(METRICS)
    assert all(v.shape == (3, 4) for v in out.values())
    np.testing.assert_array_equal(out["revenue"][0], out["revenue"][2])


ZERO_SHARES = [
    {"tasks": {"crm_hygiene": {"time_share": 0.0, "normal_level": 85},
               "training_hours": {"time_share": 0.03, "normal_level": 4.8},
               "csat": {"time_share": 0.05, "normal_level": 80}}},
    {"products": {"core": {"time_share": 1.0, "deal_size": 20_000},
                  "addon": {"time_share": 0.0, "deal_size": 9_000},
                  "services": {"time_share": 0.0, "deal_size": 14_000}}},
]


@pytest.mark.parametrize("raw", ZERO_SHARES, ids=["no-crm-time", "core-only"])
def test_a_time_share_of_zero_is_refused_where_it_is_read(raw: dict) -> None:
    """WeeklyFunnel / weekly_output divide by the default share (tau = alpha / alpha0), so a
    share of 0 would give NaN; the team spec refuses it, naming the field."""
    with pytest.raises(InputError) as caught:
        team_from_dict({"name": "Zero share", "reps": 3, **raw}, "t.yaml")
    assert all(p.where.endswith(".time_share") for p in caught.value.problems)
    assert "greater than 0" in str(caught.value)


@pytest.mark.parametrize("raw", ZERO_SHARES, ids=["little-crm-time", "mostly-core"])
def test_every_valid_team_produces_finite_output(raw: dict) -> None:
    tiny = {part: {k: {**v, "time_share": v["time_share"] or 0.001} for k, v in items.items()}
            for part, items in raw.items()}
    team = team_from_dict({"name": "Small shares", "reps": 3, **tiny})
    funnel = WeeklyFunnel.from_team(team)
    reps = draw_reps(team, np.random.default_rng(0))
    out = weekly_output(funnel, reps, np.tile(funnel.default_mix, (3, 1)), np.ones(3))
    assert all(np.all(np.isfinite(v)) for v in out.values())
