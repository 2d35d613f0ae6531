"""New hires in the simulation: a roster rep's `start` date and the plan's ramp.

The simulated plan year is the calendar year `TeamSpec.plan_year` (year k of a run over
several years is plan_year + k), placed as SPIFF windows are (`model.spiff_sim`): a
month is 4 weeks of a quarter of its days each. For a roster rep with a start date:

- output: nothing before the start; from it, the team's new-hire ramp, as for a rep who
  replaces a leaver (`turnover.ramp_start` of normal rising to all of it over
  `turnover.ramp_months`). A week's share is its share of days in post x the ramp at the
  middle of those days; it scales the rep's deal luck and activity in that week, and the
  effort the rep spends counts for the days in post only.
- quota and target pay: the payout calculator's proration (`plan.ramp.proration`), per
  plan period: each volume measure's quota (a count metric, more is better, as a
  roster's `quota_factor`) x the plan's `ramp` share over the days in post, the target
  pay x the share of days in post.
- a period that ends before the start: the rep is not there. It pays nothing (no draw)
  and counts in no share of reps (`HireYear.present`).

Reps solve their effort policy as a rep in post all period: the ramped quota speeds their
progress towards it (as a ratcheted quota slows it), but a rep who starts late in a
period reads the policy as if the weeks before had been worked (README, "Ramps").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from simulator.base.calendar import MONTHS_PER_YEAR, WEEKS_PER_MONTH, WEEKS_PER_YEAR
from simulator.plan.ramp import proration
from simulator.plan.spec import PlanSpec
from simulator.team.spec import TeamSpec

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
DAYS_PER_WEEK_OF_YEAR = 365.25 / WEEKS_PER_YEAR
"""Calendar days per simulated week (a plan year of 48 working weeks)."""


@dataclass(frozen=True)
class HireYear:
    """One plan year of the new hires, for every rep (1 and True for reps in post)."""

    weeks: FloatArray  # (2, 48, n) each week's output share (days in post x the ramp)
    # and its share of days in post
    quota: FloatArray  # (P, n) factor on each volume measure's quota (1 where absent)
    target: FloatArray  # (P, n) factor on the target pay (days in post)
    present: BoolArray  # (P, n) in post on some day of the period

    def quota_scale(self, volume: BoolArray, period: int) -> FloatArray:
        """(n, M) each measure's quota factor in a period: the ramp's on volume measures."""
        return np.where(volume, self.quota[period][:, None], 1.0)


@dataclass(frozen=True)
class Hires:
    """The roster's start dates as a plan meets them; `year(k)` lays out plan year k."""

    starts: tuple[dt.date | None, ...]
    plan_year: int
    plan: PlanSpec
    ramp_weeks: int  # the team's new-hire ramp (`turnover.ramp_months`) in weeks
    ramp_start: float
    volume: BoolArray  # (M,) the plan's measures whose quotas are prorated
    _years: dict[int, HireYear | None] = field(default_factory=dict, compare=False,
                                               repr=False)

    @classmethod
    def of(cls, plan: PlanSpec, team: TeamSpec) -> Hires | None:
        """The team's hires under a plan, or None when no roster rep has a start date."""
        if team.roster is None or all(r.start is None for r in team.roster):
            return None
        turnover = team.turnover
        volume = np.array([m.volume for m in plan.measures])
        return cls(tuple(r.start for r in team.roster), team.first_plan_year, plan,
                   turnover.ramp_months * WEEKS_PER_MONTH, turnover.ramp_start, volume)

    def year(self, k: int) -> HireYear | None:
        """Plan year k (0: the first), or None when every rep is in post and ramped."""
        if k not in self._years:
            self._years[k] = self._lay_out(self.plan_year + k)
        return self._years[k]

    def _lay_out(self, year: int) -> HireYear | None:
        n = len(self.starts)
        periods = self.plan.periods_per_year
        begin, end = _week_edges(year)
        weeks = np.ones((2, WEEKS_PER_YEAR, n))
        quota, target = np.ones((periods, n)), np.ones((periods, n))
        present = np.ones((periods, n), dtype=bool)
        changed = False
        for i, start in enumerate(self.starts):
            if start is None:
                continue
            first = float(start.toordinal())
            from_ = np.maximum(begin, first)
            days = np.clip((end - from_) / (end - begin), 0.0, 1.0)
            in_post = (from_ + end) / 2 - first  # days from the start to the middle
            ramp = (np.minimum(1.0, self.ramp_start + (1 - self.ramp_start) * in_post
                               / DAYS_PER_WEEK_OF_YEAR / self.ramp_weeks)
                    if self.ramp_weeks else np.ones(WEEKS_PER_YEAR))
            weeks[0, :, i], weeks[1, :, i] = days * ramp, days
            for p in range(periods):
                factor = proration(start, _period_label(self.plan.period, year, p),
                                   self.plan.ramp)
                if isinstance(factor, str):  # the period ends before the start
                    present[p, i], target[p, i] = False, 0.0
                else:
                    quota[p, i], target[p, i] = factor
            changed |= bool((weeks[0, :, i] < 1).any() or (quota[:, i] < 1).any()
                            or (target[:, i] < 1).any())
        return HireYear(weeks, quota, target, present) if changed else None


def _week_edges(year: int) -> tuple[FloatArray, FloatArray]:
    """Each simulated week's first and last day as day ordinals (floats), (48,) each.

    Day d of a month runs from its ordinal to the next; a month of D days is 4 weeks of
    D / 4 days.
    """
    begin = np.empty(WEEKS_PER_YEAR)
    for month in range(1, MONTHS_PER_YEAR + 1):
        first = dt.date(year, month, 1)
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        length = (nxt - first).days / WEEKS_PER_MONTH
        weeks = slice((month - 1) * WEEKS_PER_MONTH, month * WEEKS_PER_MONTH)
        begin[weeks] = first.toordinal() + length * np.arange(WEEKS_PER_MONTH)
    end = np.append(begin[1:], float(dt.date(year + 1, 1, 1).toordinal()))
    return begin, end


def _period_label(period: str, year: int, index: int) -> str:
    """The calculator's name of plan period `index` of `year` (`2027-02`, `2027-Q1`, `2027`)."""
    if period == "month":
        return f"{year}-{index + 1:02d}"
    if period == "quarter":
        return f"{year}-Q{index + 1}"
    return f"{year}"


def in_post(hires: Hires | None, n_reps: int, periods: int, n_years: int
            ) -> tuple[float, float]:
    """(rep-periods, rep-weeks) in post per plan year, averaged over a run's years.

    The denominators of the shares of reps (at quota, gave up, capped) and of mean effort.
    """
    full = (float(n_reps * periods), float(n_reps * WEEKS_PER_YEAR))
    if hires is None:
        return full
    years = [hires.year(k) for k in range(n_years)]
    return (float(np.mean([full[0] if y is None else y.present.sum() for y in years])),
            float(np.mean([full[1] if y is None else y.weeks[1].sum() for y in years])))
