"""Files users open in Excel: no formula injection, never half-written."""

from __future__ import annotations

import errno
import io
import os
import stat
import tempfile
from pathlib import Path

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Neutralise a text cell that a spreadsheet would run as a formula (prefix a quote)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and column names cannot start a formula."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(safe_cell)
    out.columns = [safe_cell(str(c)) for c in out.columns]
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV of a frame, safe to open in a spreadsheet."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8")


def excel_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An .xlsx workbook with one sheet per frame, safe to open in Excel."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            safe_frame(frame).to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()


class NotARegularFile(OSError):
    """An output path that is not a regular file: writing there would replace it or block.

    A directory, a device, a FIFO, a socket, or a symbolic link to a missing file.
    """


def _umask() -> int:
    """The process's umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: set and restore (the CLI runs it in one thread)
    os.umask(mask)
    return mask


def output_target(path: str | Path) -> tuple[Path, int]:
    """Where a write to `path` lands and the permissions the file gets.

    A regular file keeps its own permissions; a missing file gets the user's umask
    (0o666 & ~umask, as a shell's `>` gives), not mkstemp's private 0o600; a symbolic
    link is written through to the regular file it points to (the link stays a link).
    Raises NotARegularFile for a directory, a device, a FIFO, a socket or a dangling
    link, and PermissionError for a read-only file or folder.
    """
    path = Path(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        folder = path.parent
        if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
            raise PermissionError(errno.EACCES, "the folder is not writable") from None
        return path, 0o666 & ~_umask()
    if stat.S_ISLNK(info.st_mode):
        real = Path(os.path.realpath(path))
        try:
            info = os.stat(real)
        except FileNotFoundError:
            raise NotARegularFile(errno.ENOENT, "is a symbolic link to a missing file") from None
        path = real
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode) else
                "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else
                "a socket" if stat.S_ISSOCK(info.st_mode) else "not a regular file")
        raise NotARegularFile(errno.EINVAL, f"is {kind}, not a regular file")
    if not os.access(path, os.W_OK):
        raise PermissionError(errno.EACCES, "the file is read-only")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise PermissionError(errno.EACCES, "the folder is not writable")
    return path, stat.S_IMODE(info.st_mode)


def write_atomically(path: str | Path, data: bytes) -> None:
    """Write a file whole or not at all: write a temporary sibling, then rename it.

    The one writer of every file the package writes. Only a regular file (or a missing
    one) is replaced, keeping its permissions; a new file gets the user's umask; a
    symbolic link is written through (`output_target`). An OSError (NotARegularFile for a
    directory, device, FIFO or socket) leaves whatever was there untouched.
    """
    target, mode = output_target(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
