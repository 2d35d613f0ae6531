"""Credited deals and activities -> the rep-period results calibrate and payout read.

`deal_history` gives the same `History` a long-format CSV gives (plus the deals behind
it, for the deal-level luck and the timing diagnostic); `deal_actuals` gives the payout
calculator's `Actuals` for a plan. Amounts are summed in whole cents.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.base.errors import InputError, Problem
from simulator.base.validation import shorten
from simulator.plan.actuals import Actuals
from simulator.plan.spec import PlanSpec
from simulator.team.deals.quotas import QuotaRow, label_of
from simulator.team.history import History

SELLING = ("owner", "split")
"""Credit roles that are the rep's own selling (calibrate fits these; overlays and
roll-ups double count the team's revenue)."""
DEAL_METRICS = ("revenue", "deals", "dials", "conversations", "talk_time", "meetings",
                "avg_call_minutes")
"""The metrics a deal and activity export gives per rep and period."""


@dataclass(frozen=True)
class DealData:
    """Everything read from the deal exports, checked: credits, activities, quotas."""

    source: str  # the opportunity export
    credits: pd.DataFrame  # crediting.CREDIT_COLUMNS
    activities: pd.DataFrame | None  # activities.ACTIVITY_COLUMNS
    quotas: tuple[QuotaRow, ...]
    quota_source: str
    not_won: int
    notes: tuple[str, ...] = ()
    currency: str | None = None  # what the amounts are in: the mapping's base, or the one
    # currency the amounts name; None when they name none


def period_index(day: dt.date, granularity: str) -> int:
    """Months, quarters or years since year 0 of a date."""
    if granularity == "month":
        return day.year * 12 + day.month - 1
    if granularity == "quarter":
        return day.year * 4 + (day.month - 1) // 3
    return day.year


def _season(index: int, granularity: str) -> int:
    return index % (12 if granularity == "month" else 4)


def rep_periods(data: DealData, granularity: str, roles: tuple[str, ...]) -> pd.DataFrame:
    """Per rep and period: revenue, deals, pieces and the activity metrics.

    Revenue in cents (`cents`), deals as summed shares, pieces as credits counted once;
    zeros filled over each rep's active span (first to last period with a credit, an
    activity or a quota).
    """
    credits = data.credits[data.credits["role"].isin(roles)]
    frame = pd.DataFrame({
        "rep_id": credits["rep_id"],
        "index": [period_index(d, granularity) for d in credits["close_date"]],
        "cents": credits["credit"].astype(np.int64),
        "share": credits["share"], "line": credits["deal_line"]})
    sums = frame.groupby(["rep_id", "index"], sort=False).agg(
        cents=("cents", "sum"), deals=("share", "sum"), pieces=("share", "size"),
        line=("line", "min"))
    parts = [sums]
    if data.activities is not None and not data.activities.empty:
        acts = data.activities.assign(
            index=[period_index(d, granularity) for d in data.activities["date"]])
        calls, meets = acts[acts["kind"] == "call"], acts[acts["kind"] == "meeting"]
        parts.append(calls.groupby(["rep_id", "index"]).agg(
            dials=("kind", "size"), conversations=("connected", "sum"),
            seconds=("seconds", "sum"), activity_line=("line", "min")))
        parts.append(meets.groupby(["rep_id", "index"]).agg(meetings=("kind", "size")))
    table = pd.concat(parts, axis=1)
    reps = set(credits["rep_id"]) | (set(data.activities["rep_id"])
                                     if data.activities is not None else set())
    spans = table.reset_index().groupby("rep_id")["index"].agg(["min", "max"])
    for q in data.quotas:
        if q.granularity == granularity and q.rep in reps:
            low, high = spans.loc[q.rep] if q.rep in spans.index else (q.index, q.index)
            spans.loc[q.rep] = (min(low, q.index), max(high, q.index))
    full = pd.MultiIndex.from_tuples(
        [(rep, i) for rep, (low, high) in spans.iterrows() for i in range(low, high + 1)],
        names=["rep_id", "index"])
    table = table.reindex(full)
    for column in ("cents", "deals", "pieces", "dials", "conversations", "seconds", "meetings"):
        if column in table:
            table[column] = table[column].fillna(0)
    return table.reset_index()


def deal_history(data: DealData, granularity: str = "month") -> History:
    """The History of the reps' own selling (owner and split credit) and their activities.

    Quotas (revenue, at the same granularity) go on the revenue rows. Reps credited only by
    overlay or roll-up are left out, with a note.
    """
    table = rep_periods(data, granularity, SELLING)
    sellers = set(data.credits.loc[data.credits["role"].isin(SELLING), "rep_id"])
    table = table[table["rep_id"].isin(sellers)]
    quota = {(q.rep, q.index): q.quota for q in data.quotas
             if q.granularity == granularity and q.target == "revenue"}
    wrong = [q for q in data.quotas if q.granularity != granularity]
    if wrong:
        raise InputError(data.quota_source, [Problem(
            f"line {wrong[0].line}", f"quotas are per {wrong[0].granularity}, but the history "
            f"is read per {granularity} (--period {wrong[0].granularity})")])
    records = []
    covered: set[tuple[str, int]] = set()
    if data.activities is not None and not data.activities.empty:
        # activity metrics only where the export covers: its reps, its first to last period
        spans = [period_index(d, granularity) for d in data.activities["date"]]
        covered = {(rep, i) for rep in set(data.activities["rep_id"])
                   for i in range(min(spans), max(spans) + 1)}
    for row in table.itertuples(index=False):
        label = label_of(granularity, row.index)
        season = _season(row.index, granularity)
        line = _first_line(row.line, getattr(row, "activity_line", None))
        key = (row.rep_id, label, row.index, season)
        records.append((*key, "revenue", row.cents / 100.0,
                        quota.get((row.rep_id, row.index), np.nan), line))
        records.append((*key, "deals", float(row.deals), np.nan, line))
        if (row.rep_id, row.index) in covered:
            records.append((*key, "dials", float(row.dials), np.nan, line))
            records.append((*key, "conversations", float(row.conversations), np.nan, line))
            records.append((*key, "talk_time", row.seconds / 3600.0, np.nan, line))
            records.append((*key, "meetings", float(row.meetings), np.nan, line))
    rows = pd.DataFrame.from_records(records, columns=["rep_id", "period", "index", "season",
                                                       "metric", "actual", "quota", "line"])
    rows["actual"] = rows["actual"].astype(np.float64)
    rows["quota"] = rows["quota"].astype(np.float64)
    selling = data.credits[data.credits["role"].isin(SELLING)]
    idx = [period_index(d, granularity) for d in selling["close_date"]]
    deals = pd.DataFrame({"rep_id": selling["rep_id"].to_numpy(), "index": idx,
                          "season": [_season(i, granularity) for i in idx],
                          "close": selling["close_date"].to_numpy(),
                          "amount": selling["credit"].to_numpy() / 100.0,
                          "line": selling["deal_line"].to_numpy()})
    notes = list(data.notes)
    others = sorted(set(data.credits["rep_id"]) - set(selling["rep_id"]))
    if others:
        notes.append(f"{len(others)} rep(s) credited only by overlay or roll-up are not in the "
                     "fitted team: " + ", ".join(shorten(r, 40) for r in others[:10])
                     + (" ..." if len(others) > 10 else ""))
    return History(source=data.source, granularity=granularity,  # type: ignore[arg-type]
                   rows=rows, deals=deals, notes=tuple(notes))


def _first_line(*lines: object) -> int:
    """The first known line of a rep-period (0 when it has no deal and no activity)."""
    known = [int(v) for v in lines if isinstance(v, int | float) and v == v]
    return min(known) if known else 0


def deal_actuals(data: DealData, plan: PlanSpec) -> Actuals:
    """The payout calculator's actuals: every rep-period of the quota file, all credit.

    A rep's revenue is everything credited to them (owner, split, overlay, roll-up). The
    periods paid are those of the quota file. Each plan measure's metric must be one a deal
    export gives (DEAL_METRICS), and each rep-period needs a quota for each measure; a rep
    credited in a paid period without a quota is a problem (it could not be paid).
    """
    granularity = plan.period
    table = rep_periods(data, granularity, ("owner", "split", "overlay", "rollup"))
    problems: list[Problem] = []
    for k, m in enumerate(plan.measures, start=1):
        if m.metric not in DEAL_METRICS:
            problems.append(Problem(f"measures[{k}] ({m.name})", (
                f"metric {m.metric!r} is not in a deal or activity export (it gives "
                f"{', '.join(DEAL_METRICS)})")))
        if m.metric in ("dials", "conversations", "talk_time", "meetings",
                        "avg_call_minutes") and data.activities is None:
            problems.append(Problem(f"measures[{k}] ({m.name})",
                                    f"metric {m.metric!r} needs an activity export (--activities)"))
    if problems:
        raise InputError(plan.name, problems)
    quotas: dict[tuple[str, int, str], float] = {}
    lines: dict[tuple[str, int], int] = {}
    for q in data.quotas:
        if q.granularity != granularity:
            raise InputError(data.quota_source, [Problem(
                f"line {q.line}", f"quotas are per {q.granularity}, but plan {plan.name!r} pays "
                f"per {granularity}")])
        quotas[q.rep, q.index, q.target] = q.quota
        lines.setdefault((q.rep, q.index), q.line)
    by_key = {(r.rep_id, r.index): r for r in table.itertuples(index=False)}
    paid = {index for _, index in lines}
    for (rep, index), row in by_key.items():
        if index in paid and (rep, index) not in lines and row.cents > 0:
            problems.append(Problem("", (
                f"{shorten(rep)!r} is credited {row.cents / 100:,.2f} in "
                f"{label_of(granularity, index)} but has no quota; add a quota row")))
    keys = list(lines)
    actual = np.zeros((len(keys), len(plan.measures)))
    quota = np.zeros_like(actual)
    for i, (rep, index) in enumerate(keys):
        row = by_key.get((rep, index))
        values = _metrics(row)
        for k, m in enumerate(plan.measures):
            target = m.name if data.quotas[0].by == "measure" else m.metric
            amount = quotas.get((rep, index, target))
            if amount is None:
                problems.append(Problem(f"line {lines[rep, index]}", (
                    f"no quota for {shorten(rep)!r} in {label_of(granularity, index)} for "
                    f"measure {m.name!r} (metric {m.metric})")))
                continue
            actual[i, k], quota[i, k] = values[m.metric], amount
            if m.direction == "lower" and values[m.metric] == 0:
                problems.append(Problem(f"line {lines[rep, index]}", (
                    f"{shorten(rep)!r} has no {m.metric} in {label_of(granularity, index)} "
                    f"for lower-is-better measure {m.name!r}")))
    if problems:
        raise InputError(data.quota_source, problems)
    return Actuals(keys=[(rep, label_of(granularity, i)) for rep, i in keys], actual=actual,
                   quota=quota)


def _metrics(row: object | None) -> dict[str, float]:
    """A rep-period's metrics (zeros for a rep-period with nothing credited)."""
    def get(name: str) -> float:
        value = getattr(row, name, 0.0) if row is not None else 0.0
        return float(value) if value == value else 0.0

    conversations = get("conversations")
    talk = get("seconds") / 3600.0
    return {"revenue": get("cents") / 100.0, "deals": get("deals"), "dials": get("dials"),
            "conversations": conversations, "talk_time": talk, "meetings": get("meetings"),
            "avg_call_minutes": talk * 60 / conversations if conversations else 0.0}
