"""`python -m simulator ...`: a thin face over the package's public calls.

Exit codes: 0 success, 2 bad input (one message per problem on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from simulator.base.errors import InputError
from simulator.faces import boardroom

EXIT_OK = 0
EXIT_BAD_INPUT = 2
MAX_YEARS = 10  # plan years per trial: a ratchet's effect settles within a few
DEFAULT_TRIALS = 2000
"""Plan years of `compare` and `health` (results.comparison.DEFAULT_TRIALS, as the app)."""

Command = Callable[[argparse.Namespace], int]
_COMMANDS: dict[str, Command] = {}


def _command(name: str) -> Callable[[Command], Command]:
    def register(func: Command) -> Command:
        _COMMANDS[name] = func
        return func

    return register


@_command("validate")
def _validate(args: argparse.Namespace) -> int:
    from simulator.plan.spec import load_plan

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
    from simulator.plan.actuals import payout_table, read_actuals
    from simulator.plan.spec import load_plan
    from simulator.results.export import csv_bytes, write_atomically

    plan = load_plan(args.plan)
    table = payout_table(plan, read_actuals(args.actuals, plan))
    data = csv_bytes(table)
    if args.output:
        try:
            write_atomically(args.output, data)
        except OSError as exc:
            raise InputError.single(
                args.output, "", f"cannot write file: {exc.strerror or exc}"
            ) from None
        print(f"{args.output}: {len(table)} rep-periods, total incentive "
              f"{table['total_incentive'].sum():,.2f}", file=sys.stderr)
    else:
        sys.stdout.write(data.decode("utf-8"))
    return EXIT_OK


def _load_team(path: str | None):  # type: ignore[no-untyped-def]
    from simulator.team.spec import load_team

    return load_team(path)


@_command("team")
def _team(args: argparse.Namespace) -> int:
    import json

    from simulator.base.metrics import METRICS

    team = _load_team(args.team)
    info = {
        "name": team.name,
        "description": team.description,
        "reps": team.size,
        "team": team.model_dump(mode="json"),
        "metrics": [
            {"name": m.name, "unit": m.unit, "kind": m.kind, "luck": m.luck,
             "description": m.description}
            for m in METRICS.values()
        ],
    }
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        print(f"{team.name}: {team.size} reps. {team.description}".strip())
        print("\nMetrics that plan measures can name:")
        for m in METRICS.values():
            print(f"  {m.name:18s} {m.unit:26s} {m.description}")
    return EXIT_OK


@_command("compare")
def _compare(args: argparse.Namespace) -> int:
    import json

    from simulator.plan.spec import load_plan
    from simulator.results.comparison import compare, reference_order

    team = _load_team(args.team)
    problems = []
    plans = []
    for path in args.plans:
        try:
            plans.append(load_plan(path))
        except InputError as error:
            problems.append(str(error))
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return EXIT_BAD_INPUT
    files = list(args.plans)
    if args.reference is not None:
        try:
            order = reference_order([p.name for p in plans], files, args.reference)
        except ValueError as error:
            print(f"--reference: {error}", file=sys.stderr)
            return EXIT_BAD_INPUT
        plans, files = [plans[i] for i in order], [files[i] for i in order]
    progress = None
    if sys.stderr.isatty() and not args.json:
        def progress(done: int, total: int) -> None:
            print(f"\rsimulating {done:,}/{total:,} trials", end="", file=sys.stderr, flush=True)

    executor = None
    if args.workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        executor = ProcessPoolExecutor(max_workers=args.workers)
    try:
        result = compare(plans, team, args.trials, args.seed, args.behavior, files,
                         progress=progress, executor=executor,
                         model_draws=args.model_draws, draw_trials=args.draw_trials,
                         years=args.years)
    finally:
        if executor is not None:
            executor.shutdown()
    if progress is not None:
        print(file=sys.stderr)
    result = result.with_budget(args.budget)
    if args.excel:
        boardroom.write_workbook(args.excel, result)
    if args.json:
        print(json.dumps(result.to_dict(), allow_nan=True))
    else:
        from simulator.results.report import comparison_table

        print(comparison_table(result))
    return EXIT_OK


@_command("bench")
def _bench(args: argparse.Namespace) -> int:
    import json

    from simulator.faces.bench import run_bench

    result = run_bench(args.trials, args.quick_trials, args.repeats, args.draws,
                       args.draw_trials)
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{result['plans']} plans x {result['reps']} reps x {result['weeks']} weeks:\n"
            f"  floor (one normal per plan x rep x week x trial, {result['trials']:,} trials): "
            f"{result['floor_seconds']:.2f} s\n"
            f"  comparison at {result['trials']:,} trials: {result['comparison_seconds']:.2f} s "
            f"({result['ratio_to_floor']:.2f}x the floor; goal <= 3x)\n"
            f"  comparison at {result['quick_trials']:,} trials: "
            f"{result['quick_comparison_seconds']:.2f} s (goal < 1 s)\n"
            f"  with {result['draws']} behaviour-model draws of {result['draw_trials']:,} "
            f"plan years: {result['draws_comparison_seconds']:.2f} s "
            f"(as {result['draws'] + 1} separate comparisons: "
            f"{result['separate_comparisons_seconds']:.2f} s)\n"
            f"  goal met: {'yes' if result['goal_met'] else 'NO'}"
        )
    return EXIT_OK


@_command("calibrate")
def _calibrate(args: argparse.Namespace) -> int:
    import json
    import os
    from dataclasses import replace
    from pathlib import Path

    import numpy as np

    from simulator.plan.spec import load_plan
    from simulator.results.export import write_atomically
    from simulator.team.calibrate import calibrate, fit_report, team_yaml
    from simulator.team.history import read_history

    history = read_history(args.history)
    base = _load_team(args.base) if args.base else None
    plan = load_plan(args.plan) if args.plan else None
    name = args.name or f"Calibrated from {Path(args.history).stem}"
    fit = calibrate(history, np.random.default_rng(args.seed), name=name, base=base,
                    incumbent=plan)
    if plan is not None and args.output:
        # the team file names the plan file, relative to itself, rather than copying it
        folder = Path(args.output).resolve().parent
        relative = os.path.relpath(Path(args.plan).resolve(), folder)
        fit = replace(fit, team={**fit.team, "incumbent": relative})
    text = team_yaml(fit)
    if args.output:
        try:
            write_atomically(args.output, text.encode("utf-8"))
        except OSError as exc:
            raise InputError.single(
                args.output, "", f"cannot write file: {exc.strerror or exc}"
            ) from None
    if args.json:
        print(json.dumps({**fit.to_dict(), "output": args.output}, allow_nan=True))
        return EXIT_OK
    print(fit_report(fit))
    if args.output:
        print(f"\nwrote {args.output}: team {name!r}, {fit.n_reps} reps "
              f"(check it with: python -m simulator team --team {args.output})")
    else:
        print("\n# team file (save it with -o FILE):\n" + text)
    return EXIT_OK


@_command("health")
def _health(args: argparse.Namespace) -> int:
    import json

    from simulator.plan.spec import load_plan
    from simulator.results.comparison import health_report
    from simulator.results.health import health_text

    plan = load_plan(args.plan)
    team = _load_team(args.team)
    report = health_report(plan, team, args.trials, args.seed)
    print(json.dumps(report.to_dict(), allow_nan=True) if args.json else health_text(report))
    return EXIT_OK

def _whole_number(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number of at least `minimum` (and at most `maximum`)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, not {value}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"must be at most {maximum}, not {value}")
        return value

    return parse


_positive_int = _whole_number(1)
_seed = _whole_number(0)


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
    p.add_argument("--trials", type=_positive_int, default=DEFAULT_TRIALS,
                   help=f"plan years (default {DEFAULT_TRIALS:,})")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    p.add_argument("--behavior", choices=("adaptive", "static"), default="adaptive",
                   help="adaptive: reps respond to the plan; static: everyone at normal effort")
    p.add_argument("--reference", metavar="PLAN",
                   help="the plan (name or file) the others are compared with; it is listed "
                   "first (default: the first plan given)")
    p.add_argument("--workers", type=_positive_int, default=1,
                   help="processes running chunks in parallel (results do not change)")
    p.add_argument("--model-draws", type=_whole_number(0), default=0, metavar="K",
                   help="also run K sets of behaviour parameters spread over the team's "
                   "model_ranges and report each figure's model range (default 0: none)")
    p.add_argument("--draw-trials", type=_positive_int, default=400, metavar="N",
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
    p.add_argument("history", metavar="HISTORY.csv")
    p.add_argument("-o", "--output", metavar="TEAM.yaml", help="write the team file here")
    p.add_argument("--name", help="the team's name (default: from the file name)")
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
    p.add_argument("--trials", type=_positive_int, default=DEFAULT_TRIALS,
                   help=f"plan years (default {DEFAULT_TRIALS:,}, as compare and the app)")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("bench", help="time the engine", description="Time the engine.")
    p.add_argument("--trials", type=_positive_int, default=10_000)
    p.add_argument("--quick-trials", type=_positive_int, default=2_000)
    p.add_argument("--repeats", type=_positive_int, default=3)
    p.add_argument("--draws", type=_positive_int, default=8,
                   help="behaviour-model draws of the draws benchmark (default 8)")
    p.add_argument("--draw-trials", type=_positive_int, default=400,
                   help="plan years per draw (default 400)")
    p.add_argument("--json", action="store_true", help="print JSON")
    boardroom.add_commands(sub, _COMMANDS)
    return parser


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
