"""Who is credited with each won deal: the owner, split shares, overlays, managers.

- **Owner**: a deal without split rows credits its owner in full.
- **Splits** (`SPLITS.csv`: deal, rep, share, optionally role): split rows of a deal share
  its amount; their shares must sum to 1 (100%), or the problem is reported. The amount is
  divided in whole cents by largest remainder, so the pieces add up to the deal exactly.
- **Overlays** (role `overlay`): a rep credited beside the sellers (in full unless a share
  is given); overlay credit does not reduce anyone's and is not rolled up.
- **Roll-ups** (`HIERARCHY.csv`: rep, manager, from, to): each selling credit (owner or
  split) is also credited to the rep's manager on the deal's close date, and to that
  manager's manager, and so on; `to` blank is open-ended, both dates inclusive.

`Credits.rows` lists every credit: the crediting report, one row per deal and destination.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from simulator.base.csvfile import CsvRows, text_problem
from simulator.base.errors import InputError, Problem
from simulator.base.validation import normal_name, shorten
from simulator.team.deals.cells import CellError, date_order_in, parse_date, parse_share
from simulator.team.deals.columns import Mapping, find_columns, fold, header_of
from simulator.team.deals.opportunities import Deal

SHARE_TOLERANCE = 1e-6
"""Split shares of a deal summing to within this of 1 sum to 1 (60% + 40% in floats)."""
SPLIT_ROLES = ("split", "revenue", "revenue split", "sales")
OVERLAY_ROLES = ("overlay", "overlay split", "specialist")
CREDIT_COLUMNS = ["deal_id", "deal_line", "close_date", "deal_amount", "rep_id", "role", "share",
                  "credit", "via"]


@dataclass(frozen=True)
class SplitRow:
    """One line of the splits file."""

    deal_id: str
    rep: str
    share: float
    overlay: bool
    line: int


@dataclass(frozen=True)
class Link:
    """One line of the hierarchy file: rep reports to manager from start to end."""

    rep: str
    manager: str
    start: dt.date
    end: dt.date | None
    line: int


def _table(text: str, source: str, kind: str, mapping: Mapping) -> tuple[CsvRows, dict[str, str]]:
    found, missing = find_columns(header_of(text), kind, mapping)  # type: ignore[arg-type]
    if missing:
        raise InputError(source, [Problem("line 1", m) for m in missing])
    return CsvRows(text, source, tuple(found.values())), found


def parse_splits(text: str, source: str, mapping: Mapping) -> tuple[SplitRow, ...]:
    """Read a splits file; shares must sum to 1 per deal (InputError with every problem)."""
    table, found = _table(text, source, "splits", mapping)
    percent = any(w in found["share"].lower() for w in ("%", "percent"))
    problems = table.problems
    rows: list[SplitRow] = []
    seen: dict[tuple[str, str], int] = {}
    for line, cells in table:
        cell = {role: cells[name] for role, name in found.items()}
        row = [p for role in ("deal_id", "rep", "role") if role in cell
               and (p := text_problem(found[role], cell[role])) is not None]
        deal, rep = normal_name(cell["deal_id"]), normal_name(cell["rep"])
        if not deal:
            row.append(f"{found['deal_id']} is empty")
        if not rep:
            row.append(f"{found['rep']} is empty")
        role = normal_name(cell.get("role", "")).lower() or "split"
        if role not in (*SPLIT_ROLES, *OVERLAY_ROLES):
            row.append(f"role {shorten(role)!r} is neither a split ({', '.join(SPLIT_ROLES)}) "
                       f"nor an overlay ({', '.join(OVERLAY_ROLES)})")
        overlay = role in OVERLAY_ROLES
        share = 1.0
        if cell["share"].strip() or not overlay:
            try:
                share = parse_share(cell["share"], percent)
            except CellError as error:
                row.append(f"{found['share']} {error}")
        key = (deal, rep)
        if key in seen:
            row.append(f"rep {shorten(rep)!r} is credited twice on deal {shorten(deal)!r} "
                       f"(first on line {seen[key]})")
        else:
            seen[key] = line
        problems.extend(Problem(f"line {line}", p) for p in row)
        if not row:
            rows.append(SplitRow(deal, rep, share, overlay, line))
    by_deal: dict[str, list[SplitRow]] = defaultdict(list)
    for r in rows:
        if not r.overlay:
            by_deal[r.deal_id].append(r)
    for deal, split in by_deal.items():
        total = sum(r.share for r in split)
        if abs(total - 1.0) > SHARE_TOLERANCE:
            lines = ", ".join(str(r.line) for r in split)
            problems.append(Problem(f"line {split[0].line}", (
                f"split shares of deal {shorten(deal)!r} sum to {total:.6g} "
                f"({total * 100:.4g}%, lines {lines}), not 1 (100%)")))
    table.raise_if_problems()
    return tuple(rows)


def parse_hierarchy(text: str, source: str, mapping: Mapping) -> tuple[Link, ...]:
    """Read a hierarchy file; a rep's periods under managers must not overlap."""
    table, found = _table(text, source, "hierarchy", mapping)
    order = mapping.date_order or date_order_in(
        text, [found[role] for role in ("start", "end") if role in found])
    problems = table.problems
    links: list[Link] = []
    for line, cells in table:
        cell = {role: cells[name] for role, name in found.items()}
        row = [p for role in ("rep", "manager") if (p := text_problem(found[role], cell[role]))]
        rep, manager = normal_name(cell["rep"]), normal_name(cell["manager"])
        if not rep or not manager:
            row.append("rep and manager must both be given")
        elif rep == manager:
            row.append(f"{shorten(rep)!r} cannot be their own manager")
        start = end = None
        try:
            start = parse_date(cell["start"], order)
        except CellError as error:
            row.append(f"{found['start']} {error}")
        if cell.get("end", "").strip():
            try:
                end = parse_date(cell["end"], order)
            except CellError as error:
                row.append(f"{found['end']} {error}")
        if start is not None and end is not None and end < start:
            row.append(f"ends ({end}) before it starts ({start})")
        problems.extend(Problem(f"line {line}", p) for p in row)
        if not row and start is not None:
            links.append(Link(rep, manager, start, end, line))
    by_rep: dict[str, list[Link]] = defaultdict(list)
    for link in links:
        by_rep[link.rep].append(link)
    for spans in by_rep.values():
        spans.sort(key=lambda k: k.start)
        for a, b in zip(spans, spans[1:], strict=False):
            if a.end is None or a.end >= b.start:
                problems.append(Problem(f"line {b.line}", (
                    f"{shorten(b.rep)!r} reports to {shorten(b.manager)!r} from {b.start}, but "
                    f"still to {shorten(a.manager)!r} then (line {a.line})")))
    table.raise_if_problems()
    return tuple(links)


def _allocate(total: int, shares: list[float]) -> list[int]:
    """Whole cents of `total` in proportion to shares (summing to 1), by largest remainder."""
    exact = [total * s for s in shares]
    whole = [int(x // 1) for x in exact]
    left = total - sum(whole)
    order = sorted(range(len(shares)), key=lambda i: (-(exact[i] - whole[i]), i))
    for i in order[:left]:
        whole[i] += 1
    return whole


def manager_of(links: tuple[Link, ...]) -> dict[str, list[Link]]:
    """Each rep's links, for `_managers`."""
    out: dict[str, list[Link]] = defaultdict(list)
    for link in links:
        out[link.rep].append(link)
    return out


def credit(deals: tuple[Deal, ...], splits: tuple[SplitRow, ...] = (),
           links: tuple[Link, ...] = (), source: str = "<splits>",
           hierarchy_source: str = "<hierarchy>", known_ids: frozenset[str] | None = None
           ) -> pd.DataFrame:
    """Every credit of every won deal: the crediting report, one row per destination.

    Columns CREDIT_COLUMNS; `credit` and `deal_amount` in whole cents, `role` one of owner,
    split, overlay, rollup; `via` the rep whose credit a manager's roll-up comes from.
    Raises InputError for splits naming deals the export does not have, and for a
    hierarchy cycle.
    """
    ids = {d.deal_id for d in deals}
    problems = [Problem(f"line {r.line}", f"deal {shorten(r.deal_id)!r} is not in the "
                        "opportunity export")
                for r in splits if r.deal_id not in ids
                and (known_ids is None or r.deal_id not in known_ids)]
    if problems:
        raise InputError(source, problems)
    by_deal: dict[str, list[SplitRow]] = defaultdict(list)
    for r in splits:
        by_deal[r.deal_id].append(r)
    reports = manager_of(links)
    records: list[tuple[object, ...]] = []
    cycles: list[Problem] = []
    for d in deals:
        rows = by_deal.get(d.deal_id, [])
        split = [r for r in rows if not r.overlay]
        base = (d.deal_id, d.line, d.close, d.amount_cents)
        if split:
            pieces = _allocate(d.amount_cents, [r.share for r in split])
            selling = [(r.rep, "split", r.share, c) for r, c in zip(split, pieces, strict=True)]
        else:
            selling = [(d.owner, "owner", 1.0, d.amount_cents)]
        for rep, role, share, amount in selling:
            records.append((*base, rep, role, share, amount, ""))
            chain = [rep]
            manager = _manager(reports, rep, d.close)
            while manager is not None:
                if manager in chain:
                    cycles.append(Problem("", f"managers form a cycle on {d.close}: "
                                          + " -> ".join([*chain, manager])))
                    break
                records.append((*base, manager, "rollup", share, amount, rep))
                chain.append(manager)
                manager = _manager(reports, manager, d.close)
        for r in rows:
            if r.overlay:
                records.append((*base, r.rep, "overlay", r.share,
                                _allocate(d.amount_cents, [r.share, 1 - r.share])[0], ""))
    if cycles:
        raise InputError(hierarchy_source, list(dict.fromkeys(cycles)))
    return pd.DataFrame.from_records(records, columns=CREDIT_COLUMNS)


def _manager(reports: dict[str, list[Link]], rep: str, day: dt.date) -> str | None:
    for link in reports.get(rep, ()):
        if link.start <= day and (link.end is None or day <= link.end):
            return link.manager
    return None


def near_misses(names: set[str], others: set[str]) -> list[tuple[str, str]]:
    """Pairs (name, other) that differ only in case or spacing: likely one person twice."""
    folded = {fold(o): o for o in others}
    return [(n, folded[fold(n)]) for n in sorted(names)
            if n not in others and fold(n) in folded]
