//! Rows for patient requests and their staff notifications. The request's contents arrive
//! already sealed: the store never sees them in clear, and keeps only non-identifying metadata
//! (kind, location, status, time, reference) readable.

/// A request to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    pub reference: String,
    /// "callback", "refill", "transfer" or "compounding".
    pub kind: String,
    /// Location slug.
    pub location: String,
    /// Unix milliseconds.
    pub created_at: i64,
    /// The id of the data key that sealed `sealed`.
    pub key_id: String,
    /// Nonce and ciphertext.
    pub sealed: Vec<u8>,
    /// "en" or "es": the language of the page it was sent from, which the patient's
    /// confirmation, status page and messages are in.
    pub lang: String,
}

/// A stored request, as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRequest {
    pub request: NewRequest,
    pub status: super::values::RequestStatus,
    /// The staff e-mail it is assigned to.
    pub assigned_to: Option<String>,
}

/// A rate-limit bucket shared by every instance: which one, and how it fills.
#[derive(Debug, Clone, PartialEq)]
pub struct Bucket {
    /// A keyed digest of the limit and the address, never the address itself.
    pub key: String,
    /// The most tokens it holds, all usable at once.
    pub burst: f64,
    /// Milliseconds to refill one token.
    pub refill_ms: f64,
}

/// A staff notification to deliver: words without patient data, and when to first try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    /// "New refill request R-7KQ3-9M at Main Street" — never a name, phone or message.
    pub message: String,
    /// Unix milliseconds.
    pub due_at: i64,
    /// Where to deliver it ("email", "webhook"): one outbox row each, delivered independently.
    pub channels: Vec<String>,
}

/// A notification claimed for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: i64,
    pub reference: String,
    pub message: String,
    /// "email" or "webhook" (staff); "sms" or "patient-email" (patients).
    pub channel: String,
    /// Failed attempts so far.
    pub attempts: i64,
    /// For a text to a patient: the location's time zone, whose night it is not sent in.
    pub time_zone: Option<String>,
}

from_row!(Notification {
    id,
    reference,
    message,
    channel,
    attempts,
    time_zone
});

/// What monitoring reads from the store (`/metrics`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Operations {
    /// Notifications not yet delivered.
    pub outbox_pending: i64,
    /// When the oldest of them was queued (Unix milliseconds).
    pub outbox_oldest_queued_at: Option<i64>,
    /// Requests still new after staff were reminded they are overdue.
    pub requests_overdue: i64,
}
