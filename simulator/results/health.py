"""Plan health: a plan's simulated outcomes held against the rules of practice, in words.

Each finding names the rule, says whether the plan meets it (`ok`), is near the edge
(`warn`) or breaks it (`fail`), and gives the number behind the verdict. The numbers come
from the adaptive model (reps respond to the plan), so a threshold out of reach shows up
as reps giving up, not just as a low attainment. The rules and their sources are listed
in `RULES` and in docs/CALIBRATION.md ("Plan health").

`plan_health` is pure: it reads a finished simulation and the plan's summary
(`results.comparison.health_report` runs one for a single plan).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from simulator.base.calendar import working_days
from simulator.base.metrics import METRICS
from simulator.model.engine import Simulation
from simulator.plan.payout import PayoutCurve
from simulator.plan.spec import Measure, PlanSpec
from simulator.team.spec import TeamSpec

if TYPE_CHECKING:
    from simulator.results.summary import PlanResult

Status = Literal["ok", "warn", "fail"]
STATUS_ORDER: dict[str, int] = {"fail": 0, "warn": 1, "ok": 2}
"""Worst first: the order in which findings are listed."""

RULES: dict[str, str] = {
    "threshold_reach": "about 90% of rep-periods should reach a measure's threshold",
    "quota_reach": "50-65% of rep-periods should reach quota",
    "top_reach": "10-20% of rep-periods should reach the top of the payout curve",
    "dead_zone": "no threshold or quota out of reach for most reps; few reps should give up",
    "cap_cliff": "a cap should rarely bind; reps at a cap stop selling",
    "deferred_sales": "few sales should be pushed into a later period",
    "measure_count": "no more than 4-5 clear measures (seed 003)",
    "light_measures": "every measure should carry about 10% of the incentive or more",
    "late_announcement": "reps should know the plan before the period starts, or within its "
    "first working days",
    "activity_volume": "little pay for activity volume (dials, conversations, talk time, "
    "short calls)",
    "payroll": "a draw should top up few rep-periods and SPIFFs stay a small share of pay",
}
"""Each rule's id and the practice it checks."""

THRESHOLD_REACH = (0.85, 0.70)  # ok at or above the first, warn at or above the second
QUOTA_REACH = ((0.50, 0.65), (0.35, 0.80))  # ok band, warn band
TOP_REACH = ((0.10, 0.20), (0.05, 0.30))
DEAD_ZONE_REACH = 0.5  # a threshold or quota reached by fewer rep-periods is a dead zone
GAVE_UP = (0.05, 0.15)  # ok up to the first, warn up to the second
CAPPED = (0.05, 0.20)
DEFERRED = (0.01, 0.03)
MEASURES = (4, 5)  # ok up to 4, warn at 5
LIGHT_WEIGHT = 0.10
LATE_SHARE = (0.10, 0.25)
ACTIVITY_WEIGHT = (0.15, 0.30)
TOPPED_UP = (0.10, 0.25)  # share of rep-periods a draw tops up
SPIFF_SHARE = (0.10, 0.20)  # SPIFF pay / all incentive pay
VOLUME_METRICS = ("dials", "conversations", "talk_time")
"""Metrics that pay for volume when higher is better (avg_call_minutes when lower is)."""


@dataclass(frozen=True)
class Finding:
    """One health finding: the rule, the verdict, the plain-words message and its number."""

    rule: str
    status: Status
    message: str
    value: float
    measure: str | None = None

    @property
    def practice(self) -> str:
        """The rule of practice this finding checks."""
        return RULES[self.rule]

    def to_dict(self) -> dict[str, Any]:
        """The finding as plain data, with the rule in words."""
        return {**asdict(self), "practice": self.practice}


def _above(value: float, ok: float, warn: float) -> Status:
    """Status of a share where more is better."""
    return "ok" if value >= ok else "warn" if value >= warn else "fail"


def _below(value: float, ok: float, warn: float) -> Status:
    """Status of a share where less is better."""
    return "ok" if value <= ok + 1e-12 else "warn" if value <= warn + 1e-12 else "fail"


def _band(value: float, ok: tuple[float, float], warn: tuple[float, float]) -> Status:
    if ok[0] - 1e-12 <= value <= ok[1] + 1e-12:
        return "ok"
    return "warn" if warn[0] <= value <= warn[1] else "fail"


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def plan_health(sim: Simulation, index: int, summary: PlanResult) -> list[Finding]:
    """Findings for plan `index` of a finished simulation, whose summary is `summary`."""
    model, tally = sim.models[index], sim.tallies[index]
    plan = model.plan
    unit = f"rep-{plan.period}s"
    rep_periods = sim.n_trials * sim.reps.size * plan.periods_per_year
    reached = tally.measure_reached.sum(axis=0) / rep_periods  # (M, 3)
    tracked = model.mix.tracked if model.mix.tracked.size else np.ones(len(plan.measures), bool)
    shares = _shares(sim, index)
    findings: list[Finding] = []

    for k, m in enumerate(plan.measures):
        if not tracked[k]:
            continue  # reps ignore it: reported under light_measures
        curve = model.payout.curves[k]
        threshold = _threshold(m, curve)
        if threshold is not None:
            share = float(reached[k, 0])
            findings.append(Finding(
                "threshold_reach", _above(share, *THRESHOLD_REACH),
                f"{m.name}: {_pct(share)} of {unit} reach the {_pct(threshold)} threshold "
                + ("(the first tier's start) " if m.commission is not None else "")
                + "(practice: about 90%)", share, m.name))
        if m.commission is not None and len(m.commission.tiers) == 1:
            continue  # one flat rate: neither quota nor a top tier changes the pay
        share = float(reached[k, 1])
        findings.append(Finding(
            "quota_reach", _band(share, *QUOTA_REACH),
            f"{m.name}: {_pct(share)} of {unit} reach quota (practice: 50-65%"
            + ("; the quota may be too low)" if share > QUOTA_REACH[0][1] else
               "; the quota may be out of reach)" if share < QUOTA_REACH[0][0] else ")"),
            share, m.name))
        top = curve.top
        if top > 1.0:
            share = float(reached[k, 2])
            status = _band(share, *TOP_REACH)
            capped_at_top = bool(np.isfinite(curve.cap) and (
                not isinstance(curve, PayoutCurve) or curve(top) >= curve.cap - 1e-9))
            if status == "fail" and not capped_at_top and share < TOP_REACH[1][1]:
                status = "warn"  # uncapped: past its last point the curve keeps paying
            findings.append(Finding(
                "top_reach", status,
                f"{m.name}: {_pct(share)} of {unit} reach the top "
                f"{'tier' if m.commission is not None else 'of the curve'} "
                f"({_pct(top)} of quota; practice: 10-20%"
                + ("; rarely reached, so the top tier motivates few)" if share < TOP_REACH[1][0]
                   else "; too easy to reach)" if share > TOP_REACH[0][1] else ")"),
                share, m.name))

    findings.append(_dead_zone(sim, index, summary, reached, tracked, unit))
    findings.append(_cap_cliff(sim, index, summary, unit))
    deferred = summary.deferred_sales_share
    findings.append(Finding(
        "deferred_sales", _below(deferred, *DEFERRED),
        f"{deferred * 100:.1f}% of sales are pushed into a later {plan.period} (reps at a cap "
        "hold deals back; reps far below a threshold save them for a better period)",
        deferred))
    findings += _measure_findings(plan, tracked, sim.team, shares)
    findings.append(_late(plan))
    findings.append(_activity(plan, model.mix.quality, shares))
    if plan.has_payroll:
        findings.append(_payroll(sim, index, unit))
    return findings


def _payroll(sim: Simulation, index: int, unit: str) -> Finding:
    """What payroll pays against what the periods earn: true-ups, the draw, SPIFFs.

    Attainment in every other finding is each period's own; this one reads the cost.
    """
    plan, tally = sim.models[index].plan, sim.tallies[index]
    paid, earned = float(tally.payout.mean()), float(tally.earned.mean())
    topped = float(tally.topped_up.mean()) / (sim.reps.size * plan.periods_per_year)
    spiff = float(tally.spiff_pay.mean()) / paid if paid > 0 else 0.0
    extra = paid / earned - 1 if earned > 0 else 0.0
    parts = [f"payroll pays {paid:,.0f} a year, {extra:+.1%} against the periods' earnings "
             f"({earned:,.0f})"]
    if plan.settlement == "cumulative":
        parts.append("year-to-date true-ups" + (" with clawbacks" if plan.clawback
                                                else ", shortfalls carried"))
    status: Status = "ok"
    if plan.draw is not None:
        status = _below(topped, *TOPPED_UP)
        parts.append(f"the {plan.draw.amount:,.0f} draw tops up {_pct(topped)} of {unit}"
                     + (", repaid from later ones" if plan.draw.recoverable
                        else ", never repaid (a guarantee: below it results pay nothing)"))
    if plan.spiffs:
        worse = _below(spiff, *SPIFF_SHARE)
        status = worse if STATUS_ORDER[worse] < STATUS_ORDER[status] else status
        parts.append(f"SPIFFs are {_pct(spiff)} of incentive pay")
    return Finding("payroll", status, "; ".join(parts), extra)


def _shares(sim: Simulation, index: int) -> np.ndarray:
    """Each measure's share of pay (a curve plan's weights; with commissions, at quota)."""
    model = sim.models[index]
    return model.shares if model.shares is not None else model.payout.weights


def _threshold(m: Measure, schedule: object) -> float | None:
    """A measure's threshold above 0: its own, or the start of a commission's first tier."""
    if m.commission is not None:
        start = float(m.commission.tiers[0][0])
        return start if start > 0 else None
    return m.threshold if m.threshold is not None and m.threshold > 0 else None


def _cap_words(m: Measure, period: str) -> str:
    if m.commission is not None and m.commission.cap is not None:
        return f"{m.name} at {m.commission.cap:,.0f} a {period}"
    return f"{m.name} at {m.cap:g}x"


def _has_cap(m: Measure) -> bool:
    return m.cap is not None or (m.commission is not None and m.commission.cap is not None)


def _dead_zone(sim: Simulation, index: int, summary: PlanResult, reached: np.ndarray,
               tracked: np.ndarray, unit: str) -> Finding:
    model, tally = sim.models[index], sim.tallies[index]
    plan = model.plan
    gave_up = summary.effort.gave_up_share
    per_rep = tally.rep_gave_up / (sim.n_trials * plan.periods_per_year)
    folding = int((per_rep > 0.5).sum())
    status = _below(gave_up, *GAVE_UP)
    zones = []
    for k, m in enumerate(plan.measures):
        if not tracked[k]:
            continue
        threshold = _threshold(m, None)
        if threshold is not None and reached[k, 0] < DEAD_ZONE_REACH:
            zones.append(f"{m.name}'s {_pct(threshold)} threshold is reached by only "
                         f"{_pct(float(reached[k, 0]))}, so most {unit} pay nothing on it")
        elif reached[k, 1] < DEAD_ZONE_REACH / 2 and status != "ok":
            # a quota out of reach acts as a dead zone when reps visibly give up on it
            zones.append(f"{m.name}'s quota is reached by only {_pct(float(reached[k, 1]))}")
    if zones:
        status = "fail"
    message = (f"{_pct(gave_up)} of {unit} are given up (minimum effort for most of the "
               f"{plan.period}); {folding} of {sim.reps.size} reps give up in most {plan.period}s")
    if zones:
        message += "; dead zone: " + "; ".join(zones)
    elif status == "ok":
        message += "; no threshold is out of reach for most reps"
    if any(_has_cap(m) for m in plan.measures) and gave_up > 0:
        message += " (some of these reps may be coasting at a cap rather than hopeless)"
    return Finding("dead_zone", status, message, gave_up)


def _cap_cliff(sim: Simulation, index: int, summary: PlanResult, unit: str) -> Finding:
    model, tally = sim.models[index], sim.tallies[index]
    plan = model.plan
    capped_measures = [m for m in plan.measures if _has_cap(m)]
    capped = summary.effort.capped_share
    if not capped_measures:
        return Finding("cap_cliff", "ok", f"no cap ({_pct(capped)} of {unit} capped): pay keeps "
                       "growing with results, so no rep has a reason to stop early", capped)
    per_rep = tally.rep_capped / (sim.n_trials * plan.periods_per_year)
    stopping = int((per_rep > 0.5).sum())
    names = ", ".join(_cap_words(m, plan.period) for m in capped_measures)
    selling = [m for m in capped_measures if METRICS[m.metric].kind == "count"]
    status = _below(capped, *CAPPED)
    if status == "fail" and not selling:
        status = "warn"  # caps on level measures (CSAT, CRM hygiene) do not stop selling
    return Finding(
        "cap_cliff", status,
        f"{_pct(capped)} of {unit} hit a cap ({names}); past it extra results pay nothing, "
        f"so effort drops; {stopping} of {sim.reps.size} reps are capped in most "
        f"{plan.period}s and expected to stop early", capped)


def _measure_findings(plan: PlanSpec, tracked: np.ndarray, team: TeamSpec,
                      shares: np.ndarray) -> list[Finding]:
    n = len(plan.measures)
    count_status: Status = "ok" if n <= MEASURES[0] else "warn" if n <= MEASURES[1] else "fail"
    findings = [Finding(
        "measure_count", count_status,
        f"{n} measure{'s' if n != 1 else ''}"
        + (" split attention (seed 003: no more than 4-5 clear KPIs)" if n > MEASURES[0]
           else " (seed 003: no more than 4-5 clear KPIs)"), float(n))]
    weight = dict(zip((m.name for m in plan.measures), map(float, shares), strict=True))
    light = [m for m in plan.measures if weight[m.name] < LIGHT_WEIGHT - 1e-9]
    ignored = [m.name for k, m in enumerate(plan.measures) if not tracked[k]]
    lightest = min(weight.values())
    if not light:
        findings.append(Finding(
            "light_measures", "ok",
            f"every measure carries at least {_pct(LIGHT_WEIGHT)} of the incentive "
            f"(lightest: {_pct(lightest)})", lightest))
    else:
        status: Status = "fail" if ignored else "warn"
        message = (f"{len(light)} measure(s) weigh under {_pct(LIGHT_WEIGHT)}: "
                   + ", ".join(f"{m.name} ({_pct(weight[m.name])})" for m in light))
        if ignored:
            message += (f"; reps ignore {', '.join(ignored)} (under "
                        f"{_pct(team.behavior.ignore_weight_below)} it is not worth the focus)")
        findings.append(Finding("light_measures", status, message, lightest))
    return findings


def _late(plan: PlanSpec) -> Finding:
    days = working_days(plan.period)
    share = plan.announce_day / days
    if plan.announce_day == 0:
        message = (f"the plan is known before the {plan.period} starts (day 0 of {days}: 0% of "
                   "the period passes before reps know it)")
    else:
        message = (f"the plan is announced on working day {plan.announce_day} of {days}: "
                   f"{_pct(share)} of the {plan.period} passes before reps know it "
                   "(seed 003: before the period or in its first working days)")
    return Finding("late_announcement", _below(share, *LATE_SHARE), message, share)


def _activity(plan: PlanSpec, quality: np.ndarray, shares: np.ndarray) -> Finding:
    share_of = dict(zip((m.name for m in plan.measures), map(float, shares), strict=True))
    volume = [
        m for m in plan.measures
        if (m.metric in VOLUME_METRICS and m.direction == "higher")
        or (m.metric == "avg_call_minutes" and m.direction == "lower")
    ]
    weight = float(sum(share_of[m.name] for m in volume))
    if not volume:
        return Finding("activity_volume", "ok", "0% of the incentive pays for activity volume",
                       0.0)
    status = _below(weight, *ACTIVITY_WEIGHT)
    message = (f"{_pct(weight)} of the incentive pays for activity volume ("
               + ", ".join(f"{m.name} {_pct(share_of[m.name])}" for m in volume) + ")")
    call = float(np.mean(quality)) if quality.size else 1.0
    if call < 0.97:
        message += (f"; reps cut call length to {_pct(call)} of normal, trading conversion "
                    "for volume")
    if status == "ok":
        message += " (a modest activity weight can help; harm comes when it is large)"
    return Finding("activity_volume", status, message, weight)


@dataclass(frozen=True)
class HealthReport:
    """Findings for one plan on one team, with the settings they were simulated with."""

    plan: str
    team: str
    reps: int
    trials: int
    seed: int
    behavior: str
    findings: tuple[Finding, ...]

    @property
    def worst(self) -> Status:
        """The worst status among the findings."""
        return worst_status(self.findings)

    def to_dict(self) -> dict[str, Any]:
        """The `health --json` object."""
        return {
            "plan": self.plan,
            "team": self.team,
            "reps": self.reps,
            "trials": self.trials,
            "seed": self.seed,
            "behavior": self.behavior,
            "worst": self.worst,
            "findings": [f.to_dict() for f in self.findings],
        }


def worst_status(findings: tuple[Finding, ...] | list[Finding]) -> Status:
    """The worst status among findings ("ok" when there are none)."""
    statuses = {f.status for f in findings}
    return "fail" if "fail" in statuses else "warn" if "warn" in statuses else "ok"


def by_status(findings: tuple[Finding, ...] | list[Finding]) -> list[Finding]:
    """Findings with failures first, then warnings, then the rules met (stable otherwise)."""
    return sorted(findings, key=lambda f: STATUS_ORDER[f.status])


def health_text(report: HealthReport) -> str:
    """The findings as lines for the CLI, worst first within the plan's order."""
    mark = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}
    lines = [
        f"{report.plan} on {report.team}: {report.reps} reps, "
        f"{report.trials:,} plan years, seed {report.seed}, {report.behavior} behaviour",
        "",
    ]
    for f in by_status(report.findings):
        lines.append(f"[{mark[f.status]}] {f.rule}: {f.message}")
    counts = {s: sum(f.status == s for f in report.findings) for s in STATUS_ORDER}
    lines += ["", f"{counts['fail']} fail, {counts['warn']} warn, {counts['ok']} ok "
              "(findings are advice; rules in docs/CALIBRATION.md)"]
    return "\n".join(lines)
