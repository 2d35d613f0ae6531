"""Reading a user's file whole (from disk or an upload's bytes), with one clear error.

Only regular files are read: a directory, a device (``/dev/zero``), a FIFO or a socket is
refused before it is opened, so a read can neither run until memory is gone nor wait
forever. A file is read up to its size limit and no further, even when it grows.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from simulator.base.errors import InputError

PLANS_DIR = Path(__file__).resolve().parents[2] / "plans"
"""The shipped plans (`plans/*.yaml`), teams (`plans/teams/`) and examples."""

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def _kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "is a directory, not a file"
    if stat.S_ISFIFO(mode):
        return "is a FIFO (named pipe), not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a regular file"
    return "is not a regular file"


def _too_large(max_bytes: int) -> str:
    return f"file is larger than {max_bytes:,} bytes"


def read_file_bytes(path: str | Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most `max_bytes` bytes.

    Raises InputError naming the file when it is missing, not a regular file (checked
    before it is opened, and again on the open file), larger than `max_bytes` or
    unreadable.
    """
    path = Path(path)
    source = str(path)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise InputError.single(source, "", _kind(info.st_mode))
        if info.st_size > max_bytes:
            raise InputError.single(source, "", _too_large(max_bytes))
        # O_NONBLOCK: should the path have become a FIFO since the stat, opening it does
        # not wait for a writer; the check below then refuses it
        fd = os.open(path, _OPEN_FLAGS)
        with os.fdopen(fd, "rb") as handle:
            opened = os.fstat(handle.fileno())
            if not stat.S_ISREG(opened.st_mode):
                raise InputError.single(source, "", _kind(opened.st_mode))
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError.single(source, "", "file not found") from None
    except IsADirectoryError:
        raise InputError.single(source, "", "is a directory, not a file") from None
    except NotADirectoryError:
        raise InputError.single(source, "", "file not found (a folder on its path is a "
                                "file)") from None
    except OSError as exc:
        raise InputError.single(source, "", f"cannot read file: {exc.strerror or exc}") from None
    except ValueError:  # a NUL character in the path
        raise InputError.single(source, "", "cannot read file: not a valid path") from None
    if len(data) > max_bytes:  # the file grew since the stat
        raise InputError.single(source, "", _too_large(max_bytes))
    return data


def read_text_file(path: str | Path, max_bytes: int) -> str:
    """The UTF-8 text of a regular file, a byte-order mark dropped.

    Raises InputError naming the file when it is missing, a directory, a device, a FIFO,
    larger than `max_bytes`, unreadable or not UTF-8.
    """
    return decode_text(read_file_bytes(path, max_bytes), str(path))


def decode_text(data: bytes, source: str, max_bytes: int | None = None) -> str:
    """The UTF-8 text of a file's bytes (e.g. an upload), a byte-order mark dropped.

    Line endings are kept as they are. Raises InputError naming `source` when there are
    more than `max_bytes` bytes (the limit a file on disk has) or they are not UTF-8, the
    messages `read_text_file` gives.
    """
    if max_bytes is not None and len(data) > max_bytes:
        raise InputError.single(source, "", _too_large(max_bytes))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError.single(source, "", "file is not UTF-8 text") from None
