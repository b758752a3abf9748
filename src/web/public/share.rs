//! `/testimonials/share`: "Share your experience". What a patient writes here waits for a
//! pharmacist (`/staff/testimonials`); nothing is published until approved. The same
//! protections as the request forms: CSRF token and Origin, honeypot, per-address limit, body
//! limit, every field checked at once with its own message, the values kept on error.

use std::collections::HashMap;
use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::requests::FieldError;
use crate::store::NewSharedStory;
use crate::web::render::{Layout, Meta, PageRequest};
use crate::web::requests::{csrf, too_many};
use crate::web::{AppError, AppState};

const MAX_NAME: usize = 60;
const MAX_PLACE: usize = 60;
const MIN_QUOTE: usize = 20;
const MAX_QUOTE: usize = 600;

#[derive(Template)]
#[template(path = "share.html")]
struct SharePage<'a> {
    layout: Layout<'a>,
    errors: Vec<FieldError>,
    token: &'a str,
    name: &'a str,
    place: &'a str,
    quote: &'a str,
    consent: bool,
    thanks: bool,
}

impl SharePage<'_> {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

fn respond(
    html: Result<String, AppError>,
    status: StatusCode,
    token: Option<&str>,
    secure: bool,
) -> Response {
    match html {
        Ok(html) => {
            let mut response = (status, Html(html)).into_response();
            let headers = response.headers_mut();
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            if let Some(token) = token {
                headers.insert(header::SET_COOKIE, csrf::cookie(token, secure));
            }
            response
        }
        Err(error) => error.into_response(),
    }
}

fn render(page: &PageRequest, form: SharePageData<'_>) -> Result<String, AppError> {
    let site = &page.site;
    let title = if form.errors.is_empty() {
        "Share your experience"
    } else {
        "Error: Share your experience"
    };
    let meta = Meta::new(
        title,
        "Tell other patients how our pharmacy helped you.",
        "/testimonials/share",
    )
    .noindex();
    Ok(SharePage {
        layout: site.layout(meta)?,
        errors: form.errors,
        token: form.token,
        name: form.name,
        place: form.place,
        quote: form.quote,
        consent: form.consent,
        thanks: form.thanks,
    }
    .render()
    .map_err(anyhow::Error::from)?)
}

/// What the page shows, apart from the layout.
struct SharePageData<'a> {
    errors: Vec<FieldError>,
    token: &'a str,
    name: &'a str,
    place: &'a str,
    quote: &'a str,
    consent: bool,
    thanks: bool,
}

pub async fn show(page: PageRequest, State(state): State<AppState>) -> Response {
    let token = csrf::new_token();
    let data = SharePageData {
        errors: Vec::new(),
        token: &token,
        name: "",
        place: "",
        quote: "",
        consent: false,
        thanks: false,
    };
    respond(
        render(&page, data),
        StatusCode::OK,
        Some(&token),
        state.secure(),
    )
}

/// Checks each field; every problem at once.
fn check(fields: &HashMap<String, String>) -> Result<NewSharedStory, Vec<FieldError>> {
    let get = |name: &str| fields.get(name).map_or("", |v| v.trim());
    let mut errors = Vec::new();
    let mut bounded = |field: &'static str, value: &str, min: usize, max: usize, what: &str| {
        let count = value.chars().count();
        if count < min.max(1) {
            errors.push(FieldError {
                field,
                message: what.to_owned(),
            });
        } else if count > max {
            errors.push(FieldError {
                field,
                message: format!("Keep it to {max} characters or fewer (this is {count})"),
            });
        }
    };
    bounded(
        "name",
        get("name"),
        1,
        MAX_NAME,
        "Enter the name to show, like “Clair C.”",
    );
    bounded(
        "place",
        get("place"),
        1,
        MAX_PLACE,
        "Enter your town, like “Pasadena”",
    );
    bounded(
        "quote",
        get("quote"),
        MIN_QUOTE,
        MAX_QUOTE,
        "Write a sentence or two about your experience (at least 20 characters)",
    );
    if get("consent") != "yes" {
        errors.push(FieldError {
            field: "consent",
            message: "Tick the box to let us publish it, or leave this page".to_owned(),
        });
    }
    if errors.is_empty() {
        Ok(NewSharedStory {
            created_at: jiff::Timestamp::now().as_millisecond(),
            name: get("name").to_owned(),
            place: get("place").to_owned(),
            quote: get("quote").to_owned(),
        })
    } else {
        Err(errors)
    }
}

pub async fn submit(
    page: PageRequest,
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(fields): Form<HashMap<String, String>>,
) -> Response {
    if let Err(wait) = state
        .request_limiter()
        .take(peer.ip(), std::time::Instant::now())
    {
        return too_many(wait);
    }
    if csrf::check(&headers, &fields).is_err() {
        return (
            StatusCode::FORBIDDEN,
            "This form has expired: open it again and resend.",
        )
            .into_response();
    }
    if fields.get("website").is_some_and(|v| !v.is_empty()) {
        return (StatusCode::BAD_REQUEST, "Not sent.").into_response();
    }
    let token = fields.get(csrf::FIELD).map_or("", String::as_str);
    let value = |name: &str| fields.get(name).map_or("", String::as_str);
    match check(&fields) {
        Err(errors) => {
            let data = SharePageData {
                errors,
                token,
                name: value("name"),
                place: value("place"),
                quote: value("quote"),
                consent: value("consent") == "yes",
                thanks: false,
            };
            respond(
                render(&page, data),
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                state.secure(),
            )
        }
        Ok(story) => {
            if let Err(error) = state.store().share_story(&story).await {
                return AppError::from(error).into_response();
            }
            let data = SharePageData {
                errors: Vec::new(),
                token,
                name: "",
                place: "",
                quote: "",
                consent: false,
                thanks: true,
            };
            respond(render(&page, data), StatusCode::OK, None, state.secure())
        }
    }
}
