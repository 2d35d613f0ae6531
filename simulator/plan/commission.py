"""Commission-rate measures: a rate on the metric's value, in tiers of attainment.

A commission measure pays currency on what the rep books, not a multiple of a target
incentive (README, "Commission measures"). Its tiers are ``[attainment where the band
starts, rate]``; a band runs from its start to the next tier's start (the last one has no
end), and in value it runs from start x quota to the next start x quota.

- ``marginal``: each band's rate on the value inside the band (a tax-bracket schedule), so
  pay is continuous in the value;
- ``retroactive``: the highest band reached sets the rate on the whole value, so pay jumps
  at each band's start and is linear in between (its rates never fall from tier to tier,
  or selling more would pay less);
- below the first tier's start nothing is paid (start it at 0 to pay from the first unit);
- ``cap``: at most this much currency per rep-period.

A currency metric's rate is a share of it (0.05 pays 5% of revenue, at most 1); a count
metric's rate is currency per unit (150 a deal). `RateSchedule` evaluates a schedule,
vectorised, in currency; the payout calculator and the engine both pay through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pydantic import ValidationInfo, field_validator

from simulator.base.limits import (
    MAX_CURVE_ATTAINMENT,
    MAX_CURVE_POINTS,
    MAX_MONEY,
    MAX_RATE,
    MIN_CURVE_STEP,
)
from simulator.base.validation import Frozen, Number, show_number

FloatArray = NDArray[np.float64]

ATTAINMENT_TOLERANCE = 1e-12
"""As the curves' (`payout.ATTAINMENT_TOLERANCE`): a value a hair below a band's start in
floating point (120,000.08 / 150,000.10) counts as at it, so a retroactive rate never
misses its band by float noise."""


class Commission(Frozen):
    """A measure's commission schedule: method, tiers and an optional cap per period."""

    method: Literal["marginal", "retroactive"]
    tiers: tuple[tuple[Number, Number], ...]
    cap: Number | None = None

    @field_validator("tiers", mode="before")
    @classmethod
    def _tiers_shape(cls, raw: object) -> object:
        if not isinstance(raw, list | tuple) or not raw:
            raise ValueError("must be a non-empty list of [attainment, rate] tiers")
        if len(raw) > MAX_CURVE_POINTS:
            raise ValueError(f"at most {MAX_CURVE_POINTS} tiers, not {len(raw):,}")
        for i, tier in enumerate(raw, start=1):
            if not isinstance(tier, list | tuple) or len(tier) != 2:
                shown = repr(tier) if len(repr(tier)) <= 60 else "a list of the wrong length"
                raise ValueError(f"tier {i} must be a pair [attainment where the band "
                                 f"starts, rate], not {shown}")
        return raw

    @field_validator("tiers")
    @classmethod
    def _tiers_values(cls, tiers: tuple[tuple[float, float], ...], info: ValidationInfo
                      ) -> tuple[tuple[float, float], ...]:
        problems = []
        starts = [s for s, _ in tiers]
        rates = [r for _, r in tiers]
        if any(s < 0 for s in starts):
            problems.append("band starts (attainments) must not be negative")
        if any(r < 0 for r in rates):
            problems.append("rates must not be negative")
        if max(starts) > MAX_CURVE_ATTAINMENT:
            problems.append(f"band starts must be at most {show_number(MAX_CURVE_ATTAINMENT)} "
                            f"(x quota), not {show_number(max(starts))}")
        if max(rates) > MAX_RATE:
            problems.append(f"rates must be at most {show_number(MAX_RATE)}, "
                            f"not {show_number(max(rates))}")
        for i in range(1, len(starts)):
            if starts[i] - starts[i - 1] < MIN_CURVE_STEP:
                problems.append(f"band starts must rise by at least {MIN_CURVE_STEP:g} from one "
                                f"tier to the next ({show_number(starts[i - 1])} -> "
                                f"{show_number(starts[i])} at tier {i + 1})")
            if info.data.get("method") == "retroactive" and rates[i] < rates[i - 1]:
                problems.append(f"a retroactive rate must not fall from one tier to the next "
                                f"({show_number(rates[i - 1])} -> {show_number(rates[i])} at "
                                f"tier {i + 1}): selling more would pay less")
        if problems:
            raise ValueError("; ".join(problems))
        return tiers

    @field_validator("cap")
    @classmethod
    def _cap_money(cls, cap: float | None) -> float | None:
        if cap is not None and not 0 < cap <= MAX_MONEY:
            raise ValueError(f"must be more than 0 and at most {show_number(MAX_MONEY)} "
                             f"(currency per period), not {show_number(cap)}")
        return cap

    def to_yaml(self) -> dict[str, object]:
        """The schedule as it is written in a plan file."""
        out: dict[str, object] = {"method": self.method,
                                  "tiers": [list(tier) for tier in self.tiers]}
        if self.cap is not None:
            out["cap"] = self.cap
        return out


@dataclass(frozen=True)
class RateSchedule:
    """A commission schedule ready to pay: (value, quota) -> currency, vectorised."""

    starts: FloatArray  # (B,) attainment where each band starts, increasing
    rates: FloatArray  # (B,) rate per unit of the metric
    retroactive: bool
    cap: float  # currency per period (inf when uncapped)

    @classmethod
    def from_commission(cls, commission: Commission) -> RateSchedule:
        """The schedule of a plan measure's `commission`."""
        return cls(
            starts=np.array([s for s, _ in commission.tiers], dtype=float),
            rates=np.array([r for _, r in commission.tiers], dtype=float),
            retroactive=commission.method == "retroactive",
            cap=np.inf if commission.cap is None else float(commission.cap),
        )

    @property
    def threshold(self) -> float:
        """Attainment below which nothing is paid: the first band's start."""
        return float(self.starts[0])

    @property
    def top(self) -> float:
        """The last band's start (the top tier)."""
        return float(self.starts[-1])

    def uncapped(self, value: ArrayLike, quota: ArrayLike) -> FloatArray:
        """Commission before the cap, currency: value and quota broadcast together."""
        v = np.maximum(np.asarray(value, dtype=float), 0.0)
        q = np.asarray(quota, dtype=float)
        v, q = np.broadcast_arrays(v, q)
        if self.retroactive:
            with np.errstate(divide="ignore", invalid="ignore"):
                a = v / q
            nudged = a + ATTAINMENT_TOLERANCE * np.maximum(a, 1.0)
            band = np.searchsorted(self.starts, nudged, side="right") - 1
            rate = np.where(band >= 0, self.rates[np.maximum(band, 0)], 0.0)
            return rate * v
        lows = q[..., None] * self.starts  # (..., B) each band's start in value
        highs = np.concatenate((lows[..., 1:], np.full((*q.shape, 1), np.inf)), axis=-1)
        inside = np.clip(np.minimum(v[..., None], highs) - lows, 0.0, None)
        return (inside * self.rates).sum(axis=-1)

    def pay(self, value: ArrayLike, quota: ArrayLike) -> FloatArray:
        """Commission in currency for a value of the metric against a quota, capped."""
        return np.minimum(self.uncapped(value, quota), self.cap)

    def per_quota(self, attainment: ArrayLike) -> FloatArray:
        """Uncapped commission per unit of quota at an attainment (a quota of 1)."""
        return self.uncapped(attainment, 1.0)
