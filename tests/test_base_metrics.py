"""The metrics the team model produces (simulator.base.metrics)."""

from __future__ import annotations

from simulator.base.metrics import METRICS, PRODUCTS, TASKS


def test_thirteen_metrics_with_units_and_kinds() -> None:
    assert len(METRICS) == 13
    for name, metric in METRICS.items():
        assert metric.name == name and metric.unit and metric.description
        assert metric.kind in ("count", "level") and metric.luck in ("sales", "activity")


def test_every_product_has_revenue_and_every_task_is_a_metric() -> None:
    assert {f"revenue_{p}" for p in PRODUCTS} <= set(METRICS)
    assert set(TASKS) <= set(METRICS)


def test_deal_driven_metrics_take_the_sales_luck() -> None:
    sales = {name for name, m in METRICS.items() if m.luck == "sales"}
    assert sales == {"revenue", "deals", "meetings", *(f"revenue_{p}" for p in PRODUCTS)}
    levels = {name for name, m in METRICS.items() if m.kind == "level"}
    assert levels == {"avg_call_minutes", "crm_hygiene", "csat"}
