-- The 30-second step of the last two-factor code accepted, so a code cannot be used twice.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
