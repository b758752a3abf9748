//! What traffic leaves behind, briefly and with nothing about who sent it.
//!
//! Searches that found nothing, kept so editors learn what patients look for without keeping what
//! any one patient typed: single words only, shown only while `QUORUM` different searches of the
//! last `WINDOW_DAYS` used them, and held until then as digests.
//!
//! Job leases: a scheduled round (housekeeping) runs on one instance at a time.
//!
//! Rate-limit buckets shared by every instance (PostgreSQL): one row per limit and address —
//! keyed by a keyed digest, never the address — holding the tokens left and when they were
//! counted. A token is taken by one upsert, so two instances can never both spend the last.
//! Portable SQL, as in `rows`.

use sha2::{Digest, Sha256};

use super::backend::Backend;
use super::query::query;
use super::rows::Rows;
use super::{Bucket, StoreResult};

/// How many different searches must use a word before it is kept and shown as a word.
pub const QUORUM: i64 = 3;

/// Days a search is remembered (as digests of its words); older ones are deleted.
pub const WINDOW_DAYS: i64 = 14;

/// At most this many sightings at once: a flood of random searches stops being counted until
/// the window passes, rather than growing the table.
const MAX_SIGHTINGS: i64 = 20_000;

impl<DB: Backend> Rows<DB> {
    /// Takes a token from `bucket` at `now`; `None` when taken, else how many milliseconds
    /// until the next one.
    pub async fn take_token(
        conn: &mut DB::Connection,
        bucket: &Bucket,
        now: i64,
    ) -> StoreResult<Option<i64>> {
        // `refilled` is the bucket now: what it held plus what the time since has added.
        let taken: Option<(f64, i64)> = query::<DB>(
            "INSERT INTO rate_limits (key, tokens, at) VALUES ($1, $2 - 1, $4) \
             ON CONFLICT (key) DO UPDATE SET \
               tokens = CASE WHEN rate_limits.tokens + ($4 - rate_limits.at) / $3 > $2 \
                        THEN $2 ELSE rate_limits.tokens + ($4 - rate_limits.at) / $3 END - 1, \
               at = $4 \
             WHERE rate_limits.tokens + ($4 - rate_limits.at) / $3 >= 1 \
             RETURNING tokens, at",
        )
        .bind(bucket.key.clone())
        .bind(bucket.burst)
        .bind(bucket.refill_ms)
        .bind(now)
        .fetch_optional(&mut *conn)
        .await?;
        if taken.is_some() {
            return Ok(None);
        }
        let held: Option<(f64, i64)> =
            query::<DB>("SELECT tokens, at FROM rate_limits WHERE key = $1")
                .bind(bucket.key.clone())
                .fetch_optional(&mut *conn)
                .await?;
        // The time the missing part of a token takes, less what has passed; rounded up to the
        // millisecond and at least one, so a refusal always says "wait".
        let refill_ms = bucket.refill_ms;
        let wait = held.map_or(refill_ms, |(tokens, at)| {
            (1.0 - tokens) * refill_ms - (now - at) as f64
        });
        Ok(Some((wait.ceil() as i64).max(1)))
    }

    /// Leases job `name` until `until` if no instance holds it at `now`; whether this did.
    pub async fn claim_job(
        conn: &mut DB::Connection,
        name: &str,
        now: i64,
        until: i64,
    ) -> StoreResult<bool> {
        query::<DB>(
            "INSERT INTO jobs (name, held_until) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name.to_owned())
        .execute(&mut *conn)
        .await?;
        let claimed: Option<(i64,)> = query::<DB>(
            "UPDATE jobs SET held_until = $3 WHERE name = $1 AND held_until <= $2 RETURNING held_until",
        )
        .bind(name.to_owned())
        .bind(now)
        .bind(until)
        .fetch_optional(&mut *conn)
        .await?;
        Ok(claimed.is_some())
    }

    /// Deletes buckets last counted before `before` (full again by then: nothing is lost).
    pub async fn forget_rate_limits(conn: &mut DB::Connection, before: i64) -> StoreResult<u64> {
        let gone: Vec<(i64,)> = query::<DB>("DELETE FROM rate_limits WHERE at < $1 RETURNING at")
            .bind(before)
            .fetch_all(&mut *conn)
            .await?;
        Ok(gone.len() as u64)
    }

    /// Counts a search that found nothing; `searched` is its normalised words, space-separated.
    /// Each word with a letter in it counts once per different search; words without one
    /// (phone, prescription and birth-date numbers) are not kept at all. Each statement is
    /// atomic on its own, and the last to add a word's sighting sees every earlier one, so a
    /// word reaching the quorum is always kept without a transaction.
    pub async fn record_search_miss(conn: &mut DB::Connection, searched: &str) -> StoreResult<()> {
        let today = jiff::Timestamp::now().as_second() / 86_400;
        let expired: Vec<(i64,)> =
            query::<DB>("DELETE FROM search_miss_sightings WHERE day <= $1 RETURNING day")
                .bind(today - WINDOW_DAYS)
                .fetch_all(&mut *conn)
                .await?;
        if !expired.is_empty() {
            query::<DB>(
                "DELETE FROM search_miss_words WHERE $1 > (SELECT COUNT(*) \
                 FROM search_miss_sightings s WHERE s.word_digest = search_miss_words.word_digest)",
            )
            .bind(QUORUM)
            .execute(&mut *conn)
            .await?;
        }
        let mut words: Vec<&str> = searched
            .split_whitespace()
            .filter(|word| word.chars().any(char::is_alphabetic))
            .collect();
        words.sort_unstable();
        words.dedup();
        for word in words {
            let word_digest = digest(&[word]);
            // One row per word and different search: sending the same search again adds none.
            query::<DB>(
                "INSERT INTO search_miss_sightings (pair, word_digest, day) \
                 SELECT $1, $2, $3 WHERE (SELECT COUNT(*) FROM search_miss_sightings) < $4 \
                 ON CONFLICT (pair) DO NOTHING",
            )
            .bind(digest(&[word, searched]))
            .bind(word_digest.clone())
            .bind(today)
            .bind(MAX_SIGHTINGS)
            .execute(&mut *conn)
            .await?;
            query::<DB>(
                "INSERT INTO search_miss_words (word_digest, word) SELECT $1, $2 \
                 WHERE (SELECT COUNT(*) FROM search_miss_sightings WHERE word_digest = $1) >= $3 \
                 ON CONFLICT (word_digest) DO NOTHING",
            )
            .bind(word_digest)
            .bind(word.to_owned())
            .bind(QUORUM)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }

    /// The words that at least `QUORUM` different searches of the last `WINDOW_DAYS` used, with
    /// how many, most used first.
    pub async fn search_misses(
        conn: &mut DB::Connection,
        limit: i64,
    ) -> StoreResult<Vec<(String, i64)>> {
        Ok(query::<DB>(
            "SELECT w.word, COUNT(*) FROM search_miss_words w \
             JOIN search_miss_sightings s ON s.word_digest = w.word_digest \
             GROUP BY w.word HAVING COUNT(*) >= $1 ORDER BY COUNT(*) DESC, w.word LIMIT $2",
        )
        .bind(QUORUM)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?)
    }
}

/// A short SHA-256 of `parts`: enough to tell searches apart, not to read them back (a short
/// word can be found by trying every word, which is why sightings expire).
fn digest(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hex::encode(&hasher.finalize()[..16])
}
