"""The Backtest tab: last year's real results paid under each plan in the comparison.

The user uploads an actuals CSV (the format `payout` and `backtest` read:
`rep_id,period,measure,actual,quota`); every compared plan pays it through the exact
calculator (`results.backtest.backtest`, as `python -m simulator backtest` does), and
the tab sets the plans side by side: totals, each rep's pay as a chart, the reps who
gain and lose against the first plan, and the per-rep table as a CSV (formula-safe).
A bad file shows its problems inline, with their lines; the rest of the page is untouched.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import streamlit as st

from simulator.base.errors import InputError, printable
from simulator.base.files import decode_text
from simulator.base.limits import MAX_CSV_BYTES
from simulator.plan.spec import PlanSpec
from simulator.results import charts
from simulator.results.backtest import Backtest, BacktestPlan, backtest
from simulator.results.export import csv_bytes
from ui.cache import spec_key
from ui.format import cents, md, problem_list, slug
from ui.sidebar import shown_name
from ui.widgets import show_chart

UPLOAD_KEY = "backtest_upload"


@st.cache_data(show_spinner="Paying the actuals under each plan ...", max_entries=16)
def run_backtest(data: bytes, file_name: str, _plans: tuple[PlanSpec, ...], key: str,
                 files: tuple[str, ...]) -> Backtest:
    """Pay an actuals CSV's bytes under the plans (the first is the reference).

    At most MAX_CSV_BYTES, as on the command line. key: `spec_key(_plans)`, so the cache
    hashes the bytes and the plans' JSON: a rerun never pays again. A file with problems
    raises InputError naming the file and each bad line; errors are not cached.
    """
    return backtest(decode_text(data, file_name, MAX_CSV_BYTES), list(_plans), file_name,
                    list(files))


def per_rep_table(result: Backtest) -> pd.DataFrame:
    """One row per rep: pay under each plan and, for each other plan, the change vs the first.

    Money stays exact (Decimal, to the cent) for the download; sorted by the change under
    the second plan, biggest gain first (by rep for a single plan).
    """
    first = result.plans[0]
    frame = result.to_frame()
    for plan in result.plans[1:]:
        frame[f"{plan.name} vs {first.name}"] = [
            plan.per_rep.get(rep, Decimal("0.00")) - first.per_rep.get(rep, Decimal("0.00"))
            for rep in frame["rep_id"]]
    if len(result.plans) > 1:
        change = frame.columns[len(result.plans) + 1]
        frame = frame.sort_values([change, "rep_id"], ascending=[False, True],
                                  key=lambda c: c.map(float) if c.name == change else c)
    return frame.reset_index(drop=True)


def summary_table(result: Backtest) -> pd.DataFrame:
    """One row per plan: the total paid, against the first, reps paid more and less, spread.

    Who gains and loses most is said in words under it (`winners_and_losers`).
    """
    unit = charts.money_unit(result.currency)
    first = result.plans[0]
    return pd.DataFrame({
        "Plan": [p.name for p in result.plans],
        f"Paid over the file ({unit})": [float(p.total) for p in result.plans],
        f"Vs {first.name} ({unit})": [float(p.total - first.total) for p in result.plans],
        "Reps paid more": [p.gainers for p in result.plans],
        "Reps paid less": [p.losers for p in result.plans],
        f"Per rep P10 / P50 / P90 ({unit})": [f"{p.p10:,.0f} / {p.p50:,.0f} / {p.p90:,.0f}"
                                              for p in result.plans],
    })


def winners_and_losers(plan: BacktestPlan, first: BacktestPlan, currency: str | None) -> str:
    """One plan against the first, in words (markdown)."""
    reps = len(set(plan.per_rep) | set(first.per_rep))
    same = reps - plan.gainers - plan.losers
    words = [f"**{md(plan.name)}** against **{md(first.name)}**: {plan.gainers} of {reps} "
             f"reps paid more, {plan.losers} less, {same} the same"]
    if plan.biggest_gain:
        words.append(f"{md(plan.biggest_gain[0])} gains most "
                     f"({cents(plan.biggest_gain[1], True, currency)})")
    if plan.biggest_loss:
        words.append(f"{md(plan.biggest_loss[0])} loses most "
                     f"({cents(plan.biggest_loss[1], True, currency)})")
    return "; ".join(words) + "."


def totals(result: Backtest) -> None:
    """A card per plan: what it pays for the file, and the change against the first."""
    first = result.plans[0]
    columns = st.columns(len(result.plans))
    for column, plan in zip(columns, result.plans, strict=True):
        change = plan.total - first.total
        column.metric(
            md(plan.name), cents(plan.total, currency=result.currency),
            delta=None if plan is first else f"{cents(change, True, result.currency)} vs first",
            delta_color="inverse", border=True, height="stretch",
            help="Incentive paid for the uploaded results over the whole file (what payroll "
                 "pays, with the plan's settlement, draws and SPIFFs).")


def show_backtest(result: Backtest, file_name: str) -> None:
    """The side-by-side backtest of one file."""
    unit = charts.money_unit(result.currency)
    first = result.plans[0]
    n_reps = len(first.per_rep)
    st.caption(f"{n_reps} reps in **{shown_name(file_name)}**, paid under "
               f"{len(result.plans)} plan(s)" + (f", in {result.currency}"
                                                 if result.currency else "")
               + ". A replay keeps what reps sold: the Results tab simulates how they would "
                 "sell differently under each plan.")
    totals(result)
    summary = summary_table(result)
    money = {c: st.column_config.NumberColumn(c, format="%,.2f")
             for c in summary.columns[1:3]}  # the total and its change, to the cent
    st.dataframe(summary, hide_index=True, width="stretch", column_config=money)
    colours = charts.plan_colours([p.name for p in result.plans])
    show_chart(charts.backtest_chart(charts.backtest_frame(result), colours, result.currency),
               "backtest-per-rep")
    st.subheader("Winners and losers", divider="gray")
    if len(result.plans) == 1:
        st.info("Add a second plan to the comparison to see who gains and who loses.")
    for plan in result.plans[1:]:
        st.markdown(winners_and_losers(plan, first, result.currency))
    table = per_rep_table(result)
    # on the page: pay under the first plan and the change under each other (all in the CSV)
    changes = [f"{p.name} vs {first.name}" for p in result.plans[1:]]
    shown = table[["rep_id", first.name, *changes]].copy()
    shown[[first.name, *changes]] = shown[[first.name, *changes]].map(float)
    st.dataframe(shown, hide_index=True, width="stretch", column_config={
        "rep_id": "Rep",
        first.name: st.column_config.NumberColumn(f"{first.name} ({unit})", format="%,.2f"),
        **{c: st.column_config.NumberColumn(f"Change: {p.name} ({unit})", format="%+,.2f")
           for c, p in zip(changes, result.plans[1:], strict=True)}})
    st.download_button(
        "Per-rep pay (CSV)", data=csv_bytes(table), mime="text/csv",
        file_name=f"backtest-{slug(first.name)}.csv", key="backtest_csv",
        icon=":material/download:", on_click="ignore",
        help="One row per rep: pay to the cent under each plan and the change against the "
             "first, as `python -m simulator backtest --output` writes it plus the changes.")


def backtest_tab(specs: list[PlanSpec], sources: list[str]) -> None:
    """Upload last year's actuals; pay them under each compared plan, side by side."""
    st.markdown("Pay last year's real results under each plan in the comparison, as "
                "commercial commission tools do, and see who would have been paid more or "
                "less.")
    upload = st.file_uploader(
        "Actuals CSV (last year's results)", type=["csv"], key=UPLOAD_KEY,
        help="One row per rep, period and plan measure: rep_id, period, measure, actual, "
             "quota (optional target_incentive, date, start), the format `python -m "
             "simulator payout` reads. Examples: plans/examples/actuals_recommended.csv "
             "(for Baseline and Recommended), actuals_baseline.csv (plans paid on New "
             "revenue alone).")
    if upload is None:
        st.info("Upload an actuals CSV to backtest the compared plans. Every rep-period "
                "needs a row for each measure of each plan; rows of measures a plan does not "
                "have are skipped for it. Example for the default plans: "
                "plans/examples/actuals_recommended.csv.", icon=":material/upload_file:")
        return
    if not specs:
        st.info("Pick at least one plan in the sidebar to pay the actuals under.")
        return
    data = upload.getvalue()
    try:
        result = run_backtest(data, upload.name, tuple(specs),
                              spec_key(specs),
                              tuple(sources))
    except InputError as error:
        st.error(f"**{shown_name(upload.name)}** was not paid:\n\n{problem_list(error)}",
                 icon=":material/error:")
        return
    except Exception as error:  # noqa: BLE001 - a failed backtest must not take the page down
        st.error(f"The backtest of **{shown_name(upload.name)}** failed: "
                 f"{printable(str(error))}", icon=":material/error:")
        return
    show_backtest(result, upload.name)
