"""The plan editor's payroll widgets: currency, settlement, draw, ramp, SPIFFs, links.

Only widgets and words live here: the plan-file keys are built by
`simulator.plan.payroll_edits` and validated by `plan_from_dict` with the rest of the
edited plan, so the editor refuses what `python -m simulator validate` refuses, and
`payroll_message` says the validator's line in the editor's words, naming the widget
(and the table's row and column).
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import streamlit as st

from simulator.base.metrics import METRICS
from simulator.plan.payroll_edits import (
    COMMON_CURRENCIES,
    CURVE_COLUMNS,
    RAMP_COLUMNS,
    SETTLEMENTS,
    SPIFF_COLUMNS,
    SPIFF_METRICS,
    Links,
    Payroll,
    link_fields,
    link_keys,
    payroll_fields,
    payroll_keys,
)
from ui.state import init

FIELDS = {
    "currency": "Currency", "settlement": "Settlement", "clawback": "Claw back overpayments",
    "draw": "Draw", "draw.amount": "Draw per period", "draw.recoverable": "Recoverable draw",
    "ramp": "New-hire ramp", "spiffs": "SPIFFs",
}
SPIFF_LABELS = {"name": "Name", "metric": "Metric", "per_unit": "Per unit",
                "amount": "Amount", "at": "At", "from": "From", "to": "To"}
RAMP_LABELS = ("month", "quota share")
LINK_LABELS = {"gate": "Paid only when", "gate.measure": "Paid only when",
               "gate.at_least": "Gate level (% of its quota)",
               "multiplier": "Multiplied by a curve of",
               "multiplier.measure": "Multiplied by a curve of",
               "multiplier.curve": "Multiplier curve"}
WORDS = (("Input should be a valid number", "must be a number"),
         ("Input should be a valid integer", "must be a whole number"),
         ("Input should be greater than 0", "must be more than 0"),
         ("Input should be a valid date or datetime, ", "must be a date: "),
         ("missing required key", "is empty: fill it in"))
_PLAN = re.compile(r"^(currency|settlement|clawback|draw(?:\.amount|\.recoverable)?): (.*)$")
_RAMP = re.compile(r"^ramp(?:\[(\d+)\](?:\[(\d+)\])?)?: (.*)$")
_SPIFF = re.compile(r"^spiffs(?:\[(\d+)\](?:\.([a-z_]+))?)?: (.*)$")
_LINK = re.compile(r"^measures\[(\d+)\] \((.*?)\)\.(gate|multiplier)(\.[a-z_]+)?"
                   r"(?:\[(\d+)\](?:\[(\d+)\])?)?: (.*)$")


def _words(message: str) -> str:
    for old, new in WORDS:
        message = message.replace(old, new)
    return message


def split_measure_lines(line: str) -> list[str]:
    """A "measures: a; b" line as one line per problem, a link's with its own path.

    The validator joins the measures' joint problems (weights, names, gates and
    multipliers naming no measure) in one line; the editor shows each on its own.
    """
    if not line.startswith("measures: "):
        return [line]
    parts = line.removeprefix("measures: ").split("; ")
    return [part if part.startswith("measures[") else f"measures: {part}" for part in parts]


def payroll_message(line: str) -> str | None:
    """A validator's line on a payroll key or a link in the editor's words, else None.

    "spiffs[2].to: 2026-01-31 is before from (2026-02-01)" -> "SPIFFs, row 2, To:
    2026-01-31 is before from (2026-02-01)"; "ramp[3][1]: ..." -> "New-hire ramp, row 3,
    month: ..."; "measures[1] (A).gate.at_least: ..." -> "Measure 1 (A), Gate level (% of
    its quota): ..." (a gate level is written x quota: 0.8 = 80%).
    """
    if m := _PLAN.match(line):
        return f"{FIELDS[m[1]]}: {_words(m[2])}"
    if m := _RAMP.match(line):
        row, column, message = m.groups()
        where = FIELDS["ramp"] + (f", row {row}" if row else "")
        if column in ("1", "2"):
            where += f", {RAMP_LABELS[int(column) - 1]}"
        return f"{where}: {_words(message)}"
    if m := _SPIFF.match(line):
        row, field, message = m.groups()
        where = FIELDS["spiffs"] + (f", row {row}" if row else "")
        if field:
            where += f", {SPIFF_LABELS.get(field, field)}"
        return f"{where}: {_words(message)}"
    if m := _LINK.match(line):
        number, name, link, field, row, column, message = m.groups()
        where = f"Measure {number} ({name or 'no name'}), {LINK_LABELS[link + (field or '')]}"
        if row:
            where += f", row {row}"
        if column in ("1", "2"):
            where += f", {CURVE_COLUMNS[int(column) - 1]}"
        return f"{where}: {_words(message)}"
    return None


def _currency(key: str, current: str | None) -> None:
    options = list(COMMON_CURRENCIES)
    if current and current not in options:
        options.insert(0, current)
    st.selectbox("Currency", options=options, key=init(key, current), index=None,
                 accept_new_options=True, placeholder="none stated",
                 help="The ISO 4217 code of the plan's amounts (USD, EUR, ...): type any "
                      "code. Empty: the plan states none. Plans in different currencies "
                      "cannot be compared.")


def payroll_editor(gen: int, base: dict[str, Any]) -> dict[str, Any]:
    """The payroll expander (collapsed); returns the plan-file keys it sets.

    base: the plan-file mapping the editor started from. Its keys not stated (settlement
    ``period``, no draw, ...) are left out of the result, so an unchanged plan saves as it
    was loaded.
    """
    k = f"ed{gen}_"
    start = payroll_fields(base)
    s = st.session_state
    with st.expander("Payroll, new hires and SPIFFs", expanded=False, key=k + "payroll_box"):
        c1, c2, c3 = st.columns([2, 2, 3], vertical_alignment="bottom")
        with c1:
            _currency(k + "currency", start.currency)
        c2.selectbox("Settlement", options=list(SETTLEMENTS),
                     key=init(k + "settlement", start.settlement),
                     format_func={"period": "Each period on its own",
                                  "cumulative": "Year to date (true-up)"}.__getitem__,
                     help="Period: each period pays its own earnings. Year to date: each "
                          "period pays the year-to-date earnings minus what was already "
                          "paid; a negative difference is carried.")
        c3.checkbox("Claw back overpayments", key=init(k + "clawback", start.clawback),
                    help="Only with year-to-date settlement: a negative true-up is paid "
                         "as a negative amount instead of being carried.")
        left, right = st.columns([1, 2])
        left.number_input("Draw per period", min_value=0.0, step=500.0, format="%.2f",
                        value=None, placeholder="no draw",
                        key=init(k + "draw", start.draw_amount),
                        help="A period settled below it is topped up to it. Leave empty "
                             "for no draw.")
        left.checkbox("Recoverable draw", key=init(k + "draw_recoverable",
                                                 start.draw_recoverable),
                    help="Recoverable: the top-ups are repaid from later periods' pay above "
                         "the draw. Not recoverable: a guarantee, never repaid.")
        with right:
            ramp = _ramp_table(k + "ramp", start)
        spiffs = _spiff_table(k + "spiffs", start)
        st.caption("The payout calculator pays all of these, and the simulation's cost "
                   "includes them (README, \"Payroll mechanics\", \"Ramps\", \"SPIFFs\").")
    return payroll_keys(Payroll(
        currency=s[k + "currency"], settlement=s[k + "settlement"],
        clawback=bool(s[k + "clawback"]),
        draw_amount=None if s[k + "draw"] is None else float(s[k + "draw"]),
        draw_recoverable=bool(s[k + "draw_recoverable"]), ramp=ramp, spiffs=spiffs))


def _ramp_table(key: str, start: Payroll) -> tuple[tuple[Any, Any], ...]:
    frame = pd.DataFrame([list(row) for row in start.ramp], columns=list(RAMP_COLUMNS),
                         dtype=float)
    st.markdown("New-hire ramp", help="A new hire's quota as a share of the full quota, by "
                "month in post (month 1 = the month they start; after the last row its "
                "share holds). Empty: no ramp.")
    table = st.data_editor(
        frame, key=key, num_rows="dynamic", hide_index=True, width="stretch",
        column_config={
            "month": st.column_config.NumberColumn("Month", format="%d", step=1, min_value=1,
                                                   help="Month in post, from 1."),
            "share": st.column_config.NumberColumn("Quota share", format="%.2f", step=0.05,
                                                   help="Share of the full quota, more "
                                                        "than 0 and at most 1.")})
    return tuple(tuple(row) for row in table[list(RAMP_COLUMNS)].itertuples(index=False))


def _spiff_table(key: str, start: Payroll) -> tuple[dict[str, Any], ...]:
    # typed columns, so an empty table's cells come back as text, numbers and dates too
    day = "date32[pyarrow]"
    frame = pd.DataFrame(list(start.spiffs), columns=list(SPIFF_COLUMNS)).astype(
        {"name": "string", "metric": "string", "per_unit": float, "amount": float,
         "at": float, "from": day, "to": day})
    st.markdown("SPIFFs", help="Dated bonuses on a count metric, paid on top of the plan: "
                "per unit booked inside the window, or an amount once, when the rep's total "
                "inside the window reaches 'at'. The actuals CSV gives their results in "
                "rows named as the SPIFF.")
    table = st.data_editor(
        frame, key=key, num_rows="dynamic", hide_index=True, width="stretch",
        column_config={
            "name": st.column_config.TextColumn("Name", width=170),
            "metric": st.column_config.SelectboxColumn(
                "Metric", options=list(SPIFF_METRICS), width=120,
                help="A count metric: " + ", ".join(
                    f"{m} ({METRICS[m].unit})" for m in SPIFF_METRICS)),
            "per_unit": st.column_config.NumberColumn(
                "Per unit", format="%.2f", min_value=0.0, width=90,
                help="Currency per unit booked in the window (or an amount and 'at')."),
            "amount": st.column_config.NumberColumn(
                "Amount", format="%.2f", min_value=0.0, width=90,
                help="Paid once, when the total in the window reaches 'at'."),
            "at": st.column_config.NumberColumn("At", format="%g", min_value=0.0, width=70,
                                                help="The total that earns the amount."),
            "from": st.column_config.DateColumn("From", format="YYYY-MM-DD", width=110),
            "to": st.column_config.DateColumn("To", format="YYYY-MM-DD", width=110,
                                              help="Last day of the window (included)."),
        })
    return tuple(dict(zip(SPIFF_COLUMNS, row, strict=True))
                 for row in table[list(SPIFF_COLUMNS)].itertuples(index=False))


def follow_renames(prefix: str, names: dict[int, str]) -> None:
    """Point gates and multipliers at a measure's new name when the user renames it.

    prefix: the editor's widget key prefix ("ed3_"); names: each measure's name now, by
    measure id. A name being typed (empty) keeps the last one, so "A" -> "" -> "B" follows.
    Runs before the pickers are drawn; a removed measure's name stays (the validator says).
    """
    s = st.session_state
    before: dict[int, str] = s.get(prefix + "names_before", names)
    renamed = {old: names[i] for i, old in before.items()
               if names.get(i) and old and names[i] != old}
    for i in names:
        for part in ("gate", "mult"):
            key = f"{prefix}m{i}_{part}"
            if s.get(key) in renamed:
                s[key] = renamed[s[key]]
    s[prefix + "names_before"] = {i: name or before.get(i, "") for i, name in names.items()}


def link_inputs(k: str, base: dict[str, Any], others: list[str]) -> dict[str, Any]:
    """A measure's gate and multiplier (widget key prefix `k`); their plan-file keys.

    others: the names of the plan's other measures, as the editor has them now.
    """
    start = link_fields(base)
    s = st.session_state

    def pick(column: Any, label: str, key: str, first: str | None, none: str,
             tip: str) -> None:
        """A picker of another measure (kept when its name is stale: the validator says)."""
        init(key, first)
        current = s[key]
        options = others + ([current] if current and current not in others else [])
        column.selectbox(label, options=options, key=key, index=None,
                         placeholder=none if others else "no other measure",
                         disabled=not options, help=tip)

    c1, c2, c3 = st.columns(3, vertical_alignment="bottom")
    pick(c1, "Paid only when", k + "gate", start.gate_measure, "no gate",
         "A gate: this measure pays only when the chosen measure reaches the level on its "
         "right, in the same period. Empty: no gate.")
    c2.number_input("Gate level (% of its quota)", min_value=0.0, step=5.0, format="%.1f",
                    key=init(k + "gate_at", round(start.gate_at_least * 100, 4)),
                    disabled=s[k + "gate"] is None,
                    help="The other measure's attainment the gate needs (80 = 80% of its "
                         "quota).")
    pick(c3, "Multiplied by a curve of", k + "mult", start.multiplier_measure,
         "no multiplier", "A multiplier: this measure's pay times a curve of the chosen "
         "measure's attainment. Empty: none.")
    curve = start.multiplier_curve
    if s[k + "mult"] is not None:
        frame = pd.DataFrame([list(p) for p in curve], columns=list(CURVE_COLUMNS),
                             dtype=float)
        table = st.data_editor(
            frame, key=k + "mult_curve", num_rows="dynamic", hide_index=True,
            column_config={
                "attainment": st.column_config.NumberColumn(
                    f"Attainment of {s[k + 'mult']} (× quota)", format="%.4g", step=0.05),
                "multiplier": st.column_config.NumberColumn(
                    "Multiplier", format="%.4g", step=0.05,
                    help="Linear between points, flat before the first and after the "
                         "last.")})
        curve = tuple(tuple(p) for p in table[list(CURVE_COLUMNS)].itertuples(index=False))
    return link_keys(Links(s[k + "gate"], float(s[k + "gate_at"]) / 100, s[k + "mult"],
                           curve))
