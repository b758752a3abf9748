//! A request id on every request: in the `x-request-id` response header, and a field of the
//! request's log span, so each log line of one request (text or `log_format = "json"`) carries
//! it and a patient's "it said error" can be matched to the server's lines without logging
//! anything they sent. Ids are a random per-process prefix and a counter: unique across
//! instances, cheap, and meaningless outside the logs. An id sent by the client is ignored
//! (it could be chosen to collide, or to inject text into logs).

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use chacha20poly1305::aead::OsRng;
use chacha20poly1305::aead::rand_core::RngCore;

pub const HEADER: &str = "x-request-id";

static PREFIX: LazyLock<u32> = LazyLock::new(|| OsRng.next_u32());
static NEXT: AtomicU64 = AtomicU64::new(1);

/// This request's id, in its extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

fn next() -> String {
    format!("{:08x}-{:x}", *PREFIX, NEXT.fetch_add(1, Ordering::Relaxed))
}

/// Middleware (outermost, before the log span is made): gives the request its id and echoes it
/// in the response.
pub async fn assign(mut request: Request, next_layer: Next) -> Response {
    let id = next();
    request.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next_layer.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    response
}
