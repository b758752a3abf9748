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

/// One entry of the content: what a back-office publication writes, alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Site,
    Condition(String),
    Medication(String),
    Testimonial(String),
}

impl Stored {
    /// The stored fingerprint of `target`; `None` when it is not stored.
    pub fn fingerprint_of(&self, target: &Target) -> Option<&str> {
        match target {
            Target::Site => self.site.as_deref(),
            Target::Condition(slug) => self.conditions.get(slug).map(String::as_str),
            Target::Medication(slug) => self.medications.get(slug).map(String::as_str),
            Target::Testimonial(slug) => self.testimonials.get(slug).map(String::as_str),
        }
    }
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

impl ImportPlan<'_> {
    /// A publication's plan: cut down to `target` (`only`), unless the stored entry is no longer
    /// the version the editor `opened` — then `None`, and nothing is written (compare-and-set).
    /// Without `only`, the whole plan.
    pub fn narrowed(self, stored: &Stored, only: Option<(&Target, Option<&str>)>) -> Option<Self> {
        match only {
            None => Some(self),
            Some((target, opened)) if stored.fingerprint_of(target) == opened => {
                Some(self.only(target))
            }
            Some(_) => None,
        }
    }

    /// The same plan cut down to `target`: its write if it has one, and nothing else — no
    /// other entry, no deletion. The report counts that entry only.
    pub fn only(mut self, target: &Target) -> Self {
        let (condition, medication, testimonial) = match target {
            Target::Site => (None, None, None),
            Target::Condition(slug) => (Some(slug.as_str()), None, None),
            Target::Medication(slug) => (None, Some(slug.as_str()), None),
            Target::Testimonial(slug) => (None, None, Some(slug.as_str())),
        };
        self.conditions
            .retain(|w| Some(w.entry.slug.as_str()) == condition);
        self.medications
            .retain(|w| Some(w.entry.slug.as_str()) == medication);
        self.testimonials
            .retain(|w| Some(w.entry.slug.as_str()) == testimonial);
        let site = *target == Target::Site;
        if !site {
            self.site = None;
        }
        self.delete_conditions.clear();
        self.delete_medications.clear();
        self.delete_testimonials.clear();
        // For the target's kind: one added, updated or (no write) unchanged.
        let count = |is_target: bool, replaces: Option<bool>| KindReport {
            added: usize::from(is_target && replaces == Some(false)),
            updated: usize::from(is_target && replaces == Some(true)),
            unchanged: usize::from(is_target && replaces.is_none()),
            removed: 0,
        };
        self.report = ImportReport {
            site: count(site, self.site.as_ref().map(|w| w.replaces)),
            conditions: count(
                condition.is_some(),
                self.conditions.first().map(|w| w.replaces),
            ),
            medications: count(
                medication.is_some(),
                self.medications.first().map(|w| w.replaces),
            ),
            testimonials: count(
                testimonial.is_some(),
                self.testimonials.first().map(|w| w.replaces),
            ),
        };
        self
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
