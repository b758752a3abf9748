//! A medication as a form: generic name, status (chosen from the words the content reader
//! accepts, so a prescription-only drug cannot be typed in as over-the-counter by accident),
//! schedule, brands, class, summary, codes, and what the pharmacy compounds it into (ticked
//! from the dosage forms it knows). Turned into the same file text as the file editor and sent
//! through the same check and publish (`content::apply`).

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::content::{Applied, CHECKED, Entry, FormStart, apply, form_start};
use super::session::Staff;
use super::{StaffLayout, page};
use crate::content::{DosageForm, Medication, MedicationStatus, Schedule, Vocabulary};
use crate::staff::Role;
use crate::web::{AppError, AppState};

#[derive(Default)]
struct MedicationFields {
    name: String,
    status: String,
    schedule: String,
    brands: String,
    class: String,
    summary: String,
    codes: String,
    forms: Vec<String>,
    note: String,
}

impl MedicationFields {
    fn from_medication(m: &Medication) -> Self {
        let meta = &m.meta;
        Self {
            name: meta.name.clone(),
            status: meta.status.word().to_owned(),
            schedule: meta
                .schedule
                .map(|s| s.word().to_owned())
                .unwrap_or_default(),
            brands: meta.brands.join("\n"),
            class: meta.class.clone().unwrap_or_default(),
            summary: meta.summary.clone().unwrap_or_default(),
            codes: meta
                .codes
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
            forms: meta
                .compounding
                .iter()
                .flat_map(|c| c.forms.iter().map(|f| f.word().to_owned()))
                .collect(),
            note: meta
                .compounding
                .as_ref()
                .and_then(|c| c.note.clone())
                .unwrap_or_default(),
        }
    }

    fn from_form(form: &[(String, String)]) -> Self {
        let get = |name: &str| {
            form.iter()
                .find(|(key, _)| key == name)
                .map_or_else(String::new, |(_, v)| v.replace("\r\n", "\n"))
        };
        Self {
            name: get("name"),
            status: get("status"),
            schedule: get("schedule"),
            brands: get("brands"),
            class: get("class"),
            summary: get("summary"),
            codes: get("codes"),
            // A checkbox group: one pair per ticked box.
            forms: form
                .iter()
                .filter(|(key, _)| key == "forms")
                .map(|(_, v)| v.clone())
                .collect(),
            note: get("note"),
        }
    }

    fn to_source(&self) -> Result<String, AppError> {
        use toml::{Table, Value};
        let string = |s: &str| Value::String(s.trim().to_owned());
        let lines = |text: &str| {
            Value::Array(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(|l| Value::String(l.to_owned()))
                    .collect(),
            )
        };
        let mut file = Table::new();
        file.insert("name".into(), string(&self.name));
        file.insert("status".into(), string(&self.status));
        for (key, value) in [
            ("schedule", &self.schedule),
            ("class", &self.class),
            ("summary", &self.summary),
        ] {
            if !value.trim().is_empty() {
                file.insert(key.into(), string(value));
            }
        }
        for (key, value) in [("brands", &self.brands), ("codes", &self.codes)] {
            if !value.trim().is_empty() {
                file.insert(key.into(), lines(value));
            }
        }
        if !self.forms.is_empty() || !self.note.trim().is_empty() {
            let mut compounding = Table::new();
            compounding.insert(
                "forms".into(),
                Value::Array(self.forms.iter().map(|f| string(f)).collect()),
            );
            if !self.note.trim().is_empty() {
                compounding.insert("note".into(), string(&self.note));
            }
            file.insert("compounding".into(), Value::Table(compounding));
        }
        Ok(toml::to_string(&file).map_err(anyhow::Error::from)?)
    }
}

#[derive(Template)]
#[template(path = "staff/medication_form.html")]
struct FormPage<'a> {
    layout: StaffLayout<'a>,
    url: String,
    slug: String,
    fields: MedicationFields,
    statuses: Vec<&'static str>,
    schedules: Vec<&'static str>,
    dosage_forms: Vec<&'static str>,
    problems: Vec<String>,
    notice: Option<&'static str>,
    csrf: String,
}

fn form_page(
    state: &AppState,
    staff: &Staff,
    entry: &Entry,
    fields: MedicationFields,
    (problems, notice): (Vec<String>, Option<&'static str>),
) -> Result<Response, AppError> {
    let site = state.renderer().current();
    let error = !problems.is_empty();
    let title = format!("{}Edit {}", if error { "Error: " } else { "" }, entry.slug);
    page(
        if error {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        FormPage {
            layout: StaffLayout::signed_in(&site, &title, "content", staff)?,
            url: entry.url(),
            slug: entry.slug.clone(),
            fields,
            statuses: MedicationStatus::WORDS.iter().map(|(w, _)| *w).collect(),
            schedules: Schedule::WORDS.iter().map(|(w, _)| *w).collect(),
            dosage_forms: DosageForm::WORDS.iter().map(|(w, _)| *w).collect(),
            problems,
            notice,
            csrf: staff.csrf.clone(),
        },
    )
}

pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let entry = Entry::parse("medications", &slug).ok_or(AppError::NotFound)?;
    let fields = match form_start(&state, &staff, &entry).await? {
        FormStart::Checked(pack) => pack
            .medication(&slug)
            .map(MedicationFields::from_medication)
            .unwrap_or_default(),
        FormStart::New => MedicationFields::default(),
        FormStart::FinishInFile(response) => return Ok(response),
    };
    form_page(&state, &staff, &entry, fields, (Vec::new(), None))
}

pub async fn submit(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    staff.require(Role::Pharmacist)?;
    let map: HashMap<String, String> = pairs.iter().cloned().collect();
    staff.check_form(
        &headers,
        map.get(crate::web::requests::csrf::FIELD)
            .map_or("", String::as_str),
    )?;
    let entry = Entry::parse("medications", &slug).ok_or(AppError::NotFound)?;
    let fields = MedicationFields::from_form(&pairs);
    let source = fields.to_source()?;
    let action = map.get("action").map_or("preview", String::as_str);
    match apply(&state, &staff, &entry, source, action).await? {
        Applied::Done(_) => Ok(Redirect::to(&format!("{}/form", entry.url())).into_response()),
        Applied::Problems(problems) => form_page(&state, &staff, &entry, fields, (problems, None)),
        Applied::Checked { .. } => {
            form_page(&state, &staff, &entry, fields, (Vec::new(), Some(CHECKED)))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_sample_medication_round_trips_through_the_form() {
        let pack = crate::content::ContentPack::sample().unwrap();
        for medication in &pack.medications {
            let source = super::MedicationFields::from_medication(medication)
                .to_source()
                .unwrap();
            let path = format!("medications/{}.toml", medication.slug);
            let files: Vec<crate::content::RawFile> = crate::content::files(&pack)
                .unwrap()
                .into_iter()
                .map(|(p, text)| {
                    let text = if p == path { source.clone() } else { text };
                    crate::content::RawFile {
                        path: p,
                        bytes: text.into_bytes(),
                    }
                })
                .collect();
            let again = crate::content::ContentPack::from_files("content", &files).unwrap();
            assert_eq!(
                again.medication(medication.slug.as_str()),
                Some(medication),
                "{path}"
            );
        }
    }
}
