"""`calibrate --deals` and `payout --deals`: the sample exports, crediting report, refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.faces.cli import main
from simulator.team.spec import load_team

ROOT = Path(__file__).resolve().parent.parent
EX = ROOT / "plans" / "examples"
SALESFORCE = str(EX / "deals_salesforce.csv")


def test_calibrate_a_salesforce_export_without_a_mapping(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, report = tmp_path / "team.yaml", tmp_path / "credits.csv"
    code = main(["calibrate", "--deals", SALESFORCE, "--activities",
                 str(EX / "deals_activities.csv"), "--splits", str(EX / "deals_splits.csv"),
                 "--hierarchy", str(EX / "deals_hierarchy.csv"), "--quotas",
                 str(EX / "deals_quotas.csv"), "--credit-report", str(report), "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    team = load_team(out)
    assert team.size == 20 and team.luck.deals is not None
    assert team.funnel.dials == pytest.approx(404.8, rel=0.01)
    assert "close-date bunching" in captured.out and "luck.deals" in captured.out
    assert "4 rep(s) credited only by overlay or roll-up are not in the fitted team" \
        in captured.out
    lines = report.read_text().splitlines()
    assert lines[0] == "deal_id,line,close_date,deal_amount,rep_id,role,share,credit,via"
    assert len(lines) == 1 + 4441
    assert f"{report}: 4,441 credits of 1,703 won deals" in captured.err


def test_calibrate_json_and_a_mapped_export(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["calibrate", "--deals", str(EX / "deals_other.csv"), "--mapping",
                 str(EX / "deals_mapping.yaml"), "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["deals"]["n_deals"] == 1703 and data["timing"]["quarter"]["ratio"] > 1
    assert data["source"].endswith("deals_other.csv")


def test_payout_of_deals_with_splits_overlays_and_managers(capsys: pytest.CaptureFixture[str]
                                                           ) -> None:
    code = main(["payout", str(ROOT / "plans" / "baseline.yaml"), "--deals", SALESFORCE,
                 "--splits", str(EX / "deals_splits.csv"), "--hierarchy",
                 str(EX / "deals_hierarchy.csv"), "--quotas", str(EX / "deals_quotas_2025q.csv")])
    assert code == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == "rep_id,period,New revenue attainment,New revenue payout,total_incentive"
    reps = {r.split(",")[0] for r in rows[1:]}
    assert {"Maria Manager", "Nikhil Manager", "Olga Manager", "Sam Specialist"} <= reps
    periods = {r.split(",")[1] for r in rows[1:]}
    assert periods == {"2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"}
    assert not any(r.startswith("Maria Manager,2025-Q3") for r in rows)  # Nikhil's by then


@pytest.mark.parametrize(("text", "message"), [
    ("Owner Name X,Stage,Amount,Close Date\nA,Closed Won,1,2025-01-01\n",
     "line 1: no owner column"),
    ("Deal owner,Deal stage,Amount,Close date\nA,Booked,1,2025-01-01\n",
     "line 2: unknown stage 'Booked'"),
    ("Deal owner,Deal stage,Amount,Close date\nA,Closed won,1,03/04/2025\n",
     "line 2: Close date '03/04/2025' is ambiguous"),
])
def test_bad_exports_exit_2_and_write_nothing(tmp_path: Path, text: str, message: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path, out = tmp_path / "deals.csv", tmp_path / "team.yaml"
    path.write_text(text)
    assert main(["calibrate", "--deals", str(path), "-o", str(out)]) == 2
    assert f"{path}: {message}" in capsys.readouterr().err
    assert not out.exists()


def test_a_share_sum_of_0_9_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    splits = tmp_path / "splits.csv"
    splits.write_text("Opportunity ID,Team Member,Split Percentage\n"
                      "006Q00000000001,Ana Alvarez,50%\n006Q00000000001,Ben Brooks,40%\n")
    assert main(["calibrate", "--deals", SALESFORCE, "--splits", str(splits)]) == 2
    assert (f"{splits}: line 2: split shares of deal '006Q00000000001' sum to 0.9"
            in capsys.readouterr().err)


def test_payout_of_deals_needs_quotas(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["payout", str(ROOT / "plans" / "baseline.yaml"), "--deals", SALESFORCE]) == 2
    assert "--quotas: payout --deals needs a quota file" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["calibrate"], ["calibrate", "h.csv", "--deals", "d.csv"],
    ["calibrate", "h.csv", "--splits", "s.csv"], ["payout", "p.yaml"],
    ["payout", "p.yaml", "a.csv", "--quotas", "q.csv"]])
def test_usage_of_the_deal_flags(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert "--deals" in capsys.readouterr().err


def test_quarterly_history_needs_quarterly_quotas(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calibrate", "--deals", SALESFORCE, "--period", "quarter", "--quotas",
                 str(EX / "deals_quotas.csv")]) == 2
    assert "quotas are per month, but the history is read per quarter" in capsys.readouterr().err


def test_backtest_of_deals_pays_what_payout_pays_under_each_plan(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deals = ["--deals", SALESFORCE, "--splits", str(EX / "deals_splits.csv"),
             "--quotas", str(EX / "deals_quotas_2025q.csv")]
    plans = [str(ROOT / "plans" / name) for name in ("baseline.yaml", "capped.yaml")]
    totals = []
    for plan in plans:
        out = tmp_path / "pay.csv"
        assert main(["payout", plan, *deals, "-o", str(out)]) == 0
        lines = out.read_text().splitlines()
        column = lines[0].split(",").index("total_incentive")
        totals.append(sum(float(row.split(",")[column]) for row in lines[1:]))
    capsys.readouterr()
    out = tmp_path / "backtest.csv"
    assert main(["backtest", *deals, *plans, "-o", str(out)]) == 0
    text = capsys.readouterr().out
    for total in totals:
        assert f"{total:,.2f}" in text


@pytest.mark.parametrize("argv", [["backtest", "a.csv"], ["backtest", "--deals", "d.csv"],
                                  ["backtest", "a.csv", "p.yaml", "--splits", "s.csv"]])
def test_usage_of_backtest(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert "backtest" in capsys.readouterr().err
