//! JSON for scripts: `/api/v1/search?q=` (the results page's data) and `/api/v1/suggest?q=`
//! (as-you-type suggestions for the search box). Read-only and public, like the pages.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use super::public::search::{SearchQuery, record_miss};
use super::render::PageRequest;
use super::{AppError, AppState};
use crate::search::Kind;

const API_RESULTS: usize = 20;
const SUGGESTIONS: usize = 8;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/search", get(search))
        .route("/api/v1/suggest", get(suggest))
}

#[derive(Serialize)]
struct SearchResponse<'a> {
    query: &'a str,
    results: Vec<SearchResult<'a>>,
    did_you_mean: Option<String>,
}

#[derive(Serialize)]
struct SearchResult<'a> {
    kind: Kind,
    slug: &'a str,
    title: &'a str,
    url: &'a str,
    /// Plain text; the page highlights, the JSON leaves that to the caller.
    snippet: &'a str,
}

#[derive(Serialize)]
struct SuggestResponse<'a> {
    query: &'a str,
    suggestions: Vec<Suggestion<'a>>,
}

#[derive(Serialize)]
struct Suggestion<'a> {
    kind: Kind,
    title: &'a str,
    url: &'a str,
}

async fn search(
    page: PageRequest,
    State(state): State<AppState>,
    query: Result<Query<SearchQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let (query, lang) = match query {
        Ok(Query(query)) => (query.text(), query.lang()),
        Err(rejection) => return Ok(bad_query(&rejection)),
    };
    let index = page.site.search_index_in(lang)?;
    let outcome = if query.is_empty() {
        Default::default()
    } else {
        index.search(&query, API_RESULTS)?
    };
    if outcome.hits.is_empty() && !query.is_empty() {
        record_miss(state.store(), &query);
    }
    let body = SearchResponse {
        query: &query,
        results: outcome
            .hits
            .iter()
            .map(|hit| SearchResult {
                kind: hit.entry.kind,
                slug: &hit.entry.slug,
                title: &hit.entry.title,
                url: &hit.entry.url,
                snippet: &hit.snippet,
            })
            .collect(),
        did_you_mean: outcome.did_you_mean.clone(),
    };
    Ok(json(&body))
}

async fn suggest(
    page: PageRequest,
    query: Result<Query<SearchQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let (query, lang) = match query {
        Ok(Query(query)) => (query.text(), query.lang()),
        Err(rejection) => return Ok(bad_query(&rejection)),
    };
    let index = page.site.search_index_in(lang)?;
    let outcome = if query.chars().count() < 2 {
        Default::default()
    } else {
        index.search(&query, SUGGESTIONS)?
    };
    let body = SuggestResponse {
        query: &query,
        suggestions: outcome
            .hits
            .iter()
            .map(|hit| Suggestion {
                kind: hit.entry.kind,
                title: &hit.entry.title,
                url: &hit.entry.url,
            })
            .collect(),
    };
    Ok(json(&body))
}

/// A query string that does not read as `?q=` (such as `q` twice): 400, in the API's error shape.
fn bad_query(rejection: &QueryRejection) -> Response {
    let detail = "The query string must hold at most one `q`.";
    tracing::info!(status = %rejection.status(), "refused an API query that could not be read");
    let mut response = json(&serde_json::json!({ "errors": [{ "detail": detail }] }));
    *response.status_mut() = StatusCode::BAD_REQUEST;
    response
}

/// JSON that browsers and proxies must not keep: answers change with content.
fn json<T: Serialize>(body: &T) -> Response {
    let mut response = Json(body).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}
