"""The plan editor: a plan's rules as widgets, no YAML to touch.

Only widgets live here; every rule of an edit (curves from a threshold and a rate above
quota, quotas, weights) is in `simulator.plan.edits`, and the edited mapping is validated
by `plan_from_dict` into the `PlanSpec` that joins the comparison as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import streamlit as st

from simulator.base.calendar import WEEKS_PER_PERIOD, working_days
from simulator.base.errors import InputError
from simulator.base.metrics import METRICS
from simulator.plan.commission_edits import (
    NEW_COMMISSION,
    edited_commission_measure,
    pay_without_target,
)
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
from simulator.plan.payroll_edits import with_links, with_payroll
from simulator.plan.spec import PlanSpec, plan_from_dict
from ui.commission_editor import COMMISSION, commission_message, schedule_inputs
from ui.format import md, slug
from ui.payroll_editor import (
    follow_renames,
    link_inputs,
    payroll_editor,
    payroll_message,
    split_measure_lines,
)
from ui.state import init

QUOTA_LABELS = {  # edits.QUOTA_KINDS as the editor names them
    "relative": "% of each rep's normal result",
    "team": "% of the team median",
    "history": "% of each rep's history",
    "absolute": "fixed amount per period",
}


FIELD_LABELS = {  # the validator's field names as the editor's widgets name them
    "name": "Name of the edited plan", "period": "Period",
    "announce_day": "Announced on working day",
    "pay.base_salary": "Base salary per rep per year",
    "pay.target_incentive": "Target incentive per rep per year",
}
MEASURE_LABELS = {
    "name": "Measure name", "metric": "Metric", "weight": "Weight (%)",
    "quota": "Quota", "threshold": "Pays from (% of quota)", "direction": "Direction",
    "curve": "Rate above quota (× target rate)", "cap": "Cap (× target incentive)",
    "commission": "Commission",
}
_MEASURE = re.compile(r"^measures\[(\d+)\] \((.*?)\)\.([a-z_]+)[^:]*: (.*)$")
_WEIGHTS = re.compile(r"^measures: weights sum to ([\d.]+), not 1$")
_RANGE = re.compile(r"^([\d.]+) is outside the curve's attainment range \[([\d.]+), ([\d.]+)\]$")


def _pct(text: str) -> str:
    return f"{float(text) * 100:g}%"


def editor_message(line: str) -> str:
    """A validator's line in the editor's words: its widget's label, percentages as shown.

    "measures: weights sum to 0.5, not 1" -> "Weight (%): the measures' weights sum to
    50%, not 100% ..."; "measures[1] (New revenue).threshold: ..." -> "Measure 1 (New
    revenue), Pays from (% of quota): ...". A line it does not know stays as it is.
    """
    line = line.strip().removeprefix("edited plan: ")
    if (said := payroll_message(line)) is not None:  # payroll keys, gates and multipliers
        return said
    if COMMISSION.match(line):
        return commission_message(line)
    if m := _WEIGHTS.match(line):
        return (f"{MEASURE_LABELS['weight']}: the measures' weights sum to {_pct(m[1])}, not "
                "100% (\"Rescale weights to 100%\" fixes that)")
    if m := _MEASURE.match(line):
        number, name, field, message = m.groups()
        if field == "threshold" and (r := _RANGE.match(message)):
            message = (f"{_pct(r[1])} is outside the attainment the payout curve covers "
                       f"({_pct(r[2])} to {_pct(r[3])} of quota)")
        message = message.replace("String should have at least 1 character", "must not be "
                                  "empty")
        return (f"Measure {number} ({name or 'no name'}), "
                f"{MEASURE_LABELS.get(field, field)}: {message}")
    where, _, message = line.partition(": ")
    if where in FIELD_LABELS and message:
        return f"{FIELD_LABELS[where]}: {message}"
    return line


def editor_problems(error: Exception) -> str:
    """The validator's message as a markdown list in the editor's words.

    A commission measure whose schedule is invalid is also read as a curve measure without
    a weight; that second line says nothing the first does not, and is left out.
    """
    lines = [part for line in str(error).splitlines() if line.strip()
             for part in split_measure_lines(line.strip().removeprefix("edited plan: "))]
    rates = {m[1] for line in lines if (m := COMMISSION.match(line))}
    lines = [line for line in lines if not ((m := _MEASURE.match(line)) and m[3] == "weight"
                                            and m[1] in rates)]
    return "\n".join(f"- {md(editor_message(line))}" for line in lines)


@dataclass(frozen=True)
class Edit:
    """What the editor gives the page."""

    plan: PlanSpec | None  # the edited plan, None while it is not valid
    include: bool  # it differs from its source and the user keeps it in the comparison
    source: PlanSpec | None  # the plan it started from
    preview: Any  # where the page draws the payout-curve preview


def reset_editor(source_key: str, source: PlanSpec) -> None:
    """Start editing a fresh copy of `source` (new widget keys, so no stale values)."""
    state = st.session_state
    state["ed_gen"] = state.get("ed_gen", 0) + 1
    state["ed_loaded"] = source_key
    state["ed_base"] = source.to_yaml_dict()
    state["ed_ids"] = list(range(len(source.measures)))
    state["ed_next"] = len(source.measures)
    state["ed_rates"] = set()  # measures added as commissions


def add_measure(commission: bool = False) -> None:
    """Add a measure (the "Add a measure" buttons' callback): a curve or a commission."""
    new = st.session_state["ed_next"]
    st.session_state["ed_ids"] = [*st.session_state["ed_ids"], new]
    if commission:
        st.session_state.setdefault("ed_rates", set()).add(new)
    st.session_state["ed_next"] += 1


def remove_measure(measure_id: int) -> None:
    """Drop a measure (its "Remove" button's callback)."""
    st.session_state["ed_ids"] = [i for i in st.session_state["ed_ids"] if i != measure_id]


def rescale_weights(keys: list[str]) -> None:
    """Scale the weights so they sum to 100% (a button's callback, before widgets exist)."""
    for key, value in zip(keys, rescaled_weights([st.session_state.get(k) for k in keys]),
                          strict=True):
        st.session_state[key] = value


def measure_editor(gen: int, measure_id: int, base: dict[str, Any], can_remove: bool,
                   others: list[str]) -> tuple[dict[str, Any], str | None]:
    """Widgets of one measure; returns the measure as a plan-file mapping and its weight key.

    others: the other measures' names, which a gate or multiplier may name.

    A commission measure (its mapping has `commission`) has no weight (key None): its
    schedule's widgets replace the threshold, rate above quota and cap.
    """
    k = f"ed{gen}_m{measure_id}_"
    kind, level = quota_fields(base["quota"])
    is_rate = "commission" in base
    name = st.session_state.get(k + "name", base["name"])
    weight = 0.0 if is_rate else st.session_state.get(k + "weight", base["weight"] * 100) or 0.0
    expanded = len(st.session_state["ed_ids"]) <= 3
    method = st.session_state.get(k + "method", base["commission"]["method"]) if is_rate else ""
    title = (f"**{name}** · commission, {method}" if is_rate
             else f"**{name}** · {weight:.0f}% of target incentive")
    with st.expander(title, expanded=expanded, key=k + "box"):
        c1, c2, c3, c4 = st.columns([3, 3, 2, 1.6], vertical_alignment="bottom")
        c1.text_input("Measure name", key=init(k + "name", base["name"]))
        c2.selectbox("Metric", options=list(METRICS), key=init(k + "metric", base["metric"]),
                     format_func=lambda m: f"{m} ({METRICS[m].unit})",
                     help="What the team model counts for this measure.")
        if is_rate:
            c3.caption("Pays a rate on the metric: no weight.")
        else:
            c3.number_input("Weight (%)", min_value=0.0, max_value=100.0, step=5.0,
                            format="%.1f", key=init(k + "weight", round(base["weight"] * 100, 4)),
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
        if is_rate:
            schedule = schedule_inputs(k, base["commission"], st.session_state[k + "metric"])
        else:
            curve_inputs(k, base)
        links = link_inputs(k, base, others)  # gate and multiplier (ui.payroll_editor)

    s = st.session_state
    quota = quota_value(quota_kind, float(s[k + "quota_abs"]) if quota_kind == "absolute"
                        else float(s[k + "quota_pct"]) / 100)
    if is_rate:
        return with_links(edited_commission_measure(
            base, name=s[k + "name"], metric=s[k + "metric"], quota=quota,
            direction=s[k + "direction"], commission=schedule), links), None
    measure = edited_measure(
        base, name=s[k + "name"], metric=s[k + "metric"], weight=float(s[k + "weight"]) / 100,
        quota=quota, direction=s[k + "direction"], threshold=float(s[k + "threshold"]) / 100,
        rate=float(s[k + "rate"]), cap=None if s[k + "cap"] is None else float(s[k + "cap"]))
    return with_links(measure, links), k + "weight"


def curve_inputs(k: str, base: dict[str, Any]) -> None:
    """A curve measure's threshold, rate above quota and cap (widget key prefix `k`)."""
    threshold = base.get("threshold")
    rate = round(rate_above_quota(base["curve"]), 4)
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


def plan_rules(gen: int, base: dict[str, Any]) -> None:
    """Widgets of the plan-wide rules: period, announce day, pay."""
    st.markdown("**Plan rules**")
    c1, c2, c3, c4 = st.columns(4)
    c1.selectbox("Period", options=list(WEEKS_PER_PERIOD), format_func=str.capitalize,
                 key=init(f"ed{gen}_period", base["period"]),
                 help="How often attainment is measured and paid.")
    period = st.session_state[f"ed{gen}_period"]
    c2.number_input("Announced on working day", min_value=0, step=1,
                    key=init(f"ed{gen}_announce", int(base["announce_day"])),
                    help=f"Working days into each period before reps learn the plan "
                         f"(0 = before it starts; a {period} has {working_days(period)} "
                         "working days).")
    c3.number_input("Base salary per rep per year", min_value=0.0, step=5000.0, format="%.0f",
                    key=init(f"ed{gen}_base", float(base["pay"]["base_salary"])))
    target = base["pay"].get("target_incentive")
    c4.number_input("Target incentive per rep per year", min_value=0.0, step=5000.0,
                    format="%.0f", value=None, placeholder="none: commission only",
                    key=init(f"ed{gen}_target", None if target is None else float(target)),
                    help="Incentive paid when every measure ends at exactly 100% of quota. "
                         "A plan whose every measure pays a commission rate may leave it "
                         "empty.")


def measures_editor(gen: int, base: dict[str, Any]) -> list[dict[str, Any]]:
    """Widgets of every measure, and the buttons to add one and rescale the weights."""
    st.markdown("**Measures**")
    ids = st.session_state["ed_ids"]
    measures, weight_keys = [], []
    added_rates = st.session_state.get("ed_rates", set())
    sources = {i: base["measures"][i] if i < len(base["measures"])
               else NEW_COMMISSION if i in added_rates else NEW_MEASURE for i in ids}
    names = {i: str(st.session_state.get(f"ed{gen}_m{i}_name", m["name"]))
             for i, m in sources.items()}
    follow_renames(f"ed{gen}_", names)
    for measure_id in ids:
        others = [n for i, n in names.items() if i != measure_id and n]
        measure, weight_key = measure_editor(gen, measure_id, sources[measure_id],
                                             len(ids) > 1, others)
        measures.append(measure)
        if weight_key is not None:
            weight_keys.append(weight_key)
    total = sum(float(st.session_state[k] or 0.0) for k in weight_keys)
    # buttons at their own width in one row (columns cut "Rescale weights" at 1,280 px)
    row = st.container(horizontal=True, gap="small", vertical_alignment="center")
    row.button("Add a measure", on_click=add_measure, icon=":material/add:",
              disabled=len(ids) >= 20, help="Add a KPI (at most 20).")
    row.button("Add a commission", on_click=add_measure, args=(True,), icon=":material/percent:",
              disabled=len(ids) >= 20, key="ed_add_rate",
              help="Add a measure that pays a rate on its metric (2% of revenue, 5% above "
                   "quota, to start), README \"Commission measures\".")
    row.button("Rescale weights to 100%", on_click=rescale_weights, args=(weight_keys,),
              disabled=abs(total - 100) < 1e-6 or total <= 0, icon=":material/balance:",
              help="Keep the proportions between the weights, make them sum to 100%.")
    row.caption(f"Weights sum to **{total:.1f}%**." if weight_keys else
               "Every measure pays a commission: no weights.")
    return measures


def plan_editor(available: dict[str, PlanSpec], default_source: str | None) -> Edit:
    """The live plan editor, starting from one of the `available` plans.

    Curve measures and commission-rate measures alike (a commission's method, tiers and
    cap, `ui.commission_editor`); the payroll keys, and each measure's gate and
    multiplier (`ui.payroll_editor`).
    """
    if not available:
        st.info("No plan to start from: add a plan file first.")
        return Edit(None, False, None, st.empty())
    options = list(available)
    init("ed_source", default_source if default_source in available else options[0])
    if st.session_state["ed_source"] not in available:
        st.session_state["ed_source"] = options[0]
    top = st.columns([3, 3, 2], vertical_alignment="bottom")
    top[0].selectbox("Start from", options=options, key="ed_source",
                     help="The plan to copy. Your changes never touch the original file.")
    source_label = st.session_state["ed_source"]
    source = available[source_label]
    source_key = f"{source_label}\n{source.model_dump_json()}"
    if st.session_state.get("ed_loaded") != source_key:
        reset_editor(source_key, source)
    gen = st.session_state["ed_gen"]
    base = st.session_state["ed_base"]
    top[1].text_input("Name of the edited plan", key=init(f"ed{gen}_name",
                                                          f"{base['name']} (edited)"))
    top[2].toggle("Add to comparison", key="ed_include", value=True,
                  help="Show the edited plan next to the others once it differs from "
                       "the plan it started from.")
    plan_rules(gen, base)
    payroll = payroll_editor(gen, base)  # currency, settlement, draw, ramp, SPIFFs
    measures = measures_editor(gen, base)

    s = st.session_state
    target = s[f"ed{gen}_target"]
    raw = with_payroll(pay_without_target(
        edited_plan(s[f"ed{gen}_name"], base["name"], s[f"ed{gen}_period"],
                    s[f"ed{gen}_announce"], s[f"ed{gen}_base"],
                    0.0 if target is None else target, measures, base), target), payroll)
    try:
        edited = plan_from_dict(raw, "edited plan")
    except InputError as error:
        st.error("**The edited plan is not valid yet**, so it is left out of the comparison:"
                 f"\n\n{editor_problems(error)}", icon=":material/error:")
        return Edit(None, False, source, st.empty())

    changed = not same_rules(edited.to_yaml_dict(), base)
    text = plan_yaml(edited)
    c1, c2 = st.columns([2, 3], vertical_alignment="center")
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
    return Edit(edited, changed and bool(st.session_state["ed_include"]), source, preview)
