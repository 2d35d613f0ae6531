"""Commands that design a plan: `sweep` (levers moved, a tornado) and `optimize`.

Registered into the CLI by `arguments.build_parser` (`add_commands`); each command is a
plain function of the parsed arguments returning the exit code, as in `cli`. Exit codes:
0 success, 2 bad input (a plan, a lever, a value, a point that is not a valid plan, a run
too large). Plans run here, on local Dask workers (`--workers N`) or on a Dask cluster
(`--scheduler tcp://HOST:PORT`), with identical results (`faces.cluster`).
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from typing import Any

from simulator.base.errors import InputError, printable

EXIT_OK = 0
Command = Callable[[argparse.Namespace], int]
MAX_LEVERS = 6
"""Levers of one sweep or search."""


def _split(text: str, flag: str) -> tuple[str, str]:
    path, sep, values = text.partition("=")
    if not sep or not path.strip() or not values.strip():
        raise InputError.single(flag, printable(text[:80]),
                                "write PATH=VALUES, e.g. measures[0].threshold=0.3:0.9:0.1")
    return path.strip(), values.strip()


def _levers(texts: list[str], plan: Any, flag: str) -> list[tuple[Any, str]]:
    from simulator.plan.levers import parse_lever

    if len(texts) > MAX_LEVERS:
        raise InputError.single(flag, "", f"at most {MAX_LEVERS} levers, not {len(texts)}")
    out = []
    for text in texts:
        path, values = _split(text, flag)
        out.append((parse_lever(path, plan, flag), values))
    paths = [lever.steps for lever, _ in out]
    if len(set(paths)) < len(paths):
        raise InputError.single(flag, "", "a lever is named twice")
    return out


def _run_options(p: argparse.ArgumentParser) -> None:
    from simulator.base.limits import MAX_MODEL_DRAWS
    from simulator.faces.arguments import MAX_WORKERS, _seed, _trials, _whole_number

    p.add_argument("plan", metavar="PLAN.yaml")
    p.add_argument("--team", metavar="FILE", help="team file (default plans/teams/default.yaml)")
    p.add_argument("--trials", type=_trials, default=2000, help="plan years (default 2000)")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    p.add_argument("--behavior", choices=("adaptive", "static"), default="adaptive")
    p.add_argument("--model-draws", "--draws", dest="model_draws",
                   type=_whole_number(0, MAX_MODEL_DRAWS), default=0, metavar="K",
                   help="behaviour-parameter draws (default 0: none)")
    p.add_argument("--draw-trials", type=_trials, default=400, metavar="N",
                   help="plan years per model draw (default 400)")
    p.add_argument("--workers", type=_whole_number(1, MAX_WORKERS), default=1,
                   help="Dask worker processes on this machine (a LocalCluster; results "
                   "do not change)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="run on this Dask scheduler's workers (results do not change)")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def _check(args: argparse.Namespace, team: Any, plan: Any, count: int) -> None:
    """Refuse a run too large for memory: `count` plans (the most held at once) of `plan`."""
    from simulator.faces.cli import _check_run

    draws = args.model_draws if args.behavior == "adaptive" else 0
    _check_run(args, team, [plan] * max(1, count), args.trials, draws, args.draw_trials)


def sweep(args: argparse.Namespace) -> int:
    """`sweep PLAN --vary PATH=VALUES ... [--grid] [-o points.csv] [--json]`."""
    from simulator.faces.boardroom import plans_amount
    from simulator.faces.cli import _check_output, _load_team, _print_json, _write
    from simulator.faces.cluster import executor_for
    from simulator.plan.levers import parse_values
    from simulator.plan.spec import load_plan
    from simulator.results.export import csv_bytes
    from simulator.results.sweep import MAX_SWEEP_POINTS
    from simulator.results.sweep import sweep as run_sweep
    from simulator.results.sweep_report import sweep_text

    if args.output:
        _check_output(args.output)
    plan = load_plan(args.plan)
    levers = []
    for lever, text in _levers(args.vary, plan, "--vary"):
        try:
            levers.append((lever, parse_values(text, lever.optional)))
        except ValueError as error:
            raise InputError.single("--vary", lever.path, str(error)) from None
    budget = plans_amount(args.budget, [plan], [args.plan])
    team = _load_team(args.team)
    sizes = [len(values) for _, values in levers]
    count = math.prod(sizes) if args.grid else sum(sizes)
    _check(args, team, plan, min(count + 2 * len(levers), MAX_SWEEP_POINTS) + 1)
    with executor_for(args.workers, args.scheduler) as (executor, groups):
        try:
            result = run_sweep(plan, levers, team, args.trials, args.seed, args.behavior,
                               args.grid, args.plan, executor, groups, args.model_draws,
                               args.draw_trials, budget)
        except ValueError as error:
            raise InputError.single("--vary", "", str(error)) from None
    if args.output:
        _write(args.output, csv_bytes(result.to_frame()))
        print(f"wrote {args.output}: {len(result.points)} points", file=sys.stderr)
    if args.json:
        _print_json(result.to_dict())
    else:
        print(sweep_text(result))
    return EXIT_OK


def optimize(args: argparse.Namespace) -> int:
    """`optimize PLAN --lever PATH=LOW:HIGH ... --budget-p90 AMOUNT [-o chosen.yaml]`."""
    from simulator.faces.boardroom import plans_amount
    from simulator.faces.cli import _check_output, _load_team, _print_json, _write
    from simulator.faces.cluster import executor_for
    from simulator.plan.edits import plan_yaml
    from simulator.plan.levers import parse_range
    from simulator.plan.spec import load_plan
    from simulator.results.optimize import MAX_GRID, Bounds
    from simulator.results.optimize import optimize as search
    from simulator.results.sweep_report import optimum_text

    if args.output:
        _check_output(args.output)
    plan = load_plan(args.plan)
    bounds = []
    for lever, text in _levers(args.lever, plan, "--lever"):
        try:
            low, high = parse_range(text)
        except ValueError as error:
            raise InputError.single("--lever", lever.path, str(error)) from None
        bounds.append(Bounds(lever, low, high))
    budget_p90 = plans_amount(args.budget_p90, [plan], [args.plan], "--budget-p90")
    team = _load_team(args.team)
    _check(args, team, plan, min((args.steps + 1) ** len(bounds), MAX_GRID) + 1)
    with executor_for(args.workers, args.scheduler) as (executor, groups):
        try:
            result = search(plan, bounds, team, budget_p90, args.trials, args.seed,
                            args.behavior, args.objective, args.method, args.steps,
                            args.refine, executor=executor, groups=groups,
                            model_draws=args.model_draws, draw_trials=args.draw_trials,
                            name=args.name)
        except ValueError as error:  # more plans than a search may simulate
            raise InputError.single("--lever", "", f"{error}: fewer levers or --refine"
                                    ) from None
    text = plan_yaml(result.chosen)
    if args.output:
        _write(args.output, text.encode("utf-8"))
        print(f"wrote {args.output}: the chosen plan (check it with: python -m simulator "
              f"validate {args.output})", file=sys.stderr)
    if args.json:
        _print_json(result.to_dict())
    else:
        print(optimum_text(result))
        if not args.output:
            print("\n# the chosen plan (save it with -o FILE):\n" + text)
    return EXIT_OK


def add_commands(sub: Any, commands: dict[str, Command]) -> None:
    """Add `sweep` and `optimize` to the CLI's sub-commands."""
    from simulator.faces.arguments import _whole_number
    from simulator.faces.boardroom import amount
    from simulator.results.optimize_terms import METHODS, OBJECTIVES

    p = sub.add_parser(
        "sweep", help="move a plan's levers and see what changes",
        description="Simulate a plan with one or more of its numbers moved (one lever at a "
        "time, or every combination with --grid), all on the same reps and luck: per "
        "point expected sales, payout P50/P90, cost of sales, share at quota, gave-up and "
        "capped shares, the difference from the plan as it is; and a tornado of each "
        "lever's swing.")
    _run_options(p)
    p.add_argument("--vary", action="append", required=True, metavar="PATH=VALUES",
                   help="a lever and its values: measures[0].threshold=0.3:0.9:0.1 (from, "
                   "to, step) or measures[0].cap=1.5,2,none (a list; none leaves it out); "
                   "PATH is any number of the plan: announce_day, pay.target_incentive, "
                   "measures[NAME or INDEX].threshold|cap|ratchet|weight|quota|"
                   "rate_above_quota, measures[0].curve[2][1]. Repeat for more levers")
    p.add_argument("--grid", action="store_true",
                   help="every combination of the levers' values (default: one at a time, "
                   "the others at the plan's values)")
    p.add_argument("--budget", type=amount, metavar="AMOUNT",
                   help="incentive budget per plan year: each point's chance to exceed it")
    p.add_argument("-o", "--output", metavar="POINTS.csv", help="write the points as CSV")
    commands["sweep"] = sweep

    p = sub.add_parser(
        "optimize", help="search levers for the plan that sells most within a budget",
        description="Search the levers for the plan with the highest objective whose P90 "
        "incentive payout stays within the budget (with --model-draws: in at least 90%% of "
        "the draws too), on common random numbers. Reports the frontier (sales against P90 "
        "payout), the chosen plan against the start, and the chosen plan as a plan file.")
    _run_options(p)
    p.add_argument("--lever", action="append", required=True, metavar="PATH=LOW:HIGH",
                   help="a lever and its bounds, e.g. measures[0].threshold=0.3:0.9 "
                   "(paths as sweep's --vary). Repeat for more levers")
    p.add_argument("--budget-p90", type=amount, required=True, metavar="AMOUNT",
                   help="the most the team's P90 incentive payout per plan year may be")
    p.add_argument("--objective", choices=OBJECTIVES, default="sales",
                   help="sales: expected team sales; sales-minus-pay: sales less expected "
                   "incentive payout (default sales)")
    p.add_argument("--method", choices=METHODS, default="grid",
                   help="grid: coarse grid then pattern search (default); scipy: "
                   "Nelder-Mead with the budget as a penalty")
    p.add_argument("--steps", type=_whole_number(2, 9), default=3,
                   help="values per lever of the first, coarse grid (default 3)")
    p.add_argument("--refine", type=_whole_number(0, 8), default=3,
                   help="times the pattern search halves its step (default 3)")
    p.add_argument("--name", help="the chosen plan's name (default: PLAN (optimised))")
    p.add_argument("-o", "--output", metavar="CHOSEN.yaml", help="write the chosen plan here")
    commands["optimize"] = optimize
