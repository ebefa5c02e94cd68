-- Interview state and saved results (issue 5): the same schema as migrations/sqlite.
-- JSON columns are JSONB (read back as text, then parsed); times are RFC 3339 text, as in
-- SQLite, so both backends return the same values.

CREATE TABLE interviews (
    id          TEXT PRIMARY KEY NOT NULL,
    answers     JSONB NOT NULL,
    drafts      JSONB NOT NULL DEFAULT '{}',
    journey     TEXT,
    as_of       TEXT,
    packs       JSONB NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE results (
    id          TEXT PRIMARY KEY NOT NULL,
    answers     JSONB NOT NULL,
    journey     TEXT,
    as_of       TEXT NOT NULL,
    packs       JSONB NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE INDEX interviews_updated_at ON interviews (updated_at);
