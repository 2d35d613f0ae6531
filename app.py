"""Streamlit app: compare sales-compensation plan designs side by side (`make app`).

A thin face over the engine. This file sets the page up and lays it out; the parts live
in the `ui` package beside it (sidebar inputs, the plan editor, the results page, the
presentation view, the Plans and Team tabs), and every figure comes from one comparison
per behaviour mode, run on the server's shared service (`ui.serving.comparisons`), typed
as `simulator.results.comparison.Comparison`. No simulation logic lives here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from simulator.plan.spec import PlanSpec
from simulator.results import charts
from simulator.results.charts.page import preview_spec
from simulator.results.comparison import reference_order, unique_names
from ui.backtest import backtest_tab
from ui.cache import spec_key
from ui.editor import Edit, plan_editor
from ui.plans_tab import plans_tab
from ui.presentation import presentation_page
from ui.results import ResultView, results_page
from ui.scenarios import (
    OpenScenario,
    library_tab,
    open_scenario,
    reproduction_note,
    save_comparison,
    scenario_panel,
)
from ui.sensitivity import sensitivity_page
from ui.serving import (
    PRELIMINARY_NOTE,
    Answer,
    Request,
    comparisons,
    drawn_charts,
    on_worker,
    refine,
)
from ui.sidebar import MAX_PLANS, ChosenTeam, PlanInputs, Settings, sidebar
from ui.state import init_presentation, presenting
from ui.team_tab import team_tab
from ui.widgets import show_chart


@dataclass(frozen=True)
class Lineup:
    """The plans in the comparison, the reference first, with their sources and labels."""

    specs: list[PlanSpec]  # renamed to their labels where names repeat
    sources: list[str]  # the file each came from ("edited plan" for the editor's)
    labels: list[str]  # unique names, as legends and tables show them


def page_tabs(present: bool) -> Sequence[Any]:
    """Results, Plan editor, Plans, Team, Scenarios, Sensitivity, Backtest: tabs, or
    containers when presenting."""
    if not present:
        st.title("Compare sales-compensation plans")
        st.caption("How much will the team sell, what will it cost, and why: simulated reps "
                   "react to thresholds, caps, accelerators, late plans and too many KPIs.")
        # only the open tab's content runs and is sent (the editor's always: below)
        return st.tabs(["Results", "Plan editor", "Plans", "Team", "Scenarios",
                        "Sensitivity", "Backtest"], key="page_tab", on_change="rerun")
    # the editor still runs, hidden, so its plan and its widgets' values stay put
    return [st.container(), st.container(key="hidden-editor"), st.container(), st.container(),
            st.container(), st.container(), st.container()]


def shown(tab: Any, present: bool) -> bool:
    """Whether a tab's content runs: the open tab's only, none of them when presenting.

    The page's tabs rerun the page when another is picked, so a closed tab costs neither
    the server nor the browser anything. The results and the editor run whatever tab is
    open: the comparison, the edited plan and the editor's widget values live there.
    """
    return not present and bool(getattr(tab, "open", True))


def lineup(plans: PlanInputs, edit: Edit) -> Lineup:
    """The compared plans: picked, uploaded, then the edited one; at most MAX_PLANS.

    The reference-plan picker (in the sidebar's slot) puts the chosen plan first.
    """
    specs = [plans.files[f] for f in plans.selected] + list(plans.uploaded.values())
    sources = [*plans.selected, *(label.removeprefix("upload: ") for label in plans.uploaded)]
    if edit.plan is not None and edit.include:
        specs.append(edit.plan)
        sources.append("edited plan")
    if len(specs) > MAX_PLANS:
        st.warning(f"Comparing the first {MAX_PLANS} plans; remove some to add others.")
        specs, sources = specs[:MAX_PLANS], sources[:MAX_PLANS]
    labels = unique_names([s.name for s in specs])
    with plans.reference_slot:
        if len(specs) > 1:
            reference = st.selectbox(
                "Reference plan", options=labels, key="reference",
                help="The plan the others are measured against (differences and intervals).")
            if reference in labels:
                order = reference_order(labels, labels, reference)
                specs = [specs[i] for i in order]
                sources = [sources[i] for i in order]
                labels = [labels[i] for i in order]
    specs = [s if s.name == label else s.model_copy(update={"name": label})
             for s, label in zip(specs, labels, strict=True)]
    return Lineup(specs, sources, labels)


def edit_preview(edit: Edit, labels: list[str]) -> None:
    """The edited plan's payout curve against the plan it started from."""
    edited, source = edit.plan, edit.source
    if edited is None or source is None:
        return
    colours = charts.plan_colours(labels)
    pair = [(source.name, source), (edited.name, edited)]
    preview_colours = {
        source.name: colours.get(source.name, charts.MUTED),
        edited.name: colours.get(edited.name, charts.PALETTE[len(labels) % len(charts.PALETTE)]),
    }
    if edited.name == source.name:
        pair = pair[1:]
    key = "\n".join(["preview", spec_key([p for _, p in pair]), repr(preview_colours)])
    with edit.preview:
        status = st.empty()
        spec = on_worker(key, status, preview_spec, pair, preview_colours)
        status.empty()
        show_chart(spec or charts.payout_curve_chart(
            charts.payout_curve_frame(pair), preview_colours,
            subtitle="The edited plan against the plan it started from",
            currency=edited.currency or source.currency), "", downloads=False)


def scenario_inputs(opened: OpenScenario, settings: Settings
                    ) -> tuple[Lineup, ChosenTeam, Settings]:
    """An open scenario's plans, team and settings; the budget stays the sidebar's."""
    inputs = opened.inputs
    behaviour = "both" if len(inputs.behaviours) > 1 else inputs.behaviours[0]
    return (Lineup(opened.specs, opened.sources, opened.labels),
            ChosenTeam(inputs.team_text, inputs.team_source, opened.team),
            Settings(inputs.trials, inputs.seed, behaviour, inputs.model_draws,
                     settings.budget))


def show_results(compared: Lineup, chosen: ChosenTeam, settings: Settings,
                 present: bool, opened: OpenScenario | None, slot: Any) -> None:
    """Run (or fetch) one comparison per behaviour mode and show it.

    The comparisons run on the server's shared service (`ui.serving`): a preliminary
    answer first when the full one is not ready, then the page reruns with the full one.
    When the engine fails, the page keeps the last comparison that ran. The sidebar's
    scenario box (`slot`) saves what is shown.
    """
    if not compared.specs:
        st.info("Pick at least one plan in the sidebar, upload one, or build one in the "
                "plan editor.", icon=":material/arrow_back:")
        return
    if chosen.team is None:
        st.warning("Pick a valid team file in the sidebar to run the comparison.")
        return
    team = chosen.team
    key = spec_key(compared.specs, team)
    requests = [Request(tuple(compared.specs), team, key, tuple(compared.sources),
                        settings.n_trials, settings.seed, mode, settings.model_draws)
                for mode in settings.modes]
    status = st.empty()
    answer = Answer([], [], [])
    try:
        answer = comparisons(requests, status)
        runs = answer.runs
        if not answer.preliminary:
            st.session_state["last_good"] = (runs, compared, team)
    except Exception as error:  # noqa: BLE001 - the page must survive an engine failure
        status.empty()
        st.error(f"The simulation failed: {error}", icon=":material/error:")
        if "last_good" not in st.session_state:
            return
        st.caption("Showing the last comparison that ran.")
        runs, compared, team = st.session_state["last_good"]

    def save(name: str) -> Any:
        if answer.preliminary:
            st.warning("The full comparison is still running: save it once it is shown.")
            return None
        history = opened.inputs.history_sha256 if opened else (
            chosen.calibration.history_sha256 if chosen.calibration else None)
        return save_comparison(name, compared.specs, compared.sources, chosen.text,
                               chosen.source, team, runs, settings.n_trials,
                               settings.seed, settings.modes, settings.model_draws,
                               settings.budget, history or None)

    if not present:
        scenario_panel(slot, opened, save)
    if opened is not None and not present:
        reproduction_note(opened, runs)
    if answer.preliminary:
        st.info(PRELIMINARY_NOTE, icon=":material/hourglass_top:")
    budgeted = [run.with_budget(settings.budget) for run in runs]
    # a preliminary page shows the numbers; its charts come with the full answer
    drawn = drawn_charts(answer, budgeted, compared.labels, compared.specs, team, present,
                         status) if answer.runs and not answer.preliminary else {}
    status.empty()
    view = ResultView(budgeted, compared.labels, compared.specs, team, large=present,
                      drawn=drawn, preliminary=answer.preliminary)
    if present:
        presentation_page(view)
    else:
        results_page(view)
    refine(answer, requests, status)


def main() -> None:
    """The page: sidebar inputs, then the results, editor, plans and team tabs."""
    st.set_page_config(
        page_title="Plan simulator: compare sales-compensation plans",
        page_icon=":material/query_stats:",
        layout="wide",
    )
    st.html("<style>[data-testid='stAppDeployButton'] {display: none;}"
            # a metric's label wraps instead of ending in an ellipsis at narrow widths
            "[data-testid='stMetricLabel'] .stMarkdownEllipsis, [data-testid='stMetricLabel'] "
            "label {white-space: normal; overflow: visible; text-overflow: clip; height: auto;}"
            "[data-testid='stMetricLabel'] {height: auto; min-height: 1.5rem;}</style>")
    init_presentation()
    opened = open_scenario()
    plans, chosen, settings, scenario_slot = sidebar()
    present = presenting()
    (tab_results, tab_editor, tab_plans, tab_team, tab_library, tab_sensitivity,
     tab_backtest) = page_tabs(present)

    default_source = next((f"{plans.files[f].name} ({f})" for f in plans.selected), None)
    with tab_editor:
        st.markdown("Change a plan's rules without touching YAML. The edited plan joins "
                    "the comparison as soon as it differs from the plan it started from.")
        edit = plan_editor(plans.available, default_source)

    compared = lineup(plans, edit)
    if opened is not None:
        compared, chosen, settings = scenario_inputs(opened, settings)
    with tab_plans:
        if shown(tab_plans, present):
            plans_tab(compared.specs, compared.labels, compared.sources)
    with tab_team:
        if shown(tab_team, present):
            team_tab(chosen)
    if shown(tab_editor, present):
        edit_preview(edit, compared.labels)
    with tab_library:
        if shown(tab_library, present):
            library_tab()
    with tab_sensitivity:
        if shown(tab_sensitivity, present):
            sensitivity_page(compared.specs, compared.labels, chosen.team, settings.seed)
    with tab_backtest:
        if shown(tab_backtest, present):
            backtest_tab(compared.specs, compared.sources)
    with tab_results:
        show_results(compared, chosen, settings, present, opened, scenario_slot)


# Streamlit runs this file as __main__. A worker process that multiprocessing spawns from
# the server imports it as __mp_main__ (Streamlit makes it the server's __main__ module):
# it must not draw the page, or every worker would run the app and start a pool of its own.
if __name__ == "__main__":
    main()
