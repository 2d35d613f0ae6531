"""One server's simulations for many users: a fair, shared pool and jobs computed once.

The app serves a whole team from one process. Every session's comparison runs here:

- **One pool of worker processes** for the server (`FairPool`), sized to the cores. A job
  does not submit to it directly: it gets a `Lane`, an `Executor` whose tasks wait in the
  pool's queue until a worker is free. The queue hands out tasks urgent first (a
  preliminary answer), then in turn between owners (sessions), so one user's 10,000-trial
  run or model draws cannot starve the others. At most one task per worker is in the
  process pool at a time, so a new urgent task waits for one task, never for a backlog.
- **Jobs computed once** (`Service`): a job is named by a key that holds everything its
  result depends on (the plans' and team's JSON, the settings). Two sessions asking for
  the same key share one job and one result; finished results are kept (the last
  `keep`), so asking again costs nothing.
- **Superseded work is cancelled**: `claim(owner, keys)` says which jobs a session still
  wants; a job nobody wants any more has its waiting tasks cancelled and ends.

Results do not depend on any of this: a job's tasks carry their own seeds (the engine's
blocks), so a job run alone, shared, or interleaved with others gives the same bytes.
"""

from __future__ import annotations

import functools
import itertools
import os
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from concurrent.futures import CancelledError, Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from simulator.faces.process import end_pool, worker_pool

T = TypeVar("T")

KEEP_RESULTS = 32
"""Finished results the service keeps (a comparison is a few MB at most: no per-rep arrays)."""

MAX_JOBS_PER_OWNER = 6
"""Jobs one session may have running or queued; past it, its oldest are cancelled."""


@dataclass
class _Task:
    future: Future[Any]
    fn: Callable[..., Any]
    args: tuple[Any, ...]


class FairPool:
    """A process pool shared by many owners: urgent tasks first, then owners in turn.

    `lane(owner, urgent)` gives the Executor a job submits to. `pool` is any Executor
    (a process pool in the app, threads in tests); `workers` tasks at most are handed to
    it at once. owns_pool: `close()` also ends the pool (its processes at once).
    """

    def __init__(self, pool: Executor, workers: int, owns_pool: bool = False):
        self.pool, self.workers, self.owns_pool = pool, workers, owns_pool
        self._lock = threading.Condition()
        # urgency (0 first) -> owner -> tasks in order; an owner moves to the back once served
        self._queues: dict[int, OrderedDict[str, deque[_Task]]] = {0: OrderedDict(),
                                                                    1: OrderedDict()}
        self._running = 0
        self._closed = False
        self._thread = threading.Thread(target=self._dispatch, name="fair-pool", daemon=True)
        self._thread.start()

    def lane(self, owner: str, urgent: bool = False) -> Lane:
        """An Executor whose tasks queue here for `owner` (urgent: ahead of the rest)."""
        return Lane(self, owner, 0 if urgent else 1)

    def queued(self) -> int:
        """Tasks waiting for a worker (cancelled ones may still be counted until skipped)."""
        with self._lock:
            return sum(len(q) for queues in self._queues.values() for q in queues.values())

    def _put(self, urgency: int, owner: str, task: _Task) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError("the pool is closed")
            self._queues[urgency].setdefault(owner, deque()).append(task)
            self._lock.notify_all()

    def _next(self) -> _Task | None:
        """The next task to run (lock held): the most urgent queue, its first owner."""
        for queues in self._queues.values():
            while queues:
                owner, tasks = next(iter(queues.items()))
                task = tasks.popleft()
                if tasks:
                    queues.move_to_end(owner)  # the others' turn next
                else:
                    del queues[owner]
                if task.future.set_running_or_notify_cancel():
                    return task
        return None

    def _dispatch(self) -> None:
        while True:
            with self._lock:
                task = None
                while not self._closed:
                    if self._running < self.workers:
                        task = self._next()
                        if task is not None:
                            break
                    self._lock.wait()
                if task is None:
                    return
                self._running += 1
            try:
                inner = self.pool.submit(task.fn, *task.args)
            except BaseException as error:  # noqa: BLE001 - the task's owner gets it
                task.future.set_exception(error)
                self._finished()
                continue
            inner.add_done_callback(functools.partial(self._relay, outer=task.future))

    def _relay(self, inner: Future[Any], outer: Future[Any]) -> None:
        if inner.cancelled():
            outer.set_exception(CancelledError())
        elif inner.exception() is not None:
            outer.set_exception(inner.exception())  # type: ignore[arg-type]
        else:
            outer.set_result(inner.result())
        self._finished()

    def _finished(self) -> None:
        with self._lock:
            self._running -= 1
            self._lock.notify_all()

    def close(self) -> None:
        """Cancel what waits and stop dispatching; end the pool if it is this one's."""
        with self._lock:
            self._closed = True
            for queues in self._queues.values():
                for tasks in queues.values():
                    for task in tasks:
                        task.future.cancel()
                queues.clear()
            self._lock.notify_all()
        if self.owns_pool:
            if isinstance(self.pool, ProcessPoolExecutor):
                end_pool(self.pool, now=True)
            else:
                self.pool.shutdown(wait=False, cancel_futures=True)


class Lane(Executor):
    """One job's way into a FairPool: `submit` queues the task for its owner.

    `_max_workers` is the pool's, so the engine splits a job's trials for every worker.
    `cancel()` cancels the tasks that have not started.
    """

    def __init__(self, fair: FairPool, owner: str, urgency: int):
        self._fair, self._owner, self._urgency = fair, owner, urgency
        self._max_workers = fair.workers
        self._futures: list[Future[Any]] = []
        self._cancelled = False

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        """Queue `fn(*args)` for a free worker (CancelledError once the lane is cancelled)."""
        if kwargs:
            raise TypeError("a Lane's tasks take positional arguments only")
        if self._cancelled:
            raise CancelledError()
        future: Future[T] = Future()
        self._futures.append(future)
        self._fair._put(self._urgency, self._owner, _Task(future, fn, args))
        return future

    def cancel(self) -> None:
        """Cancel this lane's waiting tasks; running ones finish and are ignored."""
        self._cancelled = True
        for future in self._futures:
            future.cancel()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Nothing to shut (the pool is shared); cancel_futures cancels the waiting tasks."""
        if cancel_futures:
            self.cancel()


ProgressCallback = Callable[[int, int], None]
Work = Callable[[Executor, ProgressCallback], T]
"""A job's work: given its lane and a progress callback (done, total), the result."""


@dataclass
class Job(Generic[T]):
    """One request's computation, shared by every owner that asked for it."""

    key: str
    lane: Lane
    future: Future[T] = field(default_factory=Future)
    owners: set[str] = field(default_factory=set)
    done: int = 0
    total: int = 0
    number: int = 0  # the order jobs were made in (oldest first)

    def progress(self, done: int, total: int) -> None:
        """The job's progress callback: `done` of `total` units of work finished."""
        self.done, self.total = done, total

    @property
    def share_done(self) -> float:
        """The share of its work finished (0 before its first task ends)."""
        return self.done / self.total if self.total else 0.0


class Service:
    """Jobs on a FairPool: each key computed once, kept when done, cancelled when unwanted."""

    def __init__(self, fair: FairPool, keep: int = KEEP_RESULTS):
        self.fair, self.keep = fair, keep
        self._lock = threading.Lock()
        self._jobs: dict[str, Job[Any]] = {}
        self._results: OrderedDict[str, Any] = OrderedDict()
        self._numbers = itertools.count()

    def finished(self, key: str) -> Any | None:
        """The result of a finished job named `key` (None if none is kept)."""
        with self._lock:
            if key in self._results:
                self._results.move_to_end(key)
                return self._results[key]
            return None

    def submit(self, key: str, owner: str, work: Work[T], urgent: bool = False) -> Job[T]:
        """The job named `key` for `owner`: a finished one, the one running, or a new one."""
        with self._lock:
            job = self._jobs.get(key)
            if job is None:
                job = Job(key, self.fair.lane(owner, urgent), number=next(self._numbers))
                if key in self._results:
                    job.future.set_result(self._results[key])
                else:
                    self._jobs[key] = job
                    threading.Thread(target=self._run, args=(job, work), daemon=True,
                                     name=f"job-{job.number}").start()
            job.owners.add(owner)
            mine = sorted((j for j in self._jobs.values() if owner in j.owners),
                          key=lambda j: j.number)
        for old in mine[:-MAX_JOBS_PER_OWNER]:
            self._drop(old, owner)
        return job

    def claim(self, owner: str, keys: Iterable[str]) -> None:
        """`owner` wants these jobs only: it lets go of the others (unwanted ones end)."""
        wanted = set(keys)
        with self._lock:
            others = [j for j in self._jobs.values() if owner in j.owners and j.key not in wanted]
        for job in others:
            self._drop(job, owner)

    def close(self) -> None:
        """Cancel every job's waiting tasks and end the pool (when the server stops)."""
        self.fair.close()

    def running(self) -> int:
        """Jobs running or waiting."""
        with self._lock:
            return len(self._jobs)

    def _drop(self, job: Job[Any], owner: str) -> None:
        with self._lock:
            job.owners.discard(owner)
            if job.owners:
                return
            self._jobs.pop(job.key, None)
        job.lane.cancel()

    def _run(self, job: Job[T], work: Work[T]) -> None:
        try:
            result = work(job.lane, job.progress)
        except BaseException as error:  # noqa: BLE001 - every waiting owner gets it
            with self._lock:
                if self._jobs.get(job.key) is job:
                    del self._jobs[job.key]
            job.future.set_exception(error)
            return
        with self._lock:
            if self._jobs.get(job.key) is job:
                del self._jobs[job.key]
            self._results[job.key] = result
            self._results.move_to_end(job.key)
            while len(self._results) > self.keep:
                self._results.popitem(last=False)
        job.future.set_result(result)


def server_service(workers: int | None = None) -> Service:
    """The app server's service on a pool of worker processes (one per core).

    `close()` it to cancel what waits and end the worker processes.
    """
    n = workers or os.cpu_count() or 1
    fair = FairPool(worker_pool(n, server=True), n, owns_pool=True)
    warm = fair.lane("warm-up", urgent=True)  # counted as running, so jobs queue in turn
    for _ in range(n):  # start every worker now, each loading the engine and the charts
        warm.submit(_warm)
    return Service(fair)


def _warm() -> int:
    """A worker's first task: import what the jobs run, before the first job needs it."""
    import simulator.model.engine
    import simulator.results.charts.page  # noqa: F401

    return os.getpid()
