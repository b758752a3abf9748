-- Closing the loop with the patient. A request keeps a keyed digest of the fact its status
-- page asks for (never the fact), whether the patient asked for texts or e-mails, and — sealed
-- with the request's key — the number or address those go to.
ALTER TABLE requests ADD COLUMN fact_digest TEXT;
ALTER TABLE requests ADD COLUMN text_updates BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE requests ADD COLUMN email_updates BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE requests ADD COLUMN contact_sealed BLOB;
-- Messages to patients share the outbox with staff notifications: a text is held outside the
-- location's daytime hours (`time_zone`), a message never to be sent (the number opted out, the
-- contact purged) is `abandoned_at`, and `announces` is the status it tells of.
ALTER TABLE outbox ADD COLUMN time_zone TEXT;
ALTER TABLE outbox ADD COLUMN abandoned_at BIGINT;
ALTER TABLE outbox ADD COLUMN announces TEXT;
-- Tries on the status page, per reference (a keyed digest of it): counted before the answer is
-- compared, so parallel guesses cannot slip past the lock; a right answer clears them.
CREATE TABLE status_tries (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    first_at BIGINT NOT NULL,
    locked_until BIGINT NOT NULL DEFAULT 0
);
-- STOP and START replies and e-mail unsubscribes, per number or address as a keyed digest
-- (`key_id` names the data key it was made with: that key is needed as long as the row is).
CREATE TABLE opt_outs (
    digest TEXT PRIMARY KEY,
    key_id TEXT NOT NULL,
    opted_out BOOLEAN NOT NULL,
    at BIGINT NOT NULL
);
