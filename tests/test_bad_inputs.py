"""Every bad input is rejected cleanly by every command that takes it (issue #10).

The corpus is tests/bad_inputs/: small files by kind (plans, teams, actuals, history), each
named with the problem it must be rejected with in EXPECTED, and `generate.py` for the
large ones and the paths that are not regular files. Every file goes through every command
that reads its kind: each must exit 2 with the file's problem (its field or line) on
stderr, every stderr line starting with the file's name (no forged lines), no traceback,
nothing on stdout, and an existing output file left exactly as it was.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from simulator.faces.cli import EXIT_BAD_INPUT, main

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "bad_inputs"
sys.path.insert(0, str(CORPUS))
from generate import large_inputs, special_paths  # noqa: E402

GOOD_PLAN = ROOT / "plans" / "baseline.yaml"
GOOD_ACTUALS = ROOT / "plans" / "examples" / "actuals_baseline.csv"
GOOD_HISTORY = CORPUS / "good_history.csv"
OUTPUT_TEXT = b"what was here before\n"


def expected() -> list[tuple[str, Path, str]]:
    """(kind, path, fragment) of every small corpus file, from EXPECTED."""
    out = []
    for line in (CORPUS / "EXPECTED").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            rel, fragment = line.split("\t", 1)
            out.append((rel.split("/")[0], CORPUS / rel, fragment))
    return out


def commands(kind: str, path: Path, out: Path) -> list[list[str]]:
    """Every command line that reads a file of this kind (`out`: an output file)."""
    p, team_out = str(path), str(out.with_suffix(".yaml"))
    return {
        "plans": [["validate", p], ["payout", p, str(GOOD_ACTUALS), "-o", str(out)],
                  ["compare", str(GOOD_PLAN), p, "--trials", "16", "--json"],
                  ["health", p, "--trials", "16", "--json"],
                  ["calibrate", str(GOOD_HISTORY), "--plan", p, "-o", team_out],
                  ["sweep", p, "--vary", "announce_day=0,1", "--trials", "16", "-o", str(out)],
                  ["optimize", p, "--lever", "announce_day=0:2", "--budget-p90", "1",
                   "--trials", "16", "-o", team_out]],
        "teams": [["team", "--team", p], ["team", "--team", p, "--json"],
                  ["compare", str(GOOD_PLAN), "--team", p, "--trials", "16"],
                  ["health", str(GOOD_PLAN), "--team", p, "--trials", "16"],
                  ["calibrate", str(GOOD_HISTORY), "--base", p, "-o", team_out],
                  ["sweep", str(GOOD_PLAN), "--team", p, "--vary", "announce_day=0,1",
                   "--trials", "16", "-o", str(out)]],
        "actuals": [["payout", str(GOOD_PLAN), p], ["payout", str(GOOD_PLAN), p, "-o", str(out)]],
        "history": [["calibrate", p], ["calibrate", p, "--json", "-o", team_out]],
    }[kind]


def outputs(folder: Path) -> list[Path]:
    """Output files that already exist, with content and permissions to keep."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for name in ("out.csv", "out.yaml"):
        path = folder / name
        path.write_bytes(OUTPUT_TEXT)
        path.chmod(0o640)
        made.append(path)
    return made


def assert_rejected(capsys: pytest.CaptureFixture[str], argv: list[str], path: Path,
                    fragment: str, kept: list[Path]) -> None:
    code = main(argv)
    out, err = capsys.readouterr()
    shown = f"{' '.join(argv)}\n{err}"
    assert code == EXIT_BAD_INPUT, shown
    assert out == "", shown
    assert "Traceback" not in err, shown
    assert f"{path}: {fragment}" in err, shown
    assert all(line.startswith(f"{path}: ") for line in err.splitlines()), shown
    assert len(err.splitlines()) <= 51, shown
    for output in kept:
        assert output.read_bytes() == OUTPUT_TEXT, (shown, output)
        assert stat.S_IMODE(output.stat().st_mode) == 0o640, (shown, output)
    assert sorted(p.name for p in kept[0].parent.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize(("kind", "path", "fragment"), expected(),
                         ids=[f"{k}/{p.name}" for k, p, _ in expected()])
def test_every_corpus_file_is_rejected_by_every_command(
        kind: str, path: Path, fragment: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    kept = outputs(tmp_path)
    for argv in commands(kind, path, kept[0]):
        assert_rejected(capsys, argv, path, fragment, kept)


def test_large_inputs_are_rejected_by_every_command(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kept = outputs(tmp_path / "out")
    for kind, path, fragment in large_inputs(tmp_path / "large"):
        for argv in commands(kind, path, kept[0]):
            assert_rejected(capsys, argv, path, fragment, kept)


def test_paths_that_are_not_regular_files_are_refused_before_reading(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A FIFO would wait forever and /dev/zero never end: both refused before opening."""
    kept = outputs(tmp_path / "out")
    for path, fragment in special_paths(tmp_path / "special"):
        for kind in ("plans", "teams", "actuals", "history"):
            for argv in commands(kind, path, kept[0]):
                assert_rejected(capsys, argv, path, fragment, kept)


def test_the_corpus_covers_every_class_of_the_issue() -> None:
    names = {p.name for _, p, _ in expected()}
    for needed in ("tag_int.yaml", "tag_float.yaml", "tag_bool.yaml", "tag_timestamp.yaml",
                   "set_key.yaml", "quota_400_zeros.yaml", "octal.yaml", "sexagesimal.yaml",
                   "anchor_no_alias.yaml", "money_1e308.yaml", "quota_tiny.yaml",
                   "curve_payout_1e300.yaml", "name_newline.yaml", "name_escape.yaml",
                   "multiline_quoted.csv", "duplicate_actual_column.csv", "measure_case.csv",
                   "rep_seed_negative.yaml", "reps_100000.yaml", "dot_exponent.csv",
                   "decimal_comma.csv", "product_share_zero.yaml", "task_share_zero.yaml",
                   "tasks_90.yaml"):
        assert needed in names, needed
    assert os.path.exists(GOOD_HISTORY)
