"""The cached calls: reading plan and team files, the fit to history.

Files (uploads and shipped ones) are read by their bytes (`parse_plan`, `parse_team`),
under the CLI's size limits, so a large file is parsed once, not on every interaction;
a file with problems caches its message. Validated specs are keyed by their JSON
(`spec_key`), so an edited plan goes in as the spec the editor built, never back through
YAML. A cached function reads only its arguments. The fit is reached through its module
(`calibrate.calibrate`), so a test can count the calls. The comparisons run on the
server's shared service (`ui.serving`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import streamlit as st

from simulator.base.errors import InputError, printable
from simulator.base.files import decode_text
from simulator.base.limits import MAX_CSV_BYTES, MAX_NAME_CHARS, MAX_YAML_BYTES
from simulator.base.validation import normal_name, shorten
from simulator.base.yamlio import parse_yaml_text
from simulator.plan.spec import PlanSpec, plan_from_text
from simulator.results.export import csv_bytes
from simulator.team import calibrate, deals
from simulator.team.deals.report import credit_report
from simulator.team.history import History, parse_history
from simulator.team.spec import TeamSpec, team_from_dict

DRAW_TRIALS = 200
"""Plan years per behaviour-model draw in the app (the CLI's default is 400)."""


@st.cache_data(show_spinner=False, max_entries=64)
def parse_plan(data: bytes, file_name: str) -> tuple[PlanSpec | None, str]:
    """A plan file's bytes, validated once per content: (the plan, "") or (None, problems).

    At most MAX_YAML_BYTES, as on the command line; the problems are `str(InputError)`.
    """
    try:
        return plan_from_text(decode_text(data, file_name, MAX_YAML_BYTES), file_name), ""
    except InputError as error:
        return None, str(error)


@st.cache_data(show_spinner=False, max_entries=32)
def parse_team(data: bytes, file_name: str) -> tuple[TeamSpec | None, str, str]:
    """A team file's bytes, validated once per content: (team, text, "") or (None, text, problems).

    At most MAX_YAML_BYTES. An incumbent named by path is read from inside plans/ only.
    """
    try:
        text = decode_text(data, file_name, MAX_YAML_BYTES)
    except InputError as error:
        return None, "", str(error)
    try:
        return team_from_dict(parse_yaml_text(text, file_name), file_name), text, ""
    except InputError as error:
        return None, text, str(error)


def spec_key(plans: Sequence[PlanSpec], team: TeamSpec | None = None) -> str:
    """The cache key of validated specs: their JSON, one line each (it holds every field)."""
    specs: list[Any] = [*plans, *([team] if team is not None else [])]
    return "\n".join(spec.model_dump_json() for spec in specs)


@dataclass(frozen=True)
class FittedTeam:
    """A team fitted to a history CSV: the team, its file, the fit as data and in words."""

    name: str
    team: TeamSpec
    team_text: str  # the team file (YAML) the fit writes
    fit: dict[str, Any]  # `Calibration.to_dict()`, as the calibration charts read it
    report: str  # the fit as `python -m simulator calibrate` prints it
    history_sha256: str = ""  # which history it was fitted to (saved with a scenario)
    credits_csv: bytes = b""  # the crediting report, for a team fitted to deal exports
    currency: str | None = None  # the history's: the deals' or the plan's, if either says


@st.cache_data(show_spinner="Fitting the team to the history ...", max_entries=16)
def calibrate_history(data: bytes, file_name: str, _plan: PlanSpec | None = None,
                      plan_key: str = "") -> FittedTeam:
    """Fit a team to a history CSV's bytes (the file's name names the team).

    At most MAX_CSV_BYTES, as on the command line. Keyed by the bytes, so a rerun never
    fits again. The goodness-of-fit replicates use
    seed 0, as the CLI does. _plan: the plan the history was earned under, if known
    (`calibrate --plan`), with plan_key its `spec_key`: it becomes the team's incumbent,
    which defines normal effort, so that this plan, simulated, reproduces the history. A
    file with problems raises InputError with every problem and its line number; errors
    are not cached.
    """
    history = parse_history(decode_text(data, file_name, MAX_CSV_BYTES), file_name)
    return _fitted(history, file_name, _plan, hashlib.sha256(data).hexdigest())


DEAL_FILES = ("opportunities", "activities", "splits", "hierarchy", "quotas", "mapping")
"""The deal exports an upload may give, in `calibrate_deals`' order."""


@st.cache_data(show_spinner="Fitting the team to the deals ...", max_entries=8)
def calibrate_deals(files: tuple[tuple[bytes, str] | None, ...], _plan: PlanSpec | None = None,
                    plan_key: str = "") -> FittedTeam:
    """Fit a team to deal exports' bytes: (bytes, name) or None for each of DEAL_FILES.

    Read as `calibrate --deals` reads them (CSVs at most MAX_CSV_BYTES, the mapping at most
    MAX_YAML_BYTES); every file's problems raise one InputError. Monthly periods.
    """
    texts = [None if f is None else (decode_text(f[0], f[1], MAX_CSV_BYTES), f[1])
             for f in files[:5]]
    mapping = deals.NO_MAPPING
    if files[5] is not None:
        data, name = files[5]
        mapping = deals.mapping_from_text(decode_text(data, name, MAX_YAML_BYTES), name)
    opportunities = texts[0]
    if opportunities is None:
        raise InputError.single("deals", "", "upload an opportunity export")
    found = deals.parse_deals(opportunities, texts[1], texts[2], texts[3], texts[4],
                              mapping=mapping)
    digest = hashlib.sha256(b"".join(f[0] for f in files if f is not None)).hexdigest()
    fitted = _fitted(deals.deal_history(found), opportunities[1], _plan, digest)
    return replace(fitted, credits_csv=csv_bytes(credit_report(found)),
                   currency=found.currency or fitted.currency)


def _fitted(history: History, file_name: str, plan: PlanSpec | None,
            digest: str) -> FittedTeam:
    """Calibrate a read history into the app's fitted team (the CLI's seed 0)."""
    stem = normal_name(printable(Path(file_name).stem))  # a name may not hold controls
    try:
        fit = calibrate.calibrate(history, np.random.default_rng(0),
                                  name=shorten(f"Calibrated from {stem}", MAX_NAME_CHARS),
                                  incumbent=plan)
    except InputError as error:  # a fitted team outside a team's bounds: the file's problem
        if error.source != "<calibrated team>":
            raise
        raise error.moved(file_name, "the team fitted to it:") from None
    text = calibrate.team_yaml(fit)
    source = f"calibrated from {file_name}"
    team = team_from_dict(parse_yaml_text(text, source), source)  # as the file reads
    return FittedTeam(name=team.name, team=team, team_text=text, fit=fit.to_dict(),
                      report=calibrate.fit_report(fit),
                      history_sha256=digest, currency=plan.currency if plan else None)
