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

use crate::content::collate::{alphabet, initial, sort_key};
use crate::content::{Condition, ContentPack, Lang, anchor};
use crate::i18n;
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
pub fn categories(pack: &ContentPack, lang: Lang) -> BTreeMap<String, Vec<&Condition>> {
    let mut map: BTreeMap<String, Vec<&Condition>> = BTreeMap::new();
    for condition in &pack.conditions {
        let name = condition
            .meta
            .category
            .clone()
            .unwrap_or_else(|| i18n::text(lang, "category-other"));
        map.entry(name).or_default().push(condition);
    }
    for list in map.values_mut() {
        sort(list, lang);
    }
    map
}

/// Where a category's conditions are listed, in `lang`.
pub fn category_href(pack: &ContentPack, lang: Lang, name: &str) -> String {
    if split(pack) {
        Part::Category(anchor(name)).path(lang)
    } else {
        format!("{}#category-{}", lang.path("/conditions"), anchor(name))
    }
}

/// A letter as its page's path has it: `a` … `z`, `nn` for Ñ, and `0-9` for the rest.
fn letter_segment(letter: char) -> String {
    match letter {
        '#' => "0-9".to_owned(),
        'Ñ' => "nn".to_owned(),
        _ => letter.to_ascii_lowercase().to_string(),
    }
}

/// The fragment id of a letter's list on the one-page A–Z.
fn letter_anchor(letter: char) -> String {
    match letter {
        '#' => "letter-0-9".to_owned(),
        'Ñ' => "letter-NN".to_owned(),
        _ => format!("letter-{letter}"),
    }
}

/// Conditions under each first letter, letters in the alphabet's order (`#` last), each list
/// in the language's order.
fn by_letter(pack: &ContentPack, lang: Lang) -> Vec<(char, Vec<&Condition>)> {
    let mut map: BTreeMap<char, Vec<&Condition>> = BTreeMap::new();
    for condition in &pack.conditions {
        map.entry(initial(&condition.meta.title, lang))
            .or_default()
            .push(condition);
    }
    let mut out = Vec::new();
    for letter in alphabet(lang).into_iter().chain(['#']) {
        if let Some(mut list) = map.remove(&letter) {
            sort(&mut list, lang);
            out.push((letter, list));
        }
    }
    out
}

fn sort(list: &mut [&Condition], lang: Lang) {
    list.sort_by_cached_key(|c| sort_key(&c.meta.title, lang));
}

/// The alphabet, then `#` when a title starts with anything else, each linked when used.
fn letters(pack: &ContentPack, lang: Lang, used: &[(char, Vec<&Condition>)]) -> Vec<LetterLink> {
    let split = split(pack);
    let has = |letter: char| used.iter().any(|(l, _)| *l == letter);
    alphabet(lang)
        .into_iter()
        .chain(has('#').then_some('#'))
        .map(|label| LetterLink {
            label,
            href: has(label).then(|| {
                if split {
                    Part::Letter(letter_segment(label)).path(lang)
                } else {
                    format!("#{}", letter_anchor(label))
                }
            }),
        })
        .collect()
}

pub async fn index(page: PageRequest) -> Response {
    let lang = page.lang;
    page.html(move |site| render(site, lang)).await
}

pub fn render(site: &Rendered, lang: Lang) -> Result<String, AppError> {
    let pack = site.pack_in(lang)?;
    let by_letter = by_letter(pack, lang);
    let meta = Meta::new(
        i18n::text(lang, "conditions-title"),
        i18n::format(
            lang,
            "conditions-description",
            &[
                ("count", pack.conditions.len().into()),
                ("pharmacy", (&pack.site.name).into()),
            ],
        ),
        "/conditions",
    )
    .lang(lang)
    .section("conditions");
    let split = split(pack);
    let categories = categories(pack, lang);
    let page = ConditionsPage {
        layout: site.layout(meta)?,
        letters: letters(pack, lang, &by_letter),
        category_links: if split {
            categories
                .iter()
                .map(|(name, list)| (category_href(pack, lang, name), name.clone(), list.len()))
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

/// `/conditions/letter/{segment}`: the conditions filed under one letter (404 for a letter
/// none starts with).
pub async fn letter_page(page: PageRequest, Path(segment): Path<String>) -> Response {
    let lang = page.lang;
    page.html(move |site| render_letter(site, lang, &segment))
        .await
}

/// `/conditions/category/{segment}`: one category's conditions (404 for an unknown one).
pub async fn category_page(page: PageRequest, Path(segment): Path<String>) -> Response {
    let lang = page.lang;
    page.html(move |site| render_category(site, lang, &segment))
        .await
}

pub fn render_letter(site: &Rendered, lang: Lang, segment: &str) -> Result<String, AppError> {
    let pack = site.pack_in(lang)?;
    let mut by_letter = by_letter(pack, lang);
    let letters = letters(pack, lang, &by_letter);
    let at = by_letter
        .iter()
        .position(|(l, _)| letter_segment(*l) == segment)
        .ok_or(AppError::NotFound)?;
    let (label, conditions) = by_letter.swap_remove(at);
    let heading = if label == '#' {
        i18n::text(lang, "conditions-number")
    } else {
        let label = label.to_string();
        i18n::format(lang, "conditions-letter", &[("letter", (&label).into())])
    };
    // The path in English: `Meta::lang` puts it under /es.
    let path = Part::Letter(segment.to_owned()).path(Lang::En);
    render_part(site, lang, heading, path, letters, conditions)
}

pub fn render_category(site: &Rendered, lang: Lang, segment: &str) -> Result<String, AppError> {
    let pack = site.pack_in(lang)?;
    let (name, conditions) = categories(pack, lang)
        .into_iter()
        .find(|(name, _)| anchor(name) == segment)
        .ok_or(AppError::NotFound)?;
    let letters = letters(pack, lang, &by_letter(pack, lang));
    let path = Part::Category(segment.to_owned()).path(Lang::En);
    render_part(site, lang, name, path, letters, conditions)
}

fn render_part<'a>(
    site: &'a Rendered,
    lang: Lang,
    heading: String,
    path: String,
    letters: Vec<LetterLink>,
    conditions: Vec<&'a Condition>,
) -> Result<String, AppError> {
    let pack = site.pack_in(lang)?;
    let meta = Meta::new(
        &heading,
        i18n::format(
            lang,
            "conditions-part-description",
            &[
                ("heading", (&heading).into()),
                ("count", conditions.len().into()),
                ("pharmacy", (&pack.site.name).into()),
            ],
        ),
        &path,
    )
    .lang(lang)
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
    pub fn path(&self, lang: Lang) -> String {
        match self {
            Self::Letter(segment) => lang.path(&format!("/conditions/letter/{segment}")),
            Self::Category(segment) => lang.path(&format!("/conditions/category/{segment}")),
        }
    }

    pub fn render(&self, site: &Rendered, lang: Lang) -> Result<String, AppError> {
        match self {
            Self::Letter(segment) => render_letter(site, lang, segment),
            Self::Category(segment) => render_category(site, lang, segment),
        }
    }
}

/// The letter and category pages a split library links in `lang` (none on one page), for the
/// warm-up and the sitemap. `pack` is the content in `lang`.
pub fn parts(pack: &ContentPack, lang: Lang) -> Vec<Part> {
    if !split(pack) {
        return Vec::new();
    }
    let letters = by_letter(pack, lang)
        .into_iter()
        .map(|(l, _)| Part::Letter(letter_segment(l)));
    let categories = categories(pack, lang)
        .into_keys()
        .map(|name| Part::Category(anchor(&name)));
    letters.chain(categories).collect()
}

/// The warm-up's entries for the letter and category pages in `lang`.
pub fn planned_parts(pack: &ContentPack, lang: Lang) -> impl Iterator<Item = Planned> + use<> {
    parts(pack, lang)
        .into_iter()
        .map(move |part| Planned::html(part.path(lang), move |site| part.render(site, lang)))
}

#[cfg(test)]
mod tests {
    use crate::content::{Lang, collate::initial};

    #[test]
    fn titles_file_under_their_first_letter() {
        assert_eq!(initial("Foot & Leg Cramps", Lang::En), 'F');
        assert_eq!(initial("“Quoted” title", Lang::En), 'Q');
        assert_eq!(initial("Ölfleck", Lang::En), '#');
        assert_eq!(initial("3-day fever", Lang::En), '#');
        assert_eq!(super::letter_segment('#'), "0-9");
        assert_eq!(super::letter_segment('Q'), "q");
        assert_eq!(super::letter_segment('Ñ'), "nn");
    }
}
