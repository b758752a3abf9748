//! `/medications` and `/medications/{slug}`: the catalog, with each medication's US status in
//! words (a prescription drug is never shown as over-the-counter) and the conditions listing it.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;

use crate::content::{Condition, Medication, MedicationStatus};
use crate::web::{AppError, ContentCache};

#[derive(Template)]
#[template(path = "medication.html")]
struct MedicationPage<'a> {
    pharmacy: &'a str,
    medication: &'a Medication,
    status: String,
    conditions: Vec<&'a Condition>,
}

#[derive(Template)]
#[template(path = "medications.html")]
struct MedicationsPage<'a> {
    pharmacy: &'a str,
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

#[tracing::instrument(skip(content))]
pub async fn index(State(content): State<ContentCache>) -> Result<Html<String>, AppError> {
    let snapshot = content.snapshot();
    let pack = snapshot.published()?;
    let page = MedicationsPage {
        pharmacy: &pack.site.name,
        medications: pack
            .medications
            .iter()
            .map(|m| (m, status_words(m)))
            .collect(),
    };
    Ok(Html(page.render().map_err(anyhow::Error::from)?))
}

#[tracing::instrument(skip(content))]
pub async fn show(
    State(content): State<ContentCache>,
    Path(slug): Path<String>,
) -> Result<Html<String>, AppError> {
    let snapshot = content.snapshot();
    let pack = snapshot.published()?;
    let medication = pack.medication(&slug).ok_or(AppError::NotFound)?;
    let page = MedicationPage {
        pharmacy: &pack.site.name,
        medication,
        status: status_words(medication),
        conditions: pack
            .conditions
            .iter()
            .filter(|c| c.meta.medications.all().any(|(_, s)| *s == medication.slug))
            .collect(),
    };
    Ok(Html(page.render().map_err(anyhow::Error::from)?))
}
