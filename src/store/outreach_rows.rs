//! `Outreach` on `SqlStore`: the status page's tries, patients' messages in the outbox, and
//! opt-outs. Portable SQL, as in `rows.rs`.

use async_trait::async_trait;

use super::backend::Backend;
use super::outreach::{Outreach, PatientMessage, RequestStanding};
use super::pool::SqlStore;
use super::query::query;
use super::staff_rows::append_audit;
use super::{AuditEntry, StoreResult};

/// The outbox channels that reach patients (see `notify`).
const PATIENT_CHANNELS: &str = "('sms', 'patient-email')";

#[async_trait]
impl<B: Backend> Outreach for SqlStore<B> {
    async fn standing(&self, reference: &str) -> StoreResult<Option<RequestStanding>> {
        Ok(query::<B>(
            "SELECT kind, location, status, created_at, updated_at, fact_digest, text_updates, \
             email_updates, lang FROM requests WHERE reference = $1",
        )
        .bind(reference.to_owned())
        .fetch_optional(&mut *self.read().await?)
        .await?)
    }

    async fn status_attempt(&self, key: &str, now: i64, window_ms: i64) -> StoreResult<(i64, i64)> {
        let mut w = self.write().await?;
        // One upsert counts the try, so concurrent tries each count; a window that has passed
        // starts again at one.
        let counted: (i64, i64) = query::<B>(
            "INSERT INTO status_tries (key, failures, first_at) VALUES ($1, 1, $2) \
             ON CONFLICT (key) DO UPDATE SET \
               failures = CASE WHEN status_tries.first_at <= $3 THEN 1 \
                          ELSE status_tries.failures + 1 END, \
               first_at = CASE WHEN status_tries.first_at <= $3 THEN $2 \
                          ELSE status_tries.first_at END \
             RETURNING CAST(failures AS BIGINT), locked_until",
        )
        .bind(key.to_owned())
        .bind(now)
        .bind(now - window_ms)
        .fetch_one(&mut *w.tx)
        .await?;
        w.commit().await?;
        Ok(counted)
    }

    async fn status_lock(&self, key: &str, until: i64) -> StoreResult<()> {
        let mut w = self.write().await?;
        query::<B>("UPDATE status_tries SET locked_until = $1 WHERE key = $2")
            .bind(until)
            .bind(key.to_owned())
            .execute(&mut *w.tx)
            .await?;
        w.commit().await
    }

    async fn status_reset(&self, key: &str, now: i64) -> StoreResult<()> {
        let mut w = self.write().await?;
        query::<B>("UPDATE status_tries SET failures = 0 WHERE key = $1 AND locked_until <= $2")
            .bind(key.to_owned())
            .bind(now)
            .execute(&mut *w.tx)
            .await?;
        w.commit().await
    }

    async fn forget_status_tries(&self, before: i64) -> StoreResult<u64> {
        let mut w = self.write().await?;
        let gone: Vec<(i64,)> = query::<B>(
            "DELETE FROM status_tries WHERE first_at < $1 AND locked_until < $1 \
             RETURNING first_at",
        )
        .bind(before)
        .fetch_all(&mut *w.tx)
        .await?;
        w.commit().await?;
        Ok(gone.len() as u64)
    }

    async fn contact(&self, reference: &str) -> StoreResult<Option<(String, Vec<u8>)>> {
        Ok(query::<B>(
            "SELECT key_id, contact_sealed FROM requests \
             WHERE reference = $1 AND contact_sealed IS NOT NULL",
        )
        .bind(reference.to_owned())
        .fetch_optional(&mut *self.read().await?)
        .await?)
    }

    async fn set_opt_out(
        &self,
        digest: &str,
        opted_out: bool,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let key_id = digest.split_once(':').map_or("", |(id, _)| id);
        let mut w = self.write().await?;
        append_audit::<B>(&mut w.tx, audit).await?;
        query::<B>(
            "INSERT INTO opt_outs (digest, key_id, opted_out, at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (digest) DO UPDATE SET opted_out = excluded.opted_out, at = excluded.at",
        )
        .bind(digest.to_owned())
        .bind(key_id.to_owned())
        .bind(opted_out)
        .bind(audit.at)
        .execute(&mut *w.tx)
        .await?;
        w.commit().await
    }

    async fn opted_out(&self, digests: &[String]) -> StoreResult<bool> {
        if digests.is_empty() {
            return Ok(false);
        }
        let placeholders: Vec<String> = (1..=digests.len()).map(|i| format!("${i}")).collect();
        // The newest word wins, whichever data key it was recorded under.
        let sql = format!(
            "SELECT digest, opted_out FROM opt_outs WHERE digest IN ({}) ORDER BY at DESC LIMIT 1",
            placeholders.join(", ")
        );
        let mut statement = query::<B>(&sql);
        for digest in digests {
            statement = statement.bind(digest.clone());
        }
        let newest: Option<(String, bool)> =
            statement.fetch_optional(&mut *self.read().await?).await?;
        Ok(newest.is_some_and(|(_, opted_out)| opted_out))
    }

    async fn patient_messages(&self, reference: &str) -> StoreResult<Vec<PatientMessage>> {
        Ok(query::<B>(&format!(
            "SELECT id, channel, message, announces, queued_at, due_at, \
             CAST(attempts AS BIGINT) AS attempts, delivered_at, abandoned_at, last_error \
             FROM outbox WHERE reference = $1 AND channel IN {PATIENT_CHANNELS} ORDER BY id"
        ))
        .bind(reference.to_owned())
        .fetch_all(&mut *self.read().await?)
        .await?)
    }

    async fn resend_message(&self, reference: &str, id: i64, now: i64) -> StoreResult<bool> {
        let mut w = self.write().await?;
        let copied: Vec<(i64,)> = query::<B>(&format!(
            "INSERT INTO outbox (reference, message, due_at, channel, queued_at, time_zone, \
             announces) SELECT reference, message, $1, channel, $1, time_zone, announces \
             FROM outbox WHERE id = $2 AND reference = $3 AND channel IN {PATIENT_CHANNELS} \
             RETURNING id"
        ))
        .bind(now)
        .bind(id)
        .bind(reference.to_owned())
        .fetch_all(&mut *w.tx)
        .await?;
        w.commit().await?;
        Ok(copied.len() == 1)
    }

    async fn notification_held(&self, id: i64, until: i64) -> StoreResult<()> {
        let mut w = self.write().await?;
        // `queued_at` moves too: monitoring's "oldest waiting" counts from when a message may
        // be sent, so a text held overnight does not look like a stuck outbox.
        query::<B>("UPDATE outbox SET due_at = $1, queued_at = $1 WHERE id = $2")
            .bind(until)
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        w.commit().await
    }

    async fn message_delivered(&self, id: i64, audit: &AuditEntry) -> StoreResult<()> {
        let mut w = self.write().await?;
        append_audit::<B>(&mut w.tx, audit).await?;
        query::<B>("UPDATE outbox SET delivered_at = $1, last_error = NULL WHERE id = $2")
            .bind(audit.at)
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        w.commit().await
    }

    async fn message_abandoned(
        &self,
        id: i64,
        reason: &str,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let mut w = self.write().await?;
        append_audit::<B>(&mut w.tx, audit).await?;
        query::<B>("UPDATE outbox SET abandoned_at = $1, last_error = $2 WHERE id = $3")
            .bind(audit.at)
            .bind(reason.to_owned())
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        w.commit().await
    }
}
