"""The README's comparison is what the engine really prints, so the docs cannot rot."""

from __future__ import annotations

import re

from conftest import ROOT

from simulator.faces.cli import main


def test_readme_comparison_output_is_current(capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command, expected = re.search(
        r"## What a comparison shows\s+```sh\n(.*?)```\s+```\n(.*?)```", readme, re.S
    ).groups()
    args = command.replace("\\\n", " ").split()
    assert args[:3] == ["python", "-m", "simulator"]
    assert main(args[3:]) == 0
    assert capsys.readouterr().out.strip() == expected.strip()
