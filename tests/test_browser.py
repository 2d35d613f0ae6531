"""End to end in a real browser: `streamlit run app.py`, driven by Debian's Chromium.

app.py lays out the page modules of `ui/` (sidebar, results, health, presentation, the
Team tab's fit); the server runs from the checkout, so `ui` and `simulator` are the ones
beside app.py.

Skipped when /usr/bin/chromium is missing, except under CI (CI=true), where a missing
browser is a failure. Screenshots go to artifacts/ (gitignored) for a human to look at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import load_script

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
RENDER_MS = 90_000


def _require_browser() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing (apt-get install chromium chromium-driver)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message}; the browser test must run in CI", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A `streamlit run app.py` on a free localhost port, stopped when the module is done.

    Started as the load test starts it (`scripts/load_test.py`).
    """
    _require_browser()
    ARTIFACTS.mkdir(exist_ok=True)
    load_test = load_script("load_test")
    try:
        process, url = load_test.start_server(ARTIFACTS / "streamlit.log")
    except RuntimeError as error:
        pytest.fail(str(error))
    yield url
    load_test.stop_server(process)


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _wait_for_charts(page: object, count: int) -> None:
    page.wait_for_function(  # type: ignore[attr-defined]
        f"document.querySelectorAll('.vega-embed canvas, .vega-embed svg.marks').length >= "
        f"{count}",
        timeout=RENDER_MS,
    )


def _wait_until_settled(page: object) -> None:
    """Until the script run is over: no running indicator, no element of an earlier run.

    While Streamlit reruns, the previous run's elements stay on the page (stale) until the
    new ones replace them; reading the page then would count both.
    """
    page.wait_for_function(  # type: ignore[attr-defined]
        "!document.querySelector('[data-testid=\"stStatusWidgetRunningIcon\"]')"
        " && !document.querySelector('[data-stale=\"true\"]')",
        timeout=RENDER_MS,
    )


def test_comparison_renders_cards_and_charts(server: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 1500, "height": 1000})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server)
    page.wait_for_selector("[data-testid='stMetric']", timeout=RENDER_MS)
    # run a comparison of three plans with a small trial count
    trials = page.get_by_role("spinbutton", name="Simulated plan years")
    trials.fill("500")
    trials.press("Enter")
    picker = page.get_by_test_id("stSidebarUserContent").get_by_test_id("stMultiSelect")
    picker.click()
    page.get_by_role("option", name="High threshold").click()
    page.keyboard.press("Escape")
    page.wait_for_function(
        "[...document.querySelectorAll('[data-testid=\"stMetricLabel\"]')]"
        ".filter(e => e.innerText.includes('Expected team sales')).length === 3",
        timeout=RENDER_MS,
    )
    page.wait_for_function(
        "[...document.querySelectorAll('[data-testid=\"stCaptionContainer\"]')]"
        ".some(e => e.innerText.includes('500 simulated plan years'))",
        timeout=RENDER_MS,
    )
    _wait_for_charts(page, 6)
    _wait_until_settled(page)
    page.wait_for_timeout(1000)  # let the last charts paint

    cards = page.get_by_test_id("stMetricValue")
    values = cards.all_inner_texts()
    assert len(values) == 12
    assert all(v.startswith("$") or v.endswith("%") for v in values)
    assert page.get_by_text("High threshold").first.is_visible()
    # the health panel reads the findings inside each typed plan result
    assert page.get_by_role("heading", name="Plan health").count() == 1
    assert page.get_by_text("Rule threshold_reach").count() >= 1
    assert not page.get_by_test_id("stException").count()
    assert not errors, errors

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "app.png"))
    page.set_viewport_size({"width": 1500, "height": 4200})
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / "app-full.png"))
    page.close()


def test_presentation_view(server: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 1600, "height": 900})  # type: ignore[attr-defined]
    page.goto(f"{server}/?view=present")
    page.get_by_role("heading", name="Which plan?").wait_for(timeout=RENDER_MS)
    _wait_for_charts(page, 6)
    _wait_until_settled(page)
    assert not page.get_by_test_id("stSidebar").is_visible()
    assert not page.get_by_role("tab").count()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "presentation.png"))
    page.close()


def test_history_upload_fits_a_team_and_shows_health(server: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 1500, "height": 1000})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server)
    page.wait_for_selector("[data-testid='stMetric']", timeout=RENDER_MS)
    trials = page.get_by_role("spinbutton", name="Simulated plan years")
    trials.fill("500")
    trials.press("Enter")
    uploader = page.get_by_test_id("stFileUploader").filter(
        has_text="Or fit a team to your history")
    uploader.locator("input[type=file]").set_input_files(
        str(ROOT / "plans" / "examples" / "sample_history.csv"))
    page.wait_for_function(
        "[...document.querySelectorAll('[data-testid=\"stCaptionContainer\"]')]"
        ".some(e => e.innerText.includes('Calibrated from sample_history, 43 reps')"
        " && e.innerText.includes('500 simulated plan years'))",
        timeout=RENDER_MS,
    )
    team = page.get_by_role("combobox", name="Team", exact=True)
    assert team.input_value() == "Calibrated: sample_history.csv"
    assert page.get_by_role("heading", name="Plan health").count() == 1
    page.get_by_role("tab", name="Team").click()
    page.get_by_role("heading", name="Calibrated from sample_history").wait_for(
        timeout=RENDER_MS)
    page.get_by_text("quantiles fit").first.wait_for(timeout=RENDER_MS)
    _wait_for_charts(page, 9)  # the results' charts and the fit's three
    _wait_until_settled(page)
    page.wait_for_timeout(1000)
    assert not page.get_by_test_id("stException").count()
    assert not errors, errors
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1500, "height": 3000})
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / "team-fit.png"))
    page.close()


def test_sensitivity_page_sweeps_the_threshold(server: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 1500, "height": 1000})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server)
    page.wait_for_selector("[data-testid='stMetric']", timeout=RENDER_MS)
    _wait_until_settled(page)
    page.get_by_role("tab", name="Sensitivity").click()
    page.get_by_role("button", name="Run the sweep").click()
    # the baseline's threshold over five points: the points' CSV, the curves and the tornado
    page.get_by_role("button", name="Points (CSV)").wait_for(timeout=RENDER_MS)
    _wait_until_settled(page)
    page.wait_for_function(
        "[...document.querySelectorAll('.vega-embed')].filter(e => e.offsetParent !== null)"
        ".length >= 2", timeout=RENDER_MS)
    page.wait_for_timeout(1000)
    assert not page.get_by_test_id("stException").count()
    assert not errors, errors
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1500, "height": 2200})
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / "sensitivity.png"))
    page.close()


# -- finance and the boardroom: saved scenarios, links, labels at common widths ------------

CUT_TEXT_JS = """
() => {
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  const hiddenSidebar = !sidebar || getComputedStyle(sidebar).display === 'none';
  const out = [];
  for (const el of document.querySelectorAll('.stApp *')) {
    if (hiddenSidebar && sidebar && sidebar.contains(el)) continue;
    if (!el.innerText || !el.innerText.trim()) continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 2 || box.height <= 2) continue;  // visually hidden (skip links)
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const clips = ['hidden', 'clip'].includes(style.overflowX)
      || style.textOverflow === 'ellipsis';
    if (clips && el.scrollWidth > el.clientWidth + 1) {
      out.push(`${el.tagName} "${el.innerText.slice(0, 40)}" `
               + `${el.scrollWidth} > ${el.clientWidth}`);
    }
  }
  return out;
}
"""


def _metric_texts(page: object) -> list[str]:
    return page.get_by_test_id("stMetricValue").all_inner_texts()  # type: ignore[attr-defined]


def test_a_saved_scenario_opens_from_its_link_in_a_fresh_browser(
        server: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 1500, "height": 1000})  # type: ignore[attr-defined]
    page.goto(server)
    page.wait_for_selector("[data-testid='stMetric']", timeout=RENDER_MS)
    for name, value in (("Simulated plan years", "400"), ("Behaviour-model draws", "2")):
        box = page.get_by_role("spinbutton", name=name)
        box.fill(value)
        box.press("Enter")
        _wait_until_settled(page)
    budget = page.get_by_role("spinbutton", name="Incentive budget per year ($)")
    budget.fill("4000000")
    budget.press("Enter")
    _wait_until_settled(page)  # a rerun redraws the picker and closes an open list
    page.get_by_test_id("stSidebarUserContent").get_by_test_id("stMultiSelect").click()
    page.get_by_role("option", name="Capped, low quota").click()
    page.keyboard.press("Escape")
    page.wait_for_function(
        "[...document.querySelectorAll('[data-testid=\"stMarkdownContainer\"]')]"
        ".some(e => e.innerText.includes('Capped, low quota') && e.innerText.includes("
        "'exceeds $4.00M'))", timeout=RENDER_MS)
    _wait_until_settled(page)
    figures = _metric_texts(page)
    assert len(figures) == 12
    name = page.get_by_role("textbox", name="Save this comparison as")
    name.fill("Board options")
    name.press("Enter")
    _wait_until_settled(page)
    page.get_by_role("button", name="Save scenario").click()
    page.wait_for_url("**scenario=*", timeout=RENDER_MS)
    _wait_until_settled(page)
    link = page.url
    page.close()

    context = browser.new_context(viewport={"width": 1500, "height": 1000})  # type: ignore[attr-defined]
    fresh = context.new_page()
    fresh.goto(link)
    fresh.wait_for_function(
        "document.querySelectorAll('[data-testid=\"stMetricValue\"]').length === 12",
        timeout=RENDER_MS)
    _wait_until_settled(fresh)
    assert _metric_texts(fresh) == figures
    assert fresh.get_by_role("spinbutton", name="Incentive budget per year ($)"
                             ).input_value() == "4000000"
    assert fresh.get_by_text("Capped, low quota").first.is_visible()
    assert fresh.get_by_text("byte for byte").first.is_visible()
    fresh.screenshot(path=str(ARTIFACTS / "scenario-opened.png"))
    fresh.goto(f"{link}&view=present")
    fresh.get_by_role("heading", name="Which plan?").wait_for(timeout=RENDER_MS)
    _wait_for_charts(fresh, 6)
    _wait_until_settled(fresh)
    assert fresh.get_by_text("within a $4.00M incentive budget").first.is_visible()
    fresh.wait_for_timeout(1000)
    fresh.set_viewport_size({"width": 1600, "height": 900 * 5})
    fresh.wait_for_timeout(1500)
    fresh.screenshot(path=str(ARTIFACTS / "presentation-scenario.png"))
    context.close()


@pytest.mark.parametrize("width", [1280, 1920])
def test_no_label_is_cut_at_common_widths(server: str, browser: object, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 1000})  # type: ignore[attr-defined]
    page.goto(server)
    page.wait_for_selector("[data-testid='stMetric']", timeout=RENDER_MS)
    _wait_for_charts(page, 6)
    _wait_until_settled(page)
    cut = {"Results": page.evaluate(CUT_TEXT_JS)}
    for tab in ("Plan editor", "Plans", "Team", "Scenarios", "Sensitivity"):
        page.get_by_role("tab", name=tab).click()
        page.wait_for_timeout(800)
        cut[tab] = page.evaluate(CUT_TEXT_JS)
    page.screenshot(path=str(ARTIFACTS / f"editor-{width}.png"))
    page.goto(f"{server}/?view=present")
    page.get_by_role("heading", name="Which plan?").wait_for(timeout=RENDER_MS)
    _wait_until_settled(page)
    cut["Presentation"] = page.evaluate(CUT_TEXT_JS)
    page.close()
    assert not {view: texts for view, texts in cut.items() if texts}
