-- Every save of a content file in the back office: the whole file text, who saved it and when,
-- and whether it was published. The published content itself stays in its tables.
CREATE TABLE content_revisions (
    id BIGSERIAL PRIMARY KEY,
    path TEXT NOT NULL,
    source TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    state TEXT NOT NULL
);
CREATE INDEX content_revisions_path ON content_revisions (path, id);
