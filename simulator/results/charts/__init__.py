"""Altair charts of a comparison and of a calibration: one look for the app and the exports.

Every chart is a pure function from small tidy frames to an `alt.Chart`; nothing here
simulates or imports streamlit. The frame builders aggregate first (histograms, deciles,
curve grids), so a chart never carries raw per-trial rows.

The modules, in the order they build on each other: `style` (palette, number formats,
the house look), `frames` (tidy frames of a comparison's typed results), `comparison`
(its charts), `calibration` (frames, the estimates table and charts of a fitted team),
`backtest` (each rep's pay of real results under each plan) and `render` (PNG and SVG
files). Every public name is re-exported here, so
``from simulator.results import charts; charts.distribution_chart(...)`` is the one way in.
"""

from simulator.results.charts.backtest import backtest_chart, backtest_frame
from simulator.results.charts.calibration import (
    ESTIMATE_COLUMNS,
    FIT_BASES,
    FITS,
    MISSES,
    estimate_text,
    estimates_frame,
    fit_quantile_chart,
    fit_quantile_frame,
    rep_level_chart,
    rep_level_frame,
    seasonal_chart,
    seasonal_frame,
)
from simulator.results.charts.comparison import (
    attainment_chart,
    decile_effort_chart,
    decile_sales_chart,
    distribution_chart,
    measure_attainment_chart,
    measure_curve_chart,
    payout_curve_chart,
    weekly_chart,
)
from simulator.results.charts.frames import (
    attainment_frame,
    decile_frame,
    distribution_frame,
    marker_frame,
    measure_frame,
    model_range_frame,
    payout_curve_frame,
    weekly_frame,
)
from simulator.results.charts.render import chart_png, chart_svg
from simulator.results.charts.sensitivity import (
    response_chart,
    response_frame,
    tornado_chart,
    tornado_frame,
)
from simulator.results.charts.style import (
    BEHAVIOUR_TITLES,
    CURRENCY,
    GRID,
    HEIGHT,
    INK,
    MONEY_AXIS,
    MONEY_TIP,
    MUTED,
    PALETTE,
    WIDTH,
    excel_money,
    money_axis,
    money_prefix,
    money_tip,
    money_title,
    money_unit,
    plan_colours,
)

__all__ = [
    "BEHAVIOUR_TITLES",
    "CURRENCY",
    "ESTIMATE_COLUMNS",
    "FITS",
    "FIT_BASES",
    "GRID",
    "HEIGHT",
    "INK",
    "MISSES",
    "MONEY_AXIS",
    "MONEY_TIP",
    "MUTED",
    "PALETTE",
    "WIDTH",
    "attainment_chart",
    "backtest_chart",
    "backtest_frame",
    "attainment_frame",
    "chart_png",
    "chart_svg",
    "decile_effort_chart",
    "decile_frame",
    "weekly_chart",
    "weekly_frame",
    "decile_sales_chart",
    "distribution_chart",
    "distribution_frame",
    "estimate_text",
    "estimates_frame",
    "excel_money",
    "fit_quantile_chart",
    "fit_quantile_frame",
    "marker_frame",
    "model_range_frame",
    "measure_attainment_chart",
    "measure_curve_chart",
    "measure_frame",
    "money_axis",
    "money_prefix",
    "money_tip",
    "money_title",
    "money_unit",
    "payout_curve_chart",
    "payout_curve_frame",
    "plan_colours",
    "rep_level_chart",
    "rep_level_frame",
    "seasonal_chart",
    "seasonal_frame",
    "response_chart",
    "response_frame",
    "tornado_chart",
    "tornado_frame",
]
