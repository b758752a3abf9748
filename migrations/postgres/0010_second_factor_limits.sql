-- The code step has its own brake: wrong codes count here, and only a right code resets them
-- (a right password never does), so password → wrong codes → password cannot reset the count.
ALTER TABLE users ADD COLUMN code_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN code_locked_until BIGINT NOT NULL DEFAULT 0;
-- A two-factor secret the server drew for this session's enrolment, sealed; kept until used.
ALTER TABLE sessions ADD COLUMN pending_key_id TEXT;
ALTER TABLE sessions ADD COLUMN pending_sealed BYTEA;
