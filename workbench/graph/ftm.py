"""The vendor graph as FollowTheMoney entities, for Aleph.

FtM has no "supplier of" schema. The mapping (docs/graph.md has the table):

- organisation → PublicBody (public), Company (a registry number or a legal form in its
  name) or Organization; product → Asset; site → RealEstate; person → Person.
- distributes → Representation (agent distributor, client vendor); subsidiary_of →
  Ownership (owner parent, asset subsidiary) where the subsidiary is a Company; every
  other kind → UnknownLink with subject = our source, object = our target, and the kind
  and direction in `role` ("supplies: subject supplies object"), with `proof`,
  `sourceUrl`, `startDate`, `endDate` and the evidence strength in `status`.
- evidence: url/document → Document (`contentHash` of a saved copy); procurement →
  Contract (authority = buyer) + ContractAward (supplier); customs → EconomicActivity;
  registry → Document for the record; observation → Video (`contentHash` = the video's
  SHA-256) and Image (the frame or crop), with Documentation tying them to the parties.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from pathlib import PurePosixPath
from typing import IO, Any

from workbench.case import observations, records
from workbench.graph import relation_rows
from workbench.graph.ftm_writer import FtmWriter, ftm_id
from workbench.graph.identifiers import COMPANY_SCHEMES, SCHEMES
from workbench.graph.import_log import import_file_names
from workbench.graph.model import ENTITY_KINDS, RELATION_KINDS
from workbench.graph.names import org_markers
from workbench.graph.view import SEP, GraphView

EV_COLUMNS = (
    "relation_id",
    "kind",
    *relation_rows.DOCUMENT_COLUMNS,
    "observation_id",
    "import_id",
    *relation_rows.RECORD_COLUMNS,
)


def node_schema(node: dict[str, Any]) -> str:
    kind = node["kind"]
    if kind != "organisation":
        return ENTITY_KINDS[kind].ftm_schema
    if node.get("public"):
        return "PublicBody"
    form, public = org_markers(node["label"])
    if public:
        return "PublicBody"
    schemes = {i.split(":", 1)[0] for i in str(node.get("identifiers", "")).split(SEP) if i}
    return "Company" if form or schemes & COMPANY_SCHEMES else "Organization"


def write_node(w: FtmWriter, node: dict[str, Any]) -> str:
    schema = node_schema(node)
    proxy = w.make(schema, ftm_id("e", node["id"]))
    w.add(proxy, "name", node["label"])
    if node.get("aliases"):
        w.add_all(proxy, "alias", str(node["aliases"]).split(SEP))
    w.add(proxy, "country", node.get("country"))
    place = ", ".join(x for x in (node.get("address"), node.get("city")) if x)
    w.add(proxy, "address", place or None)
    if node["kind"] != "organisation":
        role = f" ({node['role']})" if node.get("role") else ""
        w.add(proxy, "description", f"workbench {node['kind']}{role}")

    if schema == "RealEstate":
        w.add(proxy, "latitude", node.get("lat"))
        w.add(proxy, "longitude", node.get("lon"))
        w.add(proxy, "propertyType", (node.get("role") or "site").replace("_", " "))
    for ident in str(node.get("identifiers", "")).split(SEP):
        if not ident:
            continue
        scheme, value = ident.split(":", 1)
        prop = SCHEMES[scheme].ftm_property
        if w.prop(proxy, prop) is None:
            continue
        w.add(proxy, prop, f"https://{value}/" if scheme == "website" else value)
    if schema in ("Company", "Organization", "PublicBody") and node.get("role"):
        w.add(proxy, "classification", node["role"])
    w.emit(proxy)
    return schema


class FtmExport:
    """Writes one case's view: parties, then evidence entities, then links."""

    def __init__(self, conn: sqlite3.Connection, view: GraphView, out: IO[str]):
        self.conn, self.view = conn, view
        self.w = FtmWriter(out)
        self.schemas: dict[str, str] = {}
        self.imports = import_file_names(conn)

    def run(self) -> FtmWriter:
        for node in self.view.nodes:
            self.schemas[node["id"]] = write_node(self.w, node)
        evidence = self._evidence()
        observations = self._observations()
        videos_done: set[tuple[str, str]] = set()  # (video, entity) pairs already linked
        for edge in self.view.edges:
            pieces = [p for rid in edge["relations"].split(SEP) for p in evidence.get(int(rid), ())]
            proofs, urls = self._write_evidence(edge, pieces, observations, videos_done)
            self._write_link(edge, proofs, urls)
        self.w.check()
        return self.w

    def _evidence(self) -> dict[int, list[tuple]]:
        out: dict[int, list[tuple]] = defaultdict(list)
        for row in relation_rows.evidence_table(self.conn, EV_COLUMNS):
            *head, row_values = row
            fields = json.loads(row_values).get("fields") if row_values else None
            out[row[0]].append((*head, json.dumps(fields) if fields is not None else None))
        return out

    def _observations(self) -> dict[int, dict[str, Any]]:
        """The observations cited as evidence, with their video's file and first source."""
        cited = relation_rows.cited_observation_ids(self.conn)
        if not cited:
            return {}
        videos = {v.sha256: v for v in records.videos(self.conn)}
        first: dict[str, records.Source] = {}
        for source in records.sources(self.conn):
            first.setdefault(source.video_sha256, source)
        out: dict[int, dict[str, Any]] = {}
        for o in observations.query(self.conn, ids=cited):
            video = videos.get(o.video)
            if video is None:
                continue
            src = first.get(o.video)
            out[o.id] = {
                "id": o.id,
                "video": o.video,
                "frame_index": o.frame_index,
                "time_s": o.time_s,
                "kind": o.kind,
                "label": o.label,
                "vendor": o.vendor,
                "text": o.text,
                "bbox": json.dumps(o.bbox) if o.bbox is not None else None,
                "pixel_sha256": o.pixel_sha256,
                "status": o.status,
                "media_path": video.media_path,
                "title": src.title if src else None,
                "webpage_url": src.webpage_url if src else None,
            }
        return out

    def _write_evidence(
        self,
        edge: dict[str, Any],
        pieces: list[tuple],
        observations: dict[int, dict[str, Any]],
        videos_done: set[tuple[str, str]],
    ) -> tuple[list[str], list[str]]:
        w = self.w
        proofs: list[str] = []
        urls: list[str] = []
        src, tgt = ftm_id("e", edge["source"]), ftm_id("e", edge["target"])
        for (
            rid,
            kind,
            url,
            title,
            retrieved,
            sha,
            media_path,
            obs_id,
            import_id,
            file_sha,
            row,
            values_json,
        ) in pieces:
            if url and url not in urls:
                urls.append(url)
            values = json.loads(values_json) if values_json else {}
            if kind in ("url", "document"):
                doc_id = ftm_id("d", sha or url or title or f"{rid}")
                if doc_id not in w.emitted:
                    doc = w.make("Document", doc_id)
                    name = title or (PurePosixPath(media_path).name if media_path else None)
                    w.add(doc, "fileName", name or url or sha)
                    w.add(doc, "title", title)
                    w.add(doc, "sourceUrl", url)
                    w.add(doc, "contentHash", sha)
                    w.add(doc, "retrievedAt", retrieved)
                    w.emit(doc)
                proofs.append(doc_id)
            elif kind == "registry":
                doc_id = ftm_id("d", f"{file_sha[:16]}-{row}")
                if doc_id not in w.emitted:
                    doc = w.make("Document", doc_id)
                    w.add(doc, "fileName", f"{self.imports.get(import_id, file_sha)} row {row}")
                    w.add(doc, "contentHash", file_sha)
                    w.add(doc, "sourceUrl", url)
                    w.emit(doc)
                proofs.append(doc_id)
            elif kind == "procurement":
                self._contract(edge, src, tgt, file_sha, row, url, values)
            elif kind == "customs":
                act = w.make("EconomicActivity", ftm_id("x", f"{file_sha[:16]}-{row}"))
                w.add(act, "sender", src)
                w.add(act, "receiver", tgt)
                w.add(act, "goodsDescription", values.get("goods"))
                w.add(act, "vedCode", values.get("hs_code"))
                w.add(act, "originCountry", values.get("origin_country"))
                w.add(act, "invoiceAmount", values.get("amount"))
                w.add(act, "ccdNumber", values.get("declaration"))
                w.add(act, "date", values.get("date"))
                w.add(act, "sourceUrl", url)
                w.add(act, "recordId", f"{file_sha}:{row}")
                w.emit(act)
            elif kind == "observation" and obs_id in observations:
                o = observations[obs_id]
                if o["status"] != "confirmed":
                    continue
                proofs.append(self._footage(o, sha, src, tgt, videos_done))
        return proofs, urls

    def _contract(
        self,
        edge: dict[str, Any],
        src: str,
        tgt: str,
        file_sha: str,
        row: int,
        url: str | None,
        values: dict[str, Any],
    ) -> None:
        w = self.w
        record = f"{file_sha[:16]}-{row}"
        if ftm_id("c", record) in w.emitted:
            return
        contract = w.make("Contract", ftm_id("c", record))
        w.add(contract, "title", values.get("lot") or f"Award {values.get('tender_id') or record}")
        w.add(contract, "authority", tgt)
        w.add(contract, "amount", values.get("amount"))
        w.add(contract, "currency", values.get("currency"))
        w.add(contract, "contractDate", values.get("date"))
        w.add(contract, "procedureNumber", values.get("tender_id"))
        w.add(contract, "sourceUrl", url)
        w.emit(contract)
        award = w.make("ContractAward", ftm_id("a", record))
        w.add(award, "contract", contract.id)
        w.add(award, "supplier", src)
        w.add(award, "amount", values.get("amount"))
        w.add(award, "currency", values.get("currency"))
        w.add(award, "date", values.get("date"))
        w.add(award, "sourceUrl", url)
        w.add(award, "recordId", f"{file_sha}:{row}")
        w.emit(award)

    def _footage(
        self,
        o: dict[str, Any],
        crop_sha: str | None,
        src: str,
        tgt: str,
        videos_done: set[tuple[str, str]],
    ) -> str:
        w = self.w
        video_id = ftm_id("v", o["video"])
        if video_id not in w.emitted:
            video = w.make("Video", video_id)
            w.add(video, "fileName", PurePosixPath(o["media_path"]).name)
            w.add(video, "contentHash", o["video"])
            w.add(video, "title", o["title"])
            w.add(video, "sourceUrl", o["webpage_url"])
            w.emit(video)
        image_id = ftm_id("i", f"obs-{o['id']}")
        if image_id not in w.emitted:
            image = w.make("Image", image_id)
            w.add(image, "fileName", f"{o['video'][:12]}-frame{o['frame_index']}.png")
            w.add(image, "contentHash", crop_sha or o["pixel_sha256"])
            w.add(image, "title", f"frame {o['frame_index']} at {o['time_s']:.3f} s")
            what = o["label"] or o["vendor"] or o["text"] or o["kind"]
            w.add(
                image,
                "description",
                f"confirmed {o['kind']} observation {o['id']}: {what}; box {o['bbox']}",
            )
            w.emit(image)
            seen = w.make("Documentation", ftm_id("m", f"obs-{o['id']}-{src}"))
            w.add(seen, "document", image_id)
            w.add(seen, "entity", src)
            w.add(seen, "role", "seen in frame")
            w.emit(seen)
        key = (o["video"], tgt)
        if key not in videos_done:
            videos_done.add(key)
            filmed = w.make("Documentation", ftm_id("m", f"{o['video']}-{tgt}"))
            w.add(filmed, "document", video_id)
            w.add(filmed, "entity", tgt)
            w.add(filmed, "role", "filmed at")
            w.emit(filmed)
        return video_id

    def _write_link(self, edge: dict[str, Any], proofs: list[str], urls: list[str]) -> None:
        w = self.w
        kind = RELATION_KINDS[edge["kind"]]
        src, tgt = ftm_id("e", edge["source"]), ftm_id("e", edge["target"])
        schema = kind.ftm_schema
        if schema == "Representation" and self.schemas[edge["target"]] in ("Asset", "RealEstate"):
            schema = "UnknownLink"
        if schema == "Ownership" and self.schemas[edge["source"]] != "Company":
            schema = "UnknownLink"
        link = w.make(schema, ftm_id("r", edge["id"].removeprefix("rel-")))
        if schema == "Representation":
            w.add(link, "agent", src)
            w.add(link, "client", tgt)
            w.add(link, "role", "distributor")
        elif schema == "Ownership":
            w.add(link, "owner", tgt)
            w.add(link, "asset", src)
            w.add(link, "ownershipType", "subsidiary")
            w.add(link, "role", "subsidiary_of: asset is a subsidiary of owner")
        else:
            w.add(link, "subject", src)
            w.add(link, "object", tgt)
            w.add(link, "role", f"{kind.name}: subject {kind.phrase} object")
        w.add(link, "startDate", edge.get("start"))
        w.add(link, "endDate", edge.get("end"))
        w.add_all(link, "proof", proofs)
        w.add_all(link, "sourceUrl", urls)
        w.add(link, "status", edge["strength"])
        w.add(
            link,
            "description",
            f"confidence {edge['confidence']:.2f}; evidence: "
            f"{edge.get('evidence_kinds') or 'none (hypothesis)'}",
        )
        w.emit(link)


def write_ftm(conn: sqlite3.Connection, view: GraphView, out: IO[str]) -> FtmWriter:
    return FtmExport(conn, view, out).run()
