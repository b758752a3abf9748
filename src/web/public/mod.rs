//! Public pages: the home page listing the conditions, condition pages and the medication catalog.

mod condition;
mod medication;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;

use super::{AppError, AppState, ContentCache};
use crate::content::Condition;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/conditions/{slug}", get(condition::show))
        .route("/medications", get(medication::index))
        .route("/medications/{slug}", get(medication::show))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    pharmacy: &'a str,
    tagline: &'a str,
    phone: Option<(&'a str, String)>,
    conditions: &'a [Condition],
}

#[tracing::instrument(skip_all)]
async fn home(State(content): State<ContentCache>) -> Result<Html<String>, AppError> {
    let snapshot = content.snapshot();
    let pack = snapshot.published()?;
    let page = HomePage {
        pharmacy: &pack.site.name,
        tagline: &pack.site.tagline,
        phone: pack
            .site
            .main_location()
            .map(|l| (l.phone.as_str(), l.phone.tel())),
        conditions: &pack.conditions,
    };
    Ok(Html(page.render().map_err(anyhow::Error::from)?))
}
