"""The analyst's results page: cards, charts with downloads, notes, health and the table.

Everything on it is read from the cached, typed `Comparison` of each behaviour mode
(`ResultView`); changing the budget or a chart never runs the simulation again.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pandas as pd
import streamlit as st

from simulator.faces.deck import Slide, deck_pdf, deck_pptx, deck_slides
from simulator.plan.spec import PlanSpec
from simulator.results import charts, tables
from simulator.results.charts.page import PageCharts
from simulator.results.comparison import Comparison
from simulator.results.export import csv_bytes
from simulator.results.report import percent, what_happens
from simulator.results.summary import Difference, PlanResult
from simulator.results.uncertainty import ModelRange
from simulator.results.workbook import workbook_bytes
from simulator.team.spec import TeamSpec
from ui.format import cash, cash_interval, half_width, md, model_span, points, robustness
from ui.health import health_panel
from ui.turnover import timing_and_turnover
from ui.widgets import plan_heading, show_chart

CHART_PLACE = 380
"""Pixels a chart with its title and download buttons takes: what a preliminary page keeps."""


class ResultView(PageCharts):
    """The comparisons on a page (one per behaviour mode): charts, table and downloads.

    runs: the comparisons of the same plans, adaptive first; labels: the plans' unique
    names in plan order; specs: the plans as compared; team: the team they ran on.
    drawn: the page's charts as Vega-Lite specs by name (`charts.page.page_specs`), built
    in a worker; a chart missing there is built here.
    """

    def __init__(self, runs: Sequence[Comparison], labels: list[str],
                 specs: list[PlanSpec], team: TeamSpec, large: bool = False,
                 drawn: dict[str, dict[str, Any]] | None = None, preliminary: bool = False):
        super().__init__(runs, labels, specs, float(team.effort.minimum), large)
        self.team = team
        self.drawn = drawn or {}
        self.preliminary = preliminary

    def show(self, name: str, downloads: bool = True) -> None:
        """Chart `name` with its downloads; a preliminary page keeps its place instead.

        A preliminary answer is on screen for a few seconds: its numbers are worth reading,
        while drawing every chart twice is most of what a browser does on a change.
        """
        if self.preliminary:
            with st.container(height=CHART_PLACE, border=True, vertical_alignment="center",
                              horizontal_alignment="center"):
                st.caption("Drawn with the full answer.", text_alignment="center")
            return
        show_chart(self.chart(name), name if downloads else "", downloads=downloads)

    def chart(self, name: str) -> Any:
        """The page's chart `name` (`PageCharts.named`): its drawn spec, or built now."""
        if name in self.drawn:
            return self.drawn[name]
        return self.named()[name]()

    def table(self) -> pd.DataFrame:
        """The comparison table, one row per plan and behaviour mode."""
        return tables.comparison_frame(self.runs, self.labels)

    def workbook(self) -> bytes:
        """The Excel workbook: Summary, comparison, measures, deciles, health, settings."""
        return workbook_bytes(self.runs, self.labels)

    def slides(self) -> list[Slide]:
        """The boardroom deck's slides (charts rendered here: call only on a download)."""
        runs = [replace(run, plans=tuple(replace(p, name=label) for p, label in zip(
            run.plans, self.labels, strict=True))) for run in self.runs]
        return deck_slides(runs, self.team)


def headline_cards(view: ResultView, large: bool = False) -> None:
    """One card per plan: the four headline numbers and the difference from the first plan."""
    run = view.first
    plans = run.plans
    per_row = {1: 1, 2: 2, 4: 2}.get(len(plans), 3)
    for row_start in range(0, len(plans), per_row):
        columns = st.columns(per_row)
        for offset, column in enumerate(columns):
            i = row_start + offset
            if i >= len(plans):
                break
            label = view.labels[i]
            with column.container(border=True):
                plan_card(run, i, label, view.colours[label], large,
                          wide=per_row == 1, stacked=per_row >= 3 and not large,
                          currency=view.currency)
                if len(view.runs) > 1:
                    static = view.runs[1].plans[i]
                    gap = Difference.paired(plans[i].trial_sales, static.trial_sales)
                    st.caption(
                        f"Static replay: sales {cash(static.sales.mean, False, view.currency)}. "
                        f"Behaviour changes sales by **{cash(gap.mean, True, view.currency)}** "
                        f"({cash_interval(gap.ci95_low, gap.ci95_high, view.currency)})."
                    )


def plan_card(run: Comparison, i: int, label: str, colour: str, large: bool, wide: bool,
              stacked: bool = False, currency: str | None = None) -> None:
    """The four headline numbers of plan i (the first plan is the reference).

    Each difference carries its luck interval (the simulated years only) and, with model
    draws, its model range; each level its model range below it. Money in `currency`.
    """
    p, first = run.plans[i], run.reference
    plan_heading(label, colour, "1.6rem" if large else "1.1rem")
    ref = i == 0
    r = p.model_range
    sd, pd_ = p.vs_first.sales_diff, p.vs_first.payout_diff
    cells = st.columns(4 if wide else 1 if stacked else 2)
    with cells[0 % len(cells)]:
        money_metric("Expected team sales / year", p.sales.mean, sd, run, i, "sales",
                     f"Mean over {run.trials:,} simulated plan years; years vary with luck "
                     f"and the market: P5 {cash(p.sales.p5, False, currency)}, "
                     f"P95 {cash(p.sales.p95, False, currency)}.", currency)
    with cells[1 % len(cells)]:
        money_metric("Incentive payout / year", p.payout.mean, pd_, run, i, "payout",
                     "Expected team incentive (base salaries excluded). "
                     f"P50 {cash(p.payout.p50, False, currency)}, "
                     f"P90 {cash(p.payout.p90, False, currency)}, "
                     f"P95 {cash(p.payout.p95, False, currency)}.", currency)
    cos, cos0 = p.cost_of_sales.incentive, first.cost_of_sales.incentive
    with cells[2 % len(cells)]:
        st.metric(
            "Incentive cost of sales", percent(cos, 1),
            delta=None if ref else points(cos - cos0), delta_color="inverse",
            help="Incentive payout / sales. With base salaries: "
                 f"{percent(p.cost_of_sales.total, 1)} (typical incentive: 3-10%).",
        )
    q, q0 = p.quota_attainment.share_at_or_above, first.quota_attainment.share_at_or_above
    with cells[3 % len(cells)]:
        st.metric(
            f"Rep-{p.period}s at quota", percent(q),
            delta=None if ref else points(q - q0),
            help=f"Share of rep-{p.period}s at or above quota on "
                 f"'{p.quota_attainment.measure}'. Sound plans: 50-65%.",
        )
    if r and not ref and run.draws:
        st.markdown(robustness(r.vs_first.sales_diff, sd.mean, "sells more", "sells less",
                               run.draws))
    if ref and len(run.plans) > 1:
        st.caption("The reference plan: the other cards show their difference from it"
                    + (", with its model range." if r else
                       ", with a 95% interval of the simulated years' luck only."))


def money_metric(label: str, level: float, diff: Difference, run: Comparison, i: int,
                 what: str, about: str, currency: str | None = None) -> None:
    """A card's money figure: the level, its difference from the reference, its ranges.

    what: "sales" or "payout". The luck interval of the difference is in the tooltip, the
    model ranges of the level and the difference are under the figure.
    """
    ref, reference = i == 0, run.reference.name
    r = run.plans[i].model_range
    st.metric(
        label, cash(level, False, currency),
        delta=None if ref else cash(diff.mean, True, currency),
        delta_color="inverse" if what == "payout" else "normal",
        help=about + ("" if ref else f" Difference from {reference}: "
                      f"{cash(diff.mean, True, currency)}, "
                      f"{cash_interval(diff.ci95_low, diff.ci95_high, currency)} (luck only).")
        + _range_help(r, f"{what}_mean", f"{what}_diff", ref, run.draws, currency),
    )
    st.caption(_spans(r, f"{what}_mean", f"{what}_diff", diff, ref, reference, currency))


def _spans(r: ModelRange | None, level: str, difference: str, luck: Difference, ref: bool,
           reference: str, currency: str | None = None) -> str:
    """Under a card's figure: its model range and its difference's, or the luck interval.

    Captions wrap where a metric's own delta text would be cut at narrow widths.
    """
    lines = []
    if r is not None:
        spread = getattr(r, level)
        lines.append(model_span(spread.p10, spread.p90, currency=currency))
        if not ref:
            d = getattr(r.vs_first, difference)
            lines.append(f"vs {md(reference)}: {cash(d.p10, True, currency)} to "
                         f"{cash(d.p90, True, currency)}")
    elif not ref:
        lines.append(f"vs {md(reference)}: {half_width(luck, currency)}")
    return "  \n".join(lines)


def _range_help(r: ModelRange | None, level: str, difference: str, ref: bool,
                draws: int | None, currency: str | None = None) -> str:
    """The tooltip's sentence on the model range of a level and of its difference."""
    if r is None:
        return (" No behaviour-model draws: the figures rest on the team's own behaviour "
                "parameters.")
    spread = getattr(r, level)
    text = (f" Model range (P10-P90 over {draws} behaviour-model draws): "
            f"{cash(spread.p10, False, currency)} to {cash(spread.p90, False, currency)}.")
    if not ref:
        d = getattr(r.vs_first, difference)
        text += (f" Difference: {cash(d.p10, True, currency)} to "
                 f"{cash(d.p90, True, currency)}; its sign holds "
                 f"in {percent(d.same_sign_share or 0)} of draws.")
    return text


def coverage(run: Comparison) -> str:
    """What the figures rest on, in words: normal effort, intervals, model draws."""
    text = (f"Normal effort is set by {md(run.normal_effort)}. Simulated years vary with each "
            "rep's luck and the market's; ± intervals cover that luck only.")
    if run.draws:
        text += (f" Model ranges are P10-P90 over {run.draws} sets of behaviour parameters "
                 f"spread over their plausible ranges ({run.draw_trials} plan years each): "
                 "how much each answer rests on the behaviour model.")
    else:
        text += " No behaviour-model draws: every figure rests on one set of parameters."
    return text


def what_happens_notes(view: ResultView) -> None:
    """Each plan's behaviour in plain words (the first run's), against the reference."""
    plans: tuple[PlanResult, ...] = view.first.plans
    columns = st.columns(min(len(plans), 3))
    for i, p in enumerate(plans):
        with columns[i % len(columns)]:
            plan_heading(view.labels[i], view.colours[view.labels[i]])
            notes = what_happens(p, plans[0])
            if notes:
                st.markdown("\n".join(f"- {n[0].upper()}{n[1:]}" for n in notes))
            else:
                st.markdown("- Nothing unusual: reps keep working, few give up or hit a cap.")


MONEY_COLUMNS = {
    "sales_mean": "Sales, mean", "sales_p5": "Sales P5", "sales_p95": "Sales P95",
    "payout_mean": "Payout, mean", "payout_p50": "Payout P50", "payout_p90": "Payout P90",
    "payout_p95": "Payout P95", "sales_diff_vs_first": "Sales vs reference",
    "sales_diff_ci95_low": "… 95% CI from", "sales_diff_ci95_high": "… to",
    "payout_diff_vs_first": "Payout vs reference", "payout_diff_ci95_low": "… 95% CI from ",
    "payout_diff_ci95_high": "… to ",
}
SHARE_COLUMNS = {
    "incentive_cost_of_sales": "Incentive cost of sales", "total_cost_of_sales":
    "Total cost of sales", "share_at_or_above_quota": "At or above quota",
    "gave_up_share": "Gave up", "capped_share": "At a cap",
    "deferred_sales_share": "Sales deferred",
}
def table_columns(currency: str | None = None) -> dict[str, Any]:
    """The comparison table's columns as shown: money in millions of the plans' currency."""
    unit = f"{currency} M" if currency else f"{charts.CURRENCY}M"
    return {
        "plan": st.column_config.TextColumn("Plan", pinned=True),
        "behaviour": st.column_config.TextColumn("Behaviour"),
        "file": None,
        "effort_mean": st.column_config.NumberColumn("Mean effort", format="%.2f",
                                                     help="1 = normal effort"),
        **{k: st.column_config.NumberColumn(f"{v} ({unit})", format="%.3f",
                                            help="Millions per plan year")
           for k, v in MONEY_COLUMNS.items()},
        **{k: st.column_config.NumberColumn(v, format="percent")
           for k, v in SHARE_COLUMNS.items()},
    }



def budget_summary(view: ResultView) -> None:
    """Each plan's chance of exceeding the budget and its expected overrun, in a line."""
    budget = view.budget
    if budget is None:
        st.caption("No incentive budget given: set one in the sidebar to see each plan's "
                   "chance of exceeding it.")
        return
    parts = []
    for label, p in zip(view.labels, view.first.plans, strict=True):
        b = p.budget
        if b is None:
            continue
        part = f"{html.escape(label)} **{percent(b.chance_above, 1)}**"
        if b.model_chance_above is not None:
            part += f" ({percent(b.model_chance_above, 1)} across behaviour-model draws)"
        part += f", expected overrun {cash(b.expected_overrun, False, view.currency)}"
        parts.append(part)
    st.markdown(f"**Chance a year's incentive payout exceeds "
                f"{cash(budget, False, view.currency)}** (years vary "
                "with luck and the market): " + " · ".join(parts))


def comparison_table(view: ResultView) -> None:
    """The comparison as a table (money in millions) with CSV and Excel downloads."""
    table = view.table()
    shown = table.copy()
    shown[list(MONEY_COLUMNS)] = shown[list(MONEY_COLUMNS)] / 1e6
    st.dataframe(shown, hide_index=True, column_config=table_columns(view.currency))
    st.caption("Money in millions per plan year; the downloads hold the full numbers.")
    row = st.container(horizontal=True)
    name = f"plan-comparison-seed{view.first.seed}-{view.first.trials}-trials"
    row.download_button("Table as CSV", data=csv_bytes(table), file_name=f"{name}.csv",
                        mime="text/csv", icon=":material/table:", key="table_csv",
                        on_click="ignore")
    row.download_button("Workbook as Excel", data=view.workbook, file_name=f"{name}.xlsx",
                        mime="application/vnd.openxmlformats-officedocument."
                             "spreadsheetml.sheet", icon=":material/grid_on:",
                        key="table_xlsx", on_click="ignore",
                        help="A Summary sheet (settings, budget, intervals and what they "
                             "cover), then comparison, measures, deciles, health, settings.")
    row.download_button("Slide deck (PowerPoint)", data=lambda: deck_pptx(view.slides()),
                        file_name=f"{name}.pptx", icon=":material/slideshow:", key="deck_pptx",
                        mime="application/vnd.openxmlformats-officedocument."
                             "presentationml.presentation", on_click="ignore",
                        help="The question and the answer, the sales and cost charts, the "
                             "headline table, the budget, what happens, the assumptions.")
    row.download_button("Slide deck (PDF)", data=lambda: deck_pdf(view.slides()),
                        file_name=f"{name}.pdf", icon=":material/picture_as_pdf:",
                        key="deck_pdf", mime="application/pdf", on_click="ignore")


def results_page(view: ResultView) -> None:
    """The analyst's page: cards, charts with downloads, notes and the table."""
    st.caption(f"{view.subtitle} · behaviour: {' and '.join(view.modes)}. The first plan is "
               "the reference; differences are paired over the same simulated years "
               "(common random numbers).")
    st.caption(coverage(view.first))
    headline_cards(view)

    st.subheader("Sales and cost", divider="gray")
    budget_summary(view)
    # many overlaid distributions need the full width
    if len(view.labels) <= 3:
        left, right = st.columns(2, gap="large")
    else:
        left, right = st.container(), st.container()
    with left:
        view.show("team-sales")
    with right:
        view.show("incentive-payout")

    st.subheader("How the plans pay", divider="gray")
    left, right = st.columns(2, gap="large")
    with left:
        view.show("payout-curves")
    with right:
        view.show("measure-attainment")
    with st.expander("Payout curve of each measure"):
        view.show("measure-payout-curves")

    st.subheader("What reps do", divider="gray")
    left, right = st.columns(2, gap="large")
    with left:
        view.show("sales-by-decile")
    with right:
        view.show("effort-by-decile")
    view.show("quota-attainment")
    left, right = st.columns(2, gap="large")
    with left:
        view.show("weekly-bookings")
    with right:
        view.show("weekly-effort")
    timing_and_turnover(view.rows, view.currency)

    st.subheader("What happens", divider="gray")
    what_happens_notes(view)

    st.subheader("Plan health", divider="gray")
    health_panel(view.runs, view.labels, view.colours)

    st.subheader("Comparison table", divider="gray")
    comparison_table(view)
