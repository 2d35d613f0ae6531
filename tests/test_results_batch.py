"""compare_batch: many plans in groups as tasks give what one comparison gives."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import PLANS_DIR

from simulator.base.jsonout import json_text
from simulator.plan.spec import load_plan
from simulator.results.batch import compare_batch, groups_of
from simulator.results.comparison import compare

PLANS = ("baseline.yaml", "high_threshold.yaml", "capped.yaml", "recommended.yaml")


def test_groups_are_contiguous_and_nearly_equal() -> None:
    assert groups_of(7, 3) == [range(0, 3), range(3, 5), range(5, 7)]
    assert groups_of(2, 5) == [range(0, 1), range(1, 2)]
    assert groups_of(4, 1) == [range(0, 4)]


@pytest.fixture(scope="module")
def plans():
    return [load_plan(PLANS_DIR / name) for name in PLANS]


@pytest.mark.parametrize("groups", [1, 2, 3])
def test_a_batch_is_the_one_comparison_whatever_the_groups(plans, team, groups) -> None:
    files = [str(PLANS_DIR / name) for name in PLANS]
    one = compare(plans, team, 48, seed=3, files=files, model_draws=2, draw_trials=32)
    with ThreadPoolExecutor(2) as executor:
        batch = compare_batch(plans[0], plans[1:], team, 48, seed=3, files=files,
                              executor=executor if groups > 1 else None, groups=groups,
                              model_draws=2, draw_trials=32)
    assert json_text(batch.to_dict()) == json_text(one.to_dict())


def test_progress_counts_tasks(plans, team) -> None:
    seen: list[tuple[int, int]] = []
    compare_batch(plans[0], plans[1:], team, 16, groups=3, progress=lambda d, t:
                  seen.append((d, t)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
