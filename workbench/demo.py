"""The fictional demo case: generated control-centre footage, ingested with provenance.

Everything here is invented. The organisations named in the footage do not exist; the
footage says so on every frame, and the case is marked fictional.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from workbench.case import Case
from workbench.errors import CaseError
from workbench.progress import NullProgress, ProgressSink
from workbench.resources import data_dir
from workbench.synth import draw_text, write_video

W, H, FPS = 1280, 720, 25
BANNER = "FICTIONAL DEMO FOOTAGE - NOT A REAL CONTROL CENTRE"
TITLE = "DEMO (fictional): operational control centre of Qalaport"
SUMMARY = (
    "A fictional case built from generated footage to show the workflow. Every "
    "organisation, product and place in it is invented."
)


@dataclass
class DemoSummary:
    videos: int = 0
    frames: int = 0
    lines: list[str] = field(default_factory=list)
    bundle: Path | None = None


def _base(shot_index: int, i: int, bg: tuple[int, int, int]) -> Image.Image:
    img = Image.new("RGB", (W, H), bg)
    draw_text(img, (20, H - 40), BANNER, 22, fill=(255, 210, 0))
    draw_text(
        img, (W - 330, H - 40), f"TV-QAL 2025-03-14  shot {shot_index}", 20, fill=(200, 200, 200)
    )
    return img


def video_wall(n: int) -> Iterator[np.ndarray]:
    """A 3x3 wall of camera feeds with moving targets and camera labels."""
    for i in range(n):
        img = _base(1, i, (12, 14, 20))
        draw = ImageDraw.Draw(img)
        for r in range(3):
            for c in range(3):
                x0, y0 = 40 + c * 400, 30 + r * 215
                draw.rectangle(
                    [x0, y0, x0 + 380, y0 + 200],
                    fill=(40 + 10 * r, 60, 50 + 20 * c),
                    outline=(90, 90, 90),
                    width=3,
                )
                t = (i * (2 + r + c)) % 300
                draw.ellipse([x0 + 20 + t, y0 + 80, x0 + 60 + t, y0 + 120], fill=(200, 180, 160))
                draw_text(img, (x0 + 8, y0 + 6), f"CAM {r * 3 + c + 1:02d}  QALAPORT", 18)
        yield np.asarray(img)


def vms_screen(n: int) -> Iterator[np.ndarray]:
    """An operator's screen running a fictional video-management system."""
    for i in range(n):
        img = _base(2, i, (30, 34, 44))
        draw = ImageDraw.Draw(img)
        draw.rectangle([0, 0, W, 60], fill=(20, 60, 120))
        draw_text(img, (20, 12), "NORDVIEW VMS 4.2  (fictional)", 30)
        for k, item in enumerate(["Live view", "Playback", "Alarms", "Face search", "Export"]):
            draw_text(img, (30, 100 + 60 * k), item, 26, fill=(220, 220, 230))
        draw.rectangle([300, 90, 1240, 640], fill=(10, 10, 10), outline=(120, 120, 120))
        draw.ellipse([600 + (i % 50) * 4, 300, 680 + (i % 50) * 4, 380], fill=(150, 150, 150))
        draw_text(img, (320, 100), "Камера 12 - пр. Демонстрации", 24)
        yield np.asarray(img)


def face_search(n: int) -> Iterator[np.ndarray]:
    """A face-search window with a watchlist category and match percentages."""
    for i in range(n):
        img = _base(3, i, (240, 240, 245))
        draw = ImageDraw.Draw(img)
        draw.rectangle([0, 0, W, 70], fill=(160, 20, 30))
        draw_text(img, (20, 16), "FaceTrace Search - Поиск по лицу (fictional)", 30)
        draw_text(img, (40, 100), "Список наблюдения: Категория B", 28, fill=(20, 20, 20))
        for k, pct in enumerate((91, 87, 64)):
            x0 = 60 + k * 390
            draw.rectangle([x0, 170, x0 + 300, 470], fill=(180, 180, 190), outline=(0, 0, 0))
            draw_text(img, (x0, 490), f"Совпадение {pct}%", 28, fill=(20, 20, 20))
        draw_text(img, (40, 580), f"Query #{1000 + i // 25}", 24, fill=(90, 90, 90))
        yield np.asarray(img)


def brochure(n: int) -> Iterator[np.ndarray]:
    """A page of a vendor brochure, slowly panned as a TV camera would."""
    page = Image.new("RGB", (W + 200, H), (250, 250, 245))
    draw = ImageDraw.Draw(page)
    draw.rectangle([0, 0, W + 200, 110], fill=(0, 70, 140))
    draw_text(page, (40, 25), "STELLAR OPTICS Co., Ltd. (fictional)", 44)
    draw_text(page, (40, 160), "SO-9000 series 4K dome camera", 34, fill=(0, 0, 0))
    draw_text(page, (40, 220), "Project reference: Qalaport control centre", 28, fill=(0, 0, 0))
    draw_text(
        page, (40, 270), "Integrator: Dalakent Demo Systems TOO (fictional)", 28, fill=(0, 0, 0)
    )
    logo_path = data_dir() / "logos" / "stellar-optics.png"
    if logo_path.is_file():  # the fictional vendor's logo, printed on its brochure
        logo = Image.open(logo_path).convert("RGB")
        logo = logo.resize((300, round(300 * logo.height / logo.width)))
        page.paste(logo, (820, 150))
    for i in range(n):
        x = int(200 * i / max(1, n - 1))
        img = page.crop((x, 0, x + W, H))
        draw_text(img, (20, H - 40), BANNER, 22, fill=(200, 0, 0))
        yield np.asarray(img)


SHOTS = (
    ("video-wall", video_wall),
    ("vms-screen", vms_screen),
    ("face-search", face_search),
    ("brochure", brochure),
)


def render_footage(out: Path, seconds_per_shot: float = 3.0) -> int:
    """Write the demo report (all shots, hard cuts between them) to `out`."""
    n = int(seconds_per_shot * FPS)

    def frames() -> Iterator[np.ndarray]:
        for _, make in SHOTS:
            yield from make(n)

    return write_video(out, frames(), fps=FPS)


def build_demo(
    directory: Path,
    actor: str = "demo",
    progress: ProgressSink | None = None,
    seconds_per_shot: float = 3.0,
    with_story: bool = True,
) -> DemoSummary:
    """(Re)build the demo case in `directory`. Refuses to touch a non-fictional case."""
    from workbench.demo_story import run_story
    from workbench.ingest import ingest_file

    progress = progress or NullProgress()
    directory = Path(directory)
    if directory.exists():
        try:
            with Case.open(directory) as existing:
                fictional = existing.info.fictional
        except CaseError:
            fictional = False
        if not fictional:
            raise CaseError(
                f"{directory} exists and is not the fictional demo case; choose another --dir."
            )
        _remove_case(directory)
    summary = DemoSummary()
    steps = 5
    progress.update("demo", 0, steps)
    with tempfile.TemporaryDirectory(prefix="workbench-demo-") as tmp:
        clip = Path(tmp) / "qalaport-tv-report.mp4"
        frames = render_footage(clip, seconds_per_shot)
        progress.update("demo", 1, steps)
        with Case.init(directory, TITLE, summary=SUMMARY, actor=actor, fictional=True) as case:
            progress.update("demo", 2, steps)
            result = ingest_file(case, clip, actor, progress)
            for item in _stills(Path(tmp)):  # a brochure page and an integrator's post
                ingest_file(case, item, actor, progress)
            progress.update("demo", 3, steps)
            reports = _analyse(case, actor, progress)
            progress.update("demo", 4, steps)
            story = run_story(case, progress) if with_story else None
        progress.update("demo", 5, steps)
    summary.videos, summary.frames = 1, frames
    summary.lines.append(f"video {result.video_sha256[:12]} sha256 {result.video_sha256}")
    summary.lines.append("shots: " + ", ".join(name for name, _ in SHOTS))
    for report in reports:
        detail = ", ".join(f"{k} {v}" for k, v in report.details.items())
        summary.lines.append(f"{report.stage}: {detail}")
    if story is not None:
        summary.lines += story.lines()
        summary.bundle = story.bundle
    return summary


def _stills(tmp: Path) -> list[Path]:
    from workbench.demo_media import write_brochure, write_post

    wall = next(video_wall(1))[::4, ::4]  # the post's photo: the (generated) video wall
    return [
        write_brochure(tmp / "facetrace-data-sheet.pdf"),
        write_post(tmp / "dalakent-post.png", wall),
    ]


def _analyse(case: Case, actor: str, progress: ProgressSink) -> list:
    """Keyframes, then OCR with vendor, capability and interface suggestions (when an OCR
    engine is installed here; the demo still builds without one)."""
    from workbench.batch import analyze
    from workbench.recognize.ocr import OcrUnavailable, make_engine

    try:
        make_engine().version()
        stages: tuple[str, ...] = ("keyframes", "ocr", "interfaces", "logos")
    except OcrUnavailable:  # no OCR engine here: the demo still builds, without readings
        stages = ("keyframes", "logos")
    run = analyze(case, stages, logos=data_dir() / "logos", progress=progress, actor=actor)
    if run.result.failures:
        raise CaseError(
            "The demo's analysis failed: " + "; ".join(f.describe() for f in run.result.failures)
        )
    return run.result.reports


def _remove_case(directory: Path) -> None:
    media = directory / "media"
    if media.is_dir():
        for f in media.iterdir():
            f.chmod(0o644)
    shutil.rmtree(directory)
