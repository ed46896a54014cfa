"""Full-text search over every observation of every video (OCR text, notes, labels,
vendors, tags), owner of the `observation_search` FTS5 table and its state table.

The index is derived data: `sync` brings it in step with the observations (only rows
whose words changed are rewritten) before each search. Text is folded before indexing
and before matching: case, diacritics, and Cyrillic letters that look like Latin ones
(a Cyrillic "О" in "NОRDVIEW" finds and is found by a Latin "O")."""

from __future__ import annotations

import hashlib
import re
import sqlite3
import unicodedata
from dataclasses import dataclass

from workbench.case import observations
from workbench.case.observations import Observation
from workbench.case.store import transaction

# Cyrillic (and Greek) capitals and small letters drawn like Latin ones
LOOKALIKES = str.maketrans(
    "АВЕКМНОРСТУХІЈЅаеорсухіјѕԁԛԝΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
    "ABEKMHOPCTYXIJSaeopcyxijsdqwABEZHIKMNOPTYX",
)
# the same pairs in lower case, applied after case folding: "Камера" and "КАМЕРА" fold
# alike (a small "м" alone is not drawn like "m", but a search must ignore case)
_FOLDED = {
    ord(chr(c).casefold()): ord(chr(latin).casefold())
    for c, latin in LOOKALIKES.items()
    if len(chr(c).casefold()) == 1
}
_WORD = re.compile(r"\w+", re.UNICODE)


def fold(text: str) -> str:
    """Text as the index holds it: look-alikes to Latin, no diacritics, lower case."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_FOLDED)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _body(o: Observation) -> str:
    parts = [o.text, o.label, o.vendor, " ".join(o.tags), o.kind]
    return fold(" ".join(p for p in parts if p))


def sync(conn: sqlite3.Connection) -> int:
    """Bring the index in step with the observations; returns how many rows changed."""
    wanted = {o.id: _body(o) for o in observations.query(conn) if not observations.withdrawn(o)}
    have = dict(conn.execute("SELECT id, digest FROM observation_search_state").fetchall())
    digests = {i: hashlib.sha256(b.encode()).hexdigest()[:16] for i, b in wanted.items()}
    stale = [i for i in have if digests.get(i) != have[i]]
    new = [i for i in wanted if have.get(i) != digests[i]]
    if not stale and not new:
        return 0
    with transaction(conn):
        for i in stale:
            conn.execute("DELETE FROM observation_search WHERE rowid = ?", (i,))
            conn.execute("DELETE FROM observation_search_state WHERE id = ?", (i,))
        for i in new:
            conn.execute(
                "INSERT INTO observation_search (rowid, body) VALUES (?, ?)", (i, wanted[i])
            )
            conn.execute(
                "INSERT INTO observation_search_state (id, digest) VALUES (?, ?)",
                (i, digests[i]),
            )
    return len(set(stale) | set(new))


@dataclass(frozen=True)
class Hit:
    observation: Observation
    snippet: str  # the folded text around the match, the match in [brackets]


def search(conn: sqlite3.Connection, text: str, limit: int = 100) -> list[Hit]:
    """Observations whose words start with every word of `text` (folded), best first.
    An empty query finds nothing; punctuation is ignored (no FTS5 syntax gets through)."""
    words = _WORD.findall(fold(text))
    if not words:
        return []
    sync(conn)
    match = " ".join(f'"{w}"*' for w in words)
    rows = conn.execute(
        "SELECT rowid, snippet(observation_search, 0, '[', ']', '…', 12)"
        " FROM observation_search WHERE observation_search MATCH ? ORDER BY rank LIMIT ?",
        (match, limit),
    ).fetchall()
    found = {o.id: o for o in observations.query(conn, ids=[r[0] for r in rows])} if rows else {}
    return [Hit(found[r[0]], r[1]) for r in rows if r[0] in found]
