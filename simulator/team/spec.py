"""Team files -> a frozen, validated `TeamSpec`: the people plans are tried on.

The default team (`plans/teams/default.yaml`) is a B2B inside-sales team built on the
seed-001 funnel. Every field has a documented default (docs/MODEL.md gives its source),
so a team file only needs to say where its team differs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, Strict, field_validator, model_validator

from simulator.base.files import PLANS_DIR
from simulator.base.metrics import PRODUCTS, TASKS
from simulator.base.validation import Frozen, Number, Text, validate_model
from simulator.base.yamlio import read_yaml_file

Positive = Annotated[float, Strict(), Field(gt=0)]
NonNegative = Annotated[float, Strict(), Field(ge=0)]
Share = Annotated[float, Strict(), Field(ge=0, le=1)]
Sigma = Annotated[float, Strict(), Field(ge=0, le=3)]

DEFAULT_TEAM = PLANS_DIR / "teams" / "default.yaml"


class Funnel(Frozen):
    """Per rep per month at normal effort (seed 001: 1,200 dials -> 84 -> 12 -> 4)."""

    dials: Positive = 1200
    conversations: Positive = 84
    meetings: Positive = 12
    deals: Positive = 4
    minutes_per_conversation: Positive = 30
    working_hours: Positive = 160


class Product(Frozen):
    """A product line: its share of selling time at normal effort and its mean deal size."""

    time_share: Share
    deal_size: Positive


def _default_products() -> dict[str, Product]:
    return {
        "core": Product(time_share=0.6, deal_size=20000),
        "addon": Product(time_share=0.25, deal_size=9000),
        "services": Product(time_share=0.15, deal_size=14000),
    }


class Task(Frozen):
    """A non-selling task: its share of working hours at normal effort and its normal level."""

    time_share: Share
    normal_level: Positive


def _default_tasks() -> dict[str, Task]:
    return {
        "crm_hygiene": Task(time_share=0.05, normal_level=85),
        "training_hours": Task(time_share=0.03, normal_level=4.8),
        "csat": Task(time_share=0.05, normal_level=80),
    }


class Spread(Frozen):
    """Lognormal sigmas of how reps differ from each other."""

    conversion: Sigma = 0.35
    deal_size: Sigma = 0.20
    product_skill: Sigma = 0.30
    task_skill: Sigma = 0.20
    effort_cost: Sigma = 0.25
    quota_error: Sigma = 0.2


class Luck(Frozen):
    """Lognormal sigmas of week-to-week luck."""

    sales_weekly: Sigma = 0.6
    activity_weekly: Sigma = 0.10


class Effort(Frozen):
    """How effort turns into output and what it costs (docs/MODEL.md gives the sources)."""

    minimum: Positive = 0.3
    maximum: Positive = 2.1
    output_elasticity: Positive = 0.4
    reference_target_incentive: Positive = 60000
    reference_pay_slope: Positive = 1.2

    @model_validator(mode="after")
    def _range(self) -> Effort:
        if self.minimum >= self.maximum:
            raise ValueError(f"minimum {self.minimum} must be below maximum {self.maximum}")
        if self.output_elasticity > 1.5:
            raise ValueError(f"output_elasticity {self.output_elasticity} must be at most 1.5")
        return self


class Behavior(Frozen):
    """Parameters of how reps split time and react to plan rules."""

    task_concavity: Annotated[float, Strict(), Field(gt=0, lt=1)] = 0.5
    mix_inertia: NonNegative = 20.0
    focus_free_measures: Annotated[int, Strict()] = 3
    focus_cost_per_measure: Share = 0.025
    ignore_weight_below: Share = 0.08
    movable_share: Share = 0.3
    slip_loss: Share = 0.15
    defer_window_weeks: Annotated[int, Strict(), Field(ge=0, le=48)] = 2
    gave_up_weeks_share: Annotated[float, Strict(), Field(gt=0, le=1)] = 0.5
    quality_min: Positive = 0.4
    quality_max: Positive = 1.5

    @model_validator(mode="after")
    def _quality_range(self) -> Behavior:
        if not self.quality_min <= 1.0 <= self.quality_max:
            raise ValueError("quality_min must be at most 1 and quality_max at least 1")
        return self


class RosterRep(Frozen):
    """A named rep with a level fitted from history (1.0 = the team funnel's rep)."""

    rep_id: Text
    level: Positive


def _exactly(given: dict[str, Any], names: tuple[str, ...], what: str) -> None:
    unknown = [k for k in given if k not in names]
    missing = [k for k in names if k not in given]
    if unknown or missing:
        raise ValueError(
            "; ".join(
                ([f"unknown {what} {', '.join(map(repr, unknown))}"] if unknown else [])
                + ([f"missing {what} {', '.join(map(repr, missing))}"] if missing else [])
            )
            + f" (expected {', '.join(names)})"
        )


class TeamSpec(Frozen):
    """The people plans are tried on: funnel, spreads, luck and effort parameters.

    `history_factor` is the history's output over normal-effort output (written by
    `calibrate --plan` when the history was earned under a plan that moved effort), so that
    a `{history: 1.0}` quota is what each rep sold in the history.
    """

    name: Text
    description: Annotated[str, Strict(), Field(max_length=2000)] = ""
    reps: Annotated[int, Strict()] = 50
    rep_seed: Annotated[int, Strict()] = 2026
    roster: tuple[RosterRep, ...] | None = None
    history_factor: Positive = 1.0
    funnel: Funnel = Funnel()
    products: dict[str, Product] = Field(default_factory=_default_products)
    tasks: dict[str, Task] = Field(default_factory=_default_tasks)
    spread: Spread = Spread()
    luck: Luck = Luck()
    seasonality: tuple[Number, ...] = (1.0,) * 12
    effort: Effort = Effort()
    behavior: Behavior = Behavior()

    @field_validator("reps")
    @classmethod
    def _reps_range(cls, reps: int) -> int:
        if not 1 <= reps <= 100_000:
            raise ValueError(f"must be between 1 and 100,000, not {reps}")
        return reps

    @field_validator("products")
    @classmethod
    def _all_products(cls, products: dict[str, Product]) -> dict[str, Product]:
        _exactly(products, PRODUCTS, "product line")
        if sum(p.time_share for p in products.values()) <= 0:
            raise ValueError("product time shares must not all be 0")
        return products

    @field_validator("tasks")
    @classmethod
    def _tasks_leave_selling_time(cls, tasks: dict[str, Task]) -> dict[str, Task]:
        _exactly(tasks, TASKS, "task")
        total = sum(t.time_share for t in tasks.values())
        if total >= 0.9:
            raise ValueError(f"non-selling tasks take {total:.0%} of hours; at most 90% allowed")
        return tasks

    @field_validator("roster")
    @classmethod
    def _unique_reps(cls, roster: tuple[RosterRep, ...] | None) -> tuple[RosterRep, ...] | None:
        if roster is not None:
            if not roster:
                raise ValueError("must list at least one rep")
            ids = [r.rep_id for r in roster]
            duplicates = sorted({i for i in ids if ids.count(i) > 1})
            if duplicates:
                raise ValueError(f"duplicate rep_id {', '.join(duplicates)}")
        return roster

    @field_validator("seasonality")
    @classmethod
    def _twelve_months(cls, values: tuple[float, ...]) -> tuple[float, ...]:
        if len(values) != 12:
            raise ValueError(f"must list 12 monthly factors, not {len(values)}")
        if any(v <= 0 for v in values):
            raise ValueError("factors must be greater than 0")
        return values

    @property
    def size(self) -> int:
        """Number of reps."""
        return len(self.roster) if self.roster is not None else self.reps


def team_from_dict(raw: dict[str, Any], source: str = "<team>") -> TeamSpec:
    """Validate a team already parsed from YAML."""
    return validate_model(TeamSpec, raw, source)


def load_team(path: str | Path | None = None) -> TeamSpec:
    """Load and validate a team file (the default team when `path` is None)."""
    path = DEFAULT_TEAM if path is None else path
    return team_from_dict(read_yaml_file(path), str(path))
