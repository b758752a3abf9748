//! `/`: who we are, a search box, categories, featured conditions, the compounding offer and
//! each location with its open-now status.

use askama::Template;
use axum::response::Response;

use super::schema;
use crate::content::Condition;
use crate::web::AppError;
use crate::web::render::{Layout, Meta, PageRequest, Rendered};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    layout: Layout<'a>,
    categories: Vec<(String, String)>,
    featured: Vec<&'a Condition>,
    condition_count: usize,
    compounded_count: usize,
    search_id: &'static str,
    search_value: &'static str,
}

/// How many conditions the home page features when `site.toml` names none.
const FEATURED_DEFAULT: usize = 6;

pub async fn show(page: PageRequest) -> Response {
    page.html(render).await
}

pub fn render(site: &Rendered) -> Result<String, AppError> {
    let pack = site.pack()?;
    let mut featured: Vec<&Condition> = pack
        .site
        .featured
        .iter()
        .filter_map(|slug| pack.condition(slug.as_str()))
        .collect();
    if featured.is_empty() {
        featured = pack.conditions.iter().take(FEATURED_DEFAULT).collect();
    }
    let meta = Meta::new(
        pack.site.tagline.clone(),
        format!(
            "{} {} Health conditions explained, medicines we compound, and how to reach us.",
            pack.site.name, pack.site.tagline
        ),
        "/",
    )
    .json_ld(schema::script(&schema::pharmacies(site, pack)));
    let page = HomePage {
        layout: site.layout(meta)?,
        categories: super::conditions::categories(pack)
            .into_iter()
            .map(|(name, list)| {
                (
                    format!("{name} ({})", list.len()),
                    super::conditions::category_href(pack, &name),
                )
            })
            .collect(),
        featured,
        condition_count: pack.conditions.len(),
        compounded_count: pack
            .medications
            .iter()
            .filter(|m| !m.compounded_forms().is_empty())
            .count(),
        search_id: "search-home",
        search_value: "",
    };
    Ok(page.render().map_err(anyhow::Error::from)?)
}
