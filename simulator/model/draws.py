"""Behaviour-model uncertainty: parameter sets spread over the team's plausible ranges.

The behaviour model has parameters nobody measures directly (how output responds to
effort, how fast effort gets costly, the least and most effort, the cost of focus, the
share of deals a rep can move). The team file gives each a plausible range
(`model_ranges`); `parameter_sets` spreads K sets over them with a scrambled Halton
design (low-discrepancy: K points cover the ranges far more evenly than K random draws),
seeded from the comparison's seed. Each set is a whole team: the same reps (they come
from `rep_seed`), anchored anew on the incumbent plan.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simulator.team.spec import TeamSpec

SETTERS: dict[str, tuple[str, str]] = {
    "output_elasticity": ("effort", "output_elasticity"),
    "cost_curvature": ("effort", "cost_curvature"),
    "minimum_effort": ("effort", "minimum"),
    "maximum_effort": ("effort", "maximum"),
    "focus_cost_per_measure": ("behavior", "focus_cost_per_measure"),
    "movable_share": ("behavior", "movable_share"),
    "pull_share": ("behavior", "pull_share"),
    "pull_discount": ("behavior", "pull_discount"),
    "turnover_pay_elasticity": ("turnover", "pay_elasticity"),
    "present_bias": ("behavior", "present_bias"),
    "weekly_discount": ("behavior", "weekly_discount"),
    "reference_pay_slope": ("effort", "reference_pay_slope"),
}
"""Where each ranged parameter lives in the team file: (section, field)."""
DRAW_STREAM = 3
"""The SeedSequence branch of the design, apart from the luck's branches (1 and 2)."""


def varied_parameters(team: TeamSpec) -> dict[str, tuple[float, float]]:
    """The parameters the draws vary, with their ranges.

    The reference pay slope defines normal effort only without an incumbent plan; with
    one, the cost of effort is anchored on the incumbent and the slope has no effect.
    """
    ranges = dict(team.model_ranges.ranges())
    if team.incumbent is not None:
        ranges.pop("reference_pay_slope", None)
    return ranges


def parameter_sets(team: TeamSpec, k: int, seed: int) -> list[TeamSpec]:
    """K teams whose behaviour parameters are spread over the team's ranges.

    Each parameter is uniform over its range, jointly a scrambled Halton design seeded by
    `seed`: the same seed gives the same sets. A team without ranges gives K copies.
    """
    ranges = varied_parameters(team)
    if k < 1:
        return []
    if not ranges:
        return [team] * k
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(DRAW_STREAM,)))
    from scipy.stats import qmc  # here: scipy.stats takes seconds to import

    points = qmc.Halton(d=len(ranges), scramble=True, seed=rng).random(k)
    low = np.array([r[0] for r in ranges.values()])
    high = np.array([r[1] for r in ranges.values()])
    values = low + points * (high - low)
    return [with_parameters(team, dict(zip(ranges, row, strict=True))) for row in values]


def with_parameters(team: TeamSpec, values: dict[str, float]) -> TeamSpec:
    """The team with some ranged parameters set (names as in `model_ranges`)."""
    sections: dict[str, dict[str, Any]] = {}
    for name, value in values.items():
        section, field = SETTERS[name]
        sections.setdefault(section, {})[field] = float(value)
    update = {section: getattr(team, section).model_copy(update=fields)
              for section, fields in sections.items()}
    return team.model_copy(update=update)
