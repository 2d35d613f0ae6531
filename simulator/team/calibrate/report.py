"""The fit in words and tables: what `python -m simulator calibrate` prints."""

from __future__ import annotations

import numpy as np

from simulator.base.calendar import SEASON_NAMES, WEEKS_PER_PERIOD
from simulator.team.calibrate.calibration import STRONG_SHRINKAGE, Calibration, Estimate
from simulator.team.calibrate.timing import bunching_lines


def season_names(granularity: str) -> list[str]:
    """Names of the seasons of a granularity: months or quarters."""
    return list(SEASON_NAMES[granularity])


def fit_report(fit: Calibration) -> str:
    """The fit in words and tables, for the CLI."""
    unit = fit.granularity
    lines = [
        f"Calibrated from {fit.source}: {fit.n_reps} reps, {len(fit.periods)} {unit}s "
        f"({fit.periods[0]} to {fit.periods[-1]}), {fit.n_observations:,} rep-{unit}s of "
        f"revenue ({fit.n_zero} zero).",
        "",
        f"{'estimate':52s} {'value':>10s}   95% interval",
    ]

    def row(label: str, e: Estimate, fmt: str = "{:,.3f}") -> None:
        lines.append(f"{label:52s} {fmt.format(e.value):>10s}   "
                     f"[{fmt.format(e.low)}, {fmt.format(e.high)}]")

    row("revenue per rep-month (team's average rep)", fit.revenue_per_rep_month, "{:,.0f}")
    row("spread of rep levels (log-sd across reps)", fit.level_sigma)
    weeks = WEEKS_PER_PERIOD[fit.granularity]
    if fit.deals is None:
        row(f"luck per {unit} (log-sd)", fit.period_sigma)
        row(f"  -> each rep's own: luck.sales_weekly ({weeks} weeks/{unit})", fit.weekly_luck)
        lines.append(f"     (Fenton-Wilkinson inverse of the whole, for reference: "
                     f"{fit.weekly_luck_fenton_wilkinson:.3f})")
    else:
        row(f"luck per {unit} read as one lognormal (not used)", fit.period_sigma)
        lines.append(f"{'  luck.sales_weekly: what reps expect (same variance)':52s} "
                     f"{fit.weekly_luck.value:>10.3f}")
    if fit.deals is not None:
        lines += _deal_lines(fit)
    market = fit.market
    if market is not None:
        for label, estimate, name in (
                ("market: yearly level (log-sd, luck.market_yearly)", market.yearly,
                 "yearly"),
                ("market: monthly (log-sd, luck.market_monthly)", market.monthly, "monthly"),
                ("market: month-to-month correlation", market.autocorrelation,
                 "autocorrelation")):
            if name in market.fitted:
                row(label, estimate)
            else:
                lines.append(f"{label:52s} {estimate.value:>10.3f}   (kept from the base team)")
    lines.append(f"{'outlier share of rep-periods (robust fit)':52s} "
                 f"{fit.outlier_share * 100:>9.2f}%")
    for o in fit.outliers:
        lines.append(f"  outlier: {o['rep_id']} {o['period']} (line {o['line']}): "
                     f"{o['actual']:,.0f} = {o['ratio']:.1f}x expected; left out of the fit")
    lines.append("")
    if fit.seasonality_p_value is None:
        lines.append("seasonality: not fitted (the history does not cover a whole year)")
    else:
        verdict = "kept" if fit.seasonality_kept else "not significant, set to 1.0"
        lines.append(f"seasonality: likelihood-ratio test p = {fit.seasonality_p_value:.2g}; "
                     f"{verdict}")
        for label, f in zip(season_names(fit.granularity), fit.seasonal_factors, strict=True):
            lines.append(f"  {label:4s} {f.value:5.2f}  [{f.low:.2f}, {f.high:.2f}]")
    lines.append("")
    levels = [r.level for r in fit.reps]
    lines.append(f"rep levels (1.0 = team's average rep): {min(levels):.2f} to "
                 f"{max(levels):.2f}, median {float(np.median(levels)):.2f}")
    if fit.strongly_shrunk:
        shown = [r for r in fit.reps if r.rep_id in set(fit.strongly_shrunk)]
        lines.append(
            f"  {len(shown)} rep(s) with little history shrunk strongly toward the team "
            f"(more than {STRONG_SHRINKAGE:.0%} of the way): "
            + ", ".join(f"{r.rep_id} ({r.periods} {unit}{'s' if r.periods != 1 else ''}, "
                        f"level {r.level:.2f})" for r in shown[:10])
            + (" ..." if len(shown) > 10 else "")
        )
    else:
        lines.append("  no rep was shrunk strongly toward the team")
    if fit.funnel or fit.minutes_per_conversation:
        lines.append("")
        lines.append("funnel per rep-month (team average):")
        for metric, e in fit.funnel.items():
            lines.append(f"  {metric:24s} {e.value:10,.1f}  [{e.low:,.1f}, {e.high:,.1f}]")
        if fit.minutes_per_conversation is not None:
            e = fit.minutes_per_conversation
            lines.append(f"  {'minutes per conversation':24s} {e.value:10,.1f}  "
                         f"[{e.low:,.1f}, {e.high:,.1f}]")
    if fit.quotas:
        q = fit.quotas
        lines.append("")
        lines.append(
            f"historic quotas: {q['share_at_or_above']:.0%} of {q['rep_periods']:,} rep-{unit}s "
            f"at or above quota; quotas were {q['history_multiple_median']:.2f}x the fitted "
            f"level (median; P10-P90 {q['history_multiple_p10']:.2f}-"
            f"{q['history_multiple_p90']:.2f}), i.e. quota: {{history: "
            f"{q['history_multiple_median']:.2f}}}"
        )
    lines.append("")
    lines.append("goodness of fit: observed vs fitted quantiles of attainment "
                 "(fitted: median and 95% band of replicated histories)")
    for basis in dict.fromkeys(r["basis"] for r in fit.goodness_of_fit):
        label = {"quota": "actual / quota", "deal count": "deals per rep-" + unit,
                 "deal size": "deal size / the rep's mean deal",
                 "period effect": "team-wide period effect (the market's shocks)"}.get(
            basis, "actual / fitted expected revenue")
        lines.append(f"  {label}:")
        for r in (r for r in fit.goodness_of_fit if r["basis"] == basis):
            flag = "" if r["fits"] else "   <- does not fit"
            lines.append(f"    P{r['quantile'] * 100:<3.0f} observed {r['observed']:5.2f}   "
                         f"fitted {r['fitted']:5.2f} [{r['low']:.2f}, {r['high']:.2f}]{flag}")
    misses = sum(not r["fits"] for r in fit.goodness_of_fit)
    total = len(fit.goodness_of_fit)
    lines.append(
        f"  verdict: all {total} quantiles fit (within the band, or close to the fitted "
        "value)"
        if not misses else
        f"  verdict: {misses} of {total} quantiles do not fit: the lognormal luck of the team "
        "model describes this history only roughly; read the simulated spreads with care"
    )
    if fit.timing:
        lines.append("")
        lines += bunching_lines(fit.timing)
    if fit.notes:
        lines.append("")
        lines += [f"note: {n}" for n in fit.notes]
    return "\n".join(lines)


def _deal_lines(fit: Calibration) -> list[str]:
    """The deal-level fit's estimates (deal histories only)."""
    d = fit.deals or {}
    unit = fit.granularity
    weekly = d["weekly"]
    rates = weekly["weekly_rate"]
    out = [f"{'deals per rep-' + unit + ' (team average)':52s} {d['rate']['value']:>10.2f}   "
           f"[{d['rate']['low']:.2f}, {d['rate']['high']:.2f}]",
           f"{'  over-dispersion of deal counts (NB shape per ' + unit + ')':52s} "
           f"{d['dispersion']['value']:>10.2f}   [{d['dispersion']['low']:.2f}, "
           f"{d['dispersion']['high']:.2f}]",
           f"{'  deal size spread (log-sd around the rep mean)':52s} "
           f"{d['size_sigma']['value']:>10.3f}   [{d['size_sigma']['low']:.3f}, "
           f"{d['size_sigma']['high']:.3f}]",
           f"{'  mean deal of the average rep':52s} {d['deal_size']['value']:>10,.0f}",
           f"  -> luck.deals: weekly rate {min(rates):.3g}-{max(rates):.3g} a rep, "
           f"dispersion {weekly['dispersion']:.3g} a week, size_sigma {weekly['size_sigma']:.3g}"
           f" ({d['n_deals']:,} deals)"]
    return out
