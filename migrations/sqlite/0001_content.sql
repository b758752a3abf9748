-- Published content. Each entry's front matter is kept whole as JSON (`data`), with the columns
-- the site queries pulled out beside it; `fingerprint` lets import skip unchanged rows.

CREATE TABLE content_meta (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    -- Bumped by every change to content; caches compare it to know when to reload.
    version INTEGER NOT NULL
);
INSERT INTO content_meta (id, version) VALUES (1, 0);

CREATE TABLE site (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    data TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    updated_at INTEGER NOT NULL -- Unix milliseconds
);

CREATE TABLE medications (
    slug TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE testimonials (
    slug TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE conditions (
    slug TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    category TEXT,
    data TEXT NOT NULL,
    body TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Which conditions list which medications, and how; kept for "conditions that list it".
CREATE TABLE condition_medications (
    condition_slug TEXT NOT NULL REFERENCES conditions (slug) ON DELETE CASCADE,
    medication_slug TEXT NOT NULL REFERENCES medications (slug) ON DELETE RESTRICT,
    availability TEXT NOT NULL
        CHECK (availability IN ('over_the_counter', 'prescription', 'compounded')),
    position INTEGER NOT NULL,
    PRIMARY KEY (condition_slug, availability, medication_slug)
);
CREATE INDEX condition_medications_by_medication ON condition_medications (medication_slug);
