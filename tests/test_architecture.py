"""The house's one-way flow: a module imports only its own stage or stages before it.

Stages in the order data flows (docs/ARCHITECTURE.md): base, plan, team, model, results,
faces. Every import is checked, inside functions too, and nothing under simulator/
imports streamlit or the app's pages (ui).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "simulator"
STAGES = ("base", "plan", "team", "model", "results", "faces")
MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


def stage_of(module: str) -> str | None:
    """The stage of a dotted module name under simulator (None for the package root)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def imported(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports: (line, dotted name)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.lineno, node.module))
    return out


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_imports_follow_the_stage_order(path: Path) -> None:
    own = stage_of(module_name(path))
    if own is None:  # simulator/__init__.py and __main__.py present the public calls
        return
    late = [f"line {line}: {name}" for line, name in imported(path)
            if name.startswith("simulator.") and (stage := stage_of(name)) is not None
            and STAGES.index(stage) > STAGES.index(own)]
    assert not late, f"{module_name(path)} ({own}) imports a later stage: {late}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_no_streamlit_and_no_app_pages_under_simulator(path: Path) -> None:
    names = [name for _, name in imported(path)]
    assert not [n for n in names if n.split(".")[0] in ("streamlit", "ui")]


def test_the_checker_catches_an_import_against_the_flow(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from simulator.results.comparison import compare\n",
                   encoding="utf-8")
    assert imported(bad) == [(2, "simulator.results.comparison")]
    assert STAGES.index(stage_of("simulator.results.comparison") or "") > STAGES.index("model")


def test_no_module_is_too_big_to_live_in() -> None:
    """No module over about 400 lines; app.py under 300 (the house rule)."""
    sizes = {module_name(p): len(p.read_text(encoding="utf-8").splitlines())
             for p in [*MODULES, *sorted((ROOT / "ui").glob("*.py"))]}
    assert not {m: n for m, n in sizes.items() if n > 420}
    assert len((ROOT / "app.py").read_text(encoding="utf-8").splitlines()) < 300
