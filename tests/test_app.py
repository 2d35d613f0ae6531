"""The Streamlit app, driven headless with streamlit.testing (AppTest).

Every test runs the real app.py (which lays out the page modules of `ui/`) with small
trial counts; the cached call of `ui.cache` is also called directly. Downloads are read
back through a recording media-file manager, so the files checked are the bytes a user
would get.
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pyarrow as pa
import pytest
import yaml
from streamlit.testing.v1 import AppTest

from simulator.plan.spec import PlanSpec, plan_from_text
from simulator.results.comparison import Comparison
from simulator.team.spec import TeamSpec, team_from_dict

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TRIALS = 200
DRAWS = 2  # behaviour-model draws: few, for speed (the app's default is 10)


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What the app's download buttons hold: bytes by URL, callables by deferred file id."""
    import streamlit.testing.v1.app_test as app_test_module
    from streamlit.runtime.media_file_manager import MediaFileManager

    recorded: dict[str, Any] = {}

    class Recording(MediaFileManager):
        def add(self, path_or_data: Any, mimetype: str, coordinates: str,
                file_name: str | None = None, is_for_static_download: bool = False) -> str:
            url = super().add(path_or_data, mimetype, coordinates, file_name=file_name,
                              is_for_static_download=is_for_static_download)
            recorded[url] = path_or_data
            return url

        def add_deferred(self, data_callable: Any, mimetype: str | None, coordinates: str,
                         *args: Any, **kwargs: Any) -> str:
            file_id = super().add_deferred(data_callable, mimetype, coordinates, *args,
                                           **kwargs)
            recorded[file_id] = data_callable
            return file_id

    monkeypatch.setattr(app_test_module, "MediaFileManager", Recording)
    return recorded


def start(**state: Any) -> AppTest:
    """The app after its first run, with a small trial count and any preset widget values."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["trials"] = TRIALS
    at.session_state["model_draws"] = DRAWS
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def open_tab(at: AppTest, name: str) -> AppTest:
    """Open one of the page's tabs and run the page (only the open tab's content runs)."""
    at.session_state["page_tab"] = name
    at.run()
    assert not at.exception, at.exception
    return at


def table(at: AppTest) -> pd.DataFrame:
    """The comparison table the page shows (one row per plan and behaviour)."""
    return next(d.value for d in at.dataframe if "plan" in d.value.columns)


def timing_table(at: AppTest) -> pd.DataFrame:
    """The deal timing and turnover table (one row per plan, adaptive reps)."""
    return next(d.value for d in at.dataframe if "Reps leaving / year" in d.value.columns)


def download(at: AppTest, recorded: dict[str, Any], key: str) -> bytes:
    """The file behind a download button, as the browser would receive it."""
    button = at.get("download_button")
    proto = next(b.proto for b in button if b.proto.id.endswith(f"-{key}"))
    data = recorded[proto.deferred_file_id]() if proto.deferred_file_id else recorded[proto.url]
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def editor_key(at: AppTest, field: str, measure: int | None = None) -> str:
    """The widget key of a plan-editor field (keys carry the editor's generation)."""
    gen = at.session_state["ed_gen"]
    return f"ed{gen}_m{measure}_{field}" if measure is not None else f"ed{gen}_{field}"


def test_default_page_runs_and_shows_cards() -> None:
    at = start()
    assert not at.error
    labels = [m.label for m in at.metric]
    assert labels.count("Expected team sales / year") == 2  # baseline + recommended
    assert {"Incentive payout / year", "Incentive cost of sales",
            "Rep-quarters at quota"} <= set(labels)
    # the reference (first) card has no delta, the second one a difference with its model
    # range; the luck-only interval is in the tooltip, named as such
    sales = [m for m in at.metric if m.label == "Expected team sales / year"]
    assert sales[0].proto.delta == "" and sales[1].proto.delta != ""
    assert "(luck only)" in sales[1].proto.help and "Model range (P10-P90" in sales[1].proto.help
    # each level's model range under it, and its difference's; what the figures rest on
    spans = [c.value for c in at.caption if c.value.startswith("Model range")]
    assert len(spans) == 4
    assert sum("vs Baseline: " in v for v in spans) == 2
    assert any("± intervals cover that luck only" in c.value and "Model ranges are P10-P90"
               in c.value for c in at.caption)
    assert any("Robust" in m.value and "behaviour-model draws" in m.value for m in at.markdown)
    assert len(at.get("vega_lite_chart")) >= 8
    assert list(table(at)["plan"]) == ["Baseline", "Recommended"]
    timing = timing_table(at)
    assert list(timing["Plan"]) == ["Baseline", "Recommended"]
    assert 25 < timing["Reps leaving / year"].iloc[0] < 35  # percent, today's leaving
    assert {"sales_diff_model_p10", "sales_diff_same_sign_share"} <= set(table(at).columns)
    assert at.number_input(key="seed").value == 0
    assert any(f"{TRIALS:,} simulated plan years · seed 0" in c.value for c in at.caption)


def test_without_model_draws_the_cards_show_the_luck_interval_and_say_so() -> None:
    at = start(model_draws=0)
    assert not at.error
    assert any(c.value.startswith("vs Baseline: ±") and c.value.endswith("(95% CI, luck only)")
               for c in at.caption)
    assert not any(c.value.startswith("Model range") for c in at.caption)
    assert any("No behaviour-model draws" in c.value for c in at.caption)


def test_the_default_is_ten_behaviour_model_draws() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["trials"] = TRIALS
    at.run()
    assert not at.exception and not at.error
    assert at.number_input(key="model_draws").value == 10
    assert any("P10-P90 over 10 sets of behaviour parameters" in c.value for c in at.caption)


def test_selecting_several_plans() -> None:
    at = start()
    files = ["baseline.yaml", "high_threshold.yaml", "capped.yaml", "late_plan.yaml"]
    at.multiselect(key="plan_files").set_value(files).run()
    assert not at.exception and not at.error
    frame = table(at)
    assert list(frame["plan"]) == ["Baseline", "High threshold", "Capped, low quota",
                                   "Late plan"]
    assert [m.label for m in at.metric].count("Expected team sales / year") == 4
    base, high = frame.iloc[0], frame.iloc[1]
    # seed 003, situation 3: the out-of-reach threshold makes reps give up and sell less
    assert high["sales_mean"] < base["sales_mean"]
    assert high["gave_up_share"] > base["gave_up_share"] + 0.1
    assert high["sales_diff_ci95_high"] < 0
    # the reference plan can be changed: differences are then measured against it
    at.selectbox(key="reference").set_value("High threshold").run()
    assert list(table(at)["plan"])[0] == "High threshold"
    assert table(at).iloc[0]["sales_diff_vs_first"] == 0


def test_raising_the_threshold_in_the_editor_lowers_sales_and_raises_giving_up() -> None:
    at = start(plan_files=["baseline.yaml"])
    assert list(table(at)["plan"]) == ["Baseline"]  # an unchanged copy is not compared
    at.number_input(key=editor_key(at, "quota_pct", 0)).set_value(150.0).run()
    frame = table(at)
    assert list(frame["plan"]) == ["Baseline", "Baseline (edited)"]
    before = frame.iloc[1]
    assert before["sales_mean"] < frame.iloc[0]["sales_mean"]  # a 150% quota asks too much

    at.number_input(key=editor_key(at, "threshold", 0)).set_value(80.0).run()
    assert not at.exception and not at.error
    after = table(at).iloc[1]
    assert after["sales_mean"] < before["sales_mean"] * 0.95
    assert after["gave_up_share"] > before["gave_up_share"] + 0.2


def test_editor_adds_and_removes_measures() -> None:
    at = start(plan_files=["baseline.yaml"])
    next(b for b in at.button if b.label == "Add a measure").click().run()
    errors = " ".join(e.value for e in at.error)
    # 100% + the new measure's 10%, in the editor's words
    assert "Weight (%): the measures' weights sum to 110%, not 100%" in errors
    next(b for b in at.button if b.label == "Rescale weights to 100%").click().run()
    assert not at.error
    frame = table(at)
    assert list(frame["plan"]) == ["Baseline", "Baseline (edited)"]
    removes = [b for b in at.button if b.label == "Remove"]
    assert len(removes) == 2
    removes[1].click().run()
    assert not at.exception
    assert len([b for b in at.button if b.label == "Remove"]) == 1


def test_invalid_edit_shows_the_validator_message_and_the_app_keeps_working() -> None:
    at = start(plan_files=["baseline.yaml", "recommended.yaml"])
    before = [m.value for m in at.metric]
    at.number_input(key=editor_key(at, "weight", 0)).set_value(80.0).run()
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "Weight (%): the measures' weights sum to 80%, not 100%" in message
    assert [m.value for m in at.metric] == before  # nothing computed is lost
    assert list(table(at)["plan"]) == ["Baseline", "Recommended"]


BAD_PLAN = """\
name: Bad plan
period: quartr
pay: {base_salary: 90000, target_incentive: 60000}
measures:
  - name: New revenue
    metric: revenue
    weight: 1.0
    quota: {relative: 1.0}
    treshold: 0.5
    curve: [[0.5, 0.25], [1.0, 1.0], [1.5, 2.0]]
"""


def test_invalid_upload_shows_the_error_and_the_app_keeps_working() -> None:
    at = start()
    before = [m.value for m in at.metric]
    at.file_uploader(key="plan_uploads").upload("bad.yaml", BAD_PLAN.encode(), "text/yaml")
    at.run()
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "bad.yaml: period: 'quartr' is not allowed" in message
    assert "did you mean 'threshold'?" in message
    assert [m.value for m in at.metric] == before
    assert list(table(at)["plan"]) == ["Baseline", "Recommended"]

    # YAML that does not parse gets a line and column, not a traceback
    at.file_uploader(key="plan_uploads").set_value(("broken.yml", b"name: [unclosed\n",
                                                    "text/yaml"))
    at.run()
    assert not at.exception
    assert "broken.yml: line" in " ".join(e.value for e in at.error)


def test_valid_upload_joins_the_comparison() -> None:
    at = start(plan_files=["baseline.yaml"])
    text = (ROOT / "plans" / "capped.yaml").read_text().replace("Capped, low quota",
                                                               "My capped plan")
    at.file_uploader(key="plan_uploads").upload("mine.yaml", text.encode(), "text/yaml")
    at.run()
    assert not at.exception and not at.error
    frame = table(at)
    assert list(frame["plan"]) == ["Baseline", "My capped plan"]
    assert frame.iloc[1]["capped_share"] > 0.05


def test_downloads_produce_valid_files(downloads: dict[str, Any]) -> None:
    at = start()
    at.number_input(key=editor_key(at, "threshold", 0)).set_value(60.0).run()
    assert not at.exception and not at.error

    csv = pd.read_csv(io.BytesIO(download(at, downloads, "table_csv")))
    assert list(csv["plan"]) == ["Baseline", "Recommended", "Baseline (edited)"]
    assert {"sales_mean", "payout_p90", "sales_diff_ci95_low"} <= set(csv.columns)

    book = openpyxl.load_workbook(io.BytesIO(download(at, downloads, "table_xlsx")))
    assert {"Comparison", "Measures", "Deciles", "Settings"} <= set(book.sheetnames)
    assert book["Comparison"]["A2"].value == "Baseline"

    text = download(at, downloads, "ed_download").decode("utf-8")
    edited = plan_from_text(text, "downloaded.yaml")
    assert edited.name == "Baseline (edited)"
    assert edited.measures[0].threshold == pytest.approx(0.6)
    assert yaml.safe_load(text)["measures"][0]["threshold"] == pytest.approx(0.6)

    png = download(at, downloads, "png_team-sales")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    svg = download(at, downloads, "svg_payout-curves").decode("utf-8")
    assert "<svg" in svg


def test_budget_line_gives_the_chance_of_exceeding_it_without_a_new_simulation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import simulator.results.comparison

    calls = []
    real = simulator.results.comparison.compare

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs.get("seed"))
        return real(*args, **kwargs)

    monkeypatch.setattr(simulator.results.comparison, "compare", counting)
    at = start(seed=424242)
    assert len(calls) == 1
    p50 = table(at).iloc[0]["payout_p50"] * 1e6  # the table shows millions
    at.number_input(key="budget").set_value(float(p50)).run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Chance a year's incentive payout exceeds" in text
    assert "Baseline **5" in text or "Baseline **4" in text  # about half the years at P50
    assert len(calls) == 1  # a chart option never runs the simulation again


def test_both_behaviour_modes_side_by_side() -> None:
    at = start(plan_files=["baseline.yaml", "high_threshold.yaml"])
    at.radio(key="behaviour").set_value("both").run()
    assert not at.exception and not at.error
    frame = table(at)
    assert list(frame["behaviour"]) == ["adaptive", "adaptive", "static", "static"]
    static = frame[frame["behaviour"] == "static"]
    assert (static["gave_up_share"] == 0).all()
    assert any("Static replay" in c.value for c in at.caption)


def test_presentation_view_has_no_controls() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["trials"] = TRIALS
    at.query_params["view"] = "present"
    at.run()
    assert not at.exception
    assert at.session_state["present"] is True
    chart_or_table = {"PNG", "SVG", "Table as CSV", "Workbook as Excel"}
    assert not [b for b in at.get("download_button") if b.proto.label in chart_or_table]
    assert not at.get("tab")
    # five screens, one per question, whatever the number of plans
    assert [h.value for h in at.main.header][:1] == ["Which plan?"]
    assert len(at.main.header) == 5
    assert len(at.get("vega_lite_chart")) >= 6  # and the hidden editor's preview
    text = " ".join(m.value for m in at.markdown)
    assert "Baseline (the reference) sells" in text and "| Sales / year |" in text
    next(b for b in at.button if b.label == "Leave presentation view").click().run()
    assert at.session_state["present"] is False
    assert at.get("tab")


def test_team_upload_is_used_and_a_bad_one_is_reported() -> None:
    at = start(plan_files=["baseline.yaml"])
    small_team = "name: Small team\nreps: 10\n"
    at.file_uploader(key="team_upload").upload("small.yaml", small_team.encode(), "text/yaml")
    at.run()
    assert not at.exception and not at.error
    assert any("Small team, 10 reps" in c.value for c in at.caption)

    at.file_uploader(key="team_upload").set_value(("bad_team.yaml", b"name: X\nrepz: 10\n",
                                                   "text/yaml"))
    at.run()
    assert not at.exception
    assert "bad_team.yaml: repz: unknown key 'repz' (did you mean 'reps'?)" in " ".join(
        e.value for e in at.error)
    assert any("Small team, 10 reps" in c.value for c in at.caption)  # nothing is lost
    # the uploaded team stays a choice; the shipped team is one pick away
    at.selectbox(key="team_file").set_value("default.yaml").run()
    assert any("Inside sales" in c.value for c in at.caption)


def test_presentation_view_keeps_the_edited_plan_and_the_budget() -> None:
    at = start(plan_files=["baseline.yaml"])
    at.number_input(key=editor_key(at, "threshold", 0)).set_value(70.0).run()
    at.number_input(key="budget").set_value(3_000_000.0).run()
    assert list(table(at)["plan"]) == ["Baseline", "Baseline (edited)"]
    at.toggle(key="present").set_value(True).run()
    assert not at.exception
    assert at.query_params.get("view") in ("present", ["present"])
    text = " ".join(m.value for m in at.markdown)
    assert "Baseline (edited)" in text and "Over budget" in text
    assert "within a \\$3.00M incentive budget" in text
    next(b for b in at.button if b.label == "Leave presentation view").click().run()
    assert list(table(at)["plan"]) == ["Baseline", "Baseline (edited)"]
    assert at.number_input(key="budget").value == 3_000_000.0


def health_lines(at: AppTest) -> list[str]:
    """The health findings the page shows, one markdown list item each."""
    return [line for m in at.markdown for line in m.value.split("\n- ")
            if "Rule `" in line]


def test_health_panel_shows_the_high_threshold_failing_its_rules() -> None:
    at = start(plan_files=["baseline.yaml", "high_threshold.yaml"])
    assert not at.exception and not at.error
    assert any(h.value == "Plan health" for h in at.subheader)
    lines = health_lines(at)
    failing = [line for line in lines if ":red[:material/cancel:]" in line]
    # seed 003, situation 3: the 70% threshold of a 150% quota is out of reach
    assert any("reach the 70% threshold" in line and "Rule `threshold_reach`" in line
               for line in failing)
    assert any("reach quota" in line and "Rule `quota_reach`" in line for line in failing)
    assert any("Rule `dead_zone`" in line for line in failing)
    assert not any(":red[" in line for line in lines if "Rule `dead_zone`" in line
                   and "0% of rep-quarters are given up" in line)
    # per plan: fails, then warnings, then the rules met folded in an expander
    counts = [m.value for m in at.markdown if "ok]" in m.value and "Rule" not in m.value]
    fails = int(counts[1].removeprefix(":red[").split()[0])
    assert counts[1].startswith(":red[") and fails >= 3
    assert any(e.label.endswith("rules met") for e in at.expander)


def test_health_needs_the_adaptive_model_and_lands_in_the_workbook(
    downloads: dict[str, Any],
) -> None:
    at = start(plan_files=["baseline.yaml", "high_threshold.yaml"])
    book = openpyxl.load_workbook(io.BytesIO(download(at, downloads, "table_xlsx")))
    rows = list(book["Health"].values)
    assert rows[0][:3] == ("Plan", "Status", "Rule")
    assert ("High threshold", "fail", "threshold_reach") in {r[:3] for r in rows}

    at.radio(key="behaviour").set_value("static").run()
    assert not at.exception
    assert not health_lines(at)
    assert any("needs the adaptive model" in i.value for i in at.info)
    next(b for b in at.button if b.label == "Also run adaptive reps").click().run()
    assert at.radio(key="behaviour").value == "both"
    assert any("Rule `threshold_reach`" in line for line in health_lines(at))


SAMPLE_HISTORY = (ROOT / "plans" / "examples" / "sample_history.csv").read_bytes()
BAD_HISTORY = b"""rep_id,period,metric,actual
R1,2024-01,revenue,100
R1,2024-13,revenue,12x4
R2,2024-01,revnue,-5
"""


def upload_history(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="history_upload").set_value((name, data, "text/csv"))
    return at.run()


def test_history_upload_calibrates_a_team_and_runs_the_comparison_on_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import simulator.team.calibrate

    calls = []
    real = simulator.team.calibrate.calibrate

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs.get("name"))
        return real(*args, **kwargs)

    monkeypatch.setattr(simulator.team.calibrate, "calibrate", counting)
    at = start(plan_files=["baseline.yaml", "high_threshold.yaml"], page_tab="Team")
    before = [m.value for m in at.metric]
    upload_history(at, "sample_history.csv", SAMPLE_HISTORY)
    assert not at.exception and not at.error
    # the calibrated team joins the choices and is selected; the cards are its comparison
    assert at.selectbox(key="team_file").value == "calibrated:sample_history.csv"
    assert "Calibrated: sample_history.csv" in at.selectbox(key="team_file").options
    assert any("Calibrated from sample_history, 43 reps" in c.value for c in at.caption)
    assert [m.label for m in at.metric].count("Expected team sales / year") == 2
    assert [m.value for m in at.metric] != before
    # the fit: estimates with intervals, goodness-of-fit quantiles, seasonality, rep levels
    estimates = next(d.value for d in at.dataframe if "Estimate" in d.value.columns)
    row = estimates.set_index("Estimate").loc["Spread of rep levels (log-sd across reps)"]
    assert row["Value"] == "0.287" and row["95% interval"] == "0.227 to 0.362"
    goodness = next(d.value for d in at.dataframe if "observed" in d.value.columns)
    assert list(goodness["label"][:5]) == ["P10", "P25", "P50", "P75", "P90"]
    assert set(goodness["basis_title"]) == {"Actual / the rep's fitted expected revenue",
                                            "Actual / historic quota",
                                            "Team-wide period effect (the market)"}
    assert any("quantiles fit" in m.value for m in [*at.success, *at.warning])
    assert any("quota: {history: 1.07}" in m.value for m in at.markdown)
    titles = " ".join(str(c.proto.spec) for c in at.get("vega_lite_chart"))
    for title in ("Seasonality", "Goodness of fit", "Rep levels"):
        assert f'"text": "{title}"' in titles
    # cached by the file's bytes: another run (a chart option) does not fit again
    fits = len(calls)
    assert fits <= 1
    at.number_input(key="budget").set_value(3_000_000.0).run()
    assert len(calls) == fits


def test_bad_history_shows_line_numbered_errors_and_keeps_what_the_app_had() -> None:
    at = start(plan_files=["baseline.yaml"])
    default_cards = [m.value for m in at.metric]
    upload_history(at, "bad.csv", BAD_HISTORY)
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "bad.csv was not calibrated" in message.replace("*", "")
    assert "bad.csv: line 3: actual '12x4' is not a number" in message
    assert "bad.csv: line 4: unknown metric 'revnue' (did you mean 'revenue'?)" in message
    assert "bad.csv: line 4: actual -5 is negative" in message
    assert at.selectbox(key="team_file").value == "default.yaml"
    assert [m.value for m in at.metric] == default_cards

    upload_history(at, "sample_history.csv", SAMPLE_HISTORY)
    assert not at.error
    calibrated_cards = [m.value for m in at.metric]
    upload_history(at, "bad.csv", BAD_HISTORY)
    assert not at.exception
    assert "line 3: actual '12x4' is not a number" in " ".join(e.value for e in at.error)
    # the calibrated team it had is still chosen, and its results are still on the page
    assert at.selectbox(key="team_file").value == "calibrated:sample_history.csv"
    assert [m.value for m in at.metric] == calibrated_cards
    assert any("Calibrated from sample_history, 43 reps" in c.value for c in at.caption)


def test_calibrated_team_downloads_as_a_valid_team_file(downloads: dict[str, Any]) -> None:
    at = start(plan_files=["baseline.yaml"], page_tab="Team")
    upload_history(at, "sample_history.csv", SAMPLE_HISTORY)
    text = download(at, downloads, "team_yaml").decode("utf-8")
    team = team_from_dict(yaml.safe_load(text), "downloaded team")
    assert team.name == "Calibrated from sample_history"
    assert team.roster is not None and len(team.roster) == 43
    assert team.seasonality[11] > 1.1 > team.seasonality[7]  # December high, August low


def test_history_quotas_run_on_the_calibrated_team() -> None:
    at = start(plan_files=["baseline.yaml"], page_tab="Team")
    upload_history(at, "sample_history.csv", SAMPLE_HISTORY)
    at.selectbox(key=editor_key(at, "quota_kind", 0)).set_value("history").run()
    at.number_input(key=editor_key(at, "quota_pct", 0)).set_value(111.0).run()
    assert not at.exception and not at.error
    frame = table(at)
    assert list(frame["plan"]) == ["Baseline", "Baseline (edited)"]
    # quotas at the historic 1.11x each rep's fitted level (the file's own are 1.07x)
    # (31% of rep-months; a quarter averages out luck, so somewhat more rep-quarters)
    assert 0.2 < frame.iloc[1]["share_at_or_above_quota"] < 0.6
    # the plan the history was earned under becomes the team's incumbent (calibrate --plan)
    at.selectbox(key="history_plan").set_value("baseline.yaml").run()
    assert not at.exception and not at.error
    estimates = next(d.value for d in at.dataframe if "Estimate" in d.value.columns)
    row = estimates.set_index("Estimate").loc[
        "Plan the history was earned under (it defines normal effort)"]
    assert row["Value"] == "Baseline"
    assert any("Normal effort is set by the plan in force, 'Baseline'" in c.value
               for c in at.caption)


def test_the_cached_call_gets_the_edited_spec_and_returns_the_typed_comparison(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import simulator.results.comparison

    seen: list[tuple[list[Any], Any]] = []
    real = simulator.results.comparison.compare

    def recording(plans: Any, team: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append((list(plans), team))
        return real(plans, team, *args, **kwargs)

    monkeypatch.setattr(simulator.results.comparison, "compare", recording)
    at = start(plan_files=["baseline.yaml"], seed=515151)
    at.number_input(key=editor_key(at, "threshold", 0)).set_value(65.0).run()
    assert not at.exception and not at.error
    # the editor's spec goes in as it is: no YAML text, no second validation
    plans, team = seen[-1]
    assert all(isinstance(p, PlanSpec) for p in plans)
    assert [p.name for p in plans] == ["Baseline", "Baseline (edited)"]
    assert plans[1].measures[0].threshold == pytest.approx(0.65)
    assert isinstance(team, TeamSpec) and team.name == "Inside sales (default)"
    # what the cache returns is the typed comparison, health findings inside each plan
    runs, compared, kept_team = at.session_state["last_good"]
    assert [type(r) for r in runs] == [Comparison]
    assert runs[0].seed == 515151 and runs[0].trials == TRIALS
    assert [p.name for p in runs[0].plans] == compared.labels
    assert all(p.health for p in runs[0].plans)
    assert kept_team == team


def test_identical_requests_from_two_sessions_run_once_keyed_by_the_specs_json(
    baseline: PlanSpec, team: TeamSpec, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import simulator.results.comparison
    from ui.cache import spec_key
    from ui.serving import Request, service

    calls = []
    real = simulator.results.comparison.compare

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs.get("seed"))
        return real(*args, **kwargs)

    monkeypatch.setattr(simulator.results.comparison, "compare", counting)
    plans = (baseline, baseline.model_copy(update={"name": "Copy"}))
    key = spec_key(plans, team)
    files = ("baseline.yaml", "copy.yaml")
    request = Request(plans, team, key, files, 64, 616161, "adaptive", 0)
    shared = service()
    first = shared.submit(request.key, "session-a", request.work)
    again = shared.submit(request.key, "session-b", request.work)
    assert again is first and first.owners == {"session-a", "session-b"}
    result = first.future.result(timeout=600)
    assert isinstance(result, Comparison) and len(calls) == 1
    assert shared.finished(request.key) is result  # kept: asking again costs nothing
    assert shared.submit(request.key, "session-c", request.work).future.result() is result
    assert len(calls) == 1
    assert [p.file for p in result.plans] == list(files)
    assert result.plans[1].vs_first.sales_diff.mean == 0  # the same rules, the same luck
    # equal specs give equal keys; any change of a plan, the team or a setting another
    assert spec_key(tuple(p.model_copy() for p in plans), team) == key
    assert spec_key((baseline, baseline.model_copy(update={"announce_day": 20})), team) != key
    assert spec_key(plans, team.model_copy(update={"reps": 10})) != key
    assert spec_key(plans[::-1], team) != key
    assert replace(request, seed=1).key != request.key
    assert replace(request, draws=2).key != request.key


def test_the_effort_chart_marks_the_teams_minimum_effort() -> None:
    at = start(plan_files=["baseline.yaml"])
    team = "name: Keen team\nreps: 12\neffort: {minimum: 0.45}\n"
    at.file_uploader(key="team_upload").upload("keen.yaml", team.encode(), "text/yaml")
    at.run()
    assert not at.exception and not at.error
    assert any("Keen team, 12 reps" in c.value for c in at.caption)
    chart = next(c for c in at.get("vega_lite_chart") if "Who gives up" in c.proto.spec)
    lines = pd.concat([pa.ipc.open_stream(d.data.data).read_pandas()
                       for d in chart.proto.datasets if d.data.data])
    marks = lines.dropna(subset=["label"]).set_index("label")["y"]
    assert marks["minimum effort (gave up)"] == pytest.approx(0.45)
    assert marks["normal effort"] == 1.0


def test_an_upload_that_is_not_utf8_is_reported() -> None:
    at = start(plan_files=["baseline.yaml"])
    before = [m.value for m in at.metric]
    at.file_uploader(key="plan_uploads").upload("latin.yaml", "name: Café\n".encode("latin-1"),
                                                "text/yaml")
    at.run()
    assert not at.exception
    assert "latin.yaml: file is not UTF-8 text" in " ".join(e.value for e in at.error)
    assert [m.value for m in at.metric] == before


def test_page_formats() -> None:
    from simulator.results.summary import Difference
    from ui.format import cash, cash_interval, half_width, md, points, problem_list, slug

    assert cash(36_006_114) == "$36.01M" and cash(-250_000) == "-$250.0k"
    assert cash(1_200_000, signed=True) == "+$1.20M"
    # as many decimals as it takes to tell the ends apart
    assert cash_interval(1_205_000, 1_215_000) == "95% CI +$1.21M to +$1.22M"
    assert cash_interval(1_210_100, 1_210_900) == "95% CI +$1.210M to +$1.211M"
    assert cash_interval(-20_000, 30_000) == "95% CI -$20.0k to +$30.0k"
    assert half_width(Difference(5.0, 1_000.0, 9_200.0)) == "± $4,100 (95% CI, luck only)"
    assert points(0.032) == "+3.2 pp" and points(-0.458) == "-45.8 pp"
    assert md("a_b *c* [d]") == r"a\_b \*c\* \[d\]"
    assert problem_list("x.yaml: a\n\nx.yaml: `b`") == "- `x.yaml: a`\n- `x.yaml: 'b'`"
    assert slug("Baseline (edited)") == "baseline-edited" and slug("!!!") == "plan"


def test_the_team_tab_lists_a_rosters_terms_and_new_hires() -> None:
    at = start(team_file="growing.yaml", page_tab="Team", model_draws=0)
    assert not at.error, [e.value for e in at.error]
    assert any("4 reps have a start date (02 Nov 2026 to 16 Aug 2027); the simulated plan "
               "year is 2027" in c.value for c in at.caption)
    roster = next(d.value for d in at.dataframe if "Quota factor" in d.value.columns)
    assert len(roster) == 12 and roster["Start"].notna().sum() == 4
    assert list(roster["Target incentive / year"].dropna()) == [75_000, 75_000]
