"""Where a sweep's or an optimiser's plans run: here, on local Dask workers, or a cluster.

`executor_for(workers, scheduler)` gives a `concurrent.futures.Executor` and how many
tasks to split the work into:

- ``--scheduler tcp://HOST:PORT``: a Dask client of that scheduler (`dask.distributed`);
  its workers may be on other machines (README, "Running on a Dask cluster");
- ``--workers N`` (N > 1) and no scheduler: a Dask `LocalCluster` of N worker processes
  of one thread each on this machine;
- neither: no executor; everything runs in this process.

A task is a group of plans (the reference first) with every block of trials, or one
behaviour-model draw of a group (`results.batch`); every block's luck is spawned from the
one `SeedSequence(seed)` by the block's number, so where a task runs changes nothing:
a cluster gives the same bytes as a local run (`tests/test_faces_cluster.py`).
dask is imported only when one of them is asked for.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager

from simulator.base.errors import InputError

WORKER_CONFIG = {"distributed.worker.profile.enabled": False}
"""Dask's sampling profiler holds the GIL every few milliseconds: with it on, a local
worker simulated 2-4x slower than this process (measured on 2 cores). Workers of a cluster
read their own configuration: start them with
``DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False`` (README)."""
TASKS_PER_WORKER = 1
"""Groups of plans per worker: each group also simulates the reference and solves the
team's anchoring, so more groups balance better but repeat that work."""


@contextmanager
def executor_for(workers: int, scheduler: str | None = None,
                 flag: str = "--scheduler") -> Iterator[tuple[Executor | None, int]]:
    """The executor (None: this process) and the number of task groups to split into.

    Raises InputError naming `flag` when dask is not installed or the scheduler cannot
    be reached. Workers and the client are closed on leaving.
    """
    if scheduler is None and workers <= 1:
        yield None, 1
        return
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError.single(flag, "", "needs dask: pip install 'dask[distributed]'"
                                ) from None
    cluster = None
    try:
        if scheduler is None:
            with dask.config.set(WORKER_CONFIG):  # the nanny hands it to the workers
                cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       dashboard_address=":0")
            client = Client(cluster)
        else:
            try:
                client = Client(scheduler, timeout="10s")
            except (OSError, TimeoutError, ValueError) as error:
                raise InputError.single(flag, scheduler,
                                        f"cannot reach the scheduler: {error}") from None
        try:
            threads = sum(client.nthreads().values()) or 1
            yield client.get_executor(), max(1, threads * TASKS_PER_WORKER)
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()
