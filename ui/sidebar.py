"""The sidebar: the plans to compare, the team they are tried on, the simulation settings.

Everything read here is validated once per file content (`ui.cache.parse_plan`,
`parse_team`, keyed by the bytes, under the CLI's size limits): a shipped or uploaded
plan becomes a `PlanSpec`, a team a `TeamSpec`. A bad file shows the validator's message
and is left out; the rest of the page keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from simulator.base.errors import InputError, printable
from simulator.base.validation import shorten
from simulator.plan.spec import PlanSpec
from simulator.results.charts import CURRENCY
from simulator.results.comparison import DEFAULT_TRIALS
from simulator.team.spec import DEFAULT_TEAM, TeamSpec
from ui.cache import (
    DEAL_FILES,
    DRAW_TRIALS,
    FittedTeam,
    calibrate_deals,
    calibrate_history,
    parse_plan,
    parse_team,
    spec_key,
)
from ui.format import md, problem_list
from ui.state import TeamChoice, added_teams, init, remember_team, sync_presentation

ROOT = Path(__file__).resolve().parent.parent
PLANS_DIR = ROOT / "plans"
TEAMS_DIR = PLANS_DIR / "teams"
MAX_PLANS = 6
DEFAULT_PLANS = ("baseline.yaml", "recommended.yaml")
BEHAVIOURS = {
    "adaptive": "Adaptive",
    "static": "Static",
    "both": "Both, side by side",
}


@dataclass(frozen=True)
class PlanInputs:
    """The plans the sidebar offers and picks."""

    files: dict[str, PlanSpec]  # the shipped plans by file name
    selected: list[str]  # the shipped plans picked, in order
    uploaded: dict[str, PlanSpec]  # uploaded plans by "upload: FILE"
    reference_slot: Any  # where the reference-plan picker goes, once the plans are known

    @property
    def available(self) -> dict[str, PlanSpec]:
        """Every plan the editor can start from, by "NAME (FILE)"."""
        out = {f"{spec.name} ({f})": spec for f, spec in self.files.items()}
        out.update({f"{spec.name} ({label})": spec for label, spec in self.uploaded.items()})
        return out


@dataclass(frozen=True)
class ChosenTeam:
    """The team the plans are tried on: its file, and the spec unless the file is bad."""

    text: str
    source: str
    team: TeamSpec | None
    calibration: FittedTeam | None = None


@dataclass(frozen=True)
class Settings:
    """How the comparison is simulated."""

    n_trials: int
    seed: int
    behaviour: str  # "adaptive", "static" or "both"
    model_draws: int = 0  # behaviour-parameter sets for the model ranges (0: none)
    budget: float | None = None  # incentive budget per plan year (currency), if given

    @property
    def modes(self) -> list[str]:
        """The behaviour modes to run, one cached comparison each."""
        return ["adaptive", "static"] if self.behaviour == "both" else [self.behaviour]


def shown_name(file_name: str) -> str:
    """An uploaded file's name as the page shows it in bold: printable, short, no markdown."""
    name = shorten(printable(file_name), 80)
    return "".join("\\" + c if c in "\\`*[]<>" else c for c in name)


def _file_bytes(path: Path) -> bytes | str:
    """A shipped file's bytes, or the reason it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as error:
        return f"{path.name}: cannot read file: {error.strerror or error}"


def load_plan_files() -> tuple[dict[str, PlanSpec], dict[str, str]]:
    """The shipped plans (plans/*.yaml): good ones by file name, and the errors of bad ones."""
    good: dict[str, PlanSpec] = {}
    bad: dict[str, str] = {}
    for path in sorted(PLANS_DIR.glob("*.yaml")):
        data = _file_bytes(path)
        spec, error = (None, data) if isinstance(data, str) else parse_plan(data, path.name)
        if spec is None:
            bad[path.name] = error
        else:
            good[path.name] = spec
    return good, bad


def read_team_file(file_name: str) -> tuple[TeamSpec | None, str, str]:
    """A shipped team file: (team, text, "") or (None, text, its problems)."""
    data = _file_bytes(TEAMS_DIR / file_name)
    return (None, "", data) if isinstance(data, str) else parse_team(data, file_name)


def team_label(file_name: str) -> str:
    """A team file as the picker shows it: the team's name, or the file name if it is bad."""
    team, _, _ = read_team_file(file_name)
    return team.name if team is not None else f"{file_name} (has problems)"


def plans_section() -> PlanInputs:
    """Pick shipped plans, upload others; a bad file is reported and left out."""
    files, broken = load_plan_files()
    defaults = [f for f in DEFAULT_PLANS if f in files] or list(files)[:1]
    selected = st.multiselect(
        "Plans to compare", options=list(files), default=defaults, key="plan_files",
        max_selections=MAX_PLANS, format_func=lambda f: files[f].name,
        help=f"Example plans from plans/. Up to {MAX_PLANS} plans in all; the first one "
             "is the reference the others are measured against.")
    for name, error in broken.items():
        st.warning(f"**{name}** cannot be used:\n\n{problem_list(error)}")
    uploads = st.file_uploader(
        "Add your own plan files", type=["yaml", "yml"], accept_multiple_files=True,
        key="plan_uploads",
        help="YAML plan files in the format of plans/*.yaml (see the README). A file "
             "with problems is listed here and left out; everything else keeps working.")
    uploaded: dict[str, PlanSpec] = {}
    for upload in uploads or []:
        spec, error = parse_plan(upload.getvalue(), upload.name)
        if spec is None:
            st.error(f"**{shown_name(upload.name)}** was not added:\n\n{problem_list(error)}",
                     icon=":material/error:")
        else:
            uploaded[f"upload: {upload.name}"] = spec
    return PlanInputs(files, list(selected), uploaded, st.container())


def team_upload() -> None:
    """An uploaded team file joins the team choices; a bad one is reported."""
    upload = st.file_uploader(
        "Or upload a team file", type=["yaml", "yml"], key="team_upload",
        help="A team YAML file like plans/teams/default.yaml. It joins the team list.")
    if upload is None:
        return
    team, text, error = parse_team(upload.getvalue(), upload.name)
    if team is None:
        st.error(f"**{shown_name(upload.name)}** was not used:\n\n{problem_list(error)}",
                 icon=":material/error:")
        return
    label = shorten(printable(upload.name), 80)
    remember_team(f"upload:{upload.name}",
                  TeamChoice(f"Uploaded: {team.name} ({label})", text, upload.name, team),
                  f"team:{upload.file_id}")


def history_upload(plans: dict[str, PlanSpec]) -> None:
    """A team fitted to an uploaded history CSV joins the team choices."""
    history = st.file_uploader(
        "Or fit a team to your history (CSV)", type=["csv"], key="history_upload",
        help="A CRM export, one row per rep, period and metric: rep_id, period (2025-03 or "
             "2025-Q1), metric, actual and optionally quota (docs/CALIBRATION.md; example: "
             "plans/examples/sample_history.csv). The fitted team joins the team list; the "
             "Team tab shows the fit.")
    if history is None:
        return
    under = st.selectbox(
        "History earned under", options=["", *plans], key="history_plan",
        format_func=lambda f: plans[f].name if f else "Normal effort (plan unknown)",
        help="The plan in force while the history was earned, if you know it: it becomes "
             "the team's incumbent, which defines normal effort, so that this plan, "
             "simulated, reproduces the history. Unknown: the team has no incumbent and "
             "normal effort is a reference linear plan's.")
    plan = plans.get(under) if under else None
    try:
        fitted = calibrate_history(history.getvalue(), history.name, plan,
                                   spec_key([plan]) if plan is not None else "")
        remember_team(f"calibrated:{history.name}",
                      TeamChoice(f"Calibrated: {shorten(printable(history.name), 80)}",
                                 fitted.team_text, f"calibrated from {history.name}",
                                 fitted.team, fitted),
                      f"history:{history.file_id}")
    except InputError as error:
        st.error(f"**{shown_name(history.name)}** was not calibrated:\n\n"
                 f"{problem_list(error)}", icon=":material/error:")
    except Exception as error:  # noqa: BLE001 - a failed fit must not take the page down
        st.error(f"The fit of **{shown_name(history.name)}** failed: "
                 f"{printable(str(error))}", icon=":material/error:")


DEAL_UPLOADS = {
    "opportunities": ("Opportunity export (CSV)", ["csv"], "One row per deal: owner, close "
                      "date, amount, stage. Salesforce and HubSpot headers are recognised."),
    "activities": ("Activities (CSV, optional)", ["csv"], "Calls and meetings: owner, date, "
                   "type, duration, outcome."),
    "splits": ("Splits (CSV, optional)", ["csv"], "deal, rep, share, role (split or overlay)."),
    "hierarchy": ("Managers (CSV, optional)", ["csv"], "rep, manager, from, to."),
    "quotas": ("Quotas (CSV, optional)", ["csv"], "rep_id, period (2025-03), quota."),
    "mapping": ("Mapping (YAML, optional)", ["yaml", "yml"], "Column names, won stages, date "
                "order, decimal comma, currency rates of another CRM's export."),
}


def deals_upload(plans: dict[str, PlanSpec]) -> None:
    """A team fitted to uploaded deal exports joins the team choices (`calibrate --deals`)."""
    with st.expander("Or fit a team to deal exports"):
        uploads = {kind: st.file_uploader(label, type=types, key=f"deals_{kind}", help=text)
                   for kind, (label, types, text) in DEAL_UPLOADS.items()}
        first = uploads["opportunities"]
        if first is None:
            st.caption("Examples: plans/examples/deals_*.csv (docs/CALIBRATION.md, "
                       "\"Deal-level exports\").")
            return
        under = st.selectbox(
            "Deals won under", options=["", *plans], key="deals_plan",
            format_func=lambda f: plans[f].name if f else "Normal effort (plan unknown)",
            help="The plan in force while the deals were won, if you know it (as for a "
                 "history CSV).")
    plan = plans.get(under) if under else None
    files = tuple(None if (u := uploads[k]) is None else (u.getvalue(), u.name)
                  for k in DEAL_FILES)
    try:
        fitted = calibrate_deals(files, plan, spec_key([plan]) if plan is not None else "")
        remember_team(f"deals:{first.name}",
                      TeamChoice(f"Calibrated from deals: {shorten(printable(first.name), 80)}",
                                 fitted.team_text, f"calibrated from {first.name}",
                                 fitted.team, fitted),
                      "deals:" + ":".join(u.file_id for u in uploads.values() if u is not None))
    except InputError as error:
        st.error(f"**{shown_name(first.name)}** was not calibrated:\n\n"
                 f"{problem_list(error)}", icon=":material/error:")
    except Exception as error:  # noqa: BLE001 - a failed fit must not take the page down
        st.error(f"The fit of **{shown_name(first.name)}** failed: "
                 f"{printable(str(error))}", icon=":material/error:")


def team_section(plans: dict[str, PlanSpec]) -> ChosenTeam:
    """The team inputs: a shipped team, an uploaded one, or one fitted to history."""
    team_files = {p.name: p for p in sorted(TEAMS_DIR.glob("*.yaml"))}
    picker = st.container()
    team_upload()
    history_upload(plans)
    deals_upload(plans)
    extra = added_teams()
    options = [*team_files, *extra]
    default = DEFAULT_TEAM.name if DEFAULT_TEAM.name in team_files else options[0]
    if st.session_state.get("team_file") not in options:
        st.session_state["team_file"] = default
    with picker:
        choice = st.selectbox(
            "Team", options=options, key="team_file",
            format_func=lambda k: extra[k].label if k in extra else team_label(k),
            help="The simulated sales team the plans are tried on: plans/teams/, an uploaded "
                 "team file, or a team fitted to your history.")
    added = extra.get(choice)
    if added is not None:
        chosen = ChosenTeam(added.text, added.source, added.team, added.calibration)
    else:
        team, text, error = read_team_file(choice)
        if team is None:
            st.error(f"The team file cannot be used:\n\n{problem_list(error)}")
        chosen = ChosenTeam(text, choice, team)
    st.caption(team_in_use(chosen))
    return chosen


def team_in_use(chosen: ChosenTeam) -> str:
    """The sidebar's line naming the team the plans run on (after a bad upload too)."""
    if chosen.team is None:
        return "No team in use: the chosen file has problems."
    if chosen.calibration is not None:
        fit = chosen.calibration.fit
        return (f"In use: **{md(chosen.team.name)}**, fitted to {fit['n_reps']} reps over "
                f"{len(fit['periods'])} {fit['granularity']}s of {md(fit['source'])}. The "
                "**Team** tab shows the fit and offers the team file.")
    return f"In use: **{md(chosen.team.name)}** ({md(chosen.source)}), {chosen.team.size} reps."


MODEL_DRAWS = 10
"""Default behaviour-parameter draws in the app: with DRAW_TRIALS plan years each on the
server's worker pool, the default comparison still appears in about 3 s (README, Speed)."""


def simulation_section(currency: str | None = None) -> Settings:
    """Plan years, seed (visible), rep behaviour, draws and the budget (in `currency`)."""
    n_trials = int(st.number_input(
        "Simulated plan years", min_value=100, max_value=50_000, step=500,
        key=init("trials", DEFAULT_TRIALS),
        help="Monte Carlo trials per plan: each is one plan year of the whole team. 2,000 "
             "gives tight intervals in about a second; more narrows them further."))
    seed = int(st.number_input(
        "Seed", min_value=0, max_value=2**32 - 1, step=1, key=init("seed", 0),
        help="The same seed gives exactly the same numbers; every plan sees the same reps "
             "and the same luck."))
    behaviour = st.radio(
        "Rep behaviour", options=list(BEHAVIOURS), format_func=BEHAVIOURS.__getitem__,
        key="behaviour", horizontal=False,
        help="Adaptive: reps change effort when the plan changes (give up, coast, defer "
             "deals, ignore light measures). Static: everyone works as usual whatever the "
             "plan, as a replay-based tool assumes. Both: see what behaviour adds.")
    draws = int(st.number_input(
        "Behaviour-model draws", min_value=0, max_value=64, step=2,
        key=init("model_draws", MODEL_DRAWS),
        help=f"How much each answer rests on the behaviour model: the plans also run under "
             f"this many sets of behaviour parameters spread over their plausible ranges "
             f"(the team file's model_ranges), {DRAW_TRIALS} plan years each, and every "
             "figure shows its model range (P10-P90 over the sets). 0 turns them off."))
    budget = st.number_input(
        f"Incentive budget per year ({currency or CURRENCY})", min_value=0.0, step=100000.0,
        format="%.0f", placeholder="optional, e.g. 4000000",
        key=init("budget", st.session_state.get("budget_value")),
        help="The plan year's incentive budget: every view, download and the deck show "
             "each plan's chance of paying more and the expected overrun. Changing it "
             "does not run the simulation again.")
    st.session_state["budget_value"] = budget
    return Settings(n_trials, seed, str(behaviour), draws, float(budget) if budget else None)


def sidebar() -> tuple[PlanInputs, ChosenTeam, Settings, Any]:
    """The whole sidebar, top to bottom: scenario slot, plans, team, simulation, view.

    The scenario slot is filled by the page once it knows the comparison (save, share).
    """
    with st.sidebar:
        st.title("Plan simulator")
        st.caption("Compare sales-compensation plans on simulated reps who change their "
                   "effort when the rules change.")
        scenario_slot = st.container()
        st.header("Plans", divider="gray")
        plans = plans_section()
        st.header("Team", divider="gray")
        team = team_section({**plans.files, **plans.uploaded})
        st.header("Simulation", divider="gray")
        picked = [*(plans.files[f] for f in plans.selected), *plans.uploaded.values()]
        settings = simulation_section(next((p.currency for p in picked if p.currency), None))
        st.header("View", divider="gray")
        st.toggle("Presentation view", key="present", on_change=sync_presentation,
                  help="Large type, one chart per screen, no controls. Share it with "
                       "?view=present in the address.")
    return plans, team, settings, scenario_slot
