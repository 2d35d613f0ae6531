"""The app's comparisons on the shared service: preliminary first, superseded runs cancelled."""

from __future__ import annotations

from concurrent.futures import CancelledError
from typing import Any

import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from simulator.plan.spec import PlanSpec
from simulator.team.spec import TeamSpec
from ui.cache import spec_key
from ui.serving import PRELIM_TRIALS, Request, comparisons, service

APP = str(ROOT / "app.py")


class Slot:
    """A stand-in for the page's status slot: records what it was told."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def progress(self, value: float, text: str = "") -> None:
        self.texts.append(text)

    def empty(self) -> None:
        self.texts.append("")

    def error(self, text: str, icon: str = "") -> None:
        self.texts.append(f"error: {text}")


def _request(plans: tuple[PlanSpec, ...], team: TeamSpec, trials: int, seed: int) -> Request:
    return Request(plans, team, spec_key(plans, team), ("baseline.yaml",), trials, seed,
                   "adaptive", 0)


def test_a_long_run_shows_a_preliminary_answer_then_a_superseded_one_is_cancelled(
    baseline: PlanSpec, team: TeamSpec,
) -> None:
    long = _request((baseline,), team, 40_000, 7001)
    answer = comparisons([long], Slot())
    assert answer.preliminary and answer.runs[0].trials == PRELIM_TRIALS
    assert answer.runs[0].draws is None  # model draws come with the full run
    full = answer.refining[0]
    assert not full.future.done()
    # the same session changes the seed: the old full run is no longer wanted
    comparisons([_request((baseline,), team, 600, 7002)], Slot())
    with pytest.raises(CancelledError):
        full.future.result(timeout=120)
    assert service().finished(long.key) is None


def test_the_preliminary_answer_is_the_first_trials_of_the_full_run(
    baseline: PlanSpec, team: TeamSpec,
) -> None:
    small = team.model_copy(update={"reps": 10})
    request = _request((baseline,), small, 2 * PRELIM_TRIALS + 16, 7003)
    answer = comparisons([request], Slot())
    full = answer.refining[0].future.result(timeout=300)
    quick = answer.runs[0]
    assert full.trials == request.trials and quick.trials == PRELIM_TRIALS
    prefix = full.plans[0].trial_sales[:PRELIM_TRIALS]
    assert (quick.plans[0].trial_sales == prefix).all()  # common random numbers
    # asked again, the finished comparison comes at once, final
    again = comparisons([request], Slot())
    assert not again.preliminary and again.runs[0] is full


def test_a_quick_run_has_no_preliminary_answer(baseline: PlanSpec, team: TeamSpec) -> None:
    request = _request((baseline,), team.model_copy(update={"reps": 10}), 2 * PRELIM_TRIALS,
                       7004)
    answer = comparisons([request], Slot())
    assert not answer.preliminary and answer.runs[0].trials == 2 * PRELIM_TRIALS


def test_the_page_shows_the_full_comparison_after_the_preliminary_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import simulator.results.comparison

    trials: list[int] = []
    real = simulator.results.comparison.compare

    def recording(*args: Any, **kwargs: Any) -> Any:
        trials.append(kwargs["n_trials"])
        return real(*args, **kwargs)

    monkeypatch.setattr(simulator.results.comparison, "compare", recording)
    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["trials"] = 2 * PRELIM_TRIALS + 16
    at.session_state["model_draws"] = 0
    at.session_state["seed"] = 7005
    at.run()
    assert not at.exception, at.exception
    assert sorted(trials) == [PRELIM_TRIALS, 2 * PRELIM_TRIALS + 16]
    runs, _, _ = at.session_state["last_good"]  # only a full comparison is kept as good
    assert runs[0].trials == 2 * PRELIM_TRIALS + 16
    assert not any("Preliminary" in i.value for i in at.info)  # the page reran, final


def test_the_page_charts_are_drawn_on_a_worker_as_vega_lite_specs(
    baseline: PlanSpec, team: TeamSpec,
) -> None:
    from simulator.results.charts.page import PageCharts, spec_of
    from ui.serving import drawn_charts

    small = team.model_copy(update={"reps": 10})
    request = _request((baseline,), small, 64, 7006)
    answer = comparisons([request], Slot())
    runs = [run.with_budget(4e5) for run in answer.runs]
    drawn = drawn_charts(answer, runs, ["Baseline"], [baseline], small, False, Slot())
    page = PageCharts(runs, ["Baseline"], [baseline], float(small.effort.minimum))
    assert set(drawn) == set(page.named())
    # the worker's specs are the charts the page would build itself, data inline
    for name, build in page.named().items():
        assert drawn[name] == spec_of(build()), name
    assert "datasets" in drawn["team-sales"]
    # no fixed 300-pixel view from altair's default theme: it would cut the titles short
    assert all("continuousWidth" not in str(spec.get("config")) for spec in drawn.values())
    assert "Budget $400,000" in str(drawn["incentive-payout"])  # the budget line


def test_a_full_run_that_fails_leaves_the_preliminary_page_with_its_error(
    baseline: PlanSpec, team: TeamSpec,
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from simulator.faces.service import FairPool, Job
    from ui.serving import Answer, refine

    fair = FairPool(ThreadPoolExecutor(1), 1, owns_pool=True)
    failed: Job[Any] = Job("full", fair.lane("a"))
    failed.future.set_exception(ValueError("the engine failed"))
    slot = Slot()
    refine(Answer([], ["quick"], [failed]), [_request((baseline,), team, 600, 1)], slot)
    assert slot.texts[-1] == "error: The full simulation failed: the engine failed"
    fair.close()
