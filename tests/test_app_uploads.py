"""Bad uploads to the app: each class refused inline, the page keeps what it had (issue #10).

Plans, team files and history CSVs from the bad-input corpus (tests/bad_inputs) are
uploaded to the real app.py; each must show its problem, raise nothing, and leave the
cards, the chosen team and the uploaded plans as they were. Uploads are held to the
command line's size limits and parsed once per content.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from test_app import ROOT, start

CORPUS = ROOT / "tests" / "bad_inputs"
HISTORY_HEADER = b"rep_id,period,metric,actual,quota\n"

UPLOADS = [  # one of each class through the page; every corpus file through the calls below
    ("plan_uploads", "plans/octal.yaml", "pay.target_incentive: '060000' has a leading zero"),
    ("team_upload", "teams/reps_100000.yaml", "reps: must be between 1 and 40,000, not 100,000"),
    ("history_upload", "history/multiline_quoted.csv", "line 4: actual 'x' is not a number"),
]


def page(at: AppTest) -> tuple[list[Any], Any, list[Any]]:
    """What must not change: the cards, the chosen team, the plans compared."""
    return ([m.value for m in at.metric], at.selectbox(key="team_file").value,
            list(at.dataframe[0].value["plan"]))


def upload(at: AppTest, key: str, name: str, data: bytes) -> AppTest:
    mime = "text/csv" if name.endswith(".csv") else "text/yaml"
    at.file_uploader(key=key).set_value((name, data, mime))
    return at.run()


def errors(at: AppTest) -> str:
    return " ".join(e.value for e in at.error)


def test_every_class_of_bad_upload_is_refused_and_the_page_keeps_its_results(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.cache

    calls: list[str] = []
    real = ui.cache.plan_from_text

    def counting(text: str, source: str) -> Any:
        calls.append(source)
        return real(text, source)

    monkeypatch.setattr(ui.cache, "plan_from_text", counting)
    at = start(plan_files=["baseline.yaml"], model_draws=0, trials=100, behaviour="static")
    before = page(at)
    cases = [(key, Path(rel).name, (CORPUS / rel).read_bytes(), fragment)
             for key, rel, fragment in UPLOADS]
    cases.append(("team_upload", "big_team.yaml", b"name: x\n#" + b"x" * 1_000_000 + b"\n",
                  "big_team.yaml: file is larger than 1,000,000 bytes"))
    for key, name, data, fragment in cases:
        upload(at, key, name, data)
        assert not at.exception, (name, at.exception)
        assert fragment in errors(at), (name, errors(at))
        assert page(at) == before, name

    # a plan is parsed once per content, not on every interaction
    name = f"mine-{uuid.uuid4().hex}.yaml"
    text = (ROOT / "plans" / "capped.yaml").read_text(encoding="utf-8").replace(
        "Capped, low quota", f"Mine {uuid.uuid4().hex[:8]}")
    at.file_uploader(key="plan_uploads").set_value((name, text.encode(), "text/yaml"))
    at.run()
    assert not at.exception
    at.number_input(key="budget").set_value(3_000_000.0).run()
    assert calls.count(name) == 1


def corpus(kind: str) -> list[tuple[Path, str]]:
    """The corpus files of one kind with their expected problems (tests/bad_inputs/EXPECTED)."""
    out = []
    for line in (CORPUS / "EXPECTED").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{kind}/"):
            rel, fragment = line.split("\t", 1)
            out.append((CORPUS / rel, fragment))
    return out


def test_the_upload_paths_refuse_every_corpus_file() -> None:
    """What the sidebar calls with an upload's bytes refuses each file as the CLI does."""
    from simulator.base.errors import InputError
    from ui.cache import calibrate_history, parse_plan, parse_team

    for path, fragment in corpus("plans"):
        spec, error = parse_plan(path.read_bytes(), path.name)
        assert spec is None and f"{path.name}: {fragment}" in error, (path, error)
    for path, fragment in corpus("teams"):
        if path.name.startswith("incumbent_missing"):
            continue  # an upload names plans inside plans/ only: refused, with other words
        team, _, error = parse_team(path.read_bytes(), path.name)
        assert team is None and f"{path.name}: {fragment}" in error, (path, error)
    for path, fragment in corpus("history"):
        with pytest.raises(InputError) as caught:
            calibrate_history(path.read_bytes(), path.name)
        assert f"{path.name}: {fragment}" in str(caught.value), path


def test_an_oversized_history_is_refused_before_it_is_read(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    """The CLI's 50 MB limit holds for uploads too (the parser never sees the file)."""
    import ui.cache

    monkeypatch.setattr(ui.cache, "MAX_CSV_BYTES", 1_000)
    monkeypatch.setattr(ui.cache, "parse_history",
                        lambda *a: pytest.fail("parsed an oversized history"))
    fitted = ui.cache.calibrate_history
    fitted.clear()
    with pytest.raises(Exception, match="file is larger than 1,000 bytes"):
        fitted(HISTORY_HEADER + b"R1,2024-01,revenue,1,\n" * 100, "big.csv")
