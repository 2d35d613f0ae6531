"""Frames, tables and charts of a calibration (a team fitted to history).

They read the fit as plain data (`Calibration.to_dict()`): the headline estimates as a
table (`estimates_frame`), seasonality, rep levels and goodness of fit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from simulator.base.calendar import SEASON_NAMES, WEEKS_PER_PERIOD
from simulator.results.charts.style import GRID, HEIGHT, MUTED, PALETTE, WIDTH, finish, money_prefix

FIT_BASES = {
    "fitted level": "Actual / the rep's fitted expected revenue",
    "quota": "Actual / historic quota",
    "period effect": "Team-wide period effect (the market)",
}
FITS, MISSES = "#54A24B", "#E45756"
ESTIMATE_COLUMNS = ["Estimate", "Value", "95% interval"]


def estimate_text(value: float, low: float, high: float,
                  fmt: str = "{:,.3f}") -> tuple[str, str]:
    """A fitted number and its 95% interval as text: ("0.300", "0.237 to 0.379")."""
    return fmt.format(value), f"{fmt.format(low)} to {fmt.format(high)}"


def estimates_frame(fit: Mapping[str, Any], currency: str | None = None) -> pd.DataFrame:
    """The fit's headline estimates with their 95% intervals, one row each, as text.

    fit: a calibration as plain data (`Calibration.to_dict()`). Columns: Estimate (what is
    estimated, with its unit), Value and 95% interval (empty for a share or a factor that
    has none). Revenue is per rep-month in currency; luck is a log-sd per period or week;
    funnel counts are per rep-month. currency: the history's, when known (the plan it was
    earned under states one, or the deal exports name one); None shows "$".
    """
    unit = str(fit["granularity"])
    weeks = WEEKS_PER_PERIOD[unit]
    money_fmt = money_prefix(currency) + "{:,.0f}"
    rows: list[tuple[str, str, str]] = []

    def add(label: str, e: Mapping[str, float], fmt: str = "{:,.3f}") -> None:
        rows.append((label, *estimate_text(e["value"], e["low"], e["high"], fmt)))

    add("Revenue per rep-month (average rep and month)", fit["revenue_per_rep_month"],
        money_fmt)
    add("Spread of rep levels (log-sd across reps)", fit["level_sigma"])
    add(f"Luck per {unit} (log-sd)", fit["period_sigma"])
    add(f"Each rep's own weekly luck (luck.sales_weekly, {weeks} weeks a {unit})",
        fit["weekly_luck"])
    market = fit.get("market")
    if market:
        for key, label in (("yearly", "Market: yearly level (log-sd)"),
                           ("monthly", "Market: monthly (log-sd)"),
                           ("autocorrelation", "Market: month-to-month correlation")):
            e = market[key]
            if key in market["fitted"]:
                add(label, e)
            else:
                rows.append((label, f"{e['value']:.3f}", "kept from the base team"))
    rows.append(("Outlier share of rep-periods (robust fit)",
                 f"{fit['outlier_share'] * 100:.2f}%", ""))
    for metric, e in fit["funnel"].items():
        add(f"{metric.replace('_', ' ').capitalize()} per rep-month", e, "{:,.1f}")
    if fit["minutes_per_conversation"] is not None:
        add("Minutes per conversation", fit["minutes_per_conversation"], "{:,.1f}")
    if fit.get("incumbent"):
        rows.append(("Plan the history was earned under (it defines normal effort)",
                     str(fit["incumbent"]), ""))
    return pd.DataFrame(rows, columns=ESTIMATE_COLUMNS)


def seasonal_frame(fit: Mapping[str, Any]) -> pd.DataFrame:
    """The fitted seasonal factors with their 95% intervals, one row per month or quarter.

    fit: a calibration as plain data (`Calibration.to_dict()`).
    Columns: season (Jan... or Q1...), order, factor, low, high (revenue of that season
    relative to an average one).
    """
    names = SEASON_NAMES[str(fit["granularity"])]
    return pd.DataFrame([
        {"season": name, "order": i, "factor": f["value"], "low": f["low"], "high": f["high"]}
        for i, (name, f) in enumerate(zip(names, fit["seasonal_factors"], strict=True))
    ])


def rep_level_frame(fit: Mapping[str, Any]) -> pd.DataFrame:
    """Each rep's fitted level (1.0 = the team's average rep) with its 95% interval.

    Rows sorted from the lowest level; `history` says whether the rep's own periods or the
    team mean dominate the estimate (shrunk more than half of the way to the team).
    """
    shrunk = set(fit["strongly_shrunk"])
    rows = [{"rep": r["rep_id"], "level": r["level"], "low": r["low"], "high": r["high"],
             "periods": r["periods"], "shrinkage": r["shrinkage"],
             "history": ("little history: shrunk toward the team" if r["rep_id"] in shrunk
                         else "own history")}
            for r in fit["reps"]]
    return pd.DataFrame(rows).sort_values("level", kind="stable").reset_index(drop=True)


def fit_quantile_frame(fit: Mapping[str, Any]) -> pd.DataFrame:
    """Observed attainment quantiles against the fit's replicated histories.

    One row per basis (``fitted level`` or ``quota``) and quantile: observed, fitted (the
    replicates' median), low and high (their 95% band) and whether the quantile fits.
    """
    frame = pd.DataFrame(list(fit["goodness_of_fit"]),
                         columns=["basis", "quantile", "observed", "fitted", "low", "high",
                                  "fits"])
    frame["basis_title"] = frame["basis"].map(FIT_BASES).fillna(frame["basis"])
    frame["label"] = [f"P{q * 100:.0f}" for q in frame["quantile"]]
    frame["verdict"] = np.where(frame["fits"].astype(bool), "fits", "does not fit")
    return frame


def seasonal_chart(frame: pd.DataFrame, subtitle: str = "") -> Any:
    """Seasonal factors with 95% intervals; the dashed line is an average period (1.0)."""
    x = alt.X("season:N", title=None, sort=list(frame["season"]), axis=alt.Axis(labelAngle=0))
    tips = [alt.Tooltip("season:N", title="Season"),
            alt.Tooltip("factor:Q", title="Factor", format=".2f"),
            alt.Tooltip("low:Q", title="95% from", format=".2f"),
            alt.Tooltip("high:Q", title="to", format=".2f")]
    bars = alt.Chart(frame).mark_rule(color=PALETTE[0], strokeWidth=2).encode(
        x=x, y=alt.Y("low:Q", title="Revenue vs an average period (×)",
                     scale=alt.Scale(zero=False)), y2="high:Q", tooltip=tips)
    points = alt.Chart(frame).mark_point(filled=True, size=70, color=PALETTE[0]).encode(
        x=x, y="factor:Q", tooltip=tips)
    one = alt.Chart(pd.DataFrame({"y": [1.0]})).mark_rule(color=MUTED,
                                                         strokeDash=[4, 4]).encode(y="y:Q")
    chart = alt.layer(one, bars, points).properties(width=WIDTH, height=240)
    return finish(chart, "Seasonality", subtitle or
                   "Fitted factor of each season with its 95% interval; 1.0 = an average period")


def rep_level_chart(frame: pd.DataFrame, subtitle: str = "") -> Any:
    """Each rep's level with its 95% interval, lowest first; shrunk reps stand out."""
    colour = alt.Color("history:N", title=None,
                       scale=alt.Scale(domain=["own history",
                                               "little history: shrunk toward the team"],
                                       range=[PALETTE[0], PALETTE[1]]),
                       legend=alt.Legend(orient="top", labelLimit=400))
    x = alt.X("rep:N", title="Rep (lowest level first)", sort=list(frame["rep"]),
              axis=alt.Axis(labelAngle=-90, labelFontSize=9) if len(frame) <= 80
              else alt.Axis(labels=False, ticks=False))
    tips = [alt.Tooltip("rep:N", title="Rep"), alt.Tooltip("level:Q", title="Level", format=".2f"),
            alt.Tooltip("low:Q", title="95% from", format=".2f"),
            alt.Tooltip("high:Q", title="to", format=".2f"),
            alt.Tooltip("periods:Q", title="Periods of history"),
            alt.Tooltip("shrinkage:Q", title="Pulled toward the team", format=".0%")]
    bars = alt.Chart(frame).mark_rule(strokeWidth=1.5, opacity=0.6).encode(
        x=x, y=alt.Y("low:Q", title="Level (1 = the team's average rep)"), y2="high:Q",
        color=colour, tooltip=tips)
    points = alt.Chart(frame).mark_point(filled=True, size=40, opacity=1).encode(
        x=x, y="level:Q", color=colour, tooltip=tips)
    one = alt.Chart(pd.DataFrame({"y": [1.0]})).mark_rule(color=MUTED,
                                                         strokeDash=[4, 4]).encode(y="y:Q")
    chart = alt.layer(one, bars, points).properties(width=WIDTH, height=HEIGHT)
    return finish(chart, "Rep levels", subtitle or
                   "Each rep's revenue at normal effort relative to the team's average rep, "
                   "with its 95% interval")


def fit_quantile_chart(frame: pd.DataFrame) -> Any:
    """Observed attainment quantiles (dots) against replicated histories (band and median)."""
    colour = alt.Color("verdict:N", title="Observed quantile",
                       scale=alt.Scale(domain=["fits", "does not fit"], range=[FITS, MISSES]),
                       legend=alt.Legend(orient="top"))
    x = alt.X("label:N", title="Quantile of attainment", sort=["P10", "P25", "P50", "P75", "P90"],
              axis=alt.Axis(labelAngle=0))
    tips = [alt.Tooltip("label:N", title="Quantile"),
            alt.Tooltip("observed:Q", title="Observed", format=".2f"),
            alt.Tooltip("fitted:Q", title="Fitted (median)", format=".2f"),
            alt.Tooltip("low:Q", title="95% band from", format=".2f"),
            alt.Tooltip("high:Q", title="to", format=".2f"),
            alt.Tooltip("verdict:N", title="Verdict")]

    def panel(part: pd.DataFrame, title: str) -> Any:
        band = alt.Chart(part).mark_bar(size=18, color=GRID).encode(
            x=x, y=alt.Y("low:Q", title="Attainment (×)", scale=alt.Scale(zero=False)),
            y2="high:Q", tooltip=tips)
        median = alt.Chart(part).mark_tick(color=MUTED, thickness=2, size=22).encode(
            x=x, y="fitted:Q", tooltip=tips)
        observed = alt.Chart(part).mark_point(filled=True, size=80, opacity=1).encode(
            x=x, y="observed:Q", color=colour, tooltip=tips)
        return alt.layer(band, median, observed).properties(width=WIDTH // 2, height=240,
                                                            title=title)

    panels = [panel(frame[frame["basis"] == b], str(t))
              for b, t in dict(zip(frame["basis"], frame["basis_title"], strict=True)).items()]
    chart = panels[0] if len(panels) == 1 else alt.hconcat(*panels)
    return finish(chart, "Goodness of fit",
                   "Observed quantiles (dots) against histories replicated from the fit "
                   "(grey: 95% band, tick: median)", fit=False)

