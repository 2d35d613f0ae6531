"""calibrate from deals: the sample exports' known parameters, deal-level luck, bunching."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from simulator.model.luck import block_luck
from simulator.team.calibrate import calibrate, fit_report
from simulator.team.deals import deal_history, read_deals
from simulator.team.history import History
from simulator.team.spec import team_from_dict

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "plans" / "examples"


def _script():
    spec = importlib.util.spec_from_file_location("make_sample_deals",
                                                  ROOT / "scripts" / "make_sample_deals.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_sample_deals"] = module
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()


@pytest.fixture(scope="module")
def truth():
    return SCRIPT.generate()


@pytest.fixture(scope="module")
def fit():
    history = deal_history(read_deals(EXAMPLES / "deals_salesforce.csv",
                                      quotas=EXAMPLES / "deals_quotas.csv"))
    return calibrate(history, np.random.default_rng(0))


def inside(estimate, value: float) -> bool:
    return estimate.low <= value <= estimate.high


def test_the_sample_files_are_what_the_script_makes(truth, tmp_path: Path) -> None:
    frames, _ = truth
    for path in SCRIPT.write(frames, tmp_path):
        assert path.read_bytes() == (EXAMPLES / path.name).read_bytes(), path.name


def test_fitted_levels_lie_within_their_intervals_of_the_truth(fit, truth) -> None:
    _, t = truth
    assert inside(fit.revenue_per_rep_month, t["revenue_per_rep_month"])
    assert inside(fit.level_sigma, t["level_sigma"])
    deals = fit.deals
    assert deals["dispersion"]["low"] <= t["dispersion"] <= deals["dispersion"]["high"]
    assert deals["size_sigma"]["low"] <= t["size_sigma"] <= deals["size_sigma"]["high"]
    covered = [r.low <= t["levels"][r.rep_id] <= r.high for r in fit.reps]
    assert sum(covered) >= 0.9 * len(covered)  # 95% intervals: at most 2 of 20 may miss
    levels = np.array([r.level for r in fit.reps])
    true = np.array([t["levels"][r.rep_id] for r in fit.reps])
    assert np.corrcoef(np.log(levels), np.log(true))[0, 1] > 0.9
    rates = np.array(deals["rep_rates"])
    true_rates = np.array([t["rates"][r] for r in deals["reps"]])
    assert np.corrcoef(rates, true_rates)[0, 1] > 0.8


def test_the_team_file_draws_deals(fit) -> None:
    team = team_from_dict(fit.team, "t")
    assert team.luck.deals is not None and len(team.luck.deals.weekly_rate) == team.size == 20
    # a month of shape K is four weeks of shape K / 4
    assert team.luck.deals.dispersion == pytest.approx(fit.deals["dispersion"]["value"] / 4,
                                                       rel=1e-3)
    assert [r["rep_id"] for r in fit.team["roster"]] == fit.deals["reps"]


def test_goodness_of_fit_compares_counts_sizes_and_totals(fit) -> None:
    bases = {r["basis"] for r in fit.goodness_of_fit}
    assert bases == {"fitted level", "quota", "deal count", "deal size"}
    assert all(r["fits"] for r in fit.goodness_of_fit)
    report = fit_report(fit)
    for words in ("deals per rep-month", "over-dispersion of deal counts", "luck.deals",
                  "deal size / the rep's mean deal", "close-date bunching"):
        assert words in report


def test_bunching_interval_holds_the_truth(fit, truth) -> None:
    _, t = truth
    quarter = fit.timing["quarter"]
    assert quarter["low"] <= t["bunching"] <= quarter["high"]
    assert quarter["low"] > 1  # the sample's quarter ends are bunched
    assert quarter["even"] == pytest.approx(14 * 8 / 731, rel=1e-9)  # 8 quarters, 731 days


def _months(team: dict, blocks: int = 40) -> np.ndarray:
    """A month's luck factor (mean of 4 weekly draws), per rep and trial, no market."""
    spec = team_from_dict(team, "t")
    luck = spec.luck.model_copy(update={"market_monthly": 0.0, "market_yearly": 0.0})
    weeks = np.concatenate([block_luck(0, b, spec.size, luck)[0] for b in range(blocks)], axis=1)
    return weeks.reshape(12, 4, -1, spec.size).mean(axis=1).ravel()


def test_deal_luck_reproduces_the_spread_the_lognormal_fit_overstates(fit, truth) -> None:
    _, t = truth
    rng = np.random.default_rng(5)
    rates = np.array(list(t["rates"].values()))
    k, s = t["dispersion"], t["size_sigma"]
    mean = np.broadcast_to(rates, (20_000, rates.size))
    counts = rng.negative_binomial(k, k / (k + mean))
    sizes = np.exp(s * rng.standard_normal(int(counts.sum())) - s**2 / 2)
    cells = np.repeat(np.arange(counts.size), counts.ravel())
    true_months = np.bincount(cells, sizes, minlength=counts.size) / mean.ravel()
    history = deal_history(read_deals(EXAMPLES / "deals_salesforce.csv"))
    lognormal = calibrate(History(history.source, history.granularity, history.rows),
                          np.random.default_rng(0))
    deal_months, lognormal_months = _months(fit.team), _months(lognormal.team)
    truth_sd = true_months.std()
    assert deal_months.std() == pytest.approx(truth_sd, rel=0.15)
    assert lognormal_months.std() > 1.4 * truth_sd  # what the lognormal fit overstated
    assert np.quantile(deal_months, 0.99) == pytest.approx(np.quantile(true_months, 0.99),
                                                           rel=0.15)
    # and the share of months without a deal
    assert (deal_months == 0).mean() == pytest.approx((true_months == 0).mean(), abs=0.04)
    assert (lognormal_months == 0).mean() == 0


def test_teams_without_deal_luck_draw_what_they_always_drew() -> None:
    plain = team_from_dict({"name": "T", "reps": 3}, "t")
    sales, activity = block_luck(7, 2, 3, plain.luck)
    rng = np.random.default_rng(np.random.SeedSequence(7, spawn_key=(1, 2)))
    z = rng.standard_normal(sales.shape)
    assert activity.shape == (12, 16, 3)
    market = sales / np.exp(plain.luck.sales_weekly * z - plain.luck.sales_weekly**2 / 2)
    # the reps' weekly normals are the first draws of branch (1, block), as before
    assert np.allclose(market, market[:, :, :1])


def test_deal_luck_has_mean_one_and_the_negative_binomial_variance() -> None:
    team = team_from_dict({"name": "T", "reps": 2, "luck": {
        "market_monthly": 0.0, "market_yearly": 0.0,
        "deals": {"weekly_rate": [0.5, 2.0], "dispersion": 1.5, "size_sigma": 0.6}}}, "t")
    weeks = np.concatenate([block_luck(3, b, 2, team.luck)[0] for b in range(60)], axis=1)
    mean, variance = weeks.mean(axis=(0, 1)), weeks.var(axis=(0, 1))
    assert mean == pytest.approx([1.0, 1.0], abs=0.04)
    expected = np.exp(0.36) / np.array([0.5, 2.0]) + 1 / 1.5
    assert variance == pytest.approx(expected, rel=0.08)
    with pytest.raises(Exception, match="lists 3 rates but the team has 2 reps"):
        team_from_dict({"name": "T", "reps": 2, "luck": {"deals": {
            "weekly_rate": [1.0, 1.0, 1.0], "dispersion": 1.0, "size_sigma": 0.5}}}, "t")


def test_the_engine_simulates_a_team_fitted_to_deals(fit) -> None:
    from simulator.plan.spec import load_plan
    from simulator.results.comparison import compare

    team = team_from_dict({**fit.team, "turnover": {**fit.team["turnover"], "yearly": 0.0}},
                          "t")
    result = compare([load_plan(ROOT / "plans" / "baseline.yaml")], team, n_trials=160,
                     behavior="static")
    expected = 12 * sum(r["level"] for r in fit.team["roster"]) * \
        fit.revenue_per_rep_month.value
    assert result.plans[0].sales.mean == pytest.approx(expected, rel=0.04)
