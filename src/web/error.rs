//! The one error type at the HTTP boundary. Below it, code uses `anyhow` (with context) or the
//! store's `StoreError`; handlers return `Result<_, AppError>`. The client sees a stable,
//! generic page; the full cause chain goes to the server log only.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// A request this server never sends itself: a form or query without a required field, or
    /// with a value outside its choices (an unknown `action`). Never guessed at.
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// Signed in, but this role may not do that.
    #[error("forbidden")]
    Forbidden,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<crate::publish::Error> for AppError {
    fn from(error: crate::publish::Error) -> Self {
        match error {
            crate::publish::Error::NotFound => Self::NotFound,
            crate::publish::Error::Other(error) => Self::Internal(error),
        }
    }
}

/// A typed form that does not deserialise (a missing field, an unknown choice). Serde's message
/// is not kept: it can quote what was typed, and forms carry patient data.
impl From<axum::extract::rejection::FormRejection> for AppError {
    fn from(_: axum::extract::rejection::FormRejection) -> Self {
        Self::BadRequest("the form does not match the page's own")
    }
}

impl From<axum::extract::rejection::QueryRejection> for AppError {
    fn from(_: axum::extract::rejection::QueryRejection) -> Self {
        Self::BadRequest("the query does not match the page's own")
    }
}

impl From<crate::store::StoreError> for AppError {
    fn from(error: crate::store::StoreError) -> Self {
        Self::Internal(error.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    title: &'static str,
    message: &'static str,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, page) = match &self {
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                ErrorPage {
                    title: "Page not found",
                    message: "We could not find that page. It may have moved.",
                },
            ),
            Self::BadRequest(why) => {
                tracing::info!(why, "bad request");
                (
                    StatusCode::BAD_REQUEST,
                    ErrorPage {
                        title: "This request could not be understood",
                        message: "Go back, reload the page and try again.",
                    },
                )
            }
            Self::Forbidden => (
                StatusCode::FORBIDDEN,
                ErrorPage {
                    title: "Not allowed",
                    message: "Your account cannot open this page. Ask an administrator if you need it.",
                },
            ),
            Self::Internal(error) => {
                tracing::error!(error = format!("{error:#}"), "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorPage {
                        title: "Something went wrong",
                        message: "Sorry, this page could not be shown just now. Please try again, or call us.",
                    },
                )
            }
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, page.title).into_response(),
        }
    }
}
