"""An opportunity export (one row per deal) -> the won deals, every problem with its line.

Only won deals count. A stage is won when it is one of WON_STAGES or the mapping's
`won_stages`; it is not when it is one of OTHER_STAGES (the open and lost stages of
Salesforce's and HubSpot's default pipelines) or the mapping's `other_stages`. Any other
stage is a problem: the reader does not guess whether "Booked" is won.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from simulator.base.csvfile import CsvRows, text_problem
from simulator.base.errors import InputError, Problem
from simulator.base.limits import MAX_ACTUAL
from simulator.base.validation import normal_name, shorten
from simulator.team.deals.cells import (
    CellError,
    cents,
    currency_of,
    date_order_in,
    parse_amount,
    parse_date,
)
from simulator.team.deals.columns import Mapping, find_columns, fold, header_of

WON_STAGES = ("Closed Won", "Won", "Closed - Won", "Closed/Won", "closedwon", "Booked Won")
OTHER_STAGES = (
    "Prospecting", "Qualification", "Needs Analysis", "Value Proposition",
    "Id. Decision Makers", "Perception Analysis", "Proposal/Price Quote",
    "Negotiation/Review", "Closed Lost", "Lost", "Closed - Lost", "Closed/Lost",
    "Appointment scheduled", "Qualified to buy", "Presentation scheduled",
    "Decision maker bought-in", "Contract sent", "closedlost", "appointmentscheduled",
    "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin", "contractsent",
    "Open", "Discovery", "Demo", "Proposal", "Negotiation",
)


@dataclass(frozen=True)
class Deal:
    """One won deal: where it is in the file, who owns it, when it closed, its amount."""

    deal_id: str
    owner: str
    close: dt.date
    amount_cents: int  # in the base currency
    line: int


@dataclass(frozen=True)
class Opportunities:
    """The won deals of an export, and how many rows were other stages."""

    source: str
    deals: tuple[Deal, ...]
    not_won: int
    currencies: tuple[str, ...]  # the currencies the amounts were in
    all_ids: frozenset[str] = frozenset()  # every deal of the file, won or not


def _stage(text: str, known: set[str]) -> str:
    """A stage folded; "Closed won (Sales Pipeline)" reads "Closed won".

    HubSpot may name the pipeline beside the stage.
    """
    folded = fold(text)
    if folded not in known and (cut := re.fullmatch(r"(.*?)\s*\([^()]*\)\s*", text)):
        return fold(cut[1])
    return folded


def parse_opportunities(text: str, source: str, mapping: Mapping) -> Opportunities:
    """Read an opportunity export; raise InputError listing every problem with its line."""
    header = header_of(text)
    found, missing = find_columns(header, "opportunities", mapping)
    if mapping.all_won:  # an export of won deals only: no stage column needed
        missing = [m for m in missing if not m.startswith("no stage column")]
    if missing:
        raise InputError(source, [Problem("line 1", m) for m in missing])
    roles = list(found)
    table = CsvRows(text, source, tuple(found[r] for r in roles))
    order = mapping.date_order or date_order_in(text, [found["close_date"]])
    won = {fold(s) for s in (*WON_STAGES, *mapping.won_stages)}
    mapping_won = {fold(s) for s in mapping.won_stages}
    other = {fold(s) for s in (*OTHER_STAGES, *mapping.other_stages)} - mapping_won
    won -= {fold(s) for s in mapping.other_stages}
    problems = table.problems
    rows: list[tuple[int, str, str, dt.date, float, str | None]] = []
    first_line: dict[str, int] = {}
    not_won = 0
    every: set[str] = set()
    for line, cells in table:
        cell = {role: cells[found[role]] for role in roles}
        where = f"line {line}"
        row = [p for role in ("owner", "stage", "deal_id", "currency") if role in cell
               and (p := text_problem(found[role], cell[role])) is not None]
        stage = (next(iter(won)) if mapping.all_won or "stage" not in cell
                 else _stage(cell["stage"], won | other))
        deal_id = normal_name(cell.get("deal_id", "")) or f"line {line}"
        if stage in other:
            not_won += 1
            every.add(deal_id)
            problems.extend(Problem(where, p) for p in row)
            continue
        if stage not in won:
            row.append(f"unknown stage {shorten(normal_name(cell['stage']))!r}: say in a mapping "
                       "file whether it is won (won_stages) or not (other_stages)")
        owner = normal_name(cell["owner"])
        if not owner:
            row.append(f"{found['owner']} is empty")
        if deal_id in first_line:
            row.append(f"deal {shorten(deal_id)!r} appears twice (first on line "
                       f"{first_line[deal_id]})")
        else:
            first_line[deal_id] = line
        try:
            close = parse_date(cell["close_date"], order)
        except CellError as error:
            row.append(f"{found['close_date']} {error}")
            close = None
        try:
            amount = parse_amount(cell["amount"], mapping.decimal)
            if amount < 0:
                row.append(f"{found['amount']} {amount:,.2f} is negative for a won deal")
            elif amount > MAX_ACTUAL:
                row.append(f"{found['amount']} {amount:g} is larger than {MAX_ACTUAL:g}")
        except CellError as error:
            row.append(f"{found['amount']} {error}")
            amount = None
        currency = normal_name(cell.get("currency", "")).upper() or currency_of(cell["amount"])
        problems.extend(Problem(where, p) for p in row)
        if not row and close is not None and amount is not None:
            rows.append((line, deal_id, owner, close, amount, currency))
    currencies = sorted({c for *_, c in rows if c})
    deals = []
    rates = dict(mapping.currency.rates) if mapping.currency else {}
    base = mapping.currency.base.upper() if mapping.currency else None
    if base:
        rates[base] = 1.0
    rates = {k.upper(): v for k, v in rates.items()}
    several = len(currencies) > 1 or (base is not None and currencies and currencies != [base])
    for line, deal_id, owner, close, amount, currency in rows:
        rate = 1.0
        if several:
            currency = currency or base
            if currency is None:
                problems.append(Problem(f"line {line}", "amount names no currency, but the file "
                                        f"has several ({', '.join(currencies)})"))
                continue
            if currency not in rates:
                problems.append(Problem(
                    f"line {line}", f"amount in {shorten(currency)} but no rate for it: give "
                    "`currency: {base: ..., rates: {" + shorten(currency) + ": ...}}` in a "
                    "mapping file"))
                continue
            rate = rates[currency]
        deals.append(Deal(deal_id, owner, close, cents(amount * rate), line))
    if not first_line and not not_won and not problems:
        problems.append(Problem("", "no data rows"))
    elif not deals and not problems:
        problems.append(Problem("", f"no won deals ({not_won} rows in other stages); name the "
                                "won stages in a mapping file (won_stages)"))
    table.raise_if_problems()
    return Opportunities(source, tuple(deals), not_won, tuple(currencies),
                         frozenset(every | set(first_line)))
