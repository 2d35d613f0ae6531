"""Hand-built typed results for the tests of the results stage (no simulation needed).

`plan_result()` is a plausible plan's result: every number is written here, so a test can
change one with keyword arguments (or `dataclasses.replace`) and know all the others.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simulator.results.comparison import Comparison
from simulator.results.summary import (
    CostOfSales,
    DecileResult,
    Difference,
    Distribution,
    EffortFigures,
    MeasureResult,
    PlanResult,
    QuotaAttainment,
    TimingFigures,
    TurnoverFigures,
    VsReference,
)

ZERO = Difference(0.0, 0.0, 0.0)


def measure(name: str = "New revenue", tracked: bool = True, weight: float = 1.0
            ) -> MeasureResult:
    """One measure's result."""
    return MeasureResult(name=name, metric="revenue", weight=weight, attainment_mean=1.02,
                         payout_mean=3_000_000.0, tracked=tracked)


def plan_result(**fields: Any) -> PlanResult:
    """A quiet plan: 55% at quota, nobody given up or capped, nothing deferred.

    Keyword arguments replace fields; `gave_up`, `capped` and `at_quota` set the shares.
    """
    effort = EffortFigures(mean=1.3, gave_up_share=fields.pop("gave_up", 0.0),
                           capped_share=fields.pop("capped", 0.0))
    quota = QuotaAttainment(measure="New revenue", share_at_or_above=fields.pop("at_quota", 0.55),
                            p10=0.65, p50=1.04, p90=1.64)
    trial_sales = np.array([40e6, 42e6, 44e6])
    trial_payout = np.array([2.9e6, 3.0e6, 3.1e6])
    values: dict[str, Any] = {
        "name": "Baseline",
        "file": "plans/baseline.yaml",
        "description": "A plan.",
        "period": "quarter",
        "sales": Distribution(42e6, 40.2e6, 40.4e6, 42e6, 43.6e6, 43.8e6),
        "payout": Distribution(3e6, 2.91e6, 2.92e6, 3e6, 3.08e6, 3.09e6),
        "cost_of_sales": CostOfSales(incentive=3e6 / 42e6, total=(4.5e6 + 3e6) / 42e6),
        "base_salaries": 4.5e6,
        "quota_attainment": quota,
        "effort": effort,
        "deferred_sales_share": 0.003,
        "timing": TimingFigures(0.003, 0.005, 0.00075),
        "turnover": TurnoverFigures(leavers_share=0.3, vacancy_weeks=7.5, lost_sales=3.5e6,
                                    lost_sales_vs_today=0.0, hiring_cost=0.0),
        "measures": (measure(),),
        "deciles": tuple(DecileResult(5e5 + 1e5 * i, 4e4 + 5e3 * i, 1.3) for i in range(10)),
        "vs_first": VsReference(ZERO, ZERO),
        "trial_sales": trial_sales,
        "trial_payout": trial_payout,
        "attainment_counts": np.zeros(1002, dtype=np.int64),
    }
    values.update(fields)
    return PlanResult(**values)


def comparison(*plans: PlanResult) -> Comparison:
    """A comparison of hand-built plans (the first is the reference)."""
    plans = plans or (plan_result(),)
    return Comparison(seed=0, trials=3, team="Inside sales (default)", reps=50,
                      behavior="adaptive", normal_effort="the plan in force, 'Baseline'",
                      plans=tuple(plans))
