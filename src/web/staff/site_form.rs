//! The pharmacy's profile, contact details and opening hours as a form — what changes most
//! (a holiday, a new phone number) without writing TOML. The form edits the published
//! `site.toml` field by field and goes through the same check and publish as the file editor
//! (`crate::publish::apply`); adding or removing a location, brand colours and featured pages
//! stay in the file editor.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::content::{self, CHECKED};
use super::session::Staff;
use super::{StaffLayout, page};
use crate::publish::{self, Action, Entry, FormStart, Outcome};
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

/// The most locations a posted form is read for (`loc7_phone`); the site has far fewer, and a
/// made-up `loc999999_phone` must not cost anything.
const MAX_LOCATIONS: usize = 100;

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

/// The site form as posted. A field that is not sent keeps what the file holds.
struct SiteForm {
    csrf_token: String,
    action: Action,
    name: Option<String>,
    tagline: Option<String>,
    /// By location number, 1 for the first in `site.toml`.
    locations: BTreeMap<usize, LocationForm>,
}

/// One location's fields, in the order of `CONTACT`, `ADDRESS` and `DAYS`.
#[derive(Default)]
struct LocationForm {
    contact: [Option<String>; CONTACT.len()],
    address: [Option<String>; ADDRESS.len()],
    hours: [Option<String>; DAYS.len()],
}

impl SiteForm {
    /// From the posted pairs (`loc2_saturday` is location 2's Saturday, which is why this form
    /// is read by name rather than by serde). A missing or unknown `action` is a 400; names
    /// the form never has are ignored.
    fn parse(pairs: Vec<(String, String)>) -> Result<Self, AppError> {
        let (mut csrf_token, mut action, mut name, mut tagline) = (String::new(), None, None, None);
        let mut locations = BTreeMap::<usize, LocationForm>::new();
        for (key, value) in pairs {
            match key.as_str() {
                "csrf_token" => csrf_token = value,
                "action" => action = Some(value),
                "name" => name = Some(value),
                "tagline" => tagline = Some(value),
                _ => {
                    let Some((n, field)) = location_field(&key) else {
                        continue;
                    };
                    if let Some(slot) = locations.entry(n).or_default().slot(field) {
                        *slot = Some(value);
                    }
                }
            }
        }
        Ok(Self {
            csrf_token,
            action: content::action(action.as_deref())?,
            name,
            tagline,
            locations,
        })
    }

    fn location(&self, n: usize) -> Option<&LocationForm> {
        self.locations.get(&n)
    }
}

impl LocationForm {
    /// Where the value for `key` (`phone`, `city`, `saturday`, …) goes, if the form has it.
    fn slot(&mut self, key: &str) -> Option<&mut Option<String>> {
        if let Some(i) = CONTACT.iter().position(|(k, _)| *k == key) {
            return Some(&mut self.contact[i]);
        }
        if let Some(i) = ADDRESS.iter().position(|(k, _)| *k == key) {
            return Some(&mut self.address[i]);
        }
        DAYS.iter()
            .position(|d| *d == key)
            .map(|i| &mut self.hours[i])
    }
}

/// `loc2_saturday` → (2, "saturday"), for location numbers up to `MAX_LOCATIONS`.
fn location_field(name: &str) -> Option<(usize, &str)> {
    let (n, key) = name.strip_prefix("loc")?.split_once('_')?;
    let n = n.parse::<usize>().ok()?;
    (1..=MAX_LOCATIONS).contains(&n).then_some((n, key))
}

fn text(table: &toml::Table, key: &str) -> String {
    table
        .get(key)
        .and_then(toml::Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// The form's inputs for `site` (the file as a TOML table), with `form` values over them.
fn inputs(site: &toml::Table, form: Option<&SiteForm>) -> (Vec<Input>, Vec<LocationFields>) {
    let typed = |posted: Option<&String>, stored: String| posted.cloned().unwrap_or(stored);
    let profile = [
        ("name", "Pharmacy name", form.and_then(|f| f.name.as_ref())),
        ("tagline", "Tagline", form.and_then(|f| f.tagline.as_ref())),
    ]
    .into_iter()
    .map(|(key, label, posted)| Input {
        name: key.to_owned(),
        label: label.to_owned(),
        value: typed(posted, text(site, key)),
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
            let table = |key: &str| {
                location
                    .get(key)
                    .and_then(toml::Value::as_table)
                    .unwrap_or(&empty)
            };
            let (address, hours) = (table("address"), table("hours"));
            let n = i + 1;
            let posted = form.and_then(|f| f.location(n));
            let input = |key: &str, label: String, posted: Option<&String>, stored: String| Input {
                name: format!("loc{n}_{key}"),
                label,
                value: typed(posted, stored),
            };
            let mut contact: Vec<Input> = CONTACT
                .iter()
                .enumerate()
                .map(|(j, (key, label))| {
                    let value = posted.and_then(|p| p.contact[j].as_ref());
                    input(key, (*label).to_owned(), value, text(location, key))
                })
                .collect();
            contact.extend(ADDRESS.iter().enumerate().map(|(j, (key, label))| {
                let value = posted.and_then(|p| p.address[j].as_ref());
                input(key, (*label).to_owned(), value, text(address, key))
            }));
            let hours = DAYS
                .iter()
                .enumerate()
                .map(|(j, day)| {
                    let mut label = (*day).to_owned();
                    label[..1].make_ascii_uppercase();
                    let value = posted.and_then(|p| p.hours[j].as_ref());
                    input(day, label, value, text(hours, day))
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
fn apply_form(site: &mut toml::Table, form: &SiteForm) {
    let set = |table: &mut toml::Table, key: &str, value: Option<&String>| {
        if let Some(value) = value {
            table.insert(key.to_owned(), toml::Value::String(value.trim().to_owned()));
        }
    };
    set(site, "name", form.name.as_ref());
    set(site, "tagline", form.tagline.as_ref());
    let Some(toml::Value::Array(locations)) = site.get_mut("locations") else {
        return;
    };
    for (i, location) in locations.iter_mut().enumerate() {
        let (Some(location), Some(posted)) = (location.as_table_mut(), form.location(i + 1)) else {
            continue;
        };
        for (j, (key, _)) in CONTACT.iter().enumerate() {
            set(location, key, posted.contact[j].as_ref());
        }
        if let Some(toml::Value::Table(address)) = location.get_mut("address") {
            for (j, (key, _)) in ADDRESS.iter().enumerate() {
                set(address, key, posted.address[j].as_ref());
            }
        }
        if let Some(toml::Value::Table(hours)) = location.get_mut("hours") {
            for (j, day) in DAYS.iter().enumerate() {
                set(hours, day, posted.hours[j].as_ref());
            }
        }
    }
}

/// The site file being edited (a draft, or what is published), as a table; `NotFound` when a
/// draft saved in the file editor does not check yet (it is finished there).
async fn current_table(state: &AppState) -> Result<toml::Table, AppError> {
    let published = content::published(state)?;
    let start = publish::form_start(state.store().as_ref(), published, &Entry::site()).await?;
    let FormStart::Checked { source, .. } = start else {
        return Err(AppError::NotFound);
    };
    Ok(source.parse::<toml::Table>().map_err(anyhow::Error::from)?)
}

fn render(
    state: &AppState,
    staff: &Staff,
    table: &toml::Table,
    form: Option<&SiteForm>,
    (problems, notice): (Vec<String>, Option<&'static str>),
) -> Result<Response, AppError> {
    let site = state.renderer().current();
    let (profile, locations) = inputs(table, form);
    let (status, title) = if problems.is_empty() {
        (StatusCode::OK, "Pharmacy, contact and hours")
    } else {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "Error: Pharmacy, contact and hours",
        )
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
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, AppError> {
    staff.require(Role::Pharmacist)?;
    let Form(pairs) = form?;
    let form = SiteForm::parse(pairs)?;
    staff.check_form(&headers, &form.csrf_token)?;
    let original = current_table(&state).await?;
    let mut table = original.clone();
    apply_form(&mut table, &form);
    let source = toml::to_string(&table).map_err(anyhow::Error::from)?;
    // No version field: checked against (and compared with) the site.toml stored when
    // publishing, and written alone.
    // Checked against what is stored now (no `opened`): no conflict to show.
    let (outcome, _, _) =
        content::apply(&state, &staff, &Entry::site(), (source, ""), form.action).await?;
    match outcome {
        Outcome::Saved | Outcome::Published => {
            Ok(Redirect::to("/staff/content/site/site/form").into_response())
        }
        outcome @ (Outcome::Problems(_) | Outcome::Changed { .. }) => {
            let problems = content::problems(outcome);
            render(&state, &staff, &original, Some(&form), (problems, None))
        }
        Outcome::Checked { .. } => render(
            &state,
            &staff,
            &original,
            Some(&form),
            (Vec::new(), Some(CHECKED)),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn posted_fields_land_in_their_location_and_others_are_ignored() {
        let form = SiteForm::parse(pairs(&[
            ("csrf_token", "t"),
            ("action", "publish"),
            ("loc2_saturday", "closed"),
            ("loc2_phone", "(303) 555-0199"),
            ("loc1_city", "Pasadena"),
            ("loc1_colour", "red"),
            ("loc999999999_phone", "x"),
            ("loc0_phone", "x"),
            ("other", "x"),
        ]))
        .unwrap();
        assert_eq!(
            (form.csrf_token.as_str(), form.action),
            ("t", Action::Publish)
        );
        assert_eq!(form.name, None, "not sent: the file keeps its value");
        let denver = form.location(2).unwrap();
        assert_eq!(denver.hours[5].as_deref(), Some("closed"));
        assert_eq!(denver.contact[1].as_deref(), Some("(303) 555-0199"));
        assert_eq!(
            form.location(1).unwrap().address[1].as_deref(),
            Some("Pasadena")
        );
        assert_eq!(form.locations.len(), 2);
    }

    #[test]
    fn a_missing_or_unknown_action_is_refused() {
        for list in [&[("loc1_city", "x")][..], &[("action", "apply")][..]] {
            assert!(matches!(
                SiteForm::parse(pairs(list)),
                Err(AppError::BadRequest(_))
            ));
        }
    }
}
