//! `/healthz`: 200 when the database answers, 503 when it does not (for load balancers). On
//! PostgreSQL it also says whether this instance hears content changes at once (`listener`:
//! listening, connecting or down — down still serves, with changes arriving by the poll).
//! `/readyz`: 200 only when this instance can serve everything — the database answers, its
//! schema is the one this binary expects, and content and its search index are loaded — for
//! a load balancer deciding where to send patients, or a deploy waiting for a new instance.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(health))
        .route("/readyz", get(ready))
}

async fn health(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    match state.store().ping().await {
        Ok(()) => {
            let mut body = json!({ "status": "ok" });
            if let Some(listener) = state.content().listener() {
                body["listener"] = json!(listener.word());
            }
            (StatusCode::OK, Json(body))
        }
        Err(error) => {
            tracing::error!(
                error = format!("{error:#}"),
                "health check: database unreachable"
            );
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable" })),
            )
        }
    }
}

async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let mut problems = Vec::new();
    match state.store().schema().await {
        Ok(schema) if schema.unknown_applied().is_some() => {
            problems.push("the database schema is newer than this binary");
        }
        Ok(schema) if !schema.pending().is_empty() => {
            problems.push("migrations not applied");
        }
        Ok(_) => {}
        Err(error) => {
            tracing::error!(
                error = format!("{error:#}"),
                "readiness: database unreachable"
            );
            problems.push("database unreachable");
        }
    }
    let snapshot = state.content().snapshot();
    if snapshot.pack.is_none() {
        problems.push("no content loaded");
    } else if snapshot.search.is_none() {
        problems.push("search index not built");
    }
    if problems.is_empty() {
        (StatusCode::OK, Json(json!({ "status": "ready" })))
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "not ready", "problems": problems })),
        )
    }
}
