"""Charts as image files (PNG for slides, SVG for print), rendered with vl-convert."""

from __future__ import annotations

import json
from typing import Any

import vl_convert as vlc


def chart_png(chart: Any, scale: float = 2.0) -> bytes:
    """A chart (Altair, or a Vega-Lite dict) as PNG bytes (`scale` 2: sharp, for slides)."""
    return bytes(vlc.vegalite_to_png(_json(chart), scale=scale))


def chart_svg(chart: Any) -> str:
    """A chart (Altair, or a Vega-Lite dict) as SVG text."""
    return str(vlc.vegalite_to_svg(_json(chart)))


def _json(chart: Any) -> str:
    return json.dumps(chart) if isinstance(chart, dict) else str(chart.to_json())
