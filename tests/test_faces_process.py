"""Signals, a closed stdout and worker processes (simulator.faces.process), in real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import wait
from pathlib import Path

import pytest

from simulator.faces.process import end_pool, worker_pool

ROOT = Path(__file__).resolve().parent.parent
LINUX = sys.platform.startswith("linux")


def start(*argv: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "simulator", *argv], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def children(pid: int) -> set[int]:
    """The live child processes of `pid` (from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry.name))
    return found


def alive(pids: set[int]) -> set[int]:
    out = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.add(pid)
    return out


def wait_for_children(process: subprocess.Popen[str], count: int) -> set[int]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = children(process.pid)
        if len(found) >= count:
            return found
        assert process.poll() is None, process.communicate()
        time.sleep(0.1)
    pytest.fail("the workers never started")


@pytest.mark.skipif(not LINUX, reason="reads /proc")
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs two cores for --workers 2")
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143)])
def test_a_signal_ends_the_command_and_its_workers(signum: int, code: int) -> None:
    process = start("compare", "plans/baseline.yaml", "--trials", "200000", "--workers", "2")
    workers = wait_for_children(process, 2)
    time.sleep(0.5)  # the workers are busy with chunks
    process.send_signal(signum)
    _, err = process.communicate(timeout=30)
    assert process.returncode == code
    assert "Traceback" not in err
    deadline = time.monotonic() + 10
    while alive(workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(workers), "workers outlived the command"


@pytest.mark.skipif(not LINUX, reason="reads /proc")
def test_workers_die_with_a_parent_that_is_killed() -> None:
    """SIGKILL cannot be handled: the workers notice and end themselves."""
    process = start("compare", "plans/baseline.yaml", "--trials", "200000", "--workers", "2")
    workers = wait_for_children(process, 2)
    process.kill()
    process.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while alive(workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(workers)


@pytest.mark.parametrize("argv", [["team", "--json"]])
def test_a_closed_stdout_ends_quietly(argv: list[str]) -> None:
    """`... | head`: the reader goes away; the command ends with 141 and says nothing."""
    process = start(*argv)
    assert process.stdout is not None
    process.stdout.close()
    err = process.stderr.read() if process.stderr else ""
    process.wait(timeout=60)
    assert process.returncode == 141, err
    assert err == ""


def test_end_pool_now_ends_busy_workers() -> None:
    pool = worker_pool(1)
    future = pool.submit(time.sleep, 60)
    time.sleep(0.5)
    pids = set((getattr(pool, "_processes", None) or {}).keys())
    start_time = time.monotonic()
    end_pool(pool, now=True)
    assert time.monotonic() - start_time < 10
    wait([future], timeout=10)  # the pool's manager marks it broken, not finished
    assert future.done()
    if LINUX:
        assert not alive(pids)


def test_a_servers_pool_outlives_the_thread_that_made_it() -> None:
    import threading

    pools = []

    def first_run() -> None:  # a Streamlit script run: makes the pool, starts its worker
        pools.append(worker_pool(1, server=True))
        assert pools[0].submit(pow, 2, 10).result(timeout=60) == 1024

    maker = threading.Thread(target=first_run)
    maker.start()
    maker.join()  # the run's thread ends
    pool = pools[0]
    try:
        time.sleep(1.0)  # a worker tied to the ended thread would be gone by now
        assert pool.submit(pow, 3, 3).result(timeout=60) == 27
    finally:
        end_pool(pool, now=True)
