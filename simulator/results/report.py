"""Comparisons in words and tables: the readable CLI table and "what happens" notes."""

from __future__ import annotations

from typing import Any

from simulator.results.summary import Comparison


def money(value: float) -> str:
    """Compact currency: 1,234 / 56.7k / 12.35M."""
    sign = "-" if value < 0 else ""
    v = abs(value)
    if v >= 1e6:
        return f"{sign}{v / 1e6:,.2f}M"
    if v >= 1e4:
        return f"{sign}{v / 1e3:,.1f}k"
    return f"{sign}{v:,.0f}"


def percent(value: float, digits: int = 0) -> str:
    """A share as a percentage."""
    return f"{value * 100:.{digits}f}%"


def _diff(d: dict[str, float]) -> str:
    sign = "+" if d["mean"] >= 0 else ""
    return f"{sign}{money(d['mean'])} [{money(d['ci95_low'])}, {money(d['ci95_high'])}]"


def _joined(block: dict[str, float], keys: tuple[str, ...], fmt: Any = money) -> str:
    return " / ".join(fmt(block[k]) for k in keys)


def comparison_table(result: Comparison) -> str:
    """Plans side by side, one row per number; the first plan is the reference."""
    sim = result.simulation
    rows: list[tuple[str, list[str]]] = [
        ("team sales / year, mean", [money(p["sales"]["mean"]) for p in result.plans]),
        (
            "  P5 - P95",
            [f"{money(p['sales']['p5'])} - {money(p['sales']['p95'])}" for p in result.plans],
        ),
        ("  vs first [95% CI]", [_diff(p["vs_first"]["sales_diff"]) for p in result.plans]),
        ("incentive payout / year, mean", [money(p["payout"]["mean"]) for p in result.plans]),
        (
            "  P50 / P90 / P95",
            [_joined(p["payout"], ("p50", "p90", "p95")) for p in result.plans],
        ),
        ("  vs first [95% CI]", [_diff(p["vs_first"]["payout_diff"]) for p in result.plans]),
        (
            "incentive cost of sales",
            [percent(p["cost_of_sales"]["incentive"], 1) for p in result.plans],
        ),
        (
            "total cost of sales (base + incentive)",
            [percent(p["cost_of_sales"]["total"], 1) for p in result.plans],
        ),
        (
            "rep-periods at or above quota",
            [percent(p["quota_attainment"]["share_at_or_above"]) for p in result.plans],
        ),
        (
            "  attainment P10 / P50 / P90",
            [
                _joined(p["quota_attainment"], ("p10", "p50", "p90"), "{:.2f}".format)
                for p in result.plans
            ],
        ),
        ("mean effort (1 = normal)", [f"{p['effort']['mean']:.2f}" for p in result.plans]),
        ("rep-periods given up", [percent(p["effort"]["gave_up_share"]) for p in result.plans]),
        ("rep-periods at a cap", [percent(p["effort"]["capped_share"]) for p in result.plans]),
        (
            "sales pushed to a later period",
            [percent(p["deferred_sales_share"], 1) for p in result.plans],
        ),
    ]
    names = [p["name"] for p in result.plans]
    label_width = max(len(label) for label, _ in rows)
    widths = [max(len(n), *(len(cells[i]) for _, cells in rows)) for i, n in enumerate(names)]
    lines = [
        f"{sim.team.name}: {sim.reps.size} reps, {sim.n_trials:,} plan years, seed {sim.seed}, "
        f"{sim.behavior} behaviour",
        "",
        " " * label_width
        + "  "
        + "  ".join(n.rjust(w) for n, w in zip(names, widths, strict=True)),
    ]
    for label, cells in rows:
        lines.append(
            label.ljust(label_width)
            + "  "
            + "  ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True))
        )
    lines.append("")
    for p in result.plans:
        for note in what_happens(p, result.plans[0]):
            lines.append(f"{p['name']}: {note}")
    return "\n".join(lines)


def what_happens(plan: dict[str, Any], first: dict[str, Any]) -> list[str]:
    """Plain-language notes on what the numbers say about a plan's behaviour."""
    notes = []
    gave_up = plan["effort"]["gave_up_share"]
    capped = plan["effort"]["capped_share"]
    deferred = plan["deferred_sales_share"]
    at_quota = plan["quota_attainment"]["share_at_or_above"]
    period = plan.get("period", "period")
    if gave_up >= 0.05:
        cause = (
            "most of them coast after hitting the cap"
            if capped >= gave_up
            else "the threshold or quota is out of reach for them"
        )
        notes.append(
            f"{percent(gave_up)} of rep-{period}s are spent mostly at minimum effort "
            f"(given up): {cause}."
        )
    if capped >= 0.05:
        notes.append(
            f"{percent(capped)} of rep-{period}s hit a cap; past it extra sales pay nothing, "
            "so effort drops."
        )
    if deferred >= 0.01:
        notes.append(f"{percent(deferred, 1)} of sales are pushed into a later {period}.")
    ignored = [m["name"] for m in plan["measures"] if not m.get("tracked", True)]
    if ignored:
        notes.append(
            f"{len(ignored)} measure(s) weigh too little to matter and are ignored: "
            + ", ".join(ignored)
            + "."
        )
    if len(plan["measures"]) > 5:
        notes.append(
            f"{len(plan['measures'])} measures split attention (seed advice: no more than 4-5)."
        )
    if at_quota < 0.4:
        notes.append(
            f"only {percent(at_quota)} of rep-{period}s reach quota (sound plans: 50-65%)."
        )
    elif at_quota > 0.8:
        notes.append(
            f"{percent(at_quota)} of rep-{period}s reach quota: the quota may be set too low."
        )
    if plan is not first:
        diff = plan["vs_first"]["sales_diff"]
        base = first["sales"]["mean"]
        if base > 0 and (diff["ci95_low"] > 0 or diff["ci95_high"] < 0):
            change = diff["mean"] / base
            notes.append(
                f"team sales {'rise' if change > 0 else 'fall'} {percent(abs(change), 1)} "
                f"against {first['name']}."
            )
    return notes
