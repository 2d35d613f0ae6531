"""The calibrated team file: the base team with everything the history tells replaced."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import yaml

from simulator.base.calendar import WEEKS_PER_PERIOD
from simulator.base.metrics import PRODUCTS
from simulator.plan.spec import PlanSpec
from simulator.team.calibrate.calibration import Calibration, Estimate, RepFit
from simulator.team.calibrate.market import MarketFit
from simulator.team.history import History
from simulator.team.spec import TeamSpec, team_from_dict


def significant(value: float, digits: int = 4) -> float:
    """A number rounded to `digits` significant digits, as team files write them."""
    return float(f"{value:.{digits}g}")


def team_file(
    name: str,
    history: History,
    base: TeamSpec,
    reps: list[RepFit],
    revenue_month: float,
    tau: float,
    weekly_luck: float,
    seasonality: list[float],
    funnel: dict[str, Estimate],
    minutes: Estimate | None,
    notes: list[str],
    market: MarketFit,
    incumbent: PlanSpec | None = None,
) -> dict[str, Any]:
    """The team file mapping: the base team with everything the history tells replaced.

    revenue_month: the average rep's revenue per month; tau: the log-sd of levels;
    seasonality: 12 monthly factors; market: the market's shocks; incumbent: the plan the
    history was earned under (it defines normal effort), None when not known (the base
    team's incumbent is dropped: it did not earn this history). Appends to `notes` when
    the funnel does not fit the base team's working hours.
    """
    team = base.model_dump(mode="json")
    team["incumbent"] = incumbent.to_yaml_dict() if incumbent is not None else None
    team["history_factor"] = 1.0  # the roster's levels are what reps sold in this history
    if team["plan_year"] is None:  # only a roster with start dates needs one
        del team["plan_year"]
    periods = history.periods
    team["name"] = name
    team["description"] = (
        f"Calibrated by `python -m simulator calibrate` from {history.source}: {len(reps)} "
        f"reps, {len(periods)} {history.granularity}s ({periods[0]} to {periods[-1]}). "
        f"Roster levels are each rep's revenue at normal effort relative to the team's "
        f"average rep (1.0 = {revenue_month:,.0f} per month in an average month). "
        "Effort, behaviour and tasks are those of the base team. See docs/CALIBRATION.md."
    )
    team["reps"] = len(reps)
    team["roster"] = [{"rep_id": r.rep_id, "level": significant(r.level)} for r in reps]
    for metric, estimate in funnel.items():
        team["funnel"][metric] = significant(estimate.value)
    if minutes is not None:
        team["funnel"]["minutes_per_conversation"] = significant(minutes.value)
    f = team["funnel"]
    selling = 1 - sum(t["time_share"] for t in team["tasks"].values())
    if f["conversations"] * f["minutes_per_conversation"] >= selling * f["working_hours"] * 60:
        notes.append(
            "conversations x minutes per conversation exceed the selling hours of "
            f"funnel.working_hours ({f['working_hours']:g}); raise it in the team file"
        )
    # revenue per rep-month of the funnel = deals x harmonic-mean deal size (reps.Funnel)
    shares = np.array([team["products"][p]["time_share"] for p in PRODUCTS])
    sizes = np.array([team["products"][p]["deal_size"] for p in PRODUCTS])
    harmonic = 1.0 / float(((shares / shares.sum()) / sizes).sum())
    factor = revenue_month / (f["deals"] * harmonic)
    for p in PRODUCTS:
        team["products"][p]["deal_size"] = significant(team["products"][p]["deal_size"] * factor, 5)
    # used only if the roster is removed: a drawn team with the fitted spread of levels
    deal_spread = min(base.spread.deal_size, max(tau, 1e-3))
    team["spread"]["deal_size"] = significant(deal_spread)
    team["spread"]["conversion"] = significant(math.sqrt(max(tau**2 - deal_spread**2, 0.0)))
    team["luck"]["sales_weekly"] = significant(weekly_luck)
    team["luck"].update({k: significant(v) for k, v in market.luck().items()})
    team["seasonality"] = [significant(v) for v in seasonality]
    team_from_dict(team, "<calibrated team>")  # a calibrated team always validates
    return team


class _NoAliasDumper(yaml.SafeDumper):
    """Never writes anchors or aliases: team files refuse them."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def team_yaml(fit: Calibration) -> str:
    """The calibrated team file as YAML text, with the fit's headline in a comment."""
    weeks = WEEKS_PER_PERIOD[fit.granularity]
    header = [
        f"# Calibrated from {fit.source} by `python -m simulator calibrate`",
        f"# ({fit.n_reps} reps, {len(fit.periods)} {fit.granularity}s, "
        f"{fit.periods[0]} to {fit.periods[-1]}).",
        f"# Spread of levels (log-sd) {fit.level_sigma.value:.3f} "
        f"[{fit.level_sigma.low:.3f}, {fit.level_sigma.high:.3f}]; luck per {fit.granularity} "
        f"(log-sd) {fit.period_sigma.value:.3f} -> luck.sales_weekly "
        f"{fit.weekly_luck.value:.3f} ({weeks} weeks).",
        "# Seasonality " + ("kept" if fit.seasonality_kept else "not significant (all 1.0)")
        + (f" (likelihood-ratio p = {fit.seasonality_p_value:.2g})."
           if fit.seasonality_p_value is not None else "."),
        *([f"# Market shocks: yearly {m.yearly.value:.3f}, monthly {m.monthly.value:.3f}, "
           f"autocorrelation {m.autocorrelation.value:.2f} (log-sd; fitted: "
           f"{', '.join(m.fitted) or 'none'})."] if (m := fit.market) is not None else []),
        (f"# Normal effort: what the reps sold under {fit.incumbent!r}, the plan the history "
         "was earned under (incumbent)." if fit.incumbent else
         "# Normal effort: the history (the plan it was earned under is not given)."),
        "# Roster levels: revenue at normal effort relative to the team's average rep;",
        "# plans may set quota: {history: x} = x times a rep's level. docs/CALIBRATION.md",
    ]
    body = yaml.dump(fit.team, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True,
                     width=100, default_flow_style=None)
    return "\n".join(header) + "\n" + body
