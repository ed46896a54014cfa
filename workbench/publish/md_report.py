"""report.md: the report as Markdown. Every string from the case is escaped (HTML
entities and Markdown syntax), and only http(s) URLs become links, so a renderer that
passes raw HTML through still shows text."""

from __future__ import annotations

from workbench.case import citation
from workbench.publish.content import ORIGIN_TEXT, ReportData
from workbench.publish.safe import md, md_link
from workbench.publish.text import LEGAL_DISCLAIMER, methodology, short_method, summary_lines


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(c or " " for c in r) + " |" for r in rows]
    return [*out, ""]


def render(d: ReportData) -> str:
    out = [f"# {md(d.title)}", ""]
    if d.fictional:
        out += ["**FICTIONAL case: made for demonstration.**", ""]
    if d.unredacted:
        out += ["**UNREDACTED: faces in these images were NOT hidden.**", ""]
    if d.include_suggestions:
        out += ["**Contains MACHINE-GENERATED suggestions that no person has reviewed.**", ""]
    out += [md(d.summary), "", "## Summary", ""]
    out += [f"- {md(x)}" for x in summary_lines(d)] + [""]
    out += ["## Methodology", ""]
    for title, paras in methodology(d):
        out += [f"### {md(title)}", ""]
        for p in paras:
            out += [md(p), ""]
    out += ["## Timeline", ""]
    out += _table(["date", "event"], [[md(e.date), md(e.text)] for e in d.timeline])
    out += ["## Findings", ""]
    for fr in d.frames:
        where = fr.where[:1].upper() + fr.where[1:]
        place = citation.place(fr.media_kind, fr.index)
        at = f", {place} at {fr.time_s:.3f} s" if fr.media_kind == "video" else f", {place}"
        at = "" if fr.media_kind == "still" else at
        out += [f"### {md(where)}", ""]
        if fr.image:
            out += [f"![{md(fr.where)}, redacted]({fr.image})", ""]
        noun = citation.NOUNS.get(fr.media_kind, "video").capitalize()
        out += [
            f"{noun} `{fr.video}`{at}; decoded pixels "
            f"SHA-256 `{fr.pixel_sha256}`. {fr.faces_hidden} face(s) and {fr.manual_hidden} "
            "marked box(es) hidden.",
            "",
        ]
        rows = []
        for f in fr.findings:
            o = f.obs
            rows.append(
                [
                    f"\\#{o.id}",
                    md(o.kind),
                    md(f.what),
                    md(ORIGIN_TEXT[f.origin]),
                    md(o.bbox),
                    md(short_method(o.method)),
                    md(o.reviewed_by) if o.status == "confirmed" else "not reviewed",
                    f"![crop {o.id}]({f.crop})" if f.crop else "",
                    md(", ".join(f.provisions)),
                ]
            )
        out += _table(
            ["id", "kind", "what", "origin", "box", "method", "confirmed by", "crop", "legal"],
            rows,
        )
    out += ["## Graph", ""]
    if d.graph_png:
        out += [f"![the vendor graph]({d.graph_png})", ""]
    if d.graph_html:
        out += [f"Interactive view: [{d.graph_html}]({d.graph_html})", ""]
    out += ["## Entities", ""]
    out += _table(
        ["name", "kind", "role", "country", "identifiers"],
        [
            [
                md(n["label"]),
                md(n.get("kind")),
                md(n.get("role")),
                md(n.get("country")),
                md(n.get("identifiers")),
            ]
            for n in d.nodes
        ],
    )
    out += ["## Relations and their evidence", ""]
    for item in d.edges:
        e = item["edge"]
        hyp = " (hypothesis: no evidence)" if e.get("hypothesis") else ""
        out += [
            f"### {md(item['source_label'])} *{md(e['label'])}* {md(item['target_label'])}{hyp}",
            "",
            f"strength: {md(e.get('strength'))}; relation {md(e['id'])}",
            "",
        ]
        for p in item["evidence"]:
            if p.get("kind") == "observation":
                what = p.get("obs_label") or p.get("obs_vendor") or p.get("obs_text")
                frame = p.get("frame_index")
                kind = p.get("media_kind") or "video"
                video = str(p.get("video_sha256") or "")
                at = ""
                if frame is not None:  # page 3 of document …, image …, frame 12 of video …
                    at = f" ({md(citation.where(kind, video, int(frame)))})"
                oid = p.get("observation_id")
                oid = int(oid) if oid is not None else oid  # a whole number, never "37.0"
                out.append(f"- confirmed observation \\#{oid}: {md(what)}{at}")
            else:
                bits = [md(p.get("kind")), md(p.get("title") or "")]
                if p.get("url"):
                    bits.append(md_link(p["url"]))
                if p.get("sha256") or p.get("file_sha256"):
                    bits.append(f"sha256 `{p.get('sha256') or p.get('file_sha256')}`")
                out.append("- " + "; ".join(b for b in bits if b))
        out.append("")
    out += ["## Sources", ""]
    rows = []
    for s in d.sources:
        where = md_link(s["url"]) if s.get("url") else md(f"local file {s.get('file_name')}")
        rows.append(
            [md(s["id"]), md(s.get("title")), where, md(s.get("retrieved_at")), f"`{s['video']}`"]
        )
    out += _table(["id", "title", "URL", "retrieved", "video SHA-256"], rows)
    out += ["## Legal context", "", f"**{md(LEGAL_DISCLAIMER)}**", ""]
    refs = d.provision_refs()
    for p in d.provisions:
        linked = ", ".join(f"\\#{f.obs.id}" for f in refs.get(p.id, [])) or "none"
        out += [
            f"### {md(p.title)}",
            "",
            f"{md(p.jurisdiction)} — {md(p.instrument)}, {md(p.date)} (`{p.id}`)",
            "",
            md(p.summary),
            "",
            f"Source: {md_link(p.source)}",
            "",
        ]
        if p.note:
            out += [f"Note: {md(p.note)}", ""]
        out += [f"Linked from findings: {linked}", ""]
    out += ["## Data and verification", ""]
    out += [f"- [{f}]({f})" for f in d.data_files]
    if d.pdf_note:
        out.append(f"- {md(d.pdf_note)}")
    out += ["", f"Made with workbench {md(d.workbench_version)}.", ""]
    return "\n".join(out)
