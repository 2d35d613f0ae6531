"""Files users open in spreadsheets (simulator.results.export): no formulas, never half-written."""

from __future__ import annotations

import csv
import io
import os
import stat
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.results.export import (
    csv_bytes,
    excel_bytes,
    safe_cell,
    safe_frame,
    write_atomically,
)


@pytest.mark.parametrize(
    ("value", "safe"),
    [("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"), ("+1", "'+1"),
     ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("R001", "R001"),
     ("", ""), (5, 5), (-1.5, -1.5), (Decimal("-1"), Decimal("-1"))],
)
def test_safe_cell(value: object, safe: object) -> None:
    assert safe_cell(value) == safe


def test_csv_bytes_neutralises_formulas_in_cells_and_headers() -> None:
    frame = pd.DataFrame({"rep_id": ["=1+1", "R2"], "=cmd": ["@SUM(A1)", "ok"], "pay": [1.5, -2]})
    rows = list(csv.reader(io.StringIO(csv_bytes(frame).decode())))
    assert rows == [["rep_id", "'=cmd", "pay"], ["'=1+1", "'@SUM(A1)", "1.5"], ["R2", "ok", "-2.0"]]
    assert list(frame["rep_id"]) == ["=1+1", "R2"]  # the original is untouched
    assert list(safe_frame(frame).columns) == ["rep_id", "'=cmd", "pay"]


def test_write_atomically(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    write_atomically(target, b"one")
    write_atomically(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temporary left over
    with pytest.raises(OSError):
        write_atomically(tmp_path / "missing" / "out.csv", b"x")
    with pytest.raises(OSError):
        write_atomically(tmp_path, b"x")  # a directory
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


@given(st.text(max_size=20))
def test_a_safe_cell_never_starts_a_formula_and_keeps_its_text(text: str) -> None:
    safe = safe_cell(text)
    assert isinstance(safe, str)
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert safe in (text, "'" + text)


def test_write_atomically_leaves_no_temporary_when_the_rename_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"previous")

    def refuse(src: str, dst: str) -> None:
        raise PermissionError("locked by a spreadsheet")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError):
        write_atomically(target, b"new")
    assert target.read_bytes() == b"previous"  # untouched
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_write_atomically_leaves_no_temporary_when_interrupted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.csv"

    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, b"new")
    assert list(tmp_path.iterdir()) == []


def test_excel_bytes_round_trip_with_formulas_neutralised() -> None:
    frame = pd.DataFrame({"rep_id": ["=1+1", "R2"], "pay": [1.5, -2.0]})
    long_name = "A sheet name longer than thirty-one characters"
    data = excel_bytes({"Payouts": frame, long_name: frame.head(1)})
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None)
    assert list(sheets) == ["Payouts", long_name[:31]]
    assert sheets["Payouts"]["rep_id"].tolist() == ["'=1+1", "R2"]
    assert sheets["Payouts"]["pay"].tolist() == [1.5, -2.0]
    assert list(frame["rep_id"]) == ["=1+1", "R2"]  # the original is untouched


# --------------------------------------------------------------------------- output targets


def test_a_new_file_gets_the_users_umask_not_0600(tmp_path: Path) -> None:
    """Colleagues on a shared drive can open it, as a shell's `>` would allow."""
    before = os.umask(0o022)
    try:
        write_atomically(tmp_path / "new.csv", b"x")
        os.umask(0o002)
        write_atomically(tmp_path / "group.csv", b"x")
    finally:
        os.umask(before)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "group.csv").stat().st_mode) == 0o664


def test_a_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")
    target.chmod(0o640)
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "results" / "2026-11.csv"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "latest.csv"
    link.symlink_to(real)
    write_atomically(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"
    assert sorted(p.name for p in real.parent.iterdir()) == ["2026-11.csv"]


@pytest.mark.parametrize(("make", "message"), [
    (lambda d: d, "is a directory, not a file"),
    (lambda d: (os.mkfifo(d / "fifo"), d / "fifo")[1],
     "is a FIFO (named pipe), not a regular file"),
    (lambda d: Path("/dev/null"), "is a device, not a regular file"),
    (lambda d: ((d / "dangling").symlink_to(d / "nowhere"), d / "dangling")[1],
     "is a symbolic link to a missing file"),
    (lambda d: ((d / "to_dev").symlink_to("/dev/null"), d / "to_dev")[1],
     "is a device, not a regular file"),
])
def test_what_is_not_a_regular_file_is_refused_and_left_alone(
        tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    target = make(tmp_path)
    before = os.lstat(target)
    with pytest.raises(OSError) as caught:
        write_atomically(target, b"x")
    assert caught.value.strerror == message
    after = os.lstat(target)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write a read-only file")
def test_a_read_only_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"keep")
    target.chmod(0o444)
    with pytest.raises(PermissionError):
        write_atomically(target, b"x")
    assert target.read_bytes() == b"keep"
