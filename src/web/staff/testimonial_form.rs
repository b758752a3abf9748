//! A testimonial as a form: the quote, the name shown and the town — turned into the same file
//! text as the file editor and sent through the same check and publish (`content::apply`).

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::content::{Applied, CHECKED, Entry, FormStart, apply, form_start};
use super::session::Staff;
use super::{StaffLayout, page};
use crate::content::TestimonialMeta;
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
    problems: Vec<String>,
    notice: Option<&'static str>,
    csrf: String,
}

fn form_page(
    state: &AppState,
    staff: &Staff,
    entry: &Entry,
    meta: TestimonialMeta,
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
            quote: meta.quote,
            name: meta.name,
            place: meta.place,
            problems,
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
    }
}

pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let entry = Entry::parse("testimonials", &slug).ok_or(AppError::NotFound)?;
    let meta = match form_start(&state, &staff, &entry).await? {
        FormStart::Checked(pack) => pack
            .testimonial(&slug)
            .map_or_else(empty, |t| t.meta.clone()),
        FormStart::New => empty(),
        FormStart::FinishInFile(response) => return Ok(response),
    };
    form_page(&state, &staff, &entry, meta, (Vec::new(), None))
}

pub async fn submit(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    staff.require(Role::Pharmacist)?;
    staff.check_form(
        &headers,
        form.get(crate::web::requests::csrf::FIELD)
            .map_or("", String::as_str),
    )?;
    let entry = Entry::parse("testimonials", &slug).ok_or(AppError::NotFound)?;
    let get = |name: &str| {
        form.get(name)
            .map_or_else(String::new, |v| v.trim().replace("\r\n", "\n"))
    };
    let meta = TestimonialMeta {
        quote: get("quote"),
        name: get("name"),
        place: get("place"),
    };
    let source = toml::to_string(&meta).map_err(anyhow::Error::from)?;
    let action = form.get("action").map_or("preview", String::as_str);
    match apply(&state, &staff, &entry, source, action).await? {
        Applied::Done(_) => Ok(Redirect::to(&format!("{}/form", entry.url())).into_response()),
        Applied::Problems(problems) => form_page(&state, &staff, &entry, meta, (problems, None)),
        Applied::Checked { .. } => {
            form_page(&state, &staff, &entry, meta, (Vec::new(), Some(CHECKED)))
        }
    }
}
