"""The report's fixed prose, as plain text (each renderer escapes it for its format)."""

from __future__ import annotations

from workbench.publish.content import ReportData
from workbench.publish.legal import DISCLAIMER

LABEL_NOTICE = (
    "Machine-generated content is labelled. Software (OCR, logo and interface matching, "
    "capability patterns) only ever suggests; a finding marked 'machine-assisted' was "
    "suggested by software and confirmed by the named person; a finding marked "
    "'MACHINE-GENERATED suggestion' was not reviewed by anyone. We apply to ourselves the "
    "labelling duty that Kazakhstan's AI law of 17 November 2025 sets for AI-made content."
)


def _n(count: int, word: str) -> str:
    if count == 1:
        return f"{count} {word}"
    if word.endswith("y"):
        return f"{count} {word[:-1]}ies"
    return f"{count} {word}es" if word.endswith(("x", "s", "ch", "sh")) else f"{count} {word}s"


def summary_lines(d: ReportData) -> list[str]:
    confirmed = len(d.findings) - d.suggestions
    lines = [
        f"{_n(confirmed, 'confirmed finding')} in {_n(len(d.frames), 'frame')} "
        f"from {_n(len({s['video'] for s in d.sources}), 'video')} "
        f"({_n(len(d.sources), 'source')}).",
        f"{_n(len(d.nodes), 'entity')} and {_n(len(d.edges), 'relation')}, each relation "
        "with the evidence behind it.",
    ]
    if d.include_suggestions:
        lines.append(
            f"Includes {_n(d.suggestions, 'machine-generated suggestion')} that no person has "
            "reviewed, each labelled as such."
        )
    if d.hypotheses_left_out:
        lines.append(
            f"{_n(d.hypotheses_left_out, 'relation')} without evidence (hypotheses) left out."
        )
    if d.published_at:
        lines.append(f"Published {d.published_at} by {d.published_by}.")
    else:
        lines.append("A preview: this case file has not been published yet.")
    return lines


def short_method(method: str) -> str:
    """A method as a reader needs it: the engine and version, without the raw parameter
    JSON some matchers append (the parameters are in the published data files)."""
    head = method.split("{", 1)[0].strip()
    return f"{head} (parameters in the data files)" if head != method.strip() else method


def methodology(d: ReportData) -> list[tuple[str, list[str]]]:
    """(heading, paragraphs) in order."""
    out: list[tuple[str, list[str]]] = []
    out.append(
        (
            "Footage and provenance",
            [
                "Every video is identified by the SHA-256 of the file as it was retrieved; "
                "the sources below give where and when each was retrieved, by whom and with "
                "which tools. The original videos are not part of this case file (they may "
                "show people); anyone holding a copy can check it against its hash.",
                "Every finding names its video, the frame's index (0-based, presentation "
                "order) and presentation time, and the SHA-256 of the decoded frame's RGB "
                "pixels, so the exact frame can be found again.",
            ],
        )
    )
    methods = ", ".join(d.methods) or "none"
    reviewers = ", ".join(d.reviewers) or "nobody"
    out.append(
        (
            "Findings",
            [
                "Findings are what people read on the screens filmed in the footage: text, "
                "logos, software interfaces and what the software shows it can do. Software "
                "proposes suggestions; a person confirms or rejects each. "
                + (
                    "Machine suggestions that nobody reviewed are included on request and "
                    "labelled on every appearance."
                    if d.include_suggestions
                    else "Only findings a person confirmed are published."
                ),
                f"Methods behind the published findings: {methods}. Confirmed by: {reviewers}.",
                LABEL_NOTICE,
            ],
        )
    )
    if d.unredacted:
        red = [
            "UNREDACTED: this case file was published without automatic face redaction, "
            "on the publisher's explicit request, recorded in the case's audit log. Only "
            f"boxes a person marked were hidden ({d.manual_hidden})."
        ]
    else:
        p = d.policy or {}
        red = [
            f"Every published image was searched for faces with {d.detector}, at a score "
            f"threshold of {p.get('threshold')} (images up to "
            f"{p.get('upscale_max_pixels', 0) / 1e6:.1f} megapixels also at twice their "
            "size, and each finding's crop on its own), including faces shown on the "
            "operators' screens. Each face found was hidden ("
            f"{p.get('method')}, widened by {int(100 * float(p.get('margin', 0)))}% on every "
            "side), the image searched again, and any remaining trace hidden.",
            f"{_n(d.faces_hidden, 'face')} and {_n(d.manual_hidden, 'box')} marked by a "
            f"person were hidden across {_n(d.images, 'published image')}. Images were "
            "re-encoded from their pixels, so they carry no metadata. Automatic detection "
            "can miss a face (profile, strong blur, occlusion); tell the publisher if you "
            "find one.",
        ]
    out.append(("Redaction", red))
    verify = [
        "MANIFEST lists the SHA-256 of every file of this case file; `sha256sum -c MANIFEST` "
        "in its folder, or `workbench verify FOLDER`, checks them.",
    ]
    if d.key_fingerprint:
        verify.append(
            f"MANIFEST is signed (Ed25519) by the key {d.key_fingerprint}; the public key is "
            "MANIFEST.pub and the signature MANIFEST.sig: `openssl pkeyutl -verify -pubin "
            "-inkey MANIFEST.pub -rawin -in MANIFEST -sigfile MANIFEST.sig`. Compare the "
            "fingerprint with the one the publisher announced elsewhere."
        )
    else:
        verify.append("This case file is not signed.")
    out.append(("Verification", verify))
    return out


LEGAL_DISCLAIMER = DISCLAIMER
