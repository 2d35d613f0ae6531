"""The server's shared service: fair dispatch, jobs computed once, superseded work cancelled."""

from __future__ import annotations

import threading
from concurrent.futures import CancelledError, Executor, ThreadPoolExecutor
from typing import Any

import pytest

from simulator.faces.service import FairPool, Service
from simulator.plan.spec import PlanSpec
from simulator.results.comparison import compare
from simulator.team.spec import TeamSpec

WAIT = 60


@pytest.fixture
def one_worker() -> Any:
    """A FairPool of one thread, so tasks run strictly one after another."""
    fair = FairPool(ThreadPoolExecutor(1), 1, owns_pool=True)
    yield fair
    fair.close()


def _blocker(fair: FairPool) -> threading.Event:
    """Occupy the pool's one worker until the returned event is set."""
    release, started = threading.Event(), threading.Event()

    def block() -> None:
        started.set()
        release.wait(WAIT)

    fair.lane("blocker").submit(block)
    assert started.wait(WAIT)
    return release


def test_urgent_tasks_go_first_then_owners_take_turns(one_worker: FairPool) -> None:
    release = _blocker(one_worker)
    order: list[str] = []
    a, b = one_worker.lane("a"), one_worker.lane("b")
    futures = [a.submit(order.append, name) for name in ("a1", "a2", "a3")]
    futures.append(b.submit(order.append, "b1"))
    futures.append(one_worker.lane("c", urgent=True).submit(order.append, "urgent"))
    assert one_worker.queued() == 5
    release.set()
    for future in futures:
        future.result(WAIT)
    # the preliminary task jumps the queue; then a and b alternate, a's own order kept
    assert order == ["urgent", "a1", "b1", "a2", "a3"]


def test_a_cancelled_lane_runs_none_of_its_waiting_tasks(one_worker: FairPool) -> None:
    release = _blocker(one_worker)
    ran: list[int] = []
    lane, other = one_worker.lane("a"), one_worker.lane("b")
    mine = [lane.submit(ran.append, i) for i in range(3)]
    theirs = other.submit(ran.append, 99)
    lane.cancel()
    release.set()
    theirs.result(WAIT)
    assert ran == [99] and all(f.cancelled() for f in mine)
    with pytest.raises(CancelledError):
        lane.submit(ran.append, 4)


def test_a_pool_never_holds_more_tasks_than_workers() -> None:
    pool = ThreadPoolExecutor(4)  # more threads than the fair pool may use
    fair = FairPool(pool, 2, owns_pool=True)
    lock, running, most = threading.Lock(), [0], [0]

    def task() -> None:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        threading.Event().wait(0.02)
        with lock:
            running[0] -= 1

    futures = [fair.lane(f"owner{i % 3}").submit(task) for i in range(12)]
    for future in futures:
        future.result(WAIT)
    fair.close()
    assert most[0] == 2


def test_errors_reach_the_task_that_raised_them(one_worker: FairPool) -> None:
    future = one_worker.lane("a").submit(int, "not a number")
    with pytest.raises(ValueError, match="invalid literal"):
        future.result(WAIT)
    assert one_worker.lane("a").submit(int, "7").result(WAIT) == 7  # the pool goes on


def _gated_work(gate: threading.Event, calls: list[str]) -> Any:
    def work(executor: Executor, progress: Any) -> str:
        calls.append("run")
        gate.wait(WAIT)
        progress(1, 1)
        return executor.submit(str.upper, "done").result(WAIT)

    return work


def test_one_job_per_key_shared_by_sessions_and_kept_when_done(one_worker: FairPool) -> None:
    service, gate, calls = Service(one_worker, keep=2), threading.Event(), []
    first = service.submit("k", "a", _gated_work(gate, calls))
    second = service.submit("k", "b", _gated_work(gate, calls))
    assert second is first and first.owners == {"a", "b"} and service.running() == 1
    gate.set()
    assert first.future.result(WAIT) == "DONE" and calls == ["run"]
    assert service.finished("k") == "DONE" and service.running() == 0
    assert service.submit("k", "c", _gated_work(gate, calls)).future.result(WAIT) == "DONE"
    assert calls == ["run"]
    for key in ("x", "y"):  # only the last `keep` results are kept
        service.submit(key, "a", _gated_work(gate, calls)).future.result(WAIT)
    assert service.finished("k") is None and service.finished("y") == "DONE"


def test_a_job_nobody_wants_is_cancelled_and_a_shared_one_goes_on(one_worker: FairPool) -> None:
    release = _blocker(one_worker)  # the jobs' tasks wait behind it
    service = Service(one_worker)

    def work(executor: Executor, progress: Any) -> list[int]:
        return list(executor.map(abs, [-1, -2, -3]))

    mine = service.submit("old", "a", work)
    shared = service.submit("shared", "a", work)
    service.submit("shared", "b", work)
    service.claim("a", ["new"])  # session a changed its settings
    release.set()
    with pytest.raises(CancelledError):
        mine.future.result(WAIT)
    assert shared.future.result(WAIT) == [1, 2, 3] and shared.owners == {"b"}
    assert service.finished("old") is None


def test_a_jobs_error_reaches_every_session_and_is_not_kept(one_worker: FairPool) -> None:
    service = Service(one_worker)

    def failing(executor: Executor, progress: Any) -> None:
        raise ValueError("the engine failed")

    job = service.submit("bad", "a", failing)
    with pytest.raises(ValueError, match="the engine failed"):
        job.future.result(WAIT)
    assert service.finished("bad") is None and service.running() == 0


def test_interleaved_comparisons_equal_their_separate_runs(
    baseline: PlanSpec, team: TeamSpec,
) -> None:
    """No cross-talk: two sessions' comparisons, interleaved on one pool, as if run alone."""
    small = team.model_copy(update={"reps": 12})
    fair = FairPool(ThreadPoolExecutor(2), 2, owns_pool=True)
    service = Service(fair)
    settings = {"a": (101, "adaptive"), "b": (202, "static")}
    jobs = {
        owner: service.submit(owner, owner, lambda ex, progress, seed=seed, mode=mode: compare(
            [baseline], small, n_trials=96, seed=seed, behavior=mode, chunk_trials=16,
            executor=ex, progress=progress))
        for owner, (seed, mode) in settings.items()
    }
    for owner, (seed, mode) in settings.items():
        alone = compare([baseline], small, n_trials=96, seed=seed, behavior=mode)  # type: ignore[arg-type]
        assert jobs[owner].future.result(WAIT).to_dict() == alone.to_dict()
        assert jobs[owner].share_done == 1.0
    fair.close()
