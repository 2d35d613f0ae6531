"""The one error a user sees (simulator.base.errors): every problem, each naming the file."""

from __future__ import annotations

import pytest

from simulator.base.errors import MAX_PROBLEMS, InputError, Problem, ProblemList, printable


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


# --------------------------------------------------------------------------- hardening


def test_control_characters_are_shown_escaped_so_no_line_can_be_forged() -> None:
    error = InputError("a\nb.yaml", [Problem("measures[1] (x\ny.yaml: pay)", "bad \x1b[31m"),
                                     Problem("", "tab\there \u202e")])
    lines = str(error).splitlines()
    assert lines == ["a\\nb.yaml: measures[1] (x\\ny.yaml: pay): bad \\x1b[31m",
                     "a\\nb.yaml: tab\\there \\u202e"]
    assert printable("Café ok") == "Café ok"


def test_at_most_fifty_problems_then_a_count() -> None:
    error = InputError("f.yaml", [Problem(f"k{i}", "unknown") for i in range(30_000)])
    lines = str(error).splitlines()
    assert len(lines) == MAX_PROBLEMS + 1
    assert lines[-1] == "f.yaml: ... and 29,950 more problems"
    counted = ProblemList()
    counted.extend(Problem("", str(i)) for i in range(60))
    counted.append(Problem("", "one more"))
    assert len(counted) == MAX_PROBLEMS and counted.more == 11
    assert str(InputError("f", counted, counted.more)).splitlines()[-1] == (
        "f: ... and 11 more problems")
