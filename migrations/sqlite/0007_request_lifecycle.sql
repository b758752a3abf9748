-- When staff were reminded about a request nobody picked up, when it was closed (done or
-- cannot fill), and when its sealed contents were purged after the retention period.
ALTER TABLE requests ADD COLUMN renotified_at BIGINT;
ALTER TABLE requests ADD COLUMN closed_at BIGINT;
ALTER TABLE requests ADD COLUMN purged_at BIGINT;
