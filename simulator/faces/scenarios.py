"""Saved scenarios: a comparison's inputs and results, to reopen, re-run, share and diff.

A scenario holds everything a comparison needs to run again: each plan file's text (the
reference first) and the name it was compared under, the team file's text and the team
as validated (self-contained: its incumbent plan written inline, so it runs wherever the
library lives), a fingerprint of the history a calibrated team was fitted to, the seed,
plan years, behaviour modes, behaviour-model draws and the budget, the program version,
and the results as `compare --json` prints them (one object per behaviour mode).

Re-running a scenario reproduces its stored results byte for byte, or says why not: the
program version in the scenario is not this one (`reproduce`). The version is the
package's plus a fingerprint of the code that makes the numbers, so a model change is
seen even when nobody bumped the version number.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from simulator.base.yamlio import parse_yaml_text
from simulator.plan.spec import PlanSpec, plan_from_text
from simulator.results.comparison import Comparison, compare
from simulator.team.spec import TeamSpec, team_from_dict

PACKAGE = Path(__file__).resolve().parent.parent
VERSION = "0.1.0"
NUMBER_CODE = ("base", "plan", "team", "model", "results")
"""Stages whose code makes the numbers; faces, charts and exports do not change them."""
NOT_NUMBERS = ("results/charts", "results/tables.py", "results/workbook.py",
               "results/export.py", "results/report.py")


def program_version() -> str:
    """The package version and a fingerprint of the code that makes the numbers."""
    digest = hashlib.sha256()
    for stage in NUMBER_CODE:
        for path in sorted((PACKAGE / stage).rglob("*.py")):
            relative = path.relative_to(PACKAGE).as_posix()
            if relative.startswith(NOT_NUMBERS):
                continue
            digest.update(relative.encode())
            digest.update(path.read_bytes())
    return f"{VERSION}+{digest.hexdigest()[:12]}"


@dataclass(frozen=True)
class ScenarioInputs:
    """What a comparison needs to run again (JSON: a stored scenario's `inputs`).

    plans: (source, YAML text) in comparison order, the reference first; source is the
    file (or "edited plan") the results name. team: the team file's text, where it came
    from, and the team as validated (`TeamSpec.model_dump(mode="json")`, its incumbent
    inline) with the incumbent's file name as the team file wrote it.
    """

    plans: tuple[tuple[str, str], ...]
    team_text: str
    team_source: str
    team: dict[str, Any]
    incumbent_file: str | None
    history_sha256: str | None
    seed: int
    trials: int
    behaviours: tuple[str, ...]  # "adaptive", "static" or both, one comparison each
    model_draws: int
    draw_trials: int
    budget: float | None

    def to_dict(self) -> dict[str, Any]:
        """As stored (JSON-ready)."""
        out = asdict(self)
        out["plans"] = [{"source": s, "text": t} for s, t in self.plans]
        out["behaviours"] = list(self.behaviours)
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ScenarioInputs:
        """From a stored scenario's inputs."""
        return cls(
            plans=tuple((p["source"], p["text"]) for p in raw["plans"]),
            team_text=raw["team_text"], team_source=raw["team_source"], team=raw["team"],
            incumbent_file=raw.get("incumbent_file"), history_sha256=raw.get("history_sha256"),
            seed=int(raw["seed"]), trials=int(raw["trials"]),
            behaviours=tuple(raw["behaviours"]), model_draws=int(raw["model_draws"]),
            draw_trials=int(raw["draw_trials"]),
            budget=None if raw.get("budget") is None else float(raw["budget"]))

    def plan_specs(self) -> list[PlanSpec]:
        """The plans, validated from their text."""
        return [plan_from_text(text, source) for source, text in self.plans]

    def team_spec(self) -> TeamSpec:
        """The team as it was validated when the scenario was saved."""
        team = team_from_dict(dict(self.team), self.team_source)
        team._incumbent_file = self.incumbent_file  # as the team file named it
        return team


def inputs_of(plans: Sequence[tuple[str, str]], team_text: str, team_source: str,
              team: TeamSpec, seed: int, trials: int, behaviours: Sequence[str],
              model_draws: int, draw_trials: int, budget: float | None,
              history_sha256: str | None = None) -> ScenarioInputs:
    """A scenario's inputs from what a face compared (the team as it validated it)."""
    return ScenarioInputs(
        plans=tuple((source, text) for source, text in plans), team_text=team_text,
        team_source=team_source, team=team.model_dump(mode="json"),
        incumbent_file=team.incumbent_file, history_sha256=history_sha256, seed=int(seed),
        trials=int(trials), behaviours=tuple(behaviours), model_draws=int(model_draws),
        draw_trials=int(draw_trials), budget=None if budget is None else float(budget))


def history_fingerprint(data: bytes) -> str:
    """The SHA-256 of a history file's bytes (which history a calibrated team came from)."""
    return hashlib.sha256(data).hexdigest()


def run_scenario(inputs: ScenarioInputs, executor: Executor | None = None
                 ) -> list[Comparison]:
    """Run a scenario's comparison: one `Comparison` per behaviour mode, budget applied."""
    plans, team = inputs.plan_specs(), inputs.team_spec()
    files = [source for source, _ in inputs.plans]
    return [compare(plans, team, inputs.trials, inputs.seed, mode,  # type: ignore[arg-type]
                    files, executor=executor, model_draws=inputs.model_draws,
                    draw_trials=inputs.draw_trials).with_budget(inputs.budget)
            for mode in inputs.behaviours]


def results_json(runs: Sequence[Comparison]) -> str:
    """The results as stored: each run's `compare --json` object, in a list."""
    return json.dumps([run.to_dict() for run in runs], allow_nan=True)


@dataclass(frozen=True)
class Reproduction:
    """A re-run against the stored results: whether the bytes match, and why not."""

    identical: bool
    message: str


def reproduce(stored_results: str, stored_version: str, runs: Sequence[Comparison]
              ) -> Reproduction:
    """Hold a re-run's results against the stored ones."""
    now = program_version()
    if results_json(runs) == stored_results:
        same = "" if stored_version == now else (
            f" (saved with program version {stored_version}, this is {now}: the change did "
            "not move these numbers)")
        return Reproduction(True, "The re-run reproduces the saved results byte for byte"
                            + same + ".")
    if stored_version != now:
        return Reproduction(False, f"The re-run differs from the saved results: they were "
                            f"saved with program version {stored_version}, this is {now}, "
                            "whose model gives other numbers.")
    return Reproduction(False, f"The re-run differs from the saved results although the "
                        f"program version is the same ({now}): please report this.")


def describe(stored: Any) -> list[str]:
    """A stored scenario in words: what it compared, how, and its headline figures."""
    inputs = stored.inputs
    budget = inputs.get("budget")
    lines = [f"Scenario {stored.id}: {stored.name} (version {stored.version}), saved "
             f"{stored.saved_at} with program version {stored.program_version}",
             f"  team: {inputs['team_source']}"
             + (f" (fitted to history {inputs['history_sha256'][:12]})"
                if inputs.get("history_sha256") else ""),
             f"  {inputs['trials']:,} plan years, seed {inputs['seed']}, behaviour "
             f"{' and '.join(inputs['behaviours'])}, {inputs['model_draws']} behaviour-model "
             f"draws" + (f", budget {budget:,.0f} per year" if budget else ""),
             "  plans (the first is the reference):"]
    runs = json.loads(stored.results)
    for (source, _), plan in zip(((p["source"], p["text"]) for p in inputs["plans"]),
                                 runs[0]["plans"] if runs else [], strict=False):
        chance = (plan.get("budget") or {}).get("chance_above")
        lines.append(f"    {plan['name']} ({source}): sales {plan['sales']['mean']:,.0f}, "
                     f"payout {plan['payout']['mean']:,.0f}"
                     + (f", chance payout > budget {chance:.1%}" if chance is not None
                        else ""))
    return lines


# -- differences between two scenarios ----------------------------------------------------

SETTING_LABELS = {"seed": "seed", "trials": "simulated plan years",
                  "behaviours": "rep behaviour", "model_draws": "behaviour-model draws",
                  "draw_trials": "plan years per draw", "budget": "incentive budget / year",
                  "team_source": "team", "history_sha256": "history fingerprint"}
RESULT_FIGURES = (
    ("expected sales / year", lambda p: p["sales"]["mean"], "money"),
    ("expected payout / year", lambda p: p["payout"]["mean"], "money"),
    ("payout P90", lambda p: p["payout"]["p90"], "money"),
    ("incentive cost of sales", lambda p: p["cost_of_sales"]["incentive"], "share"),
    ("rep-periods at or above quota", lambda p: p["quota_attainment"]["share_at_or_above"],
     "share"),
    ("chance payout > budget", lambda p: (p.get("budget") or {}).get("chance_above"),
     "share"),
)


def _fmt(value: Any, kind: str) -> str:
    if value is None:
        return "-"
    if kind == "share":
        return f"{value * 100:.1f}%"
    return f"{value:,.0f}"


def plan_name(text: str) -> str:
    """The plan's name in a plan file's text ("?" when the text does not say)."""
    try:
        return str(parse_yaml_text(text, "plan").get("name", "?"))
    except Exception:  # noqa: BLE001 - a diff must show whatever the text holds
        return "?"


def diff_lines(a: dict[str, Any], b: dict[str, Any], a_results: str, b_results: str,
               a_label: str, b_label: str) -> list[str]:
    """Two scenarios side by side in words: settings, plan rules, result differences.

    a, b: the scenarios' inputs (`ScenarioInputs.to_dict()`); *_results: their results'
    JSON text. Plans are matched by name.
    """
    lines = [f"--- {a_label}", f"+++ {b_label}", "", "Settings:"]
    changed = False
    for key, label in SETTING_LABELS.items():
        if a.get(key) != b.get(key):
            changed = True
            lines.append(f"  {label}: {a.get(key)} -> {b.get(key)}")
    if a.get("team") != b.get("team"):
        changed = True
        lines.append("  the team's parameters differ (see the team files)")
    if not changed:
        lines.append("  the same")
    a_plans = {plan_name(p["text"]): p["text"] for p in a["plans"]}
    b_plans = {plan_name(p["text"]): p["text"] for p in b["plans"]}
    lines += ["", "Plan rules:"]
    for name in dict.fromkeys([*a_plans, *b_plans]):
        if name not in b_plans:
            lines.append(f"  {name}: only in {a_label}")
        elif name not in a_plans:
            lines.append(f"  {name}: only in {b_label}")
        elif a_plans[name] == b_plans[name]:
            lines.append(f"  {name}: the same")
        else:
            lines.append(f"  {name}: changed")
            lines += ["    " + line.rstrip("\n") for line in difflib.unified_diff(
                a_plans[name].splitlines(), b_plans[name].splitlines(), a_label, b_label,
                lineterm="", n=1)][2:]
    a_runs, b_runs = json.loads(a_results), json.loads(b_results)
    currencies = dict.fromkeys(r[0]["currency"] for r in (a_runs, b_runs)
                               if r and r[0].get("currency"))
    lines += ["", "Results (first behaviour mode; the second minus the first"
              + (f"; amounts in {' -> '.join(currencies)}" if currencies else "") + "):"]
    a_by = {p["name"]: p for p in a_runs[0]["plans"]} if a_runs else {}
    b_by = {p["name"]: p for p in b_runs[0]["plans"]} if b_runs else {}
    for name in [n for n in a_by if n in b_by]:
        lines.append(f"  {name}:")
        for label, read, kind in RESULT_FIGURES:
            va, vb = read(a_by[name]), read(b_by[name])
            if va is None and vb is None:
                continue
            change = "" if va is None or vb is None else (
                f"  ({(vb - va) * 100:+.1f} pp)" if kind == "share" else f"  ({vb - va:+,.0f})")
            lines.append(f"    {label}: {_fmt(va, kind)} -> {_fmt(vb, kind)}{change}")
    return lines
