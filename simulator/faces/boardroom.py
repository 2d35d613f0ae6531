"""Commands for finance and the boardroom: `compare --budget/--excel`, `scenario ...`, `deck`.

Registered into the CLI by `cli.build_parser` (`add_commands`); each command is a plain
function of the parsed arguments returning the exit code, as in `cli`. Exit codes: 0
success, 1 a re-run that does not reproduce its scenario, 2 bad input (a plan, a team, a
database file of another format).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, overload

from simulator.base.errors import InputError

EXIT_OK, EXIT_DIFFERS, EXIT_BAD_INPUT = 0, 1, 2
Command = Callable[[argparse.Namespace], int]


class Amount(float):
    """An amount from the command line and the currency it was written in (None: none)."""

    currency: str | None = None


def amount(text: str) -> Amount:
    """An argparse type: a money amount above 0, as finance writes it.

    Commas group thousands; a currency sign or ISO code may go before or after the number
    ($4,000,000, EUR 4,000,000, €4,000,000, 4000000 GBP). The currency is kept
    (`Amount.currency`) so that `plans_amount` can hold it against the plans'.
    """
    import re

    from simulator.plan.currency import ISO_4217
    from simulator.team.deals.cells import SYMBOLS

    signs = "|".join(re.escape(s) for s in sorted(SYMBOLS, key=len, reverse=True))
    match = re.fullmatch(rf"\s*(?P<pre>{signs}|[A-Z]{{3}})?\s*(?P<num>.*?)\s*"
                         rf"(?P<post>{signs}|[A-Z]{{3}})?\s*", text)
    if match is None or (match["pre"] and match["post"]):
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount")
    sign = match["pre"] or match["post"]
    code = SYMBOLS.get(sign, sign) if sign else None
    if code is not None and code not in ISO_4217:
        raise argparse.ArgumentTypeError(f"{text!r}: {code} is not an ISO 4217 currency code "
                                         "(write USD, EUR, GBP ... or leave it out)")
    try:
        value = Amount(match["num"].replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be an amount above 0, not {text}")
    value.currency = code
    return value


@overload
def plans_amount(value: float, plans: Sequence[Any], files: Sequence[str],
                 option: str = ...) -> float: ...


@overload
def plans_amount(value: None, plans: Sequence[Any], files: Sequence[str],
                 option: str = ...) -> None: ...


def plans_amount(value: float | None, plans: Sequence[Any], files: Sequence[str],
                 option: str = "--budget") -> float | None:
    """An amount option as a plain number, refused when its currency is not the plans'.

    A budget written in a currency ("EUR 4,000,000", "$4,000,000") must be in the one
    the plans state; plans that state none take any. Also refuses plans that state
    different currencies (`same_currency`), before anything is simulated.
    """
    from simulator.plan.currency import same_currency

    stated = same_currency(plans, files)
    if value is None:
        return None
    written = getattr(value, "currency", None)
    if written is not None and stated is not None and written != stated:
        raise InputError.single(option, "", f"the amount is in {written}, but the plans are "
                                f"in {stated}: write {stated} "
                                f"{float(value):,.{0 if float(value).is_integer() else 2}f} "
                                "or the number alone")
    return float(value)


def budget_options(p: argparse.ArgumentParser) -> None:
    """Options of `compare` for finance: the budget, and a workbook of the comparison."""
    p.add_argument("--budget", type=amount, metavar="AMOUNT",
                   help="incentive budget per plan year: each plan's chance to exceed it and "
                   "the expected overrun (4,000,000; a currency before it, as in EUR "
                   "4,000,000, must be the plans')")
    p.add_argument("--excel", metavar="OUT.xlsx",
                   help="also write the comparison as an Excel workbook (Summary sheet first)")


def _write(path: str, data: bytes) -> None:
    from simulator.results.export import write_atomically

    try:
        write_atomically(path, data)
    except OSError as exc:
        raise InputError.single(path, "", f"cannot write file: {exc.strerror or exc}") from None
    print(f"wrote {path}", file=sys.stderr)


def write_workbook(path: str, result: Any) -> None:
    """Write a comparison's workbook whole or not at all (InputError if it cannot be)."""
    from simulator.results.workbook import workbook_bytes

    _write(path, workbook_bytes([result], [p.name for p in result.plans]))


# -- the comparison a scenario or a deck is made of -----------------------------------------

def _comparison_options(p: argparse.ArgumentParser, plans_required: bool = True) -> None:
    from simulator.base.limits import MAX_MODEL_DRAWS
    from simulator.faces.arguments import MAX_WORKERS, _seed, _trials, _whole_number

    p.add_argument("plans", nargs="+" if plans_required else "*", metavar="PLAN.yaml")
    p.add_argument("--team", metavar="FILE", help="team file (default plans/teams/default.yaml)")
    p.add_argument("--history", metavar="HISTORY.csv",
                   help="the history the team was fitted to: its fingerprint is saved")
    p.add_argument("--trials", type=_trials, default=2000, help="plan years (default 2000)")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    p.add_argument("--behavior", choices=("adaptive", "static", "both"), default="adaptive")
    p.add_argument("--reference", metavar="PLAN", help="the plan the others are compared with")
    p.add_argument("--model-draws", type=_whole_number(0, MAX_MODEL_DRAWS), default=0,
                   metavar="K", help="behaviour-parameter draws for the model ranges (default 0)")
    p.add_argument("--draw-trials", type=_trials, default=400, metavar="N",
                   help="plan years per model draw (default 400)")
    p.add_argument("--budget", type=amount, metavar="AMOUNT",
                   help="incentive budget per plan year")
    p.add_argument("--workers", type=_whole_number(1, MAX_WORKERS), default=MAX_WORKERS,
                   help="processes running the simulation (results do not change; default "
                   "the cores)")


def _db_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="FILE", help="the scenario library (default: "
                   "$PLAN_SIMULATOR_DB, else ~/.plan-simulator/scenarios.sqlite)")


def inputs_from_args(args: argparse.Namespace) -> Any:
    """The scenario inputs the arguments name (InputError listing every bad file)."""
    from simulator.faces.scenarios import history_fingerprint, inputs_of
    from simulator.plan.spec import load_plan
    from simulator.results.comparison import reference_order
    from simulator.team.spec import DEFAULT_TEAM, load_team

    errors: list[InputError] = []
    plans = []
    for path in args.plans:
        try:
            plans.append(load_plan(path))
        except InputError as bad:
            errors.append(bad)
    if errors:  # every bad file is named; the last one goes out as the command's error
        for other in errors[:-1]:
            print(other, file=sys.stderr)
        raise errors[-1]
    files = list(args.plans)
    if args.reference is not None:
        try:
            order = reference_order([p.name for p in plans], files, args.reference)
        except ValueError as error:
            raise InputError.single("--reference", "", str(error)) from None
        files = [files[i] for i in order]
        plans = [plans[i] for i in order]
    budget = plans_amount(args.budget, plans, files)
    team_path = Path(args.team) if args.team else DEFAULT_TEAM
    team = load_team(team_path)
    history = None
    if args.history:
        try:
            history = history_fingerprint(Path(args.history).read_bytes())
        except OSError as exc:
            raise InputError.single(args.history, "", f"cannot read: {exc.strerror}") from None
    texts = [(f, Path(f).read_text(encoding="utf-8-sig")) for f in files]
    modes = ["adaptive", "static"] if args.behavior == "both" else [args.behavior]
    return inputs_of(texts, team_path.read_text(encoding="utf-8-sig"), str(team_path), team,
                     args.seed, args.trials, modes, args.model_draws, args.draw_trials,
                     budget, history)


def _run(inputs: Any, workers: int = 1) -> Any:
    from simulator.faces.scenarios import run_scenario

    if workers <= 1:
        return run_scenario(inputs)
    from simulator.faces.process import end_pool, worker_pool

    executor = worker_pool(workers)
    finished = False
    try:
        result = run_scenario(inputs, executor)
        finished = True
    finally:
        end_pool(executor, now=not finished)
    return result


# -- scenario ------------------------------------------------------------------------------

def _store(args: argparse.Namespace) -> Any:
    from simulator.faces.store import ScenarioStore

    return ScenarioStore(args.db)


def scenario(args: argparse.Namespace) -> int:
    """`scenario save|list|show|run|diff|delete`."""
    import json

    from simulator.faces import scenarios as sc

    action = args.action
    if action == "save":
        inputs = inputs_from_args(args)
        store = _store(args)
        runs = _run(inputs, args.workers)
        saved = store.save(args.name, sc.program_version(), inputs.to_dict(),
                           sc.results_json(runs))
        print(f"saved scenario {saved.id}: {saved.name!r} version {saved.version} "
              f"({len(inputs.plans)} plans, {inputs.trials:,} plan years, seed {inputs.seed}) "
              f"in {store.path}\nopen it in the app with ?scenario={saved.id}")
        return EXIT_OK
    store = _store(args)
    if action == "list":
        rows = store.list()
        if args.json:
            print(json.dumps([{"id": s.id, "name": s.name, "version": s.version,
                               "saved_at": s.saved_at, "program_version": s.program_version,
                               "plans": [p["source"] for p in s.inputs["plans"]]}
                              for s in rows]))
            return EXIT_OK
        if not rows:
            print(f"no scenarios in {store.path}")
        for s in rows:
            budget = s.inputs.get("budget")
            print(f"{s.id:>5}  {s.name} v{s.version}  {s.saved_at}  "
                  f"{len(s.inputs['plans'])} plans, {s.inputs['trials']:,} plan years"
                  + (f", budget {budget:,.0f}" if budget else ""))
        return EXIT_OK
    if action == "show":
        s = store.get(args.id)
        if args.json:
            print(json.dumps({"id": s.id, "name": s.name, "version": s.version,
                              "saved_at": s.saved_at, "program_version": s.program_version,
                              "inputs": s.inputs, "results": json.loads(s.results)},
                             allow_nan=True))
            return EXIT_OK
        print("\n".join(sc.describe(s)))
        return EXIT_OK
    if action == "run":
        s = store.get(args.id)
        runs = _run(sc.ScenarioInputs.from_dict(s.inputs), args.workers)
        from simulator.results.report import comparison_table

        for run in runs:
            print(comparison_table(run) + "\n")
        verdict = sc.reproduce(s.results, s.program_version, runs)
        print(verdict.message)
        return EXIT_OK if verdict.identical else EXIT_DIFFERS
    if action == "diff":
        a, b = store.get(args.first), store.get(args.second)
        print("\n".join(sc.diff_lines(a.inputs, b.inputs, a.results, b.results,
                                      f"{a.name} v{a.version} (#{a.id})",
                                      f"{b.name} v{b.version} (#{b.id})")))
        return EXIT_OK
    store.delete(args.id)
    print(f"deleted scenario {args.id}")
    return EXIT_OK


# -- deck ----------------------------------------------------------------------------------

def deck(args: argparse.Namespace) -> int:
    """`deck PLANS... -o deck.pptx [--pdf deck.pdf]`, or `deck --scenario ID -o ...`."""
    from simulator.faces import scenarios as sc
    from simulator.faces.deck import deck_pdf, deck_pptx, deck_slides

    if args.scenario is not None:
        stored = _store(args).get(args.scenario)
        inputs = sc.ScenarioInputs.from_dict(stored.inputs)
        title = f"{stored.name} (version {stored.version})"
    elif args.plans:
        inputs = inputs_from_args(args)
        title = args.title
    else:
        raise InputError.single("deck", "", "name plan files or --scenario ID")
    runs = _run(inputs, args.workers)
    slides = deck_slides(runs, inputs.team_spec(), title or "Which incentive plan?")
    outputs = [args.output, *([args.pdf] if args.pdf else [])]
    for path in outputs:
        _write(path, deck_pdf(slides) if path.lower().endswith(".pdf") else deck_pptx(slides))
    return EXIT_OK


def add_commands(sub: Any, commands: dict[str, Command]) -> None:
    """Add `scenario` and `deck` to the CLI's sub-commands."""
    from simulator.faces.arguments import MAX_WORKERS, _whole_number

    p = sub.add_parser("scenario", help="save, list, open, re-run, diff and delete scenarios",
                       description="The scenario library: comparisons saved with their "
                       "inputs and results in an SQLite file.")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    a = actions.add_parser("save", help="run a comparison and save it as a scenario")
    a.add_argument("name", help="the scenario's name (saving it again adds a version)")
    _comparison_options(a)
    _db_option(a)
    a = actions.add_parser("list", help="list the saved scenarios, newest first")
    a.add_argument("--json", action="store_true")
    _db_option(a)
    for name, helptext in (("show", "show a scenario's inputs and results"),
                           ("run", "re-run a scenario and check it reproduces its results"),
                           ("delete", "delete a scenario")):
        a = actions.add_parser(name, help=helptext)
        a.add_argument("id", type=int, metavar="ID")
        if name == "show":
            a.add_argument("--json", action="store_true")
        if name == "run":
            a.add_argument("--workers", type=_whole_number(1, MAX_WORKERS),
                           default=MAX_WORKERS)
        _db_option(a)
    a = actions.add_parser("diff", help="two scenarios side by side: settings, plan rules, "
                           "results")
    a.add_argument("first", type=int, metavar="ID")
    a.add_argument("second", type=int, metavar="ID")
    _db_option(a)
    commands["scenario"] = scenario

    p = sub.add_parser("deck", help="a boardroom slide deck (.pptx, and .pdf)",
                       description="Run a comparison and write a slide deck: the question and "
                       "the answer, the sales and cost charts, the headline table, the budget, "
                       "what happens and plan health, the assumptions.")
    _comparison_options(p, plans_required=False)
    p.add_argument("-o", "--output", required=True, metavar="DECK.pptx",
                   help="the deck (.pptx; a name ending in .pdf writes the PDF)")
    p.add_argument("--pdf", metavar="DECK.pdf", help="also write the same slides as a PDF")
    p.add_argument("--title", help="the title slide's title")
    p.add_argument("--scenario", type=int, metavar="ID", help="the deck of a saved scenario")
    _db_option(p)
    commands["deck"] = deck
