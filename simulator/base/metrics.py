"""The metrics the team model produces, which plan measures can name.

A *count* metric accumulates over the period (revenue, dials): more effort, more of it.
A *level* metric is an average over the period (minutes per conversation, CSAT): it
depends on how a rep splits their time, not on how hard they work.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PRODUCTS = ("core", "addon", "services")
"""Product lines of the team model; each has a revenue metric `revenue_<product>`."""
TASKS = ("crm_hygiene", "training_hours", "csat")
"""Non-selling tasks of the team model; each is also a metric of the same name."""


@dataclass(frozen=True)
class Metric:
    """A metric of the team model: its name, unit and how it behaves."""

    name: str
    unit: str
    kind: Literal["count", "level"]
    luck: Literal["sales", "activity"]
    description: str


METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric("revenue", "currency", "count", "sales", "booked revenue, all product lines"),
        Metric("deals", "deals", "count", "sales", "closed deals (SQLs in seed 001)"),
        Metric("meetings", "meetings", "count", "sales", "meetings held"),
        Metric("conversations", "conversations", "count", "activity", "connected calls"),
        Metric("dials", "dials", "count", "activity", "outbound dials"),
        Metric("talk_time", "hours", "count", "activity", "hours spent in conversations"),
        Metric(
            "avg_call_minutes",
            "minutes per conversation",
            "level",
            "activity",
            "average talk time per conversation (pay with direction: lower to reward short calls)",
        ),
        *(
            Metric(
                f"revenue_{product}",
                "currency",
                "count",
                "sales",
                f"booked revenue of the {product} product line",
            )
            for product in PRODUCTS
        ),
        Metric("crm_hygiene", "% of records complete", "level", "activity", "CRM data quality"),
        Metric("training_hours", "hours", "count", "activity", "hours of training completed"),
        Metric("csat", "score out of 100", "level", "activity", "customer satisfaction score"),
    )
}
