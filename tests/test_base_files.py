"""Reading a user's file whole (simulator.base.files): one clear error when it cannot be."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.base.errors import InputError
from simulator.base.files import PLANS_DIR, read_text_file


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


@pytest.mark.xfail(strict=True, reason=(
    "minor bug: read_text_file compares st_size with the limit before it knows the path is "
    "a directory, so a directory larger than the limit (4,096 bytes here; a folder of many "
    "files against the 1 MB YAML limit) is reported as 'file is larger than ...'"))
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
