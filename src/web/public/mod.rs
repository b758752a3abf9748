//! Public pages. Each handler renders through `PageRequest`, so a page is rendered once per
//! content version (and open-now wording) and then served from memory.

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
use super::render::PageRequest;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/conditions", get(conditions::index))
        .route("/conditions/{slug}", get(condition::show))
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
        .route("/robots.txt", get(seo::robots))
        .route("/favicon.ico", get(favicon))
        .route("/assets/{name}", get(asset))
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
