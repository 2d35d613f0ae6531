"""The cached calls: reading plan and team files, the comparison, the fit to history.

Files (uploads and shipped ones) are read by their bytes (`parse_plan`, `parse_team`),
under the CLI's size limits, so a large file is parsed once, not on every interaction;
a file with problems caches its message. The comparison takes validated specs unhashed
(an underscore-prefixed argument) with a hashed key built from their JSON (`spec_key`),
so an edited plan goes in as the spec the editor built, never back through YAML. A
cached function reads only its arguments. The simulation and the fit are reached through
their modules (`comparison.compare`, `calibrate.calibrate`), so a test can count the calls.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import streamlit as st

from simulator.base.errors import InputError, printable
from simulator.base.files import decode_text
from simulator.base.limits import MAX_CSV_BYTES, MAX_NAME_CHARS, MAX_YAML_BYTES
from simulator.base.validation import normal_name, shorten
from simulator.base.yamlio import parse_yaml_text
from simulator.faces import process
from simulator.model.engine import default_chunk_trials
from simulator.plan.spec import PlanSpec, plan_from_text
from simulator.results import comparison
from simulator.results.comparison import Comparison
from simulator.team import calibrate
from simulator.team.history import parse_history
from simulator.team.spec import TeamSpec, team_from_dict

DRAW_TRIALS = 200
"""Plan years per behaviour-model draw in the app (the CLI's default is 400)."""


@st.cache_resource(show_spinner=False)
def worker_pool() -> ProcessPoolExecutor | None:
    """The server's pool of worker processes, one per core (None on a single core).

    Shared by every session, so the cores serve the comparisons and their model draws;
    `spawn` starts clean processes (forking a server with threads is not safe).
    """
    workers = os.cpu_count() or 1
    if workers < 2:
        return None
    return process.worker_pool(workers, start="spawn")


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


@st.cache_data(show_spinner=False, max_entries=64)
def run_comparison(
    _plans: tuple[PlanSpec, ...],
    _team: TeamSpec,
    key: str,
    files: tuple[str, ...],
    n_trials: int,
    seed: int,
    behavior: str,
    model_draws: int = 0,
) -> Comparison:
    """Simulate the plans on the team: the typed comparison, health findings included.

    key: `spec_key(_plans, _team)`; with the settings it is all the cache hashes, so a
    chart option never runs the simulation again. model_draws: behaviour-parameter sets
    of DRAW_TRIALS plan years each, for the model ranges; they and the trials run on the
    server's worker pool. The result holds per-trial totals and
    histograms, no per-rep arrays. The progress bar is made and emptied in here:
    st.cache_data replays the elements a cached function draws, and replaying a bar that
    was made outside the function would fail.
    """
    label = f"Simulating {n_trials:,} plan years of {len(_plans)} plan(s), {behavior} behaviour"
    bar = st.progress(0.0, text=label)

    def report(done: int, total: int) -> None:
        bar.progress(min(done / max(total, 1), 1.0), text=f"{label}: {done:,} / {total:,}")

    # about 20 progress steps, but never a chunk larger than the engine's own (a large
    # team's chunk must stay one block of trials, or its luck would not fit in memory)
    chunk_trials = min(max(16, -(-n_trials // 20)), default_chunk_trials(_team.size))
    result = comparison.compare(
        list(_plans), _team, n_trials=n_trials, seed=seed,
        behavior=behavior,  # type: ignore[arg-type]
        files=list(files), chunk_trials=chunk_trials, progress=report,
        executor=worker_pool(), model_draws=model_draws, draw_trials=DRAW_TRIALS,
    )
    bar.empty()
    return result


@dataclass(frozen=True)
class FittedTeam:
    """A team fitted to a history CSV: the team, its file, the fit as data and in words."""

    name: str
    team: TeamSpec
    team_text: str  # the team file (YAML) the fit writes
    fit: dict[str, Any]  # `Calibration.to_dict()`, as the calibration charts read it
    report: str  # the fit as `python -m simulator calibrate` prints it
    history_sha256: str = ""  # which history it was fitted to (saved with a scenario)


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
    stem = normal_name(printable(Path(file_name).stem))  # a name may not hold controls
    try:
        fit = calibrate.calibrate(history, np.random.default_rng(0),
                                  name=shorten(f"Calibrated from {stem}", MAX_NAME_CHARS),
                                  incumbent=_plan)
    except InputError as error:  # a fitted team outside a team's bounds: the file's problem
        if error.source != "<calibrated team>":
            raise
        raise error.moved(file_name, "the team fitted to it:") from None
    text = calibrate.team_yaml(fit)
    source = f"calibrated from {file_name}"
    team = team_from_dict(parse_yaml_text(text, source), source)  # as the file reads
    return FittedTeam(name=team.name, team=team, team_text=text, fit=fit.to_dict(),
                      report=calibrate.fit_report(fit),
                      history_sha256=hashlib.sha256(data).hexdigest())
