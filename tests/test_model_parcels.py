"""Prepared plans go to the workers once, then by token; a worker without them gets them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest

from simulator.model import engine, parcels
from simulator.model.engine import simulate
from simulator.model.parcels import forget_parcels, pack, sent, token, unpack
from simulator.model.prepare import prepared_key


@pytest.fixture(autouse=True)
def clean() -> Iterator[None]:
    forget_parcels()
    yield
    forget_parcels()


class Watched(Executor):
    """An executor that notes each task's parcels: how many models each one carried."""

    def __init__(self, inner: Executor, workers: int = 2):
        self.inner, self._max_workers = inner, workers
        self.carried: list[int] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        if fn is engine._simulate_parcels:
            self.carried.append(sum(model is not None for _, model in args[0]))
        return self.inner.submit(fn, *args, **kwargs)


def _same(a: engine.Simulation, b: engine.Simulation) -> None:
    for x, y in zip(a.tallies, b.tallies, strict=True):
        for name in ("sales", "payout", "weekly_sales", "rep_sales", "rep_payout"):
            np.testing.assert_array_equal(getattr(x, name), getattr(y, name))


def test_a_token_names_the_prepared_key_and_the_plan_its_leaving_is_against(team, baseline):
    key = prepared_key(baseline, team, "adaptive", 1.0)
    other = prepared_key(baseline, team, "adaptive", 1.1)
    assert token(key) == token(key) and len(token(key) or "") == 32
    assert len({token(key), token(other), token(key, key), token(key, other)}) == 4
    assert token(None) is None and token(None, key) is None


def test_a_model_goes_whole_until_a_run_has_sent_it_then_by_its_token(team, baseline):
    sim = simulate([baseline], team, 16, seed=1)
    light, full = pack(sim.models, ["a"])
    assert light == full == [("a", sim.models[0])]
    sent(["a", None])
    light, full = pack(sim.models * 2, ["a", None])
    assert light == [("a", None), (None, sim.models[0])]  # no token: always whole
    assert unpack(light) is None  # this process has not received "a"
    assert unpack(full) == sim.models * 2  # received, and kept under its token
    assert unpack(light) == sim.models * 2


def test_the_second_run_on_a_pool_sends_tokens_and_gives_the_same_bits(team, baseline):
    serial = simulate([baseline], team, 64, seed=2)
    with ProcessPoolExecutor(2) as pool:
        watched = Watched(pool)
        first = simulate([baseline], team, 64, seed=2, executor=watched)
        assert watched.carried == [1, 1]
        watched.carried.clear()
        again = simulate([baseline], team, 64, seed=2, executor=watched)
        # by token; sent again only to a worker that took no task of the first run
        assert watched.carried[:2] == [0, 0] and set(watched.carried[2:]) <= {1}
    _same(first, serial)
    _same(again, serial)


def test_a_worker_without_the_models_gets_them_and_the_bits_are_the_same(team, baseline):
    """A new pool (or a worker that let them go) answers None; the task goes again."""
    serial = simulate([baseline], team, 64, seed=2)
    with ThreadPoolExecutor(2) as pool:
        simulate([baseline], team, 64, seed=2, executor=pool)
    parcels._received.clear()  # what a fresh pool's workers hold
    with ThreadPoolExecutor(1) as pool:  # one thread: both tokens are tried first
        watched = Watched(pool)
        again = simulate([baseline], team, 64, seed=2, executor=watched)
    assert watched.carried == [0, 0, 1, 1]  # by token, then again with the models
    _same(again, serial)


def test_a_plans_leaving_against_another_plan_in_force_is_another_model(team, baseline):
    """The same plan on the same team, its leaving set against another plan in force,
    must not be taken for the one a worker kept."""
    from conftest import PLANS_DIR

    from simulator.plan.spec import load_plan

    team = team.model_copy(update={"incumbent": None})  # in force: the first plan compared
    assert team.turnover.yearly > 0
    capped, high = (load_plan(PLANS_DIR / f) for f in ("capped.yaml", "high_threshold.yaml"))
    serial = simulate([high, capped], team, 64, seed=2)
    assert not np.array_equal(simulate([baseline, capped], team, 64, seed=2).tallies[1].sales,
                              serial.tallies[1].sales)  # the plan in force matters
    with ThreadPoolExecutor(2) as pool:  # one process: what a worker keeps, this one sees
        simulate([baseline, capped], team, 64, seed=2, executor=pool)
        again = simulate([high, capped], team, 64, seed=2, executor=pool)
    _same(again, serial)


def test_a_big_teams_models_always_travel(team, baseline, monkeypatch):
    monkeypatch.setattr("simulator.model.prepare.PREPARED_MOST_REPS", team.size - 1)
    with ThreadPoolExecutor(2) as pool:
        watched = Watched(pool)
        simulate([baseline], team, 64, seed=2, executor=watched)
        simulate([baseline], team, 64, seed=2, executor=watched)
    assert watched.carried == [1, 1, 1, 1]
