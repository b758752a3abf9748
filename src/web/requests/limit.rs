//! Per-address rate limits — on request forms, so a script cannot flood the pharmacy's inbox,
//! and on staff sign-in — as a token bucket per client address. Over the limit gets `429 Too
//! Many Requests` with `Retry-After`. On PostgreSQL the buckets are in the database, so the
//! limit holds whichever instance a request reaches; on SQLite (one process) they are in memory,
//! where addresses idle for a day are forgotten. The client's address is the proxy's word for it
//! when the proxy is trusted (`web::client`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::store::{Store, StoreResult};

/// Which limit a token is taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Request forms and shared experiences.
    Requests,
    /// Staff sign-in attempts.
    SignIn,
    /// Content API calls.
    Api,
}

/// Both limits, in memory or in the store.
pub struct Limits {
    requests: Limiter,
    sign_in: Limiter,
    api: Limiter,
    /// Keys the database buckets: a bucket names no address, only a digest under this key.
    key: [u8; 32],
}

impl Limits {
    pub fn new((requests, sign_in, api): (Limiter, Limiter, Limiter), key: [u8; 32]) -> Self {
        Self {
            requests,
            sign_in,
            api,
            key,
        }
    }

    /// Takes a token of `limit` for `ip` at `now` (Unix ms): `Ok(Err(wait))` when refused.
    pub async fn take(
        &self,
        limit: Limit,
        ip: IpAddr,
        store: &dyn Store,
        now: i64,
    ) -> StoreResult<Result<(), Duration>> {
        let limiter = match limit {
            Limit::Requests => &self.requests,
            Limit::SignIn => &self.sign_in,
            Limit::Api => &self.api,
        };
        if !store.limits_in_database() {
            return Ok(limiter.take(ip, Instant::now()));
        }
        // The shared bucket in the database (`Bucket` below is the in-memory one).
        let bucket = crate::store::Bucket {
            key: self.bucket(limit, ip),
            burst: limiter.burst,
            refill_ms: limiter.refill.as_secs_f64() * 1000.0,
        };
        let waited = store.take_token(&bucket, now).await?;
        Ok(match waited {
            None => Ok(()),
            Some(ms) => Err(Duration::from_millis(ms.unsigned_abs())),
        })
    }

    /// The bucket's key: HMAC-SHA256 of the limit and the address, in hex.
    fn bucket(&self, limit: Limit, ip: IpAddr) -> String {
        let mut mac = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
        mac.update(format!("{limit:?} {ip}").as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// How long after its last count a bucket is surely full again (every limit is per hour).
pub const FULL_AFTER: Duration = Duration::from_secs(3600);

/// Buckets kept before idle ones are swept.
const SWEEP_AT: usize = 10_000;

/// `per_hour` submissions per address per hour, all of them usable at once.
#[derive(Clone)]
pub struct Limiter {
    burst: f64,
    refill: Duration,
    buckets: Arc<Mutex<HashMap<IpAddr, Bucket>>>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Limiter {
    pub fn per_hour(per_hour: u32) -> Self {
        let per_hour = per_hour.max(1);
        Self {
            burst: f64::from(per_hour),
            refill: Duration::from_secs(3600) / per_hour,
            buckets: Arc::default(),
        }
    }

    /// Takes one token for `ip`; on refusal, how long until the next one.
    pub fn take(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() >= SWEEP_AT {
            buckets.retain(|_, b| now.duration_since(b.at) < Duration::from_secs(86_400));
        }
        let burst = self.burst;
        let bucket = buckets.entry(ip).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        let refilled = now.duration_since(bucket.at).as_secs_f64() / self.refill.as_secs_f64();
        bucket.tokens = (bucket.tokens + refilled).min(burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(self.refill.mul_f64(1.0 - bucket.tokens))
        }
    }
}

/// The `429` answer: plain words and when to come back.
pub fn too_many(wait: Duration, limit: crate::metrics::Limit) -> Response {
    crate::metrics::rate_limited(limit);
    let seconds = wait.as_secs().max(1);
    let mut response = (
        StatusCode::TOO_MANY_REQUESTS,
        "Too many requests from your connection. Please wait and try again, or call us.",
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_a_steady_trickle() {
        let limiter = Limiter::per_hour(5);
        let ip: IpAddr = "203.0.113.9".parse().unwrap();
        let start = Instant::now();
        for _ in 0..5 {
            assert!(limiter.take(ip, start).is_ok());
        }
        let wait = limiter.take(ip, start).unwrap_err();
        assert!(
            wait <= Duration::from_secs(720) && wait > Duration::from_secs(719),
            "{wait:?}"
        );
        assert!(
            limiter.take("203.0.113.10".parse().unwrap(), start).is_ok(),
            "per address"
        );
        let later = start + Duration::from_secs(720);
        assert!(limiter.take(ip, later).is_ok(), "one more every 12 minutes");
        assert!(limiter.take(ip, later).is_err());
    }
}
