//! How the content API answers: JSON with a strong `ETag` over its bytes (304 when
//! `If-None-Match` names it), `Cache-Control`, CORS for `GET` from any origin, and refusals as
//! `{"error": {"code", "message"}}`.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::model::{ApiError, ErrorBody};

/// Content changes when the pharmacy publishes; five minutes keeps other systems close.
const CACHE: &str = "public, max-age=300";

fn cors(headers: &mut HeaderMap) {
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("ETag, Retry-After"),
    );
}

/// `value` as JSON, or 304 when the client holds these bytes already.
pub fn json<T: Serialize>(request: &HeaderMap, value: &T) -> Response {
    let Ok(body) = serde_json::to_vec(value) else {
        // Our types always serialise; should one not, say so in the API's own shape.
        return refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "cannot answer now".into(),
        );
    };
    let tag = format!("\"{}\"", &hex::encode(Sha256::digest(&body))[..32]);
    let held = request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|v| v.trim().trim_start_matches("W/"))
        .any(|v| v == tag || v == "*");
    let mut response = if held {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/json")], body).into_response()
    };
    let headers = response.headers_mut();
    if let Ok(tag) = HeaderValue::from_str(&tag) {
        headers.insert(header::ETAG, tag);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE));
    cors(headers);
    response
}

fn refuse(status: StatusCode, code: &str, message: String) -> Response {
    let body = ApiError {
        error: ErrorBody {
            code: code.to_owned(),
            message,
        },
    };
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_string(&body).unwrap_or_default(),
    )
        .into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    cors(headers);
    response
}

/// Refusals in the API's shape.
pub struct Refusal;

impl Refusal {
    /// 400, naming the parameter.
    pub fn bad(parameter: &str, problem: String) -> Response {
        refuse(
            StatusCode::BAD_REQUEST,
            "bad_parameter",
            format!("{parameter}: {problem}"),
        )
    }

    pub fn not_found(message: &str) -> Response {
        refuse(StatusCode::NOT_FOUND, "not_found", message.to_owned())
    }

    /// 429 with `Retry-After` (whole seconds, at least one).
    pub fn too_many(wait: Duration) -> Response {
        crate::metrics::rate_limited(crate::metrics::Limit::Api);
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        let mut response = refuse(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            format!("too many calls from this address; try again in {seconds} s"),
        );
        if let Ok(value) = HeaderValue::from_str(&seconds.max(1).to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

/// A CORS preflight: `GET` from any origin, with `If-None-Match`.
pub async fn preflight() -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    cors(headers);
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, OPTIONS"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("If-None-Match"),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("86400"),
    );
    response
}
