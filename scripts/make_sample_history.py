"""Generate plans/examples/sample_history.csv: a CRM history made from known parameters.

`python -m simulator calibrate plans/examples/sample_history.csv` should recover these
(tests/test_team_calibrate.py checks it). The history mirrors the team model of the engine:
rep i's revenue in month t is

    REVENUE_PER_REP_MONTH x level_i x SEASONALITY[month] x mean of 4 weekly luck draws,

with log level_i ~ Normal(0, LEVEL_SIGMA) and weekly luck a mean-one lognormal with
log-sd WEEKLY_LUCK (the team file's `luck.sales_weekly`; the engine also sums 4 weekly
draws per month). The true levels are reported relative to the roster's mean, as the
calibrated team file writes them.

Known parameters:
- 40 reps over the 24 months 2024-01 .. 2025-12, plus three new hires: R041 from
  2025-11 (2 months), R042 and R043 from 2025-12 (1 month each); R015 leaves after
  2025-03 (15 months).
- LEVEL_SIGMA = 0.35, WEEKLY_LUCK = 0.7 (monthly log-sd about 0.38).
- Market shocks shared by every rep (the engine's `luck.market_*`): a yearly level with
  log-sd MARKET_YEARLY and an AR(1) month with stationary log-sd MARKET_MONTHLY and
  correlation MARKET_AUTOCORRELATION, centred to mean 1.
- SEASONALITY: a slow January, a summer dip (July-August) and a strong year end
  (December 1.25); mean 1.
- REVENUE_PER_REP_MONTH = 72,000 for the average rep in an average month; deals of
  18,000 on average (4 a month).
- Realistic mess: R007 has no rows for 2024-08 (a missing period), R012 booked 0 in
  2025-02 (a zero month), and R023 closed one huge deal of 650,000 in 2025-06 (about 9x a
  normal month for that rep).
- Funnel metrics per month (deals, meetings, conversations, dials, talk_time) around the
  seed-001 funnel: 1,200 dials, 84 conversations of 30 minutes, 12 meetings, 4 deals.
- Revenue rows carry a quota: 1.1 x the rep's true expected monthly revenue (flat over the
  year); other metrics have no quota.

Deterministic: the same SEED gives the same file. Usage:
    python scripts/make_sample_history.py [OUT.csv]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

SEED = 20250
REPS = 40
FIRST_YEAR, YEARS = 2024, 2
MONTHS = 12 * YEARS
LEVEL_SIGMA = 0.35
WEEKLY_LUCK = 0.7
MARKET_YEARLY = 0.08
MARKET_MONTHLY = 0.06
MARKET_AUTOCORRELATION = 0.5
WEEKS_PER_MONTH = 4
SEASONALITY = (0.85, 0.90, 1.00, 1.00, 1.05, 1.05, 0.85, 0.80, 1.05, 1.10, 1.10, 1.25)
REVENUE_PER_REP_MONTH = 72_000.0
AVERAGE_DEAL = 18_000.0
FUNNEL = {"dials": 1200.0, "conversations": 84.0, "meetings": 12.0}
MINUTES_PER_CONVERSATION = 30.0
ACTIVITY_SIGMA = 0.10
QUOTA_MULTIPLE = 1.1
NEW_HIRES = {"R041": "2025-11", "R042": "2025-12", "R043": "2025-12"}
LEAVER = ("R015", "2025-03")  # last month with results
MISSING = ("R007", "2024-08")
ZERO_MONTH = ("R012", "2025-02")
HUGE_DEAL = ("R023", "2025-06", 650_000.0)

OUT = Path(__file__).resolve().parent.parent / "plans" / "examples" / "sample_history.csv"


def month_label(t: int) -> str:
    """Label of month t (0 = January of FIRST_YEAR)."""
    return f"{FIRST_YEAR + t // 12}-{t % 12 + 1:02d}"


def market(rng: np.random.Generator, months: int, yearly: float = MARKET_YEARLY,
           monthly: float = MARKET_MONTHLY, rho: float = MARKET_AUTOCORRELATION
           ) -> np.ndarray:
    """The market's factor of each month (mean 1): a yearly level times an AR(1) month."""
    level = yearly * rng.standard_normal(months // 12 + 1)
    ar = np.empty(months)
    z = rng.standard_normal(months)
    ar[0] = monthly * z[0]
    for t in range(1, months):
        ar[t] = rho * ar[t - 1] + monthly * np.sqrt(1 - rho**2) * z[t]
    return np.exp(level[np.arange(months) // 12] + ar - (yearly**2 + monthly**2) / 2)


def generate(seed: int = SEED, reps: int = REPS, years: int = YEARS, **shocks: float
             ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The history (rows rep_id, period, metric, actual, quota) and the true parameters.

    reps, years and the market's shocks (yearly, monthly, rho: see `market`) can be
    changed for tests; the mess (hires, a leaver, a gap, a zero, a huge deal) is the
    sample's and needs the default reps and years.
    """
    rng = np.random.default_rng(seed)
    months_total = 12 * years
    ids = [f"R{i + 1:03d}" for i in range(reps)] + (list(NEW_HIRES) if reps == REPS else [])
    n = len(ids)
    factor = market(np.random.default_rng([seed, 1]), months_total, **shocks)
    log_level = LEVEL_SIGMA * rng.standard_normal(n)
    # the average rep of the population (E[level] = 1) sells REVENUE_PER_REP_MONTH
    expected = REVENUE_PER_REP_MONTH * np.exp(log_level - LEVEL_SIGMA**2 / 2)
    season = np.array(SEASONALITY) / np.mean(SEASONALITY)
    labels = [month_label(t) for t in range(months_total)]
    rows: list[tuple[str, str, str, float, str]] = []
    for i, rep in enumerate(ids):
        first = labels.index(NEW_HIRES[rep]) if rep in NEW_HIRES else 0
        last = labels.index(LEAVER[1]) if rep == LEAVER[0] and years == YEARS \
            else months_total - 1
        for t in range(first, last + 1):
            z = rng.standard_normal(WEEKS_PER_MONTH)
            luck = np.exp(WEEKLY_LUCK * z - WEEKLY_LUCK**2 / 2).mean()
            activity = np.exp(ACTIVITY_SIGMA * rng.standard_normal(3) - ACTIVITY_SIGMA**2 / 2)
            meetings = rng.poisson(FUNNEL["meetings"] * np.sqrt(expected[i] / 72_000.0))
            label = labels[t]
            if (rep, label) == MISSING:
                continue
            revenue = float(round(expected[i] * season[t % 12] * luck * factor[t]))
            if (rep, label) == ZERO_MONTH:
                revenue = 0.0
            if (rep, label) == HUGE_DEAL[:2]:
                revenue += HUGE_DEAL[2]
            deals = 0 if revenue == 0 else max(1, int(rng.poisson(revenue / AVERAGE_DEAL)))
            conversations = float(round(FUNNEL["conversations"] * activity[1]))
            minutes = MINUTES_PER_CONVERSATION * activity[2]
            quota = f"{QUOTA_MULTIPLE * expected[i]:.0f}"
            rows += [
                (rep, label, "revenue", revenue, quota),
                (rep, label, "deals", float(deals), ""),
                (rep, label, "meetings", float(meetings), ""),
                (rep, label, "conversations", conversations, ""),
                (rep, label, "dials", float(round(FUNNEL["dials"] * activity[0])), ""),
                (rep, label, "talk_time", round(conversations * minutes / 60, 1), ""),
            ]
    frame = pd.DataFrame(rows, columns=["rep_id", "period", "metric", "actual", "quota"])
    levels = expected / expected.mean()
    truth = {
        "level_sigma": LEVEL_SIGMA,
        "weekly_luck": WEEKLY_LUCK,
        "market_yearly": shocks.get("yearly", MARKET_YEARLY),
        "market_monthly": shocks.get("monthly", MARKET_MONTHLY),
        "market_autocorrelation": shocks.get("rho", MARKET_AUTOCORRELATION),
        "seasonality": tuple(float(s) for s in season),
        "revenue_per_rep_month": float(expected.mean()),
        "levels": dict(zip(ids, (float(v) for v in levels), strict=True)),
        "average_deal": AVERAGE_DEAL,
        "minutes_per_conversation": MINUTES_PER_CONVERSATION,
        "quota_multiple": QUOTA_MULTIPLE,
    }
    return frame, truth


def write(frame: pd.DataFrame, path: Path) -> None:
    """Write the history as CSV (whole numbers without a decimal point)."""
    text = frame.to_csv(index=False, float_format="%.10g", lineterminator="\n")
    path.write_text(text, encoding="utf-8")


def main(argv: list[str]) -> int:
    """Write the sample history to argv[0] or plans/examples/sample_history.csv."""
    path = Path(argv[0]) if argv else OUT
    frame, truth = generate()
    write(frame, path)
    print(
        f"{path}: {len(frame):,} rows, {frame['rep_id'].nunique()} reps, {MONTHS} months; "
        f"true level sigma {truth['level_sigma']}, weekly luck {truth['weekly_luck']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
