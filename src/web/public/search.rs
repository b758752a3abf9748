//! `/search?q=`: conditions and medications whose names, other names or summaries contain every
//! word asked for. Simple on purpose; the full-text index replaces the matching, not the page.

use askama::Template;
use axum::extract::RawQuery;
use axum::response::Response;

use crate::content::{Condition, Medication};
use crate::web::render::{Layout, Meta, PageRequest};

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage<'a> {
    layout: Layout<'a>,
    query: String,
    conditions: Vec<&'a Condition>,
    medications: Vec<&'a Medication>,
    search_id: &'static str,
    search_value: String,
}

/// Longer queries are cut here: nobody types more, and it bounds the work per request.
const MAX_QUERY_CHARS: usize = 200;

pub async fn show(page: PageRequest, RawQuery(raw): RawQuery) -> Response {
    let query: String = url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .find(|(key, _)| key == "q")
        .map(|(_, value)| value.chars().take(MAX_QUERY_CHARS).collect())
        .unwrap_or_default();
    page.dynamic(|site| {
        let pack = site.pack()?;
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        let matches = |haystack: String| {
            !words.is_empty() && words.iter().all(|w| haystack.contains(w.as_str()))
        };
        let conditions = pack
            .conditions
            .iter()
            .filter(|c| {
                let m = &c.meta;
                matches(
                    format!(
                        "{} {} {} {}",
                        m.title,
                        m.also_called.join(" "),
                        m.summary,
                        c.slug
                    )
                    .to_lowercase(),
                )
            })
            .collect();
        let medications = pack
            .medications
            .iter()
            .filter(|med| {
                let m = &med.meta;
                matches(
                    format!(
                        "{} {} {}",
                        m.name,
                        m.brands.join(" "),
                        m.class.clone().unwrap_or_default()
                    )
                    .to_lowercase(),
                )
            })
            .collect();
        let meta = Meta::new("Search", "Search conditions and medicines.", "/search").noindex();
        let page = SearchPage {
            layout: site.layout(meta)?,
            conditions,
            medications,
            search_id: "search-page",
            search_value: query.clone(),
            query,
        };
        Ok(page.render().map_err(anyhow::Error::from)?)
    })
}
