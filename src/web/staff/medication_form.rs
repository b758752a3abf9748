//! A medication as a form: generic name, status (chosen from the words the content reader
//! accepts, so a prescription-only drug cannot be typed in as over-the-counter by accident),
//! schedule, brands, class, summary, codes, the forms sold ready-made and what the pharmacy
//! compounds it into (ticked from the dosage forms it knows) with why, and its sources (the
//! review rides along untouched). Turned into the same file text as the file editor and sent
//! through the same check and publish (`crate::publish::apply`).

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::content::{self, CHECKED, Conflict};
use super::provenance_fields::ProvenanceFields;
use super::session::Staff;
use super::{StaffLayout, page};
use crate::content::{DosageForm, Medication, MedicationStatus, Schedule, Vocabulary};
use crate::publish::{self, Action, Entry, FormStart};
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
    /// Dosage forms also sold ready-made (ticked).
    commercial_forms: Vec<String>,
    forms: Vec<String>,
    note: String,
    /// `form: why`, one per line ([compounding.reasons]).
    reasons: String,
    provenance: ProvenanceFields,
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
            commercial_forms: meta
                .commercial_forms
                .iter()
                .map(|f| f.word().to_owned())
                .collect(),
            forms: meta
                .compounding
                .iter()
                .flat_map(|c| c.forms.iter().map(|f| f.word().to_owned()))
                .collect(),
            reasons: meta
                .compounding
                .iter()
                .flat_map(|c| c.reasons.iter())
                .map(|(form, why)| format!("{form}: {why}"))
                .collect::<Vec<_>>()
                .join("\n"),
            provenance: ProvenanceFields::from_page(&meta.review, &meta.sources),
            note: meta
                .compounding
                .as_ref()
                .and_then(|c| c.note.clone())
                .unwrap_or_default(),
        }
    }

    /// From the posted pairs (the dosage forms are a checkbox group: one pair per ticked box,
    /// which is why this form is read by name rather than by serde).
    fn from_pairs(form: &[(String, String)]) -> Self {
        let get = |name: &str| {
            form.iter()
                .find(|(key, _)| key == name)
                .map_or_else(String::new, |(_, v)| v.replace("\r\n", "\n"))
        };
        let ticked = |name: &str| -> Vec<String> {
            form.iter()
                .filter(|(key, _)| key == name)
                .map(|(_, v)| v.clone())
                .collect()
        };
        Self {
            name: get("name"),
            status: get("status"),
            schedule: get("schedule"),
            brands: get("brands"),
            class: get("class"),
            summary: get("summary"),
            codes: get("codes"),
            commercial_forms: ticked("commercial_forms"),
            forms: ticked("forms"),
            note: get("note"),
            reasons: get("reasons"),
            provenance: ProvenanceFields::from_posted(get),
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
        if !self.commercial_forms.is_empty() {
            let forms = self.commercial_forms.iter().map(|f| string(f)).collect();
            file.insert("commercial_forms".into(), Value::Array(forms));
        }
        if !self.forms.is_empty() || !self.note.trim().is_empty() || !self.reasons.trim().is_empty()
        {
            let mut compounding = Table::new();
            compounding.insert(
                "forms".into(),
                Value::Array(self.forms.iter().map(|f| string(f)).collect()),
            );
            if !self.note.trim().is_empty() {
                compounding.insert("note".into(), string(&self.note));
            }
            // A line without "form:" keeps the whole line as the form, so the reader names it
            // (an unknown dosage form) instead of it vanishing.
            let reasons: Table = self
                .reasons
                .lines()
                .filter(|line| !line.trim().is_empty())
                .map(|line| {
                    let (form, why) = line.split_once(':').unwrap_or((line, ""));
                    (form.trim().to_owned(), string(why))
                })
                .collect();
            if !reasons.is_empty() {
                compounding.insert("reasons".into(), Value::Table(reasons));
            }
            file.insert("compounding".into(), Value::Table(compounding));
        }
        self.provenance.write(&mut file);
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
    /// Taken out of `fields` for the shared `provenance_fields.html`.
    provenance: ProvenanceFields,
    /// The version this edit started from (`content::apply`).
    opened: String,
    statuses: Vec<&'static str>,
    schedules: Vec<&'static str>,
    dosage_forms: Vec<&'static str>,
    problems: Vec<String>,
    /// After a refused publication: theirs against this form's text.
    conflict: Conflict,
    notice: Option<&'static str>,
    csrf: String,
}

/// The medication form as posted.
struct MedicationForm {
    csrf_token: String,
    /// The version the edit started from (hidden field).
    opened: String,
    action: Action,
    fields: MedicationFields,
}

impl MedicationForm {
    /// A missing or unknown `action` is a 400.
    fn parse(pairs: &[(String, String)]) -> Result<Self, AppError> {
        let value = |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, v)| v.as_str())
        };
        Ok(Self {
            csrf_token: value("csrf_token").unwrap_or_default().to_owned(),
            opened: value("opened").unwrap_or_default().to_owned(),
            action: content::action(value("action"))?,
            fields: MedicationFields::from_pairs(pairs),
        })
    }
}

fn form_page(
    state: &AppState,
    staff: &Staff,
    entry: &Entry,
    mut fields: MedicationFields,
    (problems, notice, opened, conflict): (
        Vec<String>,
        Option<&'static str>,
        Option<String>,
        Conflict,
    ),
) -> Result<Response, AppError> {
    let opened = opened.map_or_else(|| content::opened_now(state, entry), Ok)?;
    let provenance = std::mem::take(&mut fields.provenance);
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
            url: content::url(entry),
            slug: entry.slug.clone(),
            fields,
            provenance,
            opened,
            statuses: MedicationStatus::WORDS.iter().map(|(w, _)| *w).collect(),
            schedules: Schedule::WORDS.iter().map(|(w, _)| *w).collect(),
            dosage_forms: DosageForm::WORDS.iter().map(|(w, _)| *w).collect(),
            problems,
            conflict,
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
    staff.require(Role::Pharmacist)?;
    let entry = content::form_entry("medications", &slug)?;
    let published = content::published(&state)?;
    let fields = match publish::form_start(state.store().as_ref(), published, &entry).await? {
        FormStart::Checked { pack, .. } => pack
            .medication(&slug)
            .map(MedicationFields::from_medication)
            .unwrap_or_default(),
        FormStart::New => MedicationFields::default(),
        FormStart::FinishInFile => {
            return Ok(Redirect::to(&content::url(&entry)).into_response());
        }
    };
    form_page(&state, &staff, &entry, fields, content::first_opened())
}

pub async fn submit(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
    headers: HeaderMap,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, AppError> {
    staff.require(Role::Pharmacist)?;
    let Form(pairs) = form?;
    let form = MedicationForm::parse(&pairs)?;
    staff.check_form(&headers, &form.csrf_token)?;
    let entry = content::form_entry("medications", &slug)?;
    let fields = form.fields;
    let source = fields.to_source()?;
    let applied =
        content::apply(&state, &staff, &entry, (source, &form.opened), form.action).await?;
    content::answer(&entry, applied, Some(CHECKED), |feedback| {
        form_page(&state, &staff, &entry, fields, feedback)
    })
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
