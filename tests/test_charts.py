"""The charts sub-package: its public names, the calibration's estimates table, rendering."""

from __future__ import annotations

import copy
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pytest
from conftest import EXAMPLES_DIR, PLANS_DIR

from simulator.plan.spec import load_plan
from simulator.results import charts
from simulator.results.charts import style
from simulator.results.charts.page import page_specs
from simulator.results.comparison import Comparison, compare
from simulator.team.calibrate import calibrate
from simulator.team.history import read_history


@pytest.fixture(scope="module")
def fit() -> dict[str, Any]:
    """The sample history's calibration as plain data (what the app keeps)."""
    history = read_history(EXAMPLES_DIR / "sample_history.csv")
    return calibrate(history, np.random.default_rng(0), name="Sample").to_dict()


@pytest.fixture(scope="module")
def comparison(team: Any) -> Comparison:
    plans = [load_plan(PLANS_DIR / f) for f in ("baseline.yaml", "high_threshold.yaml")]
    return compare(plans, team, n_trials=64, seed=3)


def test_the_package_keeps_every_public_name_of_the_old_module() -> None:
    names = ["CURRENCY", "MONEY_AXIS", "MONEY_TIP", "PALETTE", "INK", "GRID", "MUTED",
             "BEHAVIOUR_TITLES", "WIDTH", "HEIGHT", "plan_colours", "distribution_frame",
             "marker_frame", "payout_curve_frame", "decile_frame", "measure_frame",
             "attainment_frame", "distribution_chart", "payout_curve_chart",
             "measure_curve_chart", "decile_sales_chart", "decile_effort_chart",
             "measure_attainment_chart", "attainment_chart", "FIT_BASES", "FITS", "MISSES",
             "seasonal_frame", "rep_level_frame", "fit_quantile_frame", "seasonal_chart",
             "rep_level_chart", "fit_quantile_chart", "chart_png", "chart_svg",
             "estimates_frame"]
    missing = [n for n in names if not hasattr(charts, n)]
    assert not missing
    assert set(charts.__all__) >= set(names)


def test_estimates_frame_lists_the_fit_with_its_intervals(fit: dict[str, Any]) -> None:
    frame = charts.estimates_frame(fit)
    assert list(frame.columns) == ["Estimate", "Value", "95% interval"]
    rows = frame.set_index("Estimate")
    spread = rows.loc["Spread of rep levels (log-sd across reps)"]
    e = fit["level_sigma"]
    assert (spread["Value"], spread["95% interval"]) == (
        f"{e['value']:.3f}", f"{e['low']:.3f} to {e['high']:.3f}")
    revenue = rows.loc["Revenue per rep-month (average rep and month)"]
    e = fit["revenue_per_rep_month"]
    assert revenue["Value"] == f"${e['value']:,.0f}"
    assert revenue["95% interval"] == f"${e['low']:,.0f} to ${e['high']:,.0f}"
    assert "Luck per month (log-sd)" in rows.index
    assert "Each rep's own weekly luck (luck.sales_weekly, 4 weeks a month)" in rows.index
    assert rows.loc["Outlier share of rep-periods (robust fit)", "Value"] == \
        f"{fit['outlier_share'] * 100:.2f}%"
    assert rows.loc["Outlier share of rep-periods (robust fit)", "95% interval"] == ""
    # two years of history: the monthly market is fitted, the yearly level is kept
    assert rows.loc["Market: yearly level (log-sd)", "95% interval"] == "kept from the base team"
    assert " to " in rows.loc["Market: monthly (log-sd)", "95% interval"]
    assert rows.loc["Minutes per conversation", "Value"] == \
        f"{fit['minutes_per_conversation']['value']:.1f}"
    for metric in fit["funnel"]:
        assert f"{metric.replace('_', ' ').capitalize()} per rep-month" in rows.index
    assert not any(e.startswith("Plan the history") for e in frame["Estimate"])


def test_estimates_frame_in_the_historys_currency(fit: dict[str, Any]) -> None:
    """A history known to be in EUR: its revenue reads EUR 41,000, the rest unchanged."""
    dollars, euros = charts.estimates_frame(fit), charts.estimates_frame(fit, "EUR")
    e = fit["revenue_per_rep_month"]
    revenue = euros.set_index("Estimate").loc["Revenue per rep-month (average rep and month)"]
    assert revenue["Value"] == f"EUR\u00a0{e['value']:,.0f}"
    assert revenue["95% interval"] == f"EUR\u00a0{e['low']:,.0f} to EUR\u00a0{e['high']:,.0f}"
    assert euros.map(lambda v: v.replace("EUR\u00a0", "$")).equals(dollars)
    assert charts.estimates_frame(fit, "USD").equals(dollars)


def test_estimates_frame_of_a_quarterly_fit_under_a_known_plan(fit: dict[str, Any]) -> None:
    quarterly = copy.deepcopy(fit)
    quarterly.update(granularity="quarter", funnel={}, minutes_per_conversation=None,
                     incumbent="Baseline", market=None)
    frame = charts.estimates_frame(quarterly)
    assert "Each rep's own weekly luck (luck.sales_weekly, 12 weeks a quarter)" in \
        set(frame["Estimate"])
    assert "Minutes per conversation" not in set(frame["Estimate"])
    assert frame.iloc[-1].tolist() == [
        "Plan the history was earned under (it defines normal effort)", "Baseline", ""]
    assert len(frame) == 6


def test_estimate_text() -> None:
    assert charts.estimate_text(1.5, 1.25, 1.75) == ("1.500", "1.250 to 1.750")
    assert charts.estimate_text(1234.5, 1000, 1500, "{:,.0f}") == ("1,234", "1,000 to 1,500")


def test_calibration_frames_and_charts(fit: dict[str, Any]) -> None:
    seasons = charts.seasonal_frame(fit)
    assert list(seasons["season"][:3]) == ["Jan", "Feb", "Mar"] and len(seasons) == 12
    levels = charts.rep_level_frame(fit)
    assert levels["level"].is_monotonic_increasing and len(levels) == 43
    goodness = charts.fit_quantile_frame(fit)
    assert set(goodness["verdict"]) <= {"fits", "does not fit"}
    for chart in (charts.seasonal_chart(seasons), charts.rep_level_chart(levels),
                  charts.fit_quantile_chart(goodness)):
        assert chart.to_dict()["$schema"].startswith("https://vega.github.io/schema/vega-lite")


def test_comparison_frames_read_the_typed_results(comparison: Comparison) -> None:
    labels = [p.name for p in comparison.plans]
    rows = [(label, "adaptive", p) for label, p in zip(labels, comparison.plans, strict=True)]
    deciles = charts.decile_frame(rows)
    assert len(deciles) == 20 and list(deciles["decile"][:10]) == list(range(1, 11))
    attainment = charts.attainment_frame(rows)
    shares = attainment.groupby("plan")["share"].sum()
    # attainments past the histogram's 5.0 (a handful of rep-periods) are left out
    assert np.all(shares.to_numpy() <= 1.0) and shares.to_numpy() == pytest.approx([1, 1],
                                                                                   abs=0.005)
    markers = charts.marker_frame([(label, "adaptive", p.payout) for label, p in
                                   zip(labels, comparison.plans, strict=True)])
    assert list(markers["marker"][:2]) == ["P50 (median)", "P90"]
    assert markers["value"].iloc[0] == comparison.plans[0].payout.p50
    hist = charts.distribution_frame([(label, "adaptive", p.trial_sales) for label, p in
                                      zip(labels, comparison.plans, strict=True)])
    assert hist.groupby("plan")["share"].sum().to_numpy() == pytest.approx([1.0, 1.0])
    measures = charts.measure_frame(rows)
    assert isinstance(measures, pd.DataFrame) and set(measures["plan"]) == set(labels)


def test_a_chart_renders_to_png_and_svg(comparison: Comparison) -> None:
    labels = [p.name for p in comparison.plans]
    rows = [(label, "adaptive", p) for label, p in zip(labels, comparison.plans, strict=True)]
    chart = charts.decile_sales_chart(charts.decile_frame(rows), charts.plan_colours(labels))
    assert charts.chart_png(chart, scale=1.0).startswith(b"\x89PNG\r\n\x1a\n")
    assert "<svg" in charts.chart_svg(chart)


def test_money_is_named_in_the_plans_currency() -> None:
    """USD or none: "$" in the numbers; another code: in titles, plain numbers."""
    assert [charts.money_unit(c) for c in (None, "USD", "EUR")] == ["$", "USD", "EUR"]
    assert [charts.money_axis(c) for c in (None, "USD", "EUR")] == ["$,.3~s", "$,.3~s",
                                                                     ",.3~s"]
    assert [charts.money_tip(c) for c in (None, "USD", "EUR")] == ["$,.0f", "$,.0f", ",.0f"]
    assert [charts.money_title("Sales", c) for c in (None, "EUR")] == ["Sales", "Sales (EUR)"]
    assert charts.money_prefix("JPY") == "JPY\u00a0" and charts.money_prefix(None) == "$"


def test_the_budget_line_is_labelled_in_the_plans_currency(comparison: Comparison) -> None:
    rows = [(p.name, comparison.behavior, p) for p in comparison.plans]
    samples = [(label, mode, p.trial_payout) for label, mode, p in rows]
    markers = charts.marker_frame([(label, mode, p.payout) for label, mode, p in rows])
    colours = charts.plan_colours([p.name for p in comparison.plans])
    chart = charts.distribution_chart(charts.distribution_frame(samples), markers, colours,
                                      "payout", budget=4_000_000, currency="EUR")
    spec = chart.to_dict()
    labels = [row["label"] for data in spec["datasets"].values() for row in data
              if "label" in row]
    assert labels == ["Budget EUR\u00a04,000,000"]
    assert spec["layer"][0]["encoding"]["x"]["title"] == ("Team incentive payout per plan "
                                                          "year (EUR)")


def test_backtest_frame_pays_each_rep_under_each_plan() -> None:
    """Two reps, one quarter (15,000 target pay a quarter): hand-computed pay."""
    from simulator.results.backtest import backtest

    text = ("rep_id,period,measure,actual,quota\n"
            "A,2026-Q1,New revenue,270000,180000\n"  # 150%: 2.0x; capped plan 1.5x
            "B,2026-Q1,New revenue,90000,180000\n")  # 50%: 0.25x under both
    plans = [load_plan(PLANS_DIR / f) for f in ("baseline.yaml", "capped.yaml")]
    frame = charts.backtest_frame(backtest(text, plans))
    assert frame[["plan", "rep_id", "paid", "vs_first"]].values.tolist() == [
        ["Baseline", "A", 30_000.0, 0.0], ["Baseline", "B", 3_750.0, 0.0],
        ["Capped, low quota", "A", 22_500.0, -7_500.0],
        ["Capped, low quota", "B", 3_750.0, 0.0]]
    assert frame["jitter"].between(-0.6, 0.6).all()
    assert frame["jitter"].iloc[0] != frame["jitter"].iloc[1]  # a rep's own place in its row
    spec = charts.backtest_chart(frame, charts.plan_colours(["Baseline", "Capped, low quota"]),
                                 "EUR").to_dict()
    x = spec["layer"][0]["encoding"]["x"]
    assert x["title"] == "Paid per rep over the file (EUR)" and x["axis"]["format"] == ",.3~s"


def test_titles_have_no_width_limit(comparison: Comparison) -> None:
    # without one, the browser cut subtitles at a limit Vega took from the chart's first
    # width and kept after the window grew ("exceeded one y..." at 1,920 px); limit 0 is
    # Vega's "none" (vl-convert's exports never cut them, so only the spec can be checked)
    specs = [load_plan(PLANS_DIR / f) for f in ("baseline.yaml", "high_threshold.yaml")]
    labels = [p.name for p in comparison.plans]
    pages = page_specs([comparison], labels, specs, 0.3, False)
    assert {name: spec["title"].get("limit") for name, spec in pages.items()} == dict.fromkeys(
        pages, 0)


def _encodings(spec: Any) -> list[dict[str, Any]]:
    """Every encoding in a chart spec, its layers and panels included."""
    if isinstance(spec, dict):
        own = [spec["encoding"]] if isinstance(spec.get("encoding"), dict) else []
        return own + [e for key, value in spec.items() if key != "encoding"
                      for e in _encodings(value)]
    if isinstance(spec, list):
        return [e for value in spec for e in _encodings(value)]
    return []


def test_axis_titles_and_legends_fit_a_half_width_chart(comparison: Comparison) -> None:
    # at 1,280 px the decile and weekly charts' axis titles ran off both edges, and the
    # measure chart's second legend off its right one
    specs = [load_plan(PLANS_DIR / f) for f in ("baseline.yaml", "many_kpis.yaml")]
    pages = page_specs([comparison], [p.name for p in comparison.plans], specs, 0.3, False)
    for name, spec in pages.items():
        encodings = _encodings(spec)
        titles = [channel["title"] for encoding in encodings for axis, channel in
                  encoding.items() if axis in ("x", "y") and isinstance(channel, dict)
                  and isinstance(channel.get("title"), str)]
        assert titles and all(len(t) <= style.AXIS_TITLE_CHARACTERS for t in titles), name
        on_top = {(channel["field"]) for encoding in encodings
                  for key, channel in encoding.items()
                  if key in ("color", "opacity", "shape", "strokeDash")
                  and isinstance(channel, dict) and isinstance(channel.get("legend"), dict)
                  and channel["legend"].get("orient") == "top"}
        assert len(on_top) <= 1, (name, on_top)


@pytest.mark.parametrize("large", [False, True])
def test_long_subtitle_lines_wrap_at_the_words(large: bool) -> None:
    long = "Inside sales for the northern region, 50 reps · 2,000 simulated plan years · seed 0"
    chart = style.finish(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q"),
                         "Title", ["Short line", long], large=large)
    lines = chart.to_dict()["title"]["subtitle"]
    most = style.SUBTITLE_CHARACTERS_LARGE if large else style.SUBTITLE_CHARACTERS
    assert lines[0] == "Short line" and len(lines) == 3
    assert " ".join(lines[1:]) == long and all(len(line) <= most for line in lines)
