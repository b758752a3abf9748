//! Staff accounts, the domain side: roles and what each may do, e-mail addresses, passwords
//! (`password`), two-factor codes (`totp`), session tokens, and the escalating delay after
//! failed sign-ins. The routes are in `web::staff`; the rows in `store::staff`.

pub mod audit;
pub mod enrol;
pub mod password;
pub mod sign_in;
pub mod totp;

use chacha20poly1305::aead::{OsRng, rand_core::RngCore};
use sha2::{Digest, Sha256};

/// What a staff member may do. Each role can do everything the one before it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Handles requests.
    Staff,
    /// Also edits and reviews content.
    Pharmacist,
    /// Also manages accounts and settings, and reads the audit log.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Staff, Role::Pharmacist, Role::Admin];

    pub fn slug(self) -> &'static str {
        match self {
            Self::Staff => "staff",
            Self::Pharmacist => "pharmacist",
            Self::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|r| r.slug() == raw.trim())
            .ok_or_else(|| format!("unknown role {raw:?}: use admin, pharmacist or staff"))
    }

    /// Admins and pharmacists must sign in with a second factor.
    pub fn needs_two_factor(self) -> bool {
        self >= Self::Pharmacist
    }
}

/// Read back from the database: a value no version of pestle wrote is an error, not a default.
impl TryFrom<String> for Role {
    type Error = UnknownValue;

    fn try_from(raw: String) -> Result<Self, UnknownValue> {
        Self::parse(&raw).map_err(|_| UnknownValue("role", raw))
    }
}

/// Where a session stands. Only `SignedIn` opens the back office; the others allow exactly
/// the next step of signing in (or, for `Setup`, of setting the first password).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// A one-time link to set the account's password.
    Setup,
    /// The password was right; a code is still due.
    SecondFactor,
    /// The password was right; the account must set up two-factor sign-in first.
    Enrol,
    SignedIn,
}

impl Stage {
    pub const ALL: [Stage; 4] = [
        Stage::Setup,
        Stage::SecondFactor,
        Stage::Enrol,
        Stage::SignedIn,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Self::Setup => "setup",
            Self::SecondFactor => "second-factor",
            Self::Enrol => "enrol",
            Self::SignedIn => "signed-in",
        }
    }

    /// The stage after a right password: a code if the account has a second factor, enrolment
    /// if its role needs one and it has none yet, else signed in.
    pub fn after_password(role: Role, has_second_factor: bool) -> Self {
        if has_second_factor {
            Self::SecondFactor
        } else if role.needs_two_factor() {
            Self::Enrol
        } else {
            Self::SignedIn
        }
    }
}

impl TryFrom<String> for Stage {
    type Error = UnknownValue;

    fn try_from(raw: String) -> Result<Self, UnknownValue> {
        Self::ALL
            .into_iter()
            .find(|s| s.slug() == raw)
            .ok_or(UnknownValue("session stage", raw))
    }
}

/// A stored value that names no known variant: which kind, and the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {0} {1:?} in the database")]
pub struct UnknownValue(pub &'static str, pub String);

/// A staff e-mail address, lower-cased so sign-in ignores case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let email = raw.trim().to_lowercase();
        let valid = email.len() <= 254
            && !email.chars().any(char::is_whitespace)
            && matches!(email.split_once('@'), Some((local, domain))
                if !local.is_empty() && domain.contains('.') && !domain.contains('@')
                    && !domain.starts_with('.') && !domain.ends_with('.'));
        if valid {
            Ok(Self(email))
        } else {
            Err("Enter an e-mail address, like ana@willow.example".to_owned())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new random token (256 bits, hex) and the SHA-256 under which it is stored.
pub fn new_token() -> (String, String) {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = hash_token(&token);
    (token, hash)
}

/// What the database keeps of a token: a copy of the database opens no session.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Failed sign-ins allowed before delays start.
const FREE_ATTEMPTS: i64 = 3;
/// The longest wait between attempts. Tries during a wait are not counted (see `sign_in`), so
/// this is also the longest anyone can keep an account waiting.
const MAX_DELAY_MS: i64 = 5 * 60 * 1000;

/// How long an account refuses sign-in after `failed` consecutive failures: nothing for the
/// first three, then 2 s, 4 s, 8 s … up to 5 minutes. A person who mistyped waits seconds; a
/// guesser gets at most a few hundred tries a day.
pub fn delay_after(failed: i64) -> i64 {
    if failed < FREE_ATTEMPTS {
        return 0;
    }
    let exponent = u32::try_from((failed - FREE_ATTEMPTS + 1).min(20)).unwrap_or(20);
    (1000_i64 << exponent).min(MAX_DELAY_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_nest() {
        assert!(Role::Admin > Role::Pharmacist && Role::Pharmacist > Role::Staff);
        assert!(Role::Admin.needs_two_factor() && !Role::Staff.needs_two_factor());
        assert_eq!(Role::parse("pharmacist"), Ok(Role::Pharmacist));
        assert!(Role::parse("owner").is_err());
    }

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(
            Email::parse(" Ana@Willow.Example ").unwrap().as_str(),
            "ana@willow.example"
        );
        for bad in [
            "",
            "ana",
            "ana@",
            "@willow.example",
            "ana@willow",
            "a b@c.d",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn delays_escalate_to_five_minutes() {
        let delays: Vec<i64> = (0..8).map(delay_after).collect();
        assert_eq!(delays, [0, 0, 0, 2000, 4000, 8000, 16000, 32000]);
        assert_eq!(delay_after(100), MAX_DELAY_MS);
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, hash_a) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(hash_token(&a), hash_a);
        assert_ne!(a, hash_a);
    }
}
