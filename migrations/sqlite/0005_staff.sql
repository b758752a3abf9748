-- Staff accounts, their sessions, the audit trail, and what staff do with requests.

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    -- argon2id PHC string; NULL until the one-time setup link is used.
    password_hash TEXT,
    -- The TOTP secret, sealed with the data keys (key id and blob); NULL until enrolled.
    totp_key_id TEXT,
    totp_sealed BLOB,
    -- SHA-256 of each unused recovery code, space-separated.
    recovery_hashes TEXT NOT NULL DEFAULT '',
    disabled INTEGER NOT NULL DEFAULT 0,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

-- Only a SHA-256 of each token is kept: a copy of the database opens no session.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    -- "setup" (a one-time link to set the password), "second-factor" (password checked, code
    -- not yet), "enrol" (must set up two-factor first) or "signed-in".
    stage TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Append-only: the triggers refuse changes and deletions. Never holds sealed patient data.
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_at ON audit (at);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- A request's history: status changes, assignments, notes (notes may name the patient's
-- medicines, so they are sealed like the request).
CREATE TABLE request_events (
    id INTEGER PRIMARY KEY,
    reference TEXT NOT NULL REFERENCES requests (reference),
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    value TEXT NOT NULL DEFAULT '',
    key_id TEXT,
    sealed BLOB
);
CREATE INDEX request_events_reference ON request_events (reference, id);

ALTER TABLE requests ADD COLUMN assigned_to TEXT;
ALTER TABLE requests ADD COLUMN updated_at BIGINT;
