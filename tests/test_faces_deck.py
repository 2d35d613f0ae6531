"""The boardroom deck (faces.deck): slides, titles, images and table, in .pptx and .pdf."""

from __future__ import annotations

import io
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import PLANS_DIR, ROOT
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from simulator.faces import deck
from simulator.faces.cli import main
from simulator.plan.spec import load_plan
from simulator.results.comparison import compare
from simulator.results.report import money

TITLES = ["Which incentive plan?", "The question and the answer",
          "Sales: how much will the team sell?",
          "Cost: what will the incentive plan pay out?",
          "The plans side by side", "The budget: $4.00M a year",
          "What happens, and plan health", "Assumptions"]


@pytest.fixture(scope="module")
def slides(team: Any) -> list[deck.Slide]:
    plans = [load_plan(PLANS_DIR / f) for f in ("baseline.yaml", "recommended.yaml",
                                                "high_threshold.yaml")]
    run = compare(plans, team, n_trials=64, seed=1, model_draws=2, draw_trials=32
                  ).with_budget(4_000_000)
    return deck.deck_slides([run], team)


def test_the_pptx_has_the_slides_titles_images_and_tables(slides: list[deck.Slide]) -> None:
    pres = Presentation(io.BytesIO(deck.deck_pptx(slides)))
    assert [s.shapes.title.text for s in pres.slides] == TITLES
    kinds = [[shape.shape_type for shape in s.shapes] for s in pres.slides]
    assert MSO_SHAPE_TYPE.PICTURE in kinds[2] and MSO_SHAPE_TYPE.PICTURE in kinds[3]
    pictures = [shape for s in pres.slides for shape in s.shapes
                if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert all(p.image.content_type == "image/png" for p in pictures)
    assert all(p.left >= 0 and p.left + p.width <= pres.slide_width for p in pictures)
    table = next(shape.table for shape in pres.slides[4].shapes if shape.has_table)
    assert [table.cell(0, j).text for j in range(3)] == ["Plan", "Sales / year",
                                                         "vs reference"]
    assert [table.cell(i, 0).text for i in range(1, 4)] == ["Baseline", "Recommended",
                                                            "High threshold"]
    budget = next(shape.table for shape in pres.slides[5].shapes if shape.has_table)
    assert budget.cell(0, 2).text == "Across model draws"


def test_the_answer_is_one_sentence_per_plan_with_robust_or_fragile(
        slides: list[deck.Slide]) -> None:
    answer = slides[1].lines
    assert answer[0].startswith("Of 3 plan designs, which sells the most")
    assert "$4.00M incentive budget" in answer[0]
    assert len(answer) == 4 and answer[1].startswith("Baseline (the reference) sells $")
    assert all(" behaviour-model draws" in line for line in answer[2:])
    assert all(("robust" in line) != ("fragile" in line) for line in answer[2:])
    assert all("chance of exceeding the $4.00M budget" in line for line in answer[1:])
    text = " ".join(slides[-1].lines)
    assert "64 simulated plan years, seed 1" in text and "Normal effort" in text
    assert "cover that luck only" in text and "2 behaviour-parameter draws" in text


def test_the_pdf_has_a_page_per_slide_with_the_same_text(slides: list[deck.Slide]) -> None:
    pdf = deck.deck_pdf(slides)
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == len(TITLES)
    assert deck.latin1("P10–P90 ≥ 90% … “x”") == 'P10-P90 >= 90% ... "x"'


def test_the_deck_command_writes_pptx_and_pdf(tmp_path: Path) -> None:
    out, pdf = tmp_path / "deck.pptx", tmp_path / "deck.pdf"
    assert main(["deck", str(PLANS_DIR / "baseline.yaml"), str(PLANS_DIR / "capped.yaml"),
                 "--trials", "32", "-o", str(out), "--pdf", str(pdf)]) == 0
    pres = Presentation(str(out))
    assert len(pres.slides) == len(TITLES)
    assert pres.slides[5].shapes.title.text == "The budget"  # none given: the payout range
    assert pdf.read_bytes().startswith(b"%PDF")
    assert main(["deck", "-o", str(out)]) == 2  # neither plans nor a scenario


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_the_deck_renders_in_libreoffice(slides: list[deck.Slide], tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    from render_deck import render

    path = tmp_path / "deck.pptx"
    path.write_bytes(deck.deck_pptx(slides))
    files = render(path, tmp_path / "out")
    assert files[0].suffix == ".pdf" and files[0].stat().st_size > 10_000


def euro(plan: Any) -> Any:
    """The plan as it is, stating `currency: EUR`."""
    from simulator.plan.spec import plan_from_dict

    return plan_from_dict({**plan.to_yaml_dict(), "currency": "EUR"})


def slide_text(slides: list[deck.Slide]) -> str:
    """Every word of the slides (the charts are pictures), a line each."""
    return "\n".join(line for s in slides
                     for line in (s.title, s.subtitle, *s.lines, *(c for r in s.table for c in r)))


def test_a_euro_comparison_says_eur_wherever_the_dollar_deck_says_dollars(team: Any) -> None:
    """The same plans stating EUR: the same slides with "EUR " for "$", the same numbers."""
    plans = [load_plan(PLANS_DIR / f) for f in ("baseline.yaml", "capped.yaml")]
    dollars, euros = (compare(p, team, n_trials=32, seed=2).with_budget(4_000_000)
                      for p in (plans, [euro(p) for p in plans]))
    assert (dollars.currency, euros.currency) == (None, "EUR")
    usd, eur = deck.deck_slides([dollars], team), deck.deck_slides([euros], team)
    text = slide_text(eur)
    assert "The budget: EUR\u00a04.00M a year" in text
    assert [line for line in text.splitlines() if "$" in line] == []
    assert text == slide_text(usd).replace("$", "EUR\u00a0")
    pres = Presentation(io.BytesIO(deck.deck_pptx(eur)))
    shown = " ".join(shape.text_frame.text if shape.has_text_frame else " ".join(
        c.text for row in shape.table.rows for c in row.cells)
        for s in pres.slides for shape in s.shapes if shape.has_text_frame or shape.has_table)
    assert "$" not in shown and shown.count("EUR\u00a0") >= 20
    assert f"sells EUR\u00a0{money(euros.plans[0].sales.mean)} a year" in shown
    assert "EUR" in deck.latin1(text) and b"%PDF" in deck.deck_pdf(eur)[:8]


def test_the_deck_command_takes_a_budget_in_the_plans_currency(tmp_path: Path,
                                                               capsys: Any) -> None:
    eur = tmp_path / "eur.yaml"
    eur.write_text((PLANS_DIR / "baseline.yaml").read_text(encoding="utf-8")
                   + "currency: EUR\n", encoding="utf-8")
    out = tmp_path / "deck.pptx"
    for budget in ("EUR 4,000,000", "€4,000,000", "4000000"):
        assert main(["deck", str(eur), "--trials", "16", "--budget", budget, "-o",
                     str(out)]) == 0
        assert Presentation(str(out)).slides[5].shapes.title.text == (
            "The budget: EUR\u00a04.00M a year")
    capsys.readouterr()
    assert main(["deck", str(eur), "--trials", "16", "--budget", "$4,000,000", "-o",
                 str(out)]) == 2
    assert capsys.readouterr().err.strip() == (
        "--budget: the amount is in USD, but the plans are in EUR: write EUR 4,000,000 or "
        "the number alone")
