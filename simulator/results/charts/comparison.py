"""Charts of a comparison: distributions, payout curves, deciles, measures, attainment.

Every chart is a pure function from the tidy frames of `charts.frames` to an altair chart
in the house look (`charts.style`); nothing here simulates or imports streamlit. A chart
of money takes `currency`, the plans' ISO code: its axes and tooltips name it (`money_unit`,
`money_title`); None (a plan that states none) keeps the "$" of `MONEY_AXIS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import pandas as pd

from simulator.results.charts.style import (
    INK,
    MUTED,
    by_behaviour,
    chart_size,
    finish,
    money_axis,
    money_prefix,
    money_tip,
    money_title,
    money_unit,
    plan_colour,
    plan_legend,
)


def distribution_chart(
    hist: pd.DataFrame,
    markers: pd.DataFrame,
    colours: Mapping[str, str],
    what: str,
    budget: float | None = None,
    subtitle: str = "",
    large: bool = False,
    ranges: pd.DataFrame | None = None,
    currency: str | None = None,
) -> Any:
    """Overlaid distributions of a per-year team total with P50 and P90 marked.

    hist: `distribution_frame`; markers: `marker_frame`; what: "sales" or "payout";
    budget: an optional vertical line (currency per year); ranges: `model_range_frame`,
    drawn above the histogram as a bar per plan from P10 to P90 of the mean over the
    behaviour-model draws, a dot at its P50.
    """
    unit, tip = money_unit(currency), money_tip(currency)
    x_title = {"sales": f"Team sales per plan year ({unit})",
               "payout": f"Team incentive payout per plan year ({unit})"}[what]
    title = {"sales": "How much will the team sell?",
             "payout": "What will the incentive plan cost?"}[what]

    def build(frame: pd.DataFrame, panel: str | None) -> Any:
        mode = frame["behaviour"].iloc[0] if len(frame) else None
        marks = markers[markers["behaviour"] == mode] if mode is not None else markers
        x = alt.X("mid:Q", title=x_title, axis=alt.Axis(format=money_axis(currency)),
                  scale=alt.Scale(zero=False, nice=False))
        y = alt.Y("share:Q", title="Share of simulated years", axis=alt.Axis(format=".0%"),
                  stack=None)
        tips = [alt.Tooltip("plan:N", title="Plan"),
                alt.Tooltip("start:Q", title=money_title("From", currency), format=tip),
                alt.Tooltip("end:Q", title=money_title("To", currency), format=tip),
                alt.Tooltip("share:Q", title="Share of years", format=".1%")]
        base = alt.Chart(frame)
        colour = alt.Color(
            "plan:N", title="Plan",
            scale=alt.Scale(domain=list(colours), range=list(colours.values())),
            legend=plan_legend(colours, symbolType="stroke", symbolStrokeWidth=3,
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
                     alt.Tooltip("value:Q", title=money_title("Value", currency), format=tip)],
        )
        layers = [area, line, rules]
        if ranges is not None and len(ranges):
            spans = ranges[ranges["behaviour"] == mode] if mode is not None else ranges
            top = float(frame["share"].max()) if len(frame) else 0.1
            spans = spans.assign(y=top * (1.08 + 0.07 * spans["row"]))
            span_tips = [alt.Tooltip("plan:N", title="Plan"),
                         alt.Tooltip("p10:Q", title=money_title("Mean: model range P10",
                                                                currency), format=tip),
                         alt.Tooltip("p50:Q", title="P50", format=tip),
                         alt.Tooltip("p90:Q", title="P90", format=tip)]
            layers.append(alt.Chart(spans).mark_rule(strokeWidth=5, opacity=0.7).encode(
                x="p10:Q", x2="p90:Q", y="y:Q", color=colour, tooltip=span_tips))
            layers.append(alt.Chart(spans).mark_point(filled=True, size=60, opacity=1).encode(
                x="p50:Q", y="y:Q", color=colour, tooltip=span_tips))
        if budget is not None and budget > 0:
            budget_frame = pd.DataFrame({"value": [budget],
                                         "label": [f"Budget {money_prefix(currency)}"
                                                   f"{budget:,.0f}"]})
            layers.append(alt.Chart(budget_frame).mark_rule(color=INK, strokeWidth=2.5).encode(
                x="value:Q", tooltip=[alt.Tooltip("label:N", title="")]))
            layers.append(alt.Chart(budget_frame).mark_text(
                align="right", baseline="top", dx=-6, dy=4, color=INK,
                fontSize=15 if large else 11, fontWeight="bold").encode(
                x="value:Q", y=alt.value(0), text="label:N"))
        chart = alt.layer(*layers).properties(**chart_size(large))
        return chart.properties(title=panel) if panel else chart

    lines = ["Dashed line: median (P50); dotted line: P90, exceeded one year in ten"]
    if ranges is not None and len(ranges):
        lines.append("Bars on top: the mean's model range (P10-P90 over behaviour draws)")
    if subtitle:
        lines.append(subtitle)
    return finish(by_behaviour(hist, build), title, lines, large)


def payout_curve_chart(
    curves: pd.DataFrame, colours: Mapping[str, str], subtitle: str = "", large: bool = False,
    currency: str | None = None,
) -> Any:
    """Each plan's payout curve: what a rep earns at a given attainment of every measure."""
    frame = curves[curves["measure"] == "Whole plan"]
    x = alt.X("attainment:Q", title="Attainment of every measure (% of quota)",
              axis=alt.Axis(format=".0%"))
    y = alt.Y("payout:Q", title="Incentive paid (× target incentive)",
              axis=alt.Axis(format=".2~f"))
    line = alt.Chart(frame).mark_line(strokeWidth=2.5, interpolate="linear").encode(
        x=x, y=y, color=plan_colour(colours),
        tooltip=[alt.Tooltip("plan:N", title="Plan"),
                 alt.Tooltip("attainment:Q", title="Attainment", format=".0%"),
                 alt.Tooltip("payout:Q", title="× target incentive", format=".2f"),
                 alt.Tooltip("pay_per_year:Q", title=f"Incentive per rep per year "
                             f"({money_unit(currency)})", format=money_tip(currency))])
    quota = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(
        color=MUTED, strokeDash=[4, 4]).encode(x="x:Q")
    chart = alt.layer(quota, line).properties(**chart_size(large))
    return finish(chart, "How each plan pays", subtitle or
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
        color=plan_colour(colours),
        tooltip=[alt.Tooltip("plan:N", title="Plan"), alt.Tooltip("measure:N", title="Measure"),
                 alt.Tooltip("weight:Q", title="Weight", format=".0%"),
                 alt.Tooltip("attainment:Q", title="Attainment", format=".0%"),
                 alt.Tooltip("payout:Q", title="× target", format=".2f")],
    ).properties(width=260 if large else 190, height=200 if large else 140)
    chart = base.facet(
        facet=alt.Facet("panel:N", title=None, sort=order), columns=3 if large else 4
    ).resolve_scale(y="independent")
    return finish(chart, "Payout curve of each measure",
                   "Multiple of the measure's share of target incentive", large, fit=False)


def decile_sales_chart(
    deciles: pd.DataFrame, colours: Mapping[str, str], subtitle: str = "", large: bool = False,
    currency: str | None = None,
) -> Any:
    """Mean sales per rep per year by productivity decile (1 = least productive), as bars.

    Bars, not lines: the deciles are groups of reps, not points on a curve, and a line
    between them drew zig-zags that read as a trend.
    """

    def build(frame: pd.DataFrame, panel: str | None) -> Any:
        chart = alt.Chart(frame).mark_bar(cornerRadiusEnd=2).encode(
            x=alt.X("decile:O", title="Productivity decile (1 = least, 10 = most)",
                    axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("plan:N", sort=list(colours)),
            y=alt.Y("sales_mean:Q", title=f"Sales per rep per year ({money_unit(currency)})",
                    axis=alt.Axis(format=money_axis(currency))),
            color=plan_colour(colours),
            tooltip=[alt.Tooltip("plan:N", title="Plan"), alt.Tooltip("decile:O", title="Decile"),
                     alt.Tooltip("sales_mean:Q", title=money_title("Sales per rep", currency),
                                 format=money_tip(currency)),
                     alt.Tooltip("payout_mean:Q", title=money_title("Incentive per rep",
                                                                   currency),
                                 format=money_tip(currency)),
                     alt.Tooltip("effort_mean:Q", title="Mean effort", format=".2f")],
        ).properties(**chart_size(large))
        return chart.properties(title=panel) if panel else chart

    return finish(by_behaviour(deciles, build), "Who sells more, who sells less",
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
        line = alt.Chart(frame).mark_bar(cornerRadiusEnd=2).encode(
            x=alt.X("decile:O", title="Productivity decile (1 = least, 10 = most)",
                    axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("plan:N", sort=list(colours)),
            y=alt.Y("effort_mean:Q", title="Mean effort (1 = normal effort)"),
            color=plan_colour(colours),
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
        chart = alt.layer(line, rule, text).properties(**chart_size(large))
        return chart.properties(title=panel) if panel else chart

    return finish(by_behaviour(deciles, build), "Who gives up, who coasts, who pushes",
                   subtitle or "Mean effort per rep over the plan year by productivity decile",
                   large)


def weekly_chart(
    weeks: pd.DataFrame,
    colours: Mapping[str, str],
    what: str = "bookings",
    subtitle: str = "",
    large: bool = False,
    currency: str | None = None,
) -> Any:
    """Team bookings (or mean effort) week by week over the plan year, quarter ends marked.

    weeks: `weekly_frame`; what: "bookings" or "effort". A leader sees the push before
    each period's end and the spike at the year's end.
    """
    title, y_title, fmt = {
        "bookings": ("When the deals come in",
                     f"Team bookings per week ({money_unit(currency)})", money_axis(currency)),
        "effort": ("When reps work hardest", "Mean effort per rep (1 = normal effort)", ".2f"),
    }[what]

    def build(frame: pd.DataFrame, panel: str | None) -> Any:
        line = alt.Chart(frame).mark_line(strokeWidth=2.0, interpolate="step-after").encode(
            x=alt.X("week:Q", title="Week of the plan year",
                    scale=alt.Scale(domain=[1, 48], nice=False),
                    axis=alt.Axis(values=list(range(0, 49, 4)))),
            y=alt.Y(f"{what}:Q", title=y_title, axis=alt.Axis(format=fmt),
                    scale=alt.Scale(zero=False)),
            color=plan_colour(colours),
            tooltip=[alt.Tooltip("plan:N", title="Plan"), alt.Tooltip("week:Q", title="Week"),
                     alt.Tooltip(f"{what}:Q", title=y_title,
                                 format=money_tip(currency) if what == "bookings" else ".2f")],
        )
        ends = pd.DataFrame({"week": [13, 25, 37]})  # a step covers its week: [k, k + 1)
        rules = alt.Chart(ends).mark_rule(color=MUTED, strokeDash=[4, 4]).encode(x="week:Q")
        chart = alt.layer(rules, line).properties(**chart_size(large))
        return chart.properties(title=panel) if panel else chart

    return finish(by_behaviour(weeks, build), title,
                  subtitle or "Mean over the simulated years; dashed lines are quarter ends",
                  large)


def measure_attainment_chart(
    measures: pd.DataFrame, colours: Mapping[str, str], subtitle: str = "", large: bool = False,
    currency: str | None = None,
) -> Any:
    """Mean attainment of every measure, plans side by side; faint bars are ignored measures."""
    order = list(dict.fromkeys(measures["measure"]))
    slots = len(order) * max(1, measures["plan"].nunique())

    def build(frame: pd.DataFrame, panel: str | None) -> Any:
        bars = alt.Chart(frame).mark_bar(cornerRadiusEnd=2).encode(
            y=alt.Y("measure:N", title=None, sort=order, axis=alt.Axis(labelLimit=0)),
            yOffset=alt.YOffset("plan:N", sort=list(colours)),
            x=alt.X("attainment_mean:Q", title="Mean attainment (% of quota)",
                    axis=alt.Axis(format=".0%")),
            color=plan_colour(colours),
            opacity=alt.Opacity("attention:N", title="Reps",
                                scale=alt.Scale(domain=["attended", "ignored by reps"],
                                                range=[1.0, 0.35]),
                                # below: beside the plan legend it ran off a half-width chart
                                legend=alt.Legend(orient="bottom", labelLimit=0)),
            tooltip=[alt.Tooltip("plan:N", title="Plan"), alt.Tooltip("measure:N", title="Measure"),
                     alt.Tooltip("metric:N", title="Metric"),
                     alt.Tooltip("weight:Q", title="Weight", format=".0%"),
                     alt.Tooltip("attainment_mean:Q", title="Mean attainment", format=".0%"),
                     alt.Tooltip("payout_mean:Q",
                                 title=money_title("Team payout per year", currency),
                                 format=money_tip(currency)),
                     alt.Tooltip("attention:N", title="Reps")],
        )
        quota = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(
            color=INK, strokeDash=[4, 4]).encode(x="x:Q")
        height = max(160, min(900, 9 * slots + 20)) * (1.4 if large else 1)
        chart = alt.layer(bars, quota).properties(width=chart_size(large)["width"],
                                                  height=int(height))
        return chart.properties(title=panel) if panel else chart

    return finish(by_behaviour(measures, build), "Attainment of each measure",
                   subtitle or "Mean over rep-periods; the dashed line is quota (100%)", large)


def attainment_chart(
    attainment: pd.DataFrame, colours: Mapping[str, str], subtitle: str = "",
    large: bool = False,
) -> Any:
    """Distribution of primary-measure attainment over rep-periods, plans overlaid."""

    def build(frame: pd.DataFrame, panel: str | None) -> Any:
        x = alt.X("attainment:Q", title="Attainment of the main measure (% of quota)",
                  axis=alt.Axis(format=".0%"))
        y = alt.Y("share:Q", title="Share of rep-periods", axis=alt.Axis(format=".1%"))
        line = alt.Chart(frame).mark_line(strokeWidth=2, interpolate="step-after").encode(
            x=x, y=y, color=plan_colour(colours),
            tooltip=[alt.Tooltip("plan:N", title="Plan"),
                     alt.Tooltip("attainment:Q", title="Attainment from", format=".0%"),
                     alt.Tooltip("share:Q", title="Share", format=".1%")])
        quota = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(
            color=INK, strokeDash=[4, 4]).encode(x="x:Q")
        chart = alt.layer(quota, line).properties(**chart_size(large))
        return chart.properties(title=panel) if panel else chart

    return finish(by_behaviour(attainment, build), "How far reps get",
                   subtitle or "Quota attainment per rep and period; the dashed line is quota",
                   large)

