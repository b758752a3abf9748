//! Writing the audit trail. The trail is a security control: a caller whose entry cannot be
//! written gets the error and must fail its action, never carry on unaudited. Entries hold no
//! patient data — references, e-mails and field names, never contents.

use crate::store::{AuditEntry, Store, StoreResult};

/// Who did it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor<'a> {
    /// A signed-in staff member, by e-mail.
    Staff(&'a str),
    /// Someone not (yet) signed in: a sign-in attempt, a setup link.
    Anonymous,
    /// `pestle user …` on the server.
    Cli,
    /// pestle itself (housekeeping).
    System,
}

impl Actor<'_> {
    fn name(&self) -> &str {
        match self {
            Self::Staff(email) => email,
            Self::Anonymous => "anonymous",
            Self::Cli => "cli",
            Self::System => "system",
        }
    }
}

/// One line of the trail: `Entry::new(actor, "user.disabled").subject(email)`.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    actor: Actor<'a>,
    /// Dotted, e.g. "sign-in.failed", "request.viewed": always a constant in the code.
    action: &'static str,
    subject: &'a str,
    detail: &'a str,
    ip: &'a str,
}

impl<'a> Entry<'a> {
    pub fn new(actor: Actor<'a>, action: &'static str) -> Self {
        Self {
            actor,
            action,
            subject: "",
            detail: "",
            ip: "",
        }
    }

    /// What it concerns: a reference, an e-mail, a slug.
    pub fn subject(self, subject: &'a str) -> Self {
        Self { subject, ..self }
    }

    pub fn detail(self, detail: &'a str) -> Self {
        Self { detail, ..self }
    }

    /// The client's address.
    pub fn ip(self, ip: &'a str) -> Self {
        Self { ip, ..self }
    }

    /// Appends the entry at `at` (Unix ms).
    pub async fn record(self, store: &dyn Store, at: i64) -> StoreResult<()> {
        store.append_audit(&self.at(at)).await
    }

    /// The entry as stored, at `at`: for a store method that writes it in the transaction of
    /// the action it records.
    pub fn at(self, at: i64) -> AuditEntry {
        AuditEntry {
            at,
            actor: self.actor.name().to_owned(),
            action: self.action.to_owned(),
            subject: self.subject.to_owned(),
            detail: self.detail.to_owned(),
            ip: self.ip.to_owned(),
        }
    }
}
