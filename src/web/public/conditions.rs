//! `/conditions`: every condition A to Z with letter navigation, then grouped by category.

use std::collections::BTreeMap;

use askama::Template;
use axum::response::Response;

use crate::content::{Condition, ContentPack, anchor};
use crate::web::AppError;
use crate::web::render::{Layout, Meta, PageRequest, Rendered};

#[derive(Template)]
#[template(path = "conditions.html")]
struct ConditionsPage<'a> {
    layout: Layout<'a>,
    /// Every letter A–Z with whether any condition starts with it.
    letters: Vec<(char, bool)>,
    by_letter: Vec<(char, Vec<&'a Condition>)>,
    by_category: Vec<(String, String, Vec<&'a Condition>)>,
    search_id: &'static str,
    search_value: &'static str,
}

/// Conditions by category name (sorted); those without one under "Other".
pub fn categories(pack: &ContentPack) -> BTreeMap<String, Vec<&Condition>> {
    let mut map: BTreeMap<String, Vec<&Condition>> = BTreeMap::new();
    for condition in &pack.conditions {
        let name = condition
            .meta
            .category
            .clone()
            .unwrap_or_else(|| "Other".to_owned());
        map.entry(name).or_default().push(condition);
    }
    for list in map.values_mut() {
        list.sort_by_key(|c| c.meta.title.to_lowercase());
    }
    map
}

/// The fragment id of a category on `/conditions`.
pub fn category_id(name: &str) -> String {
    format!("category-{}", anchor(name))
}

/// The letter a title files under: its first ASCII letter, or `#` for anything else.
fn letter(title: &str) -> char {
    title
        .chars()
        .find(|c| c.is_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .filter(char::is_ascii_uppercase)
        .unwrap_or('#')
}

pub async fn index(page: PageRequest) -> Response {
    page.html(render).await
}

pub fn render(site: &Rendered) -> Result<String, AppError> {
    let pack = site.pack()?;
    let mut by_letter: BTreeMap<char, Vec<&Condition>> = BTreeMap::new();
    for condition in &pack.conditions {
        by_letter
            .entry(letter(&condition.meta.title))
            .or_default()
            .push(condition);
    }
    for list in by_letter.values_mut() {
        list.sort_by_key(|c| c.meta.title.to_lowercase());
    }
    let meta = Meta::new(
        "Conditions A–Z",
        format!(
            "{} health conditions explained by {}: causes, warning signs, treatment and medicines.",
            pack.conditions.len(),
            pack.site.name
        ),
        "/conditions",
    )
    .section("conditions");
    let page = ConditionsPage {
        layout: site.layout(meta)?,
        letters: ('A'..='Z')
            .map(|c| (c, by_letter.contains_key(&c)))
            .collect(),
        by_letter: by_letter.into_iter().collect(),
        by_category: categories(pack)
            .into_iter()
            .map(|(name, list)| (category_id(&name), name, list))
            .collect(),
        search_id: "search-conditions",
        search_value: "",
    };
    Ok(page.render().map_err(anyhow::Error::from)?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn titles_file_under_their_first_letter() {
        assert_eq!(super::letter("Foot & Leg Cramps"), 'F');
        assert_eq!(super::letter("“Quoted” title"), 'Q');
        assert_eq!(super::letter("Ölfleck"), '#');
        assert_eq!(super::letter("3-day fever"), '#');
    }
}
