"""scripts/count_instructions.py: its capture of the weekly loop's calls runs as the engine
does (valgrind itself is a development tool, not needed by the tests)."""

from __future__ import annotations

import pickle

import numpy as np
from conftest import load_script


def test_the_captured_calls_are_a_chunks_and_run_again_as_the_engine_ran_them(tmp_path):
    script = load_script("count_instructions")
    path = str(tmp_path / "calls.pkl")
    script._capture(path, 32)
    with open(path, "rb") as source:
        calls, trial_reps = pickle.load(source)
    assert len(calls) == 16  # the bench's 4 plans x 4 quarters
    assert trial_reps == 32 * 50  # trials x reps of the default team
    weekly_sales = calls[0][21].copy()
    assert not weekly_sales.any()  # captured as the call got them, before it ran
    from simulator.model.kernel import period_weeks

    inputs = [script._copy(a) for a in calls[0]]
    period_weeks(*inputs)
    assert inputs[21].any()  # the call books sales into its weekly tally
    script._run(path, 1)
    np.testing.assert_array_equal(calls[0][21], weekly_sales)  # the capture is untouched
