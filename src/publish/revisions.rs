//! A file's revisions: what the editor opens (the newest draft, else what is published), where
//! a form starts from, a revision compared with what is published, and a revision restored as
//! the draft.

use std::sync::Arc;

use anyhow::Context;

use super::check::check;
use super::diff::{DiffLine, diff};
use super::files::Entry;
use super::{DRAFT, Error, PUBLISHED, Result, add_revision};
use crate::content::ContentPack;
use crate::store::{Revision, Store};

/// Revisions listed with a file.
const REVISIONS_SHOWN: i64 = 50;

/// The file being edited.
#[derive(Debug)]
pub struct Editing {
    /// The newest draft saved after the last publication, else what is published, else the
    /// skeleton of a new file.
    pub source: String,
    /// Not published yet.
    pub is_new: bool,
    /// `source` is a draft (not what is published).
    pub is_draft: bool,
    /// Newest first.
    pub revisions: Vec<Revision>,
}

/// What the editor opens for `entry`, given the `published` content.
pub async fn editing(store: &dyn Store, pack: &ContentPack, entry: &Entry) -> Result<Editing> {
    let revisions = store.revisions(&entry.path, REVISIONS_SHOWN).await?;
    let draft = revisions
        .first()
        .filter(|r| r.saved.state != PUBLISHED)
        .map(|r| r.saved.source.clone());
    let published = entry.published_text(pack)?;
    let (is_new, is_draft) = (published.is_none(), draft.is_some());
    let source = match draft.or(published) {
        Some(source) => source,
        None => entry.start_in(pack)?,
    };
    Ok(Editing {
        source,
        is_new,
        is_draft,
        revisions,
    })
}

/// Where a form for an entry starts.
pub enum FormStart {
    /// The content with the file as it will be edited in it (its draft, checked, or what is
    /// published), and that file's text.
    Checked {
        pack: Arc<ContentPack>,
        source: String,
    },
    /// A new entry: an empty form.
    New,
    /// A draft saved in the file editor that does not check yet: to be finished there.
    FinishInFile,
}

/// Where a form for `entry` starts. Only a draft is checked (on the blocking pool): what is
/// published was checked when it was published, so opening a form costs no whole-pack check.
pub async fn form_start(
    store: &dyn Store,
    published: Arc<ContentPack>,
    entry: &Entry,
) -> Result<FormStart> {
    let Editing {
        source,
        is_new,
        is_draft,
        ..
    } = editing(store, &published, entry).await?;
    if !is_draft {
        return Ok(if is_new {
            FormStart::New
        } else {
            FormStart::Checked {
                pack: published,
                source,
            }
        });
    }
    Ok(match check(published, entry, &source).await? {
        Ok(pack) => FormStart::Checked {
            pack: Arc::new(pack),
            source,
        },
        Err(_) if is_new => FormStart::New,
        Err(_) => FormStart::FinishInFile,
    })
}

/// A revision and how it differs from what is published now.
pub struct Comparison {
    pub revision: Revision,
    /// From the published text (empty when not published) to the revision's.
    pub lines: Vec<DiffLine>,
}

/// Revision `id` of `entry`, compared with `published` (on the blocking pool: a diff of two
/// large files is CPU work). `NotFound` when it is not a revision of this file.
pub async fn compare(
    store: &dyn Store,
    published: &ContentPack,
    entry: &Entry,
    id: i64,
) -> Result<Comparison> {
    let revision = revision_of(store, entry, id).await?;
    let old = entry.published_text(published)?.unwrap_or_default();
    let new = revision.saved.source.clone();
    let lines = tokio::task::spawn_blocking(move || diff(&old, &new))
        .await
        .context("the comparison stopped")?;
    Ok(Comparison { revision, lines })
}

/// Saves revision `id` of `entry` again as the newest draft, by `author` (it is published from
/// the editor like any draft).
pub async fn restore(
    store: &dyn Store,
    entry: &Entry,
    id: i64,
    author: &str,
    now: i64,
) -> Result<()> {
    let revision = revision_of(store, entry, id).await?;
    add_revision(store, entry, revision.saved.source, author, now, DRAFT).await
}

/// Revision `id`, only if it belongs to `entry` (an id from another file's page is not found).
async fn revision_of(store: &dyn Store, entry: &Entry, id: i64) -> Result<Revision> {
    store
        .revision(id)
        .await?
        .filter(|r| r.saved.path == entry.path)
        .ok_or(Error::NotFound)
}
