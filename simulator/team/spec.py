"""Team files -> a frozen, validated `TeamSpec`: the people plans are tried on.

The default team (`plans/teams/default.yaml`) is a B2B inside-sales team built on the
seed-001 funnel. Every field has a documented default (docs/MODEL.md gives its source),
so a team file only needs to say where its team differs.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    Field,
    PrivateAttr,
    Strict,
    field_serializer,
    field_validator,
    model_validator,
)

from simulator.base.errors import InputError, Problem
from simulator.base.files import PLANS_DIR
from simulator.base.limits import MAX_FACTOR, MAX_REPS, MAX_SEED, MIN_FACTOR
from simulator.base.metrics import PRODUCTS, TASKS
from simulator.base.validation import (
    Count,
    Description,
    Factor,
    Frozen,
    Money,
    Number,
    PositiveShare,
    Text,
    exact_keys,
    show_number,
    validate_model,
)
from simulator.base.yamlio import read_yaml_file
from simulator.plan.spec import PlanSpec, load_plan
from simulator.team.parameters import Behavior, Effort, Luck, ModelRanges, Spread, Turnover

TEAMS_DIR = PLANS_DIR / "teams"
DEFAULT_TEAM = TEAMS_DIR / "default.yaml"
FIRST_DAY, LAST_DAY = dt.date(1950, 1, 1), dt.date(2200, 12, 31)
"""The range of a roster rep's start date."""
FIRST_PLAN_YEAR = 2027
"""The plan year of a team whose roster has no start dates (nothing then depends on it)."""


class Funnel(Frozen):
    """Per rep per month at normal effort (seed 001: 1,200 dials -> 84 -> 12 -> 4)."""

    dials: Count = 1200
    conversations: Count = 84
    meetings: Count = 12
    deals: Count = 4
    minutes_per_conversation: Count = 30
    working_hours: Count = 160


class Product(Frozen):
    """A product line: its share of selling time at normal effort and its mean deal size.

    The share is above 0: the model measures a rep's time on a line against it.
    """

    time_share: PositiveShare
    deal_size: Money


def _default_products() -> dict[str, Product]:
    return {
        "core": Product(time_share=0.6, deal_size=24000),
        "addon": Product(time_share=0.25, deal_size=10800),
        "services": Product(time_share=0.15, deal_size=16800),
    }


class Task(Frozen):
    """A non-selling task: its share of working hours at normal effort and its normal level.

    The share is above 0: the model measures a rep's time on a task against it.
    """

    time_share: PositiveShare
    normal_level: Count


def _default_tasks() -> dict[str, Task]:
    return {
        "crm_hygiene": Task(time_share=0.05, normal_level=85),
        "training_hours": Task(time_share=0.03, normal_level=4.8),
        "csat": Task(time_share=0.05, normal_level=80),
    }


class RosterRep(Frozen):
    """A named rep with a level fitted from history (1.0 = the team funnel's rep).

    Optional terms of the rep's own, used by every plan simulated on the team (README,
    "Per-rep terms"): `quota_factor` multiplies the quota each plan sets the rep on its
    volume measures (count metrics where more is better); `target_incentive` (per year)
    replaces the plan's `pay.target_incentive` for the rep's curve measures; `start` (the
    rep's first day) makes the rep a new hire in the simulated plan years it falls in or
    before (`model.hires`: nothing before it, the plan's ramp and the team's after).
    """

    rep_id: Text
    level: Factor
    quota_factor: Factor | None = None
    target_incentive: Money | None = None
    start: dt.date | None = None

    @field_validator("start")
    @classmethod
    def _start_in_range(cls, start: dt.date | None) -> dt.date | None:
        if start is not None and not FIRST_DAY <= start <= LAST_DAY:
            raise ValueError(f"{start.isoformat()} must be from {FIRST_DAY.isoformat()} to "
                             f"{LAST_DAY.isoformat()}")
        return start


class TeamSpec(Frozen):
    """The people plans are tried on: funnel, spreads, luck and effort parameters.

    `incumbent` is the plan the reps work under today: it defines normal effort (the
    cost of effort is set so that, under it, reps sell what they sell at normal effort,
    i.e. what the history shows). In a file it is a path to a plan file, relative to the
    team file, or a plan written inline. Without it, normal effort is what a linear plan
    paying `effort.reference_pay_slope` target incentives per 100% of quota buys.

    `history_factor` is the history's output over normal-effort output, so that a
    `{history: 1.0}` quota is what each rep sold in the history. It is 1 for a team whose
    history was earned under its incumbent (`calibrate --plan` writes that); older
    calibrated team files may carry another value.
    """

    name: Text
    description: Description = ""
    reps: Annotated[int, Strict()] = 50
    rep_seed: Annotated[int, Strict(), Field(ge=0, le=MAX_SEED)] = 2026
    roster: Annotated[tuple[RosterRep, ...], Field(max_length=MAX_REPS)] | None = None
    plan_year: Annotated[int, Strict(), Field(ge=FIRST_DAY.year, le=LAST_DAY.year - 20)] | None \
        = None
    incumbent: PlanSpec | None = None
    history_factor: Factor = 1.0
    funnel: Funnel = Funnel()
    products: dict[str, Product] = Field(default_factory=_default_products)
    tasks: dict[str, Task] = Field(default_factory=_default_tasks)
    spread: Spread = Spread()
    luck: Luck = Luck()
    seasonality: tuple[Number, ...] = (1.0,) * 12
    effort: Effort = Effort()
    behavior: Behavior = Behavior()
    turnover: Turnover = Turnover()
    model_ranges: ModelRanges = ModelRanges()
    _incumbent_file: str | None = PrivateAttr(default=None)

    @field_validator("reps")
    @classmethod
    def _reps_range(cls, reps: int) -> int:
        if not 1 <= reps <= MAX_REPS:
            raise ValueError(f"must be between 1 and {MAX_REPS:,}, not {show_number(reps)}")
        return reps

    @field_validator("products")
    @classmethod
    def _all_products(cls, products: dict[str, Product]) -> dict[str, Product]:
        exact_keys(products, PRODUCTS, "product line")
        return products

    @field_validator("tasks")
    @classmethod
    def _tasks_leave_selling_time(cls, tasks: dict[str, Task]) -> dict[str, Task]:
        exact_keys(tasks, TASKS, "task")
        total = sum(t.time_share for t in tasks.values())
        if total >= 0.9:
            raise ValueError(f"non-selling tasks take {total:.0%} of hours; they must take "
                             "less than 90%")
        return tasks

    @field_validator("roster")
    @classmethod
    def _unique_reps(cls, roster: tuple[RosterRep, ...] | None) -> tuple[RosterRep, ...] | None:
        if roster is not None:
            if not roster:
                raise ValueError("must list at least one rep")
            ids = [r.rep_id for r in roster]
            duplicates = sorted(i for i, n in Counter(ids).items() if n > 1)
            if duplicates:
                more = f" and {len(duplicates) - 10:,} more" if len(duplicates) > 10 else ""
                raise ValueError(f"duplicate rep_id {', '.join(duplicates[:10])}{more}")
        return roster

    @field_validator("seasonality")
    @classmethod
    def _twelve_months(cls, values: tuple[float, ...]) -> tuple[float, ...]:
        if len(values) != 12:
            raise ValueError(f"must list 12 monthly factors, not {len(values):,}")
        if any(v <= 0 for v in values):
            raise ValueError("factors must be greater than 0")
        if not all(MIN_FACTOR <= v <= MAX_FACTOR for v in values):
            raise ValueError(f"factors must be at least {show_number(MIN_FACTOR)} and at most "
                             f"{show_number(MAX_FACTOR)}")
        return values

    @field_serializer("incumbent")
    def _incumbent_as_written(self, plan: PlanSpec | None) -> dict[str, Any] | None:
        """The incumbent as a team file writes it inline, so a dumped team loads again."""
        return None if plan is None else plan.to_yaml_dict()

    @model_validator(mode="after")
    def _draws_stay_valid(self) -> TeamSpec:
        """Every parameter draw must be a valid team.

        No cost curvature at or below the output elasticity, no minimum effort at or above
        the maximum, whatever the draw.
        """
        deals = self.luck.deals
        if deals is not None and isinstance(deals.weekly_rate, tuple) \
                and len(deals.weekly_rate) != self.size:
            raise ValueError(f"luck.deals.weekly_rate lists {len(deals.weekly_rate):,} rates "
                             f"but the team has {self.size:,} reps (one rate for every rep, "
                             "or one per rep)")
        ranges, e = self.model_ranges.ranges(), self.effort

        def span(name: str, value: float) -> tuple[float, float]:
            return ranges.get(name, (value, value))

        elasticity = span("output_elasticity", e.output_elasticity)
        curvature = span("cost_curvature", e.cost_curvature)
        if curvature[0] <= elasticity[1]:
            raise ValueError(f"model_ranges: cost curvature (from {curvature[0]:g}) must stay "
                             f"above output elasticity (up to {elasticity[1]:g})")
        low, high = span("minimum_effort", e.minimum), span("maximum_effort", e.maximum)
        if low[1] >= high[0]:
            raise ValueError(f"model_ranges: minimum effort (up to {low[1]:g}) must stay "
                             f"below maximum effort (from {high[0]:g})")
        return self

    @property
    def first_plan_year(self) -> int:
        """The calendar year of the first simulated plan year (new hires' start dates).

        `plan_year` when given, else the year of the roster's latest start (a roster that
        lists this year's hires), else the simulation's fixed year, FIRST_PLAN_YEAR.
        """
        if self.plan_year is not None:
            return self.plan_year
        starts = [r.start for r in self.roster or () if r.start is not None]
        return max(starts).year if starts else FIRST_PLAN_YEAR

    @property
    def size(self) -> int:
        """Number of reps."""
        return len(self.roster) if self.roster is not None else self.reps

    @property
    def incumbent_file(self) -> str | None:
        """The plan file the incumbent was read from, as the team file names it."""
        return self._incumbent_file

    @property
    def normal_effort(self) -> str:
        """Which reference defines normal effort, in words (every face states it)."""
        if self.incumbent is not None:
            where = f" ({self._incumbent_file})" if self._incumbent_file else ""
            return (f"the plan in force, {self.incumbent.name!r}{where}: under it reps sell "
                    "what they sell at normal effort")
        e = self.effort
        return (f"a linear plan paying {e.reference_pay_slope:g} x a target incentive of "
                f"{e.reference_target_incentive:,.0f} per 100% of quota (the team file names "
                "no incumbent plan)")


def _incumbent_plan(raw: dict[str, Any], source: str, base_dir: Path, confine: bool
                    ) -> tuple[dict[str, Any], str | None]:
    """The raw team with an incumbent given as a path replaced by the plan it names.

    confine: the path must stay inside plans/ (for team files that came from elsewhere,
    such as an upload to a shared app, so a team file cannot read the server's files).
    """
    value = raw.get("incumbent")
    if not isinstance(value, str):
        return raw, None
    path = (base_dir / value).resolve()
    if confine and not path.is_relative_to(PLANS_DIR.resolve()):
        raise InputError.single(source, "incumbent", f"{value!r} must name a plan file inside "
                                "the plans folder")
    try:
        plan = load_plan(path)
    except InputError as error:
        raise InputError(source, [Problem("incumbent", f"{value}: {p}")
                                  for p in error.problems]) from None
    return {**raw, "incumbent": plan}, value


def team_from_dict(raw: dict[str, Any], source: str = "<team>",
                   base_dir: str | Path | None = None) -> TeamSpec:
    """Validate a team already parsed from YAML.

    An incumbent plan given as a path is read relative to `base_dir` (the team file's
    folder); without one (an upload, a team built in memory) relative to plans/teams/ and
    only from inside plans/.
    """
    confine = base_dir is None
    raw, file = _incumbent_plan(raw, source, Path(base_dir) if base_dir else TEAMS_DIR,
                                confine)
    team = validate_model(TeamSpec, raw, source)
    team._incumbent_file = file
    return team


def load_team(path: str | Path | None = None) -> TeamSpec:
    """Load and validate a team file (the default team when `path` is None)."""
    path = Path(DEFAULT_TEAM if path is None else path)
    return team_from_dict(read_yaml_file(path), str(path), path.parent)
