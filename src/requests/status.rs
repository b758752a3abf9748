//! The status page's lookup: a reference and one fact the patient gave, answered from the
//! request's metadata alone — nothing is unsealed. A wrong fact, an unknown reference and a
//! malformed one take the same steps (a lock check, one read, a keyed hash compared in constant
//! time, a counted try) and give the same answer; five wrong answers for one typed reference
//! lock its page for an hour, known or not, so the lock says nothing either.

use subtle::ConstantTimeEq;

use super::Reference;
use super::seal::DataKeys;
use super::updates::{FACT_DIGEST, fact_input};
use crate::store::{RequestStanding, Store, StoreResult};

/// Wrong answers that lock a reference's status page.
pub const LOCK_AFTER: i64 = 5;
/// How long the lock lasts, and the window the wrong answers are counted in.
pub const LOCK_MS: i64 = 60 * 60 * 1000;

/// The label of the digests that key wrong tries (the reference as typed, never stored).
const TRIES_DIGEST: &str = "status-tries";

/// What the status page answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// The fact matched: the request's standing.
    Found(RequestStanding),
    /// Unknown reference, malformed reference or wrong fact: indistinguishable.
    NoMatch,
    /// Too many wrong answers for this reference: call the pharmacy.
    Locked,
}

impl Lookup {
    /// For the audit trail: what happened, never what was typed.
    pub fn outcome(&self) -> &'static str {
        match self {
            Self::Found(_) => "matched",
            Self::NoMatch => "no match",
            Self::Locked => "locked",
        }
    }
}

/// The reference as typed, tidied (capitals and digits only, at most 16): the lock's subject,
/// whether or not it is a well-formed reference.
pub fn typed_reference(raw: &str) -> String {
    raw.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .take(16)
        .collect()
}

/// Looks `reference` up with `fact` (`updates::typed_fact`) at `now`.
pub async fn look_up(
    store: &dyn Store,
    keys: &DataKeys,
    reference: &str,
    fact: &str,
    now: i64,
) -> StoreResult<Lookup> {
    let tries_key = keys.digest(TRIES_DIGEST, typed_reference(reference).as_bytes());
    if store.status_locked_until(&tries_key).await? > now {
        return Ok(Lookup::Locked);
    }
    let parsed = Reference::parse(reference);
    let canonical = parsed.as_ref().map_or("", |r| r.as_str());
    let standing = store.standing(canonical).await?;
    let input = fact_input(canonical, fact);
    // An unknown reference is compared with a digest nothing matches, so both paths hash and
    // compare alike.
    let (expected, computed) = match standing.as_ref().and_then(|s| s.fact_digest.as_deref()) {
        Some(stored) => (
            stored.to_owned(),
            keys.digest_as(stored, FACT_DIGEST, &input)
                .unwrap_or_default(),
        ),
        None => (
            keys.digest(FACT_DIGEST, b"no request has this"),
            keys.digest(FACT_DIGEST, &input),
        ),
    };
    let matched = bool::from(expected.as_bytes().ct_eq(computed.as_bytes()));
    match standing {
        Some(standing) if matched => {
            store.status_right(&tries_key).await?;
            Ok(Lookup::Found(standing))
        }
        _ => {
            store
                .status_wrong(&tries_key, now, (LOCK_MS, LOCK_AFTER, LOCK_MS))
                .await?;
            Ok(Lookup::NoMatch)
        }
    }
}
