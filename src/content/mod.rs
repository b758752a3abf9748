//! The content domain: conditions, medications, testimonials and the site, read from a content
//! folder with precise problems, and written back out by `export`. Depends on nothing above it.

mod advice;
pub mod collate;
mod condition;
mod entry_file;
mod export;
mod folder;
mod hours;
mod lang;
mod localized;
mod medication;
pub mod messages;
mod problem;
mod provenance;
mod reader;
mod refs;
mod sections;
mod site;
mod slug;
mod testimonial;
mod translation;
mod values;
mod vocabulary;

use std::path::Path;

use anyhow::Context;
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use advice::{BODY_GRADE, FLAG_GRADE, PageGrade};
pub use condition::{Availability, Condition, ConditionMeta, MedicationLists, RedFlag};
pub use export::{condition_text, file, files, write_folder};
pub use folder::Checked;
pub use hours::{Change, OpenStatus, clock, weekday_name};
pub use lang::Lang;
pub use localized::{Localized, Notes};
pub use medication::{Compounding, Medication, MedicationMeta};
pub use problem::{Position, Problem, Severity};
pub use provenance::{Review, Source};
pub use sections::{Section, anchor, sections};
pub use site::{Address, Brand, Location, Site, WeeklyHours};
pub use slug::Slug;
pub use testimonial::{Testimonial, TestimonialMeta};
pub use values::{Code, CodeSystem, Colour, DayHours, Email, PhoneNumber, TimeZoneName, WebUrl};
pub use vocabulary::{DosageForm, MedicationStatus, RedFlagLevel, Schedule, Vocabulary};

/// One file of a content folder: its path inside the folder (`/`-separated) and its bytes.
#[derive(Debug, Clone)]
pub struct RawFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// A whole, checked content folder: everything the public site shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ContentPack {
    pub site: Site,
    /// Sorted by slug.
    pub conditions: Vec<Condition>,
    /// Sorted by slug.
    pub medications: Vec<Medication>,
    /// Sorted by slug.
    pub testimonials: Vec<Testimonial>,
}

impl ContentPack {
    /// Checks and loads `files`; `root` is how problems name the folder.
    pub fn from_files(root: &str, files: &[RawFile]) -> Result<Self, Vec<Problem>> {
        folder::load(root, files)
    }

    /// `from_files` with the advice for editors (drug names, reading level, review dates…),
    /// as of `today`. Slower: it reads the word lists and measures every page.
    pub fn check(root: &str, files: &[RawFile], today: jiff::civil::Date) -> Checked {
        folder::check(root, files, today)
    }

    /// The same pack with every list in slug order (byte order), which the lookups below rely on.
    pub fn sorted(mut self) -> Self {
        self.conditions
            .sort_by(|a, b| a.slug.as_str().cmp(b.slug.as_str()));
        self.medications
            .sort_by(|a, b| a.slug.as_str().cmp(b.slug.as_str()));
        self.testimonials
            .sort_by(|a, b| a.slug.as_str().cmp(b.slug.as_str()));
        self
    }

    /// The condition with this slug (a binary search: the lists are sorted by slug).
    pub fn condition(&self, slug: &str) -> Option<&Condition> {
        let i = self
            .conditions
            .binary_search_by(|c| c.slug.as_str().cmp(slug))
            .ok()?;
        self.conditions.get(i)
    }

    /// The medication with this slug.
    pub fn medication(&self, slug: &str) -> Option<&Medication> {
        let i = self
            .medications
            .binary_search_by(|m| m.slug.as_str().cmp(slug))
            .ok()?;
        self.medications.get(i)
    }

    /// The testimonial with this slug.
    pub fn testimonial(&self, slug: &str) -> Option<&Testimonial> {
        let i = self
            .testimonials
            .binary_search_by(|t| t.slug.as_str().cmp(slug))
            .ok()?;
        self.testimonials.get(i)
    }

    /// The sample content pack built into the binary.
    pub fn sample() -> Result<Self, Vec<Problem>> {
        Self::from_files("(built-in sample content)", &sample_files())
    }
}

/// Every file under `dir`, with paths relative to it. I/O errors (not content problems) fail.
pub fn read_folder(dir: &Path) -> anyhow::Result<Vec<RawFile>> {
    fn walk(dir: &Path, prefix: &str, out: &mut Vec<RawFile>) -> anyhow::Result<()> {
        let entries = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read folder {}", dir.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("cannot read folder {}", dir.display()))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = format!("{prefix}{name}");
            let kind = entry.file_type()?;
            if kind.is_dir() {
                walk(&entry.path(), &format!("{path}/"), out)?;
            } else {
                let bytes = std::fs::read(entry.path())
                    .with_context(|| format!("cannot read {}", entry.path().display()))?;
                out.push(RawFile { path, bytes });
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out)?;
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

static SAMPLE: include_dir::Dir<'static> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/content");

/// The embedded sample pack as raw files.
pub fn sample_files() -> Vec<RawFile> {
    fn walk(dir: &include_dir::Dir<'static>, out: &mut Vec<RawFile>) {
        for file in dir.files() {
            out.push(RawFile {
                path: file.path().to_string_lossy().replace('\\', "/"),
                bytes: file.contents().to_vec(),
            });
        }
        for sub in dir.dirs() {
            walk(sub, out);
        }
    }
    let mut out = Vec::new();
    walk(&SAMPLE, &mut out);
    out
}

/// A stable fingerprint of an entry's meaning (not its formatting), used to skip unchanged rows
/// on import so that importing the same content twice, or an export of it, changes nothing.
pub fn fingerprint<T: Serialize>(value: &T) -> String {
    // Serialising our own plain structs to JSON cannot fail; an empty hash would only make
    // the next import rewrite the row, never lose data.
    let json = serde_json::to_vec(value).unwrap_or_default();
    hex::encode(Sha256::digest(&json))
}

/// A short fingerprint people can copy (16 hex digits): what a translation's `translation_of`
/// holds.
pub fn short_print<T: Serialize>(value: &T) -> String {
    let mut print = fingerprint(value);
    print.truncate(16);
    print
}
