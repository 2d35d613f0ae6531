"""The command line's flags (simulator.faces.arguments): every count bounded, named."""

from __future__ import annotations

import pytest

from simulator.base.limits import MAX_TRIALS
from simulator.faces.arguments import MAX_WORKERS, build_parser
from simulator.faces.cli import main

PLAN = "plans/baseline.yaml"


@pytest.mark.parametrize(("argv", "words"), [
    (["compare", PLAN, "--trials", "1000000000"],
     "argument --trials: must be from 1 to 1,000,000, not 1,000,000,000"),
    (["compare", PLAN, "--trials", "0"], "argument --trials: must be from 1 to 1,000,000"),
    (["compare", PLAN, "--workers", "1000"],
     f"argument --workers: must be from 1 to {MAX_WORKERS}, not 1,000"),
    (["compare", PLAN, "--model-draws", "100000"], "argument --model-draws: must be from 0 to 256"),
    (["compare", PLAN, "--draw-trials", "2000000"], "argument --draw-trials: must be from 1"),
    (["compare", PLAN, "--seed", str(2**64)], "argument --seed: must be from 0 to"),
    (["compare", PLAN, "--seed", "-1"], "argument --seed: must be from 0 to"),
    (["compare", PLAN, "--trials", "١٢"], "argument --trials: '١٢' is not a whole number"),
    (["compare", PLAN, "--trials", "1e3"], "argument --trials: '1e3' is not a whole number"),
    (["compare", PLAN, "--trials", "9" * 5000], "argument --trials: '9999999999999999999999999"),
    (["health", PLAN, "--trials", "1000001"], "argument --trials: must be from 1 to 1,000,000"),
    (["bench", "--repeats", "1000"], "argument --repeats: must be from 1 to 100"),
    (["bench", "--draws", "0"], "argument --draws: must be from 1 to 256"),
    (["calibrate", "h.csv", "--name", "a\x1b[31mb"],
     "argument --name: must not contain line breaks or control characters (found '\\x1b')"),
    (["calibrate", "h.csv", "--name", "x" * 201], "argument --name: String should have at most"),
])
def test_a_count_out_of_bounds_is_a_usage_error_naming_the_flag(
        argv: list[str], words: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert "\x1b" not in err


def test_the_defaults_are_within_the_bounds() -> None:
    args = build_parser().parse_args(["compare", PLAN])
    assert 1 <= args.trials <= MAX_TRIALS and 1 <= args.workers <= MAX_WORKERS
    assert build_parser().parse_args(["compare", PLAN, "--trials", " 1000 "]).trials == 1000
    assert build_parser().parse_args(["calibrate", "h.csv", "--name", " A  team "]).name == (
        "A team")
