//! `/staff/content`: every content file, conditions with their review state, and "New"; plus
//! what the content pages share — a file's back-office URL, the published content edits are
//! checked against, running an edit through `crate::publish` (auditing and refreshing this
//! instance's pages and search after it), and previews. The pages themselves are `editor`,
//! `revisions`, `review` and one form per kind; every response is `no-store`.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::session::{Staff, now_ms};
use super::{StaffLayout, page};
use crate::content::{ContentPack, Lang};
use crate::publish::{self, Action, Edit, Entry, Kind, Outcome};
use crate::staff::Role;
use crate::web::{AppError, AppState};

/// Shown after a successful check.
pub(super) const CHECKED: &str = "No problems found. Nothing is saved until you save or publish.";

/// A content form that carries nothing but its CSRF token (restore, approve, reject).
#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    pub csrf_token: String,
}

/// The file at `/staff/content/{folder}/{name}` (a slug, or `slug.es` for a translation), else
/// 404.
pub(super) fn entry(folder: &str, name: &str) -> Result<Entry, AppError> {
    Entry::parse(folder, name).ok_or(AppError::NotFound)
}

/// The English file at `/staff/content/{folder}/{slug}`, for the forms: a translation is
/// edited as its file (404 here).
pub(super) fn form_entry(folder: &str, slug: &str) -> Result<Entry, AppError> {
    entry(folder, slug).and_then(|entry| match entry.lang {
        None => Ok(entry),
        Some(_) => Err(AppError::NotFound),
    })
}

/// The file editor's URL for `entry` (an English file's form is this plus `/form`).
pub(super) fn url(entry: &Entry) -> String {
    format!("/staff/content/{}/{}", entry.kind.folder(), entry.name())
}

/// Where the published page of `entry` is (a translation's, under its language).
pub(super) fn public_url(entry: &Entry) -> String {
    let path = match entry.kind {
        Kind::Condition => format!("/conditions/{}", entry.slug),
        Kind::Medication => format!("/medications/{}", entry.slug),
        Kind::Testimonial => "/testimonials".to_owned(),
        Kind::Site => "/".to_owned(),
    };
    entry.lang.map_or(path.clone(), |lang| lang.path(&path))
}

/// The content this instance serves, for checking an edit against.
pub(super) fn published(state: &AppState) -> Result<Arc<ContentPack>, AppError> {
    state
        .content()
        .snapshot()
        .pack
        .clone()
        .ok_or(AppError::NotFound)
}

/// A content form's `action`: required, and one of the three words (else 400, never a guess).
pub(super) fn action(word: Option<&str>) -> Result<Action, AppError> {
    word.and_then(Action::parse).ok_or(AppError::BadRequest(
        "a content form's action is missing or unknown",
    ))
}

/// The version of `entry` a form or editor opens now, for its hidden `opened` field: the
/// published entry's fingerprint, or `new` when it is not published.
pub(super) fn opened_now(state: &AppState, entry: &Entry) -> Result<String, AppError> {
    let pack = published(state)?;
    Ok(entry
        .fingerprint_in(pack.as_ref())
        .unwrap_or_else(|| NEW.to_owned()))
}

/// The `opened` value of a file not yet published.
const NEW: &str = "new";

/// What a form shows after a publication found the file changed since it was opened; its
/// text stays in the form, and the form now carries the newer version (publishing again
/// replaces it, knowingly).
pub(super) const CHANGED: &str = "Someone published a change to this file after you opened it. \
     Your text is kept here. Compare it with what is published now (under Revisions in the file \
     editor, or on the published page) and publish again to replace their version with yours.";

/// The lines a page shows after a refused publication (`conflict`).
pub(super) type Conflict = Option<Vec<publish::DiffLine>>;

/// What a content form's page says: its problems, a notice or preview (`T`), the version the
/// edit started from (`None`: what is published now) and a refused publication's conflict.
pub(super) type Feedback<T> = (Vec<String>, Option<T>, Option<String>, Conflict);

/// What a content form says when first opened: no problems, no notice or preview, the version
/// published now, no conflict.
pub(super) fn first_opened<T>() -> Feedback<T> {
    (Vec::new(), None, None, None)
}

/// A content form's answer to what `apply` returned: back to the form once saved or published;
/// else the form again (`again`) with its problems and any conflict, or after a check with
/// `checked` — the form's notice or its preview.
pub(super) fn answer<T>(
    entry: &Entry,
    (outcome, opened, conflict): (Outcome, String, Conflict),
    checked: Option<T>,
    again: impl FnOnce(Feedback<T>) -> Result<Response, AppError>,
) -> Result<Response, AppError> {
    match outcome {
        Outcome::Saved | Outcome::Published => {
            Ok(Redirect::to(&format!("{}/form", url(entry))).into_response())
        }
        Outcome::Checked { .. } => again((Vec::new(), checked, Some(opened), None)),
        outcome @ (Outcome::Problems(_) | Outcome::Changed { .. }) => {
            again((problems(outcome), None, Some(opened), conflict))
        }
    }
}

/// After a publication refused because the file changed since it was opened: the version
/// published meanwhile against the pharmacist's own text, line by line (on the blocking pool:
/// a file can be long). `None` for any other outcome.
async fn conflict(outcome: &Outcome, ours: &str) -> Result<Conflict, AppError> {
    let Outcome::Changed { theirs } = outcome else {
        return Ok(None);
    };
    let (theirs, ours) = (theirs.clone().unwrap_or_default(), ours.to_owned());
    let lines = tokio::task::spawn_blocking(move || publish::diff(&theirs, &ours))
        .await
        .map_err(|error| anyhow::anyhow!("comparing versions failed: {error}"))?;
    Ok(Some(lines))
}

/// What a form lists as problems after `outcome`: its problems, or [`CHANGED`].
pub(super) fn problems(outcome: Outcome) -> Vec<String> {
    match outcome {
        Outcome::Problems(problems) => problems,
        Outcome::Changed { .. } => vec![CHANGED.to_owned()],
        Outcome::Saved | Outcome::Published | Outcome::Checked { .. } => Vec::new(),
    }
}

/// Runs `source` as `entry` through `action` as `staff`; a draft or publication is audited,
/// and a publication refreshes this instance's pages and search at once (other instances hear
/// of it at once too, on PostgreSQL). `opened` is the form's hidden field: the version the
/// editor started from. Returns the outcome, the `opened` value the page shows next — the
/// same, unless the file changed meanwhile (then the current one, with [`CHANGED`]) — and, in
/// that case, what differs between the version published meanwhile and `source`.
pub(super) async fn apply(
    state: &AppState,
    staff: &Staff,
    entry: &Entry,
    (source, opened): (String, &str),
    action: Action,
) -> Result<(Outcome, String, Conflict), AppError> {
    let edit = Edit {
        entry,
        source: source.clone(),
        action,
        author: &staff.user.email,
        // A client that sends no version gets the one the publication is checked against.
        opened: match opened.trim() {
            "" => None,
            NEW => Some(None),
            print => Some(Some(print.to_owned())),
        },
    };
    let store = state.store().as_ref();
    let outcome =
        publish::apply(store, state.publishing(), published(state)?, edit, now_ms()).await?;
    let next = match &outcome {
        Outcome::Changed { .. } => {
            state.content().refresh().await?;
            opened_now(state, entry)?
        }
        _ => opened.to_owned(),
    };
    match outcome {
        Outcome::Saved => {
            staff
                .audit(state, "content.saved", &entry.path, "draft")
                .await?;
        }
        Outcome::Published => published_by(state, staff, "content.published", entry).await?,
        Outcome::Changed { .. } => {
            staff
                .audit(
                    state,
                    "content.publish-refused",
                    &entry.path,
                    "changed since opened",
                )
                .await?;
        }
        Outcome::Checked { .. } | Outcome::Problems(_) => {}
    }
    let conflict = conflict(&outcome, &source).await?;
    Ok((outcome, next, conflict))
}

/// After a publication: audited as `action`, and this instance's pages and search refreshed.
pub(super) async fn published_by(
    state: &AppState,
    staff: &Staff,
    action: &'static str,
    entry: &Entry,
) -> Result<(), AppError> {
    staff.audit(state, action, &entry.path, "").await?;
    state.content().refresh().await?;
    Ok(())
}

/// A condition's Markdown body as sanitised HTML, rendered on the blocking pool.
pub(super) async fn preview(body: Option<String>) -> Result<String, AppError> {
    let Some(body) = body else {
        return Ok(String::new());
    };
    let html = tokio::task::spawn_blocking(move || crate::web::markdown::to_html(&body))
        .await
        .map_err(anyhow::Error::from)?;
    Ok(html)
}

/// Pages due a review for the dashboard: (edit link, title, why).
pub fn reviews_due(pack: &ContentPack, now: i64) -> Vec<(String, String, String)> {
    publish::review_queue(pack, publish::today(pack, now))
        .into_iter()
        .map(|due| {
            (
                format!("/staff/content/conditions/{}", due.slug),
                due.title,
                due.why,
            )
        })
        .collect()
}

struct ListRow {
    url: String,
    title: String,
    review: String,
    due: bool,
    /// Each translation's file (or where to start one): (language, URL, its state).
    translations: Vec<(&'static str, String, String)>,
}

/// A review's state in words.
fn review_words(review: &crate::content::Review) -> String {
    match (review.is_reviewed(), review.on, review.next) {
        (false, ..) => "Never reviewed".to_owned(),
        (true, Some(on), Some(next)) => format!("{} on {on}; next {next}", review.by),
        (true, Some(on), None) => format!("{} on {on}", review.by),
        (true, None, _) => review.by.clone(),
    }
}

/// The translations of an entry with `translations` (its English `print`), one per language
/// pestle publishes: (language, editor URL, state).
fn translation_cells<T>(
    (folder, slug, print): (&str, &str, &str),
    translations: &std::collections::BTreeMap<Lang, T>,
    state: impl Fn(&T) -> (Option<&str>, Option<&crate::content::Review>),
) -> Vec<(&'static str, String, String)> {
    Lang::TRANSLATED
        .into_iter()
        .map(|lang| {
            let url = format!("/staff/content/{folder}/{slug}.{}", lang.code());
            let words = match translations.get(&lang).map(&state) {
                None => "Not translated: start one".to_owned(),
                Some((made_from, _)) if made_from != Some(print) => {
                    "Out of date: the English page changed".to_owned()
                }
                Some((_, Some(review))) => review_words(review),
                Some((_, None)) => "Translated".to_owned(),
            };
            (lang.english_name(), url, words)
        })
        .collect()
}

#[derive(Template)]
#[template(path = "staff/content.html")]
struct ListPage<'a> {
    layout: StaffLayout<'a>,
    conditions: Vec<ListRow>,
    medications: Vec<ListRow>,
    testimonials: Vec<ListRow>,
}

pub async fn list(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    staff.require(Role::Pharmacist)?;
    let site = state.renderer().current();
    let pack = site.pack()?;
    let due: Vec<String> = publish::review_queue(pack, publish::today(pack, now_ms()))
        .into_iter()
        .map(|due| due.slug)
        .collect();
    let conditions = pack
        .conditions
        .iter()
        .map(|c| ListRow {
            url: format!("/staff/content/conditions/{}", c.slug),
            review: review_words(&c.meta.review),
            due: due.iter().any(|slug| slug == c.slug.as_str()),
            title: c.meta.title.clone(),
            translations: translation_cells(
                ("conditions", c.slug.as_str(), &c.source_print()),
                &c.meta.translations,
                |t| (t.meta.translation_of.as_deref(), Some(&t.meta.review)),
            ),
        })
        .collect();
    let plain = |kind: &str, slug: String, title: String| ListRow {
        url: format!("/staff/content/{kind}/{slug}"),
        title,
        review: String::new(),
        due: false,
        translations: Vec::new(),
    };
    page(
        StatusCode::OK,
        ListPage {
            layout: StaffLayout::signed_in(&site, "Content", "content", &staff)?,
            conditions,
            medications: pack
                .medications
                .iter()
                .map(|m| ListRow {
                    translations: translation_cells(
                        ("medications", m.slug.as_str(), &m.source_print()),
                        &m.meta.translations,
                        |t| (t.translation_of.as_deref(), Some(&t.review)),
                    ),
                    ..plain("medications", m.slug.to_string(), m.meta.name.clone())
                })
                .collect(),
            testimonials: pack
                .testimonials
                .iter()
                .map(|t| plain("testimonials", t.slug.to_string(), t.meta.name.clone()))
                .collect(),
        },
    )
}

/// The "New" form's query: which kind, and the new file's name.
#[derive(Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    slug: String,
}

/// The "New" form: on to that kind's form for that name (404 for a bad name).
pub async fn start(
    staff: Staff,
    query: Result<Query<NewQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    staff.require(Role::Pharmacist)?;
    let Query(query) = query?;
    let entry = entry(&query.kind, query.slug.trim())?;
    // Every kind a "New" can make has a form.
    Ok(Redirect::to(&format!("{}/form", url(&entry))).into_response())
}
