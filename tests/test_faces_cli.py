"""The command line (`validate`, `payout`, `compare`, `team`, `health`): exit codes,
messages, JSON, files written or not.

Most tests call `simulator.faces.cli.main` in-process (fast); a few run the real command in a
subprocess to prove that what reaches the terminal has no traceback.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from conftest import (
    EXAMPLES_DIR,
    PLANS_DIR,
    ROOT,
    SHIPPED_PLANS,
    THREE_MEASURE_CSV,
    make_measure,
    make_plan,
    three_measure_plan,
    write_csv,
    write_plan,
)

from simulator.faces.cli import EXIT_BAD_INPUT, EXIT_OK, main
from simulator.team.spec import load_team

HEADER = "rep_id,period,measure,actual,quota\n"
SHIPPED_BASELINE = ROOT / "plans" / "baseline.yaml"
SHIPPED_EXAMPLE = EXAMPLES_DIR / "actuals_baseline.csv"

# Fixed copies of the baseline plan and its example CSV (the shipped files may change), and
# their payouts worked out by hand: 15,000 a quarter at target; R002 is a cent below the 50%
# threshold, R003 exactly at it (0.25 x 15,000), R004 at 150% (2.0 x 15,000).
BASELINE_CSV = HEADER + (
    "R001,2026-Q1,New revenue,180000,180000\n"
    "R002,2026-Q1,New revenue,89999.99,180000\n"
    "R003,2026-Q1,New revenue,90000,180000\n"
    "R004,2026-Q1,New revenue,270000,180000\n"
    "R005,2026-Q1,New revenue,0,150000\n"
)
BASELINE_OUT = """\
rep_id,period,New revenue attainment,New revenue payout,total_incentive
R001,2026-Q1,1.0,15000.00,15000.00
R002,2026-Q1,0.4999999444,0.00,0.00
R003,2026-Q1,0.5,3750.00,3750.00
R004,2026-Q1,1.5,30000.00,30000.00
R005,2026-Q1,0.0,0.00,0.00
"""


@pytest.fixture(scope="module")
def fixed(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """Fixed plan and CSV files: baseline, three (three measures) and their example CSVs."""
    folder = tmp_path_factory.mktemp("fixed")
    return SimpleNamespace(
        baseline=write_plan(folder, make_plan(name="Baseline"), "baseline.yaml"),
        three=write_plan(folder, three_measure_plan(), "three.yaml"),
        baseline_csv=write_csv(folder, BASELINE_CSV, "actuals_baseline.csv"),
        three_csv=write_csv(folder, THREE_MEASURE_CSV, "actuals_three.csv"),
    )


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def run_subprocess(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simulator", *map(str, argv)],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )


# --------------------------------------------------------------------------- validate


def test_validate_every_shipped_plan(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", *SHIPPED_PLANS)
    assert code == EXIT_OK
    assert err == ""
    assert out.splitlines() == [f"{p}: ok" for p in SHIPPED_PLANS]


BASE_TEXT = yaml.safe_dump(
    make_plan(
        make_measure(weight=0.75),
        make_measure(name="Meetings", metric="meetings", weight=0.25, quota=12, cap=2.0),
    ),
    sort_keys=False,
)


def variant(old: str, new: str) -> str:
    assert old in BASE_TEXT, old
    return BASE_TEXT.replace(old, new, 1)


def alias_bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


# (id, file text, expected problem lines after "FILE: ", as prefixes)
BAD_PLANS = [
    ("yaml-syntax", "name: [oops\nperiod: quarter\n",
     ["line 2, column 7: invalid YAML: expected ',' or ']', but got ':'"]),
    ("yaml-tab", BASE_TEXT.replace("period:", "\tperiod:"), ["line 3, column 1: invalid YAML"]),
    ("empty", "", ["file is empty"]),
    ("top-list", "- name: x\n- period: quarter\n",
     ["the top level must be a mapping of keys, not a list"]),
    ("top-scalar", "baseline\n", ["the top level must be a mapping of keys, not a str"]),
    ("unknown-key", BASE_TEXT.replace("  threshold:", "  treshold:"),
     ["measures[1] (New revenue).treshold: unknown key 'treshold' (did you mean 'threshold'?)",
      "measures[2] (Meetings).treshold: unknown key 'treshold' (did you mean 'threshold'?)"]),
    ("missing-keys", variant("period: quarter\n", "").replace("  metric: meetings\n", ""),
     ["period: missing required key", "measures[2] (Meetings).metric: missing required key"]),
    ("weights-off", variant("weight: 0.25", "weight: 0.250002"),
     ["measures: weights sum to 1, not 1"]),
    ("weights-low", variant("weight: 0.25", "weight: 0.2"),
     ["measures: weights sum to 0.95, not 1"]),
    ("negative-money", variant("base_salary: 90000", "base_salary: -1"),
     ["pay.base_salary: must not be negative"]),
    ("inf-money", variant("target_incentive: 60000", "target_incentive: .inf"),
     ["pay.target_incentive: Input should be a finite number"]),
    ("nan-money", variant("target_incentive: 60000", "target_incentive: .nan"),
     ["pay.target_incentive: Input should be a finite number"]),
    ("negative-quota", variant("quota: 12", "quota: -1"),
     ["measures[2] (Meetings).quota: quota must be a finite number greater than 0"]),
    ("inf-quota", variant("quota: 12", "quota: .inf"),
     ["measures[2] (Meetings).quota: quota must be a finite number greater than 0"]),
    ("nan-relative-quota", variant("relative: 1.0", "relative: .nan"),
     ["measures[1] (New revenue).quota: quota relative must be a finite number greater than 0"]),
    ("inf-curve", variant("- 2.0\n", "- .inf\n"),
     ["measures[1] (New revenue).curve[3][2]: Input should be a finite number"]),
    ("nan-curve", variant("- 0.25\n", "- .nan\n"),
     ["measures[1] (New revenue).curve[1][2]: Input should be a finite number"]),
    ("negative-curve", variant("- 0.25\n", "- -1\n"),
     ["measures[1] (New revenue).curve: attainments and payouts must not be negative"]),
    ("decreasing-x", variant("- 1.5\n", "- 0.9\n"),
     ["measures[1] (New revenue).curve: attainment decreases at point 3 (1.0 -> 0.9)"]),
    ("decreasing-payout", variant("- 2.0\n", "- 0.5\n"),
     ["measures[1] (New revenue).curve: payout decreases at point 3 (1.0 -> 0.5)"]),
    ("threshold-below", variant("threshold: 0.5", "threshold: 0.3"),
     ["measures[1] (New revenue).threshold: 0.3 is outside the curve's attainment range"]),
    ("threshold-above", variant("threshold: 0.5", "threshold: 2.0"),
     ["measures[1] (New revenue).threshold: 2.0 is outside the curve's attainment range"]),
    ("cap-below-first", variant("cap: 2.0", "cap: 0.2").replace(
        "  threshold: 0.5\n  curve:\n  - - 0.5\n    - 0.25\n  - - 1.0\n    - 1.0\n"
        "  - - 1.5\n    - 2.0\n  cap: 0.2", "  curve:\n  - [0, 0.25]\n  - [1.5, 2.0]\n  cap: 0.2"),
     ["measures[2] (Meetings).cap: 0.2 is below the curve's payout at 0% attainment 0.25"]),
    ("unknown-metric", variant("metric: meetings", "metric: meeting"),
     ["measures[2] (Meetings).metric: unknown metric 'meeting' (did you mean 'meetings'?)"]),
    ("duplicate-names", variant("name: Meetings", "name: New revenue"),
     ["measures: duplicate measure name 'New revenue'"]),
    ("unknown-period", variant("period: quarter", "period: fortnight"),
     ["period: 'fortnight' is not allowed"]),
    ("announce-month", variant("period: quarter", "period: month").replace(
        "announce_day: 0", "announce_day: 21"),
     ["announce_day: 21 is past the end of the month (20 working days)"]),
    ("announce-quarter", variant("announce_day: 0", "announce_day: 61"),
     ["announce_day: 61 is past the end of the quarter (60 working days)"]),
    ("announce-year", variant("period: quarter", "period: year").replace(
        "announce_day: 0", "announce_day: 241"),
     ["announce_day: 241 is past the end of the year (240 working days)"]),
    ("over-1mb", BASE_TEXT + "#" + "x" * 1_000_001 + "\n",
     ["file is larger than 1,000,000 bytes"]),
    ("alias-bomb", alias_bomb(), ["line 1, column 4: invalid YAML: YAML anchors"]),
    ("string-for-number", variant("weight: 0.75", "weight: '0.75'"),
     ["measures[1] (New revenue).weight: Input should be a valid number"]),
    ("bool-for-number", variant("target_incentive: 60000", "target_incentive: true"),
     ["pay.target_incentive: Input should be a valid number"]),
    ("python-tag", variant("name: Test plan", "name: !!python/object/apply:os.getcwd []"),
     ["line 1, column 7: invalid YAML"]),
    ("duplicate-key", BASE_TEXT + "period: month\n", ["line "]),
]


@pytest.mark.parametrize(("text", "expected"), [(t, e) for _, t, e in BAD_PLANS],
                         ids=[i for i, _, _ in BAD_PLANS])
def test_validate_rejects(
    text: str, expected: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_plan(tmp_path, text)
    code, out, err = run(capsys, "validate", path)
    assert code == EXIT_BAD_INPUT
    assert out == ""
    lines = err.splitlines()
    assert all(line.startswith(f"{path}: ") for line in lines), err
    problems = [line.removeprefix(f"{path}: ") for line in lines]
    assert len(problems) == len(expected), err
    for problem, prefix in zip(problems, expected, strict=True):
        assert problem.startswith(prefix), err


def test_alias_bomb_names_aliases(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "validate", write_plan(tmp_path, alias_bomb()))
    assert code == EXIT_BAD_INPUT
    assert "aliases" in err


def test_several_problems_all_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (
        variant("period: quarter", "period: quartr")
        .replace("metric: meetings", "metric: meetngs")
        .replace("weight: 0.25", "weight: 0.5")
        .replace("base_salary: 90000", "base_salary: -90000")
        .replace("  threshold: 0.5", "  treshold: 0.5")
    )
    path = write_plan(tmp_path, text)
    code, _, err = run(capsys, "validate", path)
    assert code == EXIT_BAD_INPUT
    problems = [line.removeprefix(f"{path}: ") for line in err.splitlines()]
    wheres = [p.split(": ")[0] for p in problems]
    assert sorted(wheres) == sorted([
        "period", "pay.base_salary", "measures[1] (New revenue).treshold",
        "measures[2] (Meetings).metric", "measures[2] (Meetings).treshold", "measures",
    ])
    assert "measures: weights sum to 1.25, not 1" in problems


def test_validate_good_and_bad_together(
    fixed: SimpleNamespace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write_plan(tmp_path, make_plan(period="week"))
    code, out, err = run(capsys, "validate", fixed.baseline, bad, tmp_path / "missing.yaml")
    assert code == EXIT_BAD_INPUT
    assert out == f"{fixed.baseline}: ok\n"
    assert err.splitlines() == [
        f"{bad}: period: 'week' is not allowed: input should be 'month', 'quarter' or 'year'",
        f"{tmp_path / 'missing.yaml'}: file not found",
    ]


def test_usage_errors_exit_2(fixed: SimpleNamespace, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in ([], ["validate"], ["nonsense"], ["payout", str(fixed.baseline)]):
        with pytest.raises(SystemExit) as caught:
            main(argv)
        assert caught.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


# --------------------------------------------------------------------------- payout


def test_payout_to_stdout(fixed: SimpleNamespace, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "payout", fixed.baseline, fixed.baseline_csv)
    assert code == EXIT_OK
    assert out == BASELINE_OUT
    assert err == ""


def test_payout_to_file(
    fixed: SimpleNamespace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.csv"
    code, out, err = run(
        capsys, "payout", fixed.three, fixed.three_csv, "-o", target
    )
    assert code == EXIT_OK
    assert out == ""
    assert err == f"{target}: 2 rep-periods, total incentive 20,525.00\n"
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    # 16,993.75 + 3,531.25 (worked out in test_plan_actuals)
    assert [Decimal(r["total_incentive"]) for r in rows] == [Decimal("16993.75"),
                                                              Decimal("3531.25")]
    assert list(rows[0]) == [
        "rep_id", "period", "New revenue attainment", "New revenue payout",
        "Meetings held attainment", "Meetings held payout", "Customer satisfaction attainment",
        "Customer satisfaction payout", "total_incentive",
    ]


BAD_CSVS = [
    ("missing-column", "rep_id,period,measure,actual\nR1,Q1,New revenue,1\n",
     "line 1: missing column(s): quota"),
    ("non-numeric", HEADER + "R1,Q1,New revenue,1,2\nR2,Q1,New revenue,12k,2\n",
     "line 3: actual '12k' is not a number"),
    ("unknown-measure", HEADER + "R1,Q1,New revenue,1,2\nR1,Q1,Deals,1,2\n",
     "line 3: measure 'Deals' is not in plan 'Baseline'"),
    ("duplicate-row", HEADER + "R1,Q1,New revenue,1,2\nR1,Q1,New revenue,1,2\n",
     "line 3: duplicate row for rep 'R1', period 'Q1', measure 'New revenue' (first on line 2)"),
    ("zero-quota", HEADER + "R1,Q1,New revenue,1,0\n", "line 2: quota 0 must be greater than 0"),
    ("negative-quota", HEADER + "R1,Q1,New revenue,1,-2\n",
     "line 2: quota -2 must be greater than 0"),
    ("empty", "", "file is empty"),
    ("header-only", HEADER, "no data rows"),
]


@pytest.mark.parametrize(("text", "expected"), [(t, e) for _, t, e in BAD_CSVS],
                         ids=[i for i, _, _ in BAD_CSVS])
def test_payout_rejects_bad_csv_and_writes_nothing(
    fixed: SimpleNamespace,
    text: str,
    expected: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = write_csv(tmp_path, text)
    target = tmp_path / "out.csv"
    code, out, err = run(capsys, "payout", fixed.baseline, source, "-o", target)
    assert code == EXIT_BAD_INPUT
    assert out == ""
    assert err.startswith(f"{source}: {expected}")
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["actuals.csv"]


def test_payout_missing_measure_row(
    fixed: SimpleNamespace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path, HEADER + "R1,Q1,New revenue,1,2\nR1,Q1,Meetings held,3,4\n")
    target = tmp_path / "out.csv"
    code, _, err = run(capsys, "payout", fixed.three, source, "-o", target)
    assert code == EXIT_BAD_INPUT
    assert err == (f"{source}: line 2: rep 'R1', period 'Q1' has no row for measure "
                   "'Customer satisfaction' (every rep-period needs one row per plan measure)\n")
    assert not target.exists()


def test_payout_keeps_an_existing_output_on_error(
    fixed: SimpleNamespace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.csv"
    target.write_text("previous results\n")
    source = write_csv(tmp_path, HEADER + "R1,Q1,New revenue,1,0\n")
    code, _, _ = run(capsys, "payout", fixed.baseline, source, "-o", target)
    assert code == EXIT_BAD_INPUT
    assert target.read_text() == "previous results\n"


def test_payout_with_a_bad_plan(
    fixed: SimpleNamespace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = write_plan(tmp_path, make_plan(make_measure(weight=0.5)))
    target = tmp_path / "out.csv"
    code, out, err = run(capsys, "payout", plan, fixed.baseline_csv,
                         "-o", target)
    assert code == EXIT_BAD_INPUT
    assert err == f"{plan}: measures: weights sum to 0.5, not 1\n"
    assert not target.exists()


def test_payout_unwritable_output(
    fixed: SimpleNamespace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "no" / "such" / "dir" / "out.csv"
    code, _, err = run(capsys, "payout", fixed.baseline, fixed.baseline_csv,
                       "-o", target)
    assert code == EXIT_BAD_INPUT
    assert err.startswith(f"{target}: cannot write file: ")


def test_payout_neutralises_formulas(
    fixed: SimpleNamespace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path, HEADER + (
        '"=HYPERLINK(""http://evil.example"",""click"")",Q1,New revenue,1,1\n'
        "+1,Q1,New revenue,1,1\n"
        "-1,Q1,New revenue,1,1\n"
        "@x,Q1,New revenue,1,1\n"
        "R005,Q1,New revenue,1,1\n"
    ))
    target = tmp_path / "out.csv"
    code, _, _ = run(capsys, "payout", fixed.baseline, source, "-o", target)
    assert code == EXIT_OK
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert [r["rep_id"] for r in rows] == [
        "'=HYPERLINK(\"http://evil.example\",\"click\")", "'+1", "'-1", "'@x", "R005",
    ]


# --------------------------------------------------------------------------- compare, team


JSON_NUMBER_BLOCKS = {
    "sales": {"mean", "p5", "p50", "p95"},
    "payout": {"mean", "p5", "p50", "p95"},
    "cost_of_sales": {"incentive", "total"},
    "quota_attainment": {"share_at_or_above", "p10", "p50", "p90"},
    "effort": {"mean", "gave_up_share", "capped_share"},
}


def test_compare_json_schema(capsys):
    plans = [str(PLANS_DIR / "baseline.yaml"), str(PLANS_DIR / "capped.yaml")]
    code = main(["compare", *plans, "--trials", "48", "--seed", "9", "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)  # exactly one JSON object
    assert data["seed"] == 9 and data["trials"] == 48 and data["behavior"] == "adaptive"
    assert data["team"] == load_team().name
    assert [p["file"] for p in data["plans"]] == plans
    for plan in data["plans"]:
        for block, keys in JSON_NUMBER_BLOCKS.items():
            assert keys <= set(plan[block]), block
            assert all(isinstance(plan[block][k], float) for k in keys)
        assert isinstance(plan["deferred_sales_share"], float)
        assert len(plan["deciles"]) == 10
        for decile in plan["deciles"]:
            assert {"sales_mean", "payout_mean", "effort_mean"} <= set(decile)
        for measure in plan["measures"]:
            assert {"name", "metric", "weight", "attainment_mean", "payout_mean"} <= set(measure)
        for key in ("sales_diff", "payout_diff"):
            assert set(plan["vs_first"][key]) >= {"mean", "ci95_low", "ci95_high"}
    first = data["plans"][0]["vs_first"]["sales_diff"]
    assert first == {"mean": 0.0, "ci95_low": 0.0, "ci95_high": 0.0}
    total = sum(m["payout_mean"] for m in data["plans"][1]["measures"])
    assert total == pytest.approx(data["plans"][1]["payout"]["mean"])


def test_compare_model_draws_json(capsys):
    """--model-draws K: every plan's model range, the sign shares, the draws recorded; the
    same seed gives the same bytes; K = 0 gives the plain comparison."""
    plans = [str(PLANS_DIR / "baseline.yaml"), str(PLANS_DIR / "high_threshold.yaml")]
    args = ["compare", *plans, "--trials", "64", "--seed", "3", "--json",
            "--model-draws", "3", "--draw-trials", "32"]
    assert main(args) == 0
    first = capsys.readouterr().out
    assert main(args) == 0
    assert capsys.readouterr().out == first  # same seed, same bytes
    data = json.loads(first)
    assert data["draws"] == 3 and data["draw_trials"] == 32
    assert set(data["model_ranges"]) >= {"output_elasticity", "cost_curvature"}
    assert "reference_pay_slope" not in data["model_ranges"]  # anchored on the incumbent
    for plan in data["plans"]:
        spread = plan["model_range"]
        for key in ("sales_mean", "payout_mean"):
            assert set(spread[key]) == {"p10", "p50", "p90"}
            assert spread[key]["p10"] <= spread[key]["p50"] <= spread[key]["p90"]
        for key in ("sales_diff", "payout_diff"):
            assert set(spread["vs_first"][key]) == {"p10", "p50", "p90", "same_sign_share"}
    assert data["plans"][0]["model_range"]["vs_first"]["sales_diff"]["same_sign_share"] is None
    high = data["plans"][1]["model_range"]["vs_first"]["sales_diff"]
    assert high["same_sign_share"] == 1.0 and high["p90"] < 0  # the threshold always hurts
    assert main(["compare", *plans, "--trials", "64", "--seed", "3", "--json",
                 "--model-draws", "0"]) == 0
    plain = json.loads(capsys.readouterr().out)
    assert "draws" not in plain and all("model_range" not in p for p in plain["plans"])
    assert plain["plans"][1]["sales"] == data["plans"][1]["sales"]  # the headline is the same


def test_compare_years_json_adds_per_year_figures(capsys):
    """--years 3: per plan year figures and `by_year`; one-year runs keep the format."""
    plans = [str(PLANS_DIR / "baseline.yaml"), str(PLANS_DIR / "capped.yaml")]
    assert main(["compare", *plans, "--trials", "32", "--years", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["years"] == 3
    for plan in data["plans"]:
        years = plan["by_year"]
        assert [y["year"] for y in years] == [1, 2, 3]
        assert {"sales", "payout", "primary_quota_scale", "sales_diff"} <= set(years[0])
        mean = sum(y["sales"]["mean"] for y in years) / 3
        assert plan["sales"]["mean"] == pytest.approx(mean)  # per plan year
        assert {"pushed_out_share", "pulled_in_share", "discount_cost_share"} == set(
            plan["timing"])
        assert {"leavers_share", "lost_sales", "lost_sales_vs_today"} <= set(plan["turnover"])
    assert main(["compare", *plans, "--trials", "32", "--json"]) == 0
    one = json.loads(capsys.readouterr().out)
    assert "years" not in one and all("by_year" not in p for p in one["plans"])


@pytest.mark.parametrize("years", ["0", "11", "two"])
def test_compare_years_out_of_range_is_a_usage_error(years: str):
    done = run_subprocess("compare", PLANS_DIR / "baseline.yaml", "--years", years)
    assert done.returncode == 2 and "--years" in done.stderr and done.stdout == ""
    assert "Traceback" not in done.stderr


def test_compare_model_draws_text(capsys):
    plans = [str(PLANS_DIR / "baseline.yaml"), str(PLANS_DIR / "recommended.yaml")]
    assert main(["compare", *plans, "--trials", "48", "--model-draws", "2",
                 "--draw-trials", "16"]) == 0
    out = capsys.readouterr().out
    assert "Model range: P10-P90 over 2 behaviour-parameter draws of 16 plan years" in out
    assert "  vs first, sign holds in draws" in out
    assert "[95% CI, luck only]" in out


def test_compare_text_table(capsys):
    code = main(["compare", str(PLANS_DIR / "baseline.yaml"), "--trials", "32"])
    out = capsys.readouterr().out
    assert code == 0
    assert "team sales / year, mean" in out and "Baseline" in out


def test_compare_static_behavior_flag(capsys):
    main(
        [
            "compare",
            str(PLANS_DIR / "baseline.yaml"),
            "--trials",
            "32",
            "--behavior",
            "static",
            "--json",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert data["behavior"] == "static"
    assert data["plans"][0]["effort"]["mean"] == pytest.approx(1.0)


def test_compare_bad_plan_exits_2_and_names_the_field(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: X\nperiod: week\npay: {base_salary: 1, target_incentive: 1}\nmeasures: []\n"
    )
    code = main(["compare", str(PLANS_DIR / "baseline.yaml"), str(bad), "--json"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert f"{bad}: period" in captured.err and "Traceback" not in captured.err


def test_compare_bad_team_exits_2(tmp_path, capsys):
    bad = tmp_path / "team.yaml"
    bad.write_text("name: T\nreps: -1\nluck: {sales_weekly: -1}\n")
    code = main(["compare", str(PLANS_DIR / "baseline.yaml"), "--team", str(bad)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{bad}: reps" in err and f"{bad}: luck.sales_weekly" in err


@pytest.mark.parametrize(
    "args", [["--trials", "0"], ["--seed", "-1"], ["--trials", "x"], ["--behavior", "lazy"]]
)
def test_compare_bad_arguments_exit_2(args, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["compare", str(PLANS_DIR / "baseline.yaml"), *args])
    assert exc.value.code == 2


def test_team_json_lists_at_least_ten_metrics(capsys):
    assert main(["team", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    names = {m["name"] for m in data["metrics"]}
    assert len(names) >= 10
    assert {"revenue", "deals", "meetings", "conversations", "dials", "talk_time"} <= names
    assert all(m["unit"] for m in data["metrics"])
    assert data["reps"] == 50


def test_compare_workers_flag(capsys):
    plan = str(PLANS_DIR / "baseline.yaml")
    main(["compare", plan, "--trials", "48", "--json"])
    one = json.loads(capsys.readouterr().out)
    main(["compare", plan, "--trials", "48", "--json", "--workers", "2"])
    assert json.loads(capsys.readouterr().out) == one


def test_compare_reference_plan_goes_first(capsys):
    files = [str(PLANS_DIR / "capped.yaml"), str(PLANS_DIR / "baseline.yaml")]
    assert main(["compare", *files, "--trials", "32", "--json", "--reference", "Baseline"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [p["file"] for p in data["plans"]] == files[::-1]
    assert data["plans"][1]["vs_first"]["sales_diff"]["mean"] < 0  # capped against baseline
    assert main(["compare", *files, "--trials", "32", "--reference", "nope.yaml"]) == 2
    assert "--reference: 'nope.yaml'" in capsys.readouterr().err


# --------------------------------------------------------------------------- health


def test_cli_health_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["health", str(PLANS_DIR / "capped.yaml"), "--trials", "64"]) == 0
    out = capsys.readouterr().out
    assert "[FAIL] cap_cliff" in out and "Capped, low quota" in out
    assert "findings are advice" in out


def test_cli_health_json_exit_0_for_a_failing_plan(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["health", str(PLANS_DIR / "late_plan.yaml"), "--trials", "64", "--seed", "2",
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["seed"] == 2 and data["worst"] == "fail"
    late = next(f for f in data["findings"] if f["rule"] == "late_announcement")
    assert late["status"] == "fail" and late["value"] == pytest.approx(0.7)


def test_cli_health_with_a_team(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    team = tmp_path / "team.yaml"
    team.write_text("name: Small\nreps: 8\n", encoding="utf-8")
    assert main(["health", str(PLANS_DIR / "baseline.yaml"), "--team", str(team),
                 "--trials", "32", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["team"] == "Small" and data["reps"] == 8


def test_cli_health_bad_plan_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_plan(tmp_path, make_plan(period="week"))
    assert main(["health", str(path)]) == 2
    err = capsys.readouterr().err
    assert "period" in err and "Traceback" not in err


def test_cli_health_bad_team_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    team = tmp_path / "team.yaml"
    team.write_text("name: Bad\nreps: 0\n", encoding="utf-8")
    assert main(["health", str(PLANS_DIR / "baseline.yaml"), "--team", str(team)]) == 2
    assert "reps" in capsys.readouterr().err


# --------------------------------------------------------------------------- real processes


def test_subprocess_validate_shipped_plans() -> None:
    result = run_subprocess("validate", *(p.relative_to(ROOT) for p in SHIPPED_PLANS))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"plans/{p.name}: ok" for p in SHIPPED_PLANS]


def test_subprocess_bad_inputs_exit_2_without_traceback(
    fixed: SimpleNamespace, tmp_path: Path
) -> None:
    bad_plan = write_plan(tmp_path, variant("  threshold:", "  treshold:"))
    result = run_subprocess("validate", bad_plan, write_plan(tmp_path, alias_bomb(), "bomb.yaml"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{bad_plan}: measures[1] (New revenue).treshold: unknown key 'treshold' " \
        "(did you mean 'threshold'?)" in result.stderr.splitlines()

    target = tmp_path / "out.csv"
    bad_csv = write_csv(tmp_path, HEADER + "R1,Q1,New revenue,abc,100\n")
    result = run_subprocess("payout", fixed.baseline, bad_csv, "-o", target)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr == f"{bad_csv}: line 2: actual 'abc' is not a number\n"
    assert not target.exists()


def test_subprocess_payout(fixed: SimpleNamespace) -> None:
    result = run_subprocess("payout", fixed.baseline, fixed.baseline_csv)
    assert result.returncode == 0, result.stderr
    assert result.stdout == BASELINE_OUT


def test_readme_shows_the_real_example(capsys: pytest.CaptureFixture[str]) -> None:
    """The README's payout example is what the shipped files really give."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code, out, _ = run(capsys, "payout", SHIPPED_BASELINE, SHIPPED_EXAMPLE)
    assert code == EXIT_OK
    assert out in readme
    assert SHIPPED_EXAMPLE.read_text(encoding="utf-8") in readme
    assert readme.startswith("# Plan simulator\n")
    for heading in ("## Quick start", "## Plan format", "## Payout calculator"):
        assert f"\n{heading}\n" in readme


@pytest.mark.parametrize(("text", "value", "currency"), [
    ("4000000", 4e6, None), ("4,000,000", 4e6, None), ("$4,000,000", 4e6, "USD"),
    ("EUR 4,000,000", 4e6, "EUR"), ("€4,000,000", 4e6, "EUR"), ("4000000 GBP", 4e6, "GBP"),
    ("1.5e6", 1.5e6, None), ("CHF 250,000.50", 250_000.5, "CHF"),
])
def test_an_amount_may_carry_its_currency(text: str, value: float, currency: str | None
                                          ) -> None:
    from simulator.faces.boardroom import amount

    parsed = amount(text)
    assert (float(parsed), parsed.currency) == (value, currency)


@pytest.mark.parametrize(("text", "message"), [
    ("XYZ 400", "'XYZ 400': XYZ is not an ISO 4217 currency code"),
    ("EUR", "'EUR' is not an amount"), ("eur 4000", "'eur 4000' is not an amount"),
    ("EUR 4 EUR", "'EUR 4 EUR' is not an amount"), ("EUR -5", "must be an amount above 0"),
])
def test_an_amount_that_cannot_be_read_is_refused(text: str, message: str) -> None:
    import argparse

    from simulator.faces.boardroom import amount

    with pytest.raises(argparse.ArgumentTypeError, match=message.replace("(", r"\(")):
        amount(text)


def test_compare_of_euro_plans_names_eur_and_refuses_a_dollar_budget(tmp_path, capsys):
    """The report's first line names the plans' currency; the JSON carries it; the workbook's
    money is in it; a budget in another currency is refused before anything runs."""
    import openpyxl

    eur = tmp_path / "eur.yaml"
    eur.write_text((PLANS_DIR / "baseline.yaml").read_text(encoding="utf-8")
                   + "currency: EUR\n", encoding="utf-8")
    book = tmp_path / "out.xlsx"
    assert main(["compare", str(eur), "--trials", "16", "--budget", "EUR 4,000,000",
                 "--excel", str(book)]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.splitlines()[0].endswith("adaptive behaviour, amounts in EUR")
    assert "chance payout > budget 4.00M" in out and "$" not in out
    sheet = openpyxl.load_workbook(book)["Summary"]
    assert sheet.cell(row=5, column=3).number_format == '"EUR "#,##0;-"EUR "#,##0'
    assert main(["compare", str(eur), "--trials", "16", "--json"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out)["currency"] == "EUR"
    assert main(["compare", str(eur), "--trials", "16", "--budget", "$4,000,000"]
                ) == EXIT_BAD_INPUT
    assert capsys.readouterr().err.strip() == (
        "--budget: the amount is in USD, but the plans are in EUR: write EUR 4,000,000 or "
        "the number alone")
    # plans that state no currency take a budget in any, as before
    assert main(["compare", str(PLANS_DIR / "baseline.yaml"), "--trials", "16", "--budget",
                 "EUR 4,000,000", "--json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["budget"] == 4e6 and "currency" not in data
