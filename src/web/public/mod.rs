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
use crate::content::Lang;

pub fn router() -> Router<AppState> {
    let mut router = Router::new();
    // Every page in every language: `/conditions` and `/es/conditions` reach the same handler,
    // which takes the language from the path (`PageRequest::lang`).
    for lang in Lang::ALL {
        let at = |path: &str| lang.path(path);
        router = router
            .route(&at("/"), get(home::show))
            .route(&at("/conditions"), get(conditions::index))
            .route(&at("/conditions/{slug}"), get(condition::show))
            .route(
                &at("/conditions/letter/{letter}"),
                get(conditions::letter_page),
            )
            .route(
                &at("/conditions/category/{category}"),
                get(conditions::category_page),
            )
            .route(&at("/medications"), get(medication::index))
            .route(&at("/medications/{slug}"), get(medication::show))
            .route(&at("/compounding"), get(compounding::show))
            .route(&at("/locations"), get(locations::show))
            .route(&at("/testimonials"), get(testimonials::show))
            .route(&at("/search"), get(search::show))
            .route(
                &at("/testimonials/share"),
                get(share::show)
                    .post(share::submit)
                    .layer(axum::extract::DefaultBodyLimit::max(16 * 1024)),
            );
    }
    router
        // As people type it: the Spanish home page is `/es`.
        .route(
            "/es/",
            get(|| async { axum::response::Redirect::permanent("/es") }),
        )
        .route("/sitemap.xml", get(seo::sitemap))
        .route("/sitemaps/{file}", get(seo::sitemap_part))
        .route("/robots.txt", get(seo::robots))
        .route("/favicon.ico", get(favicon))
        .route("/assets/{name}", get(asset))
}

/// Every cached public page of a set, in the order the warm-up renders them: the pages most
/// visits start from (and the largest: A–Z, sitemap) first, then a large library's letter and
/// category pages, each medication (a catalog is small), then each condition — English first,
/// then each translation. Paths and renderers are the handlers' own, so a warmed page is the
/// page a request would have rendered.
pub fn plan(site: &Rendered) -> Vec<Planned> {
    let Ok(english) = site.pack() else {
        return Vec::new();
    };
    let mut plan = vec![Planned::text(
        "/sitemap.xml",
        seo::SITEMAP,
        seo::sitemap_xml,
    )];
    for lang in Lang::ALL {
        let at = |path: &str| lang.path(path);
        plan.extend([
            Planned::html(at("/"), move |site| home::render(site, lang)),
            Planned::html(at("/conditions"), move |site| {
                conditions::render(site, lang)
            }),
            Planned::html(at("/search"), move |site| search::render_empty(site, lang)),
            Planned::html(at("/medications"), move |site| {
                medication::render_index(site, lang)
            }),
            Planned::html(at("/compounding"), move |site| {
                compounding::render(site, lang)
            }),
            Planned::html(at("/locations"), move |site| locations::render(site, lang)),
            Planned::html(at("/testimonials"), move |site| {
                testimonials::render(site, lang)
            }),
        ]);
        if lang == Lang::En {
            plan.push(Planned::text("/robots.txt", seo::ROBOTS, seo::robots_txt));
        }
        let Ok(pack) = site.pack_in(lang) else {
            continue;
        };
        plan.extend(conditions::planned_parts(pack, lang));
        plan.extend(english.medications.iter().map(|m| {
            let slug = m.slug.to_string();
            Planned::html(at(&format!("/medications/{slug}")), move |site| {
                medication::render(site, lang, &slug)
            })
        }));
        plan.extend(english.conditions.iter().map(|c| {
            let slug = c.slug.to_string();
            Planned::html(at(&format!("/conditions/{slug}")), move |site| {
                condition::render(site, lang, &slug)
            })
        }));
    }
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
