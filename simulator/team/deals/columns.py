"""Which column of an export holds what: the common CRM headers, or a mapping file.

Salesforce reports and HubSpot exports name their columns alike (`Opportunity Owner` /
`Deal owner`, `Close Date` / `Close date`, ...), so the usual headers are recognised
without a mapping. A mapping file (YAML, read by the strict loader) names the columns of
any other export, the won stages, the date order, the decimal comma and currency rates.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, Strict

from simulator.base.errors import InputError, Problem
from simulator.base.files import read_text_file
from simulator.base.validation import Frozen, Text, normal_name, shorten, validate_model
from simulator.base.yamlio import MAX_FILE_BYTES, parse_yaml_text
from simulator.team.deals.cells import DateOrder, Decimal

# every header is compared folded: lower case, letters and digits only
HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "opportunities": {
        "owner": ("Opportunity Owner", "Deal owner", "Owner", "Owner Name", "Deal Owner Name",
                  "Opportunity Owner: Full Name", "HubSpot Owner", "Sales Rep", "rep_id",
                  "Rep"),
        "close_date": ("Close Date", "Closed Date", "Date Closed", "closedate", "Won Date"),
        "amount": ("Amount (converted)", "Amount in company currency", "Amount",
                   "Deal amount", "Opportunity Amount"),
        "stage": ("Stage", "Deal stage", "Opportunity Stage", "Stage Name", "dealstage"),
        "deal_id": ("Opportunity ID", "Record ID", "Deal ID", "Opportunity 18 Digit ID",
                    "hs_object_id", "Opportunity Name", "Deal name", "deal_id"),
        "currency": ("Opportunity Currency", "Amount Currency", "Currency",
                     "Deal currency code", "Currency code"),
        "created": ("Created Date", "Create date", "createdate"),
    },
    "activities": {
        "owner": ("Assigned", "Activity assigned to", "Assigned To", "Activity owner",
                  "Call owner", "Owner", "HubSpot Owner", "rep_id", "Rep"),
        "date": ("Date", "Activity date", "Call date", "Due Date", "Completed Date",
                 "Start Date", "Meeting start time", "Timestamp"),
        "type": ("Activity type", "Type", "Task Subtype", "Subtype", "Engagement type",
                 "Task Type"),
        "duration": ("Call Duration", "Call duration (seconds)", "Call Duration (seconds)",
                     "Duration (seconds)", "Duration", "Call duration (HH:mm:ss)",
                     "Call duration (minutes)", "Duration (minutes)"),
        "outcome": ("Call Result", "Call outcome", "Outcome", "Call Disposition",
                    "Disposition", "Result"),
    },
    "splits": {
        "deal_id": ("deal_id", "Opportunity ID", "Record ID", "Deal ID", "Deal", "Opportunity",
                    "Opportunity Name", "Deal name"),
        "rep": ("rep_id", "Rep", "Team Member", "Split Owner", "User", "Owner"),
        "share": ("share", "Split Percentage", "Split %", "Percent", "Percentage"),
        "role": ("role", "Split Type", "Type", "Credit type"),
    },
    "hierarchy": {
        "rep": ("rep_id", "Rep", "User", "Employee"),
        "manager": ("manager", "manager_id", "Manager", "Reports To"),
        "start": ("from", "start", "Start Date", "Valid From"),
        "end": ("to", "end", "End Date", "Valid To"),
    },
    "quotas": {
        "rep": ("rep_id", "Rep", "Owner", "User", "Opportunity Owner", "Deal owner"),
        "period": ("period", "Quota Period", "Period"),
        "quota": ("quota", "Quota Amount", "Target"),
        "metric": ("metric",),
        "measure": ("measure",),
    },
}
REQUIRED = {"opportunities": ("owner", "close_date", "amount", "stage"),
            "activities": ("owner", "date", "type"),
            "splits": ("deal_id", "rep", "share"),
            "hierarchy": ("rep", "manager", "start"),
            "quotas": ("rep", "period", "quota")}
"""The roles a file of each kind must have a column for."""

Export = Literal["opportunities", "activities", "splits", "hierarchy", "quotas"]


def fold(header: str) -> str:
    """A header as compared: lower case, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", normal_name(header).lower())


Columns = Annotated[dict[str, Text], Field(max_length=20)]
Words = Annotated[tuple[Text, ...], Field(max_length=200)]


class Currency(Frozen):
    """Amounts in several currencies: each one's rate into `base` (1 EUR = 1.08 USD)."""

    base: Text
    rates: Annotated[dict[Text, Annotated[float, Strict(), Field(gt=0, le=1e6)]],
                     Field(max_length=200)] = {}


class Mapping(Frozen):
    """A mapping file: what the columns are called, which stages are won, how cells read."""

    opportunities: Columns = {}
    activities: Columns = {}
    splits: Columns = {}
    hierarchy: Columns = {}
    quotas: Columns = {}
    all_won: Annotated[bool, Strict()] = False
    """The export holds won deals only (no stage column needed; a stage column is ignored)."""
    won_stages: Words = ()
    other_stages: Words = ()
    call_types: Words = ()
    meeting_types: Words = ()
    other_types: Words = ()
    connected_outcomes: Words = ()
    other_outcomes: Words = ()
    date_order: DateOrder | None = None
    decimal: Decimal = "point"
    duration_unit: Literal["seconds", "minutes"] = "seconds"
    conversation_seconds: Annotated[float, Strict(), Field(ge=0, le=36000)] = 60.0
    currency: Currency | None = None


NO_MAPPING = Mapping()


def mapping_from_text(text: str, source: str) -> Mapping:
    """A mapping file's text, strictly loaded and checked (InputError with the field path)."""
    raw = parse_yaml_text(text, source)
    mapping = validate_model(Mapping, raw, source)
    problems = []
    for kind in HEADERS:
        for role in getattr(mapping, kind):
            if role not in HEADERS[kind]:
                problems.append(f"{kind}.{shorten(role)}: unknown column role (known: "
                                f"{', '.join(HEADERS[kind])})")
    if problems:
        raise InputError(source, [Problem("", p) for p in problems])
    return mapping


def read_mapping(path: str | Path | None) -> Mapping:
    """A mapping file, or NO_MAPPING when there is none."""
    if path is None:
        return NO_MAPPING
    return mapping_from_text(read_text_file(path, MAX_FILE_BYTES), str(path))


def header_of(text: str) -> list[str]:
    """The header row of a CSV text (normalised names), or [] when it has none."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        return [normal_name(h) for h in next(reader, [])]
    except csv.Error:
        return []


def find_columns(header: list[str], kind: Export,
                 mapping: Mapping) -> tuple[dict[str, str], list[str]]:
    """The header name of each role found, and the problems of the required ones missing.

    A column the mapping names must be in the header; otherwise the first of the usual
    headers present is taken.
    """
    folded = {fold(h): h for h in reversed(header)}
    given: dict[str, str] = getattr(mapping, kind)
    found: dict[str, str] = {}
    problems = []
    for role, names in HEADERS[kind].items():
        if role in given:
            name = given[role]
            if fold(name) in folded:
                found[role] = folded[fold(name)]
            else:
                problems.append(f"the mapping's column {shorten(name)!r} ({kind}.{role}) is not "
                                "in the header")
            continue
        hit = next((folded[fold(n)] for n in names if fold(n) in folded), None)
        if hit is not None:
            found[role] = hit
    for role in REQUIRED[kind]:
        if role not in found and role not in given:
            shown = ", ".join(repr(n) for n in HEADERS[kind][role][:4])
            problems.append(f"no {role.replace('_', ' ')} column (looked for {shown} ...); "
                            f"name it in a mapping file ({kind}: {{{role}: YOUR COLUMN}})")
    used = list(found.values())
    for name in dict.fromkeys(used):
        if used.count(name) > 1:
            roles = [r for r, n in found.items() if n == name]
            problems.append(f"column {name!r} is taken for {', '.join(roles)}; name each in a "
                            "mapping file")
    return found, problems
