"""Reading a file from disk (`read_text_file`) or from an upload's bytes (`decode_text`):
one clear error when it cannot be read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from simulator.base.errors import InputError
from simulator.base.files import PLANS_DIR, decode_text, read_text_file


def test_reads_utf8_and_drops_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes("\ufeffcafé\n".encode())
    assert read_text_file(path, 100) == "café\n"


@pytest.mark.parametrize(("make", "message"), [
    (lambda d: d / "nope.yaml", "file not found"),
    (lambda d: d, "is a directory, not a file"),
])
def test_missing_file_and_directory(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    with pytest.raises(InputError) as caught:
        read_text_file(path, 1_000_000)
    assert str(caught.value) == f"{path}: {message}"


def test_a_directory_is_named_a_directory_whatever_the_limit(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_text_file(tmp_path, 100)
    assert str(caught.value) == f"{tmp_path}: is a directory, not a file"


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "b.yaml"
    path.write_bytes(b"name: \xff\xfe\n")
    with pytest.raises(InputError) as caught:
        read_text_file(path, 100)
    assert str(caught.value) == f"{path}: file is not UTF-8 text"


def test_size_limit_in_bytes(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"x" * 10)
    assert read_text_file(path, 10) == "x" * 10
    with pytest.raises(InputError) as caught:
        read_text_file(path, 9)
    assert str(caught.value) == f"{path}: file is larger than 9 bytes"


def test_the_shipped_plans_are_found() -> None:
    assert (PLANS_DIR / "baseline.yaml").is_file()
    assert (PLANS_DIR / "teams" / "default.yaml").is_file()



def test_decode_text_reads_utf8_and_drops_a_byte_order_mark() -> None:
    assert decode_text("name: Plan à 70%\n".encode(), "plan.yaml") == "name: Plan à 70%\n"
    assert decode_text(b"\xef\xbb\xbfrep_id,period\n", "history.csv") == "rep_id,period\n"
    assert decode_text(b"", "empty.yaml") == ""


def test_decode_text_keeps_line_endings() -> None:
    assert decode_text(b"a\r\nb\r\n", "x.csv") == "a\r\nb\r\n"


@pytest.mark.parametrize("data", [b"\xff\xfe", "caf\xe9".encode("latin-1"),
                                  "name: x".encode("utf-16")])
def test_decode_text_rejects_bytes_that_are_not_utf8(data: bytes) -> None:
    with pytest.raises(InputError) as info:
        decode_text(data, "upload.yaml")
    assert str(info.value) == "upload.yaml: file is not UTF-8 text"
    assert info.value.source == "upload.yaml"


def test_decode_text_and_read_text_file_agree(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"\xef\xbb\xbfname: Baseline\n")
    assert read_text_file(path, 1000) == decode_text(path.read_bytes(), str(path))
    path.write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(InputError) as from_disk:
        read_text_file(path, 1000)
    with pytest.raises(InputError) as from_bytes:
        decode_text(path.read_bytes(), str(path))
    assert str(from_disk.value) == str(from_bytes.value)


# --------------------------------------------------------------------------- regular files


def test_a_fifo_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    """Opening a FIFO for reading waits for a writer: it is refused from its stat."""
    fifo = tmp_path / "plan.yaml"
    os.mkfifo(fifo)
    with pytest.raises(InputError) as caught:
        read_text_file(fifo, 100)
    assert str(caught.value) == f"{fifo}: is a FIFO (named pipe), not a regular file"
    link = tmp_path / "link.yaml"
    link.symlink_to(fifo)
    with pytest.raises(InputError, match="is a FIFO"):
        read_text_file(link, 100)


def test_a_device_is_refused_before_it_is_read() -> None:
    with pytest.raises(InputError) as caught:
        read_text_file("/dev/zero", 1_000_000)
    assert str(caught.value) == "/dev/zero: is a device, not a regular file"


def test_a_link_to_a_regular_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "real.yaml").write_text("name: x\n", encoding="utf-8")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "real.yaml")
    assert read_text_file(tmp_path / "link.yaml", 100) == "name: x\n"


def test_uploads_have_the_same_size_limit() -> None:
    assert decode_text(b"x" * 10, "up.yaml", 10) == "x" * 10
    with pytest.raises(InputError) as caught:
        decode_text(b"x" * 11, "up.yaml", 10)
    assert str(caught.value) == "up.yaml: file is larger than 10 bytes"
