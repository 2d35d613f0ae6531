"""Render a deck through LibreOffice (headless) to PDF and PNG pages, for a human to look at.

    python scripts/render_deck.py DECK.pptx [-o OUT_DIR]

Needs LibreOffice (`apt-get install libreoffice-impress`) and, for the PNG pages,
poppler's pdftoppm (`apt-get install poppler-utils`). Neither is needed by the test suite
or CI: tests/test_faces_deck.py runs this only when `soffice` is on the PATH.
Exit 0 with the files written, 2 when a tool is missing or the conversion fails.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def render(deck: Path, out_dir: Path, timeout: float = 180) -> list[Path]:
    """The deck as OUT_DIR/NAME.pdf and OUT_DIR/NAME-N.png (one per slide, if pdftoppm)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("LibreOffice is not installed (apt-get install libreoffice-impress)")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:  # a private profile: runs side by side
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(out_dir), str(deck)],
                       check=True, capture_output=True, timeout=timeout)
    pdf = out_dir / f"{deck.stem}.pdf"
    if not pdf.exists():
        raise RuntimeError(f"LibreOffice wrote no {pdf.name}")
    written = [pdf]
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(out_dir / deck.stem)],
                       check=True, capture_output=True, timeout=timeout)
        written += sorted(out_dir.glob(f"{deck.stem}-*.png"))
    return written


def main(argv: list[str] | None = None) -> int:
    """Render the deck named on the command line; print the files written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("deck", type=Path)
    parser.add_argument("-o", "--out", type=Path, default=Path("artifacts/deck"))
    args = parser.parse_args(argv)
    try:
        files = render(args.deck, args.out)
    except (RuntimeError, subprocess.SubprocessError, OSError) as error:
        print(f"render_deck: {error}", file=sys.stderr)
        return 2
    print("\n".join(str(f) for f in files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
