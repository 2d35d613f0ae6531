"""Page elements every page uses: a plan's coloured heading, a chart with its downloads."""

from __future__ import annotations

import html
from typing import Any

import streamlit as st

from simulator.results import charts


def plan_heading(label: str, colour: str, size: str = "1.05rem") -> None:
    """A plan's name after a dot in its chart colour."""
    st.markdown(
        f"<div style='font-size:{size};font-weight:600;margin-bottom:.2rem'>"
        f"<span style='color:{colour}'>&#9679;</span> {html.escape(label)}</div>",
        unsafe_allow_html=True,
    )


def chart_downloads(chart: Any, name: str) -> None:
    """PNG and SVG downloads of a chart, rendered only when clicked."""
    row = st.container(horizontal=True, gap="small")
    row.download_button("PNG", data=lambda: charts.chart_png(chart), file_name=f"{name}.png",
                        mime="image/png", key=f"png_{name}", icon=":material/image:",
                        help="The chart as a PNG image (2x, for slides).", on_click="ignore")
    row.download_button("SVG", data=lambda: charts.chart_svg(chart), file_name=f"{name}.svg",
                        mime="image/svg+xml", key=f"svg_{name}", icon=":material/draw:",
                        help="The chart as an SVG vector image.", on_click="ignore")


def show_chart(chart: Any, name: str, downloads: bool = True) -> None:
    """A chart across the column, with PNG and SVG downloads named `name` unless told not.

    chart: an Altair chart, or a Vega-Lite spec (a dict) built elsewhere.
    """
    if isinstance(chart, dict):
        st.vega_lite_chart(chart, width="stretch")
    else:
        st.altair_chart(chart, width="stretch")
    if downloads:
        chart_downloads(chart, name)
