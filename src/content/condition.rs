//! A condition page: TOML front matter between `+++` lines and a Markdown body whose `## `
//! headings make the sections.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::lang::Lang;

use super::problem::ProseKind;
use super::provenance::{self, Review, Source};
use super::reader::{At, Table};
use super::refs::{RefKind, Reference};
use super::sections::check_body;
use super::slug::Slug;
use super::values::Code;
use super::vocabulary::{RedFlagLevel, Vocabulary};

/// A condition in the "Diseases & Conditions" library.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    pub slug: Slug,
    pub meta: ConditionMeta,
    /// The Markdown body exactly as written after the closing `+++` line.
    pub body: String,
}

/// Everything in a condition's front matter. Field names are the file format's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConditionMeta {
    /// In a translation only: the English version it was made from (`Condition::source_print`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translation_of: Option<String>,
    pub title: String,
    pub summary: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_called: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<Code>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Slug>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub testimonials: Vec<Slug>,
    #[serde(default, skip_serializing_if = "MedicationLists::is_empty")]
    pub medications: MedicationLists,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub red_flags: Vec<RedFlag>,
    /// Why no emergency or urgent warning sign applies, when none does (else a warning).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_warning_signs: Option<String>,
    #[serde(default)]
    pub review: Review,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Source>,
    /// This page in other languages, each read from its own file (`<slug>.es.md`) and stored
    /// with the English page, so a page and its translations change together.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: BTreeMap<Lang, Condition>,
}

impl Condition {
    /// The fingerprint of what a translation translates (the words of the page, not its review,
    /// codes or lists): a translation names it in `translation_of`, and is out of date when the
    /// English page's print differs.
    pub fn source_print(&self) -> String {
        let m = &self.meta;
        super::short_print(&(
            &m.title,
            &m.summary,
            &m.also_called,
            &m.category,
            &m.red_flags,
            &m.no_warning_signs,
            &self.body,
        ))
    }
}

/// Medication slugs by how a patient gets them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MedicationLists {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub over_the_counter: Vec<Slug>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prescription: Vec<Slug>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compounded: Vec<Slug>,
}

impl MedicationLists {
    pub fn is_empty(&self) -> bool {
        self.over_the_counter.is_empty()
            && self.prescription.is_empty()
            && self.compounded.is_empty()
    }

    /// Every listed medication with the availability it is listed under.
    pub fn all(&self) -> impl Iterator<Item = (Availability, &Slug)> {
        fn tag(
            availability: Availability,
            list: &[Slug],
        ) -> impl Iterator<Item = (Availability, &Slug)> {
            list.iter().map(move |s| (availability, s))
        }
        tag(Availability::OverTheCounter, &self.over_the_counter)
            .chain(tag(Availability::Prescription, &self.prescription))
            .chain(tag(Availability::Compounded, &self.compounded))
    }
}

/// Which list of a condition's `[medications]` a medication appears in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Availability {
    OverTheCounter,
    Prescription,
    Compounded,
}

impl Availability {
    /// The field name in the front matter, also stored in the database.
    pub fn key(self) -> &'static str {
        match self {
            Self::OverTheCounter => "over_the_counter",
            Self::Prescription => "prescription",
            Self::Compounded => "compounded",
        }
    }
}

/// A warning sign and how urgently to act on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RedFlag {
    pub level: RedFlagLevel,
    pub text: String,
}

/// Reads a condition's front matter table and checks its body; `None` when anything is wrong
/// (the problems are in the file's report). References are returned for the cross-file check.
pub fn read(
    slug: Slug,
    mut table: Table<'_, '_>,
    body: &str,
    body_offset: usize,
    refs: &mut Vec<Reference>,
) -> Option<Condition> {
    let file = table.file();
    let before = file.problem_count();
    let translation_of = table.string("translation_of");
    let title = table.required_string("title");
    let summary = table.required_string("summary");
    if let Some(summary) = &summary {
        table.prose("summary", ProseKind::Plain, summary);
    }
    let also_called = table.string_list("also_called");
    let category = table.string("category");
    let codes = table.parsed_list("codes", Code::parse);
    let related = table.parsed_list("related", Slug::parse);
    let testimonials = table.parsed_list("testimonials", Slug::parse);
    for (index, slug) in related.iter().enumerate() {
        refs.push(Reference::new(
            RefKind::Condition,
            slug,
            format!("related[{index}]"),
        ));
    }
    for (index, slug) in testimonials.iter().enumerate() {
        refs.push(Reference::new(
            RefKind::Testimonial,
            slug,
            format!("testimonials[{index}]"),
        ));
    }
    let medications = table
        .table("medications")
        .map(|t| read_medication_lists(t, refs))
        .unwrap_or_default();
    let red_flags: Vec<RedFlag> = table
        .table_list("red_flags")
        .into_iter()
        .filter_map(read_red_flag)
        .collect();
    let no_warning_signs = table.string("no_warning_signs");
    let pressing = |flag: &RedFlag| flag.level != RedFlagLevel::Routine;
    if !red_flags.iter().any(pressing) && no_warning_signs.is_none() {
        table.warn_table(
            "red_flags",
            "no emergency or urgent warning sign: add the signs that need care today, or say \
             in `no_warning_signs` why none applies",
        );
    }
    let (review, sources) = provenance::read(&mut table);
    table.finish();
    check_body(file, body, body_offset);
    file.body_at(body, body_offset);

    let unwrap = |list: Vec<At<Slug>>| list.into_iter().map(|s| s.value).collect();
    let meta = ConditionMeta {
        translation_of: translation_of.map(|t| t.value),
        title: title?.value,
        summary: summary?.value,
        also_called: also_called.into_iter().map(|s| s.value).collect(),
        category: category.map(|c| c.value).filter(|c| !c.trim().is_empty()),
        codes: codes.into_iter().map(|c| c.value).collect(),
        related: unwrap(related),
        testimonials: unwrap(testimonials),
        medications,
        red_flags,
        no_warning_signs: no_warning_signs
            .map(|n| n.value)
            .filter(|n| !n.trim().is_empty()),
        review,
        sources,
        translations: BTreeMap::new(),
    };
    (file.problem_count() == before).then(|| Condition {
        slug,
        meta,
        body: body.to_owned(),
    })
}

fn read_medication_lists(mut table: Table<'_, '_>, refs: &mut Vec<Reference>) -> MedicationLists {
    let mut list = |table: &mut Table<'_, '_>, key: &'static str, availability| {
        let slugs = table.parsed_list(key, Slug::parse);
        for (index, slug) in slugs.iter().enumerate() {
            let field = table.field(&format!("{key}[{index}]"));
            refs.push(Reference::new(RefKind::Medication, slug, field).listed_as(availability));
        }
        slugs.into_iter().map(|s| s.value).collect()
    };
    let lists = MedicationLists {
        over_the_counter: list(&mut table, "over_the_counter", Availability::OverTheCounter),
        prescription: list(&mut table, "prescription", Availability::Prescription),
        compounded: list(&mut table, "compounded", Availability::Compounded),
    };
    table.finish();
    lists
}

fn read_red_flag(mut table: Table<'_, '_>) -> Option<RedFlag> {
    let level = table.parsed("level", true, RedFlagLevel::parse);
    let text = table.required_string("text");
    if let Some(text) = &text {
        let kind = match level.as_ref().map(|l| l.value) {
            Some(RedFlagLevel::Emergency | RedFlagLevel::Urgent) => ProseKind::PressingFlag,
            _ => ProseKind::Plain,
        };
        table.prose("text", kind, text);
    }
    table.finish();
    Some(RedFlag {
        level: level?.value,
        text: text?.value,
    })
}
