"""The plan editor's pure edits of commission-rate measures (README "Commission measures").

Beside `plan.edits` (which edits curve measures): a commission measure's plan-file mapping
from the editor's fields, its tiers from the editor's table rows, and a plan's pay when
its target incentive is left empty. Nothing here validates: the edited mapping goes
through `plan_from_dict`, the same validator as a plan file, so an edit and a file fail
with the same message.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from simulator.plan.edits import KEPT_MEASURE_KEYS

NEW_COMMISSION: dict[str, Any] = {
    "name": "New commission",
    "metric": "revenue",
    "quota": {"relative": 1.0},
    "commission": {"method": "marginal", "tiers": [[0.0, 0.02], [1.0, 0.05]]},
}
"""The commission measure the editor adds: 2% of revenue, 5% on revenue above quota."""

METHODS = ("marginal", "retroactive")
"""The commission methods (`Commission.method`), in the order the editor offers them."""


def _cell(value: Any) -> float | None:
    """A table cell as a number, None when it is empty (NaN, None or blank text)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = float(value)
    return None if math.isnan(number) else number


def tier_rows(rows: Iterable[Sequence[Any]]) -> list[list[float | None]]:
    """The editor's tier table as plan-file tiers: [attainment, rate] per row, in order.

    Rows left wholly empty (a row added and not filled) are dropped; a half-filled row
    keeps its empty cell as None, which the validator names ("tiers.2.0: ...").
    """
    out = []
    for row in rows:
        cells = [_cell(value) for value in row]
        if any(cell is not None for cell in cells):
            out.append(cells)
    return out


def edited_commission(method: str, tiers: Sequence[Sequence[float | None]],
                      cap: float | None) -> dict[str, Any]:
    """A commission schedule's plan-file mapping: method, tiers, and cap if there is one.

    cap: currency per rep-period, None for no cap.
    """
    out: dict[str, Any] = {"method": method, "tiers": [list(tier) for tier in tiers]}
    if cap is not None:
        out["cap"] = float(cap)
    return out


def edited_commission_measure(
    base: Mapping[str, Any],
    *,
    name: str,
    metric: str,
    quota: Any,
    direction: str = "higher",
    commission: Mapping[str, Any],
) -> dict[str, Any]:
    """A commission measure's plan-file mapping from the editor's fields.

    base: the measure as its plan file has it (its gate, multiplier and ratchet are kept
    as written); quota: a plan-file quota (`edits.quota_value`); commission: from
    `edited_commission`. A commission measure has no weight, threshold, curve or cap of
    its own (its cap is the schedule's).
    """
    out: dict[str, Any] = {"name": name, "metric": metric, "quota": quota}
    if direction != "higher":
        out["direction"] = direction
    out["commission"] = dict(commission)
    for key in KEPT_MEASURE_KEYS:
        if key in base:
            out[key] = base[key]
    return out


def pay_without_target(plan: Mapping[str, Any], target_incentive: float | None
                       ) -> dict[str, Any]:
    """The plan mapping with its target incentive left out when the editor's is empty.

    A plan whose every measure pays a commission needs none (README "Commission
    measures"); one with a curve measure then fails validation naming the field.
    """
    out = dict(plan)
    if target_incentive is None:
        out["pay"] = {k: v for k, v in plan["pay"].items() if k != "target_incentive"}
    return out
