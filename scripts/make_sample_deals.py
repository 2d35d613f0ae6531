"""Generate the sample deal-level CRM exports in plans/examples/ from known parameters.

No real customer data: every name, deal and call is drawn here. One set of won deals is
written three ways, as the CRMs export them:

- `deals_salesforce.csv`: a Salesforce opportunity report (`Opportunity Owner`, `Close Date`,
  `Amount` as ``$12,345.00``, `Stage` ``Closed Won``, `Opportunity ID`, ...), ISO dates;
- `deals_hubspot.csv`: a HubSpot deal export (`Deal owner`, `Close Date` with a time,
  `Amount`, `Deal Stage` ``Closed won``, `Record ID`, ...);
- `deals_other.csv` with `deals_mapping.yaml`: another CRM's headers (`Seller`, `Booked On`,
  `Net Value`, `Status`), European dates (31/03/2025) and amounts (``€12.345,00``), and a
  won stage called ``Booked``: it needs the mapping file.

Each also holds lost and open deals, which the reader leaves out. Beside them:
`deals_activities.csv` (calls, meetings and emails of some reps in the last two months),
`deals_splits.csv` (60/40 splits and overlays), `deals_hierarchy.csv` (managers, one team
changing manager on 2025-07-01) and `deals_quotas.csv` (monthly revenue quotas, 1.1x each
rep's true expected month).

Known parameters (the model `calibrate --deals` fits; docs/CALIBRATION.md):
- REPS reps over the 24 months 2024-01 .. 2025-12;
- each rep's deals a month ~ negative binomial with mean RATE x rate_i x season x bunching-free
  month, and shape DISPERSION (variance mean + mean**2 / DISPERSION); log rate_i ~
  Normal(-RATE_SIGMA**2 / 2, RATE_SIGMA);
- each deal's size = SIZE x size_i x a mean-one lognormal with log-sd SIZE_SIGMA (the
  spread of a rep's own deals); log size_i ~ Normal(-SIZE_LEVEL_SIGMA**2 / 2,
  SIZE_LEVEL_SIGMA); a rep's level is rate_i x size_i (log-sd LEVEL_SIGMA);
- close dates spread over the month's days, days in the last two weeks of a quarter
  weighted BUNCHING (1 = an even flow), so the last two weeks of quarters hold more
  revenue than an even flow gives (`true_bunching`).

Deterministic: the same SEED gives the same files (the test suite checks it). Usage:
    python scripts/make_sample_deals.py [OUT_DIR]
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

SEED = 20251
REPS = 20
FIRST_YEAR, YEARS = 2024, 2
RATE = 3.0  # deals a month of the average rep
RATE_SIGMA = 0.30
DISPERSION = 4.0  # negative binomial shape of a month's count
SIZE = 20_000.0
SIZE_LEVEL_SIGMA = 0.25
SIZE_SIGMA = 0.70
LEVEL_SIGMA = math.sqrt(RATE_SIGMA**2 + SIZE_LEVEL_SIGMA**2)
SEASONALITY = (0.85, 0.90, 1.00, 1.00, 1.05, 1.05, 0.85, 0.80, 1.05, 1.10, 1.10, 1.25)
BUNCHING = 2.0
QUOTA_MULTIPLE = 1.1
LOST_SHARE = 0.4  # lost deals per won deal
ACTIVITY_REPS = 8
ACTIVITY_MONTHS = ((2025, 11), (2025, 12))
DIALS, CONNECT_RATE, MEETINGS, CALL_MINUTES = 400, 0.07, 12, 30.0

FIRST = ("Ana", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas",
         "Kira", "Luis", "Mei", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara")
LAST = ("Alvarez", "Brooks", "Chen", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad",
        "Ito", "Jensen", "Kowalski", "Larsen", "Moreau", "Novak", "Okafor", "Petrov",
        "Quintero", "Rossi", "Schmidt", "Tanaka")
MANAGERS = ("Maria Manager", "Nikhil Manager", "Olga Manager")
OVERLAY = "Sam Specialist"
OUT = Path(__file__).resolve().parent.parent / "plans" / "examples"


def reps() -> list[str]:
    """The reps' names."""
    return [f"{FIRST[i]} {LAST[i]}" for i in range(REPS)]


def _is_bunched(day: dt.date) -> bool:
    """In the last 14 days of a quarter."""
    if day.month % 3:
        return False
    return day.day > calendar.monthrange(day.year, day.month)[1] - 14


def _month_days(year: int, month: int) -> tuple[list[dt.date], np.ndarray]:
    days = [dt.date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]
    weights = np.array([BUNCHING if _is_bunched(d) else 1.0 for d in days])
    return days, weights / weights.sum()


def true_bunching() -> float:
    """The expected share of won revenue in quarters' last two weeks over an even flow's.

    Averaged over the months by their seasonal weight, as the deals were drawn.
    """
    share = even = total = 0.0
    for year in range(FIRST_YEAR, FIRST_YEAR + YEARS):
        for month in range(1, 13):
            days, p = _month_days(year, month)
            bunched = np.array([_is_bunched(d) for d in days])
            w = SEASONALITY[month - 1]
            share += w * p[bunched].sum()
            even += w * bunched.mean()
            total += w
    return float((share / total) / (even / total))


def generate(seed: int = SEED) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """The won and other deals (one frame) and the files' frames, with the true parameters."""
    rng = np.random.default_rng(seed)
    names = reps()
    rate = np.exp(RATE_SIGMA * rng.standard_normal(REPS) - RATE_SIGMA**2 / 2)
    size = np.exp(SIZE_LEVEL_SIGMA * rng.standard_normal(REPS) - SIZE_LEVEL_SIGMA**2 / 2)
    season = np.array(SEASONALITY) / np.mean(SEASONALITY)
    records = []
    n = 0
    for year in range(FIRST_YEAR, FIRST_YEAR + YEARS):
        for month in range(1, 13):
            days, p = _month_days(year, month)
            mean = RATE * rate * season[month - 1]
            counts = rng.negative_binomial(DISPERSION, DISPERSION / (DISPERSION + mean))
            for i, count in enumerate(counts):
                for _ in range(int(count)):
                    z = rng.standard_normal()
                    amount = round(SIZE * size[i] * math.exp(SIZE_SIGMA * z - SIZE_SIGMA**2 / 2),
                                   2)
                    day = days[int(rng.choice(len(days), p=p))]
                    n += 1
                    records.append((n, names[i], day, amount, "won"))
            lost = rng.poisson(LOST_SHARE * mean)
            for i, count in enumerate(lost):
                for _ in range(int(count)):
                    n += 1
                    day = days[int(rng.integers(len(days)))]
                    amount = round(SIZE * math.exp(0.8 * rng.standard_normal()), 2)
                    records.append((n, names[i], day, amount, "lost"))
    for i in range(REPS):  # the open pipeline closes next year
        for _ in range(int(rng.integers(1, 4))):
            n += 1
            day = dt.date(FIRST_YEAR + YEARS, int(rng.integers(1, 7)), int(rng.integers(1, 29)))
            records.append((n, names[i], day, round(SIZE * float(rng.uniform(0.5, 2)), 2), "open"))
    deals = pd.DataFrame(records, columns=["n", "owner", "close", "amount", "state"])
    created = [c - dt.timedelta(days=int(d)) for c, d in
               zip(deals["close"], rng.integers(10, 120, len(deals)), strict=True)]
    deals["created"] = created
    files = {
        "deals_salesforce.csv": _salesforce(deals, rng),
        "deals_hubspot.csv": _hubspot(deals, rng),
        "deals_other.csv": _other(deals),
        "deals_splits.csv": _splits(deals, names),
        "deals_hierarchy.csv": _hierarchy(names),
        "deals_quotas.csv": _quotas(names, rate, size),
        "deals_quotas_2025q.csv": _quarterly_quotas(names, rate, size),
        "deals_activities.csv": _activities(names, rng),
    }
    expected = RATE * SIZE * rate * size  # each rep's expected month, an average season
    truth = {
        "level_sigma": LEVEL_SIGMA, "rate_sigma": RATE_SIGMA, "deal_rate": RATE,
        "dispersion": DISPERSION, "size_sigma": SIZE_SIGMA, "deal_size": SIZE,
        "revenue_per_rep_month": float(expected.mean()),
        "levels": dict(zip(names, (float(v) for v in expected / expected.mean()), strict=True)),
        "rates": dict(zip(names, (float(v) for v in RATE * rate), strict=True)),
        "seasonality": tuple(float(s) for s in season), "bunching": true_bunching(),
        "won": int((deals["state"] == "won").sum()),
    }
    return {"deals": deals, **files}, truth


def _stage(state: str, won: str, lost: str, open_: str) -> str:
    return {"won": won, "lost": lost, "open": open_}[state]


def _salesforce(deals: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    return pd.DataFrame({
        "Opportunity Owner": deals["owner"],
        "Account Name": [f"Account {k % 397:03d}" for k in deals["n"]],
        "Opportunity Name": [f"Deal {k}" for k in deals["n"]],
        "Opportunity ID": [f"006Q{k:011d}" for k in deals["n"]],
        "Stage": [_stage(s, "Closed Won", "Closed Lost", "Negotiation/Review")
                  for s in deals["state"]],
        "Amount": [f"${a:,.2f}" for a in deals["amount"]],
        "Close Date": [d.isoformat() for d in deals["close"]],
        "Created Date": [d.isoformat() for d in deals["created"]],
        "Type": rng.choice(["New Business", "Existing Business"], len(deals)),
    })


def _hubspot(deals: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    hours = rng.integers(8, 19, len(deals))
    return pd.DataFrame({
        "Record ID": [str(9_100_000_000 + k) for k in deals["n"]],
        "Deal Name": [f"Deal {k}" for k in deals["n"]],
        "Deal Stage": [_stage(s, "Closed won", "Closed lost", "Contract sent")
                       for s in deals["state"]],
        "Close Date": [f"{d.isoformat()} {h:02d}:15" for d, h in
                       zip(deals["close"], hours, strict=True)],
        "Deal owner": deals["owner"],
        "Amount": [f"{a:.2f}" for a in deals["amount"]],
        "Create Date": [f"{d.isoformat()} 09:00" for d in deals["created"]],
        "Pipeline": "Sales Pipeline",
    })


def _euro(amount: float) -> str:
    text = f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"€{text}"


def _other(deals: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Ref": [f"D-{k}" for k in deals["n"]],
        "Seller": deals["owner"],
        "Booked On": [d.strftime("%d/%m/%Y") for d in deals["close"]],
        "Net Value": [_euro(a) for a in deals["amount"]],
        "Status": [_stage(s, "Booked", "Dropped", "Pipeline") for s in deals["state"]],
    })


def _splits(deals: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """60/40 splits of every 40th won deal (with the next rep), overlays on every 25th."""
    won = deals[deals["state"] == "won"]
    rows = []
    for k, (n, owner) in enumerate(zip(won["n"], won["owner"], strict=True)):
        deal = f"006Q{n:011d}"
        if k % 40 == 7:
            other = names[(names.index(owner) + 1) % len(names)]
            rows += [(deal, owner, "60%", "Revenue"), (deal, other, "40%", "Revenue")]
        if k % 25 == 3:
            rows.append((deal, OVERLAY, "100%", "Overlay"))
    return pd.DataFrame(rows, columns=["Opportunity ID", "Team Member", "Split Percentage",
                                       "Split Type"])


def _hierarchy(names: list[str]) -> pd.DataFrame:
    """Managers: a team changes manager on 2025-07-01.

    The first half of the reps report to Maria until 2025-06-30, then to Nikhil; the rest
    to Olga throughout; Nikhil and Maria report to Olga.
    """
    half = len(names) // 2
    rows = [(r, MANAGERS[0], "2024-01-01", "2025-06-30") for r in names[:half]]
    rows += [(r, MANAGERS[1], "2025-07-01", "") for r in names[:half]]
    rows += [(r, MANAGERS[2], "2024-01-01", "") for r in names[half:]]
    rows += [(MANAGERS[0], MANAGERS[2], "2024-01-01", ""),
             (MANAGERS[1], MANAGERS[2], "2024-01-01", "")]
    return pd.DataFrame(rows, columns=["rep_id", "manager", "from", "to"])


def _quotas(names: list[str], rate: np.ndarray, size: np.ndarray) -> pd.DataFrame:
    rows = []
    for i, rep in enumerate(names):
        quota = QUOTA_MULTIPLE * RATE * SIZE * rate[i] * size[i]
        for year in range(FIRST_YEAR, FIRST_YEAR + YEARS):
            for month in range(1, 13):
                rows.append((rep, f"{year}-{month:02d}", f"{quota:.0f}"))
    return pd.DataFrame(rows, columns=["rep_id", "period", "quota"])


def _quarterly_quotas(names: list[str], rate: np.ndarray, size: np.ndarray) -> pd.DataFrame:
    """Quarterly revenue quotas of 2025, for plans paid per quarter (plans/baseline.yaml).

    Each rep 3 months of its quota, each manager the sum of its team's, the overlay
    specialist a tenth of the team's.
    """
    month = {r: QUOTA_MULTIPLE * RATE * SIZE * rate[i] * size[i] for i, r in enumerate(names)}
    half = len(names) // 2
    team = {MANAGERS[0]: names[:half], MANAGERS[1]: names[:half], MANAGERS[2]: names}
    rows = []
    for q in range(1, 5):
        period = f"2025-Q{q}"
        for rep in names:
            rows.append((rep, period, f"{3 * month[rep]:.0f}"))
        for manager, reps_ in team.items():
            if (manager == MANAGERS[0]) == (q <= 2) or manager == MANAGERS[2]:
                rows.append((manager, period, f"{3 * sum(month[r] for r in reps_):.0f}"))
        rows.append((OVERLAY, period, f"{0.3 * sum(month.values()):.0f}"))
    return pd.DataFrame(rows, columns=["rep_id", "period", "quota"])


def _activities(names: list[str], rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for rep in names[:ACTIVITY_REPS]:
        for year, month in ACTIVITY_MONTHS:
            days = [dt.date(year, month, d) for d in
                    range(1, calendar.monthrange(year, month)[1] + 1)
                    if dt.date(year, month, d).weekday() < 5]
            for _ in range(int(rng.poisson(DIALS))):
                day = days[int(rng.integers(len(days)))]
                if rng.random() < CONNECT_RATE:
                    seconds = int(rng.exponential(CALL_MINUTES * 60)) + 1
                    rows.append((rep, day, "Call", str(seconds), "Connected"))
                else:
                    rows.append((rep, day, "Call", str(int(rng.integers(0, 40))),
                                 str(rng.choice(["No Answer", "Left Voicemail", "Busy"]))))
            for _ in range(int(rng.poisson(MEETINGS))):
                rows.append((rep, days[int(rng.integers(len(days)))], "Meeting", "", ""))
            for _ in range(int(rng.poisson(30))):
                rows.append((rep, days[int(rng.integers(len(days)))], "Email", "", ""))
    frame = pd.DataFrame(rows, columns=["Assigned", "Date", "Task Subtype", "Call Duration",
                                        "Call Result"])
    frame = frame.sort_values(["Date", "Assigned"], kind="stable")
    frame["Date"] = [d.isoformat() for d in frame["Date"]]
    return frame


MAPPING = """\
# The mapping of deals_other.csv (made by scripts/make_sample_deals.py): another CRM's
# column names, its won stage, European dates and amounts. docs/CALIBRATION.md.
opportunities:
  owner: Seller
  close_date: Booked On
  amount: Net Value
  stage: Status
  deal_id: Ref
won_stages: [Booked]
other_stages: [Dropped, Pipeline]
date_order: day-first
decimal: comma
"""


def write(frames: dict[str, pd.DataFrame], folder: Path) -> list[Path]:
    """Write every file (not the deals frame) and the mapping; return their paths."""
    paths = []
    for name, frame in frames.items():
        if name == "deals":
            continue
        path = folder / name
        path.write_text(frame.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
        paths.append(path)
    path = folder / "deals_mapping.yaml"
    path.write_text(MAPPING, encoding="utf-8")
    return [*paths, path]


def main(argv: list[str]) -> int:
    """Write the sample exports to argv[0] or plans/examples/."""
    folder = Path(argv[0]) if argv else OUT
    frames, truth = generate()
    for path in write(frames, folder):
        print(path)
    print(f"{truth['won']} won deals of {REPS} reps; true level sigma {LEVEL_SIGMA:.3f}, "
          f"deal rate {RATE}/month, dispersion {DISPERSION}, size sigma {SIZE_SIGMA}, "
          f"bunching {truth['bunching']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
