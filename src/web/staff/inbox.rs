//! The request inbox: the dashboard's counts, the list with filters (metadata only — kind,
//! location, status, age; never what the patient wrote), and one request's page, which opens
//! its sealed contents. Opening is a PHI access: it is written to the audit log *before* the
//! contents are read, and a failed audit write means the contents are not shown. Status
//! changes, assignments and notes (`triage`) are kept as the request's history (notes sealed).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::session::{Staff, now_ms};
use super::{StaffLayout, page};
use crate::content::Lang;
use crate::requests::{self, Kind};
use crate::store::{RequestFilter, RequestStatus, RequestSummary};
use crate::web::{AppError, AppState};

/// The statuses a request moves through, with their labels.
pub const STATUSES: &[(&str, &str)] = RequestStatus::OPTIONS;

/// The most rows a list shows; filters narrow it.
const LIST_LIMIT: i64 = 500;

/// A status as a history row stores it, as staff read it.
fn status_label(status: &str) -> &str {
    match RequestStatus::parse(status) {
        Some(known) => known.label(),
        None => status,
    }
}

fn kind_label(kind: &str) -> &'static str {
    match Kind::from_slug(kind) {
        Some(Kind::Callback) => "Call-back",
        Some(Kind::Refill) => "Refill",
        Some(Kind::Transfer) => "Transfer",
        Some(Kind::Compounding) => "Compounding",
        None => "Other",
    }
}

/// A time as the pharmacy reads it: in the main location's time zone, "Nov 26, 7:51 pm".
pub(super) fn local_time(site: &crate::content::Site, ms: i64) -> String {
    let tz = site
        .main_location()
        .and_then(|l| jiff::tz::TimeZone::get(l.timezone.as_str()).ok())
        .unwrap_or(jiff::tz::TimeZone::UTC);
    match jiff::Timestamp::from_millisecond(ms) {
        Ok(at) => {
            let local = at.to_zoned_datetime(tz);
            format!(
                "{} {}",
                local.strftime("%b %-d,"),
                crate::content::clock(local.time())
            )
        }
        Err(_) => String::new(),
    }
}

/// "3 h 20 min ago".
fn age(ms: i64) -> String {
    let minutes = ms.max(0) / 60_000;
    match minutes {
        0 => "just now".to_owned(),
        1..=59 => format!("{minutes} min ago"),
        60..=1439 => format!("{} h {} min ago", minutes / 60, minutes % 60),
        _ => format!("{} days ago", minutes / 1440),
    }
}

/// One inbox row, ready to show.
struct Row {
    reference: String,
    kind: &'static str,
    location: String,
    received: String,
    age: String,
    status: String,
    status_label: String,
    assigned: String,
    overdue: bool,
    /// "Spanish" when the patient wrote from a Spanish page (their messages go out in it);
    /// empty for English.
    prefers: &'static str,
}

fn rows(state: &AppState, site: &crate::content::Site, summaries: &[RequestSummary]) -> Vec<Row> {
    let now = now_ms();
    let overdue_ms = state.staff_policy().overdue_ms;
    let waited = |s: &RequestSummary| {
        let place = site
            .locations
            .iter()
            .find(|l| l.slug.as_str() == s.location);
        match (
            place,
            jiff::Timestamp::from_millisecond(s.created_at),
            jiff::Timestamp::from_millisecond(now),
        ) {
            (Some(place), Ok(from), Ok(to)) => place.open_ms_between(from, to),
            _ => now - s.created_at,
        }
    };
    summaries
        .iter()
        .map(|s| Row {
            reference: s.reference.clone(),
            kind: kind_label(&s.kind),
            location: site
                .locations
                .iter()
                .find(|l| l.slug.as_str() == s.location)
                .map_or_else(|| s.location.clone(), |l| l.name.clone()),
            received: local_time(site, s.created_at),
            age: age(now - s.created_at),
            status_label: s.status.label().to_owned(),
            overdue: s.status == RequestStatus::New && waited(s) > overdue_ms,
            status: s.status.slug().to_owned(),
            assigned: s.assigned_to.clone().unwrap_or_default(),
            prefers: match Lang::parse(&s.lang) {
                Some(Lang::En) | None => "",
                Some(lang) => lang.english_name(),
            },
        })
        .collect()
}

#[derive(Template)]
#[template(path = "staff/dashboard.html")]
struct DashboardPage<'a> {
    layout: StaffLayout<'a>,
    counts: Vec<(&'static str, &'static str, usize)>,
    overdue: Vec<Row>,
    overdue_hours: String,
    /// For pharmacists and admins: (edit link, title, why) of pages due a review.
    reviews: Option<Vec<(String, String, String)>>,
    /// For pharmacists and admins: shared experiences waiting for a decision.
    stories_waiting: Option<usize>,
}

pub async fn dashboard(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    let site = state.renderer().current();
    let pack = site.pack()?;
    let all = state
        .store()
        .request_summaries(&RequestFilter {
            limit: 10_000,
            ..RequestFilter::default()
        })
        .await?;
    let counts = STATUSES
        .iter()
        .map(|(value, label)| {
            (
                *value,
                *label,
                all.iter().filter(|s| s.status.slug() == *value).count(),
            )
        })
        .collect();
    let overdue: Vec<Row> = rows(&state, &pack.site, &all)
        .into_iter()
        .filter(|r| r.overdue)
        .collect();
    let minutes = state.staff_policy().overdue_ms / 60_000;
    let editor = staff.role >= crate::staff::Role::Pharmacist;
    let stories_waiting = if editor {
        Some(
            state
                .store()
                .shared_stories(crate::store::StoryStatus::Pending)
                .await?
                .len(),
        )
    } else {
        None
    };
    page(
        StatusCode::OK,
        DashboardPage {
            layout: StaffLayout::signed_in(&site, "Dashboard", "dashboard", &staff)?,
            counts,
            overdue,
            reviews: editor.then(|| super::content::reviews_due(pack, super::session::now_ms())),
            stories_waiting,
            overdue_hours: if minutes % 60 == 0 {
                format!("{} hours", minutes / 60)
            } else {
                format!("{minutes} minutes")
            },
        },
    )
}

#[derive(Template)]
#[template(path = "staff/requests.html")]
struct ListPage<'a> {
    layout: StaffLayout<'a>,
    rows: Vec<Row>,
    counts: Vec<(&'static str, &'static str, usize)>,
    kinds: Vec<(&'static str, &'static str)>,
    locations: Vec<(String, String)>,
    statuses: &'static [(&'static str, &'static str)],
    ages: [(&'static str, &'static str); 3],
    filter: ListQuery,
}

impl ListPage<'_> {
    fn selected(&self, name: &str, value: &str) -> bool {
        let chosen = match name {
            "kind" => self.filter.kind.as_str(),
            "status" => self.filter.status.as_str(),
            "location" => self.filter.location.as_str(),
            "age" => self.filter.age.map_or("", Age::slug),
            _ => "",
        };
        chosen == value
    }
}

/// The list's filters. An unknown kind, status or location matches nothing rather than
/// everything; an unknown age is a 400.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    kind: String,
    status: String,
    location: String,
    age: Option<Age>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Age {
    Today,
    Week,
    Older,
}

impl Age {
    fn slug(self) -> &'static str {
        match self {
            Self::Today => "today",
            Self::Week => "week",
            Self::Older => "older",
        }
    }
}

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let site = state.renderer().current();
    let pack = site.pack()?;
    let now = state.now();
    let day = 86_400_000;
    let (created_before, created_since) = match query.age {
        Some(Age::Today) => (0, now - day),
        Some(Age::Week) => (0, now - 7 * day),
        Some(Age::Older) => (now - 7 * day, 0),
        None => (0, 0),
    };
    let base = RequestFilter {
        kind: query.kind.clone(),
        status: None,
        location: query.location.clone(),
        created_before,
        created_since,
        limit: LIST_LIMIT,
    };
    let matching = state.store().request_summaries(&base).await?;
    let counts = STATUSES
        .iter()
        .map(|(value, label)| {
            (
                *value,
                *label,
                matching
                    .iter()
                    .filter(|s| s.status.slug() == *value)
                    .count(),
            )
        })
        .collect();
    let status = query.status.as_str();
    let shown: Vec<RequestSummary> = matching
        .into_iter()
        .filter(|s| status.is_empty() || s.status.slug() == status)
        .collect();
    page(
        StatusCode::OK,
        ListPage {
            layout: StaffLayout::signed_in(&site, "Requests", "requests", &staff)?,
            rows: rows(&state, &pack.site, &shown),
            counts,
            kinds: Kind::ALL
                .iter()
                .map(|k| (k.slug(), kind_label(k.slug())))
                .collect(),
            locations: pack
                .site
                .locations
                .iter()
                .map(|l| (l.slug.to_string(), l.name.clone()))
                .collect(),
            statuses: STATUSES,
            ages: [
                ("today", "Last 24 hours"),
                ("week", "Last 7 days"),
                ("older", "Older than 7 days"),
            ],
            filter: query,
        },
    )
}

/// One line of a request's history.
struct HistoryLine {
    at: String,
    actor: String,
    what: String,
}

#[derive(Template)]
#[template(path = "staff/request.html")]
struct DetailPage<'a> {
    layout: StaffLayout<'a>,
    row: Row,
    answers: Vec<(&'static str, String)>,
    /// The contents were removed after the retention period.
    purged: bool,
    schedule_two: bool,
    history: Vec<HistoryLine>,
    statuses: &'static [(&'static str, &'static str)],
    colleagues: Vec<String>,
    /// The patient's updates: asked for, previews, messages queued.
    updates: super::messages::Panel,
    csrf: String,
}

/// What binds a sealed note to its request.
pub(super) fn note_context(reference: &str) -> String {
    format!("note|{reference}")
}

pub async fn detail(
    State(state): State<AppState>,
    staff: Staff,
    Path(reference): Path<String>,
) -> Result<Response, AppError> {
    let store = state.store();
    let Some(stored) = store.find_request(&reference).await? else {
        return Err(AppError::NotFound);
    };
    // Audited before anything sealed is opened; if the audit cannot be written, nothing is.
    staff
        .audit(&state, "request.viewed", &reference, "")
        .await?;
    let purged = stored.request.key_id == "purged";
    let request = if purged {
        None
    } else {
        Some(requests::open(state.keys(), &stored)?)
    };
    let site = state.renderer().current();
    let pack = site.pack()?;
    let summary = RequestSummary {
        reference: stored.request.reference.clone(),
        kind: stored.request.kind.clone(),
        location: stored.request.location.clone(),
        status: stored.status,
        created_at: stored.request.created_at,
        updated_at: None,
        assigned_to: stored.assigned_to.clone(),
        lang: stored.request.lang.clone(),
    };
    let row = rows(&state, &pack.site, std::slice::from_ref(&summary))
        .pop()
        .ok_or(AppError::NotFound)?;
    let mut history = Vec::new();
    for event in store.request_events(&reference).await? {
        let what = match event.kind.as_str() {
            "status" => format!("Status: {}", status_label(&event.value)),
            "assign" if event.value.is_empty() => "Unassigned".to_owned(),
            "assign" => format!("Assigned to {}", event.value),
            "note" => match (&event.key_id, &event.sealed) {
                (Some(key_id), Some(blob)) => {
                    let sealed = requests::Sealed {
                        key_id: key_id.clone(),
                        blob: blob.clone(),
                    };
                    let note = state
                        .keys()
                        .open(&sealed, note_context(&reference).as_bytes())?;
                    format!("Note: {}", String::from_utf8_lossy(&note))
                }
                _ => "Note (removed)".to_owned(),
            },
            other => other.to_owned(),
        };
        history.push(HistoryLine {
            at: local_time(&pack.site, event.at),
            actor: event.actor,
            what,
        });
    }
    let colleagues = store
        .users()
        .await?
        .into_iter()
        .filter(|u| !u.disabled)
        .map(|u| u.email)
        .collect();
    let standing = store
        .standing(&reference)
        .await?
        .ok_or(AppError::NotFound)?;
    let updates = super::messages::panel(&state, &pack.site, &reference, &standing).await?;
    let schedule_two = matches!(
        request,
        Some(requests::Request::Transfer {
            controlled: requests::fields::Controlled::ScheduleII,
            ..
        })
    );
    page(
        StatusCode::OK,
        DetailPage {
            layout: StaffLayout::signed_in(
                &site,
                &format!("Request {reference}"),
                "requests",
                &staff,
            )?,
            row,
            answers: request
                .as_ref()
                .map(requests::Request::answers)
                .unwrap_or_default(),
            purged,
            schedule_two,
            history,
            statuses: STATUSES,
            colleagues,
            updates,
            csrf: staff.csrf.clone(),
        },
    )
}
