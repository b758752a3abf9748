//! `/metrics` over HTTP (the registry itself is `crate::metrics`): the middleware that counts
//! and times every request by route template, the scrape's answer, and the bearer-token guard
//! for `/metrics` on the main address.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use secrecy::{ExposeSecret, SecretString};

use crate::store::Store;

/// Middleware: counts each request by route template, method and status, and times it.
pub async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(no route)", MatchedPath::as_str)
        .to_owned();
    let method = match request.method().as_str() {
        method @ ("GET" | "HEAD" | "POST" | "OPTIONS") => method,
        _ => "other",
    }
    .to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    crate::metrics::http_request(
        route,
        method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// `GET /metrics`, as a response.
pub async fn respond(store: &dyn Store) -> Response {
    match crate::metrics::render(store).await {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "metrics: cannot read the store");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// Whether `headers` carry `Authorization: Bearer <token>`, compared in constant time.
pub fn authorized(headers: &HeaderMap, token: &SecretString) -> bool {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or("");
    crate::web::requests::csrf::constant_time_eq(given.as_bytes(), token.expose_secret().as_bytes())
}

/// The `/metrics` route on the main address, opened by the bearer token.
pub async fn guarded(State(state): State<crate::web::AppState>, headers: HeaderMap) -> Response {
    match state.metrics_token() {
        Some(token) if authorized(&headers, token) => respond(state.store().as_ref()).await,
        Some(_) => (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
