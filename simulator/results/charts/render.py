"""Charts as image files (PNG for slides, SVG for print), rendered with vl-convert."""

from __future__ import annotations

from typing import Any

import vl_convert as vlc


def chart_png(chart: Any, scale: float = 2.0) -> bytes:
    """A chart as PNG bytes (vl-convert; `scale` 2 gives a sharp image for slides)."""
    return bytes(vlc.vegalite_to_png(chart.to_json(), scale=scale))


def chart_svg(chart: Any) -> str:
    """A chart as SVG text (vl-convert)."""
    return str(vlc.vegalite_to_svg(chart.to_json()))
