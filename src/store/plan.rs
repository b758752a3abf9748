//! Working out what an import changes, shared by both backends: compare each entry's
//! fingerprint with the stored one and list the rows to write and to delete.

use std::collections::HashMap;
use std::fmt;

use crate::content::{Condition, ContentPack, Medication, Site, Testimonial, fingerprint};

use super::ImportMode;

/// Fingerprints of what is stored now, by slug.
#[derive(Debug, Default)]
pub struct Stored {
    pub site: Option<String>,
    pub conditions: HashMap<String, String>,
    pub medications: HashMap<String, String>,
    pub testimonials: HashMap<String, String>,
}

/// One entry to write.
#[derive(Debug)]
pub struct Write<'p, T> {
    pub entry: &'p T,
    pub fingerprint: String,
    /// Whether a stored row is replaced (so rows hanging off it must be cleared first).
    pub replaces: bool,
}

/// The writes an import needs.
#[derive(Debug)]
pub struct ImportPlan<'p> {
    pub site: Option<Write<'p, Site>>,
    pub conditions: Vec<Write<'p, Condition>>,
    pub medications: Vec<Write<'p, Medication>>,
    pub testimonials: Vec<Write<'p, Testimonial>>,
    pub delete_conditions: Vec<String>,
    pub delete_medications: Vec<String>,
    pub delete_testimonials: Vec<String>,
    pub report: ImportReport,
}

/// How many entries of one kind an import added, updated, left alone and removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct KindReport {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// What an import did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ImportReport {
    pub site: KindReport,
    pub conditions: KindReport,
    pub medications: KindReport,
    pub testimonials: KindReport,
}

impl ImportReport {
    /// Whether anything was written.
    pub fn changed(&self) -> bool {
        [
            self.site,
            self.conditions,
            self.medications,
            self.testimonials,
        ]
        .iter()
        .any(|k| k.added + k.updated + k.removed > 0)
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kinds = [
            ("site", self.site),
            ("conditions", self.conditions),
            ("medications", self.medications),
            ("testimonials", self.testimonials),
        ];
        for (i, (name, k)) in kinds.iter().enumerate() {
            let sep = if i == 0 { "" } else { "; " };
            write!(
                f,
                "{sep}{name}: {} added, {} updated, {} unchanged, {} removed",
                k.added, k.updated, k.unchanged, k.removed
            )?;
        }
        Ok(())
    }
}

impl<'p> ImportPlan<'p> {
    pub fn new(stored: &Stored, pack: &'p ContentPack, mode: ImportMode) -> Self {
        let mut report = ImportReport::default();
        let site_print = fingerprint(&pack.site);
        let site = match &stored.site {
            Some(old) if *old == site_print => {
                report.site.unchanged = 1;
                None
            }
            old => {
                if old.is_some() {
                    report.site.updated = 1;
                } else {
                    report.site.added = 1;
                }
                Some(Write {
                    entry: &pack.site,
                    fingerprint: site_print,
                    replaces: old.is_some(),
                })
            }
        };
        let (conditions, delete_conditions) = diff(
            &stored.conditions,
            pack.conditions
                .iter()
                .map(|c| (c.slug.as_str(), c, fingerprint(c))),
            mode,
            &mut report.conditions,
        );
        let (medications, delete_medications) = diff(
            &stored.medications,
            pack.medications
                .iter()
                .map(|m| (m.slug.as_str(), m, fingerprint(m))),
            mode,
            &mut report.medications,
        );
        let (testimonials, delete_testimonials) = diff(
            &stored.testimonials,
            pack.testimonials
                .iter()
                .map(|t| (t.slug.as_str(), t, fingerprint(t))),
            mode,
            &mut report.testimonials,
        );
        Self {
            site,
            conditions,
            medications,
            testimonials,
            delete_conditions,
            delete_medications,
            delete_testimonials,
            report,
        }
    }
}

/// Entries to write (new or changed) and slugs to delete (stored, not in the pack, pruning).
fn diff<'p, T: 'p>(
    stored: &HashMap<String, String>,
    incoming: impl Iterator<Item = (&'p str, &'p T, String)>,
    mode: ImportMode,
    report: &mut KindReport,
) -> (Vec<Write<'p, T>>, Vec<String>) {
    let mut writes = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (slug, entry, print) in incoming {
        seen.insert(slug);
        match stored.get(slug) {
            Some(old) if *old == print => report.unchanged += 1,
            old => {
                if old.is_some() {
                    report.updated += 1;
                } else {
                    report.added += 1;
                }
                writes.push(Write {
                    entry,
                    fingerprint: print,
                    replaces: old.is_some(),
                });
            }
        }
    }
    let mut deletes: Vec<String> = match mode {
        ImportMode::Keep => Vec::new(),
        ImportMode::Prune => stored
            .keys()
            .filter(|slug| !seen.contains(slug.as_str()))
            .cloned()
            .collect(),
    };
    deletes.sort();
    report.removed = deletes.len();
    (writes, deletes)
}
