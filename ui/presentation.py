"""The presentation view: big type, one chart per screen, no controls, for a meeting room.

Reached with the sidebar toggle or `?view=present` in the address; the same cached
comparison as the results page, so switching views never runs the simulation again.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import streamlit as st

from ui.health import health_panel
from ui.results import ResultView, headline_cards, what_happens_notes
from ui.state import leave_presentation
from ui.widgets import show_chart

PRESENT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"], .st-key-hidden-editor
{display: none !important;}
.block-container {padding-top: 1.5rem; max-width: 1500px;}
[class*="st-key-slide-"] {min-height: 92vh; justify-content: center;
  border-bottom: 1px solid #E6E9EF; padding: 2rem 0;}
[class*="st-key-slide-"] h1 {font-size: 3.2rem;}
[class*="st-key-slide-"] h2 {font-size: 2.4rem;}
[class*="st-key-slide-"] [data-testid="stMetricValue"] p {font-size: 3rem; font-weight: 600;}
[class*="st-key-slide-"] [data-testid="stMetricLabel"] p {font-size: 1.2rem;}
[class*="st-key-slide-"] [data-testid="stMetricDelta"] div,
[class*="st-key-slide-"] [data-testid="stMetricDeltaDescription"] p {font-size: 1.1rem;}
[class*="st-key-slide-"] [data-testid="stMarkdownContainer"] li {font-size: 1.35rem;}
[class*="st-key-slide-"] [data-testid="stCaptionContainer"] p {font-size: 1.1rem;}
</style>
"""


def presentation_page(view: ResultView, budget: float | None) -> None:
    """The slides: cards, one chart each, what happens and (adaptive reps) plan health."""
    st.markdown(PRESENT_CSS, unsafe_allow_html=True)

    def chart(build: Callable[[], Any]) -> Callable[[], None]:
        return lambda: show_chart(build(), "", downloads=False)

    slides: list[tuple[str, Callable[[], None]]] = [
        ("Plans compared", lambda: headline_cards(view, large=True)),
        ("", chart(lambda: view.distribution("sales"))),
        ("", chart(lambda: view.distribution("payout", budget))),
        ("", chart(view.payout_curve)),
        ("", chart(view.decile_sales)),
        ("", chart(view.decile_effort)),
        ("", chart(view.attainment)),
        ("", chart(view.measures)),
        ("What happens", lambda: what_happens_notes(view)),
    ]
    if "adaptive" in view.modes:
        slides.append(("Plan health", lambda: health_panel(view.runs, view.labels,
                                                           view.colours, large=True)))
    for i, (title, body) in enumerate(slides):
        with st.container(key=f"slide-{i}"):
            if i == 0:
                st.title(title)
                st.markdown(f"<p style='color:#8A8D99'>{html.escape(view.subtitle)}</p>",
                            unsafe_allow_html=True)
            elif title:
                st.header(title)
            body()
    st.button("Leave presentation view", on_click=leave_presentation, type="tertiary",
              icon=":material/close_fullscreen:")
