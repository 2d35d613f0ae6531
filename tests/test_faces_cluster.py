"""Dask: a sweep on a LocalCluster gives the same JSON bytes as a run in this process."""

from __future__ import annotations

import pytest
from conftest import PLANS_DIR, ROOT

from simulator.base.errors import InputError
from simulator.base.jsonout import json_text
from simulator.faces.cluster import executor_for
from simulator.plan.levers import parse_lever
from simulator.plan.spec import load_plan
from simulator.results.sweep import sweep

distributed = pytest.importorskip("distributed")


def test_no_workers_no_scheduler_runs_here() -> None:
    with executor_for(1) as (executor, groups):
        assert executor is None and groups == 1


def test_a_local_cluster_gives_the_bytes_of_a_local_run(team, monkeypatch) -> None:
    # the workers must import this checkout's simulator, not an installed copy
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    plan = load_plan(PLANS_DIR / "high_threshold.yaml")
    levers = [(parse_lever("measures[0].threshold", plan, "--vary"), [0.5, 0.6, 0.8]),
              (parse_lever("measures[0].cap", plan, "--vary"), [1.5, None])]
    here = sweep(plan, levers, team, 48, seed=11, model_draws=2, draw_trials=32)
    with executor_for(2) as (executor, groups):
        assert executor is not None and groups == 2
        there = sweep(plan, levers, team, 48, seed=11, executor=executor, groups=groups,
                      model_draws=2, draw_trials=32)
    assert json_text(there.to_dict()) == json_text(here.to_dict())


def test_a_scheduler_that_is_not_there_is_a_bad_input() -> None:
    with pytest.raises(InputError, match="cannot reach the scheduler"):
        with executor_for(1, "tcp://127.0.0.1:9"):
            pass
