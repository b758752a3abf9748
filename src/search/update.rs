//! Updating an index in place when a few pages change. Publishing one page of a 10,000-condition
//! library used to rebuild the whole index on every instance (about a second of a core, after
//! reading the content); now the changed conditions' documents are deleted and added again in a
//! new segment of the same tantivy index, and the new `SearchIndex` shares everything else. A
//! full build stays the answer to a bulk import, to a medication change (every condition's
//! document names its medicines), and after enough updates have piled up segments.
//!
//! The tantivy index is shared between the old and the new `SearchIndex`: the old one keeps
//! searching its own point-in-time view (a `Searcher` never sees later commits), and an update is
//! applied only to the index's newest commit — from the `SearchIndex` that commit made.

use std::collections::HashSet;
use std::sync::Arc;

use anyhow::Context;
use tantivy::indexer::NoMergePolicy;
use tantivy::{TantivyDocument, Term};

use super::documents::condition_document;
use super::{Kind, Parts, SearchIndex};
use crate::content::{Condition, ContentPack};

/// More changed conditions than this: a bulk import, built anew.
const MAX_CHANGED: usize = 200;
/// Each update adds a segment (merging them would cost what the update saves); past this many,
/// the next change builds anew into one.
const MAX_SEGMENTS: usize = 16;

/// What differs between two packs' conditions, by slug: the ones gone or changed (their
/// documents go) and the ones new or changed (theirs are added).
struct Changes<'a> {
    gone: Vec<&'a str>,
    new: Vec<&'a Condition>,
}

impl SearchIndex {
    /// The index of `pack`, from this one (the index of an earlier snapshot) when only a few
    /// conditions differ, else built anew.
    pub fn updated(&self, pack: Arc<ContentPack>) -> anyhow::Result<Self> {
        if self.lang != crate::content::Lang::En {
            // Translated indexes are built from the English pack too: always anew.
            anyhow::bail!("only the English index is updated in place");
        }
        match changes(&self.pack, &pack) {
            Some(changes)
                if changes.gone.len() + changes.new.len() <= MAX_CHANGED
                    && self.searcher.segment_readers().len() < MAX_SEGMENTS =>
            {
                match self.apply(&pack, &changes)? {
                    Some(updated) => Ok(updated),
                    None => Self::build(pack),
                }
            }
            _ => Self::build(pack),
        }
    }

    /// Applies `changes` to the shared index; `None` when the index is not at this
    /// `SearchIndex`'s commit any more (another update got there first), or its writer is busy.
    fn apply(&self, pack: &Arc<ContentPack>, changes: &Changes) -> anyhow::Result<Option<Self>> {
        // tantivy's smallest budget; a few pages need far less.
        let Ok(mut writer) = self
            .index
            .writer_with_num_threads::<TantivyDocument>(1, 15_000_000)
        else {
            return Ok(None);
        };
        let ours: HashSet<_> = self
            .searcher
            .segment_readers()
            .iter()
            .map(|segment| segment.segment_id())
            .collect();
        let newest: HashSet<_> = self
            .index
            .searchable_segment_ids()
            .context("cannot read the search index's segments")?
            .into_iter()
            .collect();
        if ours != newest {
            return Ok(None);
        }
        writer.set_merge_policy(Box::new(NoMergePolicy));
        let mut parts = Parts {
            entries: self.entries.clone(),
            vocabulary: self.words.vocabulary(),
            drug_words: self.drug_words.clone(),
        };
        for slug in &changes.gone {
            let id = parts.entries.iter().position(|entry| {
                entry
                    .as_ref()
                    .is_some_and(|e| e.kind == Kind::Condition && e.slug == *slug)
            });
            if let Some(id) = id {
                writer.delete_term(Term::from_field_u64(self.fields.id, id as u64));
                parts.entries[id] = None;
            }
        }
        for condition in &changes.new {
            parts.add(
                &mut writer,
                self.fields,
                condition_document(pack, condition),
            )?;
        }
        writer.commit().context("cannot commit the search index")?;
        // Words of removed text stay known until the next full build: a suggestion may then
        // name a word no page has, which finds nothing, rather than missing one.
        Self::open(
            pack.clone(),
            self.lang,
            self.index.clone(),
            self.fields,
            parts,
        )
        .map(Some)
    }
}

/// The conditions that differ between `old` and `new`, both sorted by slug; `None` when the
/// medications differ (every document that lists one would change).
fn changes<'a>(old: &'a ContentPack, new: &'a ContentPack) -> Option<Changes<'a>> {
    if old.medications != new.medications {
        return None;
    }
    let mut changes = Changes {
        gone: Vec::new(),
        new: Vec::new(),
    };
    let (mut before, mut after) = (
        old.conditions.iter().peekable(),
        new.conditions.iter().peekable(),
    );
    loop {
        match (before.peek(), after.peek()) {
            (None, None) => return Some(changes),
            (Some(b), Some(a)) if b.slug.as_str() == a.slug.as_str() => {
                if b != a {
                    changes.gone.push(b.slug.as_str());
                    changes.new.push(a);
                }
                before.next();
                after.next();
            }
            (Some(b), Some(a)) if b.slug.as_str() < a.slug.as_str() => {
                changes.gone.push(b.slug.as_str());
                before.next();
            }
            (Some(b), None) => {
                changes.gone.push(b.slug.as_str());
                before.next();
            }
            (_, Some(a)) => {
                changes.new.push(a);
                after.next();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Arc<ContentPack> {
        Arc::new(ContentPack::sample().unwrap())
    }

    fn slugs(index: &SearchIndex, query: &str) -> Vec<String> {
        index
            .search(query, 10)
            .unwrap()
            .hits
            .iter()
            .map(|hit| hit.entry.slug.clone())
            .collect()
    }

    #[test]
    fn a_changed_page_is_searchable_at_once_and_the_old_index_still_answers_as_it_was() {
        let old = SearchIndex::build(sample()).unwrap();
        let mut pack = (*old.pack).clone();
        pack.conditions[0].meta.summary.push_str(" Zanzibarite.");
        let slug = pack.conditions[0].slug.to_string();
        let removed = pack.conditions.remove(1).slug.to_string();
        let new = old.updated(Arc::new(pack)).unwrap();

        assert_eq!(slugs(&new, "zanzibarite"), std::slice::from_ref(&slug));
        assert!(slugs(&old, "zanzibarite").is_empty());
        assert_eq!(new.len(), old.len() - 1);
        assert_eq!(
            new.searcher.segment_readers().len(),
            2,
            "updated, not rebuilt"
        );
        assert!(
            new.closest(&removed.replace('-', " "), 10)
                .iter()
                .all(|e| e.slug != removed)
        );
        let title = &old.pack.conditions[1].meta.title;
        assert!(
            slugs(&old, title).contains(&removed),
            "the old view is untouched"
        );
        assert!(!slugs(&new, title).contains(&removed));
        // The page changed is found once, by its other words too.
        let first_title = new.pack.conditions[0].meta.title.clone();
        assert_eq!(
            slugs(&new, &first_title)
                .iter()
                .filter(|s| **s == slug)
                .count(),
            1
        );

        // An update from the old index now would apply to a commit it never saw: built anew.
        let again = old.updated(new.pack.clone()).unwrap();
        assert_eq!(again.searcher.segment_readers().len(), 1);
        assert_eq!(slugs(&again, "zanzibarite"), [slug]);
    }

    #[test]
    fn a_medication_change_or_a_bulk_import_builds_anew() {
        let old = SearchIndex::build(sample()).unwrap();
        let mut pack = (*old.pack).clone();
        pack.medications[0]
            .meta
            .brands
            .push("Zanzibrand".to_owned());
        let new = old.updated(Arc::new(pack)).unwrap();
        assert_eq!(new.searcher.segment_readers().len(), 1);
        assert!(!slugs(&new, "zanzibrand").is_empty());

        let mut pack = (*old.pack).clone();
        let model = pack.conditions[0].clone();
        for i in 0..=MAX_CHANGED {
            let mut condition = model.clone();
            condition.slug = crate::content::Slug::parse(&format!("zz-copy-{i:03}")).unwrap();
            pack.conditions.push(condition);
        }
        let new = old.updated(Arc::new(pack.sorted())).unwrap();
        assert_eq!(new.searcher.segment_readers().len(), 1);
        assert_eq!(new.len(), old.len() + MAX_CHANGED + 1);
    }
}
