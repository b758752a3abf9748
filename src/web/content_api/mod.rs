//! The content API: the library as JSON for other systems, read-only and without patient data —
//! conditions (paged A to Z, filtered by category, letter, `updated_since` and review status),
//! medications and locations — with its OpenAPI 3.1 document generated from the handlers and
//! types here (`/api/v1/openapi.json`) and a page for people (`/api`). Every answer has a strong
//! `ETag` (304 for `If-None-Match`), `Cache-Control`, CORS for `GET` from any origin, and
//! refusals as `{"error": {"code", "message"}}` naming the parameter.

mod connect;
pub mod model;
mod page;
mod reply;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi};

use self::model::{
    ApiError, ConditionList, ConditionPage, LocationList, MedicationList, MedicationPage,
    ReviewStatus,
};
use self::reply::{Refusal, json};
use super::AppState;
use super::render::PageRequest;
use crate::content::Slug;

/// The most conditions one page holds, and the default.
const MAX_PAGE: usize = 100;
const DEFAULT_PAGE: usize = 50;
/// The longest query string read, in bytes.
const MAX_QUERY: usize = 4096;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "pestle content API",
        version = "1",
        description = "The pharmacy's health library, read-only: conditions, medications and \
                       locations. No patient data. Limited per client address (429 with \
                       Retry-After)."
    ),
    paths(
        conditions,
        condition,
        medications,
        medication,
        locations,
        connect::service
    ),
    components(schemas(
        ApiError,
        connect::ConnectFeed,
        connect::CodeSystemOid,
        connect::Language,
        connect::ResponseType,
        ReviewStatus,
        ConditionList,
        ConditionPage,
        MedicationList,
        MedicationPage,
        LocationList
    ))
)]
pub struct ApiDoc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api", get(page::show))
        .route("/api/v1/openapi.json", get(openapi))
        .route(
            "/api/v1/conditions",
            get(conditions).options(reply::preflight),
        )
        .route(
            "/api/v1/conditions/{slug}",
            get(condition).options(reply::preflight),
        )
        .route(
            "/api/v1/medications",
            get(medications).options(reply::preflight),
        )
        .route(
            "/api/v1/medications/{slug}",
            get(medication).options(reply::preflight),
        )
        .route(
            "/api/v1/locations",
            get(locations).options(reply::preflight),
        )
        .route(
            "/connect/service",
            get(connect::service).options(reply::preflight),
        )
}

/// The document, with this site as its server.
pub fn document(public_url: &str) -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.servers = Some(vec![utoipa::openapi::Server::new(
        public_url.trim_end_matches('/'),
    )]);
    doc
}

async fn openapi(page: PageRequest, headers: HeaderMap) -> Response {
    json(&headers, &document(&page.site.url("/")))
}

/// Takes one of the address's API tokens.
async fn admit(state: &AppState, peer: SocketAddr) -> Result<(), Response> {
    match state
        .take_token(super::requests::Limit::Api, peer.ip())
        .await
    {
        Ok(()) => Ok(()),
        Err(wait) => Err(Refusal::too_many(wait)),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Where the previous page ended: the `next` link carries it.
    #[param(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 80)]
    cursor: Option<String>,
    /// Conditions per page, 1 to 100 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// Only this category, e.g. `Muscles, bones and joints` (any case).
    #[param(max_length = 100)]
    category: Option<String>,
    /// Only names starting with this letter, `a` to `z`.
    #[param(pattern = "^[A-Za-z]$")]
    letter: Option<String>,
    /// Only pages changed at or after this instant (RFC 3339; a date, `2026-11-01`, is taken as
    /// midnight UTC).
    #[param(value_type = Option<String>, format = DateTime)]
    updated_since: Option<String>,
    /// Only pages whose review is `reviewed`, `overdue` or `not-reviewed`.
    #[param(value_type = Option<ReviewStatus>)]
    review: Option<String>,
}

/// Conditions, A to Z, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/conditions",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of conditions", body = ConditionList),
        (status = 304, description = "Not modified since the ETag given"),
        (status = 400, description = "A parameter is not valid", body = ApiError),
        (status = 429, description = "Too many calls from this address", body = ApiError)
    )
)]
async fn conditions(
    page: PageRequest,
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    if let Err(refused) = admit(&state, peer).await {
        return refused;
    }
    if uri.query().map_or(0, str::len) > MAX_QUERY {
        return Refusal::bad("query", format!("longer than {MAX_QUERY} characters"));
    }
    let query = match query {
        Ok(Query(query)) => query,
        Err(rejection) => return Refusal::bad("query", rejection.body_text()),
    };
    let filter = match Filter::read(&query) {
        Ok(filter) => filter,
        Err((parameter, problem)) => return Refusal::bad(parameter, problem),
    };
    let Ok(pack) = page.site.pack() else {
        return Refusal::not_found("no content is published yet");
    };
    let today = state_today(&state);
    let mut matching = pack
        .conditions
        .iter()
        .filter(|c| filter.cursor.as_ref().is_none_or(|after| c.slug > *after))
        .map(|c| model::condition_summary(&page.site, c, today))
        .filter(|c| filter.keeps(c, &page.site))
        .take(filter.limit + 1)
        .collect::<Vec<_>>();
    let next = (matching.len() > filter.limit).then(|| {
        matching.truncate(filter.limit);
        let last = matching.last().map_or("", |c| c.slug.as_str());
        filter.next_link(last)
    });
    json(
        &headers,
        &ConditionList {
            items: matching,
            next,
        },
    )
}

fn state_today(state: &AppState) -> jiff::civil::Date {
    jiff::Timestamp::from_millisecond(state.now())
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
}

/// A condition list's filters, checked.
struct Filter {
    cursor: Option<Slug>,
    limit: usize,
    category: Option<String>,
    letter: Option<char>,
    updated_since: Option<jiff::Timestamp>,
    review: Option<ReviewStatus>,
    /// The query as given, for the next page's link.
    given: Vec<(&'static str, String)>,
}

impl Filter {
    /// The filters, or the parameter that is wrong and what is wrong with it.
    fn read(query: &ListQuery) -> Result<Self, (&'static str, String)> {
        let cursor = match &query.cursor {
            Some(raw) => Some(
                Slug::parse(raw)
                    .map_err(|_| ("cursor", "not a cursor this API gave".to_owned()))?,
            ),
            None => None,
        };
        let limit = match &query.limit {
            Some(raw) => raw
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_PAGE).contains(n))
                .ok_or_else(|| {
                    (
                        "limit",
                        format!("expected a whole number from 1 to {MAX_PAGE}"),
                    )
                })?,
            None => DEFAULT_PAGE,
        };
        let letter = match &query.letter {
            Some(raw) => {
                let mut chars = raw.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) if c.is_ascii_alphabetic() => Some(c.to_ascii_lowercase()),
                    _ => return Err(("letter", "expected one letter, a to z".to_owned())),
                }
            }
            None => None,
        };
        let updated_since = match &query.updated_since {
            Some(raw) => Some(since(raw).ok_or_else(|| {
                (
                    "updated_since",
                    "expected an RFC 3339 instant or a date, like 2026-11-01".to_owned(),
                )
            })?),
            None => None,
        };
        let review = match query.review.as_deref() {
            Some("reviewed") => Some(ReviewStatus::Reviewed),
            Some("overdue") => Some(ReviewStatus::Overdue),
            Some("not-reviewed") => Some(ReviewStatus::NotReviewed),
            Some(_) => {
                return Err((
                    "review",
                    "expected reviewed, overdue or not-reviewed".to_owned(),
                ));
            }
            None => None,
        };
        if query
            .category
            .as_ref()
            .is_some_and(|c| c.chars().count() > 100)
        {
            return Err(("category", "longer than 100 characters".to_owned()));
        }
        let category = query.category.as_ref().map(|c| c.trim().to_lowercase());
        let mut given = Vec::new();
        for (name, value) in [
            ("category", &query.category),
            ("letter", &query.letter),
            ("updated_since", &query.updated_since),
            ("review", &query.review),
            ("limit", &query.limit),
        ] {
            if let Some(value) = value {
                given.push((name, value.clone()));
            }
        }
        Ok(Self {
            cursor,
            limit,
            category,
            letter,
            updated_since,
            review,
            given,
        })
    }

    fn keeps(
        &self,
        condition: &model::ConditionSummary,
        site: &crate::web::render::Rendered,
    ) -> bool {
        let category = self.category.as_ref().is_none_or(|wanted| {
            condition
                .category
                .as_ref()
                .is_some_and(|c| c.to_lowercase() == *wanted)
        });
        let letter = self.letter.is_none_or(|letter| {
            condition
                .name
                .chars()
                .next()
                .is_some_and(|first| first.to_ascii_lowercase() == letter)
        });
        let updated = self.updated_since.is_none_or(|since| {
            site.modified(&format!("conditions/{}", condition.slug))
                .is_some_and(|ms| ms >= since.as_millisecond())
        });
        let review = self
            .review
            .is_none_or(|review| condition.review_status == review);
        category && letter && updated && review
    }

    fn next_link(&self, last: &str) -> String {
        let mut link = url::form_urlencoded::Serializer::new(String::new());
        link.append_pair("cursor", last);
        for (name, value) in &self.given {
            link.append_pair(name, value);
        }
        format!("/api/v1/conditions?{}", link.finish())
    }
}

/// `2026-11-01T00:00:00Z` or `2026-11-01` (midnight UTC).
fn since(raw: &str) -> Option<jiff::Timestamp> {
    raw.parse::<jiff::Timestamp>().ok().or_else(|| {
        raw.parse::<jiff::civil::Date>()
            .ok()?
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|at| at.timestamp())
    })
}

/// One condition page.
#[utoipa::path(
    get,
    path = "/api/v1/conditions/{slug}",
    params(("slug" = String, Path, description = "The page's slug, e.g. `foot-and-leg-cramps`")),
    responses(
        (status = 200, description = "The condition page", body = ConditionPage),
        (status = 304, description = "Not modified since the ETag given"),
        (status = 404, description = "No condition has this slug", body = ApiError),
        (status = 429, description = "Too many calls from this address", body = ApiError)
    )
)]
async fn condition(
    page: PageRequest,
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Response {
    if let Err(refused) = admit(&state, peer).await {
        return refused;
    }
    let found = page.site.pack().ok().and_then(|pack| {
        pack.condition(&slug)
            .map(|c| model::condition_page(&page.site, pack, c, state_today(&state)))
    });
    match found {
        Some(condition) => json(&headers, &condition),
        None => Refusal::not_found("no condition has this slug"),
    }
}

/// Every medication, A to Z.
#[utoipa::path(
    get,
    path = "/api/v1/medications",
    responses(
        (status = 200, description = "Every medication", body = MedicationList),
        (status = 304, description = "Not modified since the ETag given"),
        (status = 429, description = "Too many calls from this address", body = ApiError)
    )
)]
async fn medications(
    page: PageRequest,
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    if let Err(refused) = admit(&state, peer).await {
        return refused;
    }
    let Ok(pack) = page.site.pack() else {
        return Refusal::not_found("no content is published yet");
    };
    let today = state_today(&state);
    let items = pack
        .medications
        .iter()
        .map(|m| model::medication_page(&page.site, pack, m, today))
        .collect();
    json(&headers, &MedicationList { items })
}

/// One medication.
#[utoipa::path(
    get,
    path = "/api/v1/medications/{slug}",
    params(("slug" = String, Path, description = "The medication's slug, e.g. `baclofen`")),
    responses(
        (status = 200, description = "The medication", body = MedicationPage),
        (status = 304, description = "Not modified since the ETag given"),
        (status = 404, description = "No medication has this slug", body = ApiError),
        (status = 429, description = "Too many calls from this address", body = ApiError)
    )
)]
async fn medication(
    page: PageRequest,
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Response {
    if let Err(refused) = admit(&state, peer).await {
        return refused;
    }
    let found = page.site.pack().ok().and_then(|pack| {
        pack.medication(&slug)
            .map(|m| model::medication_page(&page.site, pack, m, state_today(&state)))
    });
    match found {
        Some(medication) => json(&headers, &medication),
        None => Refusal::not_found("no medication has this slug"),
    }
}

/// The pharmacy's locations, with their hours.
#[utoipa::path(
    get,
    path = "/api/v1/locations",
    responses(
        (status = 200, description = "Every location", body = LocationList),
        (status = 304, description = "Not modified since the ETag given"),
        (status = 429, description = "Too many calls from this address", body = ApiError)
    )
)]
async fn locations(
    page: PageRequest,
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    if let Err(refused) = admit(&state, peer).await {
        return refused;
    }
    let Ok(pack) = page.site.pack() else {
        return Refusal::not_found("no content is published yet");
    };
    let items = pack.site.locations.iter().map(model::location).collect();
    json(&headers, &LocationList { items })
}
