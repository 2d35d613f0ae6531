"""Reading a user's file whole (from disk or an upload's bytes), with one clear error."""

from __future__ import annotations

from pathlib import Path

from simulator.base.errors import InputError

PLANS_DIR = Path(__file__).resolve().parents[2] / "plans"
"""The shipped plans (`plans/*.yaml`), teams (`plans/teams/`) and examples."""


def read_text_file(path: str | Path, max_bytes: int) -> str:
    """The UTF-8 text of a file, a byte-order mark dropped.

    Raises InputError naming the file when it is missing, a directory, larger than
    `max_bytes`, unreadable or not UTF-8.
    """
    path = Path(path)
    source = str(path)
    try:
        if path.stat().st_size > max_bytes:
            raise InputError.single(source, "", f"file is larger than {max_bytes:,} bytes")
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError.single(source, "", "file not found") from None
    except IsADirectoryError:
        raise InputError.single(source, "", "is a directory, not a file") from None
    except UnicodeDecodeError:
        raise InputError.single(source, "", "file is not UTF-8 text") from None
    except OSError as exc:
        raise InputError.single(source, "", f"cannot read file: {exc.strerror}") from None


def decode_text(data: bytes, source: str) -> str:
    """The UTF-8 text of a file's bytes (e.g. an upload), a byte-order mark dropped.

    Line endings are kept as they are. Raises InputError naming `source` when the bytes
    are not UTF-8, the same message `read_text_file` gives.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError.single(source, "", "file is not UTF-8 text") from None
