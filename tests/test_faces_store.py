"""The scenario library's SQLite file (faces.store): versions, crashes, concurrency, refusal."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import ROOT

from simulator.base.errors import InputError
from simulator.faces.store import DB_ENV, ScenarioStore, default_path

INPUTS = {"plans": [{"source": "a.yaml", "text": "name: A\n"}], "budget": None}


def save(store: ScenarioStore, name: str = "Q3 plans", results: str = "[]") -> int:
    return store.save(name, "0.1.0+test", INPUTS, results).version


def test_save_get_list_delete(tmp_path: Path) -> None:
    store = ScenarioStore(tmp_path / "sub" / "lib.sqlite")  # its folder is created
    first = store.save("Q3 plans", "0.1.0+test", INPUTS, '[{"x": 1.5}]')
    assert (first.id, first.version) == (1, 1)
    assert save(store) == 2 and save(store, "Other") == 1
    got = store.get(first.id)
    assert got.inputs == INPUTS and got.results == '[{"x": 1.5}]'
    assert [s.version for s in store.list()] == [1, 2, 1]  # newest first
    store.delete(first.id)
    with pytest.raises(InputError, match="has no scenario 1"):
        store.get(first.id)
    with pytest.raises(InputError, match="has no scenario 1"):
        store.delete(first.id)
    with pytest.raises(InputError, match="needs a name"):
        save(store, "  ")
    assert ScenarioStore(store.path).list()[0].name == "Other"  # opens again


def test_default_path_follows_the_environment(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    monkeypatch.setenv(DB_ENV, str(tmp_path / "shared.sqlite"))
    assert default_path() == tmp_path / "shared.sqlite"
    monkeypatch.delenv(DB_ENV)
    assert default_path() == Path.home() / ".plan-simulator" / "scenarios.sqlite"


CRASH = """
import os, sys
sys.path.insert(0, {root!r})
from simulator.faces import store
store._before_commit = lambda: os._exit(3)  # the process dies with the row written
store.ScenarioStore({db!r}).save("Q3 plans", "v", {{"plans": []}}, "[" + "0," * 100000 + "0]")
"""


def test_a_crash_mid_save_leaves_the_library_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "lib.sqlite"
    store = ScenarioStore(db)
    save(store)
    result = subprocess.run([sys.executable, "-c", CRASH.format(root=str(ROOT), db=str(db))],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 3, result.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    after = ScenarioStore(db)
    assert [(s.name, s.version) for s in after.list()] == [("Q3 plans", 1)]
    assert save(after) == 2  # the half-written version 2 never existed


def test_concurrent_saves_get_distinct_versions(tmp_path: Path) -> None:
    db = tmp_path / "lib.sqlite"
    ScenarioStore(db)
    errors: list[BaseException] = []

    def session() -> None:
        try:
            store = ScenarioStore(db)  # each session its own connection
            for _ in range(5):
                save(store, results="[" + "1," * 20000 + "1]")
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=session) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(s.version for s in ScenarioStore(db).list()) == list(range(1, 31))


SAVER = """
import sys
sys.path.insert(0, {root!r})
from simulator.faces.store import ScenarioStore
for _ in range(5):
    ScenarioStore({db!r}).save("Q3 plans", "v", {{"plans": []}}, "[]")
"""


def test_concurrent_saves_from_two_processes(tmp_path: Path) -> None:
    db = tmp_path / "lib.sqlite"
    ScenarioStore(db)
    procs = [subprocess.Popen([sys.executable, "-c", SAVER.format(root=str(ROOT), db=str(db))],
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for proc in procs:
        assert proc.wait(timeout=60) == 0, proc.stderr.read() if proc.stderr else ""
    assert sorted(s.version for s in ScenarioStore(db).list()) == list(range(1, 11))


def test_a_file_of_another_format_is_refused_and_left_alone(tmp_path: Path) -> None:
    text = tmp_path / "notes.sqlite"
    text.write_text("my notes, not a database\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a scenario database \\(not an SQLite file\\)"):
        ScenarioStore(text)
    assert text.read_text(encoding="utf-8") == "my notes, not a database\n"
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER)")
    with pytest.raises(InputError, match="SQLite database of another program"):
        ScenarioStore(other)
    with sqlite3.connect(other) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert tables == {"customers"}
    with pytest.raises(InputError, match="is a folder"):
        ScenarioStore(tmp_path)


def test_the_cli_refuses_a_foreign_file_with_exit_2(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from simulator.faces.cli import main

    text = tmp_path / "notes.sqlite"
    text.write_text("not a database", encoding="utf-8")
    assert main(["scenario", "list", "--db", str(text)]) == 2
    err = capsys.readouterr().err
    assert "notes.sqlite" in err and "not a scenario database" in err
    assert "Traceback" not in err
