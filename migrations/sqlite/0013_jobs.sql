-- Scheduled jobs that run on one instance at a time: a round is leased by one instance until
-- `held_until` (Unix ms); the others skip it.
CREATE TABLE jobs (
    name TEXT PRIMARY KEY,
    held_until BIGINT NOT NULL
);
