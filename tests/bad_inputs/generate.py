"""The bad inputs too large (or too special) to keep as files: written on demand.

`large_inputs(folder)` writes them into `folder` and returns `(kind, path, fragment)`
for each: kind is the corpus folder they belong to (plans, teams, actuals, history),
fragment a part of the problem they must be rejected with (after ``FILE: ``), as in
EXPECTED. `special_paths(folder)` returns paths that are not regular files.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BASELINE = (ROOT / "plans" / "baseline.yaml").read_text(encoding="utf-8")
ACTUALS_HEADER = "rep_id,period,measure,actual,quota\n"
HISTORY_HEADER = "rep_id,period,metric,actual,quota\n"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def large_inputs(folder: Path) -> list[tuple[str, Path, str]]:
    """Write the large bad inputs into `folder`; (kind, path, expected fragment) each."""
    folder.mkdir(parents=True, exist_ok=True)
    out: list[tuple[str, Path, str]] = []

    def add(kind: str, name: str, text: str, fragment: str) -> None:
        out.append((kind, _write(folder / name, text), fragment))

    ti = "target_incentive: 60000"
    add("plans", "digits_4301.yaml", BASELINE.replace(ti, "target_incentive: " + "7" * 4301),
        "pay.target_incentive: '7777777777777777777777777777777777777...' is too large a "
        "number (4,301 digits)")
    add("plans", "over_1mb.yaml", BASELINE + "# " + "x" * 1_000_000 + "\n",
        "file is larger than 1,000,000 bytes")
    # 30,000 keys took 30,001 lines; 5,000 show the bound as well, faster (the unit tests of
    # simulator.base.errors and yamlio take 30,000)
    add("plans", "keys_5000.yaml", BASELINE + "".join(f"k{i}: 1\n" for i in range(5_000)),
        "... and 4,950 more problems")
    add("plans", "deep.yaml", "name: " + "[" * 100 + "]" * 100 + "\n",
        "line 1, column 38: invalid YAML: nested more than 32 levels deep")
    add("plans", "long_key.yaml", BASELINE + "k" * 5_000 + ": 1\n",  # keys are < 1,024 long
        "line 21, column 5001: invalid YAML:")
    add("plans", "curve_2000_points.yaml", BASELINE.replace(
        "      - [1.5, 2.0]\n",
        "".join(f"      - [{1.5 + i / 1000:.3f}, 2.0]\n" for i in range(2_000))),
        "measures[1] (New revenue).curve: at most 100 points, not 2,002")
    add("teams", "team_keys_5000.yaml", "name: T\n" + "".join(f"k{i}: 1\n" for i in range(5_000)),
        "... and 4,950 more problems")
    add("actuals", "actuals_bad_rows.csv",
        ACTUALS_HEADER + "".join(f"R{i},Q1,New revenue,x,1\n" for i in range(20_000)),
        "... and 19,950 more problems")
    add("actuals", "huge_field.csv",
        ACTUALS_HEADER + "R1,Q1,New revenue," + "9" * 200_000 + ",1\n",
        "line 2: not valid CSV: field larger than field limit")
    add("history", "history_bad_rows.csv",
        HISTORY_HEADER + "".join(f"R{i},2024-01,revenue,x,\n" for i in range(20_000)),
        "... and 19,950 more problems")
    for kind, name in (("actuals", "over_50mb.csv"), ("history", "over_50mb.csv")):
        path = folder / f"{kind}_{name}"
        with open(path, "wb") as handle:  # sparse: the size limit is checked before reading
            handle.write((ACTUALS_HEADER if kind == "actuals" else HISTORY_HEADER).encode())
            handle.truncate(50_000_001)
        out.append((kind, path, "file is larger than 50,000,000 bytes"))
    return out


def special_paths(folder: Path) -> list[tuple[Path, str]]:
    """Paths that are not regular files, and the problem each must be refused with."""
    folder.mkdir(parents=True, exist_ok=True)
    fifo = folder / "fifo.yaml"
    if not fifo.exists():
        os.mkfifo(fifo)
    link = folder / "link_to_fifo.yaml"
    if not link.is_symlink():
        link.symlink_to(fifo)
    dangling = folder / "dangling.yaml"
    if not dangling.is_symlink():
        dangling.symlink_to(folder / "nowhere.yaml")
    big_dir = folder / "big_dir.yaml"
    big_dir.mkdir(exist_ok=True)
    for i in range(200):  # a directory larger than a size limit is still a directory
        (big_dir / f"{'f' * 200}{i}").touch()
    return [
        (fifo, "is a FIFO (named pipe), not a regular file"),
        (link, "is a FIFO (named pipe), not a regular file"),
        (Path("/dev/zero"), "is a device, not a regular file"),
        (big_dir, "is a directory, not a file"),
        (dangling, "file not found"),
        (folder / "missing.yaml", "file not found"),
    ]
