"""The model against its calibration targets: practice figures and published effect sizes.

Usage: python scripts/effect_sizes.py [--trials N] [--draws K] [--draw-trials N] [--seed S]
                                      [--write]

Each effect changes one rule of plans/baseline.yaml (the default team's plan in force) and
reports the change in expected team sales: the headline (the team's own parameters) with
its 95% paired interval, and the model range (P10 / P50 / P90 over K behaviour-parameter
draws, docs/MODEL.md) with the share of draws in which its sign holds. `--write` puts the
table into docs/MODEL.md between its markers.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from simulator import compare, load_team, plan_from_dict
from simulator.plan.payout import PayoutCurve
from simulator.plan.spec import PlanSpec

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "plans"
MODEL_DOC = ROOT / "docs" / "MODEL.md"
BEGIN, END = "<!-- effect sizes: begin -->", "<!-- effect sizes: end -->"


@dataclass(frozen=True)
class Effect:
    """A plan change, the published figure it is held against, and how to read it."""

    label: str
    source: str
    target: str
    plan: PlanSpec
    against: str = "baseline"  # "baseline": plan vs baseline; "removing": baseline vs plan
    low: float | None = None  # the published range the model range should overlap
    high: float | None = None


def variant(base: dict[str, Any], name: str, measure: dict[str, Any] | None = None,
            measures: list[dict[str, Any]] | None = None, **plan: object) -> PlanSpec:
    """The baseline with plan keys, first-measure keys or the whole measure list replaced."""
    data = copy.deepcopy(base)
    data["name"] = name
    data.update(plan)
    if measures is not None:
        data["measures"] = measures
    data["measures"][0].update(measure or {})
    return plan_from_dict(data, name)


def effects(base: dict[str, Any]) -> list[Effect]:
    """The calibration effects, each a variant of the baseline."""
    revenue = base["measures"][0]

    def with_dials(weight: float) -> list[dict[str, Any]]:
        return [{**revenue, "weight": 1 - weight},
                {"name": "Dials", "metric": "dials", "weight": weight,
                 "quota": {"relative": 1.0}, "threshold": 0.5,
                 "curve": [[0.5, 0.25], [1.0, 1.0], [1.5, 2.0]]}]

    return [
        Effect("no pay above quota", "Chung, Steenburgh & Sudhir (2014)", "-6% to -13%",
               variant(base, "No overachievement",
                       {"curve": [[0.5, 0.25], [1.0, 1.0]], "cap": 1.0}),
               low=-0.13, high=-0.06),
        Effect("removing a 1.5x ceiling", "Misra & Nair (2011)", "+8% to +9%",
               variant(base, "Ceiling at 1.5x", {"cap": 1.5}), against="removing",
               low=0.08, high=0.09),
        Effect("70% of pay on dials", "Rao et al. (2021): large activity pay hurts",
               "below 0", variant(base, "Dials 70%", measures=with_dials(0.7)), high=0.0),
        Effect("20% of pay on dials", "Rao et al. (2021): modest activity pay harmless",
               "about 0 (+-3%)", variant(base, "Dials 20%", measures=with_dials(0.2)),
               low=-0.03, high=0.03),
        Effect("annual instead of quarterly quota", "Chung et al. (2014): quarterly +5%",
               "-2% to -8% (#12: pacing not modelled)", variant(base, "Annual", period="year")),
    ]


def practice_rows(result: Any, baseline: PlanSpec) -> list[tuple[str, str, str, str]]:
    """The baseline against practice figures (DESIGN, docs/CALIBRATION.md)."""
    p = result.plans[0]
    q = p.quota_attainment
    measure = baseline.measures[0]
    curve = PayoutCurve.from_measure(measure)
    by_rule = {f.rule: f for f in p.health}
    threshold = by_rule["threshold_reach"].value
    top = next(f.value for f in p.health if f.rule == "top_reach")
    p90_rep = float(curve(np.array([q.p90]))[0])
    return [
        ("rep-periods at or above quota", "practice (DESIGN)", "50-65%",
         f"{q.share_at_or_above:.0%}"),
        ("attainment right-skewed (P10 / P50 / P90)", "practice", "P90 - P50 > P50 - P10",
         f"{q.p10:.2f} / {q.p50:.2f} / {q.p90:.2f}"),
        ("reach a well-set threshold (50%)", "practice", "about 90%", f"{threshold:.0%}"),
        ("reach the top of the curve (150%)", "practice", "10-20%", f"{top:.0%}"),
        ("90th-percentile rep-period earns", "practice", "about 2x target",
         f"{p90_rep:.1f}x"),
        ("incentive cost of sales", "practice", "3-10%", f"{p.cost_of_sales.incentive:.1%}"),
    ]


def effect_row(effect: Effect, reference: Any, plan: Any) -> tuple[str, str, str, str, str,
                                                                     str]:
    """One effect: headline, model range P10/P50/P90 and the share of draws with its sign."""
    d = plan.vs_first.sales_diff
    r = plan.model_range.vs_first.sales_diff
    if effect.against == "removing":  # baseline vs the plan: divide by the plan's sales
        base = plan.sales.mean - d.mean
        to = base + d.mean
        headline = -d.mean / to
        spread = [-v / (base + v) for v in (r.p90, r.p50, r.p10)]
        ci = (-d.ci95_high / to, -d.ci95_low / to)
    else:
        base = reference.sales.mean
        headline = d.mean / base
        spread = [v / base for v in (r.p10, r.p50, r.p90)]
        ci = (d.ci95_low / base, d.ci95_high / base)
    inside = ""
    if effect.low is not None or effect.high is not None:
        lo = -np.inf if effect.low is None else effect.low
        hi = np.inf if effect.high is None else effect.high
        inside = "yes" if spread[0] <= hi and spread[2] >= lo else "NO"
    return (effect.label, effect.source, effect.target,
            f"{headline:+.1%} [{ci[0]:+.1%}, {ci[1]:+.1%}]",
            f"{spread[0]:+.1%} / {spread[1]:+.1%} / {spread[2]:+.1%} "
            f"({r.same_sign_share:.0%} same sign)", inside)


def table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    """A markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def main() -> None:
    """Run the comparison and print (or write) the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=2000)
    parser.add_argument("--draws", type=int, default=16)
    parser.add_argument("--draw-trials", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write", action="store_true", help="update docs/MODEL.md")
    args = parser.parse_args()
    base = yaml.safe_load((PLANS / "baseline.yaml").read_text(encoding="utf-8"))
    baseline = plan_from_dict(base, "baseline.yaml")
    listed = effects(base)
    result = compare([baseline, *(e.plan for e in listed)], load_team(), args.trials,
                     args.seed, model_draws=args.draws, draw_trials=args.draw_trials)
    practice = table(practice_rows(result, baseline),
                     ("target", "source", "practice", "model (baseline)"))
    rows = [effect_row(e, result.plans[0], p)
            for e, p in zip(listed, result.plans[1:], strict=True)]
    effect_table = table(rows, ("effect on team sales", "source", "published", "model",
                                "model range P10 / P50 / P90", "range meets it"))
    text = (f"Default team, seed {args.seed}: {args.trials:,} plan years; model range over "
            f"{args.draws} behaviour-parameter draws of {args.draw_trials:,} plan years "
            f"(`python scripts/effect_sizes.py`).\n\n{practice}\n\n{effect_table}\n")
    print(text)
    if args.write:
        doc = MODEL_DOC.read_text(encoding="utf-8")
        pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
        if not pattern.search(doc):
            sys.exit(f"{MODEL_DOC} has no {BEGIN} ... {END} markers")
        MODEL_DOC.write_text(pattern.sub(lambda _: f"{BEGIN}\n{text}{END}", doc),
                             encoding="utf-8")
        print(f"wrote {MODEL_DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
