//! Public pages. Each handler renders through `PageRequest`, so a page is rendered once per
//! content version (and open-now wording) and then served from memory; `plan` lists them for the
//! warm-up, which renders them before anyone asks.

mod compounding;
mod condition;
mod conditions;
mod home;
mod locations;
mod medication;
mod schema;
pub mod search;
mod seo;
mod share;
mod testimonials;

use axum::Router;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::get;

use super::AppState;
use super::render::{PageRequest, Planned, Rendered};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/conditions", get(conditions::index))
        .route("/conditions/{slug}", get(condition::show))
        .route("/conditions/letter/{letter}", get(conditions::letter_page))
        .route(
            "/conditions/category/{category}",
            get(conditions::category_page),
        )
        .route("/medications", get(medication::index))
        .route("/medications/{slug}", get(medication::show))
        .route("/compounding", get(compounding::show))
        .route("/locations", get(locations::show))
        .route("/testimonials", get(testimonials::show))
        .route(
            "/testimonials/share",
            get(share::show)
                .post(share::submit)
                .layer(axum::extract::DefaultBodyLimit::max(16 * 1024)),
        )
        .route("/search", get(search::show))
        .route("/sitemap.xml", get(seo::sitemap))
        .route("/sitemaps/{file}", get(seo::sitemap_part))
        .route("/robots.txt", get(seo::robots))
        .route("/favicon.ico", get(favicon))
        .route("/assets/{name}", get(asset))
}

/// Every cached public page of a set, in the order the warm-up renders them: the pages most
/// visits start from (and the largest: A–Z, sitemap) first, then a large library's letter and
/// category pages, each medication (a catalog is small), then each condition. Paths and renderers are the handlers' own, so a warmed page is the page a
/// request would have rendered.
pub fn plan(site: &Rendered) -> Vec<Planned> {
    let Ok(pack) = site.pack() else {
        return Vec::new();
    };
    let mut plan = vec![
        Planned::html("/", home::render),
        Planned::html("/conditions", conditions::render),
        Planned::html("/search", search::render_empty),
        Planned::text("/sitemap.xml", seo::SITEMAP, seo::sitemap_xml),
        Planned::html("/medications", medication::render_index),
        Planned::html("/compounding", compounding::render),
        Planned::html("/locations", locations::render),
        Planned::html("/testimonials", testimonials::render),
        Planned::text("/robots.txt", seo::ROBOTS, seo::robots_txt),
    ];
    plan.extend(conditions::planned_parts(pack));
    plan.extend(pack.medications.iter().map(|m| {
        let slug = m.slug.to_string();
        Planned::html(format!("/medications/{slug}"), move |site| {
            medication::render(site, &slug)
        })
    }));
    plan.extend(pack.conditions.iter().map(|c| {
        let slug = c.slug.to_string();
        Planned::html(format!("/conditions/{slug}"), move |site| {
            condition::render(site, &slug)
        })
    }));
    plan
}

async fn asset(page: PageRequest, Path(name): Path<String>) -> Response {
    page.asset(&name)
}

async fn favicon(page: PageRequest) -> Response {
    page.asset("favicon.ico")
}

/// The fallback for paths no route matches: the 404 page with suggestions.
pub async fn fallback(page: PageRequest) -> Response {
    page.not_found()
}
