"""The presentation view: one screen per question, big type, no controls, for a meeting room.

Five screens whatever the number of plans (up to six): the answer (one sentence per plan
and the headline table), sales and cost (with the budget), who sells and who gives up
(deciles as bars), how the plans pay, and what happens with the top health findings.
Reached with the sidebar toggle or `?view=present` (with `?scenario=ID&view=present` for a
saved scenario); the same cached comparison as the results page, so switching views never
runs the simulation again.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from simulator.faces.deck import plan_sentence
from simulator.results.health import by_status
from simulator.results.report import percent, what_happens
from ui.format import cash, md
from ui.health import STATUS_LOOK
from ui.results import ResultView, coverage
from ui.state import leave_presentation

PRESENT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"], .st-key-hidden-editor
{display: none !important;}
.block-container {padding-top: 1rem; max-width: 1800px;}
[class*="st-key-slide-"] {min-height: 96vh; justify-content: flex-start;
  border-bottom: 1px solid #E6E9EF; padding: 1.2rem 0;}
[class*="st-key-slide-"] h2 {font-size: 2.3rem;}
[class*="st-key-slide-"] [data-testid="stMarkdownContainer"] li,
[class*="st-key-slide-"] [data-testid="stMarkdownContainer"] p {font-size: 1.3rem;}
[class*="st-key-slide-"] table {font-size: 1.2rem; width: 100%;}
[class*="st-key-slide-"] [data-testid="stCaptionContainer"] p {font-size: 1.05rem;}
</style>
"""


def answer_screen(view: ResultView) -> None:
    """The question and the answer: a sentence per plan, then the headline table."""
    run = view.first
    unit = view.currency
    budget = (f" within a {md(cash(run.budget, False, unit))} incentive budget"
              if run.budget else "")
    st.caption(md(view.subtitle))
    st.markdown(f"**Which plan sells the most for what it costs{budget}?**")
    st.markdown("\n".join(f"- {md(plan_sentence(run, p))}" for p in run.plans))
    header = ["Plan", "Sales / year", "vs reference", "Payout / year", "Payout P90",
              "Cost of sales", "At quota"] + (["Over budget"] if run.budget else [])
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for i, (label, p) in enumerate(zip(view.labels, run.plans, strict=True)):
        cells = [f"**{md(label)}**", md(cash(p.sales.mean, False, unit)),
                 "reference" if i == 0 else md(cash(p.vs_first.sales_diff.mean, True, unit)),
                 md(cash(p.payout.mean, False, unit)), md(cash(p.payout.p90, False, unit)),
                 percent(p.cost_of_sales.incentive, 1),
                 percent(p.quota_attainment.share_at_or_above)]
        if p.budget is not None:
            cells.append(percent(p.budget.chance_above))
        rows.append("| " + " | ".join(cells) + " |")
    st.markdown("\n".join(rows))
    st.caption(coverage(run))


def two_charts(view: ResultView, left: str, right: str) -> None:
    """Two of the page's charts (by name) side by side on one screen."""
    a, b = st.columns(2, gap="large")
    with a:
        view.show(left, downloads=False)
    with b:
        view.show(right, downloads=False)


def happens_screen(view: ResultView) -> None:
    """What happens and plan health, condensed: a note and the worst finding per plan."""
    run = view.first
    lines = []
    for label, p in zip(view.labels, run.plans, strict=True):
        notes = what_happens(p, run.reference)
        note = notes[0] if notes else "reps keep working; few give up or hit a cap"
        line = (f"- <span style='color:{view.colours[label]}'>&#9679;</span> "
                f"**{md(label)}**: {md(note[:1].upper() + note[1:])}")
        issues = [f for f in by_status(p.health) if f.status != "ok"] if (
            run.behavior == "adaptive") else []
        if issues:
            colour = STATUS_LOOK[issues[0].status][1]
            more = f" (+{len(issues) - 1} more)" if len(issues) > 1 else ""
            line += (f"  \n  :{colour}[Health {issues[0].status}]: "
                     f"{md(issues[0].message)}{more}")
        lines.append(line)
    st.markdown("\n".join(lines), unsafe_allow_html=True)


def presentation_page(view: ResultView) -> None:
    """Five screens: answer, sales and cost, deciles, how plans pay, what happens."""
    st.markdown(PRESENT_CSS, unsafe_allow_html=True)
    screens: list[tuple[str, Callable[[], None]]] = [
        ("Which plan?", lambda: answer_screen(view)),
        ("How much will the team sell, and what will it cost?",
         lambda: two_charts(view, "team-sales", "incentive-payout")),
        ("Who sells more, who gives up?",
         lambda: two_charts(view, "sales-by-decile", "effort-by-decile")),
        ("How do the plans pay, and which measures get attention?",
         lambda: two_charts(view, "payout-curves", "measure-attainment")),
        ("What happens, and plan health", lambda: happens_screen(view)),
    ]
    for i, (title, body) in enumerate(screens):
        with st.container(key=f"slide-{i}"):
            st.header(title)
            body()
    st.button("Leave presentation view", on_click=leave_presentation, type="tertiary",
              icon=":material/close_fullscreen:")
