//! "Mark reviewed": a pharmacist sets a condition's `[review]` (their name, today, the next
//! date) and the page is published with it.

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::content;
use super::editor::{Report, edit_page};
use super::session::{Staff, now_ms};
use crate::publish::{self, Reviewed};
use crate::staff::Role;
use crate::web::{AppError, AppState};

/// The review form on a condition's edit page.
#[derive(Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    csrf_token: String,
    /// The reviewer's name and credentials.
    #[serde(default)]
    by: String,
    /// The next review's date, `YYYY-MM-DD`.
    #[serde(default)]
    next: String,
}

pub async fn submit(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
    headers: HeaderMap,
    form: Result<Form<ReviewForm>, FormRejection>,
) -> Result<Response, AppError> {
    staff.require(Role::Pharmacist)?;
    let Form(form) = form?;
    staff.check_form(&headers, &form.csrf_token)?;
    let entry = content::entry("conditions", &slug)?;
    let store = state.store().as_ref();
    let reviewed = publish::mark_reviewed(
        store,
        state.publishing(),
        &entry,
        (&form.by, &form.next),
        &staff.user.email,
        now_ms(),
    )
    .await?;
    match reviewed {
        Reviewed::Published => {
            content::published_by(&state, &staff, "content.reviewed", &entry).await?;
            Ok(Redirect::to(&content::url(&entry)).into_response())
        }
        Reviewed::Refused(problem) => {
            let site = state.renderer().current();
            let editing = publish::editing(store, site.pack()?, &entry).await?;
            let report = Report::problems(vec![problem.to_owned()]);
            edit_page(&state, &staff, &entry, editing, report)
        }
    }
}
