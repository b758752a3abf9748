//! `/requests/{callback,refill,transfer,compounding}`: the patient request forms. GET shows the
//! form; POST checks it (CSRF token and origin, honeypot, every field), seals and commits it
//! with its staff notification, and only then shows the reference. Nothing a patient typed goes
//! into a URL, a log line or an error page.

pub(super) mod csrf;
mod form_page;
mod limit;
mod spec;
mod status;

use askama::Template;
use std::net::SocketAddr;

use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{ConnectInfo, DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;

use self::form_page::form_page;
pub use self::limit::{FULL_AFTER, Limit, Limiter, Limits, too_many};
use super::render::{Layout, Meta, PageRequest, Rendered};
use super::{AppError, AppState};
use crate::requests::posted::{CallbackForm, CompoundingForm, RefillForm, TransferForm};
use crate::requests::updates::UpdatesForm;
use crate::requests::{self, Request, RequestForm};

/// A form with every field at its longest is about 8 KB; anything far beyond is not a patient.
const MAX_BODY: usize = 32 * 1024;

/// Longest value a link may fill in, in characters.
const MAX_PREFILL: usize = 200;

/// One route per form, each reading its own struct; any other kind is the site's 404.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/requests/callback",
            get(show::<CallbackForm>).post(submit::<CallbackForm>),
        )
        .route(
            "/requests/refill",
            get(show::<RefillForm>).post(submit::<RefillForm>),
        )
        .route(
            "/requests/transfer",
            get(show::<TransferForm>).post(submit::<TransferForm>),
        )
        .route(
            "/requests/compounding",
            get(show::<CompoundingForm>).post(submit::<CompoundingForm>),
        )
        .route("/requests/status", get(status::show).post(status::look_up))
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

/// Fields a link may fill in (from a condition or the compounding table). Never patient data:
/// URLs end up in logs and browser history.
#[derive(Default, Deserialize)]
#[serde(default)]
struct Prefill {
    ingredients: String,
    dosage_form: String,
    topic: String,
    location: String,
}

impl Prefill {
    fn value(&self, name: &str) -> &str {
        let value = match name {
            "ingredients" => &self.ingredients,
            "dosage_form" => &self.dosage_form,
            "topic" => &self.topic,
            "location" => &self.location,
            _ => "",
        };
        let end = value
            .char_indices()
            .nth(MAX_PREFILL)
            .map_or(value.len(), |(at, _)| at);
        &value[..end]
    }
}

/// A request form as posted: its own fields, the CSRF token and the honeypot.
#[derive(Deserialize)]
struct Posted<F> {
    #[serde(default)]
    csrf_token: String,
    /// Hidden from people (and screen readers); only bots fill it in.
    #[serde(default)]
    website: String,
    #[serde(flatten)]
    updates: UpdatesForm,
    #[serde(flatten)]
    form: F,
}

#[derive(Template)]
#[template(path = "request_received.html")]
struct ReceivedPage<'a> {
    layout: Layout<'a>,
    noun: &'static str,
    reference: String,
    next: String,
    /// What the patient asked to be told, when they did.
    told: &'static str,
    /// The status page asks for the date of birth (refill, transfer), else the phone's last
    /// four digits.
    asks_birth: bool,
    schedule_two: bool,
}

#[derive(Template)]
#[template(path = "request_problem.html")]
struct ProblemPage<'a> {
    layout: Layout<'a>,
    title: &'static str,
    message: &'static str,
}

async fn show<F: RequestForm>(
    page: PageRequest,
    State(state): State<AppState>,
    prefill: Result<Query<Prefill>, QueryRejection>,
) -> Response {
    let Ok(Query(prefill)) = prefill else {
        return problem(
            &page.site,
            StatusCode::BAD_REQUEST,
            "This form could not be opened",
            "The address of this form is not one we can read. Please open it from our website — or call us.",
        );
    };
    let token = state.form_tokens().mint();
    respond(
        form_page(
            &page.site,
            F::KIND,
            &|name| prefill.value(name),
            Vec::new(),
            (&token, offered(&state)),
        ),
        StatusCode::OK,
        Some(csrf::cookie(&token, state.secure())),
    )
}

async fn submit<F: RequestForm>(
    page: PageRequest,
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    posted: Result<Form<Posted<F>>, FormRejection>,
) -> Response {
    let kind = F::KIND;
    if let Err(wait) = state.take_token(Limit::Requests, peer.ip()).await {
        tracing::info!("refused a request form: rate limit");
        return limit::too_many(wait, crate::metrics::Limit::RequestForm);
    }
    let site = &page.site;
    let posted = match posted {
        Ok(Form(posted)) => posted,
        Err(rejection) => {
            // Too large, not a form, or a field sent twice. The rejection's text is not logged:
            // it could quote what was sent.
            tracing::info!(status = %rejection.status(), "refused a request form that could not be read");
            return unreadable(site, rejection.status());
        }
    };
    if let Err(reason) = csrf::check(
        state.form_tokens(),
        state.origins(),
        &headers,
        &posted.csrf_token,
    ) {
        tracing::info!(
            reason,
            "refused a request form without a valid CSRF token or origin"
        );
        return problem(
            site,
            StatusCode::FORBIDDEN,
            "This form has expired",
            "For your security, forms must be sent from this website's own page. Please go back, reload the form and send it again — or call us.",
        );
    }
    if !posted.website.trim().is_empty() {
        return problem(
            site,
            StatusCode::BAD_REQUEST,
            "Your request could not be sent",
            "Something about this submission looked automated. Please call us instead.",
        );
    }
    let Ok(pack) = site.pack() else {
        return page.not_found();
    };
    let today = jiff::ZonedDateTime::now().date();
    let (form, updates) = (&posted.form, &posted.updates);
    let parsed = match (form.parse(&pack.site, today), updates.parse()) {
        (Ok(valid), Ok(updates)) => Ok((valid, updates)),
        (Err(mut errors), Err(error)) => {
            errors.push(error);
            Err(errors)
        }
        (Err(errors), Ok(_)) => Err(errors),
        (Ok(_), Err(error)) => Err(vec![error]),
    };
    match parsed {
        Err(errors) => respond(
            form_page(
                site,
                kind,
                &|name| updates.value(name).unwrap_or_else(|| form.value(name)),
                errors,
                (&posted.csrf_token, offered(&state)),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
        ),
        Ok(((request, location), updates)) => {
            // A channel not offered cannot be asked for by a hand-made post.
            let (text, email) = offered(&state);
            let updates = requests::Updates {
                text: updates.text && text,
                email: updates.email.filter(|_| email),
            };
            let Some(place) = pack
                .site
                .locations
                .iter()
                .find(|l| l.slug.as_str() == location)
            else {
                return page.not_found();
            };
            let now = jiff::Timestamp::now().as_millisecond();
            match requests::submit(
                state.store().as_ref(),
                state.keys(),
                (&request, &updates),
                (&location, &place.name),
                state.notification_channels(),
                now,
            )
            .await
            {
                Ok(reference) => {
                    tracing::info!(%reference, kind = kind.slug(), location = %location, "request received");
                    respond(
                        received_page(site, (&request, &updates), reference.to_string(), place),
                        StatusCode::OK,
                        None,
                    )
                }
                Err(error) => {
                    // The cause chain names no patient data (sealing and the store never see it
                    // in their errors), so it can be logged.
                    tracing::error!(
                        error = format!("{error:#}"),
                        kind = kind.slug(),
                        "cannot store a request"
                    );
                    problem(
                        site,
                        StatusCode::SERVICE_UNAVAILABLE,
                        "Your request was not sent",
                        "We could not save it just now, so it has not reached us. Please try again in a minute, or call us.",
                    )
                }
            }
        }
    }
}

/// Whether the forms offer a text and an e-mail.
fn offered(state: &AppState) -> (bool, bool) {
    let updates = state.updates();
    (updates.text, updates.email)
}

fn received_page(
    site: &Rendered,
    (request, updates): (&Request, &requests::Updates),
    reference: String,
    place: &crate::content::Location,
) -> Result<String, AppError> {
    let next = match site.status(place) {
        Some(status) if status.open => format!(
            "{} is open now ({}). We will call you today.",
            place.name, status.detail
        ),
        Some(status) if !status.detail.is_empty() => {
            let when = status
                .detail
                .strip_prefix("opens ")
                .unwrap_or(&status.detail);
            format!(
                "{} is closed now. We open {when}; we will call you then.",
                place.name
            )
        }
        _ => "We will call you during opening hours.".to_owned(),
    };
    let schedule_two = matches!(
        request,
        Request::Transfer {
            controlled: requests::fields::Controlled::ScheduleII,
            ..
        }
    );
    let meta = Meta::new(
        "Request received",
        "We have your request.",
        "/requests/received",
    )
    .noindex();
    let told = match (updates.text, updates.email.is_some()) {
        (true, true) => "We will text and e-mail you when there is news.",
        (true, false) => "We will text you when there is news.",
        (false, true) => "We will e-mail you when there is news.",
        (false, false) => "",
    };
    let page = ReceivedPage {
        layout: site.layout(meta)?,
        noun: request.kind().noun(),
        reference,
        next,
        told,
        asks_birth: matches!(request, Request::Refill { .. } | Request::Transfer { .. }),
        schedule_two,
    };
    Ok(page.render().map_err(anyhow::Error::from)?)
}

/// The page for a post that is not a readable form (too large, not a form, a field sent twice).
fn unreadable(site: &Rendered, status: StatusCode) -> Response {
    problem(
        site,
        status,
        "Your request could not be sent",
        "This form could not be read. Please go back, reload the form and send it again — or call us.",
    )
}

/// A page with a title and one message, for a form that was refused.
pub(super) fn problem(
    site: &Rendered,
    status: StatusCode,
    title: &'static str,
    message: &'static str,
) -> Response {
    let html = site
        .layout(Meta::new(title, message, "/requests").noindex())
        .and_then(|layout| {
            Ok(ProblemPage {
                layout,
                title,
                message,
            }
            .render()
            .map_err(anyhow::Error::from)?)
        });
    respond(html, status, None)
}

/// A form page: never cached or stored (it may hold what a patient typed).
fn respond(
    html: Result<String, AppError>,
    status: StatusCode,
    cookie: Option<HeaderValue>,
) -> Response {
    match html {
        Ok(html) => {
            let mut response = (status, Html(html)).into_response();
            let headers = response.headers_mut();
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            if let Some(cookie) = cookie {
                headers.insert(header::SET_COOKIE, cookie);
            }
            response
        }
        Err(error) => error.into_response(),
    }
}
