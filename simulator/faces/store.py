"""The scenario library on disk: one SQLite file, safe against crashes and concurrent saves.

A scenario is stored whole in one row (its inputs and its results as JSON text), written in
one transaction, so a crash mid-save leaves the file as it was. `BEGIN IMMEDIATE` takes
the write lock before the next version number is read, so two sessions saving the same
name at once get versions n and n + 1, never the same one (UNIQUE(name, version) guards
it too). The rollback journal (SQLite's default) is kept rather than WAL, because WAL
needs shared memory that network drives do not offer: a team can keep the file on a
shared drive. A file that is not this program's database is refused with a clear message
(`InputError`) and never written to.

Where the file lives: `--db FILE` in the CLI, else the environment variable
PLAN_SIMULATOR_DB, else ~/.plan-simulator/scenarios.sqlite.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from simulator.base.errors import InputError

DB_ENV = "PLAN_SIMULATOR_DB"
DEFAULT_DB = Path("~/.plan-simulator/scenarios.sqlite")
FORMAT = "plan-simulator scenarios"
SCHEMA = 1
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_SECONDS = 30.0
"""How long a save waits for another session's save to finish before giving up."""

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS scenarios (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    saved_at TEXT NOT NULL,
    program_version TEXT NOT NULL,
    inputs TEXT NOT NULL,
    results TEXT NOT NULL,
    UNIQUE (name, version)
);
"""


def default_path() -> Path:
    """The library's file: $PLAN_SIMULATOR_DB, else ~/.plan-simulator/scenarios.sqlite."""
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB).expanduser()


@dataclass(frozen=True)
class StoredScenario:
    """One saved scenario as stored: inputs and results are JSON text, read back as data."""

    id: int
    name: str
    version: int
    saved_at: str  # ISO 8601, UTC
    program_version: str
    inputs: dict[str, Any]
    results: str  # the results' JSON text exactly as saved (re-runs compare bytes)


def _before_commit() -> None:
    """Called inside a save's transaction, after the row is written (a seam for crash tests)."""


class ScenarioStore:
    """The scenarios in one SQLite file (created with its folder when missing)."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path).expanduser() if path is not None else default_path()
        self._check_file()
        with self._transaction() as conn:
            self._check_or_create(conn)

    # -- opening -------------------------------------------------------------------------

    def _refuse(self, message: str) -> InputError:
        return InputError.single(str(self.path), "", message)

    def _check_file(self) -> None:
        """Refuse a file that is not an SQLite database before SQLite touches it."""
        if self.path.is_dir():
            raise self._refuse("is a folder, not a scenario database file")
        if not self.path.exists():
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise self._refuse(f"cannot create its folder: {exc.strerror or exc}") from None
            return
        try:
            with self.path.open("rb") as handle:
                head = handle.read(len(SQLITE_MAGIC))
        except OSError as exc:
            raise self._refuse(f"cannot be read: {exc.strerror or exc}") from None
        if head and head != SQLITE_MAGIC:
            raise self._refuse("is not a scenario database (not an SQLite file); "
                               "choose another file with --db or PLAN_SIMULATOR_DB")

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
        except sqlite3.Error as exc:
            raise self._refuse(f"cannot be opened: {exc}") from None
        return conn

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction holding the write lock from its start; rolled back on error."""
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise self._unusable(exc) from None
        finally:
            conn.close()

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        try:
            yield conn
        except sqlite3.DatabaseError as exc:
            raise self._unusable(exc) from None
        finally:
            conn.close()

    def _unusable(self, exc: sqlite3.DatabaseError) -> InputError:
        if "locked" in str(exc) or "busy" in str(exc):
            return self._refuse(f"is busy (another session kept it locked for "
                                f"{BUSY_SECONDS:.0f} s); try again")
        return self._refuse(f"is not a usable scenario database: {exc}")

    def _check_or_create(self, conn: sqlite3.Connection) -> None:
        """Create the tables in an empty database; refuse one of another program or schema."""
        tables = {row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        tables.discard("sqlite_sequence")
        if not tables:
            for statement in _TABLES.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)",
                             [("format", FORMAT), ("schema", str(SCHEMA))])
            return
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall()) if (
            "meta" in tables) else {}
        if meta.get("format") != FORMAT or "scenarios" not in tables:
            raise self._refuse("is an SQLite database of another program, not a scenario "
                               "database; choose another file with --db or PLAN_SIMULATOR_DB")
        if int(meta.get("schema", "0")) > SCHEMA:
            raise self._refuse(f"was written by a newer version of the program (schema "
                               f"{meta['schema']}, this one reads {SCHEMA})")

    # -- scenarios -----------------------------------------------------------------------

    def save(self, name: str, program_version: str, inputs: dict[str, Any], results: str
             ) -> StoredScenario:
        """Store a scenario as the next version of `name`, whole or not at all."""
        name = name.strip()
        if not name:
            raise self._refuse("a scenario needs a name")
        saved_at = datetime.now(UTC).isoformat(timespec="seconds")
        text = json.dumps(inputs, allow_nan=True)
        with self._transaction() as conn:
            row = conn.execute("SELECT COALESCE(MAX(version), 0) + 1 FROM scenarios "
                               "WHERE name = ?", (name,)).fetchone()
            version = int(row[0])
            cursor = conn.execute(
                "INSERT INTO scenarios (name, version, saved_at, program_version, inputs, "
                "results) VALUES (?, ?, ?, ?, ?, ?)",
                (name, version, saved_at, program_version, text, results))
            _before_commit()
            scenario_id = int(cursor.lastrowid or 0)
        return StoredScenario(scenario_id, name, version, saved_at, program_version, inputs,
                              results)

    def get(self, scenario_id: int) -> StoredScenario:
        """The scenario with this id (InputError naming it when there is none)."""
        with self._reading() as conn:
            row = conn.execute("SELECT id, name, version, saved_at, program_version, inputs, "
                               "results FROM scenarios WHERE id = ?",
                               (int(scenario_id),)).fetchone()
        if row is None:
            raise self._refuse(f"has no scenario {scenario_id}")
        return StoredScenario(int(row[0]), row[1], int(row[2]), row[3], row[4],
                              json.loads(row[5]), row[6])

    def list(self, where: Callable[[StoredScenario], bool] | None = None
             ) -> list[StoredScenario]:
        """Every scenario, newest first (inputs parsed, results as text)."""
        with self._reading() as conn:
            rows = conn.execute("SELECT id, name, version, saved_at, program_version, inputs, "
                                "results FROM scenarios ORDER BY id DESC").fetchall()
        out = [StoredScenario(int(r[0]), r[1], int(r[2]), r[3], r[4], json.loads(r[5]), r[6])
               for r in rows]
        return [s for s in out if where is None or where(s)]

    def delete(self, scenario_id: int) -> None:
        """Delete a scenario (InputError when there is none)."""
        with self._transaction() as conn:
            cursor = conn.execute("DELETE FROM scenarios WHERE id = ?", (int(scenario_id),))
            if cursor.rowcount == 0:
                raise self._refuse(f"has no scenario {scenario_id}")
