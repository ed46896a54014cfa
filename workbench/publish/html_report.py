"""index.html: the static report. No script, no external resource; every string from
the case is escaped, and only http(s) URLs become links."""

from __future__ import annotations

from workbench.case import citation
from workbench.publish.content import ORIGIN_TEXT, FindingItem, FrameItem, ReportData
from workbench.publish.safe import h, link
from workbench.publish.text import LEGAL_DISCLAIMER, methodology, short_method, summary_lines

SELF_LABELLING = ("kz-ai-2025-labelling", "eu-ai-act-50")
CSP = (
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'"
)
CSS = """
body{font:15px/1.45 system-ui,-apple-system,"DejaVu Sans",sans-serif;color:#1b1b1b;
 max-width:1100px;margin:0 auto;padding:0 16px 48px}
h1{font-size:26px;margin:18px 0 6px} h2{border-bottom:2px solid #ddd;padding-bottom:3px;
 margin-top:34px} h3{font-size:17px;margin:20px 0 6px}
.banner{padding:8px 12px;margin:8px 0;border-radius:4px;font-weight:600}
.fictional{background:#fff3c4;border:1px solid #d9b200}
.danger{background:#ffe0e0;border:1px solid #c00;color:#900}
.machine{background:#ffe6fa;border:1px solid #c0389f}
nav a{margin-right:12px} table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top;
 font-size:13px;overflow-wrap:break-word;min-width:3em}
th{background:#f4f4f4} code,.mono{font-family:"DejaVu Sans Mono",monospace;font-size:12px}
figure{margin:12px 0} figure img{max-width:100%;height:auto;border:1px solid #ccc}
.shot{position:relative;display:inline-block;max-width:100%}
.shot img{display:block;max-width:100%;height:auto;border:0}
.box{position:absolute;border:2px solid #ffd600;box-sizing:border-box}
.box span{position:absolute;left:-2px;bottom:100%;background:#ffd600;color:#000;
 font-size:11px;padding:0 3px;white-space:nowrap}
.box.suggested{border:2px dashed #ff40c8}.box.suggested span{background:#ff40c8}
img.crop{max-width:260px;max-height:200px;image-rendering:pixelated;border:1px solid #ccc}
.badge{display:inline-block;padding:1px 6px;border-radius:3px;font-size:12px}
.b-person{background:#e3f2e3}.b-machine-confirmed{background:#e3ecff}
.b-machine-suggestion{background:#ffd6f3;border:1px solid #c0389f;font-weight:600}
.provision{border:1px solid #ddd;border-radius:4px;padding:8px 12px;margin:10px 0}
.muted{color:#666} @media print{nav{display:none} figure,tr,.provision{break-inside:avoid}}
"""


def _no_graph(d: ReportData) -> str:
    if d.published_at or not d.edges:
        return "<p>No graph.</p>" if not d.edges else "<p>No picture of the graph.</p>"
    return f"<p>Preview: the graph ({len(d.edges)} relation(s)) is drawn when publishing.</p>"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{h(x)}</th>" for x in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _badge(f: FindingItem) -> str:
    return f'<span class="badge b-{h(f.origin)}">{h(ORIGIN_TEXT[f.origin])}</span>'


def _finding_row(f: FindingItem) -> list[str]:
    o = f.obs
    who = (
        f"{h(o.reviewed_by)}<br><span class='muted'>{h((o.reviewed_at or '')[:16])}</span>"
        if o.status == "confirmed"
        else "<em>not reviewed</em>"
    )
    provisions = " ".join(f'<a href="#prov-{h(p)}">{h(p)}</a>' for p in f.provisions)
    crop = f'<img class="crop" src="{h(f.crop)}" alt="crop of finding {o.id}">' if f.crop else ""
    return [
        f'<a id="{h(f.anchor)}"></a><b>#{o.id}</b>',
        h(o.kind),
        h(f.what) + (f"<br>legal context: {provisions}" if provisions else ""),
        _badge(f),
        f"<span class='mono'>{h(o.bbox)}</span>",
        "" if o.score is None else h(f"{o.score:.2f}"),
        f"<span class='mono'>{h(short_method(o.method))}</span>",
        who,
        crop,
    ]


def _overlay(f: FindingItem, fr: FrameItem) -> str:
    """The finding's box over the frame, in CSS: the image's pixels stay as redacted."""
    try:
        x0, y0, x1, y1 = (float(v) for v in (f.obs.bbox or ()))
    except (TypeError, ValueError):
        return ""
    if not fr.width or not fr.height:
        return ""
    style = (
        f"left:{100 * x0 / fr.width:.3f}%;top:{100 * y0 / fr.height:.3f}%;"
        f"width:{100 * (x1 - x0) / fr.width:.3f}%;height:{100 * (y1 - y0) / fr.height:.3f}%"
    )
    kind = "suggested" if f.obs.status == "suggested" else "confirmed"
    label = f"#{f.obs.id}" + (" machine suggestion" if kind == "suggested" else "")
    return (
        f'<a class="box {kind}" href="#{h(f.anchor)}" style="{style}"><span>{h(label)}</span></a>'
    )


def _frame(fr: FrameItem) -> str:
    match = {
        True: "it matches the hash recorded with the findings",
        False: "it DOES NOT match the hash recorded with the findings",
        None: "no hash was recorded with the findings to compare it with",
    }[fr.pixel_match]
    at = f", {citation.place(fr.media_kind, fr.index)} at {fr.time_s:.3f} s"
    if fr.media_kind != "video":
        at = "" if fr.media_kind == "still" else f", {citation.place(fr.media_kind, fr.index)}"
    noun = citation.NOUNS.get(fr.media_kind, "video").capitalize()
    caption = (
        f"{noun} <span class='mono'>{h(fr.video)}</span>{h(at)}. "
        f"Decoded pixels SHA-256 <span class='mono'>{h(fr.pixel_sha256)}"
        f"</span> ({h(match)}). "
        f"{fr.faces_hidden} face(s) and {fr.manual_hidden} marked box(es) hidden."
    )
    img = ""
    if fr.image:
        img = (
            f'<div class="shot"><img src="{h(fr.image)}" width="{fr.width}" '
            f'height="{fr.height}" alt="{h(fr.where)}, '
            f'redacted">{"".join(_overlay(f, fr) for f in fr.findings)}</div>'
        )
    rows = [_finding_row(f) for f in fr.findings]
    headers = ["id", "kind", "what", "origin", "box", "score", "method", "confirmed", "crop"]
    return (
        f'<h3 id="frame-{h(fr.key)}">{h(_cap(fr.where))}</h3>'
        f"<figure>{img}<figcaption>{caption}</figcaption></figure>{_table(headers, rows)}"
    )


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _evidence(piece: dict, published: set[int]) -> str:
    kind = piece.get("kind")
    if kind == "observation":
        oid = piece.get("observation_id")
        oid = int(oid) if oid is not None else None
        what = " / ".join(
            str(x)
            for x in (piece.get("obs_label"), piece.get("obs_vendor"), piece.get("obs_text"))
            if x
        )
        ref = f'<a href="#finding-{oid}">finding #{oid}</a>' if oid in published else f"#{oid}"
        frame = piece.get("frame_index")
        kind = piece.get("media_kind") or "video"
        place = citation.place(kind, int(frame)) if frame is not None and kind != "still" else ""
        frame_text = f", {place}" if place else ""
        return (
            f"confirmed observation {ref}: {h(what)} ({citation.NOUNS.get(kind, 'video')} "
            f"<span class='mono'>{h(str(piece.get('video_sha256') or '')[:12])}</span>"
            f"{frame_text}; confirmed by {h(piece.get('reviewed_by'))})"
        )
    parts = [f"<b>{h(kind)}</b>"]
    if piece.get("title"):
        parts.append(h(piece["title"]))
    if piece.get("url"):
        parts.append(link(piece["url"]))
    if piece.get("retrieved_at"):
        parts.append(f"retrieved {h(piece['retrieved_at'])}")
    if piece.get("sha256"):
        parts.append(f"saved copy sha256 <span class='mono'>{h(piece['sha256'])}</span>")
    if piece.get("file_sha256"):
        row = piece.get("row_number")
        parts.append(
            f"row {h(int(row) if row is not None else '?')} of the file with sha256 "
            f"<span class='mono'>{h(piece['file_sha256'])}</span>"
        )
    if piece.get("note"):
        parts.append(f"note: {h(piece['note'])}")
    return "; ".join(parts)


def _relations(d: ReportData) -> str:
    published = {f.obs.id for f in d.findings}
    out = []
    for item in d.edges:
        e = item["edge"]
        hyp = (
            ' <span class="badge b-machine-suggestion">hypothesis: no evidence</span>'
            if e.get("hypothesis")
            else ""
        )
        span = " – ".join(str(x) for x in (e.get("start"), e.get("end")) if x)
        evidence = "".join(f"<li>{_evidence(p, published)}</li>" for p in item["evidence"])
        left = (
            f"<p class='muted'>{item['not_counted']} piece(s) of evidence citing unconfirmed "
            "observations are not shown and do not count.</p>"
            if item["not_counted"]
            else ""
        )
        out.append(
            f'<h3 id="{h(e["id"])}">{h(item["source_label"])} <i>{h(e["label"])}</i> '
            f"{h(item['target_label'])}{hyp}</h3>"
            f"<p>strength: <b>{h(e.get('strength'))}</b>; confidence "
            f"{h(e.get('confidence'))}{'; ' + h(span) if span else ''}; relation "
            f"<span class='mono'>{h(e['id'])}</span></p>"
            f"<ul>{evidence or '<li>no evidence</li>'}</ul>{left}"
        )
    return "".join(out) or "<p>No relations.</p>"


def _entities(d: ReportData) -> str:
    rels: dict[str, list[str]] = {}
    for item in d.edges:
        e = item["edge"]
        for end in (e["source"], e["target"]):
            rels.setdefault(end, []).append(f'<a href="#{h(e["id"])}">{h(e["id"])}</a>')
    rows = [
        [
            f'<a id="entity-{h(n["id"])}"></a>{h(n["label"])}',
            h(n.get("kind")),
            h(n.get("role")),
            h(n.get("country")),
            h(n.get("identifiers")),
            h(n.get("aliases")),
            " ".join(rels.get(n["id"], [])) or "<span class='muted'>none published</span>",
        ]
        for n in d.nodes
    ]
    headers = ["name", "kind", "role", "country", "identifiers", "aliases", "evidence: relations"]
    return _table(headers, rows) if rows else "<p>No entities.</p>"


def _sources(d: ReportData) -> str:
    rows = []
    for s in d.sources:
        where = link(s["url"]) if s.get("url") else f"local file {h(s.get('file_name'))}"
        if s.get("webpage_url") and s.get("webpage_url") != s.get("url"):
            where += f"<br>page: {link(s['webpage_url'])}"
        caps = "".join(
            f"<br>{h(c['kind'])} of {link(c['url'])} at {h(c['captured_at'])}, sha256 "
            f"<span class='mono'>{h(c['sha256'])}</span>"
            for c in s.get("captures", [])
        )
        rows.append(
            [
                f'<a id="source-{h(s["id"])}"></a>{h(s["id"])}',
                h(s.get("title")) + (f"<br>by {h(s['uploader'])}" if s.get("uploader") else ""),
                where + caps,
                h(s.get("retrieved_at")) + f"<br>by {h(s.get('retrieved_by'))}",
                f"<span class='mono'>{h(s['video'])}</span>",
                "<span class='mono'>"
                + h(", ".join(f"{k} {v}" for k, v in sorted(s.get("tool_versions", {}).items())))
                + "</span>",
            ]
        )
    headers = ["id", "title", "URL", "retrieved", "video SHA-256", "tools"]
    return _table(headers, rows) if rows else "<p>No sources.</p>"


def _legal(d: ReportData) -> str:
    refs = d.provision_refs()
    out = [f"<p><b>{h(LEGAL_DISCLAIMER)}</b></p>"]
    for p in d.provisions:
        linked = refs.get(p.id, [])
        if p.id in SELF_LABELLING:
            linked_text = (
                "This case file applies this labelling duty to itself: machine-generated "
                'findings are labelled (see <a href="#methodology">Methodology</a>). '
            )
        else:
            linked_text = ""
        seen = linked_text + (
            "Linked from findings: "
            + ", ".join(
                f'<a href="#{h(f.anchor)}">#{f.obs.id}</a> ({h(f.obs.label)})' for f in linked
            )
            if linked
            else "No published finding links to it."
        )
        applies = f"; applies from {h(p.applies_from)}" if p.applies_from else ""
        note = f"<p class='muted'>Note: {h(p.note)}</p>" if p.note else ""
        out.append(
            f'<div class="provision" id="prov-{h(p.id)}"><h3>{h(p.title)}</h3>'
            f"<p>{h(p.jurisdiction)} — {h(p.instrument)}, {h(p.date)}{applies}. "
            f"<span class='mono'>{h(p.id)}</span></p><p>{h(p.summary)}</p>"
            f"<p>Source: {link(p.source)}</p>{note}<p>{seen}</p></div>"
        )
    return "".join(out)


def _local(href: str, text: str, for_pdf: bool) -> str:
    """A link to another file of the bundle; plain text in the PDF, where a relative
    link would turn into an absolute file:// address of the folder it was printed in."""
    if for_pdf:
        return f"<span class='mono'>{h(text)}</span>"
    return f'<a href="{h(href)}">{h(text)}</a>'


def render(d: ReportData, for_pdf: bool = False) -> str:
    banners = []
    if d.fictional:
        banners.append(
            '<div class="banner fictional">FICTIONAL case: made for demonstration.</div>'
        )
    if d.unredacted:
        banners.append(
            '<div class="banner danger">UNREDACTED: faces in these images were NOT '
            "hidden. Published on explicit request; recorded in the audit log.</div>"
        )
    if d.include_suggestions:
        banners.append(
            '<div class="banner machine">Contains MACHINE-GENERATED suggestions that no '
            "person has reviewed; each is labelled.</div>"
        )
    summary = "".join(f"<li>{h(x)}</li>" for x in summary_lines(d))
    method = "".join(
        f"<h3>{h(title)}</h3>" + "".join(f"<p>{h(p)}</p>" for p in paras)
        for title, paras in methodology(d)
    )
    timeline = _table(
        ["date", "event"],
        [
            [h(ev.date), f'<a href="#{h(ev.anchor)}">{h(ev.text)}</a>' if ev.anchor else h(ev.text)]
            for ev in d.timeline
        ],
    )
    frames = "".join(_frame(fr) for fr in d.frames) or "<p>No findings to publish.</p>"
    graph = ""
    if d.graph_png:
        graph += f'<figure><img src="{h(d.graph_png)}" alt="the vendor graph"></figure>'
    if d.graph_html:
        graph += (
            f"<p>{_local(d.graph_html, 'Interactive view of the graph', for_pdf)} "
            "(opens offline; pan, zoom, click for details).</p>"
        )
    files = "".join(f"<li>{_local(p, p, for_pdf)}</li>" for p in d.data_files)
    other = ""
    if d.pdf:
        other += f"<li>{_local(d.pdf, d.pdf, for_pdf)} (this report as PDF)</li>"
    elif d.pdf_note:
        other += f"<li>{h(d.pdf_note)}</li>"
    other += f"<li>{_local('report.md', 'report.md', for_pdf)} (this report as Markdown)</li>"
    nav = " ".join(
        f'<a href="#{k}">{v}</a>'
        for k, v in (
            ("summary", "Summary"),
            ("methodology", "Methodology"),
            ("timeline", "Timeline"),
            ("findings", "Findings"),
            ("graph", "Graph"),
            ("entities", "Entities"),
            ("relations", "Relations"),
            ("sources", "Sources"),
            ("legal", "Legal context"),
            ("files", "Data and verification"),
        )
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{h(d.title)}</title><style>{CSS}</style></head><body>
<header><h1>{h(d.title)}</h1>{"".join(banners)}<p>{h(d.summary)}</p></header>
<nav>{nav}</nav>
<section id="summary"><h2>Summary</h2><ul>{summary}</ul></section>
<section id="methodology"><h2>Methodology</h2>{method}</section>
<section id="timeline"><h2>Timeline</h2>{timeline}</section>
<section id="findings"><h2>Findings</h2>{frames}</section>
<section id="graph"><h2>Graph</h2>{graph or _no_graph(d)}</section>
<section id="entities"><h2>Entities</h2>{_entities(d)}</section>
<section id="relations"><h2>Relations and their evidence</h2>{_relations(d)}</section>
<section id="sources"><h2>Sources</h2>{_sources(d)}</section>
<section id="legal"><h2>Legal context</h2>{_legal(d)}</section>
<section id="files"><h2>Data and verification</h2><ul>{files}{other}</ul>
<p>Made with workbench {h(d.workbench_version)}.</p></section>
</body></html>
"""
