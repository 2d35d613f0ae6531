"""The one error a user sees (simulator.base.errors): every problem, each naming the file."""

from __future__ import annotations

import pytest

from simulator.base.errors import InputError, Problem


def test_a_problem_reads_where_then_what() -> None:
    assert str(Problem("measures[2].weight", "must be positive")) == (
        "measures[2].weight: must be positive")
    assert str(Problem("", "file is empty")) == "file is empty"


def test_an_input_error_has_one_line_per_problem_each_with_the_file() -> None:
    error = InputError("plan.yaml", [Problem("period", "bad"), Problem("", "and more")])
    assert str(error) == "plan.yaml: period: bad\nplan.yaml: and more"
    assert error.source == "plan.yaml"
    assert error.problems == (Problem("period", "bad"), Problem("", "and more"))
    assert error.args == (str(error),)


def test_single_and_raising() -> None:
    with pytest.raises(InputError) as caught:
        raise InputError.single("a.csv", "line 3", "quota 0 must be greater than 0")
    assert str(caught.value) == "a.csv: line 3: quota 0 must be greater than 0"
    assert len(caught.value.problems) == 1


def test_problems_are_kept_from_any_iterable() -> None:
    error = InputError("f", (Problem(str(i), "x") for i in range(3)))
    assert [p.where for p in error.problems] == ["0", "1", "2"]
