"""The load test in small: three browser sessions change a setting at the same instant.

Drives `scripts/load_test.py` (the server on a loopback port, Debian's Chromium through
Playwright): every session must see its preliminary answer, then its full one, and the
full one must equal a separate engine run of its own settings (no cross-talk). Times are
reported, not asserted (speed goals live in benchmarks and the README's load figures).
Skipped without /usr/bin/chromium, except under CI, where a missing browser fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import load_script

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
MAX_MEMORY_MB = 3000  # server and its two workers, with three sessions


def test_three_sessions_each_see_a_preliminary_then_their_own_full_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{CHROMIUM} is missing; the load test must run in CI")
        pytest.skip(f"{CHROMIUM} is missing")
    pytest.importorskip("playwright.async_api")
    load_test = load_script("load_test")
    report = load_test.run_load(3, same=False, trials=600, draws=2,  # type: ignore[attr-defined]
                                log=tmp_path / "server.log")
    with capsys.disabled():
        print("\n" + "\n".join(report.lines()))
    assert report.cross_talk == []
    for session in report.sessions:
        assert 0 < session.preliminary <= session.full, session
        assert len(session.cards) >= 4  # the reference card's four figures at least
    assert 0 < report.peak_total_pss_mb < MAX_MEMORY_MB
    server_cpu, browser_cpu = report.cpu  # the change's CPU, both sides measured
    assert server_cpu > 0 and browser_cpu > 0
