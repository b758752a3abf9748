-- Experiences patients share through the public form, waiting for a pharmacist to approve
-- (published as a testimonial) or reject them.
CREATE TABLE testimonial_submissions (
    id INTEGER PRIMARY KEY,
    created_at BIGINT NOT NULL,
    name TEXT NOT NULL,
    place TEXT NOT NULL,
    quote TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    decided_by TEXT,
    decided_at BIGINT
);
CREATE INDEX testimonial_submissions_status ON testimonial_submissions (status, id);
