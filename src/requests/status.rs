//! The status page's lookup: a reference and one fact the patient gave, answered from the
//! request's metadata alone — nothing is unsealed. A wrong fact, an unknown reference and a
//! malformed one take the same steps (a lock check, one read, a keyed hash compared in constant
//! time, a counted try) and give the same answer; five wrong answers for one typed reference
//! lock its page for an hour, known or not, so the lock says nothing either. Each try is counted
//! before its answer is compared, so guesses sent in parallel cannot get past the lock; a right
//! answer clears the count.

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

/// Whose tries are counted: the reference when it reads as one (however it was typed, so
/// `r7kq39m` and `R-7KQ3-9M` share one count), else what was typed, tidied (capitals and digits
/// only, at most 16).
fn lock_subject(typed: &str, parsed: Option<&Reference>) -> String {
    match parsed {
        Some(reference) => reference.to_string(),
        None => typed
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .take(16)
            .collect(),
    }
}

/// Looks `reference` up with `fact` (`updates::typed_fact`) at `now`.
pub async fn look_up(
    store: &dyn Store,
    keys: &DataKeys,
    reference: &str,
    fact: &str,
    now: i64,
) -> StoreResult<Lookup> {
    let parsed = Reference::parse(reference);
    let tries_key = keys.digest(
        TRIES_DIGEST,
        lock_subject(reference, parsed.as_ref()).as_bytes(),
    );
    // Counted before the answer is compared: parallel guesses each take a try.
    let (tries, locked_until) = store.status_attempt(&tries_key, now, LOCK_MS).await?;
    if locked_until > now {
        return Ok(Lookup::Locked);
    }
    if tries > LOCK_AFTER {
        store.status_lock(&tries_key, now + LOCK_MS).await?;
        return Ok(Lookup::Locked);
    }
    let canonical = parsed.as_ref().map_or("", |r| r.as_str());
    let standing = store.standing(canonical).await?;
    // One keyed hash and one comparison either way: an unknown reference is compared with a
    // digest under the current key that nothing matches.
    let expected = standing
        .as_ref()
        .and_then(|s| s.fact_digest.clone())
        .unwrap_or_else(|| format!("{}:{}", keys.current_id(), "0".repeat(64)));
    let computed = keys
        .digest_as(&expected, FACT_DIGEST, &fact_input(canonical, fact))
        .unwrap_or_default();
    let matched = bool::from(expected.as_bytes().ct_eq(computed.as_bytes()));
    match standing {
        Some(standing) if matched => {
            store.status_reset(&tries_key, now).await?;
            Ok(Lookup::Found(standing))
        }
        _ => Ok(Lookup::NoMatch),
    }
}
