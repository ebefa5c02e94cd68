-- Interview state and saved results (issue 5).
-- Later issues add the case log, accounts and the audit trail in further migrations.

-- One interview in progress. The id is an unguessable random token: whoever holds the
-- URL holds the interview. No personal account is involved.
CREATE TABLE interviews (
    id          TEXT PRIMARY KEY NOT NULL,
    -- Answers given so far, as the JSON object of docs/language.md §12.
    answers     TEXT NOT NULL,
    -- Items of repeated groups being added, not yet confirmed: {"group": [{…}, …]}.
    drafts      TEXT NOT NULL DEFAULT '{}',
    -- The journey the person started from (NULL: explore everything).
    journey     TEXT,
    -- Rules in force on this date (NULL: the day of each evaluation).
    as_of       TEXT,
    -- Packs when the interview started: [{"id", "version", "digest"}].
    packs       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- A result saved for a permanent link. Immutable once written.
CREATE TABLE results (
    id          TEXT PRIMARY KEY NOT NULL,
    answers     TEXT NOT NULL,
    journey     TEXT,
    as_of       TEXT NOT NULL,
    packs       TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE INDEX interviews_updated_at ON interviews (updated_at);
