"""A measure's quota: a number per period, or a factor of what each rep sells.

See the README's plan format ("Quota forms"); the payout calculator takes quotas from its
CSV instead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

from simulator.base.limits import MAX_QUOTA, MAX_QUOTA_FACTOR, MIN_QUOTA, MIN_QUOTA_FACTOR
from simulator.base.validation import Frozen, show_number


class Quota(Frozen):
    """How a measure's quota is set.

    kind: ``absolute`` (value per period, in the metric's unit), ``relative`` (value x the
    rep's own expected result at normal effort), ``team`` (value x the team median of that
    expected result) or ``history`` (value x the rep's level fitted from history).
    """

    kind: Literal["absolute", "relative", "team", "history"]
    value: float

    def to_yaml(self) -> float | dict[str, float]:
        """The quota as it is written in a plan file."""
        return self.value if self.kind == "absolute" else {self.kind: self.value}


def parse_quota(raw: Any) -> Quota:
    """A quota as written in a plan file: a number per period or {relative|team|history: x}."""
    def positive(value: Any, what: str, low: float, high: float) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            shown = repr(value) if len(repr(value)) <= 60 else type(value).__name__
            raise ValueError(f"{what} must be a number, not {shown}")
        if not math.isfinite(value) or value <= 0:
            raise ValueError(f"{what} must be a finite number greater than 0, not {value!r}")
        if not low <= value <= high:
            raise ValueError(f"{what} must be at least {show_number(low)} and at most "
                             f"{show_number(high)}, not {show_number(value)}")
        return float(value)

    if isinstance(raw, Quota):
        return raw
    if isinstance(raw, Mapping):
        kinds = ("relative", "team", "history")
        unknown = [k for k in raw if k not in kinds]
        if unknown or len(raw) != 1:
            raise ValueError(
                "must be a number per period or exactly one of {relative: x}, {team: x}, "
                f"{{history: x}}; got keys {sorted(map(str, raw))}"
            )
        (kind, value), = raw.items()
        factor = positive(value, f"quota {kind}", MIN_QUOTA_FACTOR, MAX_QUOTA_FACTOR)
        return Quota(kind=kind, value=factor)
    return Quota(kind="absolute", value=positive(raw, "quota", MIN_QUOTA, MAX_QUOTA))
