//! The content API: the library as JSON for other systems, read-only and without patient data —
//! conditions (paged A to Z, filtered by category, letter, `updated_since` and review status),
//! medications and locations — with its OpenAPI 3.1 document generated from the handlers and
//! types here (`/api/v1/openapi.json`) and a page for people (`/api`). Every answer has a strong
//! `ETag` (304 for `If-None-Match`), `Cache-Control`, CORS for `GET` from any origin, and
//! refusals as `{"error": {"code", "message"}}` naming the parameter.

mod connect;
mod filter;
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
use utoipa::OpenApi;

use self::filter::{Filter, ListQuery};
use self::model::{
    ApiError, ConditionList, ConditionPage, LocationList, MedicationList, MedicationPage,
    ReviewStatus,
};
use self::reply::{Refusal, json};
use super::AppState;
use super::render::PageRequest;

/// The most conditions one page holds, and the default.
pub(crate) const MAX_PAGE: usize = 100;
pub(crate) const DEFAULT_PAGE: usize = 50;
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

const NOTHING_PUBLISHED: &str = "no content is published yet";

/// Admits the call, then answers with what `make` finds in the published content (as of
/// today), or 404 saying `missing`.
async fn answer<T: serde::Serialize>(
    page: &PageRequest,
    state: &AppState,
    (peer, headers): (SocketAddr, &HeaderMap),
    missing: &str,
    make: impl FnOnce(&crate::content::ContentPack, jiff::civil::Date) -> Option<T>,
) -> Response {
    if let Err(refused) = admit(state, peer).await {
        return refused;
    }
    match page
        .site
        .pack()
        .ok()
        .and_then(|pack| make(pack, state_today(state)))
    {
        Some(found) => json(headers, &found),
        None => Refusal::not_found(missing),
    }
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
        return Refusal::not_found(NOTHING_PUBLISHED);
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
    answer(
        &page,
        &state,
        (peer, &headers),
        "no condition has this slug",
        |pack, today| {
            pack.condition(&slug)
                .map(|c| model::condition_page(&page.site, pack, c, today))
        },
    )
    .await
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
    answer(
        &page,
        &state,
        (peer, &headers),
        NOTHING_PUBLISHED,
        |pack, today| {
            let listed = model::listed_by(pack);
            let items = pack
                .medications
                .iter()
                .map(|m| model::medication_page(&page.site, m, &listed, today))
                .collect();
            Some(MedicationList { items })
        },
    )
    .await
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
    answer(
        &page,
        &state,
        (peer, &headers),
        "no medication has this slug",
        |pack, today| {
            let medication = pack.medication(&slug)?;
            let listed = model::listed_by(pack);
            Some(model::medication_page(
                &page.site, medication, &listed, today,
            ))
        },
    )
    .await
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
    answer(
        &page,
        &state,
        (peer, &headers),
        NOTHING_PUBLISHED,
        |pack, _| {
            let items = pack.site.locations.iter().map(model::location).collect();
            Some(LocationList { items })
        },
    )
    .await
}
