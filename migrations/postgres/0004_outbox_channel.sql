-- One outbox row per notification channel (e-mail, webhook), so a message delivered on one
-- channel is never sent again there while another channel is still retrying.
ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'email';
