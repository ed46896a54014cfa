"""SQL of the vendor graph's tables (migration 5 of case.db).

This module imports nothing: workbench.case.migrations reads GRAPH_SCHEMA from it.
Kinds (entity, relation, evidence) are validated in Python against workbench.graph.model,
not with CHECK lists here, so that adding a kind never means editing a shipped migration.

Merges never rewrite rows: the merged entity points at the one it was merged into
(`merged_into`), every view follows those pointers, and undoing a merge clears it.
"""

GRAPH_SCHEMA = """
CREATE TABLE entities (
    id           TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 80),
    kind         TEXT NOT NULL,                 -- workbench.graph.model.ENTITY_KINDS
    name         TEXT NOT NULL CHECK (length(name) > 0),
    role         TEXT,                          -- organisation: integrator, vendor, ...
    country      TEXT CHECK (country IS NULL OR length(country) = 2),  -- ISO 3166-1, lower
    city         TEXT,
    address      TEXT,
    lat          REAL CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
    lon          REAL CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
    public       INTEGER NOT NULL DEFAULT 0 CHECK (public IN (0, 1)),  -- a public body
    props        TEXT NOT NULL DEFAULT '{}',    -- JSON: model, website, notes, ...
    merged_into  TEXT REFERENCES entities(id),  -- set while merged into another entity
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX entities_kind ON entities(kind);
CREATE INDEX entities_merged ON entities(merged_into) WHERE merged_into IS NOT NULL;

-- every spelling of an entity's name (the primary name too), with its matching key
CREATE TABLE entity_names (
    id         INTEGER PRIMARY KEY,
    entity_id  TEXT NOT NULL REFERENCES entities(id),
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL,
    source     TEXT NOT NULL,                   -- 'manual', 'import:<id>:row:<n>', ...
    UNIQUE (entity_id, name)
);
CREATE INDEX entity_names_key ON entity_names(name_key);

CREATE TABLE identifiers (
    id         INTEGER PRIMARY KEY,
    entity_id  TEXT NOT NULL REFERENCES entities(id),
    scheme     TEXT NOT NULL,                   -- identifiers.SCHEMES: kz_bin, ru_inn, ...
    value      TEXT NOT NULL,                   -- normalised
    source     TEXT NOT NULL,
    UNIQUE (scheme, value)
);
CREATE INDEX identifiers_entity ON identifiers(entity_id);

CREATE TABLE graph_imports (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL,               -- procurement, customs, registry, relations
    file_name      TEXT NOT NULL,
    file_sha256    TEXT NOT NULL CHECK (length(file_sha256) = 64),
    mapping        TEXT NOT NULL,               -- JSON: field -> column
    encoding       TEXT NOT NULL,
    rows_total     INTEGER NOT NULL,
    rows_imported  INTEGER NOT NULL,
    rows_skipped   TEXT NOT NULL DEFAULT '[]',  -- JSON [[row, reason], ...]
    imported_at    TEXT NOT NULL,
    imported_by    TEXT NOT NULL
);

CREATE TABLE relations (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,                  -- workbench.graph.model.RELATION_KINDS
    source_id   TEXT NOT NULL REFERENCES entities(id),
    target_id   TEXT NOT NULL REFERENCES entities(id),
    start_date  TEXT,                           -- ISO 8601, possibly partial (2021, 2021-05)
    end_date    TEXT,
    confidence  REAL NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    note        TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK (source_id <> target_id),
    UNIQUE (kind, source_id, target_id)
);
CREATE INDEX relations_target ON relations(target_id);

-- one piece of evidence behind a relation; `ref` identifies it (no duplicates per relation)
CREATE TABLE evidence (
    id              INTEGER PRIMARY KEY,
    relation_id     INTEGER NOT NULL REFERENCES relations(id),
    kind            TEXT NOT NULL,              -- workbench.graph.model.EVIDENCE_KINDS
    ref             TEXT NOT NULL,
    observation_id  INTEGER REFERENCES observations(id),
    url             TEXT,
    title           TEXT,
    retrieved_at    TEXT,
    sha256          TEXT CHECK (sha256 IS NULL OR length(sha256) = 64),  -- saved copy or crop
    media_path      TEXT,                       -- the saved copy, relative to the case folder
    size_bytes      INTEGER,                    -- of the saved copy
    import_id       INTEGER REFERENCES graph_imports(id),
    file_sha256     TEXT CHECK (file_sha256 IS NULL OR length(file_sha256) = 64),
    row_number      INTEGER,                    -- 1-based, the header is row 1
    row_values      TEXT,                       -- JSON: the record's fields as imported
    note            TEXT,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    UNIQUE (relation_id, ref)
);
CREATE INDEX evidence_observation ON evidence(observation_id) WHERE observation_id IS NOT NULL;
CREATE TRIGGER evidence_observation_confirmed BEFORE INSERT ON evidence
WHEN NEW.observation_id IS NOT NULL
 AND (SELECT status FROM observations WHERE id = NEW.observation_id) IS NOT 'confirmed'
BEGIN SELECT RAISE(ABORT, 'evidence can only cite a confirmed observation'); END;

CREATE TABLE merges (
    id          INTEGER PRIMARY KEY,
    winner_id   TEXT NOT NULL REFERENCES entities(id),
    loser_id    TEXT NOT NULL REFERENCES entities(id),
    reason      TEXT NOT NULL,
    automatic   INTEGER NOT NULL DEFAULT 0 CHECK (automatic IN (0, 1)),
    merged_at   TEXT NOT NULL,
    merged_by   TEXT NOT NULL,
    undone_at   TEXT,
    undone_by   TEXT
);
CREATE INDEX merges_loser ON merges(loser_id);

-- videos known to be filmed at a site: what `propose` needs to turn observations into edges
CREATE TABLE site_videos (
    site_id       TEXT NOT NULL REFERENCES entities(id),
    video_sha256  TEXT NOT NULL REFERENCES videos(sha256),
    note          TEXT,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    PRIMARY KEY (site_id, video_sha256)
);

CREATE TABLE proposals (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    source_id       TEXT NOT NULL REFERENCES entities(id),
    target_id       TEXT NOT NULL REFERENCES entities(id),
    observation_id  INTEGER NOT NULL REFERENCES observations(id),
    status          TEXT NOT NULL DEFAULT 'proposed'
                    CHECK (status IN ('proposed', 'accepted', 'rejected')),
    reason          TEXT NOT NULL,
    relation_id     INTEGER REFERENCES relations(id),
    created_at      TEXT NOT NULL,
    decided_at      TEXT,
    decided_by      TEXT,
    UNIQUE (kind, source_id, target_id, observation_id)
);
"""
