"""Comparisons in words and tables: the readable CLI table and "what happens" notes."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from simulator.results.comparison import Comparison
from simulator.results.summary import Difference, PlanResult
from simulator.results.uncertainty import ROBUST_SHARE, DifferenceSpread, Spread


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


def _diff(d: Difference) -> str:
    sign = "+" if d.mean >= 0 else ""
    return f"{sign}{money(d.mean)} [{money(d.ci95_low)}, {money(d.ci95_high)}]"


def _span(spread: Spread | None, fmt: Callable[[float], str] = money) -> str:
    if spread is None or (isinstance(spread, DifferenceSpread)
                          and spread.same_sign_share is None):
        return ""  # no draws, or the reference plan's difference from itself
    return f"{fmt(spread.p10)} - {fmt(spread.p90)}"


def _sign_share(spread: DifferenceSpread | None) -> str:
    if spread is None or spread.same_sign_share is None:
        return ""
    word = "robust" if spread.robust else "fragile"
    return f"{percent(spread.same_sign_share)} ({word})"


def comparison_table(result: Comparison) -> str:
    """Plans side by side, one row per number; the first plan is the reference.

    With model draws, each headline figure gets its model range (P10-P90 over the
    behaviour-parameter draws) and each difference the share of draws its sign holds in.
    Amounts carry no sign; the first line names the plans' currency when they state one.
    """
    plans = result.plans
    ranges = [p.model_range for p in plans]
    drawn = result.draws is not None

    def model_rows(label: str, cells: list[str]) -> list[tuple[str, list[str]]]:
        return [(label, cells)] if drawn else []

    rows: list[tuple[str, list[str]]] = [
        ("team sales / year, mean", [money(p.sales.mean) for p in plans]),
        *model_rows("  model range P10 - P90",
                    [_span(r.sales_mean if r else None) for r in ranges]),
        ("  P5 - P95 of years", [f"{money(p.sales.p5)} - {money(p.sales.p95)}" for p in plans]),
        ("  vs first [95% CI, luck only]", [_diff(p.vs_first.sales_diff) for p in plans]),
        *model_rows("  vs first, model range P10 - P90",
                    [_span(r.vs_first.sales_diff if r else None) for r in ranges]),
        *model_rows("  vs first, sign holds in draws",
                    [_sign_share(r.vs_first.sales_diff if r else None) for r in ranges]),
        ("incentive payout / year, mean", [money(p.payout.mean) for p in plans]),
        *model_rows("  model range P10 - P90",
                    [_span(r.payout_mean if r else None) for r in ranges]),
        ("  P50 / P90 / P95 of years",
         [" / ".join(money(v) for v in (p.payout.p50, p.payout.p90, p.payout.p95))
          for p in plans]),
        ("  vs first [95% CI, luck only]", [_diff(p.vs_first.payout_diff) for p in plans]),
        *model_rows("  vs first, model range P10 - P90",
                    [_span(r.vs_first.payout_diff if r else None) for r in ranges]),
        ("incentive cost of sales", [percent(p.cost_of_sales.incentive, 1) for p in plans]),
        ("total cost of sales (base + incentive)",
         [percent(p.cost_of_sales.total, 1) for p in plans]),
        ("rep-periods at or above quota",
         [percent(p.quota_attainment.share_at_or_above) for p in plans]),
        ("  attainment P10 / P50 / P90",
         [" / ".join(f"{v:.2f}" for v in (q.p10, q.p50, q.p90))
          for q in (p.quota_attainment for p in plans)]),
        ("mean effort (1 = normal)", [f"{p.effort.mean:.2f}" for p in plans]),
        ("rep-periods given up", [percent(p.effort.gave_up_share) for p in plans]),
        ("rep-periods at a cap", [percent(p.effort.capped_share) for p in plans]),
        ("sales pushed to a later period", [percent(p.deferred_sales_share, 1) for p in plans]),
        ("sales pulled in from the next period",
         [percent(p.timing.pulled_in_share, 1) for p in plans]),
        ("  discount given to pull them in",
         [percent(p.timing.discount_cost_share, 1) for p in plans]),
        *_turnover_rows(plans),
        *_year_rows(plans),
        *_budget_rows(result),
    ]
    names = [p.name for p in plans]
    label_width = max(len(label) for label, _ in rows)
    widths = [max(len(n), *(len(cells[i]) for _, cells in rows)) for i, n in enumerate(names)]
    runs = (f"{result.trials:,} runs of {result.years} plan years (figures per year)"
            if result.years else f"{result.trials:,} plan years")
    lines = [
        f"{result.team}: {result.reps} reps, {runs}, seed {result.seed}, "
        f"{result.behavior} behaviour"
        + (f", amounts in {result.currency}" if result.currency else ""),
        *_coverage(result),
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
    for p in plans:
        for note in what_happens(p, result.reference):
            lines.append(f"{p.name}: {note}")
    return "\n".join(lines)


def _turnover_rows(plans: Sequence[PlanResult]) -> list[tuple[str, list[str]]]:
    """Leavers and what they cost, when the reps respond to the plans (static: none)."""
    turnover = [p.turnover for p in plans]
    if any(t is None for t in turnover):
        return []
    rows = [
        ("reps leaving in a year", [percent(t.leavers_share) for t in turnover if t]),
        ("  sales lost to empty seats and ramps", [money(t.lost_sales) for t in turnover if t]),
        ("  of which beyond today's leaving",
         [money(t.lost_sales_vs_today) for t in turnover if t]),
    ]
    if any(t.hiring_cost for t in turnover if t):
        rows.append(("  hiring cost / year", [money(t.hiring_cost) for t in turnover if t]))
    return rows


def _year_rows(plans: Sequence[PlanResult]) -> list[tuple[str, list[str]]]:
    """Each plan year's sales and primary quota, for runs of several years."""
    years = [p.by_year for p in plans]
    if any(y is None for y in years):
        return []
    rows = []
    for k in range(len(years[0] or ())):
        rows.append((f"year {k + 1}: team sales, mean",
                     [money(y[k].sales.mean) for y in years if y]))
        rows.append(("  primary quota vs year 1",
                     [f"{y[k].primary_quota_scale:.2f}x" for y in years if y]))
    return rows


def _budget_rows(result: Comparison) -> list[tuple[str, list[str]]]:
    """With a budget: each plan's chance to exceed it and the expected overrun."""
    if result.budget is None:
        return []
    figures = [p.budget for p in result.plans]
    rows = [
        (f"chance payout > budget {money(result.budget)}",
         [percent(b.chance_above, 1) if b else "" for b in figures]),
        ("  across behaviour-model draws",
         [percent(b.model_chance_above, 1) if b and b.model_chance_above is not None else ""
          for b in figures]),
        ("expected overrun / year", [money(b.expected_overrun) if b else "" for b in figures]),
    ]
    return rows if result.draws is not None else [rows[0], rows[2]]


def _coverage(result: Comparison) -> list[str]:
    """What the figures rest on: normal effort, what intervals cover, the model draws."""
    lines = [f"Normal effort: {result.normal_effort}.",
             "Years vary with each rep's luck and the market's; [95% CI] intervals cover the "
             "luck of the simulated years only."]
    if result.draws is not None:
        names = ", ".join(f"{k.replace('_', ' ')} {v[0]:g}-{v[1]:g}"
                          for k, v in (result.model_ranges or {}).items())
        lines.append(f"Model range: P10-P90 over {result.draws} behaviour-parameter draws of "
                     f"{result.draw_trials:,} plan years each ({names}); a difference is "
                     f"robust when its sign holds in at least {ROBUST_SHARE:.0%} of draws.")
    return lines


def what_happens(plan: PlanResult, reference: PlanResult) -> list[str]:
    """Plain-language notes on what the numbers say about a plan's behaviour."""
    notes = []
    gave_up = plan.effort.gave_up_share
    capped = plan.effort.capped_share
    deferred = plan.deferred_sales_share
    at_quota = plan.quota_attainment.share_at_or_above
    period = plan.period
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
    pulled = plan.timing.pulled_in_share
    if pulled >= 0.01:
        notes.append(f"{percent(pulled, 1)} of sales are pulled in from the next {period}, "
                     f"at a discount costing {percent(plan.timing.discount_cost_share, 1)} "
                     "of sales.")
    notes += _leaving(plan, reference)
    ignored = [m.name for m in plan.measures if not m.tracked]
    if ignored:
        notes.append(
            f"{len(ignored)} measure(s) weigh too little to matter and are ignored: "
            + ", ".join(ignored)
            + "."
        )
    if len(plan.measures) > 5:
        notes.append(
            f"{len(plan.measures)} measures split attention (seed advice: no more than 4-5)."
        )
    if at_quota < 0.4:
        notes.append(
            f"only {percent(at_quota)} of rep-{period}s reach quota (sound plans: 50-65%)."
        )
    elif at_quota > 0.8:
        notes.append(
            f"{percent(at_quota)} of rep-{period}s reach quota: the quota may be set too low."
        )
    if plan is not reference:
        notes += _sales_change(plan, reference)
    return notes


def _leaving(plan: PlanResult, reference: PlanResult) -> list[str]:
    """A note when a plan changes how many reps leave by 5 points or more."""
    mine, theirs = plan.turnover, reference.turnover
    if plan is reference or mine is None or theirs is None:
        return []
    change = mine.leavers_share - theirs.leavers_share
    if abs(change) < 0.05:
        return []
    more = "more" if change > 0 else "fewer"
    cost = mine.lost_sales_vs_today - theirs.lost_sales_vs_today
    effect = (f"the empty seats and new hires' ramps cost {money(cost)} of sales a year"
              if cost > 0 else f"seats kept filled add {money(-cost)} of sales a year")
    return [f"{more} reps leave: {percent(mine.leavers_share)} a year against "
            f"{percent(theirs.leavers_share)}; {effect} (in the sales figure)."]


def _sales_change(plan: PlanResult, reference: PlanResult) -> list[str]:
    """The change in team sales against the reference, and how much rests on the model."""
    diff = plan.vs_first.sales_diff
    base = reference.sales.mean
    if base <= 0 or not diff.excludes_zero:
        return []
    change = diff.mean / base
    note = f"team sales {'rise' if change > 0 else 'fall'} {percent(abs(change), 1)} against " \
           f"{reference.name}"
    spread = plan.model_range.vs_first.sales_diff if plan.model_range else None
    if spread is None or spread.same_sign_share is None:
        return [note + "."]
    span = f"{spread.p10 / base:+.1%} to {spread.p90 / base:+.1%}"
    if spread.robust:
        return [f"{note}; robust: the sign holds in {percent(spread.same_sign_share)} of "
                f"behaviour-parameter draws (model range {span})."]
    return [f"{note}, but this is fragile: the sign holds in only "
            f"{percent(spread.same_sign_share)} of behaviour-parameter draws (model range "
            f"{span}); do not rest a decision on it."]
