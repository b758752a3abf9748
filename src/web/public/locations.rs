//! `/locations`: each location's address, phone, e-mail, weekly hours and open-now status.

use askama::Template;
use axum::response::Response;

use super::schema;
use crate::content::{DayHours, clock};
use crate::web::AppError;
use crate::web::render::{Layout, Meta, PageRequest, Rendered};

#[derive(Template)]
#[template(path = "locations.html")]
struct LocationsPage<'a> {
    layout: Layout<'a>,
}

/// "9 am – 6 pm" or "Closed", for the hours table.
pub fn hours_text(hours: &DayHours) -> String {
    match hours {
        DayHours::Closed => "Closed".to_owned(),
        DayHours::Open { opens, closes } => format!("{} – {}", clock(*opens), clock(*closes)),
    }
}

pub async fn show(page: PageRequest) -> Response {
    page.html(render).await
}

pub fn render(site: &Rendered) -> Result<String, AppError> {
    let pack = site.pack()?;
    let meta = Meta::new(
        "Locations and hours",
        format!(
            "Addresses, phone numbers and opening hours of {}.",
            pack.site.name
        ),
        "/locations",
    )
    .section("locations")
    .json_ld(schema::script(&schema::pharmacies(site, pack)));
    let page = LocationsPage {
        layout: site.layout(meta)?,
    };
    Ok(page.render().map_err(anyhow::Error::from)?)
}
