"""Load test of the app server: N browser sessions change a setting at the same instant.

    python scripts/load_test.py --sessions 10            # each session its own seed
    python scripts/load_test.py --sessions 10 --same     # every session the same seed

Starts `streamlit run app.py` on a loopback port, opens N sessions in Debian's Chromium
(Playwright, one browser, a context per session), waits until every page shows its first
comparison, then sets the seed in every session at the same instant. For each session it
reports the time until the page shows the preliminary answer (its caption names the new
seed and PRELIM_TRIALS plan years) and until it shows the full answer (the full trial
count, the script run over), and checks the reference plan's sales and payout cards
against a separate engine run with the session's own settings (no cross-talk). It
samples the server's memory (its own RSS, and the PSS of the server with its worker
processes) throughout.
The browsers run on the same machine as the server, so they share its cores.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from simulator.plan.spec import load_plan  # noqa: E402
from simulator.results.comparison import compare  # noqa: E402
from simulator.team.spec import load_team  # noqa: E402
from ui.cache import DRAW_TRIALS  # noqa: E402
from ui.format import cash  # noqa: E402
from ui.serving import PRELIM_TRIALS  # noqa: E402
from ui.sidebar import DEFAULT_PLANS, MODEL_DRAWS  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update"]
TIMEOUT_S = 600.0
POLL_S = 0.05
SETTLED_JS = """() => !document.querySelector('[data-testid="stStatusWidgetRunningIcon"]')
  && !document.querySelector('[data-stale="true"]')"""
STATE_JS = """([full, prelim]) => {
  const text = [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
    .map(e => e.innerText).join('|');
  const busy = document.querySelector('[data-testid="stStatusWidgetRunningIcon"]')
    || document.querySelector('[data-stale="true"]');
  if (text.includes(full) && !busy) return 'full';
  if (text.includes(prelim) || text.includes(full)) return 'shown';
  return '';
}"""


@dataclass
class Session:
    """One browser session's settings and timings (seconds from the change)."""

    seed: int
    first_load: float = 0.0
    preliminary: float = 0.0
    full: float = 0.0
    cards: list[str] = field(default_factory=list)


@dataclass
class LoadReport:
    """What a load run measured."""

    sessions: list[Session]
    same: bool
    trials: int
    draws: int
    peak_server_rss_mb: float
    peak_total_pss_mb: float
    cross_talk: list[str]
    cpu: tuple[float, float] = (0.0, 0.0)  # CPU seconds in the change: server, browsers

    def lines(self) -> list[str]:
        """The report as printed."""
        def spread(values: list[float]) -> str:
            return f"median {statistics.median(values):.2f} s, worst {max(values):.2f} s"

        s = self.sessions
        return [
            f"{len(s)} sessions, {'the same seed' if self.same else 'a seed each'}, "
            f"{self.trials:,} plan years, {self.draws} model draws",
            f"first page load:     {spread([x.first_load for x in s])}",
            f"preliminary answer:  {spread([x.preliminary for x in s])}",
            f"full answer:         {spread([x.full for x in s])}",
            f"CPU in the change:   server and its workers {self.cpu[0]:.1f} s, browsers "
            f"{self.cpu[1]:.1f} s ({psutil.cpu_count()} cores)",
            f"server memory peak:  {self.peak_server_rss_mb:.0f} MB RSS; with its workers "
            f"{self.peak_total_pss_mb:.0f} MB PSS",
            f"cross-talk:          {'none' if not self.cross_talk else self.cross_talk}",
        ]


class MemorySampler(threading.Thread):
    """Samples a process's RSS and, with its children, PSS until stopped."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.process, self.stop_event = psutil.Process(pid), threading.Event()
        self.peak_rss = self.peak_pss = 0.0

    def run(self) -> None:
        """Sample every quarter second until `stop_event` is set or the process ends."""
        while not self.stop_event.wait(0.25):
            try:
                self.peak_rss = max(self.peak_rss, self.process.memory_info().rss)
                pss = 0.0
                for proc in [self.process, *self.process.children(recursive=True)]:
                    try:
                        pss += proc.memory_full_info().pss
                    except (psutil.NoSuchProcess, psutil.AccessDenied):
                        pass
                self.peak_pss = max(self.peak_pss, pss)
            except psutil.NoSuchProcess:
                return


class CpuMeter:
    """CPU seconds of the server and of the browsers between `start` and `stop`.

    The server counts with its workers; the browsers are everything else this process
    started (Chromium and Playwright's driver).
    """

    def __init__(self, server_pid: int):
        self.server = psutil.Process(server_pid)
        self.begun = self.used = (0.0, 0.0)

    def _now(self) -> tuple[float, float]:
        def cpu(procs: list[psutil.Process]) -> float:
            total = 0.0
            for proc in procs:
                try:
                    times = proc.cpu_times()
                    total += times.user + times.system
                except psutil.Error:
                    pass
            return total

        server = [self.server, *self.server.children(recursive=True)]
        pids = {p.pid for p in server}
        others = [p for p in psutil.Process().children(recursive=True) if p.pid not in pids]
        return cpu(server), cpu(others)

    def start(self) -> None:
        """Mark the change's start."""
        self.begun = self._now()

    def stop(self) -> None:
        """Mark its end: `used` is (server, browsers) CPU seconds since `start`."""
        now = self._now()
        self.used = (now[0] - self.begun[0], now[1] - self.begun[1])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`streamlit run app.py` on a free loopback port, once it answers its health check."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT)
    url, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return process, url
        except OSError:
            time.sleep(0.25)
    process.kill()
    raise RuntimeError(f"streamlit did not start within 60 s; see {log}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """End the server (its workers watch it and end too)."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


async def _until(page: object, full: str, prelim: str, start: float,
                 session: Session | None) -> float:
    """Seconds from `start` until the page shows `full`, the run over.

    The first sight of either caption is recorded as the session's preliminary time.
    """
    deadline = start + TIMEOUT_S
    while time.monotonic() < deadline:
        state = await page.evaluate(STATE_JS, [full, prelim])  # type: ignore[attr-defined]
        now = time.monotonic() - start
        if state and session is not None and not session.preliminary:
            session.preliminary = now
        if state == "full":
            return now
        await asyncio.sleep(POLL_S)
    raise TimeoutError(f"no '{full}' within {TIMEOUT_S:.0f} s")


async def _set_number(page: object, name: str, value: int) -> None:
    """Type `value` into a number input and wait for the run it starts to end.

    A value typed while the page is still running can be overwritten by that run's
    widgets: it is typed again (up to five times) until the input keeps it.
    """
    box = page.get_by_role("spinbutton", name=name)  # type: ignore[attr-defined]
    for _ in range(5):
        await box.fill(str(value))
        await box.press("Enter")
        await page.wait_for_function(SETTLED_JS)  # type: ignore[attr-defined]
        if (await box.input_value()).replace(",", "") == str(value):
            return
    raise RuntimeError(f"the page did not keep {name} = {value}")


def _caption(trials: int, seed: int) -> str:
    return f"{trials:,} simulated plan years · seed {seed}"


async def drive(url: str, sessions: list[Session], trials: int, draws: int,
                meter: CpuMeter | None = None) -> None:
    """Open the sessions, settle their first page, then change every seed at once."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pages = []
        for _ in sessions:
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            context.set_default_timeout(TIMEOUT_S * 1000)
            pages.append(await context.new_page())

        async def open_page(page: object, session: Session) -> None:
            start = time.monotonic()
            await page.goto(url)  # type: ignore[attr-defined]
            if trials != 2000:
                await _set_number(page, "Simulated plan years", trials)
            if draws != MODEL_DRAWS:
                await _set_number(page, "Behaviour-model draws", draws)
            session.first_load = await _until(page, _caption(trials, 0), "\0", start, None)
            box = page.get_by_role("spinbutton", name="Seed")  # type: ignore[attr-defined]
            await box.fill(str(session.seed))

        await asyncio.gather(*(open_page(pg, s) for pg, s in zip(pages, sessions,
                                                                 strict=True)))
        if meter is not None:
            meter.start()
        start = time.monotonic()
        await asyncio.gather(*(pg.get_by_role("spinbutton", name="Seed").press("Enter")
                               for pg in pages))
        fulls = await asyncio.gather(*(
            _until(pg, _caption(trials, s.seed), _caption(PRELIM_TRIALS, s.seed), start, s)
            for pg, s in zip(pages, sessions, strict=True)))
        if meter is not None:
            meter.stop()
        for pg, s, full in zip(pages, sessions, fulls, strict=True):
            s.full = full
            s.cards = await pg.get_by_test_id("stMetricValue").all_inner_texts()
        await browser.close()


def cross_talk(sessions: list[Session], trials: int, draws: int) -> list[str]:
    """Sessions whose cards differ from a separate engine run of their settings.

    Compares the reference plan's expected sales and payout, as the cards print them.
    """
    plans = [load_plan(ROOT / "plans" / name) for name in DEFAULT_PLANS]
    team, wrong = load_team(), []
    runs = {}
    for s in sessions:
        if s.seed not in runs:
            runs[s.seed] = compare(plans, team, n_trials=trials, seed=s.seed,
                                   model_draws=draws, draw_trials=DRAW_TRIALS)
        ref = runs[s.seed].plans[0]
        expected = [cash(ref.sales.mean), cash(ref.payout.mean)]
        if not all(value in s.cards for value in expected):
            wrong.append(f"seed {s.seed}: page {s.cards}, engine {expected}")
    return wrong


def run_load(n: int, same: bool = False, trials: int = 2000, draws: int = MODEL_DRAWS,
             log: Path | None = None) -> LoadReport:
    """Start a server, drive `n` sessions, and report (the server is stopped after)."""
    log = log or ROOT / "artifacts" / "load-test-server.log"
    log.parent.mkdir(exist_ok=True)
    process, url = start_server(log)
    sampler = MemorySampler(process.pid)
    sampler.start()
    sessions = [Session(seed=1000 if same else 1000 + i) for i in range(n)]
    meter = CpuMeter(process.pid)
    try:
        asyncio.run(drive(url, sessions, trials, draws, meter))
    finally:
        sampler.stop_event.set()
        sampler.join()
        stop_server(process)
    return LoadReport(sessions, same, trials, draws, sampler.peak_rss / 2**20,
                      sampler.peak_pss / 2**20, cross_talk(sessions, trials, draws), meter.used)


def main() -> None:
    """Run the load test and print its report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--same", action="store_true",
                        help="every session sets the same seed (shared work)")
    parser.add_argument("--trials", type=int, default=2000)
    parser.add_argument("--draws", type=int, default=MODEL_DRAWS)
    args = parser.parse_args()
    report = run_load(args.sessions, args.same, args.trials, args.draws)
    print("\n".join(report.lines()))


if __name__ == "__main__":
    main()
