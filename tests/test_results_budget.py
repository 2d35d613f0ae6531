"""Payout against a budget (results.budget, Comparison.with_budget, compare --budget)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from conftest import PLANS_DIR

from simulator.faces.cli import main
from simulator.plan.spec import load_plan
from simulator.results.budget import budget_figures, chance_above, expected_overrun
from simulator.results.comparison import compare


def test_hand_computed_figures() -> None:
    payouts = np.array([1.0, 2.0, 3.0, 4.0])
    assert chance_above(payouts, 2.5) == 0.5
    assert chance_above(payouts, 4.0) == 0.0  # exceeding, not reaching
    assert expected_overrun(payouts, 2.5) == pytest.approx((0.5 + 1.5) / 4)
    assert expected_overrun(payouts, 10.0) == 0.0
    figures = budget_figures(payouts, 2.5, draw_payouts=np.array([[1.0, 5.0], [2.0, 2.0]]))
    assert figures.model_chance_above == 0.25
    assert figures.model_expected_overrun == pytest.approx(2.5 / 4)
    assert budget_figures(payouts, 2.5).model_chance_above is None


def test_with_budget_adds_a_block_per_plan_and_changes_nothing_else(team: Any) -> None:
    plans = [load_plan(PLANS_DIR / f) for f in ("baseline.yaml", "recommended.yaml")]
    run = compare(plans, team, n_trials=48, seed=2, model_draws=2, draw_trials=16)
    budgeted = run.with_budget(float(run.plans[0].payout.p50))
    plain, out = run.to_dict(), budgeted.to_dict()
    assert "budget" not in plain and all("budget" not in p for p in plain["plans"])
    assert out["budget"] == run.plans[0].payout.p50
    for p_plain, p_out, p in zip(plain["plans"], out["plans"], run.plans, strict=True):
        block = p_out.pop("budget")
        assert p_out == p_plain
        assert block["chance_above"] == p.chance_payout_above(out["budget"])
        assert block["model_chance_above"] == p.model_range.chance_payout_above(out["budget"])
        assert set(block) == {"amount", "chance_above", "expected_overrun",
                              "model_chance_above", "model_expected_overrun"}
    assert budgeted.with_budget(None).to_dict() == plain


def test_compare_budget_flag(capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    args = ["compare", str(PLANS_DIR / "baseline.yaml"), "--trials", "32",
            "--budget", "$4,000,000"]
    assert main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["budget"] == 4_000_000
    assert set(data["plans"][0]["budget"]) == {"amount", "chance_above", "expected_overrun"}
    book = tmp_path / "out.xlsx"
    assert main([*args, "--excel", str(book)]) == 0
    out = capsys.readouterr().out
    assert "chance payout > budget 4.00M" in out and "expected overrun / year" in out
    assert book.read_bytes().startswith(b"PK")
    with pytest.raises(SystemExit) as exit_info:
        main(["compare", str(PLANS_DIR / "baseline.yaml"), "--budget", "-5"])
    assert exit_info.value.code == 2


def test_one_default_trial_count_for_health_in_the_cli_and_the_app() -> None:
    from simulator.faces import arguments, cli
    from simulator.results import comparison

    parser = cli.build_parser()
    health = parser.parse_args(["health", "plan.yaml"])
    compare_args = parser.parse_args(["compare", "plan.yaml"])
    assert health.trials == compare_args.trials == comparison.DEFAULT_TRIALS
    assert arguments.DEFAULT_TRIALS == comparison.DEFAULT_TRIALS
    source = (PLANS_DIR.parent / "ui" / "sidebar.py").read_text(encoding="utf-8")
    assert 'init("trials", DEFAULT_TRIALS)' in source
