//! The file editor, `/staff/content/{kind}/{slug}`: any content file (including `site.toml`)
//! as the text `pestle import` reads, with its revisions and, for a condition, the "mark
//! reviewed" form. Posting checks, previews, saves or publishes it through `crate::publish`.

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::content::{self, CHECKED};
use super::session::{Staff, now_ms};
use super::{StaffLayout, page};
use crate::content::ContentPack;
use crate::publish::{self, Editing, Entry, Kind, Outcome};
use crate::staff::Role;
use crate::web::{AppError, AppState};

struct RevisionRow {
    id: i64,
    at: String,
    author: String,
    state: String,
}

/// The "mark reviewed" form, for conditions.
struct ReviewForm {
    by: String,
    next: String,
    current: String,
}

#[derive(Template)]
#[template(path = "staff/edit.html")]
struct EditPage<'a> {
    layout: StaffLayout<'a>,
    url: String,
    path: String,
    public_url: Option<String>,
    is_new: bool,
    source: String,
    problems: Vec<String>,
    conflict: super::content::Conflict,
    notice: Option<String>,
    /// Rendered, sanitised Markdown of a condition's body, when previewing.
    preview: Option<String>,
    revisions: Vec<RevisionRow>,
    csrf: String,
    /// The version this edit started from (`content::apply`).
    opened: String,
    review: Option<ReviewForm>,
}

/// What the edit page reports about the last action.
pub(super) struct Report {
    pub problems: Vec<String>,
    pub notice: Option<String>,
    /// Rendered Markdown, when previewing a condition.
    pub preview: Option<String>,
    /// The version the page's edit starts from; `None`: what is published now.
    pub opened: Option<String>,
    /// After a refused publication: the version published meanwhile against the text kept.
    pub conflict: super::content::Conflict,
}

impl Report {
    pub fn plain() -> Self {
        Self {
            problems: Vec::new(),
            notice: None,
            preview: None,
            opened: None,
            conflict: None,
        }
    }

    pub fn problems(problems: Vec<String>) -> Self {
        Self {
            problems,
            ..Self::plain()
        }
    }
}

/// The "mark reviewed" form of a condition page or of its translation.
fn review_form(pack: &ContentPack, entry: &Entry, staff: &Staff) -> Option<ReviewForm> {
    let condition = pack
        .condition(&entry.slug)
        .filter(|_| entry.kind == Kind::Condition)?;
    let (review, stale) = match entry.lang {
        None => (&condition.meta.review, false),
        Some(lang) => {
            let translation = condition.meta.translations.get(&lang)?;
            let made_from = translation.meta.translation_of.as_deref();
            (
                &translation.meta.review,
                made_from != Some(&condition.source_print()),
            )
        }
    };
    let next = publish::today(pack, now_ms())
        .checked_add(jiff::Span::new().years(1))
        .map(|d| d.to_string())
        .unwrap_or_default();
    Some(ReviewForm {
        by: if review.by.trim().is_empty() {
            staff.user.email.clone()
        } else {
            review.by.clone()
        },
        next,
        current: match (stale, review.is_reviewed(), review.on) {
            (true, ..) => format!(
                "Out of date: the English page changed since this was translated. Bring the \
                 words up to date and set translation_of = \"{}\", then mark it reviewed.",
                condition.source_print()
            ),
            (false, true, Some(on)) => format!("Reviewed by {} on {on}", review.by),
            _ => "Never reviewed".to_owned(),
        },
    })
}

/// The edit page for `entry` showing `editing`, with `report` on the last action (422 when it
/// lists problems).
pub(super) fn edit_page(
    state: &AppState,
    staff: &Staff,
    entry: &Entry,
    editing: Editing,
    report: Report,
) -> Result<Response, AppError> {
    let opened = report
        .opened
        .map_or_else(|| content::opened_now(state, entry), Ok)?;
    let site = state.renderer().current();
    let pack = site.pack()?;
    let (title, status) = if report.problems.is_empty() {
        (format!("Edit {}", entry.path), StatusCode::OK)
    } else {
        (
            format!("Error: Edit {}", entry.path),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let revisions = editing
        .revisions
        .into_iter()
        .map(|r| RevisionRow {
            id: r.id,
            at: super::inbox::local_time(&pack.site, r.saved.created_at),
            author: r.saved.author,
            state: r.saved.state.slug().to_owned(),
        })
        .collect();
    page(
        status,
        EditPage {
            layout: StaffLayout::signed_in(&site, &title, "content", staff)?,
            url: content::url(entry),
            path: entry.path.clone(),
            public_url: (!editing.is_new).then(|| content::public_url(entry)),
            is_new: editing.is_new,
            source: editing.source,
            problems: report.problems,
            conflict: report.conflict,
            notice: report.notice,
            preview: report.preview,
            revisions,
            csrf: staff.csrf.clone(),
            opened,
            review: review_form(pack, entry, staff),
        },
    )
}

/// The file open in the editor: its draft, else what is published, else a skeleton.
pub async fn edit(
    State(state): State<AppState>,
    staff: Staff,
    Path((kind, slug)): Path<(String, String)>,
) -> Result<Response, AppError> {
    staff.require(Role::Pharmacist)?;
    let entry = content::entry(&kind, &slug)?;
    let site = state.renderer().current();
    let editing = publish::editing(state.store().as_ref(), site.pack()?, &entry).await?;
    edit_page(&state, &staff, &entry, editing, Report::plain())
}

/// The file editor's form.
#[derive(Deserialize)]
pub struct EditForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    source: String,
    /// The version the edit started from (hidden field).
    #[serde(default)]
    opened: String,
    action: publish::Action,
}

pub async fn save(
    State(state): State<AppState>,
    staff: Staff,
    Path((kind, slug)): Path<(String, String)>,
    headers: HeaderMap,
    form: Result<Form<EditForm>, FormRejection>,
) -> Result<Response, AppError> {
    staff.require(Role::Pharmacist)?;
    let Form(form) = form?;
    staff.check_form(&headers, &form.csrf_token)?;
    let entry = content::entry(&kind, &slug)?;
    // Browsers send CR LF from a textarea; the files use LF.
    let source = form.source.replace("\r\n", "\n");
    let (outcome, opened, conflict) = content::apply(
        &state,
        &staff,
        &entry,
        (source.clone(), &form.opened),
        form.action,
    )
    .await?;
    let report = match outcome {
        Outcome::Saved | Outcome::Published => {
            return Ok(Redirect::to(&content::url(&entry)).into_response());
        }
        // After a conflict, their version is the newest published revision, listed (and
        // compared) on this page.
        outcome @ (Outcome::Problems(_) | Outcome::Changed { .. }) => {
            Report::problems(content::problems(outcome))
        }
        Outcome::Checked { body } => Report {
            notice: Some(CHECKED.to_owned()),
            preview: match body {
                Some(body) => Some(content::preview(Some(body)).await?),
                None => None,
            },
            ..Report::plain()
        },
    };
    let report = Report {
        opened: Some(opened),
        conflict,
        ..report
    };
    let site = state.renderer().current();
    let editing = publish::editing(state.store().as_ref(), site.pack()?, &entry).await?;
    edit_page(
        &state,
        &staff,
        &entry,
        Editing { source, ..editing },
        report,
    )
}
