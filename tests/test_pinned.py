"""Seeded regression of full results: every pinned number is the same at rtol 1e-9.

The cases are in tests/pinned_cases.py, the numbers in tests/pinned/ (written by
`python scripts/pin_numbers.py`). A refactor must pass unchanged; a model change
regenerates the files, and their diff is the change's measured effect.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from pinned_cases import CASES

PINNED = Path(__file__).resolve().parent / "pinned"
RTOL = 1e-9
ATOL = 1e-9  # for figures that are 0 (a share nobody reaches, a difference from itself)


def mismatches(pinned: Any, actual: Any, path: str = "") -> list[str]:
    """Where two JSON values differ: keys, lengths, text, or numbers beyond the tolerance."""
    if isinstance(pinned, dict) and isinstance(actual, dict):
        if set(pinned) != set(actual):
            return [f"{path}: keys {sorted(set(pinned) ^ set(actual))} differ"]
        return [m for key in pinned for m in mismatches(pinned[key], actual[key],
                                                         f"{path}.{key}")]
    if isinstance(pinned, list) and isinstance(actual, list):
        if len(pinned) != len(actual):
            return [f"{path}: length {len(pinned)} != {len(actual)}"]
        return [m for i, (p, a) in enumerate(zip(pinned, actual, strict=True))
                for m in mismatches(p, a, f"{path}[{i}]")]
    numbers = (int, float)
    if (isinstance(pinned, numbers) and isinstance(actual, numbers)
            and not isinstance(pinned, bool) and not isinstance(actual, bool)):
        if math.isnan(pinned) and math.isnan(actual):
            return []
        if math.isclose(pinned, actual, rel_tol=RTOL, abs_tol=ATOL):
            return []
        return [f"{path}: {pinned!r} != {actual!r}"]
    return [] if pinned == actual else [f"{path}: {pinned!r} != {actual!r}"]


@pytest.mark.parametrize("name", list(CASES))
def test_pinned_numbers_are_unchanged(name: str) -> None:
    pinned = json.loads((PINNED / f"{name}.json").read_text(encoding="utf-8"))
    actual = json.loads(json.dumps(CASES[name]()))  # the same JSON round trip as the file
    found = mismatches(pinned, actual)
    assert not found, f"{len(found)} pinned numbers moved, e.g.:\n" + "\n".join(found[:20])


def test_the_comparison_detects_a_moved_number() -> None:
    pinned = {"sales": {"mean": 1.0, "p5": 0.0}, "name": "Baseline"}
    assert mismatches(pinned, {"sales": {"mean": 1.0 + 1e-12, "p5": 0.0}, "name": "Baseline"}) == []
    assert mismatches(pinned, {"sales": {"mean": 1.0 + 1e-6, "p5": 0.0}, "name": "Baseline"})
    assert mismatches(pinned, {"sales": {"mean": 1.0}, "name": "Baseline"})
    assert mismatches(pinned, {"sales": {"mean": 1.0, "p5": 0.0}, "name": "Other"})
