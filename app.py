"""Streamlit app: compare sales-compensation plan designs side by side (`make app`).

A thin face over the engine: inputs in the sidebar and the plan editor, one cached call
into `simulator.summary.compare` per behaviour mode, then cards, charts
(`simulator.results.charts`) and downloads (`simulator.results.export`). No simulation logic lives here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from simulator.results import charts
from simulator.team.calibrate import adjust_for_plan, calibrate, fit_report, team_yaml
from simulator.base.errors import InputError
from simulator.results.export import csv_bytes, excel_bytes
from simulator.results.health import plan_health
from simulator.team.history import parse_history
from simulator.base.metrics import METRICS
from simulator.plan.edits import (
    NEW_MEASURE,
    QUOTA_KINDS,
    edited_measure,
    edited_plan,
    plan_yaml,
    quota_fields,
    quota_value,
    rate_above_quota,
    rescaled_weights,
    same_rules,
)
from simulator.results.report import money, percent, what_happens
from simulator.plan.spec import DAYS_PER_WEEK, WEEKS_PER_PERIOD, PlanSpec, plan_from_dict, plan_from_text
from simulator.results.summary import attainment_histogram, chance_above, compare, paired_difference
from simulator.team.spec import DEFAULT_TEAM, TeamSpec, team_from_dict
from simulator.base.yamlio import parse_yaml_text

ROOT = Path(__file__).resolve().parent
PLANS_DIR = ROOT / "plans"
TEAMS_DIR = PLANS_DIR / "teams"
MAX_PLANS = 6
DEFAULT_PLANS = ("baseline.yaml", "recommended.yaml")
BEHAVIOURS = {
    "adaptive": "Adaptive",
    "static": "Static",
    "both": "Both, side by side",
}
QUOTA_LABELS = {  # plan_edits.QUOTA_KINDS as the editor names them
    "relative": "% of each rep's normal result",
    "team": "% of the team median",
    "history": "% of each rep's history",
    "absolute": "fixed amount per period",
}

st.set_page_config(
    page_title="Plan simulator: compare sales-compensation plans",
    page_icon=":material/query_stats:",
    layout="wide",
)
st.html("<style>[data-testid='stAppDeployButton'] {display: none;}</style>")


# --------------------------------------------------------------------------- formatting


def cash(value: float, signed: bool = False) -> str:
    """Money as the cards show it: $36.01M, -$250.0k (signed: +$1.2M)."""
    sign = "-" if value < 0 else ("+" if signed else "")
    return f"{sign}{charts.CURRENCY}{money(abs(value))}"


def cash_interval(low: float, high: float) -> str:
    """A 95% interval in money, with as many decimals as it takes to tell its ends apart."""
    scale = max(abs(low), abs(high))
    unit, div = ("M", 1e6) if scale >= 1e6 else ("k", 1e3) if scale >= 1e4 else ("", 1.0)
    for decimals in range(1 if unit else 0, 5):
        ends = [f"{'-' if v < 0 else '+'}{charts.CURRENCY}{abs(v) / div:,.{decimals}f}{unit}"
                for v in (low, high)]
        if ends[0] != ends[1]:
            break
    return f"95% CI {ends[0]} to {ends[1]}"


def half_width(interval: dict[str, float]) -> str:
    """A paired difference's 95% interval as its half-width: "± $4,100 (95% CI)"."""
    return f"± {cash((interval['ci95_high'] - interval['ci95_low']) / 2)} (95% CI)"


def points(value: float) -> str:
    """A difference of two shares in percentage points."""
    return f"{value * 100:+.1f} pp"


def problem_list(error: Exception | str) -> str:
    """The validator's message as a markdown list, one problem a line."""
    lines = [line.replace("`", "'") for line in str(error).splitlines() if line.strip()]
    return "\n".join(f"- `{line}`" for line in lines)


def slug(text: str) -> str:
    """A file-name-safe version of a plan name."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "plan"


# --------------------------------------------------------------------------- the one cached call


@st.cache_data(show_spinner=False, max_entries=64)
def run_comparison(
    plan_texts: tuple[str, ...],
    files: tuple[str, ...],
    team_text: str,
    team_source: str,
    n_trials: int,
    seed: int,
    behavior: str,
) -> dict[str, Any]:
    """Simulate the plans and keep what the page shows (small: no per-rep arrays).

    Keyed by the plans' YAML text, the team file's text and the settings, so changing a
    chart option never runs the simulation again. The progress bar is made and emptied in
    here: st.cache_data replays the elements a cached function draws, and replaying a bar
    that was made outside the function would fail.
    """
    plans = [plan_from_text(text, file) for text, file in zip(plan_texts, files, strict=True)]
    team = team_from_dict(parse_yaml_text(team_text, team_source), team_source)
    label = f"Simulating {n_trials:,} plan years of {len(plans)} plan(s), {behavior} behaviour"
    bar = st.progress(0.0, text=label)

    def report(done: int, total: int) -> None:
        bar.progress(min(done / max(total, 1), 1.0), text=f"{label}: {done:,} / {total:,}")

    result = compare(
        plans, team, n_trials=n_trials, seed=seed, behavior=behavior,  # type: ignore[arg-type]
        files=list(files), chunk_trials=max(16, -(-n_trials // 20)), progress=report,
    )
    bar.empty()
    sim = result.simulation
    # the findings read the per-rep tallies, which the cache does not keep: read them here
    health = [[f.to_dict() for f in plan_health(result, i)] for i in range(len(plans))]
    return {
        "meta": {
            "seed": sim.seed, "trials": sim.n_trials, "team": sim.team.name,
            "reps": int(sim.reps.size), "behavior": behavior,
            "minimum_effort": float(team.effort.minimum),
        },
        "plans": [dict(p) for p in result.plans],
        "table": result.to_frame(),
        "sales": [np.array(t.sales, dtype=float) for t in sim.tallies],
        "payout": [np.array(t.payout, dtype=float) for t in sim.tallies],
        "attainment": [
            attainment_histogram(m, t, width=0.05)
            for m, t in zip(sim.models, sim.tallies, strict=True)
        ],
        "health": health,
    }


@st.cache_data(show_spinner="Fitting the team to the history ...", max_entries=16)
def calibrate_history(data: bytes, file_name: str, plan_text: str = "",
                      plan_source: str = "") -> dict[str, Any]:
    """Fit a team to a history CSV: the team file's text, the fit as plain data, the report.

    Keyed by the file's bytes (its name names the team), so a rerun never fits again. The
    goodness-of-fit replicates use seed 0, as the CLI does. plan_text: the plan the history
    was earned under, if known (`calibrate --plan`): the team is then scaled so that this
    plan, simulated, reproduces the history. A file with problems raises InputError with
    every problem and its line number; errors are not cached.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError.single(file_name, "", "file is not UTF-8 text") from None
    history = parse_history(text, file_name)
    fit = calibrate(history, np.random.default_rng(0),
                    name=f"Calibrated from {Path(file_name).stem}")
    if plan_text:
        fit = adjust_for_plan(fit, plan_from_text(plan_text, plan_source))
    return {"team_text": team_yaml(fit), "fit": fit.to_dict(), "report": fit_report(fit),
            "name": str(fit.team["name"])}


# --------------------------------------------------------------------------- inputs


def load_plan_files() -> tuple[dict[str, PlanSpec], dict[str, str]]:
    """The shipped plans (plans/*.yaml): good ones by file name, and the errors of bad ones."""
    good: dict[str, PlanSpec] = {}
    bad: dict[str, str] = {}
    for path in sorted(PLANS_DIR.glob("*.yaml")):
        try:
            good[path.name] = plan_from_text(path.read_text(encoding="utf-8-sig"), path.name)
        except (InputError, OSError, UnicodeDecodeError) as error:
            bad[path.name] = str(error)
    return good, bad


def read_upload(upload: Any) -> str:
    """The text of an uploaded file (UTF-8, a byte-order mark allowed)."""
    try:
        return str(upload.getvalue().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError.single(upload.name, "", "file is not UTF-8 text") from None


def unique_labels(names: Sequence[str]) -> list[str]:
    """Plan names made unique for legends: a repeated name gets (2), (3) ..."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        key = name.strip().casefold()
        seen[key] = seen.get(key, 0) + 1
        out.append(name if seen[key] == 1 else f"{name} ({seen[key]})")
    return out


def team_label(file_name: str) -> str:
    """A team file as the picker shows it: the team's name, or the file name if it is bad."""
    try:
        path = TEAMS_DIR / file_name
        return team_from_dict(parse_yaml_text(path.read_text(encoding="utf-8-sig"), file_name),
                              file_name).name
    except (InputError, OSError, UnicodeDecodeError):
        return f"{file_name} (has problems)"


def init(key: str, value: Any) -> str:
    """Give a widget its first value through session state (then the user owns it)."""
    if key not in st.session_state:
        st.session_state[key] = value
    return key


def remember_team(key: str, entry: dict[str, Any], upload_id: str) -> None:
    """Add an uploaded or calibrated team to the team choices; select it when it first comes.

    Kept for the session: a later bad upload changes nothing, and the team stays in the
    list after its file is removed from the uploader.
    """
    teams = st.session_state.setdefault("extra_teams", {})
    teams[key] = entry
    seen = st.session_state.setdefault("teams_seen", set())
    if upload_id not in seen:
        seen.add(upload_id)
        st.session_state["team_file"] = key


def team_section(plans: dict[str, PlanSpec]
                 ) -> tuple[str, str, TeamSpec | None, dict[str, Any] | None]:
    """The sidebar's team inputs: a shipped team, an uploaded one, or one fitted to history.

    Returns the chosen team's YAML text, its source name, the team (None if it is bad) and,
    for a calibrated team, its calibration (`calibrate_history`).
    """
    team_names = {p.name: p for p in sorted(TEAMS_DIR.glob("*.yaml"))}
    picker = st.container()
    team_upload = st.file_uploader(
        "Or upload a team file", type=["yaml", "yml"], key="team_upload",
        help="A team YAML file like plans/teams/default.yaml. It joins the team list.")
    if team_upload is not None:
        try:
            text = read_upload(team_upload)
            spec = team_from_dict(parse_yaml_text(text, team_upload.name), team_upload.name)
            remember_team(f"upload:{team_upload.name}",
                          {"label": f"Uploaded: {spec.name} ({team_upload.name})",
                           "text": text, "source": team_upload.name},
                          f"team:{team_upload.file_id}")
        except InputError as error:
            st.error(f"**{team_upload.name}** was not used:\n\n{problem_list(error)}",
                     icon=":material/error:")
    history = st.file_uploader(
        "Or fit a team to your history (CSV)", type=["csv"], key="history_upload",
        help="A CRM export, one row per rep, period and metric: rep_id, period (2025-03 or "
             "2025-Q1), metric, actual and optionally quota (docs/CALIBRATION.md; example: "
             "plans/examples/sample_history.csv). The fitted team joins the team list; the "
             "Team tab shows the fit.")
    if history is not None:
        under = st.selectbox(
            "History earned under", options=["", *plans], key="history_plan",
            format_func=lambda f: plans[f].name if f else "Normal effort (plan unknown)",
            help="The plan in force while the history was earned, if you know it: the team "
                 "is scaled so that this plan, simulated, reproduces the history. Unknown: "
                 "the history is read as output at normal effort.")
        plan_text = plan_yaml(plans[under]) if under in plans else ""
        try:
            fitted = calibrate_history(history.getvalue(), history.name, plan_text,
                                       under or "")
            remember_team(f"calibrated:{history.name}",
                          {"label": f"Calibrated: {history.name}", "text": fitted["team_text"],
                           "source": f"calibrated from {history.name}",
                           "calibration": fitted},
                          f"history:{history.file_id}")
        except InputError as error:
            st.error(f"**{history.name}** was not calibrated:\n\n{problem_list(error)}",
                     icon=":material/error:")
        except Exception as error:  # noqa: BLE001 - a failed fit must not take the page down
            st.error(f"The fit of **{history.name}** failed: {error}", icon=":material/error:")

    extra: dict[str, dict[str, Any]] = st.session_state.get("extra_teams", {})
    options = [*team_names, *extra]
    default = DEFAULT_TEAM.name if DEFAULT_TEAM.name in team_names else options[0]
    if st.session_state.get("team_file") not in options:
        st.session_state["team_file"] = default
    with picker:
        choice = st.selectbox(
            "Team", options=options, key="team_file",
            format_func=lambda k: extra[k]["label"] if k in extra else team_label(k),
            help="The simulated sales team the plans are tried on: plans/teams/, an uploaded "
                 "team file, or a team fitted to your history.")
    entry = extra.get(choice)
    if entry is not None:
        text, source = entry["text"], entry["source"]
    else:
        text, source = team_names[choice].read_text(encoding="utf-8-sig"), choice
    team: TeamSpec | None = None
    try:
        team = team_from_dict(parse_yaml_text(text, source), source)
    except InputError as error:
        st.error(f"The team file cannot be used:\n\n{problem_list(error)}")
    calibration = entry.get("calibration") if entry is not None else None
    if calibration is not None:
        fit = calibration["fit"]
        st.caption(f"Fitted to {fit['n_reps']} reps over {len(fit['periods'])} "
                   f"{fit['granularity']}s of history. The **Team** tab shows the fit and "
                   "offers the team file.")
    return text, source, team, calibration


# --------------------------------------------------------------------------- plan editor


def reset_editor(source_key: str, source: PlanSpec) -> None:
    """Start editing a fresh copy of `source` (new widget keys, so no stale values)."""
    state = st.session_state
    state["ed_gen"] = state.get("ed_gen", 0) + 1
    state["ed_loaded"] = source_key
    state["ed_base"] = source.to_yaml_dict()
    state["ed_ids"] = list(range(len(source.measures)))
    state["ed_next"] = len(source.measures)


def add_measure() -> None:
    st.session_state["ed_ids"] = [*st.session_state["ed_ids"], st.session_state["ed_next"]]
    st.session_state["ed_next"] += 1


def remove_measure(measure_id: int) -> None:
    st.session_state["ed_ids"] = [i for i in st.session_state["ed_ids"] if i != measure_id]


def rescale_weights(keys: list[str]) -> None:
    """Scale the weights so they sum to 100% (a button's callback, before widgets exist)."""
    for key, value in zip(keys, rescaled_weights([st.session_state.get(k) for k in keys]),
                          strict=True):
        st.session_state[key] = value


def measure_editor(gen: int, measure_id: int, base: dict[str, Any], can_remove: bool
                   ) -> tuple[dict[str, Any], str]:
    """Widgets of one measure; returns the measure as a plan-file mapping and its weight key."""
    k = f"ed{gen}_m{measure_id}_"
    kind, level = quota_fields(base["quota"])
    threshold = base.get("threshold")
    rate = round(rate_above_quota(base["curve"]), 4)
    name = st.session_state.get(k + "name", base["name"])
    weight = st.session_state.get(k + "weight", base["weight"] * 100) or 0.0
    expanded = len(st.session_state["ed_ids"]) <= 3
    with st.expander(f"**{name}** · {weight:.0f}% of target incentive", expanded=expanded,
                     key=k + "box"):
        c1, c2, c3, c4 = st.columns([3, 3, 2, 1], vertical_alignment="bottom")
        c1.text_input("Measure name", key=init(k + "name", base["name"]))
        c2.selectbox("Metric", options=list(METRICS), key=init(k + "metric", base["metric"]),
                     format_func=lambda m: f"{m} ({METRICS[m].unit})",
                     help="What the team model counts for this measure.")
        c3.number_input("Weight (%)", min_value=0.0, max_value=100.0, step=5.0, format="%.1f",
                        key=init(k + "weight", round(base["weight"] * 100, 4)),
                        help="Share of the target incentive paid on this measure. "
                             "The weights of a plan sum to 100%.")
        c4.button("Remove", key=f"{k}remove", on_click=remove_measure, args=(measure_id,),
                  disabled=not can_remove, help="Drop this measure from the plan.",
                  icon=":material/delete:")
        c1, c2, c3 = st.columns(3)
        c1.selectbox("Quota set as", options=list(QUOTA_KINDS), key=init(k + "quota_kind", kind),
                     format_func=QUOTA_LABELS.__getitem__,
                     help="How each rep's 100% mark is set: relative to what the rep normally "
                          "sells, one quota for all (team median), from history, or a fixed "
                          "amount per period in the metric's unit.")
        quota_kind = st.session_state[k + "quota_kind"]
        if quota_kind == "absolute":
            money_metric = METRICS[st.session_state[k + "metric"]].unit == "currency"
            guess = 150000.0 if money_metric else 100.0
            c2.number_input("Quota per period (metric units)", min_value=0.0, step=10.0,
                            key=init(k + "quota_abs", level if kind == "absolute" else guess),
                            help="The 100% mark per plan period, in the metric's unit.")
        else:
            c2.number_input("Quota level (%)", min_value=0.0, step=5.0, format="%.1f",
                            key=init(k + "quota_pct",
                                     round(level * 100, 4) if kind != "absolute" else 100.0),
                            help="100% = what a rep sells at normal effort. 150% asks for half "
                                 "as much again; 70% is a low quota.")
        c3.selectbox("Direction", options=["higher", "lower"],
                     key=init(k + "direction", base.get("direction", "higher")),
                     format_func={"higher": "More is better",
                                  "lower": "Less is better (e.g. call minutes)"}.__getitem__)
        c1, c2, c3 = st.columns(3)
        c1.number_input("Pays from (% of quota)", min_value=0.0, max_value=500.0, step=5.0,
                        format="%.1f",
                        key=init(k + "threshold",
                                 round(threshold * 100, 4) if threshold is not None else 0.0),
                        help="The threshold: below this attainment the measure pays nothing. "
                             "0 = no threshold.")
        c2.number_input("Rate above quota (× target rate)", min_value=0.0, step=0.25,
                        format="%.2f", key=init(k + "rate", rate),
                        help="The accelerator: how fast pay grows above quota, in multiples of "
                             "target incentive per 100% of quota. 2 = every 1% above quota "
                             "pays 2% of target.")
        c3.number_input("Cap (× target incentive)", min_value=0.0, step=0.25, format="%.2f",
                        value=None, placeholder="no cap", key=init(k + "cap", base.get("cap")),
                        help="The payout multiple never exceeds this. Leave empty for no cap.")

    s = st.session_state
    quota = quota_value(quota_kind, float(s[k + "quota_abs"]) if quota_kind == "absolute"
                        else float(s[k + "quota_pct"]) / 100)
    measure = edited_measure(
        base, name=s[k + "name"], metric=s[k + "metric"], weight=float(s[k + "weight"]) / 100,
        quota=quota, direction=s[k + "direction"], threshold=float(s[k + "threshold"]) / 100,
        rate=float(s[k + "rate"]), cap=None if s[k + "cap"] is None else float(s[k + "cap"]))
    return measure, k + "weight"


def plan_editor(available: dict[str, PlanSpec], default_source: str | None
                ) -> tuple[PlanSpec | None, bool, PlanSpec | None, Any]:
    """The live plan editor. Returns (edited plan or None, include it?, source, preview slot)."""
    if not available:
        st.info("No plan to start from: add a plan file first.")
        return None, False, None, st.empty()
    options = list(available)
    init("ed_source", default_source if default_source in available else options[0])
    if st.session_state["ed_source"] not in available:
        st.session_state["ed_source"] = options[0]
    top = st.columns([2, 2, 1], vertical_alignment="bottom")
    top[0].selectbox("Start from", options=options, key="ed_source",
                     help="The plan to copy. Your changes never touch the original file.")
    source_label = st.session_state["ed_source"]
    source = available[source_label]
    source_key = f"{source_label}\n{plan_yaml(source)}"
    if st.session_state.get("ed_loaded") != source_key:
        reset_editor(source_key, source)
    gen = st.session_state["ed_gen"]
    base = st.session_state["ed_base"]
    top[1].text_input("Name of the edited plan", key=init(f"ed{gen}_name",
                                                          f"{base['name']} (edited)"))
    top[2].toggle("Add to comparison", key="ed_include", value=True,
                  help="Show the edited plan next to the others once it differs from "
                       "the plan it started from.")

    st.markdown("**Plan rules**")
    c1, c2, c3, c4 = st.columns(4)
    c1.selectbox("Period", options=list(WEEKS_PER_PERIOD), format_func=str.capitalize,
                 key=init(f"ed{gen}_period", base["period"]),
                 help="How often attainment is measured and paid.")
    days = WEEKS_PER_PERIOD[st.session_state[f"ed{gen}_period"]] * DAYS_PER_WEEK
    c2.number_input("Announced on working day", min_value=0, step=1,
                    key=init(f"ed{gen}_announce", int(base["announce_day"])),
                    help=f"Working days into each period before reps learn the plan "
                         f"(0 = before it starts; a {st.session_state[f'ed{gen}_period']} "
                         f"has {days} working days).")
    c3.number_input("Base salary per rep per year", min_value=0.0, step=5000.0, format="%.0f",
                    key=init(f"ed{gen}_base", float(base["pay"]["base_salary"])))
    c4.number_input("Target incentive per rep per year", min_value=0.0, step=5000.0,
                    format="%.0f", key=init(f"ed{gen}_target",
                                            float(base["pay"]["target_incentive"])),
                    help="Incentive paid when every measure ends at exactly 100% of quota.")

    st.markdown("**Measures**")
    ids = st.session_state["ed_ids"]
    measures, weight_keys = [], []
    for measure_id in ids:
        source_measure = (base["measures"][measure_id] if measure_id < len(base["measures"])
                          else NEW_MEASURE)
        measure, weight_key = measure_editor(gen, measure_id, source_measure, len(ids) > 1)
        measures.append(measure)
        weight_keys.append(weight_key)
    total = sum(float(st.session_state[k] or 0.0) for k in weight_keys)
    c1, c2, c3 = st.columns([1, 1, 2], vertical_alignment="center")
    c1.button("Add a measure", on_click=add_measure, icon=":material/add:",
              disabled=len(ids) >= 20, help="Add a KPI (at most 20).")
    c2.button("Rescale weights to 100%", on_click=rescale_weights, args=(weight_keys,),
              disabled=abs(total - 100) < 1e-6 or total <= 0, icon=":material/balance:",
              help="Keep the proportions between the weights, make them sum to 100%.")
    c3.caption(f"Weights sum to **{total:.1f}%**.")

    s = st.session_state
    raw = edited_plan(s[f"ed{gen}_name"], base["name"], s[f"ed{gen}_period"],
                      s[f"ed{gen}_announce"], s[f"ed{gen}_base"], s[f"ed{gen}_target"],
                      measures)
    try:
        edited = plan_from_dict(raw, "edited plan")
    except InputError as error:
        st.error("**The edited plan is not valid yet**, so it is left out of the comparison:"
                 f"\n\n{problem_list(error)}", icon=":material/error:")
        return None, False, source, st.empty()

    changed = not same_rules(edited.to_yaml_dict(), base)
    text = plan_yaml(edited)
    c1, c2 = st.columns([1, 3], vertical_alignment="center")
    c1.download_button("Download edited plan (YAML)", data=text,
                       file_name=f"{slug(edited.name)}.yaml", mime="application/x-yaml",
                       icon=":material/download:", key="ed_download",
                       help="A valid plan file: add it to plans/ or upload it later.")
    if not changed:
        c2.caption("No changes yet: change a rule above and the edited plan joins the "
                   "comparison.")
    elif st.session_state["ed_include"]:
        c2.success(f"**{edited.name}** is in the comparison.", icon=":material/check:")
    else:
        c2.caption("The edited plan is valid but left out of the comparison.")
    preview = st.container()
    with st.expander("The edited plan as YAML"):
        st.code(text, language="yaml")
    return edited, changed and bool(st.session_state["ed_include"]), source, preview


# --------------------------------------------------------------------------- results


def chart_downloads(chart: Any, name: str) -> None:
    """PNG and SVG downloads of a chart, rendered only when clicked."""
    row = st.container(horizontal=True, gap="small")
    row.download_button("PNG", data=lambda: charts.chart_png(chart), file_name=f"{name}.png",
                        mime="image/png", key=f"png_{name}", icon=":material/image:",
                        help="The chart as a PNG image (2x, for slides).", on_click="ignore")
    row.download_button("SVG", data=lambda: charts.chart_svg(chart), file_name=f"{name}.svg",
                        mime="image/svg+xml", key=f"svg_{name}", icon=":material/draw:",
                        help="The chart as an SVG vector image.", on_click="ignore")


def show_chart(chart: Any, name: str, downloads: bool = True) -> None:
    st.altair_chart(chart, width="stretch")
    if downloads:
        chart_downloads(chart, name)


def plan_heading(label: str, colour: str, size: str = "1.05rem") -> None:
    st.markdown(
        f"<div style='font-size:{size};font-weight:600;margin-bottom:.2rem'>"
        f"<span style='color:{colour}'>&#9679;</span> {html.escape(label)}</div>",
        unsafe_allow_html=True,
    )


def headline_cards(runs: dict[str, dict[str, Any]], labels: list[str],
                   colours: dict[str, str], large: bool = False) -> None:
    """One card per plan: the four headline numbers and the difference from the first plan."""
    mode = next(iter(runs))
    run = runs[mode]
    plans = run["plans"]
    first = plans[0]
    per_row = {1: 1, 2: 2, 4: 2}.get(len(plans), 3)
    for row_start in range(0, len(plans), per_row):
        columns = st.columns(per_row)
        for offset, column in enumerate(columns):
            i = row_start + offset
            if i >= len(plans):
                break
            with column.container(border=True):
                plan_card(run, i, labels[i], colours[labels[i]], first, large,
                          wide=per_row == 1, stacked=per_row >= 3 and not large)
                if len(runs) > 1:
                    other = runs["static"]
                    gap = paired_difference(run["sales"][i], other["sales"][i])
                    st.caption(
                        f"Static replay: sales {cash(other['plans'][i]['sales']['mean'])}. "
                        f"Behaviour changes sales by **{cash(gap['mean'], True)}** "
                        f"({cash_interval(gap['ci95_low'], gap['ci95_high'])})."
                    )


def plan_card(run: dict[str, Any], i: int, label: str, colour: str, first: dict[str, Any],
              large: bool, wide: bool, stacked: bool = False) -> None:
    """The four headline numbers of plan i (the first plan is the reference)."""
    p = run["plans"][i]
    plan_heading(label, colour, "1.6rem" if large else "1.1rem")
    ref = i == 0 and run["plans"][0] is first
    sd, pd_ = p["vs_first"]["sales_diff"], p["vs_first"]["payout_diff"]
    cells = st.columns(4 if wide else 1 if stacked else 2)
    with cells[0 % len(cells)]:
        st.metric(
            "Expected team sales / year", cash(p["sales"]["mean"]),
            delta=None if ref else cash(sd["mean"], signed=True),
            delta_description=None if ref else half_width(sd),
            help=f"Mean over {run['meta']['trials']:,} simulated plan years; "
                 f"P5 {cash(p['sales']['p5'])}, P95 {cash(p['sales']['p95'])}." +
                 ("" if ref else f" Difference from {first['name']}: "
                  f"{cash(sd['mean'], True)}, {cash_interval(sd['ci95_low'], sd['ci95_high'])}."),
        )
    with cells[1 % len(cells)]:
        st.metric(
            "Expected incentive payout / year", cash(p["payout"]["mean"]),
            delta=None if ref else cash(pd_["mean"], signed=True), delta_color="inverse",
            delta_description=None if ref else half_width(pd_),
            help=f"Team incentive (base salaries excluded). P50 {cash(p['payout']['p50'])}, "
                 f"P90 {cash(p['payout']['p90'])}, P95 {cash(p['payout']['p95'])}." +
                 ("" if ref else f" Difference from {first['name']}: "
                  f"{cash(pd_['mean'], True)}, "
                  f"{cash_interval(pd_['ci95_low'], pd_['ci95_high'])}."),
        )
    cos, cos0 = p["cost_of_sales"]["incentive"], first["cost_of_sales"]["incentive"]
    with cells[2 % len(cells)]:
        st.metric(
            "Incentive cost of sales", percent(cos, 1),
            delta=None if ref else points(cos - cos0), delta_color="inverse",
            help="Incentive payout / sales. With base salaries: "
                 f"{percent(p['cost_of_sales']['total'], 1)} (typical incentive: 3-10%).",
        )
    q, q0 = (p["quota_attainment"]["share_at_or_above"],
             first["quota_attainment"]["share_at_or_above"])
    with cells[3 % len(cells)]:
        st.metric(
            f"Rep-{p['period']}s at or above quota", percent(q),
            delta=None if ref else points(q - q0),
            help=f"Share of rep-{p['period']}s at or above quota on "
                 f"'{p['quota_attainment']['measure']}'. Sound plans: 50-65%.",
        )
    if ref and len(run["plans"]) > 1:
        st.caption("The reference plan: the other cards show their difference from it, "
                   "with a 95% interval.")


def what_happens_notes(run: dict[str, Any], labels: list[str], colours: dict[str, str]) -> None:
    plans = run["plans"]
    columns = st.columns(min(len(plans), 3))
    for i, p in enumerate(plans):
        with columns[i % len(columns)]:
            plan_heading(labels[i], colours[labels[i]])
            notes = what_happens(p, plans[0])
            if notes:
                st.markdown("\n".join(f"- {n[0].upper()}{n[1:]}" for n in notes))
            else:
                st.markdown("- Nothing unusual: reps keep working, few give up or hit a cap.")


STATUS_ORDER = {"fail": 0, "warn": 1, "ok": 2}
STATUS_LOOK = {  # icon, colour and word of a health status
    "fail": (":material/cancel:", "red", "fail"),
    "warn": (":material/warning:", "orange", "warn"),
    "ok": (":material/check_circle:", "green", "ok"),
}


def md(text: str) -> str:
    """Text shown literally inside Streamlit markdown (no stray emphasis, LaTeX or links)."""
    return re.sub(r"([\\`*_\[\]$<>#~|])", r"\\\1", text)


def by_status(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Findings with failures first, then warnings, then the rules met (stable otherwise)."""
    return sorted(findings, key=lambda f: STATUS_ORDER[f["status"]])


def status_counts(findings: list[dict[str, Any]]) -> str:
    """The status counts, coloured, e.g. "2 fail · 1 warn · 7 ok" (zero counts left out)."""
    parts = []
    for status in STATUS_ORDER:
        n = sum(f["status"] == status for f in findings)
        if n:
            _, colour, word = STATUS_LOOK[status]
            parts.append(f":{colour}[{n} {word}]")
    return " · ".join(parts)


def finding_line(finding: dict[str, Any], rule: bool = True) -> str:
    """One finding as a markdown list item: status icon, message, and the rule it checks."""
    icon, colour, _ = STATUS_LOOK[finding["status"]]
    message = finding["message"][:1].upper() + finding["message"][1:]
    line = f"- :{colour}[{icon}] {md(message)}"
    if rule:
        line += f"  \n  :small[:gray[Rule `{finding['rule']}`: {md(finding['practice'])}]]"
    return line


def set_behaviour(mode: str) -> None:
    st.session_state["behaviour"] = mode


def health_panel(runs: dict[str, dict[str, Any]], labels: list[str], colours: dict[str, str],
                 large: bool = False) -> None:
    """Each plan's health findings (adaptive model): fails and warnings shown, rules met folded."""
    run = runs.get("adaptive")
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
    for i, findings in enumerate(run["health"]):
        ordered = by_status(findings)
        issues = [f for f in ordered if f["status"] != "ok"]
        met = [f for f in ordered if f["status"] == "ok"]
        with columns[i % len(columns)]:
            plan_heading(labels[i], colours[labels[i]], "1.6rem" if large else "1.05rem")
            if large:
                st.markdown("\n".join(finding_line(f, rule=False) for f in issues)
                            or f"- :green[{STATUS_LOOK['ok'][0]}] Meets every rule of practice")
                continue
            st.markdown(status_counts(findings))
            if issues:
                st.markdown("\n".join(finding_line(f) for f in issues))
            if met:
                with st.expander(f"{len(met)} rule{'s' if len(met) != 1 else ''} met",
                                 icon=STATUS_LOOK["ok"][0]):
                    st.markdown("\n".join(finding_line(f) for f in met))


class ResultView:
    """Frames and charts of one comparison, built once per page run from cached results."""

    def __init__(self, runs: dict[str, dict[str, Any]], labels: list[str],
                 specs: list[PlanSpec], large: bool = False):
        self.runs, self.labels, self.specs, self.large = runs, labels, specs, large
        self.colours = charts.plan_colours(labels)
        first = next(iter(runs.values()))
        meta = first["meta"]
        self.meta = meta
        self.subtitle = (f"{meta['team']}, {meta['reps']} reps · {meta['trials']:,} simulated "
                         f"plan years · seed {meta['seed']}")
        self.rows = [(labels[i], mode, p) for mode, run in runs.items()
                     for i, p in enumerate(run["plans"])]

    def distribution(self, what: str, budget: float | None = None) -> Any:
        samples = [(self.labels[i], mode, values) for mode, run in self.runs.items()
                   for i, values in enumerate(run[what])]
        markers = charts.marker_frame([(label, mode, p[what]) for label, mode, p in self.rows])
        return charts.distribution_chart(charts.distribution_frame(samples), markers,
                                         self.colours, what, budget=budget,
                                         subtitle=self.subtitle, large=self.large)

    def curves(self) -> pd.DataFrame:
        return charts.payout_curve_frame(list(zip(self.labels, self.specs, strict=True)))

    def payout_curve(self) -> Any:
        return charts.payout_curve_chart(self.curves(), self.colours, large=self.large)

    def measure_curves(self) -> Any:
        return charts.measure_curve_chart(self.curves(), self.colours, large=self.large)

    def decile_sales(self) -> Any:
        return charts.decile_sales_chart(charts.decile_frame(self.rows), self.colours,
                                         large=self.large)

    def decile_effort(self) -> Any:
        return charts.decile_effort_chart(charts.decile_frame(self.rows), self.colours,
                                          minimum_effort=self.meta["minimum_effort"],
                                          large=self.large)

    def measures(self) -> Any:
        return charts.measure_attainment_chart(charts.measure_frame(self.rows), self.colours,
                                               large=self.large)

    def attainment(self) -> Any:
        frame = charts.attainment_frame([
            (self.labels[i], mode, hist) for mode, run in self.runs.items()
            for i, hist in enumerate(run["attainment"])])
        return charts.attainment_chart(frame, self.colours, large=self.large)

    def table(self) -> pd.DataFrame:
        frames = []
        for mode, run in self.runs.items():
            frame = run["table"].copy()
            frame["plan"] = self.labels
            frame.insert(1, "behaviour", mode)
            frame.insert(2, "file", [p["file"] for p in run["plans"]])
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    def workbook(self) -> bytes:
        settings = pd.DataFrame({
            "setting": ["team", "reps", "simulated plan years", "seed", "behaviour",
                        "currency"],
            "value": [self.meta["team"], self.meta["reps"], self.meta["trials"],
                      self.meta["seed"], ", ".join(self.runs), charts.CURRENCY],
        })
        return excel_bytes({
            "Comparison": self.table(),
            "Measures": charts.measure_frame(self.rows),
            "Deciles": charts.decile_frame(self.rows),
            "Health": self.health(),
            "Settings": settings,
        })

    def health(self) -> pd.DataFrame:
        """Every plan's health findings (adaptive runs only), one row per finding."""
        columns = ["plan", "status", "rule", "measure", "message", "value", "practice"]
        run = self.runs.get("adaptive")
        rows = [{"plan": label, **f} for label, findings in
                zip(self.labels, run["health"] if run else [], strict=False)
                for f in by_status(findings)]
        return pd.DataFrame(rows, columns=columns)


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
TABLE_COLUMNS: dict[str, Any] = {
    "plan": st.column_config.TextColumn("Plan", pinned=True),
    "behaviour": st.column_config.TextColumn("Behaviour"),
    "file": None,
    "effort_mean": st.column_config.NumberColumn("Mean effort", format="%.2f",
                                                 help="1 = normal effort"),
    **{k: st.column_config.NumberColumn(f"{v} ({charts.CURRENCY}M)", format="%.3f",
                                        help="Millions per plan year")
       for k, v in MONEY_COLUMNS.items()},
    **{k: st.column_config.NumberColumn(v, format="percent") for k, v in SHARE_COLUMNS.items()},
}


def results_page(view: ResultView) -> None:
    """The analyst's page: cards, charts with downloads, notes and the table."""
    meta = view.meta
    st.caption(f"{view.subtitle} · behaviour: {' and '.join(view.runs)}. The first plan is "
               "the reference; differences are paired over the same simulated years "
               "(common random numbers).")
    headline_cards(view.runs, view.labels, view.colours)

    st.subheader("Sales and cost", divider="gray")
    c1, c2 = st.columns([1, 2], vertical_alignment="bottom")
    budget = c1.number_input(
        f"Incentive budget per year ({charts.CURRENCY})", min_value=0.0, step=100000.0,
        format="%.0f", placeholder="optional, e.g. 4000000",
        key=init("budget", st.session_state.get("budget_value")),
        help="Draws a line on the payout chart and gives each plan's chance of paying more "
             "than this in a year. Changing it does not run the simulation again.")
    st.session_state["budget_value"] = budget  # kept while the input is not on screen
    if budget:
        mode = next(iter(view.runs))
        chances = [chance_above(p, budget) for p in view.runs[mode]["payout"]]
        c2.markdown(f"**Chance a year's incentive payout exceeds {cash(budget)}:** " +
                    " · ".join(f"{html.escape(label)} **{percent(c, 1)}**"
                               for label, c in zip(view.labels, chances, strict=True)))
    # many overlaid distributions need the full width
    if len(view.labels) <= 3:
        left, right = st.columns(2, gap="large")
    else:
        left, right = st.container(), st.container()
    with left:
        show_chart(view.distribution("sales"), "team-sales")
    with right:
        show_chart(view.distribution("payout", budget), "incentive-payout")

    st.subheader("How the plans pay", divider="gray")
    left, right = st.columns(2, gap="large")
    with left:
        show_chart(view.payout_curve(), "payout-curves")
    with right:
        show_chart(view.measures(), "measure-attainment")
    with st.expander("Payout curve of each measure"):
        show_chart(view.measure_curves(), "measure-payout-curves")

    st.subheader("What reps do", divider="gray")
    left, right = st.columns(2, gap="large")
    with left:
        show_chart(view.decile_sales(), "sales-by-decile")
    with right:
        show_chart(view.decile_effort(), "effort-by-decile")
    show_chart(view.attainment(), "quota-attainment")

    st.subheader("What happens", divider="gray")
    what_happens_notes(view.runs[next(iter(view.runs))], view.labels, view.colours)

    st.subheader("Plan health", divider="gray")
    health_panel(view.runs, view.labels, view.colours)

    st.subheader("Comparison table", divider="gray")
    table = view.table()
    shown = table.copy()
    shown[list(MONEY_COLUMNS)] = shown[list(MONEY_COLUMNS)] / 1e6
    st.dataframe(shown, hide_index=True, column_config=TABLE_COLUMNS)
    st.caption("Money in millions per plan year; the downloads hold the full numbers.")
    row = st.container(horizontal=True)
    name = f"plan-comparison-seed{meta['seed']}-{meta['trials']}-trials"
    row.download_button("Table as CSV", data=csv_bytes(table), file_name=f"{name}.csv",
                        mime="text/csv", icon=":material/table:", key="table_csv",
                        on_click="ignore")
    row.download_button("Workbook as Excel", data=view.workbook(), file_name=f"{name}.xlsx",
                        mime="application/vnd.openxmlformats-officedocument."
                             "spreadsheetml.sheet", icon=":material/grid_on:",
                        key="table_xlsx", on_click="ignore",
                        help="Sheets: comparison, measures, deciles and the settings used.")


PRESENT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"], .st-key-hidden-editor
{display: none !important;}
.block-container {padding-top: 1.5rem; max-width: 1500px;}
[class*="st-key-slide-"] {min-height: 92vh; justify-content: center;
  border-bottom: 1px solid #E6E9EF; padding: 2rem 0;}
[class*="st-key-slide-"] h1 {font-size: 3.2rem;}
[class*="st-key-slide-"] h2 {font-size: 2.4rem;}
[class*="st-key-slide-"] [data-testid="stMetricValue"] p {font-size: 3rem; font-weight: 600;}
[class*="st-key-slide-"] [data-testid="stMetricLabel"] p {font-size: 1.2rem;}
[class*="st-key-slide-"] [data-testid="stMetricDelta"] div,
[class*="st-key-slide-"] [data-testid="stMetricDeltaDescription"] p {font-size: 1.1rem;}
[class*="st-key-slide-"] [data-testid="stMarkdownContainer"] li {font-size: 1.35rem;}
[class*="st-key-slide-"] [data-testid="stCaptionContainer"] p {font-size: 1.1rem;}
</style>
"""


def presentation_page(view: ResultView, budget: float | None) -> None:
    """Big type, one chart per screen, no controls: for a meeting room screen."""
    st.markdown(PRESENT_CSS, unsafe_allow_html=True)
    def chart(build: Callable[[], Any]) -> Callable[[], None]:
        return lambda: show_chart(build(), "", downloads=False)

    slides: list[tuple[str, Callable[[], None]]] = [
        ("Plans compared", lambda: headline_cards(view.runs, view.labels, view.colours, True)),
        ("", chart(lambda: view.distribution("sales"))),
        ("", chart(lambda: view.distribution("payout", budget))),
        ("", chart(view.payout_curve)),
        ("", chart(view.decile_sales)),
        ("", chart(view.decile_effort)),
        ("", chart(view.attainment)),
        ("", chart(view.measures)),
        ("What happens", lambda: what_happens_notes(view.runs[next(iter(view.runs))],
                                                    view.labels, view.colours)),
    ]
    if "adaptive" in view.runs:
        slides.append(("Plan health", lambda: health_panel(view.runs, view.labels,
                                                           view.colours, large=True)))
    for i, (title, body) in enumerate(slides):
        with st.container(key=f"slide-{i}"):
            if i == 0:
                st.title(title)
                st.markdown(f"<p style='color:#8A8D99'>{html.escape(view.subtitle)}</p>",
                            unsafe_allow_html=True)
            elif title:
                st.header(title)
            body()
    st.button("Leave presentation view", on_click=leave_presentation, type="tertiary",
              icon=":material/close_fullscreen:")


def leave_presentation() -> None:
    st.session_state["present"] = False
    st.query_params.pop("view", None)


def sync_presentation() -> None:
    if st.session_state.get("present"):
        st.query_params["view"] = "present"
    else:
        st.query_params.pop("view", None)


# --------------------------------------------------------------------------- page


def main() -> None:
    files, broken = load_plan_files()
    init("present", st.query_params.get("view") == "present")

    with st.sidebar:
        st.title("Plan simulator")
        st.caption("Compare sales-compensation plans on simulated reps who change their "
                   "effort when the rules change.")
        st.header("Plans", divider="gray")
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
            try:
                uploaded[f"upload: {upload.name}"] = plan_from_text(read_upload(upload),
                                                                    upload.name)
            except InputError as error:
                st.error(f"**{upload.name}** was not added:\n\n{problem_list(error)}",
                         icon=":material/error:")
        reference_slot = st.container()

        st.header("Team", divider="gray")
        team_text, team_source, team, calibration = team_section({**files, **uploaded})

        st.header("Simulation", divider="gray")
        n_trials = int(st.number_input(
            "Simulated plan years", min_value=100, max_value=50_000, step=500,
            key=init("trials", 2000),
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
        st.header("View", divider="gray")
        st.toggle("Presentation view", key="present", on_change=sync_presentation,
                  help="Large type, one chart per screen, no controls. Share it with "
                       "?view=present in the address.")

    present = bool(st.session_state["present"])
    if not present:
        st.title("Compare sales-compensation plans")
        st.caption("How much will the team sell, what will it cost, and why: simulated reps "
                   "react to thresholds, caps, accelerators, late plans and too many KPIs.")
        tabs: Sequence[Any] = st.tabs(["Results", "Plan editor", "Plans", "Team"])
        tab_results, tab_editor, tab_plans, tab_team = tabs
    else:
        # the editor still runs, hidden, so its plan and its widgets' values stay put
        tab_results = st.container()
        tab_editor = st.container(key="hidden-editor")
        tab_plans = st.container()
        tab_team = st.container()

    available = {f"{spec.name} ({f})": spec for f, spec in files.items()}
    available.update({f"{spec.name} ({label})": spec for label, spec in uploaded.items()})
    default_source = next((f"{files[f].name} ({f})" for f in selected), None)
    with tab_editor:
        st.markdown("Change a plan's rules without touching YAML. The edited plan joins "
                    "the comparison as soon as it differs from the plan it started from.")
        edited, include_edited, source, preview = plan_editor(available, default_source)

    specs: list[PlanSpec] = [files[f] for f in selected]
    sources: list[str] = list(selected)
    specs += list(uploaded.values())
    sources += [label.removeprefix("upload: ") for label in uploaded]
    if edited is not None and include_edited:
        specs.append(edited)
        sources.append("edited plan")
    if len(specs) > MAX_PLANS:
        st.warning(f"Comparing the first {MAX_PLANS} plans; remove some to add others.")
        specs, sources = specs[:MAX_PLANS], sources[:MAX_PLANS]
    labels = unique_labels([s.name for s in specs])

    with reference_slot:
        if len(specs) > 1:
            reference = st.selectbox(
                "Reference plan", options=labels, key="reference",
                help="The plan the others are measured against (differences and intervals).")
            if reference in labels:
                r = labels.index(reference)
                order = [r] + [i for i in range(len(specs)) if i != r]
                specs = [specs[i] for i in order]
                sources = [sources[i] for i in order]
                labels = [labels[i] for i in order]
    specs = [s if s.name == label else s.model_copy(update={"name": label})
             for s, label in zip(specs, labels, strict=True)]

    with tab_plans:
        if not present:
            plans_tab(specs, labels, sources)
    with tab_team:
        if not present:
            team_tab(team, team_text, team_source, calibration)

    if edited is not None and source is not None:
        with preview:
            colours = charts.plan_colours(labels)
            pair = [(source.name, source), (edited.name, edited)]
            preview_colours = {source.name: colours.get(source.name, charts.MUTED),
                               edited.name: colours.get(edited.name, charts.PALETTE[len(labels)
                                                                                   % 8])}
            if edited.name == source.name:
                pair = pair[1:]
            st.altair_chart(charts.payout_curve_chart(
                charts.payout_curve_frame(pair), preview_colours,
                subtitle="The edited plan against the plan it started from"), width="stretch")

    with tab_results:
        if not specs:
            st.info("Pick at least one plan in the sidebar, upload one, or build one in the "
                    "plan editor.", icon=":material/arrow_back:")
            return
        if team is None:
            st.warning("Pick a valid team file in the sidebar to run the comparison.")
            return
        modes = ["adaptive", "static"] if behaviour == "both" else [str(behaviour)]
        plan_texts = tuple(plan_yaml(s) for s in specs)
        try:
            runs = {mode: run_comparison(plan_texts, tuple(sources), team_text, team_source,
                                         n_trials, seed, mode) for mode in modes}
            st.session_state["last_good"] = (runs, labels, specs)
        except Exception as error:  # noqa: BLE001 - the page must survive an engine failure
            st.error(f"The simulation failed: {error}", icon=":material/error:")
            if "last_good" not in st.session_state:
                return
            st.caption("Showing the last comparison that ran.")
            runs, labels, specs = st.session_state["last_good"]
        view = ResultView(runs, labels, specs, large=present)
        if present:
            presentation_page(view, st.session_state.get("budget_value"))
        else:
            results_page(view)


def estimate(value: float, low: float, high: float, fmt: str = "{:,.3f}") -> tuple[str, str]:
    """A fitted number and its 95% interval as text."""
    return fmt.format(value), f"{fmt.format(low)} to {fmt.format(high)}"


def estimates_frame(fit: dict[str, Any]) -> pd.DataFrame:
    """The fit's headline estimates with their 95% intervals, as the Team tab lists them."""
    unit = fit["granularity"]
    weeks = WEEKS_PER_PERIOD[unit]
    money_fmt = charts.CURRENCY + "{:,.0f}"
    rows: list[tuple[str, str, str]] = []

    def add(label: str, e: dict[str, float], fmt: str = "{:,.3f}") -> None:
        rows.append((label, *estimate(e["value"], e["low"], e["high"], fmt)))

    add("Revenue per rep-month (average rep and month)",
        fit["revenue_per_rep_month"], money_fmt)
    add("Spread of rep levels (log-sd across reps)", fit["level_sigma"])
    add(f"Luck per {unit} (log-sd)", fit["period_sigma"])
    add(f"Weekly luck (luck.sales_weekly, {weeks} weeks a {unit})",
        fit["weekly_luck"])
    rows.append(("Outlier share of rep-periods (robust fit)",
                 f"{fit['outlier_share'] * 100:.2f}%", ""))
    for metric, e in fit["funnel"].items():
        add(f"{metric.replace('_', ' ').capitalize()} per rep-month", e, "{:,.1f}")
    if fit["minutes_per_conversation"] is not None:
        add("Minutes per conversation", fit["minutes_per_conversation"], "{:,.1f}")
    if fit.get("history_plan"):
        h = fit["history_plan"]
        rows.append((f"Deal sizes scaled for the plan '{h['plan']}' the history was earned "
                     "under", f"×{h['revenue_factor']:.3f}", ""))
    return pd.DataFrame(rows, columns=["Estimate", "Value", "95% interval"])


def calibration_view(calibration: dict[str, Any]) -> None:
    """The fit of a calibrated team: estimates, seasonality, rep levels, goodness of fit."""
    fit = calibration["fit"]
    unit, periods = fit["granularity"], fit["periods"]
    st.markdown(
        f"Fitted to **{fit['n_reps']} reps** over **{len(periods)} {unit}s** ({periods[0]} to "
        f"{periods[-1]}) of {md(fit['source'])}: {fit['n_observations']:,} rep-{unit}s of "
        f"revenue ({fit['n_zero']} zero). Maximum marginal likelihood; each rep's level is "
        "shrunk toward the team in proportion to how little history it has. Intervals are "
        "95%. The method: docs/CALIBRATION.md.")
    left, right = st.columns([6, 5], gap="medium")
    with left:
        st.dataframe(estimates_frame(fit), hide_index=True, width="stretch", column_config={
            "Estimate": st.column_config.TextColumn(width=340),
            "Value": st.column_config.TextColumn(width=80),
            "95% interval": st.column_config.TextColumn(width=150)})
    with right:
        if fit["seasonality_p_value"] is None:
            subtitle = "Not fitted: the history does not cover a whole year (all 1.0)"
        elif fit["seasonality_kept"]:
            subtitle = (f"Kept (likelihood-ratio test p = {fit['seasonality_p_value']:.2g}); "
                        "95% intervals; 1.0 = an average period")
        else:
            subtitle = (f"Not significant (p = {fit['seasonality_p_value']:.2g}): the team "
                        "file uses 1.0 for every month")
        show_chart(charts.seasonal_chart(charts.seasonal_frame(fit), subtitle), "seasonality")
    goodness = charts.fit_quantile_frame(fit)
    show_chart(charts.fit_quantile_chart(goodness), "goodness-of-fit")
    misses = int((~goodness["fits"].astype(bool)).sum())
    verdict = (f"All {len(goodness)} quantiles fit: each lies in its band or within 5% of "
               "the fitted value." if not misses else
               f"{misses} of {len(goodness)} quantiles do not fit: the team model's lognormal "
               "luck describes this history only roughly; read simulated spreads with care.")
    (st.success if not misses else st.warning)(verdict)
    with st.expander("Goodness of fit as a table"):
        st.dataframe(goodness[["basis_title", "label", "observed", "fitted", "low", "high",
                               "verdict"]], hide_index=True, width="stretch", column_config={
            "basis_title": "Attainment", "label": "Quantile",
            "observed": st.column_config.NumberColumn("Observed", format="%.3f"),
            "fitted": st.column_config.NumberColumn("Fitted (median)", format="%.3f"),
            "low": st.column_config.NumberColumn("95% band from", format="%.3f"),
            "high": st.column_config.NumberColumn("to", format="%.3f"),
            "verdict": "Verdict"})
    show_chart(charts.rep_level_chart(charts.rep_level_frame(fit)), "rep-levels")

    if fit["outliers"]:
        st.markdown("**Outliers** (left out of the fit of luck and levels):\n\n" + "\n".join(
            f"- {md(str(o['rep_id']))} {o['period']} (line {o['line']}): "
            f"{o['actual']:,.0f} = {o['ratio']:.1f}x expected" for o in fit["outliers"]))
    quotas = fit["quotas"]
    if quotas:
        multiple = quotas["history_multiple_median"]
        st.markdown(
            f"**Historic quotas**: {percent(quotas['share_at_or_above'])} of "
            f"{quotas['rep_periods']:,} rep-{unit}s at or above quota; quotas were "
            f"{multiple:.2f}× the fitted level (median; P10-P90 "
            f"{quotas['history_multiple_p10']:.2f}-{quotas['history_multiple_p90']:.2f}). "
            f"A measure with `quota: {{history: {multiple:.2f}}}` (in the plan editor: quota "
            f"set as % of each rep's history, {multiple * 100:.0f}%) sets quotas like them.")
    if fit["notes"]:
        st.markdown("**Notes**\n\n" + "\n".join(f"- {md(n[:1].upper() + n[1:])}"
                                                   for n in fit["notes"]))
    with st.expander("The fit as text (as `python -m simulator calibrate` prints it)"):
        st.code(calibration["report"], language=None)


def team_tab(team: TeamSpec | None, text: str, source: str,
             calibration: dict[str, Any] | None) -> None:
    """The team the plans are tried on; for a team fitted to history, the fit."""
    if team is None:
        st.info("The chosen team file has problems (see the sidebar): pick another team.")
        return
    st.subheader(team.name)
    roster = "a roster of named reps with fitted levels" if team.roster else "reps drawn"
    st.caption(f"{team.size} reps ({roster}) · {source}")
    if team.description:
        st.markdown(team.description)
    if calibration is None:
        st.info("Fit a team to your own CRM history: upload a history CSV in the sidebar "
                "(format in docs/CALIBRATION.md; example: plans/examples/sample_history.csv). "
                "The fitted team joins the team list, and plan measures with "
                "`quota: {history: x}` then set each rep's quota from that rep's level.",
                icon=":material/upload_file:")
    else:
        calibration_view(calibration)
    st.download_button("Download the team file (YAML)", data=text,
                       file_name=f"{slug(team.name)}.yaml", mime="application/x-yaml",
                       icon=":material/download:", key="team_yaml", on_click="ignore",
                       help="A valid team file: save it in plans/teams/ or use it with "
                            "`python -m simulator compare --team FILE`.")
    with st.expander("Team file (YAML)"):
        st.code(text, language="yaml")


def plans_tab(specs: list[PlanSpec], labels: list[str], sources: list[str]) -> None:
    """Each compared plan in words and as its YAML file."""
    if not specs:
        st.info("No plans in the comparison yet.")
        return
    colours = charts.plan_colours(labels)
    for spec, label, source in zip(specs, labels, sources, strict=True):
        with st.container(border=True):
            plan_heading(label, colours[label])
            st.caption(f"{source} · paid per {spec.period} · "
                       f"{len(spec.measures)} measure(s) · base {cash(spec.pay.base_salary)}, "
                       f"target incentive {cash(spec.pay.target_incentive)} per rep per year")
            if spec.description:
                st.markdown(spec.description)
            with st.expander("Plan file (YAML)"):
                st.code(plan_yaml(spec), language="yaml")



main()
