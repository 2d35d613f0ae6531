"""A simulated plan -> its figures: typed, frozen results that every face reads by attribute.

Everything here reads a finished `Simulation` and returns plain data; nothing is simulated
again. Units: team sales and payouts are per plan year (currency); shares are fractions
of rep-periods; attainment is a multiple of quota. `to_dict()` gives the `compare --json`
objects (keys as documented in the README); fields marked `NOT_IN_JSON` (per-trial
arrays, health findings) are for charts and panels only.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from simulator.base.calendar import WEEKS_PER_YEAR
from simulator.base.stats import Z95
from simulator.model.engine import Simulation
from simulator.model.hires import in_post
from simulator.model.tally import ATTAINMENT_BINS, PlanTally

if TYPE_CHECKING:
    from simulator.results.budget import BudgetFigures
    from simulator.results.health import Finding
    from simulator.results.uncertainty import ModelRange

FloatArray = NDArray[np.float64]
NOT_IN_JSON = {"json": False}
"""Field metadata: the field is left out of `to_dict()` (arrays, findings)."""
JSON_IF_SET = {"json": "if set"}
"""Field metadata: the field is in `to_dict()` only when it is not None (model ranges)."""


def plain(value: Any) -> Any:
    """A result as JSON-ready data: dataclasses to dicts (JSON fields only), tuples to lists."""
    if is_dataclass(value) and not isinstance(value, type):
        out = {}
        for f in fields(value):
            item = getattr(value, f.name)
            shown = f.metadata.get("json", True)
            if shown is True or (shown == "if set" and item is not None):
                out[f.name] = plain(item)
        return out
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Distribution:
    """Mean and percentiles of a per-trial value (e.g. team sales per plan year)."""

    mean: float
    p5: float
    p10: float
    p50: float
    p90: float
    p95: float

    @classmethod
    def of(cls, values: FloatArray) -> Distribution:
        """The distribution of per-trial values, shape (n_trials,)."""
        p5, p10, p50, p90, p95 = np.percentile(values, [5, 10, 50, 90, 95])
        return cls(float(values.mean()), float(p5), float(p10), float(p50), float(p90),
                   float(p95))


@dataclass(frozen=True)
class Difference:
    """Mean of per-trial differences (this plan minus the reference) with a 95% interval.

    The interval is the normal approximation over paired trials: it covers the luck of the
    simulated years only, not the behaviour model (docs/MODEL.md).
    """

    mean: float
    ci95_low: float
    ci95_high: float

    @classmethod
    def paired(cls, values: FloatArray, reference: FloatArray) -> Difference:
        """The paired difference of two per-trial arrays of the same trials."""
        diff = values - reference
        mean = float(diff.mean())
        half = Z95 * float(diff.std(ddof=1)) / np.sqrt(diff.size) if diff.size > 1 else 0.0
        return cls(mean, mean - half, mean + half)

    @property
    def excludes_zero(self) -> bool:
        """The interval lies wholly above or below zero."""
        return self.ci95_low > 0 or self.ci95_high < 0


@dataclass(frozen=True)
class CostOfSales:
    """Mean payout over mean sales; `total` adds base salaries."""

    incentive: float
    total: float


@dataclass(frozen=True)
class QuotaAttainment:
    """Attainment of the plan's heaviest measure over rep-periods."""

    measure: str
    share_at_or_above: float
    p10: float
    p50: float
    p90: float


@dataclass(frozen=True)
class EffortFigures:
    """Mean effort (1 = normal) and the shares of rep-periods given up or at a cap."""

    mean: float
    gave_up_share: float
    capped_share: float


@dataclass(frozen=True)
class MeasureResult:
    """One measure: mean attainment over rep-periods, team payout per plan year."""

    name: str
    metric: str
    weight: float
    attainment_mean: float
    payout_mean: float
    tracked: bool  # False when the measure weighs too little for reps to pay attention


@dataclass(frozen=True)
class DecileResult:
    """Reps of one productivity decile: mean sales and payout per rep per year, mean effort."""

    sales_mean: float
    payout_mean: float
    effort_mean: float


@dataclass(frozen=True)
class TimingFigures:
    """Deals moved across period ends, as shares of the sales booked in the year.

    pushed_out_share: pushed into a later period (the same as `deferred_sales_share`);
    pulled_in_share: pulled in from the next period (at their full value);
    discount_cost_share: the price given up to pull them in.
    """

    pushed_out_share: float
    pulled_in_share: float
    discount_cost_share: float


@dataclass(frozen=True)
class TurnoverFigures:
    """Reps who leave in a plan year (mean over the simulated years).

    leavers_share: leavers over reps; vacancy_weeks: weeks a leaver's seat stands empty in
    the year; lost_sales: the sales the empty seats and new hires' ramps cost (currency
    per year, at normal effort, against full seats all year); lost_sales_vs_today: the
    part beyond today's leaving, which the plan's sales figure already carries (below 0:
    the plan keeps reps longer); hiring_cost: leavers x the team's hiring cost.
    """

    leavers_share: float
    vacancy_weeks: float
    lost_sales: float
    lost_sales_vs_today: float
    hiring_cost: float


@dataclass(frozen=True)
class YearResult:
    """One plan year of a run of several: its sales and payout, and its primary quota.

    primary_quota_scale: the primary measure's quota against the first year's, mean over
    reps (above 1 when a ratchet raised it); sales_diff: paired against the reference.
    """

    year: int  # 1 for the first
    sales: Distribution
    payout: Distribution
    primary_quota_scale: float
    sales_diff: Difference


@dataclass(frozen=True)
class VsReference:
    """Paired differences from the reference plan (the first plan of the comparison)."""

    sales_diff: Difference
    payout_diff: Difference


@dataclass(frozen=True)
class PlanResult:
    """Every figure of one plan in a comparison (JSON: one element of `plans`)."""

    name: str
    file: str
    description: str
    period: str
    sales: Distribution
    payout: Distribution
    cost_of_sales: CostOfSales
    base_salaries: float
    quota_attainment: QuotaAttainment
    effort: EffortFigures
    deferred_sales_share: float
    timing: TimingFigures
    turnover: TurnoverFigures | None  # None for static reps (they never leave)
    measures: tuple[MeasureResult, ...]
    deciles: tuple[DecileResult, ...]
    vs_first: VsReference
    trial_sales: FloatArray = field(metadata=NOT_IN_JSON, compare=False, repr=False)
    trial_payout: FloatArray = field(metadata=NOT_IN_JSON, compare=False, repr=False)
    attainment_counts: NDArray[np.int64] = field(metadata=NOT_IN_JSON, compare=False,
                                                 repr=False)
    weekly_sales: FloatArray = field(default_factory=lambda: np.zeros(WEEKS_PER_YEAR),
                                     metadata=NOT_IN_JSON, compare=False, repr=False)
    weekly_effort: FloatArray = field(default_factory=lambda: np.zeros(WEEKS_PER_YEAR),
                                      metadata=NOT_IN_JSON, compare=False, repr=False)
    health: tuple[Finding, ...] = field(default=(), metadata=NOT_IN_JSON, compare=False)
    by_year: tuple[YearResult, ...] | None = field(default=None, metadata=JSON_IF_SET)
    model_range: ModelRange | None = field(default=None, metadata=JSON_IF_SET)
    budget: BudgetFigures | None = field(default=None, metadata=JSON_IF_SET)

    def to_dict(self) -> dict[str, Any]:
        """The plan's `compare --json` object."""
        out: dict[str, Any] = plain(self)
        return out

    def chance_payout_above(self, budget: float) -> float:
        """Share of simulated years whose team payout exceeds `budget` (currency per year)."""
        return chance_above(self.trial_payout, budget)

    def attainment_shares(self, width: float = 0.05) -> tuple[FloatArray, FloatArray]:
        """Share of rep-periods by primary-measure attainment, in bins of `width`.

        Returns (bin starts, shares), for charts. Bins past the histogram's 5.0 are left out.
        """
        counts = self.attainment_counts[1:-1]
        per = max(1, int(round(width / (ATTAINMENT_BINS[1] - ATTAINMENT_BINS[0]))))
        grouped = counts[: counts.size // per * per].reshape(-1, per).sum(axis=1)
        starts = ATTAINMENT_BINS[:-1:per][: grouped.size]
        total = max(int(self.attainment_counts.sum()), 1)
        return starts, grouped / total


def chance_above(values: FloatArray, threshold: float) -> float:
    """Share of trials whose value exceeds `threshold` (e.g. a year's payout over budget)."""
    return float((np.asarray(values) > threshold).mean())


def histogram_quantiles(histogram: NDArray[np.int64], qs: list[float]) -> list[float]:
    """Quantiles of primary-measure attainment from the engine's histogram (0.005 wide bins)."""
    total = histogram.sum()
    if total == 0:
        return [float("nan")] * len(qs)
    cdf = np.cumsum(histogram) / total
    edges = np.concatenate(([ATTAINMENT_BINS[0]], ATTAINMENT_BINS, [ATTAINMENT_BINS[-1]]))
    out = []
    for q in qs:
        i = int(np.searchsorted(cdf, q))
        out.append(float((edges[i] + edges[i + 1]) / 2))
    return out


def decile_results(sim: Simulation, index: int) -> tuple[DecileResult, ...]:
    """Mean sales, payout and effort per rep by decile of normal-effort productivity."""
    tally = sim.tallies[index]
    order = np.argsort(sim.models[0].revenue_default, kind="stable")
    rows = []
    nan = float("nan")
    for group in np.array_split(order, 10):
        if group.size == 0:
            rows.append(DecileResult(nan, nan, nan))
            continue
        rows.append(DecileResult(
            float(tally.rep_sales[group].mean() / sim.n_trials),
            float(tally.rep_payout[group].mean() / sim.n_trials),
            float(tally.rep_effort[group].mean() / (sim.n_trials * WEEKS_PER_YEAR)),
        ))
    return tuple(rows)


def summarise_plan(sim: Simulation, index: int, file: str = "") -> PlanResult:
    """Every figure of plan `index` of a simulation, against plan 0 as the reference."""
    model, tally = sim.models[index], sim.tallies[index]
    first = sim.tallies[0]
    plan = model.plan
    n_reps = sim.reps.size
    # in post: new hires count from their start (model.hires)
    rep_periods, rep_weeks = in_post(model.hires, n_reps, plan.periods_per_year, sim.years)
    sales_mean = float(tally.sales.mean())
    payout_mean = float(tally.payout.mean())
    base = plan.pay.base_salary * n_reps
    p10, p50, p90 = histogram_quantiles(tally.attainment_histogram, [0.10, 0.50, 0.90])
    tracked = model.mix.tracked
    measures = tuple(
        MeasureResult(
            name=m.name,
            metric=m.metric,
            weight=m.weight,
            attainment_mean=float(tally.measure_attainment[:, k].mean() / rep_periods),
            payout_mean=float(tally.measure_payout[:, k].mean()),
            tracked=bool(tracked[k]) if tracked.size else True,
        )
        for k, m in enumerate(plan.measures)
    )
    total_sales = tally.sales.sum()

    def share(values: FloatArray) -> float:
        return float(values.sum() / total_sales) if total_sales > 0 else 0.0

    leaving = model.leaving
    turnover = None if leaving is None else TurnoverFigures(
        leavers_share=float(tally.leavers.mean() / n_reps),
        vacancy_weeks=float(tally.vacant_weeks.sum() / max(tally.leavers.sum(), 1.0)),
        lost_sales=float(tally.lost_sales.mean()),
        lost_sales_vs_today=float(tally.extra_lost_sales.mean()),
        hiring_cost=float(tally.leavers.mean() * leaving.rules.hiring_cost),
    )
    return PlanResult(
        name=plan.name,
        file=file,
        description=plan.description,
        period=plan.period,
        sales=Distribution.of(tally.sales),
        payout=Distribution.of(tally.payout),
        cost_of_sales=CostOfSales(
            incentive=payout_mean / sales_mean if sales_mean else float("nan"),
            total=(base + payout_mean) / sales_mean if sales_mean else float("nan"),
        ),
        base_salaries=base,
        quota_attainment=QuotaAttainment(
            measure=plan.measures[model.primary].name,
            share_at_or_above=float(tally.at_quota.mean() / rep_periods),
            p10=p10,
            p50=p50,
            p90=p90,
        ),
        effort=EffortFigures(
            mean=float(tally.effort.mean() / rep_weeks),
            gave_up_share=float(tally.gave_up.mean() / rep_periods),
            capped_share=float(tally.capped.mean() / rep_periods),
        ),
        deferred_sales_share=share(tally.deferred),
        timing=TimingFigures(share(tally.deferred), share(tally.pulled),
                             share(tally.discount_cost)),
        turnover=turnover,
        measures=measures,
        deciles=decile_results(sim, index),
        vs_first=VsReference(
            sales_diff=Difference.paired(tally.sales, first.sales),
            payout_diff=Difference.paired(tally.payout, first.payout),
        ),
        trial_sales=np.array(tally.sales, dtype=float),
        trial_payout=np.array(tally.payout, dtype=float),
        attainment_counts=np.array(tally.attainment_histogram),
        weekly_sales=tally.weekly_sales.mean(axis=0),
        weekly_effort=tally.weekly_effort.mean(axis=0) / n_reps,
        by_year=_by_year(tally, first) if sim.years > 1 else None,
    )


def _by_year(tally: PlanTally, first: PlanTally) -> tuple[YearResult, ...]:
    """Each plan year's figures of a run of several years."""
    return tuple(
        YearResult(
            year=y + 1,
            sales=Distribution.of(tally.sales_by_year[:, y]),
            payout=Distribution.of(tally.payout_by_year[:, y]),
            primary_quota_scale=float(tally.quota_scale_by_year[:, y].mean()),
            sales_diff=Difference.paired(tally.sales_by_year[:, y], first.sales_by_year[:, y]),
        )
        for y in range(tally.years)
    )
