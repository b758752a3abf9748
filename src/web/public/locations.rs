//! `/locations`: each location's address, phone, e-mail, weekly hours and open-now status.

use askama::Template;
use axum::response::Response;

use super::schema;
use crate::content::Lang;
use crate::i18n;
use crate::web::AppError;
use crate::web::render::{Layout, Meta, PageRequest, Rendered};

#[derive(Template)]
#[template(path = "locations.html")]
struct LocationsPage<'a> {
    layout: Layout<'a>,
}

/// "9 am – 6 pm" or "Closed", for the hours table.
pub async fn show(page: PageRequest) -> Response {
    let lang = page.lang;
    page.html(move |site| render(site, lang)).await
}

pub fn render(site: &Rendered, lang: Lang) -> Result<String, AppError> {
    let pack = site.pack_in(lang)?;
    let meta = Meta::new(
        i18n::text(lang, "locations-title"),
        i18n::format(
            lang,
            "locations-description",
            &[("pharmacy", (&pack.site.name).into())],
        ),
        "/locations",
    )
    .lang(lang)
    .section("locations")
    .json_ld(schema::script(&schema::pharmacies(site, pack)));
    let page = LocationsPage {
        layout: site.layout(meta)?,
    };
    Ok(page.render().map_err(anyhow::Error::from)?)
}
