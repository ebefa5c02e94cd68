-- The case log (issue 7): situations, the rule texts their verdicts refer to, accounts,
-- sessions, sign-in failures and the append-only audit trail.
-- The PostgreSQL migration of the same number has the same tables and columns; JSON is
-- kept as text in both so every query is written once.

-- People who may write. Reading published situations needs no account.
CREATE TABLE users (
    id             TEXT PRIMARY KEY NOT NULL,
    -- Lower-case sign-in name.
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('contributor', 'policy_specialist', 'admin')),
    -- Argon2id in PHC string format; NULL for accounts that sign in with OpenID Connect only.
    password_hash  TEXT,
    -- "issuer subject" of an OpenID Connect account.
    oidc_subject   TEXT UNIQUE,
    disabled       INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

-- Server-side sessions. The cookie holds a random token; only its SHA-256 is stored.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id),
    -- Synchroniser token for the forms of this session.
    csrf        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins, for rate limiting across instances. key: "user:NAME" or "ip:ADDRESS".
CREATE TABLE sign_in_failures (
    key  TEXT NOT NULL,
    at   TEXT NOT NULL
);
CREATE INDEX sign_in_failures_key ON sign_in_failures (key, at);

-- Rule, myth and to-confirm texts as they were when a verdict was recorded, addressed by
-- the SHA-256 of their content: a verdict refers to them by fingerprint, so a situation
-- stays readable after the pack changes, and each text is stored once.
CREATE TABLE rule_texts (
    fp    TEXT PRIMARY KEY NOT NULL,
    body  TEXT NOT NULL
);

-- A situation a team brought, and what was said about it.
CREATE TABLE situations (
    id          TEXT PRIMARY KEY NOT NULL,
    title       TEXT NOT NULL,
    narrative   TEXT NOT NULL,
    -- Language the title and narrative are written in: en | fr.
    lang        TEXT NOT NULL,
    domains     TEXT NOT NULL,
    journey     TEXT,
    -- The top pack the verdict was worked out with.
    pack        TEXT NOT NULL,
    advice_en   TEXT NOT NULL,
    advice_fr   TEXT NOT NULL,
    consulted   TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('draft', 'answered', 'needs_review', 'published')),
    rules       TEXT NOT NULL,
    myths       TEXT NOT NULL,
    -- Packs it was last re-checked against, and the differences found (NULL: none).
    checked     TEXT NOT NULL,
    review      TEXT,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    -- Incremented on every change; an edit names the revision it started from.
    revision    INTEGER NOT NULL
);
CREATE INDEX situations_status ON situations (status, updated_at);

-- The answers and the verdict at the time (packs, and the fingerprints of what applied):
-- large and rarely rewritten, so kept apart from the row a re-check or an edit of the
-- status rewrites.
CREATE TABLE situation_data (
    id       TEXT PRIMARY KEY NOT NULL REFERENCES situations (id),
    answers  TEXT NOT NULL,
    verdict  TEXT NOT NULL
);

-- Every change, in order. Never updated or deleted (the triggers refuse).
CREATE TABLE audit (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    old_value  TEXT,
    new_value  TEXT
);
CREATE INDEX audit_entity ON audit (entity, entity_id);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
