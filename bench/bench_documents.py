"""Stills and documents: what reading them through the workbench costs, as ratios against
references measured in the same run, and what a PDF's text layer gives over OCR.

Material: real PDFs shipped by Debian packages (`libtasn1-doc`, `shared-mime-info`: the
first pages of their manuals), the project's own brochure generator, and real
photographs from scikit-image written as JPEG.

- page access: `FrameReader.get(page)` (the frame every stage reads) against PDFium's own
  render of the same page at the same resolution, per page;
- text: the text layer with positions (`pdf_text.page_text`, method "pdf-text") against
  Tesseract reading the rendered page as the text stage reads a keyframe; and how much of
  the text layer's words OCR finds (fuzzy >= 0.8): what OCR alone would lose;
- stills: `FrameReader.get(0)` of a JPEG against Pillow's own decode.

    .venv/bin/python bench/bench_documents.py [--pages 4]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rapidfuzz import fuzz

DEBIAN_PDFS = {
    "libtasn1-doc": Path("/usr/share/doc/libtasn1-doc/libtasn1.pdf"),
    "shared-mime-info": Path("/usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf"),
}


def best_of(fn: Callable[[], object], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def words(text: str) -> list[str]:
    return [w.casefold() for w in text.split() if len(w) >= 3 and any(c.isalpha() for c in w)]


def found_share(truth: list[str], read: list[str]) -> float:
    if not truth:
        return float("nan")
    pool = set(read)
    hit = sum(1 for w in truth if w in pool or any(fuzz.ratio(w, r) >= 80 for r in pool))
    return hit / len(truth)


def bench_pdf(name: str, path: Path, pages: int, engine) -> None:  # type: ignore[no-untyped-def]
    import pypdfium2 as pdfium

    from workbench.recognize.ocr.prep import Prep
    from workbench.recognize.pdf_text import page_text
    from workbench.recognize.screen import read_frame
    from workbench.video.frames import FrameReader

    with FrameReader(path) as reader:
        dpi = reader.index.dpi
        n = min(pages, len(reader))
        doc = pdfium.PdfDocument(str(path))
        ours, ref, text_s, ocr_s, shares = [], [], [], [], []
        for p in range(n):

            def raw(p: int = p) -> None:
                page = doc[p]
                page.render(scale=dpi / 72, rev_byteorder=True).to_numpy()
                page.close()

            def mine(p: int = p) -> None:
                reader._cache.clear()
                reader.get(p)

            ref.append(best_of(raw))
            ours.append(best_of(mine))
            text_s.append(best_of(partial(page_text, path, p, dpi), 2))
            layer = page_text(path, p, dpi)
            rgb = reader.get(p).rgb
            t = time.perf_counter()
            hits = read_frame(engine, rgb, None, Prep())
            ocr_s.append(time.perf_counter() - t)
            truth = [w for h in layer[0] for w in words(h.text)]
            shares.append(found_share(truth, [w for h in hits for w in words(h.text)]))
        doc.close()
    ratio = statistics.median(o / r for o, r in zip(ours, ref, strict=True))
    speed = statistics.median(o / t for o, t in zip(ocr_s, text_s, strict=True))
    share = statistics.mean(s for s in shares if s == s) if any(s == s for s in shares) else 0
    print(
        f"{name:18} {n} pages @ {dpi:g} dpi | page access {statistics.median(ours) * 1000:7.1f} ms"
        f" = {ratio:5.2f}x PDFium's own render | text layer "
        f"{statistics.median(text_s) * 1000:6.1f} ms, {speed:6.1f}x faster than OCR "
        f"({statistics.median(ocr_s):.2f} s) | OCR finds {share:.0%} of the layer's words"
    )


def bench_stills(tmp: Path) -> None:
    from PIL import Image
    from skimage import data

    from workbench.video.frames import FrameReader

    for name in ("astronaut", "coffee", "chelsea"):
        path = tmp / f"{name}.jpg"
        Image.fromarray(getattr(data, name)()).save(path, quality=90)

        def raw(path: Path = path) -> None:
            with Image.open(path) as img:
                img.convert("RGB").load()

        with FrameReader(path) as reader:

            def mine(reader: FrameReader = reader) -> None:
                reader._cache.clear()
                reader.get(0)

            r, o = best_of(raw, 5), best_of(mine, 5)
        print(
            f"{name + '.jpg':18} still | frame access {o * 1000:6.2f} ms = {o / r:5.2f}x "
            "Pillow's own decode (EXIF orientation, read-only RGB, index included)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=4)
    args = parser.parse_args()
    from workbench.recognize.ocr import make_engine
    from workbench.synth_docs import TextLine, write_pdf

    engine = make_engine("tesseract")
    print(f"OCR: {engine.version()}")
    with tempfile.TemporaryDirectory() as tmp:
        brochure = Path(tmp) / "brochure.pdf"
        lines = [TextLine(0.08, 0.05 + 0.04 * i, f"Line {i}: Hikvision Хиквижн Қазақстан camera")
                 for i in range(20)]  # fmt: skip
        write_pdf(brochure, [lines])
        pdfs = {"generated brochure": brochure}
        for package, path in DEBIAN_PDFS.items():
            if path.is_file():
                pdfs[package] = path
            else:
                print(f"({package} is not installed: apt-get install {package} adds {path.name})")
        for name, path in pdfs.items():
            bench_pdf(name, path, args.pages, engine)
        bench_stills(Path(tmp))


if __name__ == "__main__":
    main()
