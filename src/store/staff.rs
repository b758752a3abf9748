//! Rows for the back office: the audit trail, what staff do with requests, content revisions
//! and shared experiences (accounts and sessions are in `accounts.rs`). Notes arrive sealed:
//! nothing here opens a patient's details by itself.

use super::values::{RequestStatus, RevisionState, StoryStatus};

/// One line of the audit trail, as written and as read back. Never holds patient data: references and field names, not
/// contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: i64,
    /// The staff e-mail, "cli", or "anonymous".
    pub actor: String,
    /// Dotted, e.g. "sign-in.failed", "request.viewed".
    pub action: String,
    /// What it concerns: a reference, an e-mail, a slug.
    pub subject: String,
    pub detail: String,
    pub ip: String,
}

/// Which audit entries to list, newest first. Empty strings match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub actor: String,
    /// Matches actions starting with this, e.g. "sign-in".
    pub action: String,
    pub subject: String,
    pub limit: i64,
}

/// A request's metadata for the inbox: never its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestSummary {
    pub reference: String,
    pub kind: String,
    pub location: String,
    pub status: RequestStatus,
    pub created_at: i64,
    pub updated_at: Option<i64>,
    pub assigned_to: Option<String>,
    /// "en" or "es": the language the patient wrote in.
    pub lang: String,
}

/// Which requests to list, newest first. Empty strings match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestFilter {
    pub kind: String,
    /// `None` for every status.
    pub status: Option<RequestStatus>,
    pub location: String,
    /// Only requests created before this (Unix ms), for "older than"; 0 for no bound.
    pub created_before: i64,
    /// Only requests created at or after this (Unix ms); 0 for no bound.
    pub created_since: i64,
    pub limit: i64,
}

/// Something staff did with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequestEvent {
    pub reference: String,
    pub at: i64,
    pub actor: String,
    pub change: RequestChange,
    /// The trail's entry for the change, written in its transaction.
    pub audit: AuditEntry,
    /// Messages to the patient about this change, each with its trail entry, queued in the same
    /// transaction — and only when the change changes the request: a second click on the same
    /// status queues nothing, and the trail says nothing was queued.
    pub messages: Vec<(super::NewPatientMessage, AuditEntry)>,
}

/// What staff changed: kept as the request's history, and applied to the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestChange {
    Status(RequestStatus),
    /// To a staff e-mail, or `None` to unassign.
    Assign(Option<String>),
    /// A note, sealed: the data key's id and the ciphertext.
    Note {
        key_id: String,
        sealed: Vec<u8>,
    },
}

impl RequestChange {
    /// The history row's `kind` and `value` (a note's words are only in its sealed part).
    pub fn kind_and_value(&self) -> (&'static str, String) {
        match self {
            Self::Status(status) => ("status", status.slug().to_owned()),
            Self::Assign(to) => ("assign", to.clone().unwrap_or_default()),
            Self::Note { .. } => ("note", String::new()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestEvent {
    pub id: i64,
    pub reference: String,
    pub at: i64,
    pub actor: String,
    pub kind: String,
    pub value: String,
    pub key_id: Option<String>,
    pub sealed: Option<Vec<u8>>,
}

/// A content file saved in the back office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRevision {
    /// The file's path in a content folder, e.g. `conditions/migraine.md` or `site.toml`.
    pub path: String,
    pub source: String,
    pub author: String,
    pub created_at: i64,
    pub state: RevisionState,
}

/// A revision as stored: its id and what was saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub id: i64,
    pub saved: NewRevision,
}

/// An experience shared through the public form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSharedStory {
    pub created_at: i64,
    pub name: String,
    pub place: String,
    pub quote: String,
}

/// A moderator's decision on a shared story: approved or rejected, by whom, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moderation {
    pub status: StoryStatus,
    /// The staff e-mail.
    pub by: String,
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedStory {
    pub id: i64,
    pub created_at: i64,
    pub name: String,
    pub place: String,
    pub quote: String,
    pub status: StoryStatus,
    pub decided_by: Option<String>,
}

from_row!(AuditEntry {
    at,
    actor,
    action,
    subject,
    detail,
    ip
});
from_row!(RequestSummary {
    reference,
    kind,
    location,
    status: via String,
    created_at,
    updated_at,
    assigned_to,
    lang
});
from_row!(RequestEvent {
    id,
    reference,
    at,
    actor,
    kind,
    value,
    key_id,
    sealed
});
from_row!(NewRevision {
    path,
    source,
    author,
    created_at,
    state: via String
});
from_row!(Revision {
    id,
    saved: flat NewRevision
});
from_row!(SharedStory {
    id,
    created_at,
    name,
    place,
    quote,
    status: via String,
    decided_by
});
