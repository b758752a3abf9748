//! `/requests/status`: where a request stands, for a patient who gives its reference and one
//! fact they gave (`requests::status`). The answer is the status in words and what happens
//! next — nothing else from the request. Unknown, malformed and wrong-fact lookups get the same
//! page; every lookup is audited without the fact.

use askama::Template;
use std::net::SocketAddr;

use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use jiff::Timestamp;
use serde::Deserialize;

use super::{csrf, limit, problem, respond};
use crate::content::{Location, Site, clock, weekday_name};
use crate::requests::status::{self, Lookup};
use crate::requests::{Reference, updates};
use crate::staff::audit::{Actor, Entry};
use crate::store::{RequestStanding, RequestStatus};
use crate::web::AppState;
use crate::web::render::{Meta, PageRequest, Rendered};
use crate::web::requests::Limit;

/// The longest reference or fact read; anything longer is not one.
const MAX_TYPED: usize = 40;

#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct Prefill {
    reference: String,
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct Posted {
    csrf_token: String,
    reference: String,
    fact: String,
}

/// What the page shows under the form.
enum Answer {
    None,
    /// The status's headline and what happens next.
    Found(String, String),
    NoMatch,
    Locked,
}

#[derive(Template)]
#[template(path = "request_status.html")]
struct StatusPage<'a> {
    layout: crate::web::render::Layout<'a>,
    reference: String,
    fact_error: Option<&'static str>,
    token: &'a str,
    found: Option<(String, String)>,
    no_match: bool,
    locked: bool,
    phone: String,
    tel: String,
}

fn page(
    site: &Rendered,
    (reference, fact_error): (&str, Option<&'static str>),
    answer: Answer,
    token: &str,
) -> Result<String, crate::web::AppError> {
    let pack = site.pack()?;
    let main = pack.site.main_location();
    let (found, no_match, locked) = match answer {
        Answer::None => (None, false, false),
        Answer::Found(headline, next) => (Some((headline, next)), false, false),
        Answer::NoMatch => (None, true, false),
        Answer::Locked => (None, false, true),
    };
    let title = if fact_error.is_some() {
        "Error: Check a request's status"
    } else {
        "Check a request's status"
    };
    let meta = Meta::new(
        title,
        "Where your request stands, with its reference.",
        "/requests/status",
    )
    .noindex();
    Ok(StatusPage {
        layout: site.layout(meta)?,
        reference: reference.chars().take(MAX_TYPED).collect(),
        fact_error,
        token,
        found,
        no_match,
        locked,
        phone: main.map(|l| l.phone.to_string()).unwrap_or_default(),
        tel: main.map(|l| l.phone.tel()).unwrap_or_default(),
    }
    .render()
    .map_err(anyhow::Error::from)?)
}

pub(super) async fn show(
    page_request: PageRequest,
    State(state): State<AppState>,
    prefill: Result<Query<Prefill>, QueryRejection>,
) -> Response {
    let reference = prefill.map(|Query(p)| p.reference).unwrap_or_default();
    // Only a well-formed reference is put back in the form.
    let reference = Reference::parse(&reference).map_or_else(String::new, |r| r.to_string());
    let token = state.form_tokens().mint();
    respond(
        page(&page_request.site, (&reference, None), Answer::None, &token),
        StatusCode::OK,
        Some(csrf::cookie(&token, state.secure())),
    )
}

pub(super) async fn look_up(
    page_request: PageRequest,
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    posted: Result<Form<Posted>, FormRejection>,
) -> Response {
    let site = &page_request.site;
    if let Err(wait) = state.take_token(Limit::Requests, peer.ip()).await {
        return limit::too_many(wait, crate::metrics::Limit::RequestForm);
    }
    let Ok(Form(posted)) = posted else {
        return super::unreadable(site, StatusCode::BAD_REQUEST);
    };
    if csrf::check(
        state.form_tokens(),
        state.origins(),
        &headers,
        &posted.csrf_token,
    )
    .is_err()
    {
        return problem(
            site,
            StatusCode::FORBIDDEN,
            "This form has expired",
            "For your security, forms must be sent from this website's own page. Please go back, reload the page and try again — or call us.",
        );
    }
    let now = state.now();
    let today = Timestamp::from_millisecond(now)
        .map(|t| t.to_zoned_datetime(jiff::tz::TimeZone::system()).date())
        .unwrap_or(jiff::civil::Date::constant(2000, 1, 1));
    let fact: String = posted.fact.chars().take(MAX_TYPED).collect();
    let typed: String = posted.reference.chars().take(MAX_TYPED).collect();
    let subject =
        Reference::parse(&typed).map_or_else(|| "malformed".to_owned(), |r| r.to_string());
    let ip = peer.ip().to_string();
    let audit = |outcome: &'static str| {
        Entry::new(Actor::Anonymous, "status.lookup")
            .subject(&subject)
            .detail(outcome)
            .ip(&ip)
    };
    let store = state.store().as_ref();
    let Some(fact) = updates::typed_fact(&fact, today) else {
        // Not a try (nothing was compared), but a lookup all the same: on the trail.
        if let Err(error) = audit("unreadable fact").record(store, now).await {
            return unavailable(site, &error);
        }
        let message = "Enter your date of birth, like 03/14/1980, or the last 4 digits of your \
                       phone number";
        return respond(
            page(
                site,
                (&posted.reference, Some(message)),
                Answer::None,
                &posted.csrf_token,
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
        );
    };
    let lookup = match status::look_up(store, state.keys(), &typed, &fact, now).await {
        Ok(lookup) => lookup,
        Err(error) => return unavailable(site, &error),
    };
    let audited = audit(lookup.outcome()).record(store, now).await;
    // No answer without its audit line.
    if let Err(error) = audited {
        return unavailable(site, &error);
    }
    let (answer, code) = match lookup {
        Lookup::Found(standing) => {
            let pack = match site.pack() {
                Ok(pack) => pack,
                Err(_) => return page_request.not_found(),
            };
            let (headline, next) =
                words(&pack.site, &standing, now, state.staff_policy().overdue_ms);
            (Answer::Found(headline, next), StatusCode::OK)
        }
        Lookup::NoMatch => (Answer::NoMatch, StatusCode::OK),
        Lookup::Locked => (Answer::Locked, StatusCode::TOO_MANY_REQUESTS),
    };
    respond(
        page(site, (&typed, None), answer, &posted.csrf_token),
        code,
        None,
    )
}

fn unavailable(site: &Rendered, error: &crate::store::StoreError) -> Response {
    tracing::error!(error = %error, "cannot look up a request's status");
    problem(
        site,
        StatusCode::SERVICE_UNAVAILABLE,
        "We could not check just now",
        "Please try again in a minute — or call us.",
    )
}

/// The status in words, and what happens next.
fn words(site: &Site, standing: &RequestStanding, now: i64, overdue_ms: i64) -> (String, String) {
    let Some(place) = site
        .locations
        .iter()
        .find(|l| l.slug.as_str() == standing.location)
        .or_else(|| site.main_location())
    else {
        return (standing.status.label().to_owned(), String::new());
    };
    let phone = place.phone.to_string();
    let at = Timestamp::from_millisecond(now).unwrap_or(Timestamp::UNIX_EPOCH);
    match standing.status {
        RequestStatus::New | RequestStatus::InProgress => {
            let headline = format!("Received at {}", place.name);
            let next = match call_by(place, standing.created_at, overdue_ms, now) {
                Some(when) => format!("We'll call you by {when}."),
                None => {
                    format!("We'll call you as soon as we can. You can also call us at {phone}.")
                }
            };
            (headline, next)
        }
        RequestStatus::Ready => {
            let open = place.status_at(at);
            let headline = if open.open {
                format!(
                    "Ready for pickup at {} until {}",
                    place.name,
                    open.detail.trim_start_matches("closes at ")
                )
            } else {
                format!("Ready for pickup at {}", place.name)
            };
            let next = if open.open {
                "If you asked for delivery, we will call to arrange it.".to_owned()
            } else {
                format!(
                    "We are closed now and {}. If you asked for delivery, we will call to arrange it.",
                    open.detail
                )
            };
            (headline, next)
        }
        RequestStatus::NeedToTalk => (
            format!("We need to talk to you — please call {phone}"),
            format!(
                "Call {} during opening hours and say your reference.",
                place.name
            ),
        ),
        RequestStatus::CannotFill => (
            format!("We could not fill this — please call {phone}"),
            "We can tell you why and what you can do next.".to_owned(),
        ),
        RequestStatus::Done => (
            "Done — this request is complete".to_owned(),
            format!("Questions? Call {} at {phone}.", place.name),
        ),
    }
}

/// "11 am", "11 am tomorrow", "10:30 am on Monday": when the request becomes overdue, counted
/// in the location's opening hours as staff reminders are — `None` once that has passed.
fn call_by(place: &Location, created: i64, overdue_ms: i64, now: i64) -> Option<String> {
    let from = Timestamp::from_millisecond(created).ok()?;
    let open_until = |ms: i64| {
        Timestamp::from_millisecond(ms)
            .map(|to| place.open_ms_between(from, to))
            .unwrap_or(0)
    };
    // The first minute by which the location has been open `overdue_ms`: a binary search,
    // since open time only grows; two weeks bounds a location that is rarely open.
    let (mut low, mut high) = (created, created + 14 * 24 * 60 * 60 * 1000);
    if open_until(high) < overdue_ms {
        return None;
    }
    while high - low > 60_000 {
        let middle = low + (high - low) / 2;
        if open_until(middle) >= overdue_ms {
            high = middle;
        } else {
            low = middle;
        }
    }
    if high <= now {
        return None;
    }
    let tz = jiff::tz::TimeZone::get(place.timezone.as_str()).unwrap_or(jiff::tz::TimeZone::UTC);
    // Rounded up to the minute, as people say it.
    let due = Timestamp::from_millisecond((high + 59_999) / 60_000 * 60_000)
        .ok()?
        .to_zoned_datetime(tz.clone());
    let today = Timestamp::from_millisecond(now)
        .ok()?
        .to_zoned_datetime(tz)
        .date();
    let time = clock(due.time());
    Some(if due.date() == today {
        time
    } else if today.tomorrow().ok() == Some(due.date()) {
        format!("{time} tomorrow")
    } else {
        format!("{time} on {}", weekday_name(due.date().weekday()))
    })
}
