"""Close-date bunching: won revenue crowded into the last two weeks of quarters and years.

The share of won revenue closed in the last 14 days of each quarter (and of each year),
against the share an even flow of revenue over the same days would give (those days over
all days of the quarters the deals span). A ratio above 1 is bunching: reps pulling deals
in to meet a quarter's quota, or holding them back for it (the timing games of the
literature, docs/MODEL.md). The 95% interval is a cluster bootstrap over reps (a rep's
deals move together), so one rep's big quarter-end deal does not read as a team's habit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

WINDOW_DAYS = 14
BOOTSTRAP = 400


def _end_of_quarter(day: dt.date) -> dt.date:
    month = (day.month - 1) // 3 * 3 + 3
    first_next = dt.date(day.year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def bunching(deals: pd.DataFrame, rng: np.random.Generator) -> dict[str, Any] | None:
    """Share of won revenue in quarters' and years' last two weeks against an even flow.

    deals: rep_id, close (dates), amount. Returns {"quarter": {...}, "year": {...}} with
    share, even, ratio, low, high (the ratio's 95% interval), deals and reps; None when
    there are no deals. "year" is None unless the deals span a year end.
    """
    if deals is None or deals.empty or deals["amount"].sum() <= 0:
        return None
    close = list(deals["close"])
    start = dt.date(min(close).year, (min(close).month - 1) // 3 * 3 + 1, 1)
    end = _end_of_quarter(max(close))
    days = pd.date_range(start, end, freq="D").date
    quarter_end = np.array([_end_of_quarter(d) for d in days])
    last_q = np.array([(q - d).days < WINDOW_DAYS for d, q in zip(days, quarter_end,
                                                                  strict=True)])
    last_y = last_q & np.array([q.month == 12 for q in quarter_end])
    in_q = np.array([(_end_of_quarter(d) - d).days < WINDOW_DAYS for d in close])
    in_y = in_q & np.array([d.month == 12 for d in close])
    amount = deals["amount"].to_numpy(dtype=float)
    reps, rep_of = np.unique(deals["rep_id"].to_numpy(), return_inverse=True)
    by_rep = np.bincount(rep_of, amount, minlength=reps.size)
    out: dict[str, Any] = {"window_days": WINDOW_DAYS, "deals": int(len(deals)),
                           "reps": int(reps.size)}
    boots = rng.integers(0, reps.size, (BOOTSTRAP, reps.size))
    weights = np.stack([np.bincount(b, minlength=reps.size) for b in boots])  # (B, reps)
    for name, window, flags in (("quarter", last_q, in_q), ("year", last_y, in_y)):
        if not window.any():
            out[name] = None
            continue
        even = float(window.mean())
        inside = np.bincount(rep_of, amount * flags, minlength=reps.size)
        share = float(inside.sum() / by_rep.sum())
        boot = (weights @ inside) / np.maximum(weights @ by_rep, 1e-12) / even
        low, high = np.quantile(boot, [0.025, 0.975])
        out[name] = {"share": share, "even": even, "ratio": share / even,
                     "low": float(low), "high": float(high)}
    return out


def bunching_lines(result: dict[str, Any] | None) -> list[str]:
    """The diagnostic in words, for the report."""
    if not result:
        return []
    lines = [f"close-date bunching ({result['deals']:,} won deals of {result['reps']} reps; "
             "95% interval by resampling reps):"]
    for name in ("quarter", "year"):
        r = result.get(name)
        if r is None:
            continue
        verdict = ("more than an even flow" if r["low"] > 1 else
                   "less than an even flow" if r["high"] < 1 else "no more than an even flow")
        lines.append(f"  last {result['window_days']} days of each {name}: {r['share']:.1%} of "
                     f"won revenue against {r['even']:.1%} for an even flow, ratio "
                     f"{r['ratio']:.2f} [{r['low']:.2f}, {r['high']:.2f}]: {verdict}")
    return lines
