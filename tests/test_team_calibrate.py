"""simulator.team.calibrate as a whole: history -> calibrated team.

Recovery of the sample history's known parameters, robustness to a huge deal, seasonality,
quarterly files, the team file and the `calibrate` command (its output and its refusals).
The parts have their own files: test_team_calibrate_likelihood.py, _luck.py, _fit.py,
_data.py; the history reader is in test_team_history.py.
"""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import EXAMPLES_DIR, PLANS_DIR, ROOT, make_plan, write_csv

from simulator.faces.cli import main
from simulator.model.engine import simulate
from simulator.plan.spec import load_plan, plan_from_dict
from simulator.results.comparison import compare
from simulator.team.calibrate import Calibration, calibrate
from simulator.team.history import parse_history, read_history
from simulator.team.parameters import Spread
from simulator.team.spec import load_team

SAMPLE = EXAMPLES_DIR / "sample_history.csv"


def _load_generator() -> Any:
    spec = importlib.util.spec_from_file_location(
        "make_sample_history", ROOT / "scripts" / "make_sample_history.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = _load_generator()


@pytest.fixture(scope="module")
def truth() -> dict[str, Any]:
    return GENERATOR.generate()[1]


@pytest.fixture(scope="module")
def fit() -> Calibration:
    return calibrate(read_history(SAMPLE), np.random.default_rng(0))


def history_csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, float_format="%.10g", lineterminator="\n")


def synthetic(
    rng: np.random.Generator,
    reps: int = 20,
    months: int = 12,
    level_sigma: float = 0.3,
    weekly: float = 0.6,
    season: tuple[float, ...] = (1.0,) * 12,
) -> pd.DataFrame:
    """A clean monthly revenue history drawn as the engine draws sales (4 weeks a month)."""
    level = np.exp(level_sigma * rng.standard_normal(reps))
    rows = []
    for i in range(reps):
        for t in range(months):
            luck = np.exp(weekly * rng.standard_normal(4) - weekly**2 / 2).mean()
            revenue = round(50_000 * level[i] * season[t % 12] * luck)
            rows.append((f"S{i + 1:02d}", f"{2024 + t // 12}-{t % 12 + 1:02d}", "revenue",
                         float(revenue), ""))
    return pd.DataFrame(rows, columns=["rep_id", "period", "metric", "actual", "quota"])


# --------------------------------------------------------------------------- the sample


def test_sample_file_is_what_the_script_makes(tmp_path: Path) -> None:
    frame, _ = GENERATOR.generate()
    out = tmp_path / "sample.csv"
    GENERATOR.write(frame, out)
    assert out.read_bytes() == SAMPLE.read_bytes()


def test_recovers_level_spread(fit: Calibration, truth: dict[str, Any]) -> None:
    assert fit.level_sigma.low <= truth["level_sigma"] <= fit.level_sigma.high
    assert fit.level_sigma.high / fit.level_sigma.low < 2.0  # an informative interval


def test_recovers_weekly_luck(fit: Calibration, truth: dict[str, Any]) -> None:
    assert fit.weekly_luck.low <= truth["weekly_luck"] <= fit.weekly_luck.high
    assert fit.weekly_luck.high - fit.weekly_luck.low < 0.1
    assert fit.team["luck"]["sales_weekly"] == pytest.approx(fit.weekly_luck.value, rel=1e-3)


def test_recovers_seasonality(fit: Calibration, truth: dict[str, Any]) -> None:
    assert fit.seasonality_kept and fit.seasonality_p_value is not None
    assert fit.seasonality_p_value < 1e-6
    true = np.array(truth["seasonality"])
    fitted = np.array(fit.seasonality)
    assert np.mean(fitted) == pytest.approx(1.0, abs=1e-3)
    covered = [f.low <= t <= f.high for f, t in zip(fit.seasonal_factors, true, strict=True)]
    # two years of market shocks that persist from month to month (AR(1)) move runs of
    # neighbouring seasons together, so misses come in runs: most seasons, not all
    assert sum(covered) >= 9
    # the direction of every clear seasonal swing: slow January and August, strong December
    assert fitted[0] < 0.95 and fitted[7] < 0.9 and fitted[11] > 1.1
    assert np.corrcoef(true, fitted)[0, 1] > 0.8  # the market moves two years of seasons


def test_recovers_levels_and_revenue(fit: Calibration, truth: dict[str, Any]) -> None:
    levels = {r.rep_id: r.level for r in fit.reps}
    assert set(levels) == set(truth["levels"])
    assert np.mean(list(levels.values())) == pytest.approx(1.0, abs=1e-9)
    true = np.log([truth["levels"][r] for r in levels])
    fitted = np.log(list(levels.values()))
    assert np.corrcoef(true, fitted)[0, 1] > 0.8  # the market moves two years of seasons
    assert fit.revenue_per_rep_month.value == pytest.approx(truth["revenue_per_rep_month"],
                                                            rel=0.06)


def test_funnel_rates_from_history(fit: Calibration, truth: dict[str, Any]) -> None:
    assert fit.funnel["dials"].low <= 1200 * 1.002 and fit.funnel["dials"].high >= 1200 * 0.998
    assert fit.funnel["meetings"].value == pytest.approx(12, rel=0.1)
    assert fit.funnel["deals"].value == pytest.approx(4, rel=0.1)
    assert fit.minutes_per_conversation is not None
    assert fit.minutes_per_conversation.value == pytest.approx(30, rel=0.02)
    # revenue per rep-month of the written funnel: deals x harmonic-mean deal size
    team = load_team_from(fit)
    shares = np.array([team.products[p].time_share for p in ("core", "addon", "services")])
    sizes = np.array([team.products[p].deal_size for p in ("core", "addon", "services")])
    harmonic = 1 / ((shares / shares.sum()) / sizes).sum()
    assert team.funnel.deals * harmonic == pytest.approx(fit.revenue_per_rep_month.value,
                                                         rel=1e-3)


def load_team_from(fit: Calibration) -> Any:
    from simulator.team.spec import team_from_dict

    return team_from_dict(fit.team, "<fit>")


def test_huge_deal_flagged_and_left_out(fit: Calibration) -> None:
    assert [(o["rep_id"], o["period"]) for o in fit.outliers] == [("R023", "2025-06")]
    assert fit.outliers[0]["ratio"] > 5
    assert fit.outliers[0]["line"] == 3212


def test_zero_month_is_kept(fit: Calibration) -> None:
    rep = next(r for r in fit.reps if r.rep_id == "R012")
    assert rep.zero_periods == 1 and rep.periods == 24
    assert fit.n_zero == 1
    assert any("censored" in n for n in fit.notes)


def test_new_hires_shrunk_toward_the_team(fit: Calibration) -> None:
    reps = {r.rep_id: r for r in fit.reps}
    assert sorted(fit.strongly_shrunk) == ["R042", "R043"]
    assert reps["R042"].periods == 1 and reps["R042"].shrinkage > 0.5
    assert reps["R041"].shrinkage < reps["R042"].shrinkage  # two months: shrunk less
    assert max(r.shrinkage for r in fit.reps if r.periods == 24) < 0.15
    # a one-month rep's level lies between its own month and the team's average rep
    history = read_history(SAMPLE).metric("revenue")
    row = history[history["rep_id"] == "R042"].iloc[0]
    own = row["actual"] / (fit.revenue_per_rep_month.value * fit.seasonality[int(row["season"])])
    level = reps["R042"].level
    assert min(own, 1.0) < level < max(own, 1.0)
    assert abs(level - 1.0) < abs(own - 1.0) / 2  # more than half of the way to the team
    # intervals are wide for new hires, narrow for long histories
    def width(rep: str) -> float:
        return math.log(reps[rep].high / reps[rep].low)

    assert width("R042") > 2 * width("R001")


def test_quotas_in_history(fit: Calibration, truth: dict[str, Any]) -> None:
    assert fit.quotas is not None
    assert fit.quotas["history_multiple_median"] == pytest.approx(truth["quota_multiple"],
                                                                  rel=0.05)


def test_goodness_of_fit(fit: Calibration) -> None:
    rows = fit.goodness_of_fit
    assert {r["basis"] for r in rows} == {"fitted level", "quota", "period effect"}
    assert [r["quantile"] for r in rows[:5]] == [0.1, 0.25, 0.5, 0.75, 0.9]
    assert all(r["fits"] for r in rows)
    assert all(r["low"] <= r["fitted"] <= r["high"] for r in rows)


def test_calibrated_team_validates_and_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            fit: Calibration) -> None:
    out = tmp_path / "team.yaml"
    assert main(["calibrate", str(SAMPLE), "-o", str(out), "--name", "Sample team"]) == 0
    printed = capsys.readouterr().out
    for words in ("spread of rep levels", "luck.sales_weekly", "seasonality", "goodness of fit",
                  "shrunk strongly", "R023 2025-06", f"wrote {out}"):
        assert words in printed
    team = load_team(out)
    assert team.name == "Sample team"
    assert team.roster is not None and len(team.roster) == 43
    assert [r.rep_id for r in team.roster] == [r.rep_id for r in fit.reps]
    assert team.luck.sales_weekly == pytest.approx(fit.weekly_luck.value, rel=1e-3)
    assert max(team.seasonality) > 1.1
    result = compare([load_plan(PLANS_DIR / "baseline.yaml")], team, n_trials=32, seed=1)
    sales = result.plans[0].sales.mean
    # static-effort revenue of the calibrated team is the history's, about 68k a rep-month
    static = compare([load_plan(PLANS_DIR / "baseline.yaml")], team, 32, 1, "static")
    per_rep_month = static.plans[0].sales.mean / (43 * 12)
    assert per_rep_month == pytest.approx(fit.revenue_per_rep_month.value, rel=0.06)
    assert math.isfinite(sales) and sales > 0


def test_history_quotas_scale_with_fitted_levels(fit: Calibration) -> None:
    team = load_team_from(fit)
    measure = {"name": "New revenue", "metric": "revenue", "weight": 1.0,
               "quota": {"history": 1.05}, "threshold": 0.5,
               "curve": [[0.5, 0.25], [1.0, 1.0], [1.5, 2.0]]}
    plan = plan_from_dict(make_plan(measure))
    sim = simulate([plan], team, n_trials=32, seed=0)
    quotas = sim.models[0].quotas[:, 0]
    levels = np.array([r.level for r in fit.reps])
    # a roster rep's product skills average 1 by revenue weight (reps.draw_reps), so the
    # quota is 1.05 x the fitted level x the team's revenue per rep-quarter, as estimated
    # by the quota-setter (off by the team's spread.quota_error)
    per_quarter = 1.05 * fit.revenue_per_rep_month.value * 3
    error = sim.reps.quota_error
    np.testing.assert_allclose(quotas / (levels * error), per_quarter, rtol=1e-3)
    assert np.corrcoef(quotas, levels)[0, 1] > 0.75  # quota-setting error blurs it
    assert sim.tallies[0].sales.mean() > 0


def test_plan_the_history_was_earned_under_becomes_the_incumbent() -> None:
    """calibrate --plan: the plan is the team's incumbent, so that, simulated with adaptive
    reps, it sells what the history shows (the static replay), and {history: 1.0} quotas
    are what each rep sold."""
    baseline = load_plan(PLANS_DIR / "baseline.yaml")
    history = read_history(SAMPLE)
    fit = calibrate(history, np.random.default_rng(0), incumbent=baseline)
    assert fit.incumbent == "Baseline"
    assert fit.team["incumbent"]["name"] == "Baseline"
    team = load_team_from(fit)
    assert team.incumbent == baseline
    adaptive = compare([baseline], team, n_trials=200, seed=0).plans[0].sales.mean
    static = compare([baseline], team, n_trials=200, seed=0, behavior="static").plans[0]
    assert adaptive == pytest.approx(static.sales.mean, rel=0.01)
    per_rep_month = static.sales.mean / (team.size * 12)
    assert per_rep_month == pytest.approx(fit.revenue_per_rep_month.value, rel=0.05)
    history_plan = plan_from_dict({**baseline.to_yaml_dict(), "measures": [
        {**baseline.measures[0].to_yaml(), "quota": {"history": 1.0}}]})
    sim = simulate([history_plan], team, 16, seed=0)
    levels = np.array([r.level for r in fit.reps]) * sim.reps.quota_error
    np.testing.assert_allclose(sim.models[0].quotas[:, 0] / levels,
                               fit.revenue_per_rep_month.value * 3, rtol=2e-3)


def test_without_a_plan_the_base_teams_incumbent_is_dropped(fit: Calibration) -> None:
    """The default team's incumbent did not earn this history: a calibrated team without
    --plan has none, and says that normal effort is the reference plan's."""
    assert load_team(None).incumbent is not None
    assert fit.team["incumbent"] is None and fit.incumbent is None
    assert "no incumbent" in load_team_from(fit).normal_effort


def test_calibrate_plan_writes_the_plan_file_relative_to_the_team(tmp_path: Path) -> None:
    out = tmp_path / "teams" / "fitted.yaml"
    out.parent.mkdir()
    plan = PLANS_DIR / "baseline.yaml"
    assert main(["calibrate", str(SAMPLE), "--plan", str(plan), "-o", str(out)]) == 0
    written = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert (out.parent / written["incumbent"]).resolve() == plan.resolve()
    team = load_team(out)
    assert team.incumbent is not None and team.incumbent.name == "Baseline"
    assert team.incumbent_file == written["incumbent"]


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    frame = synthetic(np.random.default_rng(5), reps=10, months=12)
    path = write_csv(tmp_path, history_csv(frame), "h.csv")
    plan = str(PLANS_DIR / "baseline.yaml")
    assert main(["calibrate", str(path), "--json", "--plan", plan]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["incumbent"] == "Baseline"
    assert set(data["market"]) >= {"yearly", "monthly", "autocorrelation", "rep_sigma"}
    for key in ("level_sigma", "period_sigma", "weekly_luck", "seasonal_factors", "reps",
                "goodness_of_fit", "team", "outliers", "strongly_shrunk", "funnel"):
        assert key in data
    assert data["output"] is None
    assert set(data["weekly_luck"]) == {"value", "low", "high", "se"}


def test_without_output_prints_a_loadable_team(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    frame = synthetic(np.random.default_rng(3), reps=8, months=12)
    path = write_csv(tmp_path, history_csv(frame), "h.csv")
    assert main(["calibrate", str(path)]) == 0
    text = capsys.readouterr().out
    team_text = text.split("# team file (save it with -o FILE):\n", 1)[1]
    (tmp_path / "t.yaml").write_text(team_text, encoding="utf-8")
    assert load_team(tmp_path / "t.yaml").size == 8


# --------------------------------------------------------------------------- robustness


def test_robust_to_one_huge_deal(rng: np.random.Generator) -> None:
    clean = synthetic(rng)
    dirty = clean.copy()
    hit = (dirty["rep_id"] == "S05") & (dirty["period"] == "2024-06")
    dirty.loc[hit, "actual"] *= 30
    fits = {
        (name, robust): calibrate(parse_history(history_csv(frame)), np.random.default_rng(0),
                                  robust=robust)
        for name, frame in (("clean", clean), ("dirty", dirty))
        for robust in (True, False)
    }

    def rep(f: Calibration) -> Any:
        return next(r for r in f.reps if r.rep_id == "S05")

    robust, base = fits["dirty", True], fits["clean", True]
    assert [(o["rep_id"], o["period"]) for o in robust.outliers] == [("S05", "2024-06")]
    assert robust.period_sigma.value == pytest.approx(base.period_sigma.value, rel=0.03)
    # the rep's level loses one month of eleven, no more
    assert rep(base).low < rep(robust).level < rep(base).high
    assert rep(robust).level == pytest.approx(rep(base).level, rel=0.1)
    # a plain normal fit lets the one deal inflate luck and the rep's level
    plain = fits["dirty", False]
    assert plain.period_sigma.value > 1.15 * fits["clean", False].period_sigma.value
    assert rep(plain).level > rep(fits["clean", False]).high
    assert not fits["clean", True].outliers  # nothing flagged in clean data


def test_no_seasonality_when_there_is_none(rng: np.random.Generator) -> None:
    fit = calibrate(parse_history(history_csv(synthetic(rng, months=24))),
                    np.random.default_rng(0))
    assert not fit.seasonality_kept
    assert fit.seasonality == [1.0] * 12
    assert any("no significant seasonality" in n for n in fit.notes)
    assert fit.weekly_luck.low <= 0.6 <= fit.weekly_luck.high
    assert fit.level_sigma.low <= 0.3 <= fit.level_sigma.high


def test_partial_year_fits_no_seasonality(rng: np.random.Generator) -> None:
    fit = calibrate(parse_history(history_csv(synthetic(rng, months=6))),
                    np.random.default_rng(0))
    assert fit.seasonality_p_value is None and fit.seasonality == [1.0] * 12


def test_quarterly_history(truth: dict[str, Any]) -> None:
    monthly = read_history(SAMPLE).metric("revenue")
    monthly = monthly[monthly["actual"] < 500_000]  # leave the huge deal out
    monthly = monthly[~monthly["rep_id"].isin(["R007", "R015", "R041", "R042", "R043"])]
    monthly["quarter"] = monthly["period"].str[:4] + "-Q" + (monthly["season"] // 3 + 1).astype(str)
    quarters = monthly.groupby(["rep_id", "quarter"], as_index=False)["actual"].sum()
    frame = pd.DataFrame({"rep_id": quarters["rep_id"], "period": quarters["quarter"],
                          "metric": "revenue", "actual": quarters["actual"]})
    fit = calibrate(parse_history(history_csv(frame)), np.random.default_rng(0))
    assert fit.granularity == "quarter"
    assert fit.level_sigma.low <= truth["level_sigma"] <= fit.level_sigma.high
    # a quarter sums 12 weekly draws; seasonality within it widens the fitted luck a little
    assert fit.weekly_luck.low * 0.9 <= truth["weekly_luck"] <= fit.weekly_luck.high * 1.1
    months = fit.seasonality
    assert months[0] == months[1] == months[2] and months[9] == months[10] == months[11]
    assert months[11] > 1.05  # the strong year end
    assert fit.team["roster"][0]["rep_id"] == "R001"


# --------------------------------------------------------------------------- rejections

GOOD = (
    "rep_id,period,metric,actual,quota\n"
    "A,2025-01,revenue,50000,60000\n"
    "A,2025-02,revenue,61000,60000\n"
    "B,2025-01,revenue,40000,\n"
    "B,2025-02,revenue,42000,\n"
)


def test_blank_actual_is_a_missing_period() -> None:
    text = GOOD + "C,2025-01,revenue,,\nC,2025-02,revenue,NA,\nC,2025-03,revenue,45000,\n"
    history = parse_history(text, "h.csv")
    assert history.missing_lines == (6, 7)
    assert len(history.metric("revenue")) == 5
    fit = calibrate(history, np.random.default_rng(0))
    assert any("lines 6, 7" in n and "missing periods" in n for n in fit.notes)
    assert next(r for r in fit.reps if r.rep_id == "C").periods == 1


REJECTIONS = [
    ("missing column", "rep_id,period,actual\nA,2025-01,5\n", "line 1",
     "missing column(s): metric"),
    ("bad number", GOOD + "C,2025-01,revenue,12x4,\n", "line 6", "'12x4' is not a number"),
    ("bad quota", GOOD + "C,2025-01,revenue,100,zero\n", "line 6", "quota 'zero' is not"),
    ("negative", GOOD + "C,2025-01,revenue,-5,\n", "line 6", "negative"),
    ("bad period", GOOD + "C,2025-13,revenue,5,\n", "line 6", "is not a month like 2025-03"),
    ("bad period text", GOOD + "C,March 2025,revenue,5,\n", "line 6", "or a quarter like"),
    ("mixed granularities", GOOD + "C,2025-Q1,revenue,5,\n", "line 6",
     "one granularity per file"),
    ("duplicate", GOOD + "A,2025-01,revenue,5,\n", "line 6", "first on line 2"),
    ("unknown metric", GOOD + "C,2025-01,revenu,5,\n", "line 6", "did you mean 'revenue'"),
    ("short row", GOOD + "C,2025-01\n", "line 6", "has 2 fields"),
    ("empty rep", GOOD + ",2025-01,revenue,5,\n", "line 6", "rep_id is empty"),
    ("empty file", "", "", "file is empty"),
    ("header only", "rep_id,period,metric,actual\n", "", "no data rows"),
    ("no revenue", "rep_id,period,metric,actual\nA,2025-01,deals,4\n", "", "no revenue rows"),
    ("one rep", "rep_id,period,metric,actual\nA,2025-01,revenue,4\nA,2025-02,revenue,5\n", "",
     "at least 2 reps"),
]


@pytest.mark.parametrize(("case", "text", "where", "message"), REJECTIONS,
                         ids=[r[0] for r in REJECTIONS])
def test_bad_history_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, text: str, where: str,
    message: str,
) -> None:
    path = write_csv(tmp_path, text, "history.csv")
    out = tmp_path / "team.yaml"
    assert main(["calibrate", str(path), "-o", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
    assert captured.err.startswith(f"{path}: {where}")
    assert "Traceback" not in captured.err
    assert not out.exists()


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calibrate", str(tmp_path / "nope.csv")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_unwritable_output_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path, history_csv(synthetic(np.random.default_rng(1), reps=5,
                                                      months=6)), "h.csv")
    out = tmp_path / "no such dir" / "team.yaml"
    assert main(["calibrate", str(path), "-o", str(out)]) == 2
    assert "cannot write file" in capsys.readouterr().err
    assert not out.exists()


def test_quota_setting_error_from_historic_quotas() -> None:
    """Quotas set 1.1x each rep's true level, off by a known lognormal error per rep: the
    team file's spread.quota_error recovers that error (plus the levels' own estimation
    error, which is what a simulated rep at its fitted level faces too)."""
    rng = np.random.default_rng(21)
    frame = synthetic(rng, reps=60, months=24, weekly=0.4)
    level = frame.groupby("rep_id")["actual"].transform("mean")  # rough truth, 24 months
    error = np.exp(0.3 * rng.standard_normal(60))
    per_rep = dict(zip(sorted(frame["rep_id"].unique()), error, strict=True))
    frame["quota"] = (1.1 * level * frame["rep_id"].map(per_rep)).round()
    fit = calibrate(parse_history(history_csv(frame)), np.random.default_rng(0))
    assert fit.quotas is not None
    assert 0.2 < fit.team["spread"]["quota_error"] < 0.4
    no_quotas = calibrate(parse_history(history_csv(synthetic(rng, reps=20))),
                          np.random.default_rng(0))
    assert no_quotas.quotas is None
    default = Spread().quota_error
    assert no_quotas.team["spread"].get("quota_error", default) == default  # the default stays


@pytest.mark.parametrize(("seed", "shocks"), [
    (7, {"yearly": 0.08, "monthly": 0.06, "rho": 0.5}),
    (8, {"yearly": 0.12, "monthly": 0.10, "rho": 0.6}),
    (9, {"yearly": 0.0, "monthly": 0.0, "rho": 0.5}),
])
def test_market_shocks_are_fitted_within_their_intervals(seed: int,
                                                          shocks: dict[str, float]) -> None:
    """A six-year history made with known market shocks: each is inside its interval, and
    the team file carries the fit."""
    frame, truth = GENERATOR.generate(seed=seed, years=6, **shocks)
    history = parse_history(history_csv(frame), f"market-{seed}.csv")
    fit = calibrate(history, np.random.default_rng(0))
    market = fit.market
    # with no monthly shock its correlation cannot be told: the base team's is kept, said
    told = ("yearly", "monthly", "autocorrelation") if shocks["monthly"] else ("yearly",
                                                                               "monthly")
    assert market is not None and market.fitted == told
    for estimate, true in ((market.yearly, shocks["yearly"]), (market.monthly, shocks["monthly"])):
        assert estimate.low <= true <= estimate.high, (estimate, true)
    if shocks["monthly"] > 0:
        assert market.autocorrelation.low <= shocks["rho"] <= market.autocorrelation.high
    assert fit.team["luck"]["market_monthly"] == pytest.approx(market.monthly.value, rel=1e-3)
    assert fit.weekly_luck.low <= truth["weekly_luck"] <= fit.weekly_luck.high


def test_short_histories_keep_the_base_teams_yearly_market(fit: Calibration) -> None:
    """Two years cannot tell a yearly level: the base team's value is kept, and said."""
    assert fit.market is not None and "yearly" not in fit.market.fitted
    assert fit.market.yearly.value == load_team(None).luck.market_yearly
    assert any("yearly" in note for note in fit.notes)
