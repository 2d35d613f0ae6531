"""The plan-health panel: each plan's findings, failures first, the rules met folded away.

The findings come with each `PlanResult` of the adaptive run (`PlanResult.health`); static
reps do not respond to a plan, so a static-only page offers to run adaptive reps too.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from simulator.results.comparison import Comparison
from simulator.results.health import STATUS_ORDER, Finding, by_status
from simulator.results.tables import adaptive_run
from ui.format import md
from ui.state import set_behaviour
from ui.widgets import plan_heading

STATUS_LOOK = {  # icon, colour and word of a health status
    "fail": (":material/cancel:", "red", "fail"),
    "warn": (":material/warning:", "orange", "warn"),
    "ok": (":material/check_circle:", "green", "ok"),
}


def status_counts(findings: Sequence[Finding]) -> str:
    """The status counts, coloured, e.g. "2 fail · 1 warn · 7 ok" (zero counts left out)."""
    parts = []
    for status in STATUS_ORDER:
        n = sum(f.status == status for f in findings)
        if n:
            _, colour, word = STATUS_LOOK[status]
            parts.append(f":{colour}[{n} {word}]")
    return " · ".join(parts)


def finding_line(finding: Finding, rule: bool = True) -> str:
    """One finding as a markdown list item: status icon, message, and the rule it checks."""
    icon, colour, _ = STATUS_LOOK[finding.status]
    message = finding.message[:1].upper() + finding.message[1:]
    line = f"- :{colour}[{icon}] {md(message)}"
    if rule:
        line += f"  \n  :small[:gray[Rule `{finding.rule}`: {md(finding.practice)}]]"
    return line


def health_panel(runs: Sequence[Comparison], labels: list[str], colours: dict[str, str],
                 large: bool = False) -> None:
    """Each plan's health findings (adaptive model): fails and warnings shown, rules met folded."""
    run = adaptive_run(runs)
    if run is None:
        st.info("Plan health reads how reps respond to a plan, so it needs the adaptive "
                "model. Run the comparison with adaptive reps to see it.",
                icon=":material/info:")
        st.button("Also run adaptive reps", on_click=set_behaviour, args=("both",),
                  icon=":material/play_arrow:", key="health_adaptive")
        return
    if not large:
        st.caption("Each plan's simulated outcomes under adaptive behaviour, held against "
                   "rules of practice (docs/CALIBRATION.md). Findings are advice: a plan "
                   "can break a rule on purpose.")
    columns = st.columns(min(len(labels), 3))
    for i, plan in enumerate(run.plans):
        ordered = by_status(plan.health)
        issues = [f for f in ordered if f.status != "ok"]
        met = [f for f in ordered if f.status == "ok"]
        with columns[i % len(columns)]:
            plan_heading(labels[i], colours[labels[i]], "1.6rem" if large else "1.05rem")
            if large:
                st.markdown("\n".join(finding_line(f, rule=False) for f in issues)
                            or f"- :green[{STATUS_LOOK['ok'][0]}] Meets every rule of practice")
                continue
            st.markdown(status_counts(plan.health))
            if issues:
                st.markdown("\n".join(finding_line(f) for f in issues))
            if met:
                with st.expander(f"{len(met)} rule{'s' if len(met) != 1 else ''} met",
                                 icon=STATUS_LOOK["ok"][0]):
                    st.markdown("\n".join(finding_line(f) for f in met))
