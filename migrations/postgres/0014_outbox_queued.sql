-- When each notification was queued, so monitoring can tell how long the oldest undelivered
-- one has waited (`due_at` moves forward with every retry). Rows from before: their due time.
ALTER TABLE outbox ADD COLUMN queued_at BIGINT;
UPDATE outbox SET queued_at = due_at;
