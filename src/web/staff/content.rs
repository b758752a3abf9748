//! Content editing for pharmacists: every content file (conditions, medications, testimonials,
//! `site.toml`) edited as the text `pestle import` reads, checked by the same reader against the
//! rest of the published content (so a broken link to a medication is caught, with file, line
//! and field), previewed, saved as a draft, published, and kept as revisions that can be compared
//! and restored. Marking a condition reviewed sets its `[review]` and publishes it. Publishing
//! imports into the store and refreshes this instance's cache at once (pages and search);
//! other instances follow within `content_refresh_seconds`.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::session::{Staff, now_ms};
use super::{StaffLayout, page};
use crate::content::{self, ContentPack, RawFile};
use crate::staff::Role;
use crate::store::{ImportMode, NewRevision, Revision};
use crate::web::{AppError, AppState};

/// Revisions listed on the edit page.
const REVISIONS_SHOWN: i64 = 50;
/// The largest content file accepted, in bytes.
const MAX_SOURCE: usize = 200_000;

/// A content file's place: the URL's kind and slug, and the folder path they stand for.
pub(super) struct Entry {
    kind: &'static str,
    pub slug: String,
    path: String,
}

impl Entry {
    /// From `/staff/content/{kind}/{slug}`; `None` for anything else (404).
    pub(super) fn parse(kind: &str, slug: &str) -> Option<Self> {
        let valid_slug = !slug.is_empty()
            && slug.len() <= 100
            && slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        let (kind, path) = match kind {
            "site" if slug == "site" => ("site", "site.toml".to_owned()),
            "conditions" if valid_slug => ("conditions", format!("conditions/{slug}.md")),
            "medications" if valid_slug => ("medications", format!("medications/{slug}.toml")),
            "testimonials" if valid_slug => ("testimonials", format!("testimonials/{slug}.toml")),
            _ => return None,
        };
        Some(Self {
            kind,
            slug: slug.to_owned(),
            path,
        })
    }

    pub(super) fn url(&self) -> String {
        format!("/staff/content/{}/{}", self.kind, self.slug)
    }

    /// Where the published page is, if it has one.
    fn public_url(&self) -> Option<String> {
        match self.kind {
            "conditions" => Some(format!("/conditions/{}", self.slug)),
            "medications" => Some(format!("/medications/{}", self.slug)),
            "testimonials" => Some("/testimonials".to_owned()),
            _ => Some("/".to_owned()),
        }
    }
}

/// What a new file starts as: enough for the reader to explain what is missing.
fn skeleton(entry: &Entry) -> String {
    match entry.kind {
        "conditions" => {
            "+++\ntitle = \"\"\nsummary = \"\"\n\n[review]\nby = \"\"\n+++\n## Overview\n\n"
                .to_owned()
        }
        "testimonials" => "quote = \"\"\nname = \"\"\nplace = \"\"\n".to_owned(),
        "medications" => "name = \"\"\nstatus = \"\"\n".to_owned(),
        _ => String::new(),
    }
}

/// The published files, as text, by path.
fn published_files(pack: &ContentPack) -> Result<Vec<(String, String)>, AppError> {
    Ok(content::files(pack)?)
}

/// Checks `source` as the file at `entry.path` among the other published files.
pub(super) fn check(
    pack: &ContentPack,
    entry: &Entry,
    source: &str,
) -> Result<ContentPack, Vec<String>> {
    let mut files: Vec<RawFile> = published_files(pack)
        .map_err(|_| vec!["the published content cannot be read back".to_owned()])?
        .into_iter()
        .filter(|(path, _)| *path != entry.path)
        .map(|(path, text)| RawFile {
            path,
            bytes: text.into_bytes(),
        })
        .collect();
    files.push(RawFile {
        path: entry.path.clone(),
        bytes: source.as_bytes().to_vec(),
    });
    ContentPack::from_files("content", &files)
        .map_err(|problems| problems.iter().map(ToString::to_string).collect())
}

/// One line of a comparison between two texts.
pub struct DiffLine {
    /// "same", "added" or "removed".
    pub change: &'static str,
    pub sign: &'static str,
    pub text: String,
}

fn diff(old: &str, new: &str) -> Vec<DiffLine> {
    similar::TextDiff::from_lines(old, new)
        .iter_all_changes()
        .map(|change| {
            let (kind, sign) = match change.tag() {
                similar::ChangeTag::Equal => ("same", " "),
                similar::ChangeTag::Insert => ("added", "+"),
                similar::ChangeTag::Delete => ("removed", "-"),
            };
            DiffLine {
                change: kind,
                sign,
                text: change.value().trim_end_matches('\n').to_owned(),
            }
        })
        .collect()
}

struct ListRow {
    url: String,
    title: String,
    review: String,
    due: bool,
}

#[derive(Template)]
#[template(path = "staff/content.html")]
struct ListPage<'a> {
    layout: StaffLayout<'a>,
    conditions: Vec<ListRow>,
    medications: Vec<ListRow>,
    testimonials: Vec<ListRow>,
}

/// Conditions whose review is missing or past its next date, for the list and the dashboard.
pub fn review_queue(pack: &ContentPack, today: jiff::civil::Date) -> Vec<(String, String, String)> {
    pack.conditions
        .iter()
        .filter_map(|c| {
            let review = &c.meta.review;
            let why = if !review.is_reviewed() {
                "never reviewed".to_owned()
            } else {
                match review.next {
                    Some(next) if next < today => format!("review was due {next}"),
                    _ => return None,
                }
            };
            Some((
                format!("/staff/content/conditions/{}", c.slug),
                c.meta.title.clone(),
                why,
            ))
        })
        .collect()
}

pub fn today(pack: &ContentPack) -> jiff::civil::Date {
    let tz = pack
        .site
        .main_location()
        .and_then(|l| jiff::tz::TimeZone::get(l.timezone.as_str()).ok())
        .unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::now().to_zoned_datetime(tz).date()
}

pub async fn list(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    staff.require(Role::Pharmacist)?;
    let site = state.renderer().current();
    let pack = site.pack()?;
    let today = today(pack);
    let due: Vec<String> = review_queue(pack, today)
        .into_iter()
        .map(|(url, _, _)| url)
        .collect();
    let conditions = pack
        .conditions
        .iter()
        .map(|c| {
            let url = format!("/staff/content/conditions/{}", c.slug);
            let review = &c.meta.review;
            ListRow {
                review: match (review.is_reviewed(), review.on, review.next) {
                    (false, ..) => "Never reviewed".to_owned(),
                    (true, Some(on), Some(next)) => format!("{} on {on}; next {next}", review.by),
                    (true, Some(on), None) => format!("{} on {on}", review.by),
                    (true, None, _) => review.by.clone(),
                },
                due: due.contains(&url),
                title: c.meta.title.clone(),
                url,
            }
        })
        .collect();
    let plain = |kind: &str, slug: String, title: String| ListRow {
        url: format!("/staff/content/{kind}/{slug}"),
        title,
        review: String::new(),
        due: false,
    };
    page(
        StatusCode::OK,
        ListPage {
            layout: StaffLayout::signed_in(&site, "Content", "content", &staff)?,
            conditions,
            medications: pack
                .medications
                .iter()
                .map(|m| plain("medications", m.slug.to_string(), m.meta.name.clone()))
                .collect(),
            testimonials: pack
                .testimonials
                .iter()
                .map(|t| plain("testimonials", t.slug.to_string(), t.meta.name.clone()))
                .collect(),
        },
    )
}

struct RevisionRow {
    id: i64,
    at: String,
    author: String,
    state: String,
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
    notice: Option<String>,
    /// Rendered, sanitised Markdown of a condition's body, when previewing.
    preview: Option<String>,
    revisions: Vec<RevisionRow>,
    csrf: String,
    review: Option<ReviewForm>,
}

/// The "mark reviewed" form, for conditions.
struct ReviewForm {
    by: String,
    next: String,
    current: String,
}

/// The text to edit: the newest draft saved after the last publication, else what is published.
/// Where a form starts from.
pub(super) enum FormStart {
    /// The published content with the file being edited (its draft, or what is published) in
    /// it, checked.
    Checked(ContentPack),
    /// A new entry: an empty form.
    New,
    /// A draft saved in the file editor that does not check yet: finish it there.
    FinishInFile(Response),
}

/// What a form for `entry` opens with. Pharmacists and admins only.
pub(super) async fn form_start(
    state: &AppState,
    staff: &Staff,
    entry: &Entry,
) -> Result<FormStart, AppError> {
    staff.require(Role::Pharmacist)?;
    let site = state.renderer().current();
    let pack = site.pack()?;
    let editing = current_source(state, pack, entry).await?;
    Ok(match check(pack, entry, &editing.source) {
        Ok(checked) => FormStart::Checked(checked),
        Err(_) if editing.is_new => FormStart::New,
        Err(_) => FormStart::FinishInFile(Redirect::to(&entry.url()).into_response()),
    })
}

pub(super) async fn current_source(
    state: &AppState,
    pack: &ContentPack,
    entry: &Entry,
) -> Result<Editing, AppError> {
    let revisions = state
        .store()
        .revisions(&entry.path, REVISIONS_SHOWN)
        .await?;
    let published = published_files(pack)?
        .into_iter()
        .find(|(path, _)| *path == entry.path)
        .map(|(_, text)| text);
    let draft = revisions
        .iter()
        .take_while(|r| r.state != "published")
        .next()
        .map(|r| r.source.clone());
    let is_new = published.is_none();
    let source = draft.or(published).unwrap_or_else(|| skeleton(entry));
    Ok(Editing {
        source,
        is_new,
        revisions,
    })
}

fn review_form(pack: &ContentPack, entry: &Entry, staff: &Staff) -> Option<ReviewForm> {
    let condition = pack
        .condition(&entry.slug)
        .filter(|_| entry.kind == "conditions")?;
    let review = &condition.meta.review;
    let today = today(pack);
    let next = today
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
        current: match (review.is_reviewed(), review.on) {
            (true, Some(on)) => format!("Reviewed by {} on {on}", review.by),
            _ => "Never reviewed".to_owned(),
        },
    })
}

/// The file being edited: its text, whether it is new, and its revisions.
pub(super) struct Editing {
    pub source: String,
    pub is_new: bool,
    pub revisions: Vec<Revision>,
}

/// What the edit page reports about the last action.
struct Outcome {
    problems: Vec<String>,
    notice: Option<String>,
    /// Rendered Markdown, when previewing a condition.
    preview: Option<String>,
    status: StatusCode,
}

impl Outcome {
    fn plain() -> Self {
        Self {
            problems: Vec::new(),
            notice: None,
            preview: None,
            status: StatusCode::OK,
        }
    }

    fn problems(problems: Vec<String>) -> Self {
        Self {
            problems,
            status: StatusCode::UNPROCESSABLE_ENTITY,
            ..Self::plain()
        }
    }
}

fn edit_page(
    state: &AppState,
    staff: &Staff,
    entry: &Entry,
    Editing {
        source,
        is_new,
        revisions,
    }: Editing,
    Outcome {
        problems,
        notice,
        preview,
        status,
    }: Outcome,
) -> Result<Response, AppError> {
    let site = state.renderer().current();
    let pack = site.pack()?;
    let title = if problems.is_empty() {
        format!("Edit {}", entry.path)
    } else {
        format!("Error: Edit {}", entry.path)
    };
    let revisions = revisions
        .into_iter()
        .map(|r| RevisionRow {
            id: r.id,
            at: super::inbox::local_time(&pack.site, r.created_at),
            author: r.author,
            state: r.state,
        })
        .collect();
    page(
        status,
        EditPage {
            layout: StaffLayout::signed_in(&site, &title, "content", staff)?,
            url: entry.url(),
            path: entry.path.clone(),
            public_url: (!is_new).then(|| entry.public_url()).flatten(),
            is_new,
            source,
            problems,
            notice,
            preview,
            revisions,
            csrf: staff.csrf.clone(),
            review: review_form(pack, entry, staff),
        },
    )
}

/// The "New" form: on to the edit page for that kind and name (404 for a bad name).
pub async fn start(
    staff: Staff,
    axum::extract::Query(query): axum::extract::Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    staff.require(Role::Pharmacist)?;
    let kind = query.get("kind").map_or("", String::as_str);
    let slug = query.get("slug").map_or("", |s| s.trim());
    let entry = Entry::parse(kind, slug).ok_or(AppError::NotFound)?;
    // Every kind a "New" can make has a form.
    Ok(Redirect::to(&format!("{}/form", entry.url())).into_response())
}

pub async fn edit(
    State(state): State<AppState>,
    staff: Staff,
    Path((kind, slug)): Path<(String, String)>,
) -> Result<Response, AppError> {
    staff.require(Role::Pharmacist)?;
    let entry = Entry::parse(&kind, &slug).ok_or(AppError::NotFound)?;
    let site = state.renderer().current();
    let pack = site.pack()?;
    let editing = current_source(&state, pack, &entry).await?;
    edit_page(&state, &staff, &entry, editing, Outcome::plain())
}

/// Publishes `pack` (already checked): imports it, records the revision, audits, and
/// refreshes this instance's pages and search index.
pub(super) async fn publish(
    state: &AppState,
    staff: &Staff,
    entry: &Entry,
    pack: &ContentPack,
    source: &str,
    action: &'static str,
) -> Result<(), AppError> {
    let store = state.store();
    store.import(pack, ImportMode::Keep).await?;
    store
        .add_revision(&NewRevision {
            path: entry.path.clone(),
            source: source.to_owned(),
            author: staff.user.email.clone(),
            created_at: now_ms(),
            state: "published".to_owned(),
        })
        .await?;
    staff.audit(state, action, &entry.path, "").await?;
    state.content().refresh().await?;
    Ok(())
}

pub async fn save(
    State(state): State<AppState>,
    staff: Staff,
    Path((kind, slug)): Path<(String, String)>,
    headers: HeaderMap,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    staff.require(Role::Pharmacist)?;
    staff.check_form(
        &headers,
        fields
            .get(crate::web::requests::csrf::FIELD)
            .map_or("", String::as_str),
    )?;
    let entry = Entry::parse(&kind, &slug).ok_or(AppError::NotFound)?;
    // Browsers send CR LF from a textarea; the files use LF.
    let source = fields
        .get("source")
        .map_or_else(String::new, |s| s.replace("\r\n", "\n"));
    let action = fields.get("action").map_or("preview", String::as_str);
    let applied = apply(&state, &staff, &entry, source.clone(), action).await?;
    let outcome = match applied {
        Applied::Done(response) => return Ok(response),
        Applied::Problems(problems) => Outcome::problems(problems),
        Applied::Checked { preview } => Outcome {
            notice: Some(CHECKED.to_owned()),
            preview,
            ..Outcome::plain()
        },
    };
    let site = state.renderer().current();
    let editing = current_source(&state, site.pack()?, &entry).await?;
    edit_page(
        &state,
        &staff,
        &entry,
        Editing { source, ..editing },
        outcome,
    )
}

/// Shown after a successful check.
pub(super) const CHECKED: &str = "No problems found. Nothing is saved until you save or publish.";

/// What happened to an edit.
pub(super) enum Applied {
    /// Saved or published: where to go next.
    Done(Response),
    /// Checked for a preview, with the condition's body rendered.
    Checked { preview: Option<String> },
    /// It does not check: every problem, naming file, line and field.
    Problems(Vec<String>),
}

/// Checks `source` as the file for `entry`, then previews, saves a draft or publishes it
/// (`action`). The file editor and the condition form both come through here.
pub(super) async fn apply(
    state: &AppState,
    staff: &Staff,
    entry: &Entry,
    source: String,
    action: &str,
) -> Result<Applied, AppError> {
    if source.len() > MAX_SOURCE {
        let problem = format!("{}: the file is larger than 200 KB", entry.path);
        return Ok(Applied::Problems(vec![problem]));
    }
    let site = state.renderer().current();
    let checked = match check(site.pack()?, entry, &source) {
        Ok(checked) => checked,
        Err(problems) => return Ok(Applied::Problems(problems)),
    };
    match action {
        "save" => {
            state
                .store()
                .add_revision(&NewRevision {
                    path: entry.path.clone(),
                    source,
                    author: staff.user.email.clone(),
                    created_at: now_ms(),
                    state: "draft".to_owned(),
                })
                .await?;
            staff
                .audit(state, "content.saved", &entry.path, "draft")
                .await?;
            Ok(Applied::Done(Redirect::to(&entry.url()).into_response()))
        }
        "publish" => {
            let _one_at_a_time = state.publishing().lock().await;
            // Checked again against what is published now, so a colleague's publication in
            // the meantime is neither lost nor overwritten with an older copy.
            let fresh = state
                .store()
                .load_content()
                .await?
                .ok_or(AppError::NotFound)?;
            let checked = match check(&fresh, entry, &source) {
                Ok(checked) => checked,
                Err(problems) => return Ok(Applied::Problems(problems)),
            };
            publish(state, staff, entry, &checked, &source, "content.published").await?;
            Ok(Applied::Done(Redirect::to(&entry.url()).into_response()))
        }
        _ => Ok(Applied::Checked {
            preview: checked
                .condition(&entry.slug)
                .filter(|_| entry.kind == "conditions")
                .map(|c| crate::web::markdown::to_html(&c.body)),
        }),
    }
}

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
pub async fn revision(
    State(state): State<AppState>,
    staff: Staff,
    Path((kind, slug, id)): Path<(String, String, i64)>,
) -> Result<Response, AppError> {
    staff.require(Role::Pharmacist)?;
    let entry = Entry::parse(&kind, &slug).ok_or(AppError::NotFound)?;
    let revision = state
        .store()
        .revision(id)
        .await?
        .filter(|r| r.path == entry.path)
        .ok_or(AppError::NotFound)?;
    let site = state.renderer().current();
    let pack = site.pack()?;
    let published = published_files(pack)?
        .into_iter()
        .find(|(path, _)| *path == entry.path)
        .map(|(_, text)| text)
        .unwrap_or_default();
    page(
        StatusCode::OK,
        RevisionPage {
            layout: StaffLayout::signed_in(
                &site,
                &format!("Revision {id} of {}", entry.path),
                "content",
                &staff,
            )?,
            url: entry.url(),
            path: entry.path.clone(),
            id,
            at: super::inbox::local_time(&pack.site, revision.created_at),
            author: revision.author,
            state: revision.state,
            lines: diff(&published, &revision.source),
            csrf: staff.csrf.clone(),
        },
    )
}

/// Restores a revision as the current draft (publish it from the edit page).
pub async fn restore(
    State(state): State<AppState>,
    staff: Staff,
    Path((kind, slug, id)): Path<(String, String, i64)>,
    headers: HeaderMap,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    staff.require(Role::Pharmacist)?;
    staff.check_form(
        &headers,
        fields
            .get(crate::web::requests::csrf::FIELD)
            .map_or("", String::as_str),
    )?;
    let entry = Entry::parse(&kind, &slug).ok_or(AppError::NotFound)?;
    let revision = state
        .store()
        .revision(id)
        .await?
        .filter(|r| r.path == entry.path)
        .ok_or(AppError::NotFound)?;
    state
        .store()
        .add_revision(&NewRevision {
            path: entry.path.clone(),
            source: revision.source,
            author: staff.user.email.clone(),
            created_at: now_ms(),
            state: "draft".to_owned(),
        })
        .await?;
    staff
        .audit(
            &state,
            "content.restored",
            &entry.path,
            &format!("revision {id}"),
        )
        .await?;
    Ok(Redirect::to(&entry.url()).into_response())
}

/// A pharmacist marks a condition reviewed: `[review]` gets their name, today and the next
/// date, and the page is published with it.
pub async fn review(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    staff.require(Role::Pharmacist)?;
    staff.check_form(
        &headers,
        fields
            .get(crate::web::requests::csrf::FIELD)
            .map_or("", String::as_str),
    )?;
    let entry = Entry::parse("conditions", &slug).ok_or(AppError::NotFound)?;
    let _one_at_a_time = state.publishing().lock().await;
    let fresh = state
        .store()
        .load_content()
        .await?
        .ok_or(AppError::NotFound)?;
    let mut condition = fresh.condition(&slug).ok_or(AppError::NotFound)?.clone();
    let by = fields.get("by").map_or("", |s| s.trim()).to_owned();
    let next = fields
        .get("next")
        .and_then(|s| s.trim().parse::<jiff::civil::Date>().ok());
    let today = today(&fresh);
    let problem = if by.is_empty() || by.chars().count() > 200 {
        Some("Reviewed by: enter the reviewer's name and credentials, like “Dana Reyes, PharmD”")
    } else if next.is_none_or(|n| n <= today) {
        Some("Next review: enter a date after today, like 2027-11-26")
    } else {
        None
    };
    if let Some(problem) = problem {
        let editing = current_source(&state, &fresh, &entry).await?;
        return edit_page(
            &state,
            &staff,
            &entry,
            editing,
            Outcome::problems(vec![problem.to_owned()]),
        );
    }
    condition.meta.review = content::Review {
        by: by.clone(),
        on: Some(today),
        next,
    };
    let source = content::condition_text(&condition)?;
    let checked = check(&fresh, &entry, &source).map_err(|problems| {
        anyhow::anyhow!(
            "a reviewed condition does not check: {}",
            problems.join("; ")
        )
    })?;
    publish(
        &state,
        &staff,
        &entry,
        &checked,
        &source,
        "content.reviewed",
    )
    .await?;
    Ok(Redirect::to(&entry.url()).into_response())
}
