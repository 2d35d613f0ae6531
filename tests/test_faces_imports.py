"""What a command loads: the help and `validate` none of the engine; a comparison no pandas.

Each check runs a fresh interpreter, since this one has imported everything already.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("pandas", "scipy", "numba", "simulator.model.engine")


def _loaded_after(code: str) -> set[str]:
    """The HEAVY modules a fresh interpreter holds after running `code`."""
    probe = (f"{code}\nimport json, sys\n"
             f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [["--help"], ["validate", "plans/baseline.yaml"]])
def test_help_and_validate_load_no_engine(args: list[str]) -> None:
    code = ("import contextlib, io, sys\nfrom simulator.faces.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
            f"    main({args!r})")
    assert _loaded_after(code) == set()


def test_a_comparison_loads_the_engine_but_not_pandas() -> None:
    # pandas (about 70 MB and 0.45 s to import here) serves the payout calculator's
    # tables and the exports, not a comparison
    loaded = _loaded_after("from simulator.results.comparison import compare")
    assert loaded == {"scipy", "numba", "simulator.model.engine"}
