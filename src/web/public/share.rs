//! `/testimonials/share`: "Share your experience". What a patient writes here waits for a
//! pharmacist (`/staff/testimonials`); nothing is published until approved. The same
//! protections as the request forms: CSRF token and Origin, honeypot, per-address limit, body
//! limit, every field checked at once with its own message, the values kept on error.

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use crate::i18n::Message;
use crate::requests::FieldError;
use crate::store::NewSharedStory;
use crate::web::render::{Layout, Meta, PageRequest};
use crate::web::requests::{Problem, csrf, problem, too_many};
use crate::web::{AppError, AppState};

const MAX_NAME: usize = 60;
const MAX_PLACE: usize = 60;
const MIN_QUOTE: usize = 20;
const MAX_QUOTE: usize = 600;

/// The form as posted; absent fields are empty.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ShareForm {
    csrf_token: String,
    /// The honeypot: hidden from people, only bots fill it in.
    website: String,
    name: String,
    place: String,
    quote: String,
    /// The checkbox sends `yes` when ticked and nothing otherwise.
    consent: String,
}

#[derive(Template)]
#[template(path = "share.html")]
struct SharePage<'a> {
    layout: Layout<'a>,
    /// (field, message) in the page's language.
    errors: Vec<(&'static str, String)>,
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
            .find(|(name, _)| *name == field)
            .map(|(_, message)| message.as_str())
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
    let (site, lang) = (&page.site, page.lang);
    let title = crate::i18n::text(lang, "share-title");
    let title = if form.errors.is_empty() {
        title
    } else {
        crate::i18n::format(
            lang,
            "form-error-title",
            &[("title", crate::i18n::Arg::from(&title))],
        )
    };
    let meta = Meta::new(
        title,
        crate::i18n::text(lang, "share-description"),
        "/testimonials/share",
    )
    .noindex()
    .lang(lang);
    Ok(SharePage {
        layout: site.layout(meta)?,
        errors: form
            .errors
            .iter()
            .map(|e| (e.field, e.message.in_lang(lang)))
            .collect(),
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
    let token = state.form_tokens().mint();
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

/// The story to keep, or every field's problem at once.
fn check(form: &ShareForm, now_ms: i64) -> Result<NewSharedStory, Vec<FieldError>> {
    let name = form.name.trim();
    let place = form.place.trim();
    let quote = form.quote.trim();
    let mut errors = Vec::new();
    let mut bounded =
        |field: &'static str, value: &str, min: usize, max: usize, missing: &'static str| {
            let count = value.chars().count();
            if count < min.max(1) {
                errors.push(FieldError {
                    field,
                    message: Message::new(missing),
                });
            } else if count > max {
                errors.push(FieldError {
                    field,
                    message: Message::new("share-error-long")
                        .num("max", max)
                        .num("count", count),
                });
            }
        };
    bounded("name", name, 1, MAX_NAME, "share-error-name");
    bounded("place", place, 1, MAX_PLACE, "share-error-place");
    bounded("quote", quote, MIN_QUOTE, MAX_QUOTE, "share-error-quote");
    if form.consent.trim() != "yes" {
        errors.push(FieldError {
            field: "consent",
            message: Message::new("share-error-consent"),
        });
    }
    if errors.is_empty() {
        Ok(NewSharedStory {
            created_at: now_ms,
            name: name.to_owned(),
            place: place.to_owned(),
            quote: quote.to_owned(),
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
    form: Result<Form<ShareForm>, FormRejection>,
) -> Response {
    if let Err(wait) = state
        .take_token(crate::web::requests::Limit::Requests, peer.ip())
        .await
    {
        return too_many(wait, crate::metrics::Limit::RequestForm);
    }
    let form = match form {
        Ok(Form(form)) => form,
        // Too large, not a form, or a field sent twice.
        Err(rejection) => {
            return problem(&page, rejection.status(), Problem::Unreadable);
        }
    };
    if csrf::check(
        state.form_tokens(),
        state.origins(),
        &headers,
        &form.csrf_token,
    )
    .is_err()
    {
        return problem(&page, StatusCode::FORBIDDEN, Problem::Expired);
    }
    if !form.website.is_empty() {
        return problem(&page, StatusCode::BAD_REQUEST, Problem::Automated);
    }
    let token = form.csrf_token.as_str();
    match check(&form, state.now()) {
        Err(errors) => {
            let data = SharePageData {
                errors,
                token,
                name: &form.name,
                place: &form.place,
                quote: &form.quote,
                consent: form.consent.trim() == "yes",
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
