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

use super::{Problem, csrf, limit, problem, respond};
use crate::content::Change;
use crate::content::{Lang, Location, Site, weekday_name};
use crate::i18n::{self, Arg};
use crate::requests::status::{self, Lookup};
use crate::requests::{Reference, updates};
use crate::staff::audit::{Actor, Entry};
use crate::store::{RequestStanding, RequestStatus};
use crate::web::AppState;
use crate::web::render::clock_in as clock;
use crate::web::render::{Meta, PageRequest, Rendered, hour12, open_detail};
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
    fact_error: Option<String>,
    token: &'a str,
    found: Option<(String, String)>,
    no_match: bool,
    locked: bool,
    phone: String,
    tel: String,
}

fn page(
    (site, lang): (&Rendered, Lang),
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
    let title = i18n::text(lang, "status-title");
    let title = if fact_error.is_some() {
        i18n::format(lang, "form-error-title", &[("title", Arg::from(&title))])
    } else {
        title
    };
    let meta = Meta::new(
        title,
        i18n::text(lang, "status-description"),
        "/requests/status",
    )
    .noindex()
    .lang(lang);
    Ok(StatusPage {
        layout: site.layout(meta)?,
        reference: reference.chars().take(MAX_TYPED).collect(),
        fact_error: fact_error.map(|key| i18n::text(lang, key)),
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
        page(
            (&page_request.site, page_request.lang),
            (&reference, None),
            Answer::None,
            &token,
        ),
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
    let site = (&*page_request.site, page_request.lang);
    if let Err(wait) = state.take_token(Limit::Requests, peer.ip()).await {
        return limit::too_many(wait, crate::metrics::Limit::RequestForm);
    }
    let Ok(Form(posted)) = posted else {
        return super::unreadable(&page_request, StatusCode::BAD_REQUEST);
    };
    if csrf::check(
        state.form_tokens(),
        state.origins(),
        &headers,
        &posted.csrf_token,
    )
    .is_err()
    {
        return problem(&page_request, StatusCode::FORBIDDEN, Problem::Expired);
    }
    let now = state.now();
    let today = state.today();
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
            return unavailable(&page_request, &error);
        }
        return respond(
            page(
                site,
                (&posted.reference, Some("error-fact")),
                Answer::None,
                &posted.csrf_token,
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
        );
    };
    let lookup = match status::look_up(store, state.keys(), &typed, &fact, now).await {
        Ok(lookup) => lookup,
        Err(error) => return unavailable(&page_request, &error),
    };
    let audited = audit(lookup.outcome()).record(store, now).await;
    // No answer without its audit line.
    if let Err(error) = audited {
        return unavailable(&page_request, &error);
    }
    let (answer, code) = match lookup {
        Lookup::Found(standing) => {
            let pack = match site.0.pack() {
                Ok(pack) => pack,
                Err(_) => return page_request.not_found(),
            };
            let (headline, next) = words(
                (&pack.site, site.1),
                &standing,
                now,
                state.staff_policy().overdue_ms,
            );
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

fn unavailable(page: &PageRequest, error: &crate::store::StoreError) -> Response {
    tracing::error!(error = %error, "cannot look up a request's status");
    problem(page, StatusCode::SERVICE_UNAVAILABLE, Problem::Lookup)
}

/// The status in words in `lang`, and what happens next.
fn words(
    (site, lang): (&Site, Lang),
    standing: &RequestStanding,
    now: i64,
    overdue_ms: i64,
) -> (String, String) {
    let Some(place) = site
        .locations
        .iter()
        .find(|l| l.slug.as_str() == standing.location)
        .or_else(|| site.main_location())
    else {
        return (standing.status.label().to_owned(), String::new());
    };
    let phone = place.phone.to_string();
    let (phone, location) = (Arg::from(&phone), Arg::from(&place.name));
    let say = |key: &str, args: &[(&str, Arg<'_>)]| i18n::format(lang, key, args);
    let at = Timestamp::from_millisecond(now).unwrap_or(Timestamp::UNIX_EPOCH);
    match standing.status {
        RequestStatus::New | RequestStatus::InProgress => {
            let headline = say("status-received", &[("location", location)]);
            let next = match call_by((place, lang), standing.created_at, overdue_ms, now) {
                Some(when) => say("status-call-by", &[("when", Arg::from(&when))]),
                None => say("status-call-soon", &[("phone", phone)]),
            };
            (headline, next)
        }
        RequestStatus::Ready => {
            let open = place.status_at(at);
            let closes = match open.next {
                Some(Change::Closes(time)) if open.open => Some(time),
                _ => None,
            };
            let headline = match closes {
                Some(time) => say(
                    "status-ready-until",
                    &[
                        ("location", location),
                        ("time", Arg::from(&clock(lang, time))),
                        ("hour", Arg::Num(hour12(time).into())),
                    ],
                ),
                None => say("status-ready", &[("location", location)]),
            };
            let next = if open.open {
                say("status-ready-delivery", &[])
            } else {
                let detail = open_detail(lang, &open);
                say("status-ready-closed", &[("detail", Arg::from(&detail))])
            };
            (headline, next)
        }
        RequestStatus::NeedToTalk => (
            say("status-need-to-talk", &[("phone", phone)]),
            say("status-need-to-talk-next", &[("location", location)]),
        ),
        RequestStatus::CannotFill => (
            say("status-cannot-fill", &[("phone", phone)]),
            say("status-cannot-fill-next", &[]),
        ),
        RequestStatus::Done => (
            say("status-done", &[]),
            say(
                "status-done-next",
                &[("location", location), ("phone", phone)],
            ),
        ),
    }
}

/// "11 am", "11 am tomorrow", "10:30 am on Monday" (in `lang`): when the request becomes
/// overdue, counted in the location's opening hours as staff reminders are — `None` once that
/// has passed.
fn call_by(
    (place, lang): (&Location, Lang),
    created: i64,
    overdue_ms: i64,
    now: i64,
) -> Option<String> {
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
    let time = clock(lang, due.time());
    let day = i18n::text(lang, &weekday_name(due.date().weekday()).to_lowercase());
    let key = if due.date() == today {
        "status-when-today"
    } else if today.tomorrow().ok() == Some(due.date()) {
        "status-when-tomorrow"
    } else {
        "status-when-day"
    };
    Some(i18n::format(
        lang,
        key,
        &[
            ("time", Arg::from(&time)),
            ("hour", Arg::Num(hour12(due.time()).into())),
            ("day", Arg::from(&day)),
        ],
    ))
}
