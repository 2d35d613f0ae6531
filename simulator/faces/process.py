"""The command line's process plumbing: signals, a closed stdout and worker processes.

- SIGTERM and SIGINT end a command at once with 143 or 130 (128 + the signal), not a
  traceback: the handler raises `Stopped` in the main thread, `finally` blocks run (a
  half-written output's temporary file is removed) and the worker pool is ended.
- Workers never outlive the command: each one ignores SIGINT (the parent handles it),
  asks the kernel to send it SIGTERM when the parent dies (Linux), and watches its
  parent's pid as a fallback, so even a parent killed with SIGKILL leaves no orphans.
- A stdout closed by the reader (``compare ... | head``) ends the command quietly with
  141 (128 + SIGPIPE), as `cat` does, with nothing on stderr.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from types import FrameType

EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE
PARENT_POLL_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1


class Stopped(BaseException):  # noqa: N818 - a signal, not an error
    """The command was stopped by a signal; `code` is the exit code (128 + the signal)."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.code = 128 + signum


def _stop(signum: int, frame: FrameType | None) -> None:
    raise Stopped(signum)


@contextmanager
def signals_stop() -> Iterator[None]:
    """Within: SIGTERM and SIGINT raise `Stopped` (main thread only); then as they were."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {signum: signal.signal(signum, _stop) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


def quiet_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null so that the exit's flush is silent."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout has no file descriptor (a test's capture)
        pass


def _watch_parent(parent: int) -> None:
    """A worker's initializer: leave signals to the parent and die with it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(128 + signal.SIGTERM)

    if os.getppid() != parent:  # the parent is already gone
        os._exit(128 + signal.SIGTERM)
    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def worker_pool(workers: int, start: str | None = None) -> ProcessPoolExecutor:
    """A pool of `workers` processes that end with this one (see the module doc).

    start: the multiprocessing start method (None: the platform's; a server with threads
    needs "spawn").
    """
    context = multiprocessing.get_context(start) if start else None
    return ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=_watch_parent, initargs=(os.getpid(),))


def end_pool(executor: ProcessPoolExecutor, now: bool) -> None:
    """Shut a pool down: after its work (now=False), or at once, its workers ended."""
    if not now:
        executor.shutdown()
        return
    # the pool forgets its processes on shutdown: take them first (a private attribute of
    # ProcessPoolExecutor; Python 3.14 has terminate_workers() for this)
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=2)
