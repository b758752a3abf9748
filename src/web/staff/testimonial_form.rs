//! A testimonial as a form: the quote, the name shown and the town — turned into the same file
//! text as the file editor and sent through the same check and publish
//! (`crate::publish::apply`).

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::content::{self, CHECKED, Conflict};
use super::session::Staff;
use super::{StaffLayout, page};
use crate::content::TestimonialMeta;
use crate::publish::{self, Action, Entry, FormStart};
use crate::staff::Role;
use crate::web::{AppError, AppState};

#[derive(Template)]
#[template(path = "staff/testimonial_form.html")]
struct FormPage<'a> {
    layout: StaffLayout<'a>,
    url: String,
    slug: String,
    quote: String,
    name: String,
    place: String,
    example: bool,
    /// The version this edit started from (`content::apply`).
    opened: String,
    problems: Vec<String>,
    /// After a refused publication: theirs against this form's text.
    conflict: Conflict,
    notice: Option<&'static str>,
    csrf: String,
}

fn form_page(
    state: &AppState,
    staff: &Staff,
    entry: &Entry,
    meta: TestimonialMeta,
    (problems, notice, opened, conflict): (
        Vec<String>,
        Option<&'static str>,
        Option<String>,
        Conflict,
    ),
) -> Result<Response, AppError> {
    let opened = opened.map_or_else(|| content::opened_now(state, entry), Ok)?;
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
            quote: meta.quote,
            name: meta.name,
            place: meta.place,
            example: meta.example,
            opened,
            problems,
            conflict,
            notice,
            csrf: staff.csrf.clone(),
        },
    )
}

fn empty() -> TestimonialMeta {
    TestimonialMeta {
        quote: String::new(),
        name: String::new(),
        place: String::new(),
        example: false,
        translation_of: None,
        translations: Default::default(),
    }
}

pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    staff.require(Role::Pharmacist)?;
    let entry = content::form_entry("testimonials", &slug)?;
    let published = content::published(&state)?;
    let meta = match publish::form_start(state.store().as_ref(), published, &entry).await? {
        FormStart::Checked { pack, .. } => pack
            .testimonial(&slug)
            .map_or_else(empty, |t| t.meta.clone()),
        FormStart::New => empty(),
        FormStart::FinishInFile => {
            return Ok(Redirect::to(&content::url(&entry)).into_response());
        }
    };
    form_page(&state, &staff, &entry, meta, content::first_opened())
}

/// The testimonial form as posted.
#[derive(Deserialize)]
pub struct TestimonialForm {
    #[serde(default)]
    csrf_token: String,
    /// The version the edit started from (hidden field).
    #[serde(default)]
    opened: String,
    action: Action,
    #[serde(default)]
    quote: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    place: String,
    /// The checkbox: "yes" when ticked, absent when not.
    #[serde(default)]
    example: Option<Example>,
}

/// The example checkbox's one value.
#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum Example {
    Yes,
}

pub async fn submit(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
    headers: HeaderMap,
    form: Result<Form<TestimonialForm>, FormRejection>,
) -> Result<Response, AppError> {
    staff.require(Role::Pharmacist)?;
    let Form(form) = form?;
    staff.check_form(&headers, &form.csrf_token)?;
    let entry = content::form_entry("testimonials", &slug)?;
    let text = |value: &str| value.trim().replace("\r\n", "\n");
    let meta = TestimonialMeta {
        quote: text(&form.quote),
        name: text(&form.name),
        place: text(&form.place),
        example: matches!(form.example, Some(Example::Yes)),
        translation_of: None,
        translations: Default::default(),
    };
    let source = toml::to_string(&meta).map_err(anyhow::Error::from)?;
    let applied =
        content::apply(&state, &staff, &entry, (source, &form.opened), form.action).await?;
    content::answer(&entry, applied, Some(CHECKED), |feedback| {
        form_page(&state, &staff, &entry, meta, feedback)
    })
}
