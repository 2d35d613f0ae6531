"""Tables of one or more comparisons, as the app lists them and as the workbook holds them.

The workbook that holds them is `results.workbook`. A page may hold the same plans run
under both behaviour modes: each `Comparison` knows
its mode (`behavior`), and the tables stack them, one row per plan and mode. `labels`
are the plans' names as shown (made unique with `comparison.unique_names`), in plan
order. Money is per plan year in currency; shares are fractions.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from simulator.results import charts
from simulator.results.comparison import Comparison
from simulator.results.health import by_status
from simulator.results.summary import PlanResult

HEALTH_COLUMNS = ["plan", "status", "rule", "measure", "message", "value", "practice"]


def result_rows(runs: Sequence[Comparison], labels: Sequence[str]
                ) -> list[tuple[str, str, PlanResult]]:
    """(label, behaviour, plan result) of every plan of every run: what the frames read."""
    return [(label, run.behavior, plan) for run in runs
            for label, plan in zip(labels, run.plans, strict=True)]


def comparison_frame(runs: Sequence[Comparison], labels: Sequence[str]) -> pd.DataFrame:
    """The headline numbers, one row per plan and run (`Comparison.to_frame` stacked).

    Columns: plan (its label), behaviour, file, then the columns of `Comparison.to_frame`.
    """
    frames = []
    for run in runs:
        frame = run.to_frame()
        frame["plan"] = list(labels)
        frame.insert(1, "behaviour", run.behavior)
        frame.insert(2, "file", [p.file for p in run.plans])
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def adaptive_run(runs: Sequence[Comparison]) -> Comparison | None:
    """The run with adaptive reps, whose health findings count (None without one)."""
    return next((run for run in runs if run.behavior == "adaptive"), None)


def health_frame(runs: Sequence[Comparison], labels: Sequence[str]) -> pd.DataFrame:
    """Every plan's health findings (the adaptive run's), one row per finding, worst first.

    Columns `HEALTH_COLUMNS`; no rows when no run has adaptive reps.
    """
    run = adaptive_run(runs)
    rows = [{"plan": label, **finding.to_dict()}
            for label, plan in zip(labels, run.plans if run else [], strict=False)
            for finding in by_status(plan.health)]
    return pd.DataFrame(rows, columns=HEALTH_COLUMNS)


def settings_frame(runs: Sequence[Comparison]) -> pd.DataFrame:
    """The settings the runs share: team, reps, plan years, seed, modes, draws, budget.

    currency: the ISO code the plans state, "$" when they state none.
    """
    first = runs[0]
    return pd.DataFrame({
        "setting": ["team", "reps", "simulated plan years", "seed", "behaviour",
                    "normal effort", "behaviour-model draws", "plan years per draw",
                    "incentive budget per year", "currency"],
        "value": [first.team, first.reps, first.trials, first.seed,
                  ", ".join(run.behavior for run in runs), first.normal_effort,
                  first.draws or 0, first.draw_trials, first.budget,
                  first.currency or charts.CURRENCY],
    })
