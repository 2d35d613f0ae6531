"""The results page's charts, built away from the server: Vega-Lite specs by name.

`PageCharts` builds each chart of a results page from the comparisons of one lineup (one
per behaviour mode). `page_specs` builds them all as plain Vega-Lite dicts (data inline,
not validated again: the chart functions build valid specs), so the app can build them
in a worker process and the server only sends them: building and validating the Altair
objects is most of a page's work, and the server serves every session from one thread
of Python at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import altair as alt

from simulator.plan.spec import PlanSpec
from simulator.results import tables
from simulator.results.charts import comparison as chart
from simulator.results.charts import frames
from simulator.results.charts.style import plan_colours
from simulator.results.comparison import Comparison


class PageCharts:
    """The charts of the comparisons on a page (one per behaviour mode).

    runs: the comparisons of the same plans, adaptive first; labels: the plans' unique
    names in plan order; specs: the plans as compared (the first currency one states is the
    page's: every money axis and tooltip names it); minimum_effort: the team's (the effort
    chart marks it); large: the presentation view's sizes.
    """

    def __init__(self, runs: Sequence[Comparison], labels: list[str],
                 specs: list[PlanSpec], minimum_effort: float, large: bool = False):
        self.runs, self.labels, self.specs, self.large = list(runs), labels, specs, large
        self.first = self.runs[0]
        self.minimum_effort = float(minimum_effort)
        self.colours = plan_colours(labels)
        self.currency = next((s.currency for s in specs if s.currency), None)  # one, or none
        first = self.first
        self.subtitle = (f"{first.team}, {first.reps} reps · {first.trials:,} simulated "
                         f"plan years · seed {first.seed}")
        self.rows = tables.result_rows(self.runs, labels)
        self.modes = [run.behavior for run in self.runs]

    @property
    def budget(self) -> float | None:
        """The incentive budget the runs are held against (None: none given)."""
        return self.first.budget

    def distribution(self, what: str, budget: float | None = None) -> Any:
        """Sales or payout ("sales", "payout") per simulated year, P50 and P90 marked."""
        samples = [(label, mode, p.trial_sales if what == "sales" else p.trial_payout)
                   for label, mode, p in self.rows]
        markers = frames.marker_frame([(label, mode, p.sales if what == "sales" else p.payout)
                                       for label, mode, p in self.rows])
        return chart.distribution_chart(frames.distribution_frame(samples), markers,
                                        self.colours, what, budget=budget,
                                        subtitle=self.subtitle, large=self.large,
                                        ranges=frames.model_range_frame(self.rows, what),
                                        currency=self.currency)

    def payout_curve(self) -> Any:
        """What a rep earns at a given attainment of every measure, plans overlaid."""
        return chart.payout_curve_chart(self._curves(), self.colours, large=self.large,
                                        currency=self.currency)

    def measure_curves(self) -> Any:
        """The payout curve of every measure, one panel each."""
        return chart.measure_curve_chart(self._curves(), self.colours, large=self.large)

    def decile_sales(self) -> Any:
        """Sales per rep by productivity decile."""
        return chart.decile_sales_chart(frames.decile_frame(self.rows), self.colours,
                                        large=self.large, currency=self.currency)

    def decile_effort(self) -> Any:
        """Effort by productivity decile, normal and minimum effort (the team's) marked."""
        return chart.decile_effort_chart(frames.decile_frame(self.rows), self.colours,
                                         minimum_effort=self.minimum_effort,
                                         large=self.large)

    def weekly(self, what: str = "bookings") -> Any:
        """Team bookings (or effort) week by week: the quarter-end push, the year-end spike."""
        return chart.weekly_chart(frames.weekly_frame(self.rows), self.colours, what,
                                  large=self.large, currency=self.currency)

    def measures(self) -> Any:
        """Mean attainment of every measure; faint bars are measures reps ignore."""
        return chart.measure_attainment_chart(frames.measure_frame(self.rows), self.colours,
                                              large=self.large, currency=self.currency)

    def attainment(self) -> Any:
        """Primary-measure attainment over rep-periods, plans overlaid."""
        return chart.attainment_chart(frames.attainment_frame(self.rows), self.colours,
                                      large=self.large)

    def _curves(self) -> Any:
        return frames.payout_curve_frame(list(zip(self.labels, self.specs, strict=True)))

    def named(self) -> dict[str, Callable[[], Any]]:
        """Every chart of the page by its file name (downloads are named after it)."""
        return {
            "team-sales": lambda: self.distribution("sales"),
            "incentive-payout": lambda: self.distribution("payout", self.budget),
            "payout-curves": self.payout_curve,
            "measure-attainment": self.measures,
            "measure-payout-curves": self.measure_curves,
            "sales-by-decile": self.decile_sales,
            "effort-by-decile": self.decile_effort,
            "quota-attainment": self.attainment,
            "weekly-bookings": lambda: self.weekly("bookings"),
            "weekly-effort": lambda: self.weekly("effort"),
        }


def spec_of(altair_chart: Any) -> dict[str, Any]:
    """An Altair chart as a Vega-Lite dict, its data inline (the chart's own rows only).

    Without altair's default theme, as Streamlit converts a chart: its fixed 300-pixel
    view width would also cap the width of the chart's title and subtitle.
    """
    with alt.theme.enable("none"), alt.data_transformers.disable_max_rows():
        spec: dict[str, Any] = altair_chart.to_dict(validate=False)
    return spec


def page_specs(runs: Sequence[Comparison], labels: list[str], specs: list[PlanSpec],
               minimum_effort: float, large: bool) -> dict[str, dict[str, Any]]:
    """Every chart of the page (`PageCharts.named`) as a Vega-Lite dict, by name.

    Run in a worker process: it changes altair's data transformer (a global) while it works.
    """
    page = PageCharts(runs, labels, specs, minimum_effort, large)
    return {name: spec_of(build()) for name, build in page.named().items()}


def preview_spec(pair: Sequence[tuple[str, PlanSpec]], colours: dict[str, str]) -> dict[str, Any]:
    """The plan editor's preview: the edited plan's payout curve against its source's.

    Money in the first currency the plans state (None: "$").
    """
    return spec_of(chart.payout_curve_chart(
        frames.payout_curve_frame(list(pair)), colours,
        subtitle="The edited plan against the plan it started from",
        currency=next((p.currency for _, p in pair if p.currency), None)))
