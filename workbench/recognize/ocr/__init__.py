"""OCR engines behind one interface (`OcrEngine.read(image) -> list[TextHit]`)."""

from __future__ import annotations

from workbench.recognize.ocr.base import OcrEngine, OcrUnavailable

ENGINES = (
    "tesseract",
    "easyocr",
    "both",
    "craft+tesseract",
    "lines+tesseract",
    "screens+tesseract",
    "rectify+tesseract",
    "ppocr",
    "ppocr-small",
    "routed",
    "routed-small",
    "routed-tesseract",
)
DEFAULT = "routed"  # chosen by bench/bench_ocr_table.py (generators A, B and real photographs)


def make_engine(name: str = DEFAULT) -> OcrEngine:
    """Build an engine by name; raise OcrUnavailable with a clear sentence when it can't run."""
    if name == "tesseract":
        from workbench.recognize.ocr.tesseract import TesseractOcr

        return TesseractOcr()
    if name == "easyocr":
        from workbench.recognize.ocr.easy import EasyOcr

        return EasyOcr()
    if name == "both":
        from workbench.recognize.ocr.combine import BothOcr

        return BothOcr()
    if name == "craft+tesseract":
        from workbench.recognize.ocr.combine import CraftTesseractOcr

        return CraftTesseractOcr()
    if name in ("lines+tesseract", "screens+tesseract"):
        from workbench.recognize.ocr.screens import LinesOcr

        return LinesOcr(rectify=name == "screens+tesseract")
    if name == "rectify+tesseract":
        from workbench.recognize.ocr.screens import RectifyOcr

        return RectifyOcr()
    if name in ("ppocr", "ppocr-small"):
        from workbench.recognize.ocr.ppocr import PpOcr, PpParams

        return PpOcr(PpParams(models="small" if name.endswith("small") else "tiny"))
    if name in ("routed", "routed-small", "routed-tesseract"):
        from workbench.recognize.ocr.ppocr import PpOcr, PpParams
        from workbench.recognize.ocr.routed import RoutedOcr, RouteParams

        pp = PpOcr(PpParams(models="small" if name.endswith("-small") else "tiny"))
        # routed-tesseract: Cyrillic from Tesseract alone, without the line reader
        return RoutedOcr(pp, params=RouteParams(line_reader=name != "routed-tesseract"))
    raise OcrUnavailable(f"Unknown OCR engine {name!r}; choose one of {', '.join(ENGINES)}.")


__all__ = ["DEFAULT", "ENGINES", "OcrEngine", "OcrUnavailable", "make_engine"]
