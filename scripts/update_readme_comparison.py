"""Re-run the README's comparison command and paste its output into the README.

Usage: python scripts/update_readme_comparison.py
tests/test_docs.py fails when the README's numbers are stale; this brings them up to date.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

from simulator.faces.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"(## What a comparison shows\s+```sh\n(.*?)```\s+```\n)(.*?)(```)", re.S)


def update() -> None:
    """Replace the output block under the README's comparison command."""
    text = README.read_text(encoding="utf-8")
    match = BLOCK.search(text)
    if match is None:
        raise SystemExit("README.md has no comparison block")
    args = match.group(2).replace("\\\n", " ").split()[3:]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(args)
    new = match.group(1) + out.getvalue().rstrip() + "\n" + match.group(4)
    README.write_text(text[: match.start()] + new + text[match.end() :], encoding="utf-8")


if __name__ == "__main__":
    update()
