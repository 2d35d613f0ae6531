"""Many plans against one reference on common random numbers, as tasks on an executor.

A sweep or an optimiser compares tens or hundreds of variants of one plan. `compare`
would prepare every plan in this process, one after another, before any chunk runs on a
worker. `compare_batch` instead splits the variants into groups, each simulated as a
comparison of its own with the reference first, and runs the groups, and each
behaviour-model draw of each group, as separate tasks on any
`concurrent.futures.Executor`: a process pool, or a Dask client's executor, on one
machine or a cluster (`faces.cluster`).

Every task uses the same seed, so every plan meets the same reps and the same luck
(common random numbers: the engine seeds each block of trials from the one
`SeedSequence(seed)`), and a plan's figures do not depend on which group it ran in:
the reference is first in every group, so the differences, the deciles and (for a team
without an incumbent plan) the turnover baseline are the same. The merged result is
the `Comparison` that one `compare` call of the reference and all the variants gives,
whatever the grouping, the executor or the number of workers (`tests/test_results_batch.py`).
The cost of grouping: each group solves the team's anchoring once and simulates the
reference once more.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, replace
from typing import Any

from simulator.model.draws import parameter_sets, varied_parameters
from simulator.model.engine import simulate
from simulator.model.prepare import BehaviorMode
from simulator.plan.currency import same_currency
from simulator.plan.spec import PlanSpec
from simulator.results.comparison import DRAW_TRIALS, Comparison
from simulator.results.uncertainty import DrawFigures, draw_figures
from simulator.team.spec import TeamSpec

__all__ = ["BatchRun", "compare_batch", "groups_of", "run_batch"]

Progress = Callable[[int, int], None]
"""progress(tasks done, tasks in all)."""


def groups_of(count: int, groups: int) -> list[range]:
    """Split `count` items into at most `groups` contiguous, nearly equal ranges."""
    groups = max(1, min(groups, count))
    size, extra = divmod(count, groups)
    out, start = [], 0
    for g in range(groups):
        end = start + size + (1 if g < extra else 0)
        out.append(range(start, end))
        start = end
    return [r for r in out if len(r)]


def _headline(plans: list[PlanSpec], team: TeamSpec, n_trials: int, seed: int,
              behavior: BehaviorMode, years: int, files: list[str], draw_trials: int
              ) -> tuple[Comparison, list[DrawFigures] | None]:
    """A task: one group's comparison, and its figures on the draws' years (if any)."""
    sim = simulate(plans, team, n_trials, seed, behavior, years=years)
    own = draw_figures(sim, draw_trials) if draw_trials else None
    return Comparison.from_simulation(sim, files), own


def _draw(plans: list[PlanSpec], team: TeamSpec, n_trials: int, seed: int, years: int
          ) -> list[DrawFigures]:
    """A task: one group's figures under one behaviour-parameter draw."""
    return draw_figures(simulate(plans, team, n_trials, seed, "adaptive", years=years))


@dataclass(frozen=True)
class BatchRun:
    """A batch's comparison without model ranges, and the per-draw figures behind them.

    draws: for each behaviour-parameter draw, each plan's figures (the reference first);
    own: each plan's figures under the team's own parameters on the draws' years (empty
    without draws). `comparison` is what `compare_batch` returns once the draws are in.
    """

    comparison: Comparison
    draws: list[list[DrawFigures]]
    own: list[DrawFigures]
    draw_trials: int

    def with_draws(self, team: TeamSpec) -> Comparison:
        """The comparison with each plan's model range (as `compare` gives it)."""
        if not self.draws:
            return self.comparison
        return self.comparison.with_draws(self.draws, self.own, self.draw_trials,
                                          varied_parameters(team))


def compare_batch(
    reference: PlanSpec,
    plans: Sequence[PlanSpec],
    team: TeamSpec,
    n_trials: int,
    seed: int = 0,
    behavior: BehaviorMode = "adaptive",
    files: Sequence[str] | None = None,
    executor: Executor | None = None,
    groups: int = 1,
    model_draws: int = 0,
    draw_trials: int = DRAW_TRIALS,
    years: int = 1,
    progress: Progress | None = None,
) -> Comparison:
    """The comparison of `reference` (first) and `plans`, simulated in groups.

    Equal to ``compare([reference, *plans], team, n_trials, seed, behavior, files, ...)``
    field for field. groups: how many groups the plans are split into (about the number
    of workers, or a few times it on a cluster; 1 runs them as one comparison); each
    group and each model draw of each group is one task. files: the file of each plan,
    the reference's first. progress is called as tasks finish. Plans that state different
    currencies are refused, as `compare` refuses them.
    """
    return run_batch(reference, plans, team, n_trials, seed, behavior, files, executor,
                     groups, model_draws, draw_trials, years, progress).with_draws(team)


def run_batch(
    reference: PlanSpec,
    plans: Sequence[PlanSpec],
    team: TeamSpec,
    n_trials: int,
    seed: int = 0,
    behavior: BehaviorMode = "adaptive",
    files: Sequence[str] | None = None,
    executor: Executor | None = None,
    groups: int = 1,
    model_draws: int = 0,
    draw_trials: int = DRAW_TRIALS,
    years: int = 1,
    progress: Progress | None = None,
) -> BatchRun:
    """`compare_batch`, keeping each draw's figures apart (for rules over the draws)."""
    with_draws = model_draws > 0 and behavior == "adaptive"
    draw_trials = min(draw_trials, n_trials)
    names = list(files or [""] * (len(plans) + 1))
    same_currency([reference, *plans], list(files) if files else  # or InputError, as compare
                  [p.name for p in (reference, *plans)])
    parts = groups_of(len(plans), groups) if plans else [range(0)]
    members = [[reference, *(plans[i] for i in part)] for part in parts]
    sources = [[names[0], *(names[i + 1] for i in part)] for part in parts]
    variants = parameter_sets(team, model_draws, seed) if with_draws else []

    calls: list[tuple[Callable[..., Any], tuple[Any, ...]]] = []
    for group, source in zip(members, sources, strict=True):
        calls.append((_headline, (group, team, n_trials, seed, behavior, years, source,
                                  draw_trials if with_draws else 0)))
    for variant in variants:
        for group in members:
            calls.append((_draw, (group, variant, draw_trials, seed, years)))
    results = _run(calls, executor, progress)

    heads: list[tuple[Comparison, list[DrawFigures] | None]] = results[:len(members)]
    first = heads[0][0]
    merged = replace(first, plans=(first.plans[0], *(p for head, _ in heads
                                                      for p in head.plans[1:])),
                     currency=next((h.currency for h, _ in heads if h.currency), None))
    if not with_draws:
        return BatchRun(merged, [], [], draw_trials)
    own = _joined([o for _, o in heads if o is not None])
    draws = [_joined(results[len(members) * (k + 1): len(members) * (k + 2)])
             for k in range(len(variants))]
    return BatchRun(merged, draws, own, draw_trials)


def _joined(per_group: Sequence[list[DrawFigures]]) -> list[DrawFigures]:
    """Each group's figures (reference first) as one list: the reference once."""
    return [per_group[0][0], *(f for group in per_group for f in group[1:])]


def _run(calls: list[tuple[Callable[..., Any], tuple[Any, ...]]], executor: Executor | None,
         progress: Progress | None) -> list[Any]:
    """Run the calls (in this process, or as tasks on the executor); results in order."""
    total = len(calls)
    if executor is None:
        out = []
        for done, (func, args) in enumerate(calls, start=1):
            out.append(func(*args))
            if progress is not None:
                progress(done, total)
        return out
    futures: list[Future[Any]] = [executor.submit(func, *args) for func, args in calls]
    if progress is None:
        return [future.result() for future in futures]
    from concurrent.futures import as_completed

    for done, _ in enumerate(as_completed(futures), start=1):
        progress(done, total)
    return [future.result() for future in futures]
