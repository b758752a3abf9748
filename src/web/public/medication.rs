//! `/medications` and `/medications/{slug}`: the catalog, with each medication's US status in
//! words (a prescription drug is never shown as over-the-counter) and the conditions listing it.

use askama::Template;
use axum::extract::Path;
use axum::response::Response;

use super::schema;
use crate::content::{Condition, Medication, MedicationStatus, Review, Source};
use crate::web::AppError;
use crate::web::render::{Layout, Meta, PageRequest, Rendered};

#[derive(Template)]
#[template(path = "medication.html")]
struct MedicationPage<'a> {
    layout: Layout<'a>,
    medication: &'a Medication,
    status: String,
    conditions: Vec<&'a Condition>,
    review: &'a Review,
    sources: &'a [Source],
}

#[derive(Template)]
#[template(path = "medications.html")]
struct MedicationsPage<'a> {
    layout: Layout<'a>,
    medications: Vec<(&'a Medication, String)>,
}

/// How a patient gets it, in plain words.
pub fn status_words(medication: &Medication) -> String {
    match (medication.meta.status, medication.meta.schedule) {
        (MedicationStatus::OverTheCounter, _) => "Over-the-counter".to_owned(),
        (MedicationStatus::Supplement, _) => "Supplement (no prescription needed)".to_owned(),
        (MedicationStatus::Prescription, _) => "Prescription only".to_owned(),
        (MedicationStatus::Controlled, Some(schedule)) => {
            format!("Prescription only — controlled substance, Schedule {schedule}")
        }
        (MedicationStatus::Controlled, None) => {
            "Prescription only — controlled substance".to_owned()
        }
    }
}

pub async fn index(page: PageRequest) -> Response {
    page.html(render_index).await
}

pub fn render_index(site: &Rendered) -> Result<String, AppError> {
    let pack = site.pack()?;
    let meta = Meta::new(
        "Medications",
        format!(
            "Medicines {} stocks and compounds, with whether each needs a prescription.",
            pack.site.name
        ),
        "/medications",
    )
    .section("medications");
    let page = MedicationsPage {
        layout: site.layout(meta)?,
        medications: pack
            .medications
            .iter()
            .map(|m| (m, status_words(m)))
            .collect(),
    };
    Ok(page.render().map_err(anyhow::Error::from)?)
}

pub async fn show(page: PageRequest, Path(slug): Path<String>) -> Response {
    page.html(move |site| render(site, &slug)).await
}

pub fn render(site: &Rendered, slug: &str) -> Result<String, AppError> {
    let pack = site.pack()?;
    let medication = pack.medication(slug).ok_or(AppError::NotFound)?;
    let status = status_words(medication);
    let description = match &medication.meta.summary {
        Some(summary) => format!("{}: {status}. {summary}", medication.meta.name),
        None => format!("{}: {status}.", medication.meta.name),
    };
    let meta = Meta::new(
        medication.meta.name.clone(),
        description,
        format!("/medications/{}", medication.slug),
    )
    .section("medications")
    .json_ld(schema::script(&schema::medication(site, medication)));
    let page = MedicationPage {
        layout: site.layout(meta)?,
        medication,
        review: &medication.meta.review,
        sources: &medication.meta.sources,
        status,
        conditions: pack
            .conditions
            .iter()
            .filter(|c| c.meta.medications.all().any(|(_, s)| *s == medication.slug))
            .collect(),
    };
    Ok(page.render().map_err(anyhow::Error::from)?)
}
