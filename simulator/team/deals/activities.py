"""An activity export (calls, meetings, emails ...) -> the calls and meetings of each rep.

A call is a dial; a connected call is a conversation and its duration is talk time; a
meeting is a meeting; other activities (emails, tasks, notes) are counted and left out.
A call is connected when its outcome is one of CONNECTED (or the mapping's
`connected_outcomes`); without an outcome column, when it lasted at least the mapping's
`conversation_seconds` (60 by default). An activity type or outcome that is none of the
known ones is a problem, as an unknown stage is.
"""

from __future__ import annotations

import pandas as pd

from simulator.base.csvfile import CsvRows, text_problem
from simulator.base.errors import InputError, Problem
from simulator.base.validation import normal_name, shorten
from simulator.team.deals.cells import CellError, date_order_in, parse_date, parse_duration
from simulator.team.deals.columns import Mapping, find_columns, fold, header_of

CALL_TYPES = ("Call", "Calls", "Phone", "Phone call", "Outbound call", "Inbound call",
              "Logged call")
MEETING_TYPES = ("Meeting", "Meetings", "Event", "Demo", "Video call", "Video meeting")
OTHER_TYPES = ("Email", "Task", "Note", "LinkedIn", "LinkedIn message", "SMS", "Text",
               "Letter", "To-do", "Todo", "Other", "WhatsApp", "Chat", "Postal mail")
CONNECTED = ("Connected", "Answered", "Spoke", "Conversation", "Reached", "Completed",
             "Contacted")
NOT_CONNECTED = ("No answer", "Busy", "Left voicemail", "Voicemail", "Left live message",
                 "Wrong number", "Not connected", "Failed", "Unanswered", "Bad number",
                 "Gatekeeper", "No-answer", "Canceled", "Cancelled")
ACTIVITY_COLUMNS = ["rep_id", "date", "kind", "connected", "seconds", "line"]


def parse_activities(text: str, source: str, mapping: Mapping) -> pd.DataFrame:
    """Calls and meetings, one row each (ACTIVITY_COLUMNS); InputError with every problem.

    kind is "call" or "meeting"; seconds is a connected call's duration (0 otherwise).
    """
    found, missing = find_columns(header_of(text), "activities", mapping)
    if missing:
        raise InputError(source, [Problem("line 1", m) for m in missing])
    table = CsvRows(text, source, tuple(found.values()))
    order = mapping.date_order or date_order_in(text, [found["date"]])
    unit = mapping.duration_unit
    if "duration" in found and "min" in found["duration"].lower():
        unit = "minutes"
    kinds = {**{fold(t): "other" for t in (*OTHER_TYPES, *mapping.other_types)},
             **{fold(t): "call" for t in (*CALL_TYPES, *mapping.call_types)},
             **{fold(t): "meeting" for t in (*MEETING_TYPES, *mapping.meeting_types)}}
    outcomes = {**{fold(t): False for t in (*NOT_CONNECTED, *mapping.other_outcomes)},
                **{fold(t): True for t in (*CONNECTED, *mapping.connected_outcomes)}}
    problems = table.problems
    records = []
    for line, cells in table:
        cell = {role: cells[name] for role, name in found.items()}
        row = [p for role in ("owner", "type", "outcome") if role in cell
               and (p := text_problem(found[role], cell[role])) is not None]
        rep = normal_name(cell["owner"])
        if not rep:
            row.append(f"{found['owner']} is empty")
        kind = kinds.get(fold(cell["type"]))
        if kind is None:
            row.append(f"unknown activity type {shorten(normal_name(cell['type']))!r}: say in a "
                       "mapping file whether it is a call (call_types), a meeting "
                       "(meeting_types) or neither (other_types)")
        day = None
        try:
            day = parse_date(cell["date"], order)
        except CellError as error:
            row.append(f"{found['date']} {error}")
        seconds = 0.0
        if "duration" in cell and kind == "call":
            try:
                seconds = parse_duration(cell["duration"], unit)
            except CellError as error:
                row.append(f"{found['duration']} {error}")
        connected = False
        if kind == "call":
            if "outcome" in cell:
                outcome = outcomes.get(fold(cell["outcome"]))
                if outcome is None and cell["outcome"].strip():
                    row.append(f"unknown call outcome {shorten(normal_name(cell['outcome']))!r}: "
                               "say in a mapping file whether it connected "
                               "(connected_outcomes) or not (other_outcomes)")
                connected = bool(outcome)
            else:
                connected = seconds >= mapping.conversation_seconds
        problems.extend(Problem(f"line {line}", p) for p in row)
        if not row and day is not None and kind in ("call", "meeting"):
            records.append((rep, day, kind, connected, seconds if connected else 0.0, line))
    if not records and not problems:
        problems.append(Problem("", "no calls or meetings"))
    table.raise_if_problems()
    return pd.DataFrame.from_records(records, columns=ACTIVITY_COLUMNS)
