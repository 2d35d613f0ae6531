"""The command line's arguments: every command, every flag, and their bounds.

Every count a flag takes is a whole number of ASCII digits with a minimum and a maximum
(`simulator.base.limits`), so that `--trials 1000000000` or `--workers 1000` is a usage
error naming the flag (exit 2) rather than a MemoryError or a thousand processes.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Callable
from typing import Any

from simulator.base.errors import InputError, printable
from simulator.base.limits import (
    MAX_MODEL_DRAWS,
    MAX_NAME_CHARS,
    MAX_REPEATS,
    MAX_REPS,
    MAX_SEED,
    MAX_TRIALS,
)

MAX_WORKERS = os.cpu_count() or 1
"""`--workers` at most, and by default: the machine's cores."""
MAX_YEARS = 10
"""`--years` at most: a ratchet's effect settles within a few plan years."""
DEFAULT_TRIALS = 2000
"""Plan years of `compare` and `health` (results.comparison.DEFAULT_TRIALS, as the app)."""

_WHOLE = re.compile(r"[-+]?[0-9]{1,30}")


def _whole_number(minimum: int, maximum: int) -> Callable[[str], int]:
    """An argparse type: a whole number (ASCII digits) from `minimum` to `maximum`."""

    def parse(text: str) -> int:
        if not _WHOLE.fullmatch(text.strip()):
            shown = printable(text if len(text) <= 40 else text[:37] + "...")
            raise argparse.ArgumentTypeError(f"{shown!r} is not a whole number")
        value = int(text)
        if not minimum <= value <= maximum:
            raise argparse.ArgumentTypeError(
                f"must be from {minimum:,} to {maximum:,}, not {value:,}")
        return value

    return parse


def _team_name(text: str) -> str:
    """An argparse type: a team's name by the names' rule (1-200 characters, no controls)."""
    from simulator.base.validation import Frozen, Text, validate_model

    class Named(Frozen):
        name: Text

    try:
        return validate_model(Named, {"name": text}, "--name").name
    except InputError as error:
        raise argparse.ArgumentTypeError(error.problems[0].message) from None


_trials = _whole_number(1, MAX_TRIALS)
_seed = _whole_number(0, MAX_SEED)


def deal_options(p: argparse.ArgumentParser, quotas_help: str) -> None:
    """The flags of deal-level CRM exports (docs/CALIBRATION.md, "Deal-level exports")."""
    p.add_argument("--deals", metavar="OPPORTUNITIES.csv",
                   help="an opportunity export (one row per deal; Salesforce and HubSpot "
                   "headers are recognised), instead of the long CSV")
    p.add_argument("--activities", metavar="ACTIVITIES.csv",
                   help="with --deals: an activity export (calls, meetings)")
    p.add_argument("--splits", metavar="SPLITS.csv",
                   help="with --deals: split and overlay credit (deal, rep, share, role)")
    p.add_argument("--hierarchy", metavar="HIERARCHY.csv",
                   help="with --deals: managers credited with their reps' deals (rep, "
                   "manager, from, to)")
    p.add_argument("--quotas", metavar="QUOTAS.csv", help=quotas_help)
    p.add_argument("--mapping", metavar="MAP.yaml",
                   help="with --deals: column names, won stages, date order, decimal comma, "
                   "currency rates of exports the reader does not know")
    p.add_argument("--credit-report", metavar="CREDITS.csv",
                   help="with --deals: write the crediting report (every credit of every "
                   "won deal) here")


DEAL_FLAGS = ("activities", "splits", "hierarchy", "quotas", "mapping", "credit_report")


def check_deal_flags(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """A usage error (exit 2) unless exactly one of the long CSV and --deals is given.

    The deal flags come only with --deals.
    """
    if not hasattr(args, "deals"):
        return
    if args.command == "backtest":  # ACTUALS.csv PLAN..., or --deals ... PLAN...
        files = list(args.files)
        args.actuals = None if args.deals is not None else files.pop(0)
        args.plans = files
        if not files:
            parser.error("backtest: give ACTUALS.csv (or --deals) and at least one PLAN.yaml")
    long_csv = getattr(args, "history", None) or getattr(args, "actuals", None)
    name = "HISTORY.csv" if hasattr(args, "history") else "ACTUALS.csv"
    if args.deals is None:
        if long_csv is None:
            parser.error(f"{args.command}: give {name} or --deals OPPORTUNITIES.csv")
        given = [f"--{f.replace('_', '-')}" for f in DEAL_FLAGS if getattr(args, f, None)]
        if given:
            parser.error(f"{args.command}: {given[0]} goes with --deals, not with {name}")
    elif long_csv is not None:
        parser.error(f"{args.command}: give {name} or --deals, not both")


def build_parser(commands: dict[str, Any] | None = None) -> argparse.ArgumentParser:
    """The command-line interface; `commands` (name -> function) gains the boardroom's."""
    from simulator.faces import boardroom, design

    parser = argparse.ArgumentParser(
        prog="python -m simulator",
        description="Simulate how sales reps respond to incentive-plan designs.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check plan files", description="Check plan files.")
    p.add_argument("files", nargs="+", metavar="PLAN.yaml")

    p = sub.add_parser(
        "payout",
        help="exact payouts of real results",
        description="Exact payout per rep and period of real results "
        "(CSV columns rep_id,period,measure,actual,quota).",
    )
    p.add_argument("plan", metavar="PLAN.yaml")
    p.add_argument("actuals", metavar="ACTUALS.csv", nargs="?",
                   help="the long CSV; or give the deal exports with --deals")
    p.add_argument("-o", "--output", metavar="OUT.csv", help="write here instead of stdout")
    deal_options(p, quotas_help="quota per rep and period (rep_id,period,quota and "
                 "optionally measure or metric); needed with --deals")
    p.add_argument("--adjustments", metavar="ADJUSTMENTS.csv",
                   help="manual lines (rep_id,period,amount,reason), negative allowed")

    p = sub.add_parser(
        "backtest",
        help="pay last year's real results under each plan, side by side",
        description="Pay an actuals CSV under every plan with the exact calculator: totals, "
        "pay per rep, winners and losers against the first plan.",
    )
    p.add_argument("files", metavar="FILE", nargs="+",
                   help="ACTUALS.csv, then the plans; with --deals, the plans only")
    p.add_argument("-o", "--output", metavar="OUT.csv", help="pay per rep and plan, as CSV")
    deal_options(p, quotas_help="quota per rep and period (rep_id,period,quota and "
                 "optionally measure or metric); needed with --deals")

    p = sub.add_parser(
        "team", help="show a team and its metrics", description="Show a team and its metrics."
    )
    p.add_argument("--team", metavar="FILE", help="team file (default plans/teams/default.yaml)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser(
        "compare",
        help="compare plan designs",
        description="Simulate plan years of the team under each plan (same reps, same luck) "
        "and compare sales, payout and behaviour against the first plan.",
    )
    p.add_argument("plans", nargs="+", metavar="PLAN.yaml")
    p.add_argument("--team", metavar="FILE", help="team file (default plans/teams/default.yaml)")
    p.add_argument("--trials", type=_trials, default=DEFAULT_TRIALS,
                   help=f"plan years (default {DEFAULT_TRIALS:,}, at most {MAX_TRIALS:,})")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    p.add_argument("--behavior", choices=("adaptive", "static"), default="adaptive",
                   help="adaptive: reps respond to the plan; static: everyone at normal effort")
    p.add_argument("--reference", metavar="PLAN",
                   help="the plan (name or file) the others are compared with; it is listed "
                   "first (default: the first plan given)")
    p.add_argument("--workers", type=_whole_number(1, MAX_WORKERS), default=MAX_WORKERS,
                   help="processes running chunks in parallel (results do not change; "
                   f"default and at most the {MAX_WORKERS} cores here)")
    p.add_argument("--model-draws", type=_whole_number(0, MAX_MODEL_DRAWS), default=0,
                   metavar="K",
                   help="also run K sets of behaviour parameters spread over the team's "
                   "model_ranges and report each figure's model range (default 0: none, "
                   f"at most {MAX_MODEL_DRAWS})")
    p.add_argument("--draw-trials", type=_trials, default=400, metavar="N",
                   help="plan years per model draw (default 400)")
    p.add_argument("--years", type=_whole_number(1, MAX_YEARS), default=1, metavar="N",
                   help="consecutive plan years per trial: deals carried over, ratcheted "
                   f"quotas reset from last year's result; figures per year (default 1, "
                   f"at most {MAX_YEARS})")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    boardroom.budget_options(p)

    p = sub.add_parser(
        "calibrate",
        help="fit a team to a CRM history",
        description="Fit the team model to a history CSV (columns rep_id,period,metric,actual "
        "and optionally quota; periods 2025-03 or 2025-Q1) and write a team file. "
        "See docs/CALIBRATION.md.",
    )
    p.add_argument("history", metavar="HISTORY.csv", nargs="?",
                   help="the long CSV; or give the deal exports with --deals")
    p.add_argument("-o", "--output", metavar="TEAM.yaml", help="write the team file here")
    deal_options(p, quotas_help="revenue quota per rep and period (rep_id,period,quota), "
                 "with --deals")
    p.add_argument("--period", choices=("month", "quarter"), default="month",
                   help="with --deals: total the deals per month (default) or quarter")
    p.add_argument("--name", type=_team_name,
                   help=f"the team's name, up to {MAX_NAME_CHARS} characters (default: from "
                   "the file name)")
    p.add_argument("--base", metavar="FILE",
                   help="team whose effort, behaviour and tasks to keep (default team if absent)")
    p.add_argument("--plan", metavar="PLAN.yaml",
                   help="the plan the history was earned under: it becomes the team's "
                   "incumbent, which defines normal effort, so that this plan, simulated, "
                   "reproduces the history (default: no incumbent)")
    p.add_argument("--seed", type=_seed, default=0,
                   help="seed of the goodness-of-fit replicates (default 0)")
    p.add_argument("--json", action="store_true", help="print the fit as one JSON object")

    p = sub.add_parser(
        "health",
        help="check a plan against the rules of practice",
        description="Simulate a plan (adaptive behaviour) and report its health findings: "
        "reach of threshold, quota and top of the curve, dead zones, cap cliffs, light "
        "measures, late announcement, activity pay. Exit 0 for any valid plan.",
    )
    p.add_argument("plan", metavar="PLAN.yaml")
    p.add_argument("--team", metavar="FILE", help="team file (default plans/teams/default.yaml)")
    p.add_argument("--trials", type=_trials, default=DEFAULT_TRIALS,
                   help=f"plan years (default {DEFAULT_TRIALS:,}, as compare and the app; at "
                   f"most {MAX_TRIALS:,})")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("bench", help="time the engine", description="Time the engine.")
    p.add_argument("--trials", type=_trials, default=10_000)
    p.add_argument("--quick-trials", type=_trials, default=2_000)
    p.add_argument("--repeats", type=_whole_number(1, MAX_REPEATS), default=3)
    p.add_argument("--draws", type=_whole_number(1, MAX_MODEL_DRAWS), default=8,
                   help="behaviour-model draws of the draws benchmark (default 8)")
    p.add_argument("--draw-trials", type=_trials, default=400,
                   help="plan years per draw (default 400)")
    p.add_argument("--workers", type=_whole_number(1, MAX_WORKERS), default=MAX_WORKERS,
                   help=f"processes running the chunks (default the {MAX_WORKERS} cores)")
    p.add_argument("--memory-reps", type=_whole_number(0, MAX_REPS), default=10_000,
                   metavar="N", help="reps of the memory run, one plan (default 10,000; 0: "
                   "no memory run)")
    p.add_argument("--memory-trials", type=_trials, default=10_000, metavar="N",
                   help="trials of the memory run (default 10,000)")
    p.add_argument("--sweep-points", type=_whole_number(0, 200), default=50, metavar="N",
                   help="points of the sweep run, one plan at the quick trials (default 50; "
                   "0: no sweep run)")
    p.add_argument("--json", action="store_true", help="print JSON")
    if commands is not None:
        boardroom.add_commands(sub, commands)
        design.add_commands(sub, commands)
    return parser
