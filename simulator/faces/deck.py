"""The boardroom deck: a comparison as slides, in PowerPoint (python-pptx) and PDF (fpdf2).

One list of `Slide`s, built once from the typed comparison, is written by both writers, so
the .pptx and the .pdf say the same thing: the title; the question and the answer in one
sentence per plan (robust or fragile when behaviour-model draws exist); the sales and cost
charts (PNG, rendered by vl-convert); the headline table; the budget; what happens and
plan health in a few lines; the assumptions.

Why fpdf2 for the PDF: it is pure Python and small, embeds the same PNGs and writes the
slides' text as real text (searchable, selectable), where img2pdf could only place images
(the text slides would have to be drawn as pictures first) and reportlab is a much larger
toolkit for the same few calls. Its core fonts are Latin-1, so text goes through `latin1`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from simulator.results import charts
from simulator.results.comparison import Comparison
from simulator.results.health import by_status
from simulator.results.report import money, percent, what_happens
from simulator.results.summary import PlanResult
from simulator.team.spec import TeamSpec

WIDTH_IN, HEIGHT_IN = 13.333, 7.5  # 16:9
INK_RGB = (0x31, 0x33, 0x3F)
MUTED_RGB = (0x8A, 0x8D, 0x99)


@dataclass(frozen=True)
class Slide:
    """One slide: a title and one body (lines of text, an image, or a table)."""

    title: str
    lines: tuple[str, ...] = ()
    image: bytes | None = None  # PNG
    table: tuple[tuple[str, ...], ...] = ()  # header row first
    subtitle: str = ""
    kind: str = "text"  # title, text, image, table
    notes: tuple[str, ...] = field(default=())


def cash(value: float, signed: bool = False, currency: str | None = None) -> str:
    """Money as the slides show it: $41.25M, +$950.0k; EUR 41.25M in a plan's currency.

    currency: the plans' ISO code (`Comparison.currency`); None or USD show "$".
    """
    sign = "-" if value < 0 else ("+" if signed else "")
    return f"{sign}{charts.money_prefix(currency)}{money(abs(value))}"


def plan_sentence(run: Comparison, p: PlanResult) -> str:
    """The answer for one plan in one sentence, against the reference plan."""
    ref, unit = run.reference, run.currency
    budget = ""
    if p.budget is not None:
        budget = (f"; {percent(p.budget.chance_above)} chance of exceeding the "
                  f"{cash(p.budget.amount, currency=unit)} budget")
    if p is ref:
        return (f"{p.name} (the reference) sells {cash(p.sales.mean, currency=unit)} a year "
                f"and pays {cash(p.payout.mean, currency=unit)} in incentives "
                f"({percent(p.cost_of_sales.incentive, 1)} of sales){budget}.")
    sd, pd_ = p.vs_first.sales_diff, p.vs_first.payout_diff
    change = sd.mean / ref.sales.mean if ref.sales.mean else 0.0
    spread = p.model_range.vs_first.sales_diff if p.model_range else None
    if spread is not None and spread.same_sign_share is not None and run.draws:
        held = round(spread.same_sign_share * run.draws)
        word = "more" if sd.mean > 0 else "less"
        sales = (f"sells {cash(abs(sd.mean), currency=unit)} {word} than {ref.name} "
                 f"({change:+.1%}), "
                 + (f"robust: in {held} of {run.draws} behaviour-model draws"
                    if spread.robust else
                    f"but fragile: only in {held} of {run.draws} behaviour-model draws, so "
                    "the answer rests on the model"))
    elif sd.excludes_zero:
        word = "more" if sd.mean > 0 else "less"
        sales = (f"sells {cash(abs(sd.mean), currency=unit)} {word} than {ref.name} "
                 f"({change:+.1%})")
    else:
        sales = f"sells about what {ref.name} sells (no difference beyond luck)"
    pays = "more" if pd_.mean > 0 else "less"
    return f"{p.name} {sales}, and pays {cash(abs(pd_.mean), currency=unit)} {pays}{budget}."


def _chart_png(run_rows: list[tuple[str, str, PlanResult]], colours: dict[str, str],
               what: str, budget: float | None, subtitle: str,
               currency: str | None = None) -> bytes:
    samples = [(label, mode, p.trial_sales if what == "sales" else p.trial_payout)
               for label, mode, p in run_rows]
    markers = charts.marker_frame([(label, mode, p.sales if what == "sales" else p.payout)
                                   for label, mode, p in run_rows])
    chart = charts.distribution_chart(
        charts.distribution_frame(samples), markers, colours, what, budget=budget,
        subtitle=subtitle, large=True, ranges=charts.model_range_frame(run_rows, what),
        currency=currency)
    return charts.chart_png(chart, scale=1.5)


def headline_table(run: Comparison) -> tuple[tuple[str, ...], ...]:
    """The headline figures, one row per plan."""
    header: tuple[str, ...] = ("Plan", "Sales / year", "vs reference", "Payout / year",
                               "Payout P90", "Cost of sales", "At quota")
    if run.budget is not None:
        header += ("Over budget",)
    rows, unit = [header], run.currency
    for i, p in enumerate(run.plans):
        row: tuple[str, ...] = (p.name, cash(p.sales.mean, currency=unit),
               "reference" if i == 0 else cash(p.vs_first.sales_diff.mean, True, unit),
               cash(p.payout.mean, currency=unit), cash(p.payout.p90, currency=unit),
               percent(p.cost_of_sales.incentive, 1),
               percent(p.quota_attainment.share_at_or_above))
        if p.budget is not None:
            row += (percent(p.budget.chance_above),)
        rows.append(row)
    return tuple(rows)


def budget_slide(run: Comparison) -> Slide:
    """The budget: each plan's chance to exceed it and the expected overrun."""
    unit = run.currency
    if run.budget is None:
        rows: list[tuple[str, ...]] = [("Plan", "Payout P50", "Payout P90", "Payout P95")]
        rows += [(p.name, *(cash(v, currency=unit) for v in (p.payout.p50, p.payout.p90,
                                                              p.payout.p95)))
                 for p in run.plans]
        return Slide("The budget", table=tuple(rows), kind="table",
                     subtitle="No budget was given: what a year's incentive payout can reach")
    header: tuple[str, ...] = ("Plan", "Chance a year exceeds it", "Expected overrun / year",
                               "Payout P90")
    drawn = run.draws is not None
    if drawn:
        header = (*header[:2], "Across model draws", *header[2:])
    rows = [header]
    for p in run.plans:
        b = p.budget
        assert b is not None  # noqa: S101 - with_budget sets every plan's
        row = [p.name, percent(b.chance_above, 1)]
        if drawn:
            row.append(percent(b.model_chance_above or 0.0, 1))
        row += [cash(b.expected_overrun, currency=unit), cash(p.payout.p90, currency=unit)]
        rows.append(tuple(row))
    return Slide(f"The budget: {cash(run.budget, currency=unit)} a year", table=tuple(rows),
                 kind="table",
                 subtitle="Years vary with luck and the market; expected overrun counts a "
                 "year within budget as zero")


def happens_lines(run: Comparison) -> tuple[str, ...]:
    """What happens and plan health, two lines at most per plan."""
    lines = []
    for p in run.plans:
        notes = what_happens(p, run.reference)
        issues = [f for f in by_status(p.health) if f.status != "ok"]
        text = notes[0] if notes else "reps keep working; few give up or hit a cap"
        line = f"{p.name}: {text[:1].upper()}{text[1:]}"
        if issues:
            worst = issues[0]
            more = f" (+{len(issues) - 1} more)" if len(issues) > 1 else ""
            line += f" Health {worst.status}: {worst.message}{more}."
        elif p.health:
            line += " Health: meets every rule of practice."
        lines.append(line)
    return tuple(lines)


def assumptions(runs: Sequence[Comparison], team: TeamSpec) -> tuple[str, ...]:
    """What the figures rest on."""
    run = runs[0]
    lines = [
        f"Team: {run.team}, {run.reps} reps; behaviour: {' and '.join(r.behavior for r in runs)}",
        f"{run.trials:,} simulated plan years, seed {run.seed}; every plan meets the same reps "
        "and the same luck (common random numbers)",
        f"Normal effort: {run.normal_effort}",
        "Years vary with each rep's luck and the market's shocks; 95% intervals of "
        "differences cover that luck only",
    ]
    if run.draws:
        ranges = ", ".join(f"{k.replace('_', ' ')} {v[0]:g}-{v[1]:g}"
                           for k, v in (run.model_ranges or {}).items())
        lines.append(f"Model ranges: P10-P90 over {run.draws} behaviour-parameter draws of "
                     f"{run.draw_trials:,} plan years ({ranges}); robust = the sign holds in "
                     "at least 90% of draws")
    else:
        lines.append("No behaviour-model draws: every figure rests on one set of behaviour "
                     "parameters")
    if run.budget is not None:
        lines.append(f"Incentive budget: {cash(run.budget, currency=run.currency)} per plan "
                     "year")
    lines.append(f"Money is per plan year, incentive only unless said (base salaries "
                 f"{cash(run.plans[0].base_salaries, currency=run.currency)} a year); "
                 f"{team.size} reps")
    return tuple(lines)


def deck_slides(runs: Sequence[Comparison], team: TeamSpec, title: str = "Which incentive plan?"
                ) -> list[Slide]:
    """The deck's slides, from the comparisons of one scenario (adaptive first)."""
    run = runs[0]
    labels = [p.name for p in run.plans]
    colours = charts.plan_colours(labels)
    rows = [(p.name, r.behavior, p) for r in runs for p in r.plans]
    subtitle = (f"{run.team}, {run.reps} reps · {run.trials:,} simulated plan years · "
                f"seed {run.seed}")
    budget = (f" within a {cash(run.budget, currency=run.currency)} incentive budget"
              if run.budget else "")
    question = (f"Of {len(labels)} plan designs, which sells the most for what it "
                f"costs{budget}?" if len(labels) > 1 else
                f"What will {labels[0]} sell, and what will it cost{budget}?")
    return [
        Slide(title, lines=(", ".join(labels),), subtitle=f"{subtitle} · {date.today():%d %B %Y}",
              kind="title"),
        Slide("The question and the answer", lines=(question, *(plan_sentence(run, p)
                                                                for p in run.plans))),
        Slide("Sales: how much will the team sell?", kind="image",
              image=_chart_png(rows, colours, "sales", None, subtitle, run.currency)),
        Slide("Cost: what will the incentive plan pay out?", kind="image",
              image=_chart_png(rows, colours, "payout", run.budget, subtitle, run.currency)),
        Slide("The plans side by side", table=headline_table(run), kind="table",
              subtitle="Money per plan year; the first plan is the reference"),
        budget_slide(run),
        Slide("What happens, and plan health", lines=happens_lines(run)),
        Slide("Assumptions", lines=assumptions(runs, team)),
    ]


def text_size(lines: Sequence[str]) -> int:
    """Points of a text slide's type: smaller as the text grows, so it fits one slide."""
    chars = sum(len(line) + 60 for line in lines)  # a line's break costs about 60 characters
    return 20 if chars < 900 else 17 if chars < 1300 else 14


# -- PowerPoint ------------------------------------------------------------------------------

def deck_pptx(slides: Sequence[Slide]) -> bytes:
    """The slides as a .pptx (16:9): a title placeholder on every slide, then its body."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(WIDTH_IN), Inches(HEIGHT_IN)
    ink, muted = RGBColor(*INK_RGB), RGBColor(*MUTED_RGB)

    def text_box(slide, left, top, width, height, lines, size, colour, bold_first=False):  # type: ignore[no-untyped-def]
        frame = slide.shapes.add_textbox(left, top, width, height).text_frame
        frame.word_wrap = True
        for k, line in enumerate(lines):
            para = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
            para.text = line
            para.font.size, para.font.color.rgb = Pt(size), colour
            para.font.bold = bold_first and k == 0
            para.space_after = Pt(size * 0.6)

    for s in slides:
        layout = deck.slide_layouts[0 if s.kind == "title" else 5]
        slide = deck.slides.add_slide(layout)
        title = slide.shapes.title
        title.text = s.title
        if s.kind == "title":
            title.text_frame.paragraphs[0].font.size = Pt(44)
            sub = slide.placeholders[1]
            sub.text = "\n".join([*s.lines, s.subtitle])
            continue
        title.left, title.top = Inches(0.5), Inches(0.3)
        title.width, title.height = Inches(WIDTH_IN - 1), Inches(1.0)
        para = title.text_frame.paragraphs[0]
        para.font.size, para.font.bold, para.font.color.rgb = Pt(32), True, ink
        top = Inches(1.3)
        if s.subtitle:
            text_box(slide, Inches(0.5), Inches(1.1), Inches(WIDTH_IN - 1), Inches(0.5),
                     [s.subtitle], 14, muted)
            top = Inches(1.7)
        if s.kind == "image" and s.image is not None:
            picture = slide.shapes.add_picture(io.BytesIO(s.image), Inches(0.5), top,
                                               height=Inches(HEIGHT_IN) - top - Inches(0.3))
            if picture.width > Inches(WIDTH_IN - 1):  # keep the aspect, fit the width
                ratio = Inches(WIDTH_IN - 1) / picture.width
                picture.width = int(picture.width * ratio)
                picture.height = int(picture.height * ratio)
            picture.left = int((Inches(WIDTH_IN) - picture.width) / 2)
        elif s.kind == "table":
            n_rows, n_cols = len(s.table), len(s.table[0])
            shape = slide.shapes.add_table(n_rows, n_cols, Inches(0.5), top,
                                           Inches(WIDTH_IN - 1), Inches(0.5) * n_rows)
            size = 16 if n_rows <= 5 else 14
            first = Inches(2.6)
            shape.table.columns[0].width = first
            for j in range(1, n_cols):
                shape.table.columns[j].width = int((Inches(WIDTH_IN - 1) - first) / (n_cols - 1))
            for i, row in enumerate(s.table):
                for j, value in enumerate(row):
                    cell = shape.table.cell(i, j)
                    cell.text = value
                    para = cell.text_frame.paragraphs[0]
                    para.font.size, para.font.bold = Pt(size), i == 0
        else:
            size = text_size(s.lines)
            text_box(slide, Inches(0.6), top, Inches(WIDTH_IN - 1.2),
                     Inches(HEIGHT_IN) - top - Inches(0.3), list(s.lines), size, ink,
                     bold_first=s.title.startswith("The question"))
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


# -- PDF -------------------------------------------------------------------------------------

_LATIN1 = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2265": ">=",
                         "\u2264": "<=", "\u2026": "...", "\u2018": "'", "\u2019": "'",
                         "\u201c": '"', "\u201d": '"', "\u2248": "~"})


def latin1(text: str) -> str:
    """Text in the PDF core fonts' Latin-1 (dashes and quotes made plain, the rest '?')."""
    return text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


def deck_pdf(slides: Sequence[Slide]) -> bytes:
    """The same slides as a PDF, one 16:9 page each, text as text and charts as PNGs."""
    from fpdf import FPDF

    width, height = WIDTH_IN * 25.4, HEIGHT_IN * 25.4
    pdf = FPDF(orientation="L", unit="mm", format=(height, width))
    pdf.set_auto_page_break(False)
    pdf.set_margins(15, 12, 15)
    for s in slides:
        pdf.add_page()
        pdf.set_text_color(*INK_RGB)
        if s.kind == "title":
            pdf.set_xy(15, height * 0.35)
            pdf.set_font("Helvetica", "B", 40)
            pdf.multi_cell(width - 30, 16, latin1(s.title))
            pdf.set_font("Helvetica", "", 18)
            pdf.set_text_color(*MUTED_RGB)
            pdf.multi_cell(width - 30, 9, latin1("\n".join([*s.lines, s.subtitle])))
            continue
        pdf.set_xy(15, 10)
        pdf.set_font("Helvetica", "B", 28)
        pdf.multi_cell(width - 30, 14, latin1(s.title))
        top = 30.0
        if s.subtitle:
            pdf.set_font("Helvetica", "", 13)
            pdf.set_text_color(*MUTED_RGB)
            pdf.set_xy(15, 27)
            pdf.multi_cell(width - 30, 7, latin1(s.subtitle))
            pdf.set_text_color(*INK_RGB)
            top = 40.0
        if s.kind == "image" and s.image is not None:
            pdf.image(io.BytesIO(s.image), x=15, y=top, h=height - top - 8,
                      keep_aspect_ratio=True, w=width - 30)
        elif s.kind == "table":
            pdf.set_xy(15, top)
            pdf.set_font("Helvetica", "", 16 if len(s.table) <= 5 else 14)
            with pdf.table(width=width - 30, line_height=10,
                           text_align="LEFT") as table:
                for row in s.table:
                    cells = table.row()
                    for value in row:
                        cells.cell(latin1(value))
        else:
            pdf.set_xy(15, top + 2)
            size = text_size(s.lines) - 3
            pdf.set_font("Helvetica", "", size)
            for line in s.lines:
                pdf.multi_cell(width - 30, size * 0.5, latin1(line))
                pdf.ln(size * 0.25)
    return bytes(pdf.output())
