//! Staff accounts and sessions as stored. Passwords arrive hashed, session tokens hashed and
//! TOTP secrets sealed: nothing here opens an account by itself. There is no "write the whole
//! account back": each change is its own targeted statement (see `Store`'s account methods),
//! so a sign-in can never undo an admin's change made while it ran.

use crate::staff::{Role, Stage};

/// A staff account to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// Lower-cased.
    pub email: String,
    pub role: Role,
    /// argon2id PHC string; `None` until the one-time setup link is used.
    pub password_hash: Option<String>,
    pub created_at: i64,
}

/// A staff account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub role: Role,
    pub password_hash: Option<String>,
    /// The sealed TOTP secret's key id and blob, once enrolled.
    pub totp_key_id: Option<String>,
    pub totp_sealed: Option<Vec<u8>>,
    /// SHA-256 (hex) of each unused recovery code, space-separated.
    pub recovery_hashes: String,
    /// The time step of the last TOTP code accepted; a code for it or earlier is refused.
    pub totp_last_step: i64,
    pub disabled: bool,
    /// Wrong passwords in a row.
    pub failed_attempts: i64,
    /// Unix milliseconds before which a password is not checked (escalating delays).
    pub locked_until: i64,
    /// Wrong codes in a row, counted apart from passwords: only a right code resets them.
    pub code_failures: i64,
    /// Unix milliseconds before which a code is not checked.
    pub code_locked_until: i64,
    pub created_at: i64,
}

impl User {
    pub fn has_second_factor(&self) -> bool {
        self.totp_sealed.is_some()
    }
}

/// A session (or a one-time setup link), keyed by the SHA-256 of its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub token_hash: String,
    pub user_id: i64,
    pub stage: Stage,
    /// The token staff forms carry (synchronizer pattern).
    pub csrf_token: String,
    pub created_at: i64,
    pub last_seen_at: i64,
}

/// A sealed secret: the data key's id and the blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedSecret {
    pub key_id: String,
    pub blob: Vec<u8>,
}

/// What proves the second factor, for `Store::second_factor_accepted`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// A TOTP code of this 30-second step: accepted only if the step is later than the last
    /// one accepted (compare-and-set, so the same code posted twice at once works once).
    Totp { step: i64 },
    /// A recovery code: the stored hashes before, and after removing it (compare-and-set).
    Recovery { before: String, after: String },
}

/// A new second factor, for `Store::enrol_second_factor`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment {
    pub secret: SealedSecret,
    /// The step of the code that proved the app was set up (so it cannot be used again).
    pub step: i64,
    pub recovery_hashes: String,
}

/// A wrong answer to count: on which counter, when, and the wait each count earns (the staff
/// policy, `staff::delay_after`: the store applies it to the count it stores).
#[derive(Debug, Clone, Copy)]
pub struct Failure {
    pub counter: super::Counter,
    pub at: i64,
    pub delay_after: fn(i64) -> i64,
}

/// A wrong answer counted: how many in a row now, and until when the account waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failures {
    pub count: i64,
    pub locked_until: i64,
}

from_row!(User {
    id, email, role: via String, password_hash, totp_key_id, totp_sealed, recovery_hashes,
    totp_last_step, disabled, failed_attempts, locked_until, code_failures, code_locked_until,
    created_at,
});
from_row!(Session { token_hash, user_id, stage: via String, csrf_token, created_at, last_seen_at });
