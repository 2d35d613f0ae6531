"""`python -m simulator ...`: a thin face over the package's public calls.

Exit codes: 0 success, 2 bad input or a run too large (one message per problem on stderr,
naming the file and field or the flag, no traceback), 130 / 143 stopped by SIGINT /
SIGTERM, 141 stdout closed by its reader. Every count a flag takes has a maximum
(`simulator.base.limits`), and a run's memory is checked before it starts.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from simulator.base.errors import InputError, printable
from simulator.faces import boardroom
from simulator.faces.arguments import build_parser, check_deal_flags
from simulator.faces.process import (
    EXIT_BROKEN_PIPE,
    Stopped,
    end_pool,
    quiet_stdout,
    signals_stop,
    worker_pool,
)

__all__ = ["EXIT_BAD_INPUT", "EXIT_OK", "build_parser", "main"]

EXIT_OK = 0
EXIT_BAD_INPUT = 2
FITTED_TEAM = "<calibrated team>"
"""The source a fitted team's problems carry (`team.calibrate.teamfile`)."""
FLAGS = {"trials": "--trials", "draw_trials": "--draw-trials", "model_draws": "--model-draws"}
"""The flag of each count `simulator.model.limits.RunTooLarge` may name."""

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
    from simulator.plan.actuals import read_actuals
    from simulator.plan.payroll import read_adjustments
    from simulator.plan.spec import load_plan
    from simulator.plan.statement import statement
    from simulator.results.export import csv_bytes

    if args.output:
        _check_output(args.output)
    data = _deal_data(args)
    plan = load_plan(args.plan)
    if data is None:
        actuals = read_actuals(args.actuals, plan)
    else:
        from simulator.team.deals import deal_actuals

        if args.quotas is None:
            raise InputError.single("--quotas", "", "payout --deals needs a quota file "
                                    "(rep_id,period,quota) to pay against")
        actuals = deal_actuals(data, plan)
    adjustments = read_adjustments(args.adjustments) if args.adjustments else []
    table = statement(plan, actuals, adjustments)
    data = csv_bytes(table)
    if args.output:
        _write(args.output, data)
        paid = (f", paid {table['paid'].sum():,.2f}" if "paid" in table else "")
        print(f"{args.output}: {len(actuals.keys)} rep-periods, total incentive "
              f"{table['total_incentive'].dropna().sum():,.2f}{paid}", file=sys.stderr)
    else:
        sys.stdout.write(data.decode("utf-8"))
    return EXIT_OK


def _deal_data(args: argparse.Namespace) -> Any:
    """The deal exports of --deals (None for the long CSV); the crediting report written.

    `arguments.check_deal_flags` has made sure one of the two is given.
    """
    if args.deals is None:
        return None
    if args.credit_report:
        _check_output(args.credit_report)
    from simulator.team.deals import read_deals

    data = read_deals(args.deals, args.activities, args.splits, args.hierarchy, args.quotas,
                      args.mapping)
    if args.credit_report:
        from simulator.results.export import csv_bytes
        from simulator.team.deals.report import credit_report

        _write(args.credit_report, csv_bytes(credit_report(data)))
        print(f"{args.credit_report}: {len(data.credits):,} credits of "
              f"{data.credits['deal_id'].nunique():,} won deals", file=sys.stderr)
    return data


def _load_team(path: str | None):  # type: ignore[no-untyped-def]
    from simulator.team.spec import load_team

    return load_team(path)


def _check_output(path: str) -> None:
    """Refuse an output path that is not a regular file before any work is done."""
    from simulator.results.export import output_target

    try:
        output_target(path)
    except OSError as exc:
        raise InputError.single(path, "", f"cannot write file: {exc.strerror or exc}") from None


def _write(path: str, data: bytes) -> None:
    from simulator.results.export import write_atomically

    try:
        write_atomically(path, data)
    except OSError as exc:
        raise InputError.single(path, "", f"cannot write file: {exc.strerror or exc}") from None


def _print_json(data: Any, indent: int | None = None) -> None:
    from simulator.base.jsonout import json_text

    print(json_text(data, indent))


def _check_run(args: argparse.Namespace, team: Any, plans: Sequence[Any], n_trials: int,
               model_draws: int = 0, draw_trials: int = 0) -> None:
    """Refuse a run too large for memory before it starts, naming the flag to lower."""
    from simulator.model.engine import default_chunk_trials
    from simulator.model.limits import RunTooLarge, check_effort_grid, check_run

    try:
        check_run(team.size, n_trials, [len(p.measures) for p in plans],
                  default_chunk_trials(team.size), model_draws, draw_trials)
        if getattr(args, "behavior", "adaptive") == "adaptive":
            incumbent = [team.incumbent] if team.incumbent is not None else []
            check_effort_grid(team, [p.weeks_per_period for p in [*plans, *incumbent]],
                              ranged=model_draws > 0)
    except RunTooLarge as error:
        raise _too_large(error, args.team) from None


def _too_large(error: Any, team_file: str | None) -> InputError:
    """A RunTooLarge as the message the CLI prints: the flag, or the team file's field."""
    if error.field in FLAGS:
        return InputError.single(FLAGS[error.field], "", error.message)
    from simulator.team.spec import DEFAULT_TEAM

    return InputError.single(team_file or str(DEFAULT_TEAM), error.field, error.message)


@_command("team")
def _team(args: argparse.Namespace) -> int:
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
        _print_json(info, indent=2)
    else:
        print(f"{team.name}: {team.size} reps. {team.description}".strip())
        print("\nMetrics that plan measures can name:")
        for m in METRICS.values():
            print(f"  {m.name:18s} {m.unit:26s} {m.description}")
    return EXIT_OK


@_command("compare")
def _compare(args: argparse.Namespace) -> int:
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
            print(printable(f"--reference: {error}"), file=sys.stderr)
            return EXIT_BAD_INPUT
        plans, files = [plans[i] for i in order], [files[i] for i in order]
    budget = boardroom.plans_amount(args.budget, plans, files)  # in the plans' currency
    draws = args.model_draws if args.behavior == "adaptive" else 0  # static runs draw none
    _check_run(args, team, plans, args.trials, draws, args.draw_trials)
    progress = None
    if sys.stderr.isatty() and not args.json:
        def progress(done: int, total: int) -> None:
            print(f"\rsimulating {done:,}/{total:,} trials", end="", file=sys.stderr, flush=True)

    executor = worker_pool(args.workers) if args.workers > 1 else None
    finished = False
    try:
        result = compare(plans, team, args.trials, args.seed, args.behavior, files,
                         progress=progress, executor=executor,
                         model_draws=args.model_draws, draw_trials=args.draw_trials,
                         years=args.years)
        finished = True
    finally:
        if executor is not None:
            end_pool(executor, now=not finished)
    if progress is not None:
        print(file=sys.stderr)
    result = result.with_budget(budget)
    if args.excel:
        boardroom.write_workbook(args.excel, result)
    if args.json:
        _print_json(result.to_dict())
    else:
        from simulator.results.report import comparison_table

        print(comparison_table(result))
    return EXIT_OK


@_command("bench")
def _bench(args: argparse.Namespace) -> int:
    from simulator.faces.bench import bench_text, run_bench

    result = run_bench(args.trials, args.quick_trials, args.repeats, args.draws,
                       args.draw_trials, args.workers, args.memory_reps, args.memory_trials,
                       args.sweep_points)
    if args.json:
        _print_json(result)
    else:
        print(bench_text(result))
    return EXIT_OK


@_command("calibrate")
def _calibrate(args: argparse.Namespace) -> int:
    import os
    from dataclasses import replace
    from pathlib import Path

    import numpy as np

    from simulator.base.limits import MAX_NAME_CHARS
    from simulator.base.validation import normal_name, shorten
    from simulator.plan.spec import load_plan
    from simulator.team.calibrate import calibrate, fit_report, team_yaml
    from simulator.team.history import read_history

    if args.output:
        _check_output(args.output)
    data = _deal_data(args)
    if data is None:
        history = read_history(args.history)
    else:
        from simulator.team.deals import deal_history

        history = deal_history(data, args.period)
    source = args.history or args.deals
    base = _load_team(args.base) if args.base else None
    plan = load_plan(args.plan) if args.plan else None
    # a file name may hold anything a name may not (line breaks, escape codes, length)
    stem = normal_name(printable(Path(source).stem))
    name = args.name or shorten(f"Calibrated from {stem}", MAX_NAME_CHARS)
    try:
        fit = calibrate(history, np.random.default_rng(args.seed), name=name, base=base,
                        incumbent=plan)
    except InputError as error:
        if error.source != FITTED_TEAM:
            raise
        raise error.moved(source, "the team fitted to it:") from None
    if plan is not None and args.output:
        # the team file names the plan file, relative to itself, rather than copying it
        folder = Path(args.output).resolve().parent
        relative = os.path.relpath(Path(args.plan).resolve(), folder)
        fit = replace(fit, team={**fit.team, "incumbent": relative})
    text = team_yaml(fit)
    if args.output:
        _write(args.output, text.encode("utf-8"))
    if args.json:
        _print_json({**fit.to_dict(), "output": args.output})
        return EXIT_OK
    print(fit_report(fit))
    if args.output:
        print(f"\nwrote {args.output}: team {name!r}, {fit.n_reps} reps "
              f"(check it with: python -m simulator team --team {args.output})")
    else:
        print("\n# team file (save it with -o FILE):\n" + text)
    return EXIT_OK


@_command("backtest")
def _backtest(args: argparse.Namespace) -> int:
    from simulator.base.csvfile import read_text
    from simulator.plan.spec import load_plan
    from simulator.results.backtest import backtest, backtest_of, backtest_text
    from simulator.results.export import csv_bytes

    if args.output:
        _check_output(args.output)
    data = _deal_data(args)
    plans = [load_plan(path) for path in args.plans]
    if data is None:
        result = backtest(read_text(args.actuals), plans, args.actuals, list(args.plans))
    else:
        from simulator.team.deals import deal_actuals

        if args.quotas is None:
            raise InputError.single("--quotas", "", "backtest --deals needs a quota file "
                                    "(rep_id,period,quota) to pay against")
        result = backtest_of(lambda plan, _: deal_actuals(data, plan), plans, list(args.plans))
    print(backtest_text(result))
    if args.output:
        _write(args.output, csv_bytes(result.to_frame()))
    return EXIT_OK


@_command("health")
def _health(args: argparse.Namespace) -> int:
    from simulator.plan.spec import load_plan
    from simulator.results.comparison import health_report
    from simulator.results.health import health_text

    plan = load_plan(args.plan)
    team = _load_team(args.team)
    _check_run(args, team, [plan], args.trials)
    report = health_report(plan, team, args.trials, args.seed)
    if args.json:
        _print_json(report.to_dict())
    else:
        print(health_text(report))
    return EXIT_OK


def _fail(message: str) -> int:
    """Print a bad input's message on stderr (quietly when stderr is closed): exit 2."""
    try:
        print(message, file=sys.stderr)
    except BrokenPipeError:
        pass
    return EXIT_BAD_INPUT


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code."""
    from simulator.base.limits import RunTooLarge

    parser = build_parser(_COMMANDS)
    args = parser.parse_args(argv)
    check_deal_flags(parser, args)
    try:
        with signals_stop():
            code = _COMMANDS[args.command](args)
            sys.stdout.flush()  # a closed stdout shows here, inside the handlers below
        return code
    except InputError as error:
        return _fail(str(error))
    except RunTooLarge as error:  # a library call's own check (the CLI checks first)
        return _fail(str(_too_large(error, getattr(args, "team", None))))
    except MemoryError:
        return _fail("not enough memory for this run: lower --trials, --model-draws or the "
                     "team's reps")
    except BrokenPipeError:
        quiet_stdout()
        return EXIT_BROKEN_PIPE
    except (Stopped, KeyboardInterrupt) as stop:
        return stop.code if isinstance(stop, Stopped) else 130
