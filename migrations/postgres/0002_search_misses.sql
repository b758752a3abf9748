-- Searches that found nothing: the normalised query text and how often it was asked. Nothing
-- about who asked (no address, no time, no session).
CREATE TABLE search_misses (
    query TEXT PRIMARY KEY,
    count BIGINT NOT NULL
);
