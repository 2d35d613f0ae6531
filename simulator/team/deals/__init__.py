"""Deal-level CRM exports -> the rep-period results that calibrate and payout read.

The opportunity export (one row per deal: owner, close date, amount, stage) and, when
given, an activity export, a splits file, a hierarchy file, a quota file and a mapping
file. Every file is checked whole and every problem reported with its file and line;
nothing is computed from a set of files with any problem in it. The modules, in the order
the data flows: `cells` (amounts, dates, durations, shares), `columns` (the usual headers,
the mapping file), `opportunities` (won deals), `crediting` (splits, overlays, roll-ups:
the crediting report), `activities`, `quotas`, `build` (-> `History`, `Actuals`).
docs/CALIBRATION.md ("Deal-level exports") describes the formats.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from simulator.base.csvfile import read_text
from simulator.base.errors import InputError, Problem, printable
from simulator.plan.currency import ISO_4217
from simulator.team.deals.activities import parse_activities
from simulator.team.deals.build import DEAL_METRICS, DealData, deal_actuals, deal_history
from simulator.team.deals.columns import NO_MAPPING, Mapping, mapping_from_text, read_mapping
from simulator.team.deals.crediting import credit, near_misses, parse_hierarchy, parse_splits
from simulator.team.deals.opportunities import parse_opportunities
from simulator.team.deals.quotas import parse_quotas

__all__ = ["DEAL_METRICS", "NO_MAPPING", "DealData", "DealInputError", "Mapping",
           "deal_actuals", "deal_history", "mapping_from_text", "parse_deals", "read_deals",
           "read_mapping"]

Text = tuple[str, str]
"""A file's text and its name (the source its problems carry)."""


class DealInputError(InputError):
    """Problems in several of the deal files at once: each line names its own file."""

    def __init__(self, errors: list[InputError]):
        self.errors = errors
        super().__init__(errors[0].source, [p for e in errors for p in e.problems])

    def __str__(self) -> str:
        errors = getattr(self, "errors", None)
        if not errors:
            return super().__str__()
        return "\n".join(str(e) for e in errors)


def parse_deals(opportunities: Text, activities: Text | None = None, splits: Text | None = None,
                hierarchy: Text | None = None, quotas: Text | None = None,
                mapping: Mapping = NO_MAPPING) -> DealData:
    """Read and check every file, credit the won deals; raise with every file's problems."""
    errors: list[InputError] = []

    def attempt(read: Callable[[], Any]) -> Any:
        try:
            return read()
        except InputError as error:
            errors.append(error)
            return None

    opps = attempt(lambda: parse_opportunities(*opportunities, mapping))
    split_rows = attempt(lambda: parse_splits(*splits, mapping)) if splits else ()
    links = attempt(lambda: parse_hierarchy(*hierarchy, mapping)) if hierarchy else ()
    acts = attempt(lambda: parse_activities(*activities, mapping)) if activities else None
    quota_rows = attempt(lambda: parse_quotas(*quotas, mapping)) if quotas else ()
    if opps is not None:
        owners = {d.owner for d in opps.deals}
        for text, rows, names in (
                (splits, split_rows, lambda rs: {r.rep for r in rs}),
                (hierarchy, links, lambda rs: {r.rep for r in rs} | {r.manager for r in rs}),
                (quotas, quota_rows, lambda rs: {r.rep for r in rs})):
            if text is None or not rows:
                continue
            misses = near_misses(names(rows), owners)
            if misses:
                errors.append(InputError(text[1], [Problem("", (
                    f"rep {printable(a)!r} is not an owner in {opportunities[1]}; did you mean "
                    f"{printable(b)!r}? (names must be written the same way)"))
                    for a, b in misses]))
    if errors:
        raise DealInputError(errors)
    credits = attempt(lambda: credit(
        opps.deals, split_rows or (), links or (), splits[1] if splits else "<splits>",
        hierarchy[1] if hierarchy else "<hierarchy>", opps.all_ids))
    if errors:
        raise DealInputError(errors)
    notes = []
    if opps.not_won:
        notes.append(f"{opps.not_won} deal(s) in open or lost stages left out")
    if len(opps.currencies) > 1:
        notes.append(f"amounts in {', '.join(opps.currencies)} converted by the mapping's rates")
    base = mapping.currency.base.upper() if mapping.currency else None
    single = opps.currencies[0] if len(opps.currencies) == 1 else None
    base, single = (c if c in ISO_4217 else None for c in (base, single))  # codes only
    return DealData(source=opportunities[1], credits=credits, activities=acts,
                    quotas=quota_rows or (), quota_source=quotas[1] if quotas else "<quotas>",
                    not_won=opps.not_won, notes=tuple(notes), currency=base or single)


def read_deals(opportunities: str | Path, activities: str | Path | None = None,
               splits: str | Path | None = None, hierarchy: str | Path | None = None,
               quotas: str | Path | None = None, mapping: str | Path | None = None
               ) -> DealData:
    """Read the deal files from disk (`parse_deals`); the mapping file first."""
    rules = read_mapping(mapping)
    errors: list[InputError] = []

    def text(path: str | Path | None) -> Text | None:
        if path is None:
            return None
        try:
            return read_text(path), str(path)
        except InputError as error:
            errors.append(error)
            return None

    files = [text(p) for p in (opportunities, activities, splits, hierarchy, quotas)]
    if errors:
        raise DealInputError(errors)
    first, activity, split, links, quota = files
    if first is None:  # pragma: no cover - its read error was raised above
        raise DealInputError(errors)
    return parse_deals(first, activity, split, links, quota, mapping=rules)
