"""Real results from a CSV (`rep_id,period,measure,actual,quota`) -> payouts per rep-period.

Finance's calculator: every row is checked, every problem is reported with its line
number, and nothing is computed from a file with any problem in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.base.csvfile import CsvRows, parse_number, read_text
from simulator.base.errors import Problem
from simulator.plan.payout import PlanPayout, round_money
from simulator.plan.spec import PlanSpec

COLUMNS = ("rep_id", "period", "measure", "actual", "quota")


@dataclass(frozen=True)
class Actuals:
    """Results of rep-periods, one row per rep and period, one column per plan measure."""

    keys: list[tuple[str, str]]  # (rep_id, period), in the order they first appear
    actual: np.ndarray  # (n_rows, n_measures)
    quota: np.ndarray  # (n_rows, n_measures)


def parse_actuals(text: str, plan: PlanSpec, source: str = "<actuals>") -> Actuals:
    """Parse and check an actuals CSV against a plan; raise InputError listing every problem."""
    table = CsvRows(text, source, COLUMNS)
    measure_index = {m.name: k for k, m in enumerate(plan.measures)}
    lower = {m.name for m in plan.measures if m.direction == "lower"}

    problems = table.problems
    rows: dict[tuple[str, str], dict[int, tuple[float, float]]] = {}
    first_line: dict[tuple[str, str, str], int] = {}
    row_line: dict[tuple[str, str], int] = {}  # first good row of each rep-period
    for line, cells in table:
        where = f"line {line}"
        rep, period, name = (cells[c].strip() for c in ("rep_id", "period", "measure"))
        actual, quota = parse_number(cells["actual"]), parse_number(cells["quota"])
        row_problems = []
        if not rep:
            row_problems.append("rep_id is empty")
        if not period:
            row_problems.append("period is empty")
        if name not in measure_index:
            known = ", ".join(repr(n) for n in measure_index)
            row_problems.append(f"measure {name!r} is not in plan {plan.name!r} (it has {known})")
        if actual is None:
            row_problems.append(f"actual {cells['actual']!r} is not a number")
        elif actual < 0:
            row_problems.append(f"actual {actual:g} is negative")
        elif actual == 0 and name in lower:
            row_problems.append(f"actual is 0 for lower-is-better measure {name!r}")
        if quota is None:
            row_problems.append(f"quota {cells['quota']!r} is not a number")
        elif quota <= 0:
            row_problems.append(f"quota {quota:g} must be greater than 0")
        key = (rep, period, name)
        if key in first_line:
            row_problems.append(
                f"duplicate row for rep {rep!r}, period {period!r}, measure {name!r} "
                f"(first on line {first_line[key]})"
            )
        else:
            first_line[key] = line
        problems.extend(Problem(where, p) for p in row_problems)
        if not row_problems and actual is not None and quota is not None:
            rows.setdefault((rep, period), {})[measure_index[name]] = (actual, quota)
            row_line.setdefault((rep, period), line)

    if not first_line and not problems:
        problems.append(Problem("", "no data rows"))
    for (rep, period), by_measure in rows.items():
        for name, k in measure_index.items():
            if k not in by_measure and (rep, period, name) not in first_line:
                problems.append(
                    Problem(
                        f"line {row_line[rep, period]}",
                        f"rep {rep!r}, period {period!r} has no row for measure {name!r} "
                        "(every rep-period needs one row per plan measure)",
                    )
                )
    table.raise_if_problems()

    keys = list(rows)
    n_measures = len(plan.measures)
    actuals = np.array([[rows[key][k][0] for k in range(n_measures)] for key in keys])
    quotas = np.array([[rows[key][k][1] for k in range(n_measures)] for key in keys])
    return Actuals(keys=keys, actual=actuals.reshape(len(keys), n_measures),
                   quota=quotas.reshape(len(keys), n_measures))


def read_actuals(path: str | Path, plan: PlanSpec) -> Actuals:
    """Read an actuals CSV file; raise InputError naming the file and each bad row."""
    return parse_actuals(read_text(path), plan, str(path))


def payout_table(plan: PlanSpec, actuals: Actuals) -> pd.DataFrame:
    """One row per rep and period: each measure's attainment and payout, and the total.

    Money is rounded to the cent (half away from zero) here, at the output, and only here.
    """
    payout = PlanPayout.from_plan(plan)
    att = payout.attainments(actuals.actual, actuals.quota)
    pay = payout.pay(payout.multiples(att))
    table: dict[str, list[object]] = {
        "rep_id": [rep for rep, _ in actuals.keys],
        "period": [period for _, period in actuals.keys],
    }
    for k, m in enumerate(plan.measures):
        table[f"{m.name} attainment"] = [round(float(v), 10) for v in att[:, k]]
        table[f"{m.name} payout"] = [round_money(float(v)) for v in pay[:, k]]
    table["total_incentive"] = [round_money(float(v)) for v in pay.sum(axis=1)]
    return pd.DataFrame(table)
