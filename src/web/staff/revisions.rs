//! A file's revisions: one compared with what is published now, and restored as the draft
//! (published from the editor like any draft).

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::content::{self, TokenForm};
use super::session::{Staff, now_ms};
use super::{StaffLayout, page};
use crate::publish::{self, Comparison, DiffLine};
use crate::staff::Role;
use crate::web::{AppError, AppState};

#[derive(Template)]
#[template(path = "staff/revision.html")]
struct RevisionPage<'a> {
    layout: StaffLayout<'a>,
    url: String,
    path: String,
    id: i64,
    at: String,
    author: String,
    state: String,
    lines: Vec<DiffLine>,
    csrf: String,
}

/// A revision, compared with what is published now.
pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path((kind, slug, id)): Path<(String, String, i64)>,
) -> Result<Response, AppError> {
    staff.require(Role::Pharmacist)?;
    let entry = content::entry(&kind, &slug)?;
    let site = state.renderer().current();
    let pack = site.pack()?;
    let Comparison { revision, lines } =
        publish::compare(state.store().as_ref(), pack, &entry, id).await?;
    page(
        StatusCode::OK,
        RevisionPage {
            layout: StaffLayout::signed_in(
                &site,
                &format!("Revision {id} of {}", entry.path),
                "content",
                &staff,
            )?,
            url: content::url(&entry),
            path: entry.path.clone(),
            id,
            at: super::inbox::local_time(&pack.site, revision.saved.created_at),
            author: revision.saved.author,
            state: revision.saved.state.slug().to_owned(),
            lines,
            csrf: staff.csrf.clone(),
        },
    )
}

/// Restores a revision as the current draft.
pub async fn restore(
    State(state): State<AppState>,
    staff: Staff,
    Path((kind, slug, id)): Path<(String, String, i64)>,
    headers: HeaderMap,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Result<Response, AppError> {
    staff.require(Role::Pharmacist)?;
    let Form(form) = form?;
    staff.check_form(&headers, &form.csrf_token)?;
    let entry = content::entry(&kind, &slug)?;
    publish::restore(
        state.store().as_ref(),
        &entry,
        id,
        &staff.user.email,
        now_ms(),
    )
    .await?;
    staff
        .audit(
            &state,
            "content.restored",
            &entry.path,
            &format!("revision {id}"),
        )
        .await?;
    Ok(Redirect::to(&content::url(&entry)).into_response())
}
