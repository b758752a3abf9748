//! `/medications` and `/medications/{slug}`: the catalog, with each medication's US status in
//! words (a prescription drug is never shown as over-the-counter) and the conditions listing it.

use askama::Template;
use axum::extract::Path;
use axum::response::Response;

use super::schema;
use crate::content::{Condition, Lang, Medication, MedicationStatus, Review, Source};
use crate::i18n;
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
pub fn status_words(medication: &Medication, lang: Lang) -> String {
    let key = match (medication.meta.status, medication.meta.schedule) {
        (MedicationStatus::OverTheCounter, _) => "status-over-the-counter",
        (MedicationStatus::Supplement, _) => "status-supplement",
        (MedicationStatus::Prescription, _) => "status-prescription",
        (MedicationStatus::Controlled, Some(schedule)) => {
            let schedule = schedule.to_string();
            return i18n::format(
                lang,
                "status-controlled-schedule",
                &[("schedule", (&schedule).into())],
            );
        }
        (MedicationStatus::Controlled, None) => "status-controlled",
    };
    i18n::text(lang, key)
}

/// Medications in `lang`'s alphabetical order of their names (in Spanish, "óxido de zinc" under
/// O, not where its English slug would put it).
pub fn alphabetical(medications: &[Medication], lang: Lang) -> Vec<&Medication> {
    let mut list: Vec<&Medication> = medications.iter().collect();
    list.sort_by_cached_key(|m| crate::content::collate::sort_key(&m.meta.name, lang));
    list
}

pub async fn index(page: PageRequest) -> Response {
    let lang = page.lang;
    page.html(move |site| render_index(site, lang)).await
}

pub fn render_index(site: &Rendered, lang: Lang) -> Result<String, AppError> {
    let pack = site.pack_in(lang)?;
    let meta = Meta::new(
        i18n::text(lang, "medications-title"),
        i18n::format(
            lang,
            "medications-description",
            &[("pharmacy", (&pack.site.name).into())],
        ),
        "/medications",
    )
    .lang(lang)
    .section("medications");
    let page = MedicationsPage {
        layout: site.layout(meta)?,
        medications: alphabetical(&pack.medications, lang)
            .into_iter()
            .map(|m| (m, status_words(m, lang)))
            .collect(),
    };
    Ok(page.render().map_err(anyhow::Error::from)?)
}

pub async fn show(page: PageRequest, Path(slug): Path<String>) -> Response {
    let lang = page.lang;
    page.html(move |site| render(site, lang, &slug)).await
}

pub fn render(site: &Rendered, lang: Lang, slug: &str) -> Result<String, AppError> {
    let pack = site.pack_in(lang)?;
    let medication = pack.medication(slug).ok_or(AppError::NotFound)?;
    let status = status_words(medication, lang);
    let description = match &medication.meta.summary {
        Some(summary) => format!("{}: {status}. {summary}", medication.meta.name),
        None => format!("{}: {status}.", medication.meta.name),
    };
    let meta = Meta::new(
        medication.meta.name.clone(),
        description,
        format!("/medications/{}", medication.slug),
    )
    .lang(lang)
    .entry(site.notes(lang), "medications", medication.slug.as_str())
    .section("medications")
    .json_ld(schema::script(&schema::medication(site, lang, medication)));
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
