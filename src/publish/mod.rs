//! Content publishing, the domain side: a content file edited as the text `pestle import`
//! reads, checked against the rest of the published content, previewed, saved as a draft,
//! published, kept as revisions that can be compared and restored, marked reviewed by a
//! pharmacist, and patients' shared experiences approved as testimonials. Each workflow is a
//! function over the store and an explicit `now` (Unix milliseconds) that returns an outcome;
//! the back office's handlers only turn HTTP into its input and its outcome into a page, and
//! audit it. Whole-pack checks and comparisons run on the blocking pool.
//!
//! A publication writes only its own entry, and only if the stored entry is still the version
//! the editor opened (compare-and-set, in the transaction that locks content, so it holds across
//! instances): two publications of different files both survive, and of the same file the second
//! gets [`Outcome::Changed`] with the text kept. Within an instance, publications also take turns
//! on a [`PublishLock`], so each checks against the latest stored content.

mod check;
mod diff;
mod files;
mod review;
mod revisions;
mod stories;

use std::sync::Arc;

use serde::Deserialize;
use tokio::sync::MutexGuard;

pub use check::{Problems, check, check_now};
pub use diff::{Change, DiffLine, diff};
pub use files::{Entry, Kind, MAX_SOURCE};
pub use review::{Due, Reviewed, mark_reviewed, review_queue, today};
pub use revisions::{Comparison, Editing, FormStart, compare, editing, form_start, restore};
pub use stories::{Decided, Decision, decide_story, testimonial_slug};

use crate::content::ContentPack;
use crate::store::{NewRevision, RevisionState, Store, StoreError};

/// Held while this instance publishes (`AppState::publishing`).
pub type PublishLock = tokio::sync::Mutex<()>;

/// A revision's state in the store: saved but not live.
const DRAFT: RevisionState = RevisionState::Draft;
/// A revision's state in the store: what was published.
const PUBLISHED: RevisionState = RevisionState::Published;

/// Why a publishing workflow could not run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No content has been published yet, or no such entry, revision or story.
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<StoreError> for Error {
    fn from(error: StoreError) -> Self {
        Self::Other(error.into())
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// What a pharmacist asked for with an edit. The words are the forms' `action` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Action {
    /// Check it and show the result; nothing is kept.
    #[serde(rename = "preview")]
    Preview,
    /// Keep it as a draft; the public site does not change.
    #[serde(rename = "save")]
    SaveDraft,
    #[serde(rename = "publish")]
    Publish,
}

impl Action {
    /// The action named by `word`, or `None` for any other word.
    pub fn parse(word: &str) -> Option<Self> {
        use serde::de::IntoDeserializer;
        let word: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
            word.into_deserializer();
        Self::deserialize(word).ok()
    }
}

/// An edit of one content file.
pub struct Edit<'a> {
    pub entry: &'a Entry,
    /// The file's new text.
    pub source: String,
    pub action: Action,
    /// Who made it (the staff member's e-mail), for the revision.
    pub author: &'a str,
    /// The entry's version when the editor opened it ([`Entry::fingerprint_in`]; inner `None`:
    /// a new file). `None` when the client did not say: the version this publication is
    /// checked against is expected instead.
    pub opened: Option<Option<String>>,
}

/// What became of an edit.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    /// It checks and nothing was kept; for a condition, its Markdown body, to preview.
    Checked { body: Option<String> },
    /// Kept as a draft.
    Saved,
    /// Live: imported, with a revision.
    Published,
    /// It does not check: every problem.
    Problems(Problems),
    /// Someone published this file after the editor opened it: nothing was written. `theirs` is
    /// the file as published now (`None`: it was removed), to compare with the edit.
    Changed { theirs: Option<String> },
}

/// Checks `edit` against `published` (the content being served), then previews, saves or
/// publishes it. A publication is checked against what is stored at that moment instead, inside
/// `lock`.
#[tracing::instrument(skip_all, fields(path = %edit.entry.path, action = ?edit.action))]
pub async fn apply(
    store: &dyn Store,
    lock: &PublishLock,
    published: Arc<ContentPack>,
    edit: Edit<'_>,
    now: i64,
) -> Result<Outcome> {
    let Edit {
        entry,
        source,
        action,
        author,
        opened,
    } = edit;
    if action == Action::Publish {
        let held = lock.lock().await;
        return publish_held(&held, store, entry, (&source, opened), author, now).await;
    }
    let checked = match check(published, entry, &source).await? {
        Ok(checked) => checked,
        Err(problems) => return Ok(Outcome::Problems(problems)),
    };
    if action == Action::SaveDraft {
        add_revision(store, entry, source, author, now, DRAFT).await?;
        return Ok(Outcome::Saved);
    }
    let body = match entry.kind {
        Kind::Condition => checked.condition(&entry.slug).map(|c| c.body.clone()),
        _ => None,
    };
    Ok(Outcome::Checked { body })
}

/// Publishes `source` as `entry` while `held` keeps other publications on this instance out:
/// checked against what is stored now, then written — that entry alone — only if the stored
/// entry is still the version `opened` (else [`Outcome::Changed`]), and recorded as a revision.
pub async fn publish_held(
    _held: &MutexGuard<'_, ()>,
    store: &dyn Store,
    entry: &Entry,
    (source, opened): (&str, Option<Option<String>>),
    author: &str,
    now: i64,
) -> Result<Outcome> {
    let fresh = Arc::new(store.load_content().await?.ok_or(Error::NotFound)?);
    let opened = opened.unwrap_or_else(|| entry.fingerprint_in(&fresh));
    let checked = match check(fresh, entry, source).await? {
        Ok(checked) => checked,
        Err(problems) => return Ok(Outcome::Problems(problems)),
    };
    let written = store
        .publish_entry(&checked, &entry.target(), opened.as_deref())
        .await?;
    if written.is_none() {
        let now_stored = store.load_content().await?.ok_or(Error::NotFound)?;
        let theirs = crate::content::file(&now_stored, &entry.path).map_err(Error::Other)?;
        return Ok(Outcome::Changed { theirs });
    }
    add_revision(store, entry, source.to_owned(), author, now, PUBLISHED).await?;
    Ok(Outcome::Published)
}

async fn add_revision(
    store: &dyn Store,
    entry: &Entry,
    source: String,
    author: &str,
    now: i64,
    state: RevisionState,
) -> Result<()> {
    store
        .add_revision(&NewRevision {
            path: entry.path.clone(),
            source,
            author: author.to_owned(),
            created_at: now,
            state,
        })
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests;
