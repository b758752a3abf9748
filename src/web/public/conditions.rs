//! The condition library's index pages. Up to `ONE_PAGE` conditions, `/conditions` lists them
//! all, A to Z and then by category, on one page (a pharmacy's library usually fits; the
//! browser's find works on it). Past that, as the NHS splits its A–Z, `/conditions` holds the
//! letter index and the category list, and each letter (`/conditions/letter/{letter}`) and each
//! category (`/conditions/category/{category}`) has its own page: at 10,000 conditions the one
//! page was 2.25 MB of HTML, 143 KB gzipped, too much for a phone.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::Path;
use axum::response::Response;

use crate::content::{Condition, ContentPack, anchor};
use crate::web::AppError;
use crate::web::render::{Layout, Meta, PageRequest, Planned, Rendered};

/// The most conditions `/conditions` lists on one page.
pub const ONE_PAGE: usize = 200;

/// A letter of the index: what it shows and where it leads (`None`: no condition starts with it).
pub struct LetterLink {
    label: char,
    href: Option<String>,
}

#[derive(Template)]
#[template(path = "conditions.html")]
struct ConditionsPage<'a> {
    layout: Layout<'a>,
    letters: Vec<LetterLink>,
    /// Every condition by letter, with the list's fragment id: on one page only.
    by_letter: Vec<(char, String, Vec<&'a Condition>)>,
    /// Every condition by category: on one page only.
    by_category: Vec<(String, String, Vec<&'a Condition>)>,
    /// Each category's page and size: split only.
    category_links: Vec<(String, String, usize)>,
    search_id: &'static str,
    search_value: &'static str,
}

/// One letter's or one category's conditions, on its own page.
#[derive(Template)]
#[template(path = "conditions_part.html")]
struct PartPage<'a> {
    layout: Layout<'a>,
    heading: String,
    letters: Vec<LetterLink>,
    conditions: Vec<&'a Condition>,
    search_id: &'static str,
    search_value: &'static str,
}

/// Whether the library has its letters and categories on pages of their own.
pub fn split(pack: &ContentPack) -> bool {
    pack.conditions.len() > ONE_PAGE
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
        sort(list);
    }
    map
}

/// Where a category's conditions are listed.
pub fn category_href(pack: &ContentPack, name: &str) -> String {
    if split(pack) {
        Part::Category(anchor(name)).path()
    } else {
        format!("/conditions#category-{}", anchor(name))
    }
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

/// A letter as its page's path has it: `a` … `z`, and `0-9` for the rest.
fn letter_segment(letter: char) -> String {
    if letter == '#' {
        "0-9".to_owned()
    } else {
        letter.to_ascii_lowercase().to_string()
    }
}

/// The fragment id of a letter's list on the one-page A–Z.
fn letter_anchor(letter: char) -> String {
    if letter == '#' {
        "letter-0-9".to_owned()
    } else {
        format!("letter-{letter}")
    }
}

fn by_letter(pack: &ContentPack) -> BTreeMap<char, Vec<&Condition>> {
    let mut map: BTreeMap<char, Vec<&Condition>> = BTreeMap::new();
    for condition in &pack.conditions {
        map.entry(letter(&condition.meta.title))
            .or_default()
            .push(condition);
    }
    for list in map.values_mut() {
        sort(list);
    }
    map
}

fn sort(list: &mut [&Condition]) {
    list.sort_by_cached_key(|c| c.meta.title.to_lowercase());
}

/// A to Z, then `#` when a title starts with anything else, each linked when used.
fn letters(pack: &ContentPack, used: &BTreeMap<char, Vec<&Condition>>) -> Vec<LetterLink> {
    let split = split(pack);
    ('A'..='Z')
        .chain(used.contains_key(&'#').then_some('#'))
        .map(|label| LetterLink {
            label,
            href: used.contains_key(&label).then(|| {
                if split {
                    Part::Letter(letter_segment(label)).path()
                } else {
                    format!("#{}", letter_anchor(label))
                }
            }),
        })
        .collect()
}

pub async fn index(page: PageRequest) -> Response {
    page.html(render).await
}

pub fn render(site: &Rendered) -> Result<String, AppError> {
    let pack = site.pack()?;
    let by_letter = by_letter(pack);
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
    let split = split(pack);
    let categories = categories(pack);
    let page = ConditionsPage {
        layout: site.layout(meta)?,
        letters: letters(pack, &by_letter),
        category_links: if split {
            categories
                .iter()
                .map(|(name, list)| (category_href(pack, name), name.clone(), list.len()))
                .collect()
        } else {
            Vec::new()
        },
        by_category: if split {
            Vec::new()
        } else {
            categories
                .into_iter()
                .map(|(name, list)| (format!("category-{}", anchor(&name)), name, list))
                .collect()
        },
        by_letter: if split {
            Vec::new()
        } else {
            by_letter
                .into_iter()
                .map(|(l, list)| (l, letter_anchor(l), list))
                .collect()
        },
        search_id: "search-conditions",
        search_value: "",
    };
    Ok(page.render().map_err(anyhow::Error::from)?)
}

pub async fn letter_page(page: PageRequest, Path(segment): Path<String>) -> Response {
    page.html(move |site| render_letter(site, &segment)).await
}

pub async fn category_page(page: PageRequest, Path(segment): Path<String>) -> Response {
    page.html(move |site| render_category(site, &segment)).await
}

/// `/conditions/letter/{segment}`: the conditions filed under one letter (404 for a letter
/// none starts with).
pub fn render_letter(site: &Rendered, segment: &str) -> Result<String, AppError> {
    let pack = site.pack()?;
    let mut by_letter = by_letter(pack);
    let letters = letters(pack, &by_letter);
    let label = by_letter
        .keys()
        .copied()
        .find(|&l| letter_segment(l) == segment)
        .ok_or(AppError::NotFound)?;
    let conditions = by_letter.remove(&label).unwrap_or_default();
    let heading = if label == '#' {
        "Conditions starting with a number or symbol".to_owned()
    } else {
        format!("Conditions starting with {label}")
    };
    let path = Part::Letter(segment.to_owned()).path();
    render_part(site, heading, path, letters, conditions)
}

/// `/conditions/category/{segment}`: one category's conditions (404 for an unknown one).
pub fn render_category(site: &Rendered, segment: &str) -> Result<String, AppError> {
    let pack = site.pack()?;
    let (name, conditions) = categories(pack)
        .into_iter()
        .find(|(name, _)| anchor(name) == segment)
        .ok_or(AppError::NotFound)?;
    let letters = letters(pack, &by_letter(pack));
    let path = Part::Category(segment.to_owned()).path();
    render_part(site, name, path, letters, conditions)
}

fn render_part<'a>(
    site: &'a Rendered,
    heading: String,
    path: String,
    letters: Vec<LetterLink>,
    conditions: Vec<&'a Condition>,
) -> Result<String, AppError> {
    let pack = site.pack()?;
    let meta = Meta::new(
        &heading,
        format!(
            "{heading}: {} health conditions explained by {}.",
            conditions.len(),
            pack.site.name
        ),
        &path,
    )
    .section("conditions");
    let page = PartPage {
        layout: site.layout(meta)?,
        heading,
        letters,
        conditions,
        search_id: "search-conditions",
        search_value: "",
    };
    Ok(page.render().map_err(anyhow::Error::from)?)
}

/// A letter's or a category's own page, by its path segment.
pub enum Part {
    Letter(String),
    Category(String),
}

impl Part {
    pub fn path(&self) -> String {
        match self {
            Self::Letter(segment) => format!("/conditions/letter/{segment}"),
            Self::Category(segment) => format!("/conditions/category/{segment}"),
        }
    }

    pub fn render(&self, site: &Rendered) -> Result<String, AppError> {
        match self {
            Self::Letter(segment) => render_letter(site, segment),
            Self::Category(segment) => render_category(site, segment),
        }
    }
}

/// The letter and category pages a split library links (none on one page), for the warm-up
/// and the sitemap.
pub fn parts(pack: &ContentPack) -> Vec<Part> {
    if !split(pack) {
        return Vec::new();
    }
    let letters = by_letter(pack)
        .into_keys()
        .map(|l| Part::Letter(letter_segment(l)));
    let categories = categories(pack)
        .into_keys()
        .map(|name| Part::Category(anchor(&name)));
    letters.chain(categories).collect()
}

/// The warm-up's entries for the letter and category pages.
pub fn planned_parts(pack: &ContentPack) -> impl Iterator<Item = Planned> {
    parts(pack)
        .into_iter()
        .map(|part| Planned::html(part.path(), move |site| part.render(site)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn titles_file_under_their_first_letter() {
        assert_eq!(super::letter("Foot & Leg Cramps"), 'F');
        assert_eq!(super::letter("“Quoted” title"), 'Q');
        assert_eq!(super::letter("Ölfleck"), '#');
        assert_eq!(super::letter("3-day fever"), '#');
        assert_eq!(super::letter_segment('#'), "0-9");
        assert_eq!(super::letter_segment('Q'), "q");
    }
}
