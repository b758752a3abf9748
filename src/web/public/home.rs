//! `/`: who we are, a search box, categories, featured conditions, the compounding offer and
//! each location with its open-now status.

use askama::Template;
use axum::response::Response;

use super::schema;
use crate::content::{Condition, Lang};
use crate::i18n;
use crate::web::AppError;
use crate::web::render::{Layout, Meta, PageRequest, Rendered};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    layout: Layout<'a>,
    /// Name, number of conditions, link.
    categories: Vec<(String, usize, String)>,
    featured: Vec<&'a Condition>,
    condition_count: usize,
    compounded_count: usize,
    tagline: &'a str,
    search_id: &'static str,
    search_value: &'static str,
}

/// How many conditions the home page features when `site.toml` names none.
const FEATURED_DEFAULT: usize = 6;

pub async fn show(page: PageRequest) -> Response {
    let lang = page.lang;
    page.html(move |site| render(site, lang)).await
}

pub fn render(site: &Rendered, lang: Lang) -> Result<String, AppError> {
    let pack = site.pack_in(lang)?;
    let tagline = pack.site.tagline_in(lang);
    let mut featured: Vec<&Condition> = pack
        .site
        .featured
        .iter()
        .filter_map(|slug| pack.condition(slug.as_str()))
        .collect();
    if featured.is_empty() {
        featured = pack.conditions.iter().take(FEATURED_DEFAULT).collect();
    }
    let description = i18n::format(
        lang,
        "home-description",
        &[
            ("pharmacy", (&pack.site.name).into()),
            ("tagline", tagline.into()),
        ],
    );
    let meta = Meta::new(tagline, description, "/")
        .lang(lang)
        .json_ld(schema::script(&schema::pharmacies(site, pack)));
    let page = HomePage {
        layout: site.layout(meta)?,
        categories: super::conditions::categories(pack, lang)
            .into_iter()
            .map(|(name, list)| {
                let href = super::conditions::category_href(pack, lang, &name);
                (name, list.len(), href)
            })
            .collect(),
        featured,
        condition_count: pack.conditions.len(),
        compounded_count: pack
            .medications
            .iter()
            .filter(|m| !m.compounded_forms().is_empty())
            .count(),
        tagline,
        search_id: "search-home",
        search_value: "",
    };
    Ok(page.render().map_err(anyhow::Error::from)?)
}
