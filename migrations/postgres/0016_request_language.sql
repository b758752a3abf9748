-- The language of the page a request was sent from ("en", "es"): staff see that the patient
-- prefers Spanish, and the confirmation, the status page and the patient's messages are in it.
ALTER TABLE requests ADD COLUMN lang TEXT NOT NULL DEFAULT 'en';
