-- Searches that found nothing were kept as whole queries, which patients fill with names beside
-- medicines, with no end date. Now only single words are kept, only while several different
-- searches of the last days used them (see src/store/misses.rs); the old queries are dropped.
DROP TABLE search_misses;

-- Each word (with a letter in it) of a search that found nothing, once per different search, as
-- digests only: `pair` of the word with its whole search, `word_digest` of the word alone. `day`
-- is the day (since 1970) it was seen; rows older than the window are deleted.
CREATE TABLE search_miss_sightings (
    pair TEXT PRIMARY KEY NOT NULL,
    word_digest TEXT NOT NULL,
    day BIGINT NOT NULL
);
CREATE INDEX search_miss_sightings_word ON search_miss_sightings (word_digest);
CREATE INDEX search_miss_sightings_day ON search_miss_sightings (day);

-- The words behind the digests that enough different searches used; deleted when their
-- sightings expire below that.
CREATE TABLE search_miss_words (
    word_digest TEXT PRIMARY KEY NOT NULL,
    word TEXT NOT NULL
);
