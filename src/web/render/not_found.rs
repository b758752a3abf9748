//! The 404 page: "did you mean" with the closest condition names to the path asked for, a
//! search box already holding its words, and "Call us". It lives with the renderer because
//! every page answered through `PageRequest` falls back to it; it needs only the rendered set's
//! layout and content, so nothing here reaches back into the page handlers.

use askama::Template;

use super::{Layout, Meta, Rendered};
use crate::content::{Condition, ContentPack, Lang};
use crate::i18n;
use crate::web::AppError;

#[derive(Template)]
#[template(path = "not_found.html")]
struct NotFoundPage<'a> {
    layout: Layout<'a>,
    suggestions: Vec<&'a Condition>,
    search_id: &'static str,
    search_value: String,
}

/// How alike (Jaro–Winkler, 0–1) a name must be to the words asked for to be suggested.
const ALIKE: f64 = 0.8;
const MAX_SUGGESTIONS: usize = 3;

pub fn render(site: &Rendered, path: &str) -> Result<String, AppError> {
    let (lang, english_path) = Lang::of_path(path);
    let pack = site.pack_in(lang)?;
    let words = words_of(path);
    let meta = Meta::new(
        i18n::text(lang, "not-found-title"),
        i18n::text(lang, "not-found-description"),
        english_path.to_owned(),
    )
    .lang(lang)
    .noindex();
    let page = NotFoundPage {
        layout: site.layout(meta)?,
        suggestions: closest(pack, &words),
        search_id: "search-not-found",
        search_value: words,
    };
    Ok(page.render().map_err(anyhow::Error::from)?)
}

/// The last path segment as words: `/conditions/leg-cramp` gives "leg cramp".
fn words_of(path: &str) -> String {
    let last = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    let last = last.split('.').next().unwrap_or_default();
    let decoded: String = url::form_urlencoded::parse(last.as_bytes())
        .map(|(k, v)| {
            if v.is_empty() {
                k.into_owned()
            } else {
                format!("{k}={v}")
            }
        })
        .collect();
    decoded
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .take(8)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Conditions whose title, slug or other names are closest to `words`, best first.
fn closest<'a>(pack: &'a ContentPack, words: &str) -> Vec<&'a Condition> {
    if words.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(f64, &Condition)> = pack
        .conditions
        .iter()
        .map(|condition| {
            let slug = condition.slug.as_str().replace('-', " ");
            let names = [condition.meta.title.to_lowercase(), slug]
                .into_iter()
                .chain(condition.meta.also_called.iter().map(|n| n.to_lowercase()));
            let best = names
                .map(|name| strsim::jaro_winkler(words, &name))
                .fold(0.0, f64::max);
            (best, condition)
        })
        .filter(|(score, _)| *score >= ALIKE)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(_, c)| c)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_come_from_the_last_segment() {
        assert_eq!(words_of("/conditions/leg-cramp"), "leg cramp");
        assert_eq!(words_of("/conditions/Leg%20Cramps/"), "leg cramps");
        assert_eq!(words_of("/migrane.html"), "migrane");
        assert_eq!(words_of("/"), "");
    }

    #[test]
    fn suggests_the_closest_conditions() {
        let pack = ContentPack::sample().unwrap();
        let titles = |words: &str| -> Vec<String> {
            closest(&pack, words)
                .iter()
                .map(|c| c.meta.title.clone())
                .collect()
        };
        assert_eq!(
            titles("leg cramp").first().map(String::as_str),
            Some("Foot & Leg Cramps")
        );
        assert_eq!(
            titles("migrane").first().map(String::as_str),
            Some("Migraine")
        );
        assert!(titles("zzzz qqqq").is_empty());
    }
}
