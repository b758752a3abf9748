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
use crate::content::Lang;
use crate::i18n;
use crate::requests::posted::{CallbackForm, CompoundingForm, RefillForm, TransferForm};
use crate::requests::updates::UpdatesForm;
use crate::requests::{self, Request, RequestForm};

/// A form with every field at its longest is about 8 KB; anything far beyond is not a patient.
const MAX_BODY: usize = 32 * 1024;

/// Longest value a link may fill in, in characters.
const MAX_PREFILL: usize = 200;

/// One route per form, each reading its own struct, in every language (`/es/requests/refill`
/// is the same form in Spanish); any other kind is the site's 404.
pub fn router() -> Router<AppState> {
    let mut router = Router::new();
    for lang in Lang::ALL {
        let at = |path: &str| lang.path(path);
        router = router
            .route(
                &at("/requests/callback"),
                get(show::<CallbackForm>).post(submit::<CallbackForm>),
            )
            .route(
                &at("/requests/refill"),
                get(show::<RefillForm>).post(submit::<RefillForm>),
            )
            .route(
                &at("/requests/transfer"),
                get(show::<TransferForm>).post(submit::<TransferForm>),
            )
            .route(
                &at("/requests/compounding"),
                get(show::<CompoundingForm>).post(submit::<CompoundingForm>),
            )
            .route(
                &at("/requests/status"),
                get(status::show).post(status::look_up),
            );
    }
    router.layer(DefaultBodyLimit::max(MAX_BODY))
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
    /// "We have your refill request".
    heading: &'static str,
    reference: String,
    next: String,
    /// What the patient asked to be told (a message key), when they did.
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
    title: String,
    message: String,
}

async fn show<F: RequestForm>(
    page: PageRequest,
    State(state): State<AppState>,
    prefill: Result<Query<Prefill>, QueryRejection>,
) -> Response {
    let Ok(Query(prefill)) = prefill else {
        return problem(&page, StatusCode::BAD_REQUEST, Problem::UnreadableLink);
    };
    let token = state.form_tokens().mint();
    respond(
        form_page(
            (&page.site, page.lang),
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
    let lang = page.lang;
    let posted = match posted {
        Ok(Form(posted)) => posted,
        Err(rejection) => {
            // Too large, not a form, or a field sent twice. The rejection's text is not logged:
            // it could quote what was sent.
            tracing::info!(status = %rejection.status(), "refused a request form that could not be read");
            return unreadable(&page, rejection.status());
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
        return problem(&page, StatusCode::FORBIDDEN, Problem::Expired);
    }
    if !posted.website.trim().is_empty() {
        return problem(&page, StatusCode::BAD_REQUEST, Problem::Automated);
    }
    let Ok(pack) = site.pack() else {
        return page.not_found();
    };
    // The server's clock (injectable), as everything else that dates a request.
    let (now, today) = (state.now(), state.today());
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
                (site, lang),
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
            match requests::submit(
                state.store().as_ref(),
                state.keys(),
                (&request, &updates),
                (&location, &place.name),
                lang,
                state.notification_channels(),
                now,
            )
            .await
            {
                Ok(reference) => {
                    tracing::info!(%reference, kind = kind.slug(), location = %location, "request received");
                    respond(
                        received_page(
                            (site, lang),
                            (&request, &updates),
                            reference.to_string(),
                            place,
                        ),
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
                    problem(&page, StatusCode::SERVICE_UNAVAILABLE, Problem::Unsaved)
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
    (site, lang): (&Rendered, Lang),
    (request, updates): (&Request, &requests::Updates),
    reference: String,
    place: &crate::content::Location,
) -> Result<String, AppError> {
    let location = i18n::Arg::from(&place.name);
    let next = match site.status(place) {
        Some(status) if status.open => {
            let detail = crate::web::render::open_detail(lang, status);
            i18n::format(
                lang,
                "received-open",
                &[("location", location), ("detail", i18n::Arg::from(&detail))],
            )
        }
        Some(status) if status.next.is_some() => {
            let detail = crate::web::render::open_detail(lang, status);
            i18n::format(
                lang,
                "received-closed",
                &[("location", location), ("detail", i18n::Arg::from(&detail))],
            )
        }
        _ => i18n::text(lang, "received-hours"),
    };
    let schedule_two = matches!(
        request,
        Request::Transfer {
            controlled: requests::fields::Controlled::ScheduleII,
            ..
        }
    );
    // The page answers a POST: its own address and language switch are the status page of the
    // reference, the one page that shows this request again.
    let meta = Meta::new(
        i18n::text(lang, "received-title"),
        i18n::text(lang, "received-description"),
        format!("/requests/status?reference={reference}"),
    )
    .noindex()
    .lang(lang);
    let told = match (updates.text, updates.email.is_some()) {
        (true, true) => "received-told-both",
        (true, false) => "received-told-text",
        (false, true) => "received-told-email",
        (false, false) => "",
    };
    let page = ReceivedPage {
        layout: site.layout(meta)?,
        heading: match request.kind() {
            requests::Kind::Callback => "received-callback",
            requests::Kind::Refill => "received-refill",
            requests::Kind::Transfer => "received-transfer",
            requests::Kind::Compounding => "received-compounding",
        },
        reference,
        next,
        told,
        asks_birth: matches!(request, Request::Refill { .. } | Request::Transfer { .. }),
        schedule_two,
    };
    Ok(page.render().map_err(anyhow::Error::from)?)
}

/// The page for a post that is not a readable form (too large, not a form, a field sent twice).
fn unreadable(page: &PageRequest, status: StatusCode) -> Response {
    problem(page, status, Problem::Unreadable)
}

/// Why a form (or a search address) was refused, as the page says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// A form's address whose query cannot be read.
    UnreadableLink,
    /// No valid CSRF token or origin.
    Expired,
    /// The honeypot was filled in.
    Automated,
    /// The request could not be stored.
    Unsaved,
    /// Not a readable form: too large, not a form, a field sent twice.
    Unreadable,
    /// The status page could not read the store.
    Lookup,
    /// A search address whose query cannot be read.
    Search,
}

impl Problem {
    #[cfg(test)]
    const ALL: [Problem; 7] = [
        Self::UnreadableLink,
        Self::Expired,
        Self::Automated,
        Self::Unsaved,
        Self::Unreadable,
        Self::Lookup,
        Self::Search,
    ];

    /// The keys of its title and its message (`locales/*/forms.ftl`).
    fn keys(self) -> (&'static str, &'static str) {
        match self {
            Self::UnreadableLink => ("problem-unreadable-link-title", "problem-unreadable-link"),
            Self::Expired => ("problem-expired-title", "problem-expired"),
            Self::Automated => ("problem-automated-title", "problem-automated"),
            Self::Unsaved => ("problem-unsaved-title", "problem-unsaved"),
            Self::Unreadable => ("problem-unreadable-title", "problem-unreadable"),
            Self::Lookup => ("problem-lookup-title", "problem-lookup"),
            Self::Search => ("problem-search-title", "problem-search"),
        }
    }
}

/// A page with a title and one message, for a form that was refused, at the form's own address
/// and in its language.
pub(crate) fn problem(page: &PageRequest, status: StatusCode, problem: Problem) -> Response {
    let lang = page.lang;
    let (title, message) = problem.keys();
    let (title, message) = (i18n::text(lang, title), i18n::text(lang, message));
    let meta = Meta::new(title.clone(), message.clone(), page.english_path())
        .noindex()
        .lang(lang);
    let html = page.site.layout(meta).and_then(|layout| {
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

#[cfg(test)]
mod tests {
    use super::Problem;

    #[test]
    fn every_problem_is_worded_in_every_language() {
        for problem in Problem::ALL {
            let (title, message) = problem.keys();
            assert!(
                crate::i18n::has(title) && crate::i18n::has(message),
                "{problem:?}"
            );
        }
    }
}
