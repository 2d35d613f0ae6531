"""docs/MODEL.md's effect-size table is the model's: rerun with fewer plan years, every
headline lands within a point of the table's (`python scripts/effect_sizes.py --write`
regenerates it after a model change)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import effect_sizes  # noqa: E402

TOLERANCE = 0.01  # a percentage point: far above the luck of the shorter run


def table_rows(text: str) -> dict[str, list[str]]:
    """Markdown table rows by their first cell."""
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) > 3 and not set(cells[0]) <= {"-", " "}:
            rows[cells[0]] = cells
    return rows


def first_percent(cell: str) -> float:
    match = re.search(r"[-+]?\d+(\.\d+)?%", cell)
    assert match, cell
    return float(match.group(0)[:-1]) / 100


@pytest.fixture(scope="module")
def rerun() -> dict[str, list[str]]:
    return table_rows(effect_sizes.tables(trials=300, draws=0, draw_trials=100, seed=0))


def test_the_documented_table_is_the_models(rerun: dict[str, list[str]]) -> None:
    doc = (ROOT / "docs" / "MODEL.md").read_text(encoding="utf-8")
    start, end = doc.index(effect_sizes.BEGIN), doc.index(effect_sizes.END)
    documented = table_rows(doc[start:end])
    effects = [row for row in rerun.values() if row[0] != "effect on team sales"
               and len(row) == 6]
    assert len(effects) >= 8
    for row in effects:
        assert row[0] in documented, f"{row[0]!r} is missing from docs/MODEL.md"
        assert first_percent(row[3]) == pytest.approx(first_percent(documented[row[0]][3]),
                                                      abs=TOLERANCE), row[0]
