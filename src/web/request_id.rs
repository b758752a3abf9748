//! A request id on every request: in the `x-request-id` response header, and a field of the
//! request's log span, so each log line of one request (text or `log_format = "json"`) carries
//! it and a patient's "it said error" can be matched to the server's lines without logging
//! anything they sent. Ids are a random per-process prefix and a counter: unique across
//! instances, cheap, and meaningless outside the logs. An id sent by the client is ignored
//! (it could be chosen to collide, or to inject text into logs).

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

use chacha20poly1305::aead::OsRng;
use chacha20poly1305::aead::rand_core::RngCore;

pub const HEADER: &str = "x-request-id";

static PREFIX: LazyLock<u32> = LazyLock::new(|| OsRng.next_u32());
static NEXT: AtomicU64 = AtomicU64::new(1);

/// This request's id, in its extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// A new id.
pub fn next() -> String {
    format!("{:08x}-{:x}", *PREFIX, NEXT.fetch_add(1, Ordering::Relaxed))
}
