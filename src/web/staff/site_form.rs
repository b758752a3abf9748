//! The pharmacy's profile, contact details and opening hours as a form — what changes most
//! (a holiday, a new phone number) without writing TOML. The form edits the published
//! `site.toml` field by field and goes through the same check and publish as the file editor
//! (`content::apply`); adding or removing a location, brand colours and featured pages stay in
//! the file editor.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::content::{Applied, CHECKED, Entry, apply, check, current_source};
use super::session::Staff;
use super::{StaffLayout, page};
use crate::staff::Role;
use crate::web::{AppError, AppState};

const DAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
/// A location's contact fields: (key in the file, label).
const CONTACT: [(&str, &str); 3] = [("name", "Name"), ("phone", "Phone"), ("email", "E-mail")];
const ADDRESS: [(&str, &str); 4] = [
    ("street", "Street"),
    ("city", "City"),
    ("region", "State"),
    ("postal_code", "ZIP code"),
];

/// One input: its form name, label and value.
struct Input {
    name: String,
    label: String,
    value: String,
}

struct LocationFields {
    title: String,
    contact: Vec<Input>,
    hours: Vec<Input>,
}

#[derive(Template)]
#[template(path = "staff/site_form.html")]
struct SitePage<'a> {
    layout: StaffLayout<'a>,
    profile: Vec<Input>,
    locations: Vec<LocationFields>,
    problems: Vec<String>,
    notice: Option<&'static str>,
    csrf: String,
}

fn text(table: &toml::Table, key: &str) -> String {
    table
        .get(key)
        .and_then(toml::Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// The form's inputs for `site` (the file as a TOML table), with `form` values over them.
fn inputs(
    site: &toml::Table,
    form: Option<&HashMap<String, String>>,
) -> (Vec<Input>, Vec<LocationFields>) {
    let value = |name: &str, stored: String| match form.and_then(|f| f.get(name)) {
        Some(typed) => typed.clone(),
        None => stored,
    };
    let profile = [("name", "Pharmacy name"), ("tagline", "Tagline")]
        .iter()
        .map(|(key, label)| Input {
            name: (*key).to_owned(),
            label: (*label).to_owned(),
            value: value(key, text(site, key)),
        })
        .collect();
    let empty = toml::Table::new();
    let locations = site
        .get("locations")
        .and_then(toml::Value::as_array)
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .enumerate()
        .map(|(i, location)| {
            let location = location.as_table().unwrap_or(&empty);
            let address = location
                .get("address")
                .and_then(toml::Value::as_table)
                .unwrap_or(&empty);
            let hours = location
                .get("hours")
                .and_then(toml::Value::as_table)
                .unwrap_or(&empty);
            let n = i + 1;
            let mut contact: Vec<Input> = CONTACT
                .iter()
                .map(|(key, label)| {
                    let name = format!("loc{n}_{key}");
                    Input {
                        value: value(&name, text(location, key)),
                        name,
                        label: (*label).to_owned(),
                    }
                })
                .collect();
            contact.extend(ADDRESS.iter().map(|(key, label)| {
                let name = format!("loc{n}_{key}");
                Input {
                    value: value(&name, text(address, key)),
                    name,
                    label: (*label).to_owned(),
                }
            }));
            let hours = DAYS
                .iter()
                .map(|day| {
                    let name = format!("loc{n}_{day}");
                    let mut label = (*day).to_owned();
                    label[..1].make_ascii_uppercase();
                    Input {
                        value: value(&name, text(hours, day)),
                        name,
                        label,
                    }
                })
                .collect();
            LocationFields {
                title: text(location, "name"),
                contact,
                hours,
            }
        })
        .collect();
    (profile, locations)
}

/// `site` with the form's values written into it.
fn apply_form(site: &mut toml::Table, form: &HashMap<String, String>) {
    let set = |table: &mut toml::Table, key: &str, name: &str| {
        if let Some(value) = form.get(name) {
            table.insert(key.to_owned(), toml::Value::String(value.trim().to_owned()));
        }
    };
    set(site, "name", "name");
    set(site, "tagline", "tagline");
    if let Some(toml::Value::Array(locations)) = site.get_mut("locations") {
        for (i, location) in locations.iter_mut().enumerate() {
            let n = i + 1;
            let Some(location) = location.as_table_mut() else {
                continue;
            };
            for (key, _) in CONTACT {
                set(location, key, &format!("loc{n}_{key}"));
            }
            if let Some(toml::Value::Table(address)) = location.get_mut("address") {
                for (key, _) in ADDRESS {
                    set(address, key, &format!("loc{n}_{key}"));
                }
            }
            if let Some(toml::Value::Table(hours)) = location.get_mut("hours") {
                for day in DAYS {
                    set(hours, day, &format!("loc{n}_{day}"));
                }
            }
        }
    }
}

fn site_entry() -> Result<Entry, AppError> {
    Entry::parse("site", "site").ok_or(AppError::NotFound)
}

/// The site file being edited (a draft, or what is published), as a table.
async fn current_table(state: &AppState) -> Result<toml::Table, AppError> {
    let site = state.renderer().current();
    let pack = site.pack()?;
    let editing = current_source(state, pack, &site_entry()?).await?;
    // A draft saved in the file editor that does not check yet is not edited here.
    check(pack, &site_entry()?, &editing.source).map_err(|_| AppError::NotFound)?;
    Ok(editing
        .source
        .parse::<toml::Table>()
        .map_err(anyhow::Error::from)?)
}

fn render(
    state: &AppState,
    staff: &Staff,
    table: &toml::Table,
    form: Option<&HashMap<String, String>>,
    (problems, notice): (Vec<String>, Option<&'static str>),
) -> Result<Response, AppError> {
    let site = state.renderer().current();
    let (profile, locations) = inputs(table, form);
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = if problems.is_empty() {
        "Pharmacy, contact and hours"
    } else {
        "Error: Pharmacy, contact and hours"
    };
    page(
        status,
        SitePage {
            layout: StaffLayout::signed_in(&site, title, "content", staff)?,
            profile,
            locations,
            problems,
            notice,
            csrf: staff.csrf.clone(),
        },
    )
}

pub async fn show(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    staff.require(Role::Pharmacist)?;
    let table = match current_table(&state).await {
        Ok(table) => table,
        Err(AppError::NotFound) => {
            return Ok(Redirect::to("/staff/content/site/site").into_response());
        }
        Err(error) => return Err(error),
    };
    render(&state, &staff, &table, None, (Vec::new(), None))
}

pub async fn submit(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    staff.require(Role::Pharmacist)?;
    staff.check_form(
        &headers,
        form.get(crate::web::requests::csrf::FIELD)
            .map_or("", String::as_str),
    )?;
    let original = current_table(&state).await?;
    let mut table = original.clone();
    apply_form(&mut table, &form);
    let source = toml::to_string(&table).map_err(anyhow::Error::from)?;
    let action = form.get("action").map_or("preview", String::as_str);
    match apply(&state, &staff, &site_entry()?, source, action).await? {
        Applied::Done(_) => Ok(Redirect::to("/staff/content/site/site/form").into_response()),
        Applied::Problems(problems) => {
            render(&state, &staff, &original, Some(&form), (problems, None))
        }
        Applied::Checked { .. } => render(
            &state,
            &staff,
            &original,
            Some(&form),
            (Vec::new(), Some(CHECKED)),
        ),
    }
}
