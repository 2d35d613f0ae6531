"""Altair charts of a comparison: one visual language for the app and the exports.

Every chart is a pure function from small tidy frames to an `alt.Chart`; nothing here
simulates or imports streamlit. The frame builders aggregate first (histograms, deciles,
curve grids), so a chart never carries raw per-trial rows.

One visual language: each plan keeps one colour everywhere (`plan_colours`), money axes
read ``$36M``, shares read ``40%``, attainment reads as a percentage of quota, and every
axis title names its unit. When a comparison holds both behaviour modes, each chart
shows them as panels one above the other on shared scales.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import vl_convert as vlc

from simulator.plan.payout import PayoutCurve
from simulator.plan.spec import PlanSpec
from simulator.results.summary import Distribution, PlanResult

CURRENCY = "$"
MONEY_AXIS = f"{CURRENCY},.3~s"
"""Vega format of money on axes: $36M, $250k."""
MONEY_TIP = f"{CURRENCY},.0f"
"""Vega format of money in tooltips: $36,006,114."""

PALETTE = (
    "#4C78A8",  # blue
    "#F58518",  # orange
    "#54A24B",  # green
    "#E45756",  # red
    "#B279A2",  # purple
    "#72B7B2",  # teal
    "#9D755D",  # brown
    "#EECA3B",  # yellow
)
"""Plan colours in plan order: the first plan is always blue, the second orange, ..."""
INK = "#31333F"
GRID = "#E6E9EF"
MUTED = "#8A8D99"

BEHAVIOUR_TITLES = {
    "adaptive": "Adaptive reps: effort responds to the plan",
    "static": "Static reps: effort fixed (a replay of last year)",
}
WIDTH = 640
HEIGHT = 300


# --------------------------------------------------------------------------- style


def plan_colours(labels: Sequence[str]) -> dict[str, str]:
    """A fixed colour per plan label, in plan order (the same plan, the same colour)."""
    return {label: PALETTE[i % len(PALETTE)] for i, label in enumerate(labels)}


def _legend(colours: Mapping[str, str], **kwargs: Any) -> alt.Legend:
    """The plan legend above the plot; more than three plans wrap onto rows of three."""
    many = len(colours) > 3
    return alt.Legend(orient="top", labelLimit=180 if many else 260,
                      columns=3 if many else alt.Undefined, **kwargs)


def _colour(colours: Mapping[str, str], title: str = "Plan") -> alt.Color:
    return alt.Color(
        "plan:N",
        title=title,
        scale=alt.Scale(domain=list(colours), range=list(colours.values())),
        legend=_legend(colours),
    )


def _finish(
    chart: Any, title: str, subtitle: str | list[str] = "", large: bool = False,
    fit: bool = True,
) -> Any:
    """Title and the house look; `large` for the presentation view (big type).

    `fit`: the width (axes and legend included) fits the page column while the plot keeps
    its height; off for faceted charts, which keep their natural size.
    """
    base = 18 if large else 12
    if fit:
        chart = chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    chart = chart.properties(
        title=alt.TitleParams(
            title,
            subtitle=subtitle or alt.Undefined,
            anchor="start",
            fontSize=base + (12 if large else 6),
            subtitleFontSize=base,
            subtitleColor=MUTED,
            color=INK,
        )
    )
    return (
        chart.configure(font="Source Sans Pro, Helvetica, Arial, sans-serif", background="white")
        .configure_axis(
            labelFontSize=base,
            titleFontSize=base + 1,
            labelColor=INK,
            titleColor=INK,
            gridColor=GRID,
            domainColor=MUTED,
            tickColor=MUTED,
            titleFontWeight="normal",
        )
        .configure_legend(labelFontSize=base, titleFontSize=base, symbolSize=140 if large else 90)
        .configure_view(stroke=None)
        .configure_header(labelFontSize=base + 1, titleFontSize=base + 1, labelColor=INK)
    )


def _size(large: bool, height: int = HEIGHT) -> dict[str, int]:
    return {"width": int(WIDTH * 1.6) if large else WIDTH,
            "height": int(height * 1.5) if large else height}


def _by_behaviour(frame: pd.DataFrame, build: Any) -> Any:
    """One panel per behaviour mode (one above the other) on shared scales, if both are there."""
    modes = list(dict.fromkeys(frame["behaviour"])) if "behaviour" in frame else []
    if len(modes) <= 1:
        return build(frame, None)
    panels = [build(frame[frame["behaviour"] == m], BEHAVIOUR_TITLES.get(m, m)) for m in modes]
    return alt.vconcat(*panels).resolve_scale(x="shared", y="shared")


# --------------------------------------------------------------------------- frames


def distribution_frame(
    samples: Sequence[tuple[str, str, np.ndarray]], bins: int | None = None
) -> pd.DataFrame:
    """Histogram per (plan, behaviour) of per-trial values on common bin edges.

    samples: (plan label, behaviour, values of shape (n_trials,)). bins: the number of
    common bins; by default enough (30-200) that the narrowest series spans about a dozen.
    Returns one row per bin: plan, behaviour, start, end, mid, share (fraction of that
    series' trials in the bin).
    """
    arrays = [np.asarray(v, dtype=float) for _, _, v in samples]
    pooled = np.concatenate(arrays)
    low, high = float(pooled.min()), float(pooled.max())
    if high <= low:
        pad = 0.005 * max(abs(low), 1.0)
        low, high = low - pad, high + pad
    if bins is None:
        spreads = [float(np.subtract(*np.percentile(a, [95, 5]))) for a in arrays if a.size]
        narrowest = min((w for w in spreads if w > 0), default=high - low)
        bins = int(np.clip(np.ceil(12 * (high - low) / narrowest), 30, 200))
    edges = np.linspace(low, high, bins + 1)
    rows = []
    for plan, behaviour, values in samples:
        counts, _ = np.histogram(values, bins=edges)
        share = counts / max(len(values), 1)
        rows.append(
            pd.DataFrame(
                {
                    "plan": plan,
                    "behaviour": behaviour,
                    "start": edges[:-1],
                    "end": edges[1:],
                    "mid": (edges[:-1] + edges[1:]) / 2,
                    "share": share,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def marker_frame(rows: Sequence[tuple[str, str, Distribution]]) -> pd.DataFrame:
    """P50 and P90 markers per (plan, behaviour) of a distribution."""
    out = []
    for plan, behaviour, dist in rows:
        for value, label in ((dist.p50, "P50 (median)"), (dist.p90, "P90")):
            out.append({"plan": plan, "behaviour": behaviour, "marker": label,
                        "value": float(value)})
    return pd.DataFrame(out)


def payout_curve_frame(
    plans: Sequence[tuple[str, PlanSpec]], max_attainment: float = 2.0, step: float = 0.01
) -> pd.DataFrame:
    """Payout multiple against attainment for each measure and the whole plan.

    Rows: plan, measure ("Whole plan" for the weighted sum, i.e. a rep at the same
    attainment on every measure), weight, attainment (fraction of quota), payout
    (multiple of that measure's target incentive; of the plan's for "Whole plan") and
    pay_per_year (currency per rep per year at that attainment).
    """
    rows = []
    for label, plan in plans:
        breaks: list[float] = []
        for m in plan.measures:
            breaks += [x for x, _ in m.curve]
            if m.threshold is not None:
                breaks.append(m.threshold)
        eps = 1e-6
        grid = np.arange(0.0, max_attainment + step / 2, step)
        extra = [b + d for b in breaks for d in (-eps, 0.0) if 0 <= b + d <= max_attainment]
        grid = np.unique(np.concatenate((grid, extra)))
        total = np.zeros_like(grid)
        for m in plan.measures:
            multiple = PayoutCurve.from_measure(m)(grid)
            total += m.weight * multiple
            rows.append(pd.DataFrame({
                "plan": label, "measure": m.name, "weight": m.weight, "attainment": grid,
                "payout": multiple,
                "pay_per_year": multiple * m.weight * plan.pay.target_incentive,
            }))
        rows.append(pd.DataFrame({
            "plan": label, "measure": "Whole plan", "weight": 1.0, "attainment": grid,
            "payout": total, "pay_per_year": total * plan.pay.target_incentive,
        }))
    return pd.concat(rows, ignore_index=True)


def decile_frame(rows: Sequence[tuple[str, str, PlanResult]]) -> pd.DataFrame:
    """Mean sales, payout and effort per rep by productivity decile (1 = least productive).

    rows: (plan label, behaviour, plan result).
    """
    out = []
    for plan, behaviour, result in rows:
        for i, d in enumerate(result.deciles, start=1):
            out.append({"plan": plan, "behaviour": behaviour, "decile": i,
                        "sales_mean": d.sales_mean, "payout_mean": d.payout_mean,
                        "effort_mean": d.effort_mean})
    return pd.DataFrame(out)


def measure_frame(rows: Sequence[tuple[str, str, PlanResult]]) -> pd.DataFrame:
    """Per-measure mean attainment and payout for each plan (one row per plan and measure)."""
    out = []
    for plan, behaviour, result in rows:
        for m in result.measures:
            out.append({
                "plan": plan, "behaviour": behaviour, "measure": m.name,
                "metric": m.metric, "weight": m.weight,
                "attainment_mean": m.attainment_mean, "payout_mean": m.payout_mean,
                "attention": "attended" if m.tracked else "ignored by reps",
            })
    return pd.DataFrame(out)


def attainment_frame(rows: Sequence[tuple[str, str, PlanResult]],
                     max_attainment: float = 2.5, width: float = 0.05) -> pd.DataFrame:
    """Primary-measure attainment histograms of each (plan, behaviour), stacked.

    One row per bin of `width`: plan, behaviour, attainment (the bin's start) and share of
    rep-periods. The share above `max_attainment` is folded into the last bin so shares
    still sum to 1.
    """
    out = []
    for plan, behaviour, result in rows:
        starts, shares = result.attainment_shares(width)
        h = pd.DataFrame({"attainment": starts, "share": shares})
        inside = h["attainment"] < max_attainment
        tail = float(h.loc[~inside, "share"].sum())
        h = h[inside].copy()
        if len(h) and tail:
            h.iloc[-1, h.columns.get_loc("share")] += tail
        h["plan"], h["behaviour"] = plan, behaviour
        out.append(h)
    return pd.concat(out, ignore_index=True)


# --------------------------------------------------------------------------- charts


def distribution_chart(
    hist: pd.DataFrame,
    markers: pd.DataFrame,
    colours: Mapping[str, str],
    what: str,
    budget: float | None = None,
    subtitle: str = "",
    large: bool = False,
) -> Any:
    """Overlaid distributions of a per-year team total with P50 and P90 marked.

    hist: `distribution_frame`; markers: `marker_frame`; what: "sales" or "payout";
    budget: an optional vertical line (currency per year).
    """
    x_title = {"sales": f"Team sales per plan year ({CURRENCY})",
               "payout": f"Team incentive payout per plan year ({CURRENCY})"}[what]
    title = {"sales": "How much will the team sell?",
             "payout": "What will the incentive plan cost?"}[what]

    def build(frame: pd.DataFrame, panel: str | None) -> Any:
        mode = frame["behaviour"].iloc[0] if len(frame) else None
        marks = markers[markers["behaviour"] == mode] if mode is not None else markers
        x = alt.X("mid:Q", title=x_title, axis=alt.Axis(format=MONEY_AXIS),
                  scale=alt.Scale(zero=False, nice=False))
        y = alt.Y("share:Q", title="Share of simulated years", axis=alt.Axis(format=".0%"),
                  stack=None)
        tips = [alt.Tooltip("plan:N", title="Plan"),
                alt.Tooltip("start:Q", title="From", format=MONEY_TIP),
                alt.Tooltip("end:Q", title="To", format=MONEY_TIP),
                alt.Tooltip("share:Q", title="Share of years", format=".1%")]
        base = alt.Chart(frame)
        colour = alt.Color(
            "plan:N", title="Plan",
            scale=alt.Scale(domain=list(colours), range=list(colours.values())),
            legend=_legend(colours, symbolType="stroke", symbolStrokeWidth=3,
                           symbolOpacity=1))
        area = base.mark_area(opacity=0.15, interpolate="step").encode(x=x, y=y, color=colour)
        line = base.mark_line(strokeWidth=2, interpolate="step").encode(
            x=x, y=y, color=colour, tooltip=tips)
        rules = alt.Chart(marks).mark_rule(strokeWidth=2).encode(
            x=alt.X("value:Q"),
            color=colour,
            strokeDash=alt.StrokeDash(
                "marker:N", title="Marker",
                scale=alt.Scale(domain=["P50 (median)", "P90"],
                                range=[[6, 3], [2, 2]]),
                legend=None),
            tooltip=[alt.Tooltip("plan:N", title="Plan"), alt.Tooltip("marker:N", title="Marker"),
                     alt.Tooltip("value:Q", title="Value", format=MONEY_TIP)],
        )
        layers = [area, line, rules]
        if budget is not None and budget > 0:
            budget_frame = pd.DataFrame({"value": [budget],
                                         "label": [f"Budget {CURRENCY}{budget:,.0f}"]})
            layers.append(alt.Chart(budget_frame).mark_rule(color=INK, strokeWidth=2.5).encode(
                x="value:Q", tooltip=[alt.Tooltip("label:N", title="")]))
            layers.append(alt.Chart(budget_frame).mark_text(
                align="right", baseline="top", dx=-6, dy=4, color=INK,
                fontSize=15 if large else 11, fontWeight="bold").encode(
                x="value:Q", y=alt.value(0), text="label:N"))
        chart = alt.layer(*layers).properties(**_size(large))
        return chart.properties(title=panel) if panel else chart

    marker_note = "Dashed line: median (P50); dotted line: P90, exceeded one year in ten"
    lines = [marker_note, subtitle] if subtitle else [marker_note]
    return _finish(_by_behaviour(hist, build), title, lines, large)


def payout_curve_chart(
    curves: pd.DataFrame, colours: Mapping[str, str], subtitle: str = "", large: bool = False
) -> Any:
    """Each plan's payout curve: what a rep earns at a given attainment of every measure."""
    frame = curves[curves["measure"] == "Whole plan"]
    x = alt.X("attainment:Q", title="Attainment (% of quota, same on every measure)",
              axis=alt.Axis(format=".0%"))
    y = alt.Y("payout:Q", title="Incentive paid (× target incentive)",
              axis=alt.Axis(format=".2~f"))
    line = alt.Chart(frame).mark_line(strokeWidth=2.5, interpolate="linear").encode(
        x=x, y=y, color=_colour(colours),
        tooltip=[alt.Tooltip("plan:N", title="Plan"),
                 alt.Tooltip("attainment:Q", title="Attainment", format=".0%"),
                 alt.Tooltip("payout:Q", title="× target incentive", format=".2f"),
                 alt.Tooltip("pay_per_year:Q", title="Incentive per rep per year",
                             format=MONEY_TIP)])
    quota = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(
        color=MUTED, strokeDash=[4, 4]).encode(x="x:Q")
    chart = alt.layer(quota, line).properties(**_size(large))
    return _finish(chart, "How each plan pays", subtitle or
                   "Payout as a multiple of target incentive; the dashed line is quota",
                   large)


def measure_curve_chart(
    curves: pd.DataFrame, colours: Mapping[str, str], large: bool = False
) -> Any:
    """Payout curve of every measure, one small panel per measure, plans overlaid."""
    frame = curves[curves["measure"] != "Whole plan"].copy()
    frame["panel"] = frame["measure"]
    order = list(dict.fromkeys(frame["panel"]))
    base = alt.Chart(frame).mark_line(strokeWidth=2).encode(
        x=alt.X("attainment:Q", title="Attainment (% of quota)", axis=alt.Axis(format=".0%")),
        y=alt.Y("payout:Q", title="Payout (× target)", axis=alt.Axis(format=".2~f")),
        color=_colour(colours),
        tooltip=[alt.Tooltip("plan:N", title="Plan"), alt.Tooltip("measure:N", title="Measure"),
                 alt.Tooltip("weight:Q", title="Weight", format=".0%"),
                 alt.Tooltip("attainment:Q", title="Attainment", format=".0%"),
                 alt.Tooltip("payout:Q", title="× target", format=".2f")],
    ).properties(width=260 if large else 190, height=200 if large else 140)
    chart = base.facet(
        facet=alt.Facet("panel:N", title=None, sort=order), columns=3 if large else 4
    ).resolve_scale(y="independent")
    return _finish(chart, "Payout curve of each measure",
                   "Multiple of the measure's share of target incentive", large, fit=False)


def decile_sales_chart(
    deciles: pd.DataFrame, colours: Mapping[str, str], subtitle: str = "", large: bool = False
) -> Any:
    """Mean sales per rep per year by productivity decile (1 = least productive)."""

    def build(frame: pd.DataFrame, panel: str | None) -> Any:
        chart = alt.Chart(frame).mark_line(point=alt.OverlayMarkDef(size=60), strokeWidth=2.2
                                           ).encode(
            x=alt.X("decile:O", title="Rep productivity decile (1 = least, 10 = most productive)",
                    axis=alt.Axis(labelAngle=0)),
            y=alt.Y("sales_mean:Q", title=f"Sales per rep per year ({CURRENCY})",
                    axis=alt.Axis(format=MONEY_AXIS)),
            color=_colour(colours),
            tooltip=[alt.Tooltip("plan:N", title="Plan"), alt.Tooltip("decile:O", title="Decile"),
                     alt.Tooltip("sales_mean:Q", title="Sales per rep", format=MONEY_TIP),
                     alt.Tooltip("payout_mean:Q", title="Incentive per rep", format=MONEY_TIP),
                     alt.Tooltip("effort_mean:Q", title="Mean effort", format=".2f")],
        ).properties(**_size(large))
        return chart.properties(title=panel) if panel else chart

    return _finish(_by_behaviour(deciles, build), "Who sells more, who sells less",
                   subtitle or "Mean sales per rep per plan year, reps grouped by productivity",
                   large)


def decile_effort_chart(
    deciles: pd.DataFrame,
    colours: Mapping[str, str],
    minimum_effort: float | None = None,
    subtitle: str = "",
    large: bool = False,
) -> Any:
    """Mean effort by productivity decile: who gives up (low) and who pushes (high)."""

    def build(frame: pd.DataFrame, panel: str | None) -> Any:
        line = alt.Chart(frame).mark_line(point=alt.OverlayMarkDef(size=60), strokeWidth=2.2
                                          ).encode(
            x=alt.X("decile:O", title="Rep productivity decile (1 = least, 10 = most productive)",
                    axis=alt.Axis(labelAngle=0)),
            y=alt.Y("effort_mean:Q", title="Mean effort (1 = normal effort)",
                    scale=alt.Scale(zero=False)),
            color=_colour(colours),
            tooltip=[alt.Tooltip("plan:N", title="Plan"), alt.Tooltip("decile:O", title="Decile"),
                     alt.Tooltip("effort_mean:Q", title="Mean effort", format=".2f")],
        )
        refs = [{"y": 1.0, "label": "normal effort"}]
        if minimum_effort is not None:
            refs.append({"y": float(minimum_effort), "label": "minimum effort (gave up)"})
        ref = pd.DataFrame(refs)
        rule = alt.Chart(ref).mark_rule(color=MUTED, strokeDash=[4, 4]).encode(y="y:Q")
        text = alt.Chart(ref).mark_text(align="left", dx=4, dy=-7, color=MUTED,
                                        fontSize=14 if large else 11).encode(
            y="y:Q", x=alt.value(0), text="label:N")
        chart = alt.layer(rule, text, line).properties(**_size(large))
        return chart.properties(title=panel) if panel else chart

    return _finish(_by_behaviour(deciles, build), "Who gives up, who coasts, who pushes",
                   subtitle or "Mean effort per rep over the plan year by productivity decile",
                   large)


def measure_attainment_chart(
    measures: pd.DataFrame, colours: Mapping[str, str], subtitle: str = "", large: bool = False
) -> Any:
    """Mean attainment of every measure, plans side by side; faint bars are ignored measures."""
    order = list(dict.fromkeys(measures["measure"]))
    slots = len(order) * max(1, measures["plan"].nunique())

    def build(frame: pd.DataFrame, panel: str | None) -> Any:
        bars = alt.Chart(frame).mark_bar(cornerRadiusEnd=2).encode(
            y=alt.Y("measure:N", title=None, sort=order, axis=alt.Axis(labelLimit=220)),
            yOffset=alt.YOffset("plan:N", sort=list(colours)),
            x=alt.X("attainment_mean:Q", title="Mean attainment (% of quota)",
                    axis=alt.Axis(format=".0%")),
            color=_colour(colours),
            opacity=alt.Opacity("attention:N", title="Reps",
                                scale=alt.Scale(domain=["attended", "ignored by reps"],
                                                range=[1.0, 0.35]),
                                legend=alt.Legend(orient="top")),
            tooltip=[alt.Tooltip("plan:N", title="Plan"), alt.Tooltip("measure:N", title="Measure"),
                     alt.Tooltip("metric:N", title="Metric"),
                     alt.Tooltip("weight:Q", title="Weight", format=".0%"),
                     alt.Tooltip("attainment_mean:Q", title="Mean attainment", format=".0%"),
                     alt.Tooltip("payout_mean:Q", title="Team payout per year", format=MONEY_TIP),
                     alt.Tooltip("attention:N", title="Reps")],
        )
        quota = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(
            color=INK, strokeDash=[4, 4]).encode(x="x:Q")
        height = max(160, min(900, 9 * slots + 20)) * (1.4 if large else 1)
        chart = alt.layer(bars, quota).properties(width=_size(large)["width"], height=int(height))
        return chart.properties(title=panel) if panel else chart

    return _finish(_by_behaviour(measures, build), "Attainment of each measure",
                   subtitle or "Mean over rep-periods; the dashed line is quota (100%)", large)


def attainment_chart(
    attainment: pd.DataFrame, colours: Mapping[str, str], subtitle: str = "",
    large: bool = False,
) -> Any:
    """Distribution of primary-measure attainment over rep-periods, plans overlaid."""

    def build(frame: pd.DataFrame, panel: str | None) -> Any:
        x = alt.X("attainment:Q", title="Quota attainment of the main measure (% of quota)",
                  axis=alt.Axis(format=".0%"))
        y = alt.Y("share:Q", title="Share of rep-periods", axis=alt.Axis(format=".1%"))
        line = alt.Chart(frame).mark_line(strokeWidth=2, interpolate="step-after").encode(
            x=x, y=y, color=_colour(colours),
            tooltip=[alt.Tooltip("plan:N", title="Plan"),
                     alt.Tooltip("attainment:Q", title="Attainment from", format=".0%"),
                     alt.Tooltip("share:Q", title="Share", format=".1%")])
        quota = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(
            color=INK, strokeDash=[4, 4]).encode(x="x:Q")
        chart = alt.layer(quota, line).properties(**_size(large))
        return chart.properties(title=panel) if panel else chart

    return _finish(_by_behaviour(attainment, build), "How far reps get",
                   subtitle or "Quota attainment per rep and period; the dashed line is quota",
                   large)


# --------------------------------------------------------------------------- calibration


SEASON_NAMES = {
    "month": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "quarter": ("Q1", "Q2", "Q3", "Q4"),
}
FIT_BASES = {
    "fitted level": "Actual / the rep's fitted expected revenue",
    "quota": "Actual / historic quota",
}
FITS, MISSES = "#54A24B", "#E45756"


def seasonal_frame(fit: Mapping[str, Any]) -> pd.DataFrame:
    """The fitted seasonal factors with their 95% intervals, one row per month or quarter.

    fit: a calibration as plain data (`simulator.calibrate.Calibration.to_dict()`).
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
    return _finish(chart, "Seasonality", subtitle or
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
    return _finish(chart, "Rep levels", subtitle or
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
    return _finish(chart, "Goodness of fit",
                   "Observed quantiles (dots) against histories replicated from the fit "
                   "(grey: 95% band, tick: median)", fit=False)


# --------------------------------------------------------------------------- export


def chart_png(chart: Any, scale: float = 2.0) -> bytes:
    """A chart as PNG bytes (vl-convert; `scale` 2 gives a sharp image for slides)."""
    return bytes(vlc.vegalite_to_png(chart.to_json(), scale=scale))


def chart_svg(chart: Any) -> str:
    """A chart as SVG text (vl-convert)."""
    return str(vlc.vegalite_to_svg(chart.to_json()))
