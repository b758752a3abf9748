//! `/search?q=`: results with highlighted snippets, "did you mean" for misspellings, and for no
//! results the closest titles and "Call us". Works without JavaScript; `static/search.js` adds
//! as-you-type suggestions from `/api/v1/suggest`.

use std::sync::Arc;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::content::Lang;
use crate::i18n;
use crate::search::{Entry, Hit, MAX_QUERY_CHARS, split};
use crate::store::Store;
use crate::web::render::{Layout, Meta, PageRequest, Rendered};
use crate::web::{AppError, AppState};

/// How many results a page shows.
const PAGE_RESULTS: usize = 20;

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage<'a> {
    layout: Layout<'a>,
    query: String,
    hits: Vec<Hit<'a>>,
    did_you_mean: Option<(String, String)>,
    closest: Vec<&'a Entry>,
    search_id: &'static str,
    search_value: String,
}

/// `?q=`, the page's and the API's query string; other parameters are ignored, `q` twice is a
/// 400.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    q: String,
    /// The API's language (`en`, `es`; an unknown one is a 400): which pages to search. A page
    /// takes its language from its path instead.
    lang: Option<Lang>,
}

impl SearchQuery {
    /// What to search for, trimmed and cut to `MAX_QUERY_CHARS`; "" when absent.
    pub fn text(&self) -> String {
        self.q.trim().chars().take(MAX_QUERY_CHARS).collect()
    }

    /// The language asked for, English when none.
    pub fn lang(&self) -> Lang {
        self.lang.unwrap_or(Lang::En)
    }
}

/// `/search?q=…` (or `/es/search?q=…`) for a query, for links.
pub fn search_href(lang: Lang, query: &str) -> String {
    let encoded: String = url::form_urlencoded::byte_serialize(query.as_bytes()).collect();
    format!("{}?q={encoded}", lang.path("/search"))
}

/// Counts a search that found nothing, in the background: the page does not wait for it, and a
/// failure is logged without the query (it is what a patient typed).
pub fn record_miss(store: &Arc<dyn Store>, query: &str) {
    let normalised: String = split(query).collect::<Vec<_>>().join(" ");
    let normalised: String = normalised.chars().take(100).collect();
    if normalised.is_empty() {
        return;
    }
    crate::metrics::search_missed();
    let store = store.clone();
    tokio::spawn(async move {
        if let Err(error) = store.record_search_miss(&normalised).await {
            tracing::warn!(%error, "cannot count a search that found nothing");
        }
    });
}

pub async fn show(
    page: PageRequest,
    State(state): State<AppState>,
    query: Result<Query<SearchQuery>, QueryRejection>,
) -> Response {
    let Ok(Query(query)) = query else {
        return crate::web::requests::problem(
            &page,
            StatusCode::BAD_REQUEST,
            crate::web::requests::Problem::Search,
        );
    };
    let query = query.text();
    let lang = page.lang;
    if query.is_empty() {
        // The same for everyone: kept and compressed like any page.
        return page.html(move |site| render_empty(site, lang)).await;
    }
    page.dynamic(|site| render(site, lang, query, |query| record_miss(state.store(), query)))
}

/// The search page before anything was asked.
pub fn render_empty(site: &Rendered, lang: Lang) -> Result<String, AppError> {
    render(site, lang, String::new(), |_| {})
}

/// The results page for `query`; `missed` hears of a query that found nothing.
fn render(
    site: &Rendered,
    lang: Lang,
    query: String,
    missed: impl FnOnce(&str),
) -> Result<String, AppError> {
    let index = site.search_index_in(lang)?;
    let outcome = if query.is_empty() {
        Default::default()
    } else {
        index.search(&query, PAGE_RESULTS)?
    };
    let closest = if outcome.hits.is_empty() && !query.is_empty() {
        missed(&query);
        index.closest(&query, 5)
    } else {
        Vec::new()
    };
    let meta = Meta::new(
        i18n::text(lang, "search-title"),
        i18n::text(lang, "search-description"),
        "/search",
    )
    .lang(lang)
    .noindex();
    let page = SearchPage {
        layout: site.layout(meta)?,
        did_you_mean: outcome.did_you_mean.map(|q| (search_href(lang, &q), q)),
        hits: outcome.hits,
        closest,
        search_id: "search-page",
        search_value: query.clone(),
        query,
    };
    Ok(page.render().map_err(anyhow::Error::from)?)
}
