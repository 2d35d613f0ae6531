"""Saved scenarios in the app: save and share a comparison, open one from its link, the library.

The address carries the scenario (`?scenario=ID`, with `&view=present` for the
presentation view), so a link opened in a fresh browser shows the same plans, team,
settings and budget, re-run through the same cached call (the same numbers, byte for
byte, or a note saying why not). The library is `simulator.faces.store`'s SQLite file
(PLAN_SIMULATOR_DB, else ~/.plan-simulator/scenarios.sqlite); a file of another format is
reported inline and the rest of the page keeps working.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from simulator.base.errors import InputError
from simulator.faces import scenarios as sc
from simulator.faces.store import ScenarioStore, StoredScenario
from simulator.plan.edits import plan_yaml
from simulator.plan.spec import PlanSpec
from simulator.results.comparison import Comparison, unique_names
from simulator.team.spec import TeamSpec
from ui.cache import DRAW_TRIALS
from ui.format import md, problem_list

QUERY_KEY = "scenario"


@dataclass(frozen=True)
class OpenScenario:
    """A saved scenario the page shows instead of the sidebar's own plans."""

    stored: StoredScenario
    inputs: sc.ScenarioInputs
    specs: list[PlanSpec]
    sources: list[str]
    labels: list[str]
    team: TeamSpec

    @property
    def title(self) -> str:
        """e.g. "Q3 plans, version 2"."""
        return f"{self.stored.name}, version {self.stored.version}"


def library() -> ScenarioStore | None:
    """The scenario library, or None with the reason shown inline."""
    try:
        return ScenarioStore()
    except InputError as error:
        st.error(f"The scenario library cannot be used:\n\n{problem_list(error)}",
                 icon=":material/error:")
        return None


def open_scenario() -> OpenScenario | None:
    """The scenario the address names (?scenario=ID), read and validated once per session.

    On first opening, its budget becomes the budget input's value. Problems are shown
    inline and the page goes on with the sidebar's own plans.
    """
    raw = st.query_params.get(QUERY_KEY)
    if not raw:
        st.session_state.pop("scenario_open", None)
        return None
    cached = st.session_state.get("scenario_open")
    if cached is not None and str(cached.stored.id) == raw:
        return cached  # type: ignore[no-any-return]
    try:
        scenario_id = int(raw)
    except ValueError:
        st.error(f"The address names scenario {html.escape(raw)!r}, which is not a number.")
        return None
    store = library()
    if store is None:
        return None
    try:
        stored = store.get(scenario_id)
        inputs = sc.ScenarioInputs.from_dict(stored.inputs)
        specs, team = inputs.plan_specs(), inputs.team_spec()
    except InputError as error:
        st.error(f"Scenario {scenario_id} cannot be opened:\n\n{problem_list(error)}",
                 icon=":material/error:")
        return None
    opened = OpenScenario(stored, inputs, specs, [s for s, _ in inputs.plans],
                          unique_names([s.name for s in specs]), team)
    st.session_state["scenario_open"] = opened
    st.session_state["budget"] = inputs.budget  # before the budget input is drawn
    st.session_state["budget_value"] = inputs.budget
    return opened


def close_scenario() -> None:
    """Back to the sidebar's own plans (the banner's button)."""
    st.query_params.pop(QUERY_KEY, None)
    st.session_state.pop("scenario_open", None)


def share_links(scenario_id: int) -> tuple[str, str]:
    """The scenario's link and its presentation view's link."""
    base = str(getattr(st.context, "url", "") or "").split("?")[0]
    return f"{base}?scenario={scenario_id}", f"{base}?scenario={scenario_id}&view=present"


def scenario_panel(slot: Any, opened: OpenScenario | None, save: Any) -> None:
    """The sidebar's scenario box: what is open and its links, or a name and a Save button.

    save(name): saves the comparison on screen and returns the stored scenario.
    """
    with slot:
        st.header("Scenario", divider="gray")
        if opened is not None:
            st.markdown(f"Showing the saved scenario **{md(opened.title)}** "
                        f"(#{opened.stored.id}, saved {opened.stored.saved_at[:16]} UTC). "
                        "The plans, team and settings below are not used while it is open.")
            link, present = share_links(opened.stored.id)
            st.caption("Share it: this link opens the same comparison; add "
                       "`&view=present` for the presentation view.")
            st.code(link, language=None, wrap_lines=True)
            st.button("Close the scenario", on_click=close_scenario,
                      icon=":material/close:", key="scenario_close")
        name = st.text_input("Save this comparison as", key="scenario_name",
                             placeholder="e.g. FY27 plan options",
                             help="Saves the plans, team, settings, budget and results in the "
                                  "scenario library; saving a name again adds a version.")
        if st.button("Save scenario", icon=":material/save:", key="scenario_save",
                     disabled=not (name or "").strip()):
            saved = save(name)
            if saved is not None:
                st.query_params[QUERY_KEY] = str(saved.id)
                st.session_state.pop("scenario_open", None)
                st.rerun()


def save_comparison(name: str, specs: Sequence[PlanSpec], sources: Sequence[str],
                    team_text: str, team_source: str, team: TeamSpec, runs: Sequence[Comparison],
                    n_trials: int, seed: int, modes: Sequence[str], model_draws: int,
                    budget: float | None, history_sha256: str | None) -> StoredScenario | None:
    """Save the comparison on screen; None (with the reason shown) if the library refuses."""
    store = library()
    if store is None:
        return None
    inputs = sc.inputs_of([(source, plan_yaml(spec)) for spec, source in zip(
        specs, sources, strict=True)], team_text, team_source, team, seed, n_trials, modes,
        model_draws, DRAW_TRIALS, budget, history_sha256)
    try:
        return store.save(name, sc.program_version(), inputs.to_dict(),
                          sc.results_json([run.with_budget(budget) for run in runs]))
    except InputError as error:
        st.error(f"The scenario was not saved:\n\n{problem_list(error)}", icon=":material/error:")
        return None


def reproduction_note(opened: OpenScenario, runs: Sequence[Comparison]) -> None:
    """Whether the figures on screen are the saved ones, byte for byte."""
    verdict = sc.reproduce(opened.stored.results, opened.stored.program_version,
                           [run.with_budget(opened.inputs.budget) for run in runs])
    if verdict.identical:
        st.caption(f":green[:material/verified:] Saved scenario **{md(opened.title)}**: "
                   + md(verdict.message))
    else:
        st.warning(f"Saved scenario **{md(opened.title)}**: {md(verdict.message)}",
                   icon=":material/warning:")


def library_tab() -> None:
    """The Scenarios tab: the library's scenarios, to open, delete and compare two of."""
    store = library()
    if store is None:
        return
    saved = store.list()
    st.caption(f"Scenario library: `{md(str(store.path))}` (set PLAN_SIMULATOR_DB to put it on "
               "a shared drive). Save the comparison on screen from the sidebar.")
    if not saved:
        st.info("No saved scenarios yet.", icon=":material/inventory_2:")
        return
    st.dataframe(pd.DataFrame([{
        "ID": s.id, "Name": s.name, "Version": s.version, "Saved (UTC)": s.saved_at[:16],
        "Plans": ", ".join(sc.plan_name(p["text"]) for p in s.inputs["plans"]),
        "Plan years": s.inputs["trials"], "Budget": s.inputs.get("budget"),
        "Program version": s.program_version} for s in saved]), hide_index=True,
        width="stretch", column_config={"Budget": st.column_config.NumberColumn(
            format="dollar"), "Plans": st.column_config.TextColumn(width="large")})
    by_id = {s.id: s for s in saved}

    def label(i: int) -> str:
        return f"#{i}: {by_id[i].name} v{by_id[i].version}"

    c1, c2, c3 = st.columns([3, 1, 1], vertical_alignment="bottom")
    chosen = c1.selectbox("Scenario", options=list(by_id), format_func=label,
                          key="library_pick")
    if c2.button("Open", icon=":material/open_in_browser:", key="library_open"):
        st.query_params[QUERY_KEY] = str(chosen)
        st.session_state.pop("scenario_open", None)
        st.rerun()
    if c3.button("Delete", icon=":material/delete:", key="library_delete"):
        try:
            store.delete(chosen)
        except InputError as error:
            st.error(problem_list(error))
        else:
            if st.query_params.get(QUERY_KEY) == str(chosen):
                close_scenario()
            st.rerun()
    if len(saved) > 1:
        st.markdown("**Compare two versions**")
        c1, c2 = st.columns(2)
        ids = list(by_id)
        a = c1.selectbox("From", options=ids, index=min(1, len(ids) - 1), format_func=label,
                         key="diff_a")
        b = c2.selectbox("To", options=ids, index=0, format_func=label, key="diff_b")
        first, second = by_id[a], by_id[b]
        st.code("\n".join(sc.diff_lines(first.inputs, second.inputs, first.results,
                                        second.results, label(a), label(b))),
                language="diff")
