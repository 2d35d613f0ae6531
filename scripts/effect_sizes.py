"""Print the model's effect sizes next to the published ones (docs/MODEL.md, "Calibration").

Usage: python scripts/effect_sizes.py [--trials N] [--seed S]
Each row changes one rule of plans/baseline.yaml and reports the change in expected team
sales with its 95% paired interval, on the default team.
"""

from __future__ import annotations

import argparse
import copy
from pathlib import Path

import yaml

from simulator.plan.spec import load_plan, plan_from_dict
from simulator.results.summary import compare
from simulator.team.spec import load_team

PLANS = Path(__file__).resolve().parent.parent / "plans"


def variant(base: dict, name: str, measure: dict | None = None, **plan: object):
    """The baseline with some plan keys and first-measure keys replaced."""
    data = copy.deepcopy(base)
    data["name"] = name
    data.update(plan)
    data["measures"][0].update(measure or {})
    return plan_from_dict(data, name)


def main() -> None:
    """Run the comparison and print one line per effect."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    base = yaml.safe_load((PLANS / "baseline.yaml").read_text())
    rows = [
        (
            "no pay above quota (Chung et al. 2014: about -13%)",
            variant(base, "No overachievement", {"curve": [[0.5, 0.25], [1.0, 1.0]], "cap": 1.0}),
        ),
        (
            "ceiling at 1.5x target (Misra & Nair 2011: removing it, about +9%)",
            variant(base, "Ceiling", {"cap": 1.5}),
        ),
        (
            "annual instead of quarterly (Chung et al. 2014: quarterly about +5%)",
            variant(base, "Annual", period="year"),
        ),
    ]
    plans = [load_plan(PLANS / "baseline.yaml"), *(p for _, p in rows)]
    result = compare(plans, load_team(), args.trials, args.seed)
    base_sales = result.plans[0].sales.mean
    print(
        f"baseline: {base_sales / 1e6:.2f}M team sales, "
        f"{result.plans[0]['quota_attainment']['share_at_or_above']:.0%} of rep-quarters at quota"
    )
    for (label, _), summary in zip(rows, result.plans[1:], strict=True):
        d = summary["vs_first"]["sales_diff"]
        print(
            f"{label}: {d['mean'] / base_sales:+.1%} "
            f"[{d['ci95_low'] / base_sales:+.1%}, {d['ci95_high'] / base_sales:+.1%}]"
        )


if __name__ == "__main__":
    main()
