//! Rows for the back office: staff accounts, sessions, the audit trail, and what staff do with
//! requests. Passwords arrive hashed, session tokens hashed, TOTP secrets and notes sealed:
//! nothing here opens an account or a patient's details by itself.

/// A staff account to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// Lower-cased.
    pub email: String,
    /// "admin", "pharmacist" or "staff".
    pub role: String,
    /// argon2id PHC string; `None` until the one-time setup link is used.
    pub password_hash: Option<String>,
    pub created_at: i64,
}

/// A staff account as stored. `update_user` writes back every mutable field.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub role: String,
    pub password_hash: Option<String>,
    /// The sealed TOTP secret's key id and blob, once enrolled.
    pub totp_key_id: Option<String>,
    pub totp_sealed: Option<Vec<u8>>,
    /// SHA-256 (hex) of each unused recovery code, space-separated.
    pub recovery_hashes: String,
    /// The time step of the last TOTP code accepted; a code for it or earlier is refused.
    pub totp_last_step: i64,
    pub disabled: bool,
    pub failed_attempts: i64,
    /// Unix milliseconds before which sign-in is refused (escalating delays).
    pub locked_until: i64,
    pub created_at: i64,
}

/// A session (or a one-time setup link), keyed by the SHA-256 of its token.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Session {
    pub token_hash: String,
    pub user_id: i64,
    /// "setup", "second-factor", "enrol" or "signed-in".
    pub stage: String,
    /// The token staff forms carry (synchronizer pattern).
    pub csrf_token: String,
    pub created_at: i64,
    pub last_seen_at: i64,
}

/// One line of the audit trail. Never holds patient data: references and field names, not
/// contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEntry {
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

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
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
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RequestSummary {
    pub reference: String,
    pub kind: String,
    pub location: String,
    pub status: String,
    pub created_at: i64,
    pub updated_at: Option<i64>,
    pub assigned_to: Option<String>,
}

/// Which requests to list, newest first. Empty strings match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestFilter {
    pub kind: String,
    pub status: String,
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
    /// "status" (value: the new status), "assign" (value: an e-mail, or empty to unassign) or
    /// "note" (sealed: the note).
    pub kind: String,
    pub value: String,
    pub sealed: Option<(String, Vec<u8>)>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
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
    /// "draft" or "published".
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Revision {
    pub id: i64,
    pub path: String,
    pub source: String,
    pub author: String,
    pub created_at: i64,
    pub state: String,
}

/// An experience shared through the public form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSharedStory {
    pub created_at: i64,
    pub name: String,
    pub place: String,
    pub quote: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SharedStory {
    pub id: i64,
    pub created_at: i64,
    pub name: String,
    pub place: String,
    pub quote: String,
    /// "pending", "approved" or "rejected".
    pub status: String,
    pub decided_by: Option<String>,
}
