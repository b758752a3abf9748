//! Staff passwords: the rules (12 to 200 characters, not one of the 10,000 most common, and hard
//! to guess by zxcvbn's estimate: `strength`), and hashing with argon2id. Checking a password
//! against an unknown account still runs one argon2 verification, so a wrong e-mail and a wrong
//! password take the same time.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

mod strength;

/// The shortest password accepted, in characters.
pub const MIN_CHARS: usize = 12;
/// Longer than any passphrase; keeps hashing cost bounded.
pub const MAX_CHARS: usize = 200;

/// The 10,000 most common passwords (zxcvbn's list, from public password leaks), one per line.
const COMMON: &str = include_str!("../../data/common-passwords.txt");

static COMMON_SET: LazyLock<std::collections::HashSet<&'static str>> =
    LazyLock::new(|| COMMON.lines().filter(|l| !l.is_empty()).collect());

/// Builds the common-password set now, at start-up, so the first new password is not slow.
pub fn warm_up() {
    LazyLock::force(&COMMON_SET);
    // zxcvbn builds its dictionaries on first use; the result does not matter here.
    let _ = NewPassword::parse("warm up the strength checker 1887");
}

/// A password that passed the rules; only this can be hashed.
pub struct NewPassword(String);

/// Never prints the password itself.
impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(…)")
    }
}

impl NewPassword {
    /// The rules, for a password not tied to a known account (see `parse_for`).
    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::parse_for(raw, "")
    }

    /// The rules for the account `email`, with the sentence to show when one fails. The e-mail
    /// address and its parts count as known to a guesser. Judging strength takes up to a few
    /// milliseconds of CPU on long input: call this off the serving threads.
    pub fn parse_for(raw: &str, email: &str) -> Result<Self, String> {
        let count = raw.chars().count();
        if count < MIN_CHARS {
            return Err(format!(
                "Use at least {MIN_CHARS} characters (this has {count}). A few unrelated words \
                 make a strong password that is easy to remember."
            ));
        }
        if count > MAX_CHARS {
            return Err(format!("Use {MAX_CHARS} characters or fewer"));
        }
        if is_common(raw) {
            return Err(
                "That password is one of the 10,000 most common ones: choose another".to_owned(),
            );
        }
        strength::judge(raw, email)?;
        Ok(Self(raw.to_owned()))
    }
}

/// Whether `password` (ignoring case) is on the common-passwords list.
pub fn is_common(password: &str) -> bool {
    COMMON_SET.contains(password.to_lowercase().as_str())
}

/// An argon2id PHC string (salted; default OWASP-grade parameters of the `argon2` crate).
pub fn hash(password: &NewPassword) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.0.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash a password: {e}"))
}

/// Checks passwords. Holds a real argon2id hash of a random password, verified against when
/// the account does not exist (or has no password yet), so a wrong e-mail and a wrong password
/// cost the same time. Built once at start: if it cannot be built, start-up fails — an empty
/// stand-in would skip argon2 for unknown accounts and tell them apart by timing.
#[derive(Clone)]
pub struct Verifier {
    dummy: std::sync::Arc<str>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Verifier")
    }
}

impl Verifier {
    pub fn new() -> anyhow::Result<Self> {
        let mut random = [0_u8; 24];
        argon2::password_hash::rand_core::RngCore::fill_bytes(&mut OsRng, &mut random);
        let dummy = hash(&NewPassword(hex::encode(random)))?;
        PasswordHash::new(&dummy)
            .map_err(|e| anyhow::anyhow!("the timing hash is unreadable: {e}"))?;
        Ok(Self {
            dummy: dummy.into(),
        })
    }

    /// Whether `password` matches `stored`. `None` (no such account, or no password set yet)
    /// still costs one verification and is never a match. CPU-heavy: call `check` from async
    /// code.
    pub fn verify(&self, password: &str, stored: Option<&str>) -> bool {
        let (phc, real) = match stored {
            Some(phc) => (phc, true),
            None => (&*self.dummy, false),
        };
        let Ok(parsed) = PasswordHash::new(phc) else {
            return false;
        };
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        matches && real
    }

    /// `verify` on the blocking pool, never on a serving thread.
    pub async fn check(&self, password: &str, stored: Option<&str>) -> anyhow::Result<bool> {
        let (verifier, password, stored) =
            (self.clone(), password.to_owned(), stored.map(str::to_owned));
        tokio::task::spawn_blocking(move || verifier.verify(&password, stored.as_deref()))
            .await
            .map_err(|e| anyhow::anyhow!("password check stopped: {e}"))
    }
}

/// `hash` on the blocking pool.
pub async fn hash_off_thread(password: NewPassword) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash(&password))
        .await
        .map_err(|e| anyhow::anyhow!("password hashing stopped: {e}"))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_common_passwords_are_refused_with_a_reason() {
        assert!(
            NewPassword::parse("short")
                .unwrap_err()
                .contains("at least 12")
        );
        assert_eq!(COMMON_SET.len(), 10_000);
        // On the list and 12 characters long: refused for being common, in any case.
        let common = COMMON
            .lines()
            .find(|p| p.chars().count() >= MIN_CHARS)
            .unwrap();
        assert!(
            NewPassword::parse(common)
                .unwrap_err()
                .contains("most common")
        );
        assert!(NewPassword::parse(&common.to_uppercase()).is_err());
        assert!(NewPassword::parse("correct horse battery staple").is_ok());
    }

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let password = NewPassword::parse("mortar and pestle 1887").unwrap();
        let stored = hash(&password).unwrap();
        assert!(stored.starts_with("$argon2id$"));
        let verifier = Verifier::new().unwrap();
        assert!(verifier.verify("mortar and pestle 1887", Some(&stored)));
        assert!(!verifier.verify("mortar and pestle 1888", Some(&stored)));
        assert!(!verifier.verify("mortar and pestle 1887", None));
        // Unknown accounts are checked against a real argon2id hash, never an empty one.
        assert!(verifier.dummy.starts_with("$argon2id$"));
    }
}
