"""The crediting report: every credit of every won deal, and each rep's totals by role."""

from __future__ import annotations

import pandas as pd

from simulator.team.deals.build import DealData

ROLES = ("owner", "split", "overlay", "rollup")


def credit_report(data: DealData) -> pd.DataFrame:
    """One row per deal and destination: who was credited with what, from which deal.

    Columns: deal_id, line (of the deal in the opportunity export), close_date, deal_amount,
    rep_id, role (owner, split, overlay, rollup), share, credit, via (the rep a manager's
    roll-up comes from). Money in the base currency, to the cent. Every won deal has at
    least one row (its owner's or its split's).
    """
    c = data.credits
    return pd.DataFrame({
        "deal_id": c["deal_id"], "line": c["deal_line"],
        "close_date": [d.isoformat() for d in c["close_date"]],
        "deal_amount": [f"{v / 100:.2f}" for v in c["deal_amount"]],
        "rep_id": c["rep_id"], "role": c["role"], "share": c["share"].round(10),
        "credit": [f"{v / 100:.2f}" for v in c["credit"]], "via": c["via"],
    })


def credit_summary(data: DealData) -> pd.DataFrame:
    """Per rep: credit by role (owner, split, overlay, rollup), the total and the deals.

    Money to the cent; deals counts the distinct deals a rep is credited from.
    """
    c = data.credits
    cents = c.pivot_table(index="rep_id", columns="role", values="credit", aggfunc="sum",
                          fill_value=0).reindex(columns=list(ROLES), fill_value=0)
    out = pd.DataFrame(index=cents.index)
    for role in ROLES:
        out[role] = cents[role] / 100.0
    out["total"] = cents.sum(axis=1) / 100.0
    out["deals"] = c.groupby("rep_id")["deal_id"].nunique()
    return out.reset_index()
