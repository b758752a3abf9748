//! A condition page as a form: one field per part of the page (title, also-called names,
//! summary, warning signs, medications, sources, the Markdown body), for pharmacists who should
//! not have to write TOML. The form is turned into the same file text the file editor edits and
//! goes through the same check, preview, draft and publish (`crate::publish::apply`), so there
//! is one set of rules. Problems name the field they are about.

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
use crate::content::{Condition, RedFlagLevel, Vocabulary};
use crate::publish::{self, Action, Entry, FormStart, Outcome};
use crate::staff::Role;
use crate::web::{AppError, AppState};

/// Rows offered for warning signs (blank rows are ignored).
const FLAG_ROWS: usize = 6;

/// What the form shows: every field as text.
#[derive(Default)]
pub struct ConditionFields {
    title: String,
    summary: String,
    also_called: String,
    category: String,
    /// Why no emergency or urgent warning sign applies, when none does.
    no_warning_signs: String,
    codes: String,
    related: String,
    testimonials: String,
    over_the_counter: String,
    prescription: String,
    compounded: String,
    /// (level, text)
    flags: Vec<(String, String)>,
    body: String,
    provenance: ProvenanceFields,
}

fn lines(items: impl IntoIterator<Item = String>) -> String {
    items.into_iter().collect::<Vec<_>>().join("\n")
}

impl ConditionFields {
    fn from_condition(c: &Condition) -> Self {
        let m = &c.meta;
        let slugs = |list: &[crate::content::Slug]| lines(list.iter().map(ToString::to_string));
        let mut flags: Vec<(String, String)> = m
            .red_flags
            .iter()
            .map(|f| (f.level.word().to_owned(), f.text.clone()))
            .collect();
        flags.resize(FLAG_ROWS.max(flags.len()), (String::new(), String::new()));
        Self {
            title: m.title.clone(),
            summary: m.summary.clone(),
            also_called: lines(m.also_called.iter().cloned()),
            category: m.category.clone().unwrap_or_default(),
            no_warning_signs: m.no_warning_signs.clone().unwrap_or_default(),
            codes: lines(m.codes.iter().map(ToString::to_string)),
            related: slugs(&m.related),
            testimonials: slugs(&m.testimonials),
            over_the_counter: slugs(&m.medications.over_the_counter),
            prescription: slugs(&m.medications.prescription),
            compounded: slugs(&m.medications.compounded),
            flags,
            body: c.body.clone(),
            provenance: ProvenanceFields::from_page(&m.review, &m.sources),
        }
    }

    fn blank() -> Self {
        Self {
            flags: vec![(String::new(), String::new()); FLAG_ROWS],
            body: "## Overview\n\n".to_owned(),
            ..Self::default()
        }
    }

    /// From the posted pairs (the numbered rows, `flag_text_3`, are why this form is read by
    /// name rather than by serde).
    fn from_pairs(pairs: &[(String, String)]) -> Self {
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map_or_else(String::new, |(_, v)| v.replace("\r\n", "\n"))
        };
        let rows = |prefix: (&str, &str), count: usize| -> Vec<(String, String)> {
            (1..=count)
                .map(|i| {
                    (
                        get(&format!("{}_{i}", prefix.0)),
                        get(&format!("{}_{i}", prefix.1)),
                    )
                })
                .collect()
        };
        Self {
            title: get("title"),
            summary: get("summary"),
            also_called: get("also_called"),
            category: get("category"),
            no_warning_signs: get("no_warning_signs"),
            codes: get("codes"),
            related: get("related"),
            testimonials: get("testimonials"),
            over_the_counter: get("over_the_counter"),
            prescription: get("prescription"),
            compounded: get("compounded"),
            flags: rows(("flag_level", "flag_text"), FLAG_ROWS),
            body: get("body"),
            provenance: ProvenanceFields::from_posted(get),
        }
    }

    /// The condition file these fields stand for. Nothing is checked here: the content reader
    /// checks the result, exactly as it checks a file.
    fn to_source(&self) -> Result<String, AppError> {
        use toml::{Table, Value};
        let list = |text: &str| -> Value {
            Value::Array(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(|l| Value::String(l.to_owned()))
                    .collect(),
            )
        };
        let mut front = Table::new();
        front.insert("title".into(), Value::String(self.title.trim().to_owned()));
        front.insert(
            "summary".into(),
            Value::String(self.summary.trim().to_owned()),
        );
        for (key, text) in [
            ("also_called", &self.also_called),
            ("codes", &self.codes),
            ("related", &self.related),
            ("testimonials", &self.testimonials),
        ] {
            if !text.trim().is_empty() {
                front.insert(key.into(), list(text));
            }
        }
        for (key, text) in [
            ("category", &self.category),
            ("no_warning_signs", &self.no_warning_signs),
        ] {
            if !text.trim().is_empty() {
                front.insert(key.into(), Value::String(text.trim().to_owned()));
            }
        }
        let mut medications = Table::new();
        for (key, text) in [
            ("over_the_counter", &self.over_the_counter),
            ("prescription", &self.prescription),
            ("compounded", &self.compounded),
        ] {
            if !text.trim().is_empty() {
                medications.insert(key.into(), list(text));
            }
        }
        if !medications.is_empty() {
            front.insert("medications".into(), Value::Table(medications));
        }
        let flags: Vec<Value> = self
            .flags
            .iter()
            .filter(|(level, text)| !level.trim().is_empty() || !text.trim().is_empty())
            .map(|(level, text)| {
                let mut flag = Table::new();
                flag.insert("level".into(), Value::String(level.trim().to_owned()));
                flag.insert("text".into(), Value::String(text.trim().to_owned()));
                Value::Table(flag)
            })
            .collect();
        if !flags.is_empty() {
            front.insert("red_flags".into(), Value::Array(flags));
        }
        self.provenance.write(&mut front);
        let front = toml::to_string(&front).map_err(anyhow::Error::from)?;
        Ok(format!("+++\n{front}+++\n{}", self.body))
    }
}

#[derive(Template)]
#[template(path = "staff/condition_form.html")]
struct FormPage<'a> {
    layout: StaffLayout<'a>,
    url: String,
    slug: String,
    fields: ConditionFields,
    /// Taken out of `fields` for the shared `provenance_fields.html`.
    provenance: ProvenanceFields,
    /// The version this edit started from (`content::apply`).
    opened: String,
    levels: Vec<&'static str>,
    problems: Vec<String>,
    /// After a refused publication: theirs against this form's text.
    conflict: Conflict,
    notice: Option<&'static str>,
    preview: Option<String>,
    csrf: String,
}

/// The condition form as posted.
struct ConditionForm {
    csrf_token: String,
    /// The version the edit started from (hidden field).
    opened: String,
    action: Action,
    fields: ConditionFields,
}

impl ConditionForm {
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
            fields: ConditionFields::from_pairs(pairs),
        })
    }
}

fn form_page(
    state: &AppState,
    staff: &Staff,
    entry: &Entry,
    mut fields: ConditionFields,
    (problems, preview, opened, conflict): (Vec<String>, Option<String>, Option<String>, Conflict),
) -> Result<Response, AppError> {
    let opened = opened.map_or_else(|| content::opened_now(state, entry), Ok)?;
    let provenance = std::mem::take(&mut fields.provenance);
    let site = state.renderer().current();
    let title = if problems.is_empty() {
        format!("Edit {}", entry.slug)
    } else {
        format!("Error: Edit {}", entry.slug)
    };
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page(
        status,
        FormPage {
            layout: StaffLayout::signed_in(&site, &title, "content", staff)?,
            url: content::url(entry),
            slug: entry.slug.clone(),
            fields,
            provenance,
            opened,
            levels: RedFlagLevel::WORDS.iter().map(|(word, _)| *word).collect(),
            notice: preview.is_some().then_some(CHECKED),
            problems,
            conflict,
            preview,
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
    let entry = content::form_entry("conditions", &slug)?;
    let published = content::published(&state)?;
    let fields = match publish::form_start(state.store().as_ref(), published, &entry).await? {
        FormStart::Checked { pack, .. } => pack
            .condition(&slug)
            .map_or_else(ConditionFields::blank, ConditionFields::from_condition),
        FormStart::New => ConditionFields::blank(),
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
    let form = ConditionForm::parse(&pairs)?;
    staff.check_form(&headers, &form.csrf_token)?;
    let entry = content::form_entry("conditions", &slug)?;
    let fields = form.fields;
    let source = fields.to_source()?;
    let applied =
        content::apply(&state, &staff, &entry, (source, &form.opened), form.action).await?;
    // A check shows the body as the page will (Markdown rendered off the serving threads).
    let preview = match &applied.0 {
        Outcome::Checked { body } => Some(content::preview(body.clone()).await?),
        _ => None,
    };
    content::answer(&entry, applied, preview, |feedback| {
        form_page(&state, &staff, &entry, fields, feedback)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_cramps_page_round_trips_through_the_form() {
        let mut pack = crate::content::ContentPack::sample().unwrap();
        // Every field the form carries, the optional ones too.
        let index = pack
            .conditions
            .iter()
            .position(|c| c.slug.as_str() == "foot-and-leg-cramps")
            .unwrap();
        pack.conditions[index].meta.no_warning_signs = Some("Said why, for the test.".into());
        let cramps = &pack.conditions[index];
        let source = ConditionFields::from_condition(cramps).to_source().unwrap();
        let files: Vec<crate::content::RawFile> = crate::content::files(&pack)
            .unwrap()
            .into_iter()
            .map(|(path, text)| {
                let text = if path == "conditions/foot-and-leg-cramps.md" {
                    source.clone()
                } else {
                    text
                };
                crate::content::RawFile {
                    path,
                    bytes: text.into_bytes(),
                }
            })
            .collect();
        let again = crate::content::ContentPack::from_files("content", &files).unwrap();
        assert_eq!(again.condition("foot-and-leg-cramps"), Some(cramps));
    }
}
