"""Software-interface identification: which product's screen is this keyframe?

A signature (data/interfaces/*.toml) lists a product's characteristic UI strings in any
script, with weights, and optionally reference screenshots. A keyframe's score is the
share of the signature's weight whose strings were read on it (token boundaries, fuzzy),
blended with its similarity to the closest reference screenshot when there is one.
The strings that matched are kept as the evidence.

Real signatures (`fictional = false`, one file per maker) give every string its public
`source` (a URL) and `where` in it (page or section of the manual); fictional ones (the
demo's, `fictional = true`) need none. A file that breaks this is refused on loading.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz

from workbench.errors import WorkbenchError
from workbench.recognize.sources import is_public_url
from workbench.recognize.vendors.normalize import phonetic, skeleton
from workbench.resources import data_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

METHOD = "workbench.interfaces/1"


@dataclass(frozen=True)
class Signature:
    product: str
    vendor: str
    strings: tuple[tuple[str, float], ...]
    screenshots: tuple[Path, ...] = ()
    fictional: bool = False
    # per string, parallel to `strings`: (source URL, where in it); ("", "") when fictional
    sources: tuple[tuple[str, str], ...] = ()
    # a case's own signature (made from a confirmed finding): the reference it came from
    origin: dict[str, Any] | None = field(default=None, compare=False, hash=False)

    @property
    def total_weight(self) -> float:
        return sum(w for _, w in self.strings)


@dataclass(frozen=True)
class InterfaceMatch:
    product: str
    vendor: str
    score: float
    string_score: float
    screenshot_score: float | None
    matched: tuple[str, ...]
    origin: dict[str, Any] | None = None


def load_signatures(folder: Path | None = None) -> list[Signature]:
    folder = folder or data_dir() / "interfaces"
    out = []
    for path in sorted(folder.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text("utf-8"))
            out += [_signature(raw, path) for raw in data.get("interface", [])]
        except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
            raise WorkbenchError(f"{path} is not a valid interface signature file: {exc}.") from exc
    return out


def _signature(raw: dict, path: Path) -> Signature:
    strings = tuple((s["text"], float(s.get("weight", 1.0))) for s in raw["strings"])
    fictional = raw.get("fictional", False) is True
    sources = tuple((str(s.get("source", "")), str(s.get("where", ""))) for s in raw["strings"])
    if not fictional:
        for (text, _), (url, _where) in zip(strings, sources, strict=True):
            if not is_public_url(url):
                raise ValueError(
                    f"the real product {raw['product']!r} gives {text!r} no public source URL"
                    f" (got {url!r}); every string of a real signature cites where it was read"
                )
    if not strings or any(w <= 0 for _, w in strings):
        raise ValueError(f"{raw['product']!r} needs strings with positive weights")
    shots = tuple(path.parent / p for p in raw.get("screenshots", []))
    return Signature(raw["product"], raw["vendor"], strings, shots, fictional, sources)


def _contains(
    text_tokens: list[str],
    needle: str,
    threshold: float = 0.86,
    text_skeleton: list[str] | None = None,
) -> bool:
    """Whether NEEDLE's tokens occur in a line's tokens: on the phonetic key (exactly, or
    fuzzily for 6+ letters), else on the look-alike skeleton, which meets a Cyrillic label
    read with a Latin look-alike letter inside ("ЖУРНAЛ" for "Журнал")."""
    if _window_match(text_tokens, phonetic(needle), threshold):
        return True
    return text_skeleton is not None and _window_match(
        text_skeleton, skeleton(needle), threshold, min_exact=4
    )


def _window_match(tokens: list[str], want: list[str], threshold: float, min_exact: int = 1) -> bool:
    if not want:
        return False
    joined = "".join(want)
    n = len(want)
    for start in range(0, max(0, len(tokens) - n) + 1):
        window = "".join(tokens[start : start + n])
        if window == joined and len(joined) >= min_exact:
            return True
        if len(joined) >= 6 and fuzz.ratio(window, joined) / 100 >= threshold:
            return True
    return False


def screenshot_similarity(frame: np.ndarray, reference: np.ndarray) -> float:
    """Layout similarity in [0, 1]: correlation of small grey images (a coarse fingerprint
    of where the panels, bars and text blocks are)."""
    import cv2

    def small(img: np.ndarray) -> np.ndarray:
        gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY) if img.ndim == 3 else img
        s = cv2.resize(gray, (64, 36), interpolation=cv2.INTER_AREA).astype(np.float32)
        s -= s.mean()
        norm = float(np.linalg.norm(s))
        return s / norm if norm else s

    return max(0.0, float((small(frame) * small(reference)).sum()))


def identify(
    lines: list[str],
    signatures: list[Signature],
    frame: np.ndarray | None = None,
    references: dict[Path, np.ndarray] | None = None,
    min_score: float = 0.3,
    min_strings: int = 2,
) -> list[InterfaceMatch]:
    """Score every signature against the text read on one keyframe."""
    tokens_per_line = [(phonetic(line), skeleton(line)) for line in lines]
    out = []
    for sig in signatures:
        matched = tuple(
            text
            for text, _ in sig.strings
            if any(_contains(tokens, text, text_skeleton=skel) for tokens, skel in tokens_per_line)
        )
        weight = sum(w for text, w in sig.strings if text in matched)
        string_score = weight / sig.total_weight if sig.total_weight else 0.0
        shot_score = None
        if frame is not None and references and sig.screenshots:
            sims = [
                screenshot_similarity(frame, references[p])
                for p in sig.screenshots
                if p in references
            ]
            shot_score = max(sims) if sims else None
        score = string_score if shot_score is None else 0.7 * string_score + 0.3 * shot_score
        if len(matched) >= min_strings and score >= min_score:
            out.append(
                InterfaceMatch(
                    sig.product,
                    sig.vendor,
                    round(score, 4),
                    round(string_score, 4),
                    shot_score,
                    matched,
                    sig.origin,
                )
            )
    return sorted(out, key=lambda m: -m.score)
