-- Patient requests. The contents are sealed (XChaCha20-Poly1305) before they reach the
-- database; only non-identifying metadata is readable here.
CREATE TABLE requests (
    id BIGSERIAL PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    location TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'new',
    created_at BIGINT NOT NULL,
    key_id TEXT NOT NULL,
    sealed BYTEA NOT NULL
);

-- Staff notifications, written in the same transaction as their request and delivered by a
-- background worker with retries. Messages carry no patient data.
CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    reference TEXT NOT NULL REFERENCES requests (reference),
    message TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    due_at BIGINT NOT NULL,
    delivered_at BIGINT,
    last_error TEXT
);

CREATE INDEX outbox_due ON outbox (due_at) WHERE delivered_at IS NULL;
