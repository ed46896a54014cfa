"""`workbench analyze`: run the stages asked for on every video of a case, skipping what
is already done (each stage is keyed by its parameters and resumable per item)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.case import records
from workbench.case.folder import Case
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.recognize.stage_logos import LogoStageResult
    from workbench.recognize.stage_text import TextStageResult

STAGES = ("keyframes", "ocr", "logos", "interfaces", "references")
DEFAULT_STAGES = ("keyframes", "ocr", "interfaces")


@dataclass
class StageReport:
    video: str
    stage: str
    skipped: bool
    details: dict = field(default_factory=dict)


def text_report(sha256: str, result: TextStageResult) -> StageReport:
    """The report of a text stage run (stage_text.TextStageResult)."""
    return StageReport(
        sha256,
        "ocr+interfaces",
        result.skipped == result.keyframes,
        {
            "keyframes": result.keyframes,
            "resumed_after": result.skipped,
            "ocr_calls": result.ocr_calls,
            "observations": result.observations,
        },
    )


def logo_report(sha256: str, result: LogoStageResult) -> StageReport:
    """The report of a logo stage run (stage_logos result)."""
    return StageReport(
        sha256,
        "logos",
        result.skipped == result.keyframes,
        {"keyframes": result.keyframes, "observations": result.observations},
    )


def parse_stages(text: str | None) -> tuple[str, ...]:
    if not text:
        return DEFAULT_STAGES
    stages = tuple(s.strip() for s in text.split(",") if s.strip())
    unknown = [s for s in stages if s not in STAGES]
    if unknown:
        raise WorkbenchError(f"Unknown stage {unknown[0]!r}; the stages are {', '.join(STAGES)}.")
    return stages


@dataclass(frozen=True)
class StageChoice:
    """The stages a run of `analyze` does, the logo library it uses, and what the user
    should be told about stages left out (nothing asked for is skipped in silence)."""

    stages: tuple[str, ...]
    logos: Path | None
    notes: tuple[str, ...] = ()


def configured_logos(case: Case) -> Path | None:
    """The logo library named in case.toml (`[recognize] logos = "DIR"`, relative to the
    case folder), or None."""
    try:
        import tomllib
    except ImportError:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]

    try:
        data = tomllib.loads((case.root / "case.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    section = data.get("recognize", {})
    value = section.get("logos") if isinstance(section, dict) else None
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise WorkbenchError(
            'case.toml: [recognize] logos must name a folder, e.g. logos = "logos".'
        )
    path = Path(value).expanduser()
    return path if path.is_absolute() else case.root / path


def choose_stages(text: str | None, logos: Path | None, case: Case) -> StageChoice:
    """The stages below, plus `references` by default once the case has find-everywhere
    references (every reference is matched against the videos analysed)."""
    choice = _choose_stages(text, logos, case)
    if text or "references" in choice.stages:
        return choice
    from workbench.case.references import count

    if count(case.conn):
        return StageChoice((*choice.stages, "references"), choice.logos, choice.notes)
    return choice


def _choose_stages(text: str | None, logos: Path | None, case: Case) -> StageChoice:
    """Stages from `--stages` (or the defaults), with logos added by default whenever a
    library is given or configured; a library given while `--stages` leaves logos out is
    reported, as is a default run that has no library to match against."""
    library = logos or configured_logos(case)
    if text:
        stages = parse_stages(text)
        notes = []
        if logos is not None and "logos" not in stages:
            notes.append(f"--stages {text} leaves out logos: the library {logos} is not used.")
        if "logos" in stages and library is None:
            raise WorkbenchError("The logos stage needs a logo library: pass --logos LIBDIR.")
        return StageChoice(stages, library, tuple(notes))
    if library is not None:
        return StageChoice((*DEFAULT_STAGES, "logos"), library)
    return StageChoice(
        DEFAULT_STAGES,
        None,
        (
            "No logo library given or configured: logo matching not run "
            "(pass --logos LIBDIR, or set [recognize] logos in case.toml).",
        ),
    )


def target_videos(case: Case, videos: list[str] | None = None) -> list[records.Video]:
    """The videos to analyse: all of the case, or those whose sha256 starts with a prefix."""
    targets = [
        v
        for v in records.videos(case.conn)
        if not videos or any(v.sha256.startswith(p.lower()) for p in videos)
    ]
    if not targets:
        raise WorkbenchError("This case has no video to analyse; ingest one first.")
    return targets
