"""Write the pinned numbers of tests/pinned_cases.py to tests/pinned/*.json.

Usage: python scripts/pin_numbers.py [CASE ...]
Run it after a change that is meant to move numbers, then read `git diff tests/pinned`:
the diff is the change's effect on every pinned figure. A refactor must leave it empty.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from pinned_cases import CASES  # noqa: E402

PINNED = ROOT / "tests" / "pinned"


def main(names: list[str]) -> None:
    """Recompute the named cases (all by default) and write them."""
    PINNED.mkdir(exist_ok=True)
    for name in names or list(CASES):
        data = CASES[name]()
        path = PINNED / f"{name}.json"
        path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
