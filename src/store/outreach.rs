//! What closing the loop with the patient keeps: the status page's answers and its wrong tries,
//! patients' messages in the outbox, and opt-outs. A part of the `Store` contract (`Store:
//! Outreach`), kept apart so each file stays one subject. Nothing here is in clear: a fact is a
//! keyed digest, a number or address is sealed (with the request's key) or a keyed digest.

use async_trait::async_trait;

use super::values::RequestStatus;
use super::{AuditEntry, StoreResult};

/// What a request adds for its patient when submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Followup {
    /// `DataKeys::digest` of the reference and the fact the status page asks for.
    pub fact_digest: String,
    /// The patient asked for a text / an e-mail when there is news.
    pub text: bool,
    pub email: bool,
    /// Where those go, sealed with the request's key (`requests::updates::Contact`); `None`
    /// when neither was asked for.
    pub contact_sealed: Option<Vec<u8>>,
}

/// A request as the status page and the staff's message panel read it: metadata only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestStanding {
    pub kind: String,
    pub location: String,
    pub status: RequestStatus,
    pub created_at: i64,
    pub updated_at: Option<i64>,
    /// `None` for requests sent before the status page existed: no fact matches them.
    pub fact_digest: Option<String>,
    pub text_updates: bool,
    pub email_updates: bool,
    /// "en" or "es": the language the patient's messages are in.
    pub lang: String,
}

from_row!(RequestStanding {
    kind,
    location,
    status: via String,
    created_at,
    updated_at,
    fact_digest,
    text_updates,
    email_updates,
    lang
});

/// A message to a patient, queued with the status change it tells of (one per channel).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPatientMessage {
    /// `notify::SMS` or `notify::PATIENT_EMAIL`.
    pub channel: String,
    /// The words sent: pharmacy, reference, status, location, link — no health information.
    pub text: String,
    pub announces: RequestStatus,
    /// The location's time zone: a text is held outside 8 am–9 pm there.
    pub time_zone: Option<String>,
    pub due_at: i64,
}

/// A patient's message as staff see it: its delivery state, never its recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientMessage {
    pub id: i64,
    pub channel: String,
    pub message: String,
    pub announces: Option<String>,
    pub queued_at: Option<i64>,
    pub due_at: i64,
    pub attempts: i64,
    pub delivered_at: Option<i64>,
    pub abandoned_at: Option<i64>,
    pub last_error: Option<String>,
}

from_row!(PatientMessage {
    id,
    channel,
    message,
    announces,
    queued_at,
    due_at,
    attempts,
    delivered_at,
    abandoned_at,
    last_error
});

/// The status page's and the patient messages' storage.
#[async_trait]
pub trait Outreach {
    /// A request's standing, by reference.
    async fn standing(&self, reference: &str) -> StoreResult<Option<RequestStanding>>;

    /// Counts a try on the status page of the reference digested as `key` at `now`, before its
    /// answer is compared (so parallel tries each count): the tries in the current window
    /// (`window_ms` from the first; a passed window starts again at one) and until when the key
    /// is locked (0: it is not).
    async fn status_attempt(&self, key: &str, now: i64, window_ms: i64) -> StoreResult<(i64, i64)>;

    /// Locks `key` until `until`.
    async fn status_lock(&self, key: &str, until: i64) -> StoreResult<()>;

    /// A right answer: the tries counted so far are cleared, unless `key` is locked at `now`.
    async fn status_reset(&self, key: &str, now: i64) -> StoreResult<()>;

    /// Forgets wrong answers whose window and lock ended before `before`.
    async fn forget_status_tries(&self, before: i64) -> StoreResult<u64>;

    /// The sealed contact of a request (sealed with the request's `key_id`): `(key_id, blob)`.
    async fn contact(&self, reference: &str) -> StoreResult<Option<(String, Vec<u8>)>>;

    /// Records a STOP (`true`) or START (`false`) for the number or address digested as `digest`
    /// (`<key id>:<hex>`), with its audit line, in one transaction.
    async fn set_opt_out(
        &self,
        digest: &str,
        opted_out: bool,
        audit: &AuditEntry,
    ) -> StoreResult<()>;

    /// Whether any of `digests` (one value under each data key) has opted out.
    async fn opted_out(&self, digests: &[String]) -> StoreResult<bool>;

    /// The messages queued for a request's patient, oldest first.
    async fn patient_messages(&self, reference: &str) -> StoreResult<Vec<PatientMessage>>;

    /// Queues a copy of patient message `id` of `reference`, due at `now`; `false` if there is
    /// no such message.
    async fn resend_message(&self, reference: &str, id: i64, now: i64) -> StoreResult<bool>;

    /// Puts a claimed message back until `until` without counting an attempt (quiet hours).
    async fn notification_held(&self, id: i64, until: i64) -> StoreResult<()>;

    /// Marks a claimed patient message delivered, with its audit line, in one transaction: a
    /// trail that cannot be written leaves the message to be sent again, never sent unrecorded.
    async fn message_delivered(&self, id: i64, audit: &AuditEntry) -> StoreResult<()>;

    /// Marks a claimed message never to be sent, with why (opted out, contact purged) and its
    /// audit line, in one transaction.
    async fn message_abandoned(&self, id: i64, reason: &str, audit: &AuditEntry)
    -> StoreResult<()>;
}
