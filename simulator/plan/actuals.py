"""Real results from a CSV (`rep_id,period,measure,actual,quota`) -> payouts per rep-period.

An optional `target_incentive` column (per rep per year) overrides the plan's for that
rep-period; every row of a rep-period must then give the same value (or leave it empty).

Finance's calculator: every row is checked, every problem is reported with its line
number, and nothing is computed from a file with any problem in it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.base.csvfile import CsvRows, parse_number, read_text, text_problem
from simulator.base.errors import Problem
from simulator.base.limits import MAX_ACTUAL, MAX_MONEY, MAX_QUOTA, MIN_QUOTA
from simulator.base.validation import normal_name, shorten, show_number
from simulator.plan.payout import PlanPayout, round_money
from simulator.plan.ramp import parse_start, proration
from simulator.plan.spec import PlanSpec
from simulator.plan.spiff import Spiff, period_dates

COLUMNS = ("rep_id", "period", "measure", "actual", "quota")
OPTIONAL = ("target_incentive", "date", "start")


@dataclass(frozen=True)
class Actuals:
    """Results of rep-periods, one row per rep and period, one column per plan measure."""

    keys: list[tuple[str, str]]  # (rep_id, period), in the order they first appear
    actual: np.ndarray  # (n_rows, n_measures)
    quota: np.ndarray  # (n_rows, n_measures)
    target_incentive: np.ndarray | None = None  # (n_rows,) per year; NaN: the plan's
    spiff_rows: tuple[SpiffRow, ...] = ()  # results of the plan's SPIFFs inside their windows
    prorate: np.ndarray | None = None  # (n_rows,) share of the period in post (a start date)


@dataclass(frozen=True)
class SpiffRow:
    """A result on a SPIFF's metric that counts: inside the SPIFF's window."""

    spiff: str
    rep_id: str
    period: str
    value: float


def parse_actuals(text: str, plan: PlanSpec, source: str = "<actuals>",
                  others: frozenset[str] = frozenset()) -> Actuals:
    """Parse and check an actuals CSV against a plan; raise InputError listing every problem.

    others: casefolded names of other plans' measures and SPIFFs whose rows are skipped
    (a backtest pays one file under several plans).
    """
    table = CsvRows(text, source, COLUMNS, OPTIONAL)
    targets: dict[tuple[str, str], tuple[float, int]] = {}  # rep-period -> (value, line)
    has_target = False
    # plan names are already normal (the spec applies the one whitespace rule)
    measure_index = {normal_name(m.name): k for k, m in enumerate(plan.measures)}
    by_folded = {name.casefold(): name for name in measure_index}
    lower = {normal_name(m.name) for m in plan.measures if m.direction == "lower"}

    problems = table.problems
    rows: dict[tuple[str, str], dict[int, tuple[float, float]]] = {}
    first_line: dict[tuple[str, str, str], int] = {}
    row_line: dict[tuple[str, str], int] = {}  # first good row of each rep-period
    spiffs = {s.name.casefold(): s for s in plan.spiffs}
    starts: dict[str, tuple[dt.date, int]] = {}
    spiff_rows: list[tuple[int, SpiffRow]] = []
    for line, cells in table:
        where = f"line {line}"
        rep, period = cells["rep_id"].strip(), cells["period"].strip()
        name = normal_name(cells["measure"])
        if name.casefold() in others and name not in measure_index:
            continue
        if name.casefold() in spiffs:
            found = _spiff_row(spiffs[name.casefold()], rep, period, cells)
            if isinstance(found, str):
                problems.append(Problem(where, found))
            elif found is not None:
                spiff_rows.append((line, found))
            continue
        actual, quota = parse_number(cells["actual"]), parse_number(cells["quota"])
        row_problems = [problem for column in ("rep_id", "period", "measure")
                        if (problem := text_problem(column, cells[column])) is not None]
        if not rep:
            row_problems.append("rep_id is empty")
        if not period:
            row_problems.append("period is empty")
        if name not in measure_index:
            known = ", ".join(repr(n) for n in measure_index)
            hint = (f" (did you mean {by_folded[name.casefold()]!r}?)"
                    if name.casefold() in by_folded else "")
            row_problems.append(f"measure {shorten(name)!r} is not in plan {plan.name!r}"
                                f"{hint} (it has {known})")
        if actual is None:
            row_problems.append(f"actual {shorten(cells['actual'])!r} is not a number")
        elif actual < 0:
            row_problems.append(f"actual {actual:g} is negative")
        elif actual > MAX_ACTUAL:
            row_problems.append(f"actual {actual:g} is larger than {MAX_ACTUAL:g}, the most a "
                                "result may be")
        elif actual == 0 and name in lower:
            row_problems.append(f"actual is 0 for lower-is-better measure {name!r}")
        if quota is None:
            row_problems.append(f"quota {shorten(cells['quota'])!r} is not a number")
        elif quota <= 0:
            row_problems.append(f"quota {quota:g} must be greater than 0")
        elif not MIN_QUOTA <= quota <= MAX_QUOTA:
            row_problems.append(f"quota {quota:g} must be at least {show_number(MIN_QUOTA)} "
                                f"and at most {show_number(MAX_QUOTA)}")
        start_cell = cells.get("start", "").strip()
        if start_cell:
            start = parse_start(start_cell)
            if isinstance(start, str):
                row_problems.append(start)
            elif rep in starts and starts[rep][0] != start:
                row_problems.append(f"start {start.isoformat()} differs from "
                                    f"{starts[rep][0].isoformat()} on line {starts[rep][1]} "
                                    f"for rep {shorten(rep)!r} (one start date per rep)")
            else:
                starts.setdefault(rep, (start, line))
        target_cell = cells.get("target_incentive", "").strip()
        if target_cell:
            has_target = True
            target = parse_number(target_cell)
            if target is None:
                row_problems.append(f"target_incentive {shorten(target_cell)!r} is not a number")
            elif not 0 < target <= MAX_MONEY:
                row_problems.append(f"target_incentive {target:g} must be more than 0 and at "
                                    f"most {show_number(MAX_MONEY)} (per rep per year)")
            elif (rep, period) in targets and targets[rep, period][0] != target:
                value, at = targets[rep, period]
                row_problems.append(
                    f"target_incentive {target:g} differs from {value:g} on line {at} for rep "
                    f"{shorten(rep)!r}, period {shorten(period)!r} (one value per rep-period)")
            else:
                targets.setdefault((rep, period), (target, line))
        key = (rep, period, name)
        if key in first_line:
            row_problems.append(
                f"duplicate row for rep {shorten(rep)!r}, period {shorten(period)!r}, "
                f"measure {shorten(name)!r} (first on line {first_line[key]})"
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
                        f"rep {shorten(rep)!r}, period {shorten(period)!r} has no row for "
                        f"measure {name!r} (every rep-period needs one row per plan measure)",
                    )
                )
    factors: dict[tuple[str, str], tuple[float, float]] = {}
    for rep_period, line in row_line.items():
        if rep_period[0] in starts:
            factor = proration(starts[rep_period[0]][0], rep_period[1], plan.ramp)
            if isinstance(factor, str):
                problems.append(Problem(f"line {line}", factor))
            else:
                factors[rep_period] = factor
    for line, row in spiff_rows:
        if (row.rep_id, row.period) not in rows and not problems:
            problems.append(Problem(
                f"line {line}", f"SPIFF result for rep {shorten(row.rep_id)!r}, period "
                f"{shorten(row.period)!r}, which has no plan measure rows"))
    table.raise_if_problems()

    keys = list(rows)
    n_measures = len(plan.measures)
    actuals = np.array([[rows[key][k][0] for k in range(n_measures)] for key in keys])
    quotas = np.array([[rows[key][k][1] for k in range(n_measures)] for key in keys])
    column = (np.array([targets[key][0] if key in targets else np.nan for key in keys])
              if has_target else None)
    prorate = None
    if factors:  # a start date: volume quotas x days in post x ramp, target x days in post
        quota_factor = np.array([factors.get(key, (1.0, 1.0))[0] for key in keys])
        volume = np.array([m.volume for m in plan.measures])
        quotas = np.where(volume, quotas * quota_factor[:, None], quotas)
        prorate = np.array([factors.get(key, (1.0, 1.0))[1] for key in keys])
    return Actuals(keys=keys, actual=actuals.reshape(len(keys), n_measures),
                   quota=quotas.reshape(len(keys), n_measures), target_incentive=column,
                   spiff_rows=tuple(row for _, row in spiff_rows), prorate=prorate)


def _spiff_row(spiff: Spiff, rep: str, period: str, cells: dict[str, str]
               ) -> SpiffRow | str | None:
    """A SPIFF's result row: the row if it counts, None if outside the window, or a problem."""
    bad = [p for column in ("rep_id", "period", "date")
           if (p := text_problem(column, cells.get(column, ""))) is not None]
    if bad:
        return "; ".join(bad)
    if not rep or not period:
        return "rep_id and period must not be empty"
    value = parse_number(cells["actual"])
    if value is None or not 0 <= value <= MAX_ACTUAL:
        return f"actual {shorten(cells['actual'])!r} must be a number from 0 to {MAX_ACTUAL:g}"
    text = cells.get("date", "").strip()
    window = f"SPIFF {spiff.name!r} runs {spiff.start.isoformat()} to {spiff.to.isoformat()}"
    if text:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return f"date {shorten(text)!r} is not a date (write 2026-02-14)"
        first = last = day
    else:
        dates = period_dates(period)
        if dates is None:
            return (f"period {shorten(period)!r} has no dates: give the row a date, or write "
                    f"the period as 2026-Q1, 2026-02 or 2026 ({window})")
        first, last = dates
    if last < spiff.start or first > spiff.to:
        return None
    if first < spiff.start or last > spiff.to:
        return (f"period {shorten(period)!r} ({first.isoformat()} to {last.isoformat()}) is "
                f"only partly inside the window ({window}): give dated rows")
    return SpiffRow(spiff.name, rep, period, value)


def read_actuals(path: str | Path, plan: PlanSpec) -> Actuals:
    """Read an actuals CSV file; raise InputError naming the file and each bad row."""
    return parse_actuals(read_text(path), plan, str(path))


def payout_table(plan: PlanSpec, actuals: Actuals) -> pd.DataFrame:
    """One row per rep and period: each measure's attainment and payout, and the total.

    Money is rounded to the cent (half away from zero) here, at the output, and only here.
    """
    payout = PlanPayout.from_plan(plan)
    att = payout.attainments(actuals.actual, actuals.quota)
    pay, _ = payout.settle(att, actuals.quota, values=actuals.actual,
                           target=target_per_period(plan, actuals))
    table: dict[str, list[object]] = {
        "rep_id": [rep for rep, _ in actuals.keys],
        "period": [period for _, period in actuals.keys],
    }
    for k, m in enumerate(plan.measures):
        table[f"{m.name} attainment"] = [round(float(v), 10) for v in att[:, k]]
        table[f"{m.name} payout"] = [round_money(float(v)) for v in pay[:, k]]
    table["total_incentive"] = [round_money(float(v)) for v in pay.sum(axis=1)]
    if plan.currency is not None:
        table["currency"] = [plan.currency] * len(actuals.keys)
    return pd.DataFrame(table)


def year_to_date(plan: PlanSpec, actuals: Actuals) -> np.ndarray:
    """Each row's year-to-date earnings for its rep, currency: (n_rows,).

    The plan applied to the rep's actuals and quotas summed over its rows so far (file
    order), with the target pay of those periods and commission caps per period times them.
    """
    payout = PlanPayout.from_plan(plan)
    per_period = target_per_period(plan, actuals)
    target = (np.full(len(actuals.keys), payout.target_per_period) if per_period is None
              else per_period)
    reps = [rep for rep, _ in actuals.keys]
    actual, quota = np.zeros_like(actuals.actual), np.zeros_like(actuals.quota)
    ytd_target, periods = np.zeros(len(reps)), np.zeros(len(reps))
    running: dict[str, tuple[np.ndarray, np.ndarray, float, int]] = {}
    for i, rep in enumerate(reps):
        a, q, t, n = running.get(rep, (0.0 * actuals.actual[i], 0.0 * actuals.quota[i], 0.0, 0))
        running[rep] = (a + actuals.actual[i], q + actuals.quota[i], t + target[i], n + 1)
        actual[i], quota[i], ytd_target[i], periods[i] = running[rep]
    att = payout.attainments(actual, quota)
    pay, _ = payout.settle(att, quota, values=actual, target=ytd_target, periods=periods)
    return pay.sum(axis=1)


def target_per_period(plan: PlanSpec, actuals: Actuals) -> np.ndarray | None:
    """Each rep-period's target pay: its `target_incentive` (else the plan's) per period.

    None when no row overrides the plan's (then the plan's applies to every row).
    """
    if actuals.target_incentive is None and actuals.prorate is None:
        return None
    yearly = (np.full(len(actuals.keys), plan.target_incentive)
              if actuals.target_incentive is None else
              np.where(np.isnan(actuals.target_incentive), plan.target_incentive,
                       actuals.target_incentive))
    if actuals.prorate is not None:
        yearly = yearly * actuals.prorate
    return yearly / plan.periods_per_year
