//! `/metrics` over HTTP (the registry itself is `crate::metrics`; requests are counted in
//! `web::edge`): the scrape's answer, and the bearer-token guard for `/metrics` on the main
//! address.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use secrecy::{ExposeSecret, SecretString};

use crate::store::Store;

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
