"""The app's comparisons on the server's shared service: a quick answer, then the full one.

Every session's comparisons run on one `simulator.faces.service.Service` per server (its
pool of worker processes sized to the cores). A request is named by everything its
result depends on, so identical requests from different sessions run once and share the
result. When the settings change, the page first shows a preliminary comparison of
PRELIM_TRIALS plan years (the same seed: they are the first trials of the full run, with
wider intervals and no model draws), queued ahead of full runs; it then waits for the
full comparison, showing where it stands (queued, or its progress), and reruns the page
with it. A user who changes a setting again interrupts the wait (Streamlit stops the
script at its next element), and the new run lets go of the old jobs, which end unless
another session wants them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, Executor, wait
from dataclasses import dataclass, replace
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from simulator.faces.service import Job, ProgressCallback, Service, server_service
from simulator.model.engine import default_chunk_trials
from simulator.plan.spec import PlanSpec
from simulator.results import comparison
from simulator.results.charts.page import page_specs
from simulator.results.comparison import Comparison
from simulator.team.spec import TeamSpec
from ui.cache import DRAW_TRIALS

PRELIM_TRIALS = 256
"""Plan years of the preliminary answer (16 of the engine's blocks): a few tenths of a
second of work, shown while the full comparison runs. Runs of at most twice this many
plan years skip it."""

PRELIMINARY_NOTE = (
    f"**Preliminary**: {PRELIM_TRIALS:,} simulated plan years, so the intervals are wider; "
    "the charts and the model ranges come with the full run, which is on its way.")
"""What the page says over a preliminary answer."""

POLL_SECONDS = 0.2
"""How often a waiting page looks at its jobs."""

SHOW_STEP = 0.05
"""A waiting page sends its progress line when the share done passes another 5%, when its
jobs start, or every REFRESH_SECONDS: each update makes the browser render the whole page
again (about 0.1 s of a core), so a page that waits long must not update often. With
12 sessions waiting 5 minutes, once a second cost the browsers 480 s of CPU."""

REFRESH_SECONDS = 10.0
"""How often a waiting page refreshes its line when nothing else changes (the queue)."""


@st.cache_resource(show_spinner=False, on_release=Service.close)
def service() -> Service:
    """The server's service: one pool of worker processes (one per core) for every session.

    Released (its workers ended) when the resource cache is cleared.
    """
    return server_service()


def session_owner() -> str:
    """The id of the browser session running the script (the owner of its jobs)."""
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "no-session"


@dataclass(frozen=True)
class Request:
    """One comparison the page needs: the plans on the team under one behaviour mode."""

    plans: tuple[PlanSpec, ...]
    team: TeamSpec
    specs_key: str  # `ui.cache.spec_key(plans, team)`
    files: tuple[str, ...]
    trials: int
    seed: int
    behavior: str
    draws: int

    @property
    def key(self) -> str:
        """Everything the result depends on: requests with the same key share one job."""
        return "\n".join([self.specs_key, repr(self.files), str(self.trials), str(self.seed),
                          self.behavior, str(self.draws), str(DRAW_TRIALS)])

    @property
    def preliminary(self) -> Request | None:
        """The quick version shown first (None when the run itself is quick)."""
        if self.trials <= 2 * PRELIM_TRIALS:
            return None
        return replace(self, trials=PRELIM_TRIALS, draws=0)

    def work(self, executor: Executor, progress: ProgressCallback) -> Comparison:
        """Run the comparison with its tasks on `executor` (the job's lane)."""
        # about 20 progress steps, but never a chunk larger than the engine's own
        chunk = min(max(16, -(-self.trials // 20)), default_chunk_trials(self.team.size))
        return comparison.compare(
            list(self.plans), self.team, n_trials=self.trials, seed=self.seed,
            behavior=self.behavior,  # type: ignore[arg-type]
            files=list(self.files), chunk_trials=chunk, progress=progress,
            executor=executor, model_draws=self.draws, draw_trials=DRAW_TRIALS)


@dataclass(frozen=True)
class Answer:
    """The comparisons to show now (`keys`: their jobs'); `refining`: full jobs still running."""

    runs: list[Comparison]
    keys: list[str]
    refining: list[Job[Comparison]]

    @property
    def preliminary(self) -> bool:
        """True when these are quick comparisons and the full ones are on their way."""
        return bool(self.refining)


def comparisons(requests: Sequence[Request], status: Any) -> Answer:
    """The page's comparisons: finished ones at once, else a preliminary answer first.

    status: an `st.empty()` slot where the wait is shown. Raises what a job raised.
    """
    shared, owner = service(), session_owner()
    done = [shared.finished(r.key) for r in requests]
    ready = [d for d in done if d is not None]
    if len(ready) == len(requests):
        shared.claim(owner, [r.key for r in requests])
        return Answer(ready, [r.key for r in requests], [])
    quick = [q for q in (r.preliminary for r in requests) if q is not None]
    shared.claim(owner, [r.key for r in [*requests, *quick]])
    full = [shared.submit(r.key, owner, r.work) for r in requests]
    first = [shared.submit(q.key, owner, q.work, urgent=True) for q in quick]
    label = f"Preliminary answer: {PRELIM_TRIALS:,} simulated plan years"
    if not first:  # nothing quicker to show: the full answer
        runs = _wait(full, status, _label(requests[0]), [])
        assert runs is not None  # without `better`, the jobs' own results
        return Answer(runs, [r.key for r in requests], [])
    runs = _wait(first, status, label, full)
    if runs is not None:  # the full ones finished first (shared with another session)
        return Answer(runs, [r.key for r in requests], [])
    return Answer([job.future.result() for job in first], [q.key for q in quick], full)


def drawn_charts(answer: Answer, runs: Sequence[Comparison], labels: list[str],
                 specs: list[PlanSpec], team: TeamSpec, large: bool, status: Any
                 ) -> dict[str, dict[str, Any]]:
    """The page's charts as Vega-Lite specs, built on a worker (`charts.page.page_specs`).

    runs: the answer's comparisons as shown (with the budget). Empty if it failed (the
    page then builds them itself).
    """
    key = "\n".join(["charts", *answer.keys, repr(labels), str(large), repr(runs[0].budget)])
    drawn: dict[str, dict[str, Any]] = on_worker(
        key, status, page_specs, list(runs), labels, specs, float(team.effort.minimum), large)
    return drawn


def on_worker(key: str, status: Any, fn: Callable[..., Any], *args: Any) -> Any:
    """`fn(*args)` on a worker, as an urgent job named `key`; {} if it failed.

    For drawing charts: a job like any other, so sessions showing the same thing share it,
    and urgent, as it is what the user waits for once the numbers are there.
    """
    def work(executor: Executor, progress: ProgressCallback) -> Any:
        return executor.submit(fn, *args).result()

    job = service().submit(key, session_owner(), work, urgent=True)
    try:
        _wait([job], status, "Drawing the charts", [])
        return job.future.result()
    except Exception:  # noqa: BLE001 - the caller draws it itself
        return {}


def refine(answer: Answer, requests: Sequence[Request], status: Any) -> None:
    """After a preliminary page: wait for the full comparisons, then rerun the page."""
    if not answer.refining:
        return
    try:
        _wait(answer.refining, status, _label(requests[0]), [])
    except Exception as error:  # noqa: BLE001 - the preliminary page stays
        status.error(f"The full simulation failed: {error}", icon=":material/error:")
        return
    status.empty()
    st.rerun()


def _label(request: Request) -> str:
    draws = (f" and {request.draws} behaviour-model draws"
             if request.draws and request.behavior != "static" else "")
    return f"Simulating {request.trials:,} plan years{draws}"


def _wait(jobs: Sequence[Job[Any]], status: Any, label: str,
          better: Sequence[Job[Any]]) -> list[Any] | None:
    """Wait for `jobs`, showing their progress; the results of `better` if they end first.

    Returns the results of `jobs` when `better` is empty, else None when `jobs` end first.
    Raises the first error a job raised.
    """
    futures = [job.future for job in jobs]
    sent: tuple[int, bool] | None = None  # the step and the state last sent
    last = 0.0
    while True:
        finished, _ = wait(futures, timeout=POLL_SECONDS, return_when=FIRST_EXCEPTION)
        for future in finished:
            future.result()  # raises a job's error
        if better and all(job.future.done() for job in better):
            return [job.future.result() for job in better]
        if len(finished) == len(futures):
            return None if better else [f.result() for f in futures]
        share, text = _progress(jobs, label)
        now = (int(share / SHOW_STEP), share > 0)
        if now != sent or time.monotonic() - last >= REFRESH_SECONDS:
            status.progress(min(share, 1.0), text=text)
            sent, last = now, time.monotonic()


def _progress(jobs: Sequence[Job[Any]], label: str) -> tuple[float, str]:
    """The jobs' share done and the line that says it (or where they wait)."""
    share = sum(job.share_done for job in jobs) / len(jobs)
    if share == 0:
        queued = service().fair.queued()
        return share, (f"{label}: waiting for a free core ({queued} tasks queued on the "
                       "server)" if queued else f"{label}: starting")
    return share, f"{label}: {share:.0%}"
