//! `/healthz`: 200 when the database answers, 503 when it does not (for load balancers). On
//! PostgreSQL it also says whether this instance hears content changes at once (`listener`:
//! listening, connecting or down — down still serves, with changes arriving by the poll).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(health))
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
