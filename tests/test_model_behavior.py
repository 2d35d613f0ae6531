"""Each seed phenomenon, from the plan's rules alone, with the engine's paired intervals.

Every comparison runs on common random numbers, so `vs_first` intervals are tight: a test
asserts the direction with the 95% interval and a plausible size, never a lucky draw.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import PLANS_DIR, make_measure, make_plan, simulate_and_compare

from simulator.model.prepare import prepare
from simulator.plan.spec import load_plan, plan_from_dict
from simulator.results.comparison import compare
from simulator.team.reps import WeeklyFunnel, draw_reps

TRIALS = 300


def plan(name: str, *measures, **overrides):
    return plan_from_dict(make_plan(*measures, name=name, **overrides))


def sales_change(result, index: int = 1) -> tuple[float, float, float]:
    """Relative change in team sales against the first plan: (mean, ci_low, ci_high)."""
    diff = result.plans[index].vs_first.sales_diff
    base = result.plans[0].sales.mean
    return diff.mean / base, diff.ci95_low / base, diff.ci95_high / base


def test_baseline_looks_like_a_real_sales_team(team, baseline):
    """Practice: 50-65% of rep-periods at quota, attainment right-skewed, incentive cost of
    sales 3-10%, nobody giving up, every decile earning more as productivity rises."""
    summary = compare([baseline], team, TRIALS, seed=1).plans[0]
    q = summary.quota_attainment
    assert 0.50 <= q.share_at_or_above <= 0.65
    assert q.p90 - q.p50 > q.p50 - q.p10  # right tail longer
    assert 0.03 <= summary.cost_of_sales.incentive <= 0.10
    assert summary.effort.gave_up_share < 0.02
    sales = [d.sales_mean for d in summary.deciles]
    assert sales[-1] > 2 * sales[0]


def test_giving_up_under_an_unreachable_threshold(team, baseline):
    """Seed 003 situation 3: a 70% threshold on a quota most cannot reach -> reps stop."""
    high = load_plan(PLANS_DIR / "high_threshold.yaml")
    result = compare([baseline, high], team, TRIALS, seed=2)
    change, low, high_ci = sales_change(result)
    assert high_ci < 0 and -0.45 < change < -0.08
    assert result.plans[1].effort.gave_up_share > 0.25
    assert result.plans[0].effort.gave_up_share < 0.02
    # weakest reps give up most: their effort falls furthest below the baseline
    weak = (
        result.plans[1].deciles[0].effort_mean / result.plans[0].deciles[0].effort_mean
    )
    assert weak < 0.8


def test_a_reachable_quota_under_the_same_threshold_brings_effort_back(team):
    """Seed 003's remedy: the same 70% threshold on an achievable quota -> reps keep trying."""
    curve = [[0.7, 0.5], [1.0, 1.0], [1.5, 2.0]]
    unreachable = plan(
        "Quota 150%", make_measure(quota={"relative": 1.5}, threshold=0.7, curve=curve)
    )
    reachable = plan(
        "Quota 100%", make_measure(quota={"relative": 1.0}, threshold=0.7, curve=curve)
    )
    result = compare([unreachable, reachable], team, TRIALS, seed=3)
    assert sales_change(result)[1] > 0.05
    assert result.plans[1].effort.gave_up_share < 0.05
    assert result.plans[0].effort.gave_up_share > 0.25


def test_cap_on_a_low_quota_makes_reps_coast_and_defer(team):
    """Seed 003 situation 4: once extra sales pay nothing, effort drops and deals slip."""
    measure = make_measure(quota={"relative": 0.7})
    uncapped = plan("Low quota, no cap", measure)
    capped = plan("Low quota, cap 1.5", {**measure, "cap": 1.5})
    result = compare([uncapped, capped], team, TRIALS, seed=4)
    change, _, high_ci = sales_change(result)
    assert high_ci < 0 and -0.35 < change < -0.03
    assert result.plans[1].effort.capped_share > 0.2
    assert result.plans[1].deferred_sales_share > result.plans[0].deferred_sales_share + 0.005
    assert result.plans[1].effort.mean < result.plans[0].effort.mean
    # payout is cheaper, not free: the cap saves money but costs more in sales
    saved = -result.plans[1].vs_first.payout_diff.mean
    lost = -result.plans[1].vs_first.sales_diff.mean
    assert saved > 0 and lost > saved


def test_removing_a_ceiling_raises_revenue_as_in_misra_nair(team, baseline):
    """Misra & Nair (2011): removing the ceiling raised revenue ~9%. Here: 3-15%."""
    ceiling = plan_from_dict(
        {**baseline.to_yaml_dict(), "name": "Ceiling", "measures": [make_measure(cap=1.5)]}
    )
    result = compare([ceiling, baseline], team, TRIALS, seed=5)
    change, low, _ = sales_change(result)
    assert low > 0 and 0.03 < change < 0.15


def test_many_kpis_defocus(team, baseline):
    """Seed 003 situation 5: light measures are dropped, the split costs focus, sales fall."""
    many = load_plan(PLANS_DIR / "many_kpis.yaml")
    sim, result = simulate_and_compare([baseline, many], team, TRIALS, seed=6)
    change, _, high_ci = sales_change(result)
    assert high_ci < 0 and change < -0.05
    tracked = {m.name: m.tracked for m in result.plans[1].measures}
    assert not tracked["Training"] and not tracked["Customer satisfaction"]  # 5% weights
    assert tracked["Revenue"]
    model = sim.models[1]
    assert model.mix.focus < 1.0  # tracking seven measures costs focus


def test_more_measures_means_less_output_for_the_same_pay(team):
    """Splitting the same incentive over more revenue-like measures lowers total output."""
    curve = [[0.5, 0.25], [1.0, 1.0], [1.5, 2.0]]
    one = plan("One KPI", make_measure(curve=curve))
    lines = [
        make_measure(name=f"KPI {m}", metric=m, weight=0.2, curve=curve)
        for m in ("revenue", "deals", "meetings", "revenue_core", "conversations")
    ]
    five = plan("Five KPIs", *lines)
    sim, result = simulate_and_compare([one, five], team, TRIALS, seed=7)
    assert sim.models[1].mix.focus < sim.models[0].mix.focus
    assert sales_change(result)[2] < 0


def test_reps_put_time_where_they_sell_best(team, baseline):
    """Paid on revenue, each rep leans toward the product lines they sell best (seed 003:
    "put more effort into achieving sales for a product that he is better at selling")."""
    funnel = WeeklyFunnel.from_team(team)
    reps = draw_reps(team, np.random.default_rng(team.rep_seed))
    mix = prepare(baseline, team, funnel, reps).mix
    tilt = np.log(mix.shares[:, :3] / funnel.default_mix[:3])
    skill = np.log(reps.product_skill)
    relative_tilt = tilt - tilt.mean(axis=1, keepdims=True)
    relative_skill = skill - skill.mean(axis=1, keepdims=True)
    assert np.corrcoef(relative_tilt.ravel(), relative_skill.ravel())[0, 1] > 0.8


def test_light_measure_gets_no_extra_time(team):
    """A 5% CRM measure is ignored: CRM time stays where it is without pay for it."""
    funnel = WeeklyFunnel.from_team(team)
    reps = draw_reps(team, np.random.default_rng(team.rep_seed))

    def crm_share(weight: float) -> float:
        p = plan(
            f"CRM {weight}",
            make_measure(weight=1 - weight),
            make_measure(
                name="CRM",
                metric="crm_hygiene",
                weight=weight,
                threshold=None,
                curve=[[1.0, 1.0]],
                cap=1.5,
            ),
        )
        return float(prepare(p, team, funnel, reps).mix.shares[:, 3].mean())

    assert crm_share(0.05) == pytest.approx(crm_share(0.001), rel=0.02)
    assert crm_share(0.3) > 1.2 * crm_share(0.05)


def test_late_announcement_makes_reps_fold(team, baseline):
    """Seed 003 situation 6: the same plan posted on day 14 of the month sells less than
    posted on day 0, and with six days left reps who are behind fold."""
    late = load_plan(PLANS_DIR / "late_plan.yaml")
    on_time = plan_from_dict({**late.to_yaml_dict(), "name": "On time", "announce_day": 0})
    result = compare([on_time, late, baseline], team, TRIALS, seed=8)
    change, _, high_ci = sales_change(result)
    assert high_ci < 0 and -0.20 < change < -0.005
    assert result.plans[1].effort.gave_up_share > result.plans[0].effort.gave_up_share + 0.03
    assert result.plans[2].effort.gave_up_share < 0.02


def test_paying_for_activity_buys_volume_not_deals(team, baseline):
    """Seeds 002 and 003 situations 1-2: dials rise, call quality and revenue fall."""
    activity = load_plan(PLANS_DIR / "activity_kpis.yaml")
    sim, result = simulate_and_compare([baseline, activity], team, TRIALS, seed=9)
    change, _, high_ci = sales_change(result)
    assert high_ci < 0 and -0.30 < change < -0.03
    model = sim.models[1]
    assert model.mix.quality.mean() < 0.8  # shorter calls
    dials = next(m for m in result.plans[1].measures if m.metric == "dials")
    assert dials.attainment_mean > 1.1  # more dials than normal


def test_a_modest_activity_weight_does_little_harm(team, baseline):
    """Rao et al.: harm comes when the activity weight is large, not from a modest one."""
    curve = [[0.5, 0.25], [1.0, 1.0], [1.5, 2.0]]

    def with_dials(weight: float):
        return plan(
            f"Dials {weight}",
            make_measure(weight=1 - weight, curve=curve),
            make_measure(name="Dials", metric="dials", weight=weight, curve=curve),
        )

    result = compare([baseline, with_dials(0.1), with_dials(0.5)], team, TRIALS, seed=10)
    modest, heavy = sales_change(result, 1)[0], sales_change(result, 2)[0]
    assert heavy < modest - 0.03
    assert modest > -0.05


def test_behaviour_adds_to_what_a_replay_would_show(team, baseline):
    """Static mode (a replay-based tool) misses the give-up loss of a high threshold."""
    high = load_plan(PLANS_DIR / "high_threshold.yaml")
    adaptive = compare([baseline, high], team, 100, seed=11)
    static = compare([baseline, high], team, 100, seed=11, behavior="static")
    assert static.plans[1].vs_first.sales_diff.mean == 0.0
    assert sales_change(adaptive)[2] < -0.05


def test_paying_for_less_talk_time_buys_less_work(team, baseline):
    """Seed 003 situation 2 pushed to the limit: paying for low talk time rewards doing
    less, so reps rush calls, cut effort, and sales fall."""
    short = plan(
        "Short talk",
        make_measure(weight=0.4),
        make_measure(name="Talk time", metric="talk_time", direction="lower", weight=0.6),
    )
    sim, result = simulate_and_compare([baseline, short], team, TRIALS, seed=12)
    assert sales_change(result)[2] < -0.1
    assert result.plans[1].effort.mean < result.plans[0].effort.mean
    assert sim.models[1].mix.quality.mean() < 0.8


# --------------------------------------------------------------------------- issue 12


def impatience(team, beta: float, delta: float):  # type: ignore[no-untyped-def]
    return team.model_copy(update={"behavior": team.behavior.model_copy(
        update={"present_bias": beta, "weekly_discount": delta})})


def test_quarterly_quotas_pace_present_biased_reps(team, baseline):
    """Chung, Steenburgh & Sudhir (2014): quarterly quotas sell more than an annual one
    (about +5%), the weakest reps gaining most; for patient reps the period barely
    matters."""
    annual = plan_from_dict({**baseline.to_yaml_dict(), "name": "Annual", "period": "year"})
    result = compare([annual, baseline], team, TRIALS, seed=11)
    change, low, _ = sales_change(result)
    assert low > 0.01 and change < 0.10
    weak = result.plans[1].deciles[0].sales_mean / result.plans[0].deciles[0].sales_mean
    strong = result.plans[1].deciles[-1].sales_mean / result.plans[0].deciles[-1].sales_mean
    assert weak > strong
    patient = compare([annual, baseline], impatience(team, 1.0, 1.0), TRIALS, seed=11)
    assert abs(sales_change(patient)[0]) < change / 2


def test_effort_rises_toward_the_period_end(team, baseline):
    """Beta-delta reps put effort off: the last week of a quarter sees more than the
    first (the quarter-end push), and the year's last week books more than its mean."""
    summary = compare([baseline], team, TRIALS, seed=12).plans[0]
    quarters = summary.weekly_effort.reshape(4, 12)
    assert np.all(quarters[:, -1] > quarters[:, 0])
    assert summary.weekly_sales[-1] > summary.weekly_sales.mean()


def test_a_foreseen_ratchet_makes_reps_hold_back(team, baseline):
    """Misra & Nair (2011): next year's quota set from this year's sales makes reps hold
    back; over three years the ratcheted plan sells less and its quota drifts down."""
    measure = baseline.measures[0].to_yaml()
    ratchet = plan_from_dict({**baseline.to_yaml_dict(), "name": "Ratchet",
                              "measures": [{**measure, "ratchet": 0.5}]})
    result = compare([baseline, ratchet], team, TRIALS // 2, seed=13, years=3)
    change, _, high_ci = sales_change(result)
    assert high_ci < 0 and change > -0.25
    years = result.plans[1].by_year
    assert years is not None and len(years) == 3
    assert years[0].primary_quota_scale == 1.0 and years[2].primary_quota_scale < 1.0
    assert result.plans[0].by_year is not None
    assert all(y.primary_quota_scale == 1.0 for y in result.plans[0].by_year)


def test_a_hard_threshold_pulls_deals_in_and_a_cap_pushes_them_out(team, baseline):
    """Larkin (2014), Oyer (1998): near a threshold reps pull next period's deals in at a
    discount; past a cap they push them out."""
    hard = plan(name="Hard threshold", **{"measures": [make_measure(
        threshold=0.9, curve=[[0.9, 0.5], [1.0, 1.0], [1.3, 1.6]], cap=1.3)]})
    result = compare([baseline, hard], team, TRIALS, seed=14)
    base, steep = result.plans[0].timing, result.plans[1].timing
    assert steep.pulled_in_share > base.pulled_in_share
    assert steep.pushed_out_share > base.pushed_out_share
    assert steep.discount_cost_share == pytest.approx(
        team.behavior.pull_discount * steep.pulled_in_share)


def test_a_pay_cut_makes_reps_leave(team, baseline):
    """A plan that pays far less loses reps: more leave than today's 30%, and the empty
    seats cost sales on top of the effort they no longer give."""
    high = load_plan(PLANS_DIR / "high_threshold.yaml")
    result = compare([baseline, high], team, TRIALS, seed=15)
    today, cut = result.plans[0].turnover, result.plans[1].turnover
    assert today is not None and cut is not None
    assert 0.25 < today.leavers_share < 0.35
    assert cut.leavers_share > today.leavers_share + 0.1
    assert cut.lost_sales_vs_today > 0 and today.lost_sales_vs_today == pytest.approx(0)


def test_before_the_announcement_reps_work_as_the_plan_in_force_asks(team, baseline):
    """The belief before a plan is announced only matters for a late plan; "previous"
    (the incumbent continues, the default) and "normal" then differ."""
    late = load_plan(PLANS_DIR / "late_plan.yaml")
    normal = team.model_copy(update={"behavior": team.behavior.model_copy(
        update={"before_announcement": "normal"})})
    previous = compare([baseline, late], team, TRIALS, seed=16)
    usual = compare([baseline, late], normal, TRIALS, seed=16)
    assert previous.plans[0].sales.mean == usual.plans[0].sales.mean
    assert previous.plans[1].sales.mean != usual.plans[1].sales.mean


def _commission_plan(name: str, method: str, tiers, cap=None):
    commission = {"method": method, "tiers": tiers, **({"cap": cap} if cap else {})}
    raw = make_plan({"name": "New revenue", "metric": "revenue", "quota": {"relative": 1.0},
                     "commission": commission}, name=name)
    raw["pay"].pop("target_incentive")
    return plan_from_dict(raw)


def test_a_steeper_marginal_rate_above_quota_buys_more_sales(team):
    """Issue 11: reps respond to a commission's marginal pay. The same 6% up to quota, then
    6% or 18% on revenue above it: the accelerator sells more, paired on the same luck."""
    flat = _commission_plan("Flat 6%", "marginal", [[0.0, 0.06]])
    steep = _commission_plan("6% then 18%", "marginal", [[0.0, 0.06], [1.0, 0.18]])
    result = compare([flat, steep], team, 200, seed=11)
    change, low, _ = sales_change(result)
    assert low > 0 and 0.01 < change < 0.5
    assert result.plans[1].effort.mean > result.plans[0].effort.mean


def test_a_commission_cap_makes_reps_coast(team):
    """A cap in currency stops the marginal pay: capped reps ease off and defer deals."""
    uncapped = _commission_plan("Uncapped", "marginal", [[0.0, 0.06], [1.0, 0.18]])
    capped = _commission_plan("Capped", "marginal", [[0.0, 0.06], [1.0, 0.18]], cap=15000)
    result = compare([uncapped, capped], team, 200, seed=12)
    assert sales_change(result)[2] < 0
    assert result.plans[1].effort.capped_share > 0.05
    assert result.plans[1].deferred_sales_share > result.plans[0].deferred_sales_share


def _linked_plan(name: str, **links):
    return plan(name, make_measure(weight=0.75, **links),
                make_measure(name="Meetings", metric="meetings", weight=0.25,
                             quota={"relative": 1.0}))


def test_a_gate_out_of_reach_makes_reps_give_up_and_a_multiplier_buys_effort(team):
    """Issue 11, gates and multipliers: revenue paid only at 120% of the meeting quota acts
    as a threshold most cannot reach (sales fall, reps give up); revenue pay multiplied by a
    rising curve of meetings steepens marginal pay (sales and effort rise)."""
    plain = _linked_plan("Plain")
    gated = _linked_plan("Gated", gate={"measure": "Meetings", "at_least": 1.2})
    multiplied = _linked_plan("Multiplied", multiplier={
        "measure": "Meetings", "curve": [[0.5, 0.25], [1.0, 1.0], [1.5, 1.75]]})
    result = compare([plain, gated, multiplied], team, 150, seed=13)
    change, _, high = sales_change(result, 1)
    assert high < 0 and change < -0.03
    assert result.plans[1].effort.gave_up_share > result.plans[0].effort.gave_up_share + 0.1
    change, low, _ = sales_change(result, 2)
    assert low > 0 and change > 0.03
    assert result.plans[2].effort.mean > result.plans[0].effort.mean
