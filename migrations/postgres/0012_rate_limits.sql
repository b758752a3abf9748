-- Rate-limit buckets shared by every instance (used on PostgreSQL; SQLite, one process, keeps
-- them in memory). The key is a keyed digest of the limit and the client's address.
CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    tokens DOUBLE PRECISION NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX rate_limits_at ON rate_limits (at);
