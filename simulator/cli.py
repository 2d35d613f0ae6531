"""`python -m simulator ...`: a thin face over the package's public calls.

Exit codes: 0 success, 2 bad input (one message per problem on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from simulator.errors import InputError

EXIT_OK = 0
EXIT_BAD_INPUT = 2

Command = Callable[[argparse.Namespace], int]
_COMMANDS: dict[str, Command] = {}


def _command(name: str) -> Callable[[Command], Command]:
    def register(func: Command) -> Command:
        _COMMANDS[name] = func
        return func

    return register


@_command("validate")
def _validate(args: argparse.Namespace) -> int:
    from simulator.spec import load_plan

    status = EXIT_OK
    for path in args.files:
        try:
            load_plan(path)
        except InputError as error:
            print(error, file=sys.stderr)
            status = EXIT_BAD_INPUT
        else:
            print(f"{path}: ok")
    return status


@_command("payout")
def _payout(args: argparse.Namespace) -> int:
    from simulator.actuals import payout_table, read_actuals
    from simulator.export import csv_bytes, write_atomically
    from simulator.spec import load_plan

    plan = load_plan(args.plan)
    table = payout_table(plan, read_actuals(args.actuals, plan))
    data = csv_bytes(table)
    if args.output:
        write_atomically(args.output, data)
        print(f"{args.output}: {len(table)} rep-periods, total incentive "
              f"{table['total_incentive'].sum():,.2f}", file=sys.stderr)
    else:
        sys.stdout.write(data.decode("utf-8"))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
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
    p.add_argument("actuals", metavar="ACTUALS.csv")
    p.add_argument("-o", "--output", metavar="OUT.csv", help="write here instead of stdout")

    for extend in _PARSER_EXTENSIONS:
        extend(sub)
    return parser


_PARSER_EXTENSIONS: list[Callable[[argparse._SubParsersAction], None]] = []  # type: ignore[type-arg]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except InputError as error:
        print(error, file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
