"""Text → vendor suggestions, across scripts, with the rule that fired and its score.

Names match on token boundaries only (so "Axis" never fires inside "Taxis"), first
exactly on the phonetic key, then on the look-alike skeleton, then fuzzily (rapidfuzz)
for names long enough that a fuzzy hit means something.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from workbench.recognize.vendors.normalize import normalized, phonetic, skeleton
from workbench.recognize.vendors.registry import VendorEntry

METHOD = "workbench.vendors/1"

# Words of screen UIs: a name made only of these would fire on every control-room screen
COMMON_WORDS = frozenset(
    {
        "face",
        "search",
        "camera",
        "cameras",
        "video",
        "vision",
        "view",
        "live",
        "security",
        "system",
        "systems",
        "center",
        "centre",
        "export",
        "playback",
        "alarm",
        "alarms",
        "smart",
        "client",
        "server",
        "cloud",
        "monitor",
        "monitoring",
        "control",
        "safe",
        "city",
        "lab",
        "tech",
        "technology",
        "technologies",
        "soft",
        "software",
        "kamera",
        "poisk",
        "litsu",
    }
)


@dataclass(frozen=True)
class VendorSuggestion:
    raw: str  # the text as read
    normalized: str  # its phonetic normal form
    vendor: str  # canonical vendor name
    matched: str  # the alias or product name that matched
    match_kind: str  # alias | product
    score: float  # 0..1
    rule: str  # exact | skeleton | fuzzy
    span: tuple[int, int]  # token range in the normalised text


@dataclass(frozen=True)
class _Name:
    vendor: VendorEntry
    text: str
    kind: str
    phon: str  # tokens joined without spaces
    skel: str
    ntok: int


class VendorResolver:
    def __init__(
        self,
        registry: list[VendorEntry],
        fuzzy_threshold: float = 0.88,
        min_fuzzy_len: int = 6,
        min_len: int = 2,
    ):
        self.fuzzy_threshold = fuzzy_threshold
        self.min_fuzzy_len = min_fuzzy_len
        self.names: list[_Name] = []
        for entry in registry:
            for text, kind in entry.names():
                p, s = phonetic(text), skeleton(text)
                if not p or len("".join(p)) < min_len or all(t in COMMON_WORDS for t in p):
                    continue
                self.names.append(_Name(entry, text, kind, "".join(p), "".join(s), len(p)))

    def resolve(self, text: str) -> list[VendorSuggestion]:
        """Best suggestion per vendor found in `text`, best first."""
        phon, skel = phonetic(text), skeleton(text)
        if not phon:
            return []
        best: dict[str, VendorSuggestion] = {}
        for name in self.names:
            hit = self._match(name, phon, skel)
            if hit is None:
                continue
            score, rule, span = hit
            current = best.get(name.vendor.name)
            if current is None or score > current.score:
                best[name.vendor.name] = VendorSuggestion(
                    raw=text,
                    normalized=normalized(text),
                    vendor=name.vendor.name,
                    matched=name.text,
                    match_kind=name.kind,
                    score=round(score, 4),
                    rule=rule,
                    span=span,
                )
        return sorted(best.values(), key=lambda s: (-s.score, s.vendor))

    def _match(self, name: _Name, phon: list[str], skel: list[str]):
        best = None
        # windows of the name's token count, and one more or fewer (split or merged words)
        for width in {name.ntok, name.ntok + 1, max(1, name.ntok - 1)}:
            for start in range(0, len(phon) - width + 1):
                window_p = "".join(phon[start : start + width])
                window_s = "".join(skel[start : start + width])
                span = (start, start + width)
                if window_p == name.phon:
                    return 1.0, "exact", span
                if window_s == name.skel and len(name.skel) >= 3:
                    cand = (0.97, "skeleton", span)
                elif len(name.phon) >= self.min_fuzzy_len:
                    ratio = max(fuzz.ratio(window_p, name.phon), fuzz.ratio(window_s, name.skel))
                    ratio /= 100
                    if ratio < self.fuzzy_threshold:
                        continue
                    cand = (ratio * 0.95, "fuzzy", span)
                else:
                    continue
                if best is None or cand[0] > best[0]:
                    best = cand
        return best
