//! `/requests/{callback,refill,transfer,compounding}`: the patient request forms. GET shows the
//! form; POST checks it (CSRF token and origin, honeypot, every field), seals and commits it
//! with its staff notification, and only then shows the reference. Nothing a patient typed goes
//! into a URL, a log line or an error page.

pub(super) mod csrf;
mod limit;
mod spec;

use std::collections::HashMap;

use askama::Template;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};

pub use self::limit::{Limiter, too_many};
use self::spec::{Input, Question};
use super::render::{Layout, Meta, PageRequest, Rendered};
use super::{AppError, AppState};
use crate::requests::{self, FieldError, Kind, Request};

/// A form with every field at its longest is about 8 KB; anything far beyond is not a patient.
const MAX_BODY: usize = 32 * 1024;

/// Fields a link may fill in (from a condition or the compounding table). Never patient data:
/// URLs end up in logs and browser history.
const PREFILLABLE: [&str; 4] = ["ingredients", "dosage_form", "topic", "location"];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/requests/{kind}", get(show).post(submit))
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

#[derive(Template)]
#[template(path = "request_form.html")]
struct FormPage<'a> {
    layout: Layout<'a>,
    kind: &'static str,
    title: &'static str,
    lead: &'static str,
    errors: Vec<FieldError>,
    fields: Vec<FieldView>,
    token: &'a str,
}

/// One question with what the patient typed and its error.
struct FieldView {
    question: Question,
    value: String,
    error: Option<String>,
    /// For radios and locations: (value, label, checked).
    options: Vec<(String, String, bool)>,
    /// For medicine rows, what was typed in each.
    rows: Vec<MedicineRow>,
}

/// One row of the transfer form's medicines: field names, input ids and what was typed.
struct MedicineRow {
    number: usize,
    name_field: String,
    rx_field: String,
    name_id: String,
    rx_id: String,
    name: String,
    rx: String,
}

impl MedicineRow {
    fn all(values: &HashMap<String, String>) -> Vec<Self> {
        (1..=requests::fields::Medicines::ROWS)
            .map(|number| {
                let name_field = requests::forms::medicine_field(number);
                let rx_field = requests::forms::rx_field(number);
                // The first row's name input carries the question's id, so the error
                // summary's link lands on it.
                let (name_id, rx_id) = if number == 1 {
                    ("medications".to_owned(), "medications-rx".to_owned())
                } else {
                    (
                        format!("medications-{number}"),
                        format!("medications-rx-{number}"),
                    )
                };
                Self {
                    number,
                    name: values.get(&name_field).cloned().unwrap_or_default(),
                    rx: values.get(&rx_field).cloned().unwrap_or_default(),
                    name_field,
                    rx_field,
                    name_id,
                    rx_id,
                }
            })
            .collect()
    }
}

impl FieldView {
    fn is_radios(&self) -> bool {
        matches!(self.question.input, Input::Radios(_) | Input::Location)
    }
    fn is_medicines(&self) -> bool {
        self.question.input == Input::Medicines
    }
    fn is_textarea(&self) -> bool {
        self.question.input == Input::TextArea
    }
    fn input_type(&self) -> &'static str {
        match self.question.input {
            Input::Tel => "tel",
            _ => "text",
        }
    }
    fn input_mode(&self) -> &'static str {
        match self.question.input {
            Input::Tel => "tel",
            Input::Date => "numeric",
            _ => "text",
        }
    }
    /// `aria-describedby`: the hint and the error, when present.
    fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.question.hint.is_empty() {
            ids.push(format!("{}-hint", self.question.name));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.question.name));
        }
        ids.join(" ")
    }
}

#[derive(Template)]
#[template(path = "request_received.html")]
struct ReceivedPage<'a> {
    layout: Layout<'a>,
    noun: &'static str,
    reference: String,
    next: String,
    schedule_two: bool,
}

#[derive(Template)]
#[template(path = "request_problem.html")]
struct ProblemPage<'a> {
    layout: Layout<'a>,
    title: &'static str,
    message: &'static str,
}

async fn show(
    page: PageRequest,
    State(state): State<AppState>,
    Path(kind): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(kind) = Kind::from_slug(&kind) else {
        return page.not_found();
    };
    let prefill: HashMap<String, String> =
        url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
            .filter(|(key, _)| PREFILLABLE.contains(&key.as_ref()))
            .map(|(key, value)| (key.into_owned(), value.chars().take(200).collect()))
            .collect();
    let token = csrf::new_token();
    respond(
        form_page(&page.site, kind, &prefill, Vec::new(), &token),
        StatusCode::OK,
        Some(csrf::cookie(&token, state.secure())),
    )
}

async fn submit(
    page: PageRequest,
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(kind): Path<String>,
    headers: HeaderMap,
    Form(fields): Form<HashMap<String, String>>,
) -> Response {
    let Some(kind) = Kind::from_slug(&kind) else {
        return page.not_found();
    };
    if let Err(wait) = state
        .request_limiter()
        .take(peer.ip(), std::time::Instant::now())
    {
        tracing::info!("refused a request form: rate limit");
        return limit::too_many(wait);
    }
    let site = &page.site;
    if let Err(reason) = csrf::check(&headers, &fields) {
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
    // Hidden from people (and screen readers); only bots fill it in.
    if fields.get("website").is_some_and(|v| !v.trim().is_empty()) {
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
    match requests::forms::parse(kind, &fields, &pack.site, today) {
        Err(errors) => {
            let token = fields.get(csrf::FIELD).cloned().unwrap_or_default();
            respond(
                form_page(site, kind, &fields, errors, &token),
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
            )
        }
        Ok((request, location)) => {
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
                &request,
                (&location, &place.name),
                state.notification_channels(),
                now,
            )
            .await
            {
                Ok(reference) => {
                    tracing::info!(%reference, kind = kind.slug(), location = %location, "request received");
                    respond(
                        received_page(site, &request, reference.to_string(), place),
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

fn form_page(
    site: &Rendered,
    kind: Kind,
    values: &HashMap<String, String>,
    errors: Vec<FieldError>,
    token: &str,
) -> Result<String, AppError> {
    let pack = site.pack()?;
    let (title, lead) = spec::heading(kind);
    let default_location = pack.site.main_location().map(|l| l.slug.to_string());
    let fields = spec::questions(kind)
        .iter()
        .map(|question| {
            let mut value = values.get(question.name).cloned().unwrap_or_default();
            if question.input == Input::Location && value.is_empty() {
                value = default_location.clone().unwrap_or_default();
            }
            let options: Vec<(String, String, bool)> = match question.input {
                Input::Radios(options) => options
                    .iter()
                    .map(|(v, label)| ((*v).to_owned(), (*label).to_owned(), *v == value))
                    .collect(),
                Input::Location => pack
                    .site
                    .locations
                    .iter()
                    .map(|l| {
                        let slug = l.slug.to_string();
                        let checked = slug == value;
                        (
                            slug,
                            format!("{} — {}, {}", l.name, l.address.street, l.address.city),
                            checked,
                        )
                    })
                    .collect(),
                _ => Vec::new(),
            };
            FieldView {
                error: errors
                    .iter()
                    .find(|e| e.field == question.name)
                    .map(|e| e.message.clone()),
                rows: if question.input == Input::Medicines {
                    MedicineRow::all(values)
                } else {
                    Vec::new()
                },
                question: *question,
                value,
                options,
            }
        })
        .collect();
    // "Error: …" first in the title, so a screen reader hears it on arrival.
    let page_title = if errors.is_empty() {
        title.to_owned()
    } else {
        format!("Error: {title}")
    };
    let meta = Meta::new(page_title, lead, format!("/requests/{}", kind.slug())).noindex();
    let page = FormPage {
        layout: site.layout(meta)?,
        kind: kind.slug(),
        title,
        lead,
        errors,
        fields,
        token,
    };
    Ok(page.render().map_err(anyhow::Error::from)?)
}

fn received_page(
    site: &Rendered,
    request: &Request,
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
    let page = ReceivedPage {
        layout: site.layout(meta)?,
        noun: request.kind().noun(),
        reference,
        next,
        schedule_two,
    };
    Ok(page.render().map_err(anyhow::Error::from)?)
}

fn problem(
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
