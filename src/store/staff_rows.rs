//! The back office's SQL (accounts aside: `account_rows.rs`), written once for both backends like `rows.rs` (portable `$n`
//! placeholders; empty-string filters written as `($1 = '' OR column = $1)`).

use std::marker::PhantomData;

use super::backend::Backend;
use super::query::query;
use super::staff::{
    AuditEntry, AuditFilter, Moderation, NewRequestEvent, NewRevision, NewSharedStory,
    RequestChange, RequestEvent, RequestFilter, RequestSummary, Revision, SharedStory,
};
use super::values::StoryStatus;
use super::{NewNotification, StoreResult};

pub struct StaffRows<DB>(PhantomData<DB>);

impl<DB: Backend> StaffRows<DB> {
    pub async fn share_story(conn: &mut DB::Connection, story: &NewSharedStory) -> StoreResult<()> {
        query::<DB>(
            "INSERT INTO testimonial_submissions (created_at, name, place, quote) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(story.created_at)
        .bind(story.name.clone())
        .bind(story.place.clone())
        .bind(story.quote.clone())
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Shared stories with `status`, oldest first.
    pub async fn shared_stories(
        conn: &mut DB::Connection,
        status: StoryStatus,
    ) -> StoreResult<Vec<SharedStory>> {
        Ok(query::<DB>(
            "SELECT id, created_at, name, place, quote, status, decided_by \
             FROM testimonial_submissions WHERE status = $1 ORDER BY id LIMIT 500",
        )
        .bind(status.slug().to_owned())
        .fetch_all(&mut *conn)
        .await?)
    }

    /// Decides a pending story; `None` when it is not pending (already decided, or no such id).
    pub async fn decide_story(
        conn: &mut DB::Connection,
        id: i64,
        moderation: &Moderation,
    ) -> StoreResult<Option<SharedStory>> {
        Ok(query::<DB>(
            "UPDATE testimonial_submissions SET status = $1, decided_by = $2, decided_at = $3 \
             WHERE id = $4 AND status = 'pending' \
             RETURNING id, created_at, name, place, quote, status, decided_by",
        )
        .bind(moderation.status.slug().to_owned())
        .bind(moderation.by.clone())
        .bind(moderation.at)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
    }

    pub async fn add_revision(
        conn: &mut DB::Connection,
        revision: &NewRevision,
    ) -> StoreResult<i64> {
        let (id,): (i64,) = query::<DB>(
            "INSERT INTO content_revisions (path, source, author, created_at, state) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(revision.path.clone())
        .bind(revision.source.clone())
        .bind(revision.author.clone())
        .bind(revision.created_at)
        .bind(revision.state.slug().to_owned())
        .fetch_one(&mut *conn)
        .await?;
        Ok(id)
    }

    /// A file's revisions, newest first (at most `limit`).
    pub async fn revisions(
        conn: &mut DB::Connection,
        path: &str,
        limit: i64,
    ) -> StoreResult<Vec<Revision>> {
        Ok(query::<DB>(
            "SELECT id, path, source, author, created_at, state FROM content_revisions \
             WHERE path = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(path.to_owned())
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?)
    }

    pub async fn revision(conn: &mut DB::Connection, id: i64) -> StoreResult<Option<Revision>> {
        Ok(query::<DB>(
            "SELECT id, path, source, author, created_at, state FROM content_revisions \
             WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
    }

    pub async fn append_audit(conn: &mut DB::Connection, entry: &AuditEntry) -> StoreResult<()> {
        append_audit::<DB>(conn, entry).await
    }

    pub async fn audit(
        conn: &mut DB::Connection,
        filter: &AuditFilter,
    ) -> StoreResult<Vec<AuditEntry>> {
        Ok(query::<DB>(
            "SELECT id, at, actor, action, subject, detail, ip FROM audit \
             WHERE ($1 = '' OR actor = $1) AND ($2 = '' OR action LIKE $2 || '%') \
             AND ($3 = '' OR subject = $3) ORDER BY id DESC LIMIT $4",
        )
        .bind(filter.actor.clone())
        .bind(filter.action.clone())
        .bind(filter.subject.clone())
        .bind(filter.limit)
        .fetch_all(&mut *conn)
        .await?)
    }

    pub async fn request_summaries(
        conn: &mut DB::Connection,
        filter: &RequestFilter,
    ) -> StoreResult<Vec<RequestSummary>> {
        Ok(query::<DB>(
            "SELECT reference, kind, location, status, created_at, updated_at, assigned_to, \
             lang FROM requests WHERE ($1 = '' OR kind = $1) AND ($2 = '' OR status = $2) \
             AND ($3 = '' OR location = $3) AND ($4 = 0 OR created_at < $4) \
             AND created_at >= $5 ORDER BY created_at DESC, id DESC LIMIT $6",
        )
        .bind(filter.kind.clone())
        .bind(filter.status.map_or("", |s| s.slug()).to_owned())
        .bind(filter.location.clone())
        .bind(filter.created_before)
        .bind(filter.created_since)
        .bind(filter.limit)
        .fetch_all(&mut *conn)
        .await?)
    }

    /// Records the event and applies it (status, assignment) in the caller's transaction.
    pub async fn add_request_event(
        conn: &mut DB::Connection,
        event: &NewRequestEvent,
    ) -> StoreResult<()> {
        append_audit::<DB>(conn, &event.audit).await?;
        let (kind, value) = event.change.kind_and_value();
        let (key_id, sealed) = match &event.change {
            RequestChange::Note { key_id, sealed } => (Some(key_id.clone()), Some(sealed.clone())),
            _ => (None, None),
        };
        query::<DB>(
            "INSERT INTO request_events (reference, at, actor, kind, value, key_id, sealed) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(event.reference.clone())
        .bind(event.at)
        .bind(event.actor.clone())
        .bind(kind.to_owned())
        .bind(value.clone())
        .bind(key_id)
        .bind(sealed)
        .execute(&mut *conn)
        .await?;
        let set = match &event.change {
            // The retention period of a closed request runs from `closed_at`.
            RequestChange::Status(status) if status.is_closed() => {
                Some("status = $1, closed_at = $2")
            }
            RequestChange::Status(_) => Some("status = $1, closed_at = NULL"),
            RequestChange::Assign(_) => Some("assigned_to = NULLIF($1, '')"),
            RequestChange::Note { .. } => None,
        };
        // A status is written only where it changes it: a double click, or two colleagues at
        // once, record two events but queue the patient's messages once.
        let guard = match &event.change {
            RequestChange::Status(_) => " AND status <> $1",
            _ => "",
        };
        let changed = match set {
            Some(set) => {
                let written: Vec<(String,)> = query::<DB>(&format!(
                    "UPDATE requests SET {set}, updated_at = $2 WHERE reference = $3{guard} \
                     RETURNING reference"
                ))
                .bind(value)
                .bind(event.at)
                .bind(event.reference.clone())
                .fetch_all(&mut *conn)
                .await?;
                !written.is_empty()
            }
            None => {
                query::<DB>("UPDATE requests SET updated_at = $1 WHERE reference = $2")
                    .bind(event.at)
                    .bind(event.reference.clone())
                    .execute(&mut *conn)
                    .await?;
                true
            }
        };
        if changed {
            for (message, entry) in &event.messages {
                query::<DB>(
                    "INSERT INTO outbox (reference, message, due_at, channel, queued_at, \
                     time_zone, announces) VALUES ($1, $2, $3, $4, $3, $5, $6)",
                )
                .bind(event.reference.clone())
                .bind(message.text.clone())
                .bind(message.due_at)
                .bind(message.channel.clone())
                .bind(message.time_zone.clone())
                .bind(message.announces.slug().to_owned())
                .execute(&mut *conn)
                .await?;
                append_audit::<DB>(conn, entry).await?;
            }
        }
        Ok(())
    }

    /// New requests created before `before` that staff have not been reminded about.
    pub async fn reminder_candidates(
        conn: &mut DB::Connection,
        before: i64,
    ) -> StoreResult<Vec<RequestSummary>> {
        Ok(query::<DB>(
            "SELECT reference, kind, location, status, created_at, updated_at, assigned_to, \
             lang FROM requests WHERE status = 'new' AND renotified_at IS NULL AND created_at < $1 \
             ORDER BY created_at LIMIT 200",
        )
        .bind(before)
        .fetch_all(&mut *conn)
        .await?)
    }

    /// Marks `reference` reminded and queues the reminder (the caller's transaction) — unless
    /// another instance did so first, so a reminder is queued once.
    pub async fn remind(
        conn: &mut DB::Connection,
        reference: &str,
        reminder: &NewNotification,
    ) -> StoreResult<()> {
        let marked: Option<(String,)> = query::<DB>(
            "UPDATE requests SET renotified_at = $1 \
             WHERE reference = $2 AND renotified_at IS NULL RETURNING reference",
        )
        .bind(reminder.due_at)
        .bind(reference.to_owned())
        .fetch_optional(&mut *conn)
        .await?;
        if marked.is_none() {
            return Ok(());
        }
        queue_notification::<DB>(conn, reference, reminder).await
    }

    /// Empties the sealed contents (and sealed notes) of requests closed before `closed_before`;
    /// their metadata and history stay. Returns the references purged (the caller's
    /// transaction).
    pub async fn purge_closed(
        conn: &mut DB::Connection,
        closed_before: i64,
        now: i64,
    ) -> StoreResult<Vec<String>> {
        let purged: Vec<(String,)> = query::<DB>(
            "UPDATE requests SET sealed = $1, key_id = 'purged', purged_at = $2, \
             contact_sealed = NULL, fact_digest = NULL \
             WHERE closed_at IS NOT NULL AND closed_at < $3 AND purged_at IS NULL \
             RETURNING reference",
        )
        .bind(Vec::<u8>::new())
        .bind(now)
        .bind(closed_before)
        .fetch_all(&mut *conn)
        .await?;
        for (reference,) in &purged {
            query::<DB>(
                "UPDATE request_events SET sealed = NULL, key_id = NULL \
                 WHERE reference = $1 AND kind = 'note'",
            )
            .bind(reference.clone())
            .execute(&mut *conn)
            .await?;
        }
        Ok(purged.into_iter().map(|(r,)| r).collect())
    }

    pub async fn request_events(
        conn: &mut DB::Connection,
        reference: &str,
    ) -> StoreResult<Vec<RequestEvent>> {
        Ok(query::<DB>(
            "SELECT id, reference, at, actor, kind, value, key_id, sealed FROM request_events \
             WHERE reference = $1 ORDER BY id",
        )
        .bind(reference.to_owned())
        .fetch_all(&mut *conn)
        .await?)
    }
}

/// Appends `entry` to the trail in the caller's transaction: what every action that must be
/// audited writes in the transaction that does it.
pub(super) async fn append_audit<DB: Backend>(
    conn: &mut DB::Connection,
    entry: &AuditEntry,
) -> StoreResult<()> {
    query::<DB>(
        "INSERT INTO audit (at, actor, action, subject, detail, ip) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(entry.at)
    .bind(entry.actor.clone())
    .bind(entry.action.clone())
    .bind(entry.subject.clone())
    .bind(entry.detail.clone())
    .bind(entry.ip.clone())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Queues `note` about `reference` on each of its channels: one outbox row each, delivered
/// independently (the caller's transaction).
pub(super) async fn queue_notification<DB: Backend>(
    conn: &mut DB::Connection,
    reference: &str,
    note: &NewNotification,
) -> StoreResult<()> {
    for channel in &note.channels {
        query::<DB>(
            "INSERT INTO outbox (reference, message, due_at, channel, queued_at) \
             VALUES ($1, $2, $3, $4, $3)",
        )
        .bind(reference.to_owned())
        .bind(note.message.clone())
        .bind(note.due_at)
        .bind(channel.clone())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
