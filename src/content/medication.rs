//! A medication or compounding ingredient, one TOML file each.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::lang::Lang;
use super::problem::ProseKind;
use super::provenance::{self, Review, Source};
use super::reader::Table;
use super::slug::Slug;
use super::values::Code;
use super::vocabulary::{DosageForm, MedicationStatus, Schedule, Vocabulary};

/// A medication in the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Medication {
    pub slug: Slug,
    pub meta: MedicationMeta,
}

/// Everything in a medication file. Field names are the file format's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MedicationMeta {
    /// In a translation only: the English version it was made from (`Medication::source_print`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translation_of: Option<String>,
    /// The generic (nonproprietary) name.
    pub name: String,
    pub status: MedicationStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub brands: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<Code>,
    /// Dosage forms sold as approved or commercial products: compounding one of these needs a
    /// stated reason (FDCA §503A: no copies of commercially available drugs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commercial_forms: Vec<DosageForm>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compounding: Option<Compounding>,
    #[serde(default, skip_serializing_if = "Review::is_unset")]
    pub review: Review,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Source>,
    /// This medication in other languages (`<slug>.es.toml`), stored with it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: BTreeMap<Lang, MedicationMeta>,
}

/// What the pharmacy can compound from this ingredient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Compounding {
    pub forms: Vec<DosageForm>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Why a form that is also sold commercially is compounded (custom strength, dye-free, …),
    /// by form.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub reasons: BTreeMap<DosageForm, String>,
}

impl Medication {
    /// The fingerprint of what a translation translates (`Condition::source_print`).
    pub fn source_print(&self) -> String {
        let m = &self.meta;
        let compounding = m
            .compounding
            .as_ref()
            .map(|c| (&c.forms, &c.note, &c.reasons));
        super::short_print(&(
            (&m.name, &m.class, &m.summary, compounding),
            (m.status, m.schedule, &m.brands, &m.commercial_forms),
        ))
    }

    /// The dosage forms the pharmacy compounds it in (empty when it does not compound it).
    pub fn compounded_forms(&self) -> &[DosageForm] {
        self.meta.compounding.as_ref().map_or(&[], |c| &c.forms)
    }
}

/// Reads a medication file's root table; `None` when anything is wrong.
pub fn read(slug: Slug, mut table: Table<'_, '_>) -> Option<Medication> {
    let file = table.file();
    let before = file.problem_count();
    let translation_of = table.string("translation_of");
    let name = table.required_string("name");
    let status = table.parsed("status", true, MedicationStatus::parse);
    let schedule = table.parsed("schedule", false, Schedule::parse);
    let brands = table.string_list("brands");
    let class = table.string("class");
    let summary = table.string("summary");
    if let Some(summary) = &summary {
        table.prose("summary", ProseKind::Plain, summary);
    }
    let codes = table.parsed_list("codes", Code::parse);
    let commercial_forms = table.parsed_list("commercial_forms", DosageForm::parse);
    let commercial: Vec<DosageForm> = commercial_forms.iter().map(|f| f.value).collect();
    let compounding = table
        .table("compounding")
        .and_then(|t| read_compounding(t, &commercial));
    let (review, sources) = provenance::read(&mut table);
    match (status.as_ref().map(|s| s.value), &schedule) {
        (Some(MedicationStatus::Controlled), None) if !table.has("schedule") => table.report_table(
            "schedule",
            "a controlled medication needs its DEA schedule: \"II\", \"III\", \"IV\" or \"V\"",
        ),
        (Some(status), Some(schedule)) if status != MedicationStatus::Controlled => table.report(
            schedule.offset,
            "schedule",
            format!(
                "only controlled medications have a schedule; this one's status is \"{status}\""
            ),
        ),
        _ => {}
    }
    table.finish();
    let non_blank =
        |s: Option<super::reader::At<String>>| s.map(|s| s.value).filter(|s| !s.trim().is_empty());
    let meta = MedicationMeta {
        translation_of: translation_of.map(|t| t.value),
        name: name?.value,
        status: status?.value,
        schedule: schedule.map(|s| s.value),
        brands: brands.into_iter().map(|b| b.value).collect(),
        class: non_blank(class),
        summary: non_blank(summary),
        codes: codes.into_iter().map(|c| c.value).collect(),
        commercial_forms: commercial,
        compounding,
        review,
        sources,
        translations: BTreeMap::new(),
    };
    (file.problem_count() == before).then_some(Medication { slug, meta })
}

/// Reads `[compounding]`; a form also in `commercial` without a reason is a warning.
fn read_compounding(mut table: Table<'_, '_>, commercial: &[DosageForm]) -> Option<Compounding> {
    let forms = table.parsed_list("forms", DosageForm::parse);
    if forms.is_empty() && !table.has("forms") {
        table.report_table(
            "forms",
            "missing required field; list the dosage forms, like [\"cream\", \"gel\"]",
        );
    }
    let note = table.string("note");
    if let Some(note) = &note {
        table.prose("note", ProseKind::Plain, note);
    }
    let mut reasons = BTreeMap::new();
    if let Some(reason_table) = table.table("reasons") {
        let prefix = reason_table.field("");
        for (form, reason) in reason_table.string_entries() {
            let field = format!("{prefix}{}", form.value);
            match DosageForm::parse(&form.value) {
                Err(message) => table.file().report_at(form.offset, Some(&field), message),
                Ok(parsed) if !forms.iter().any(|f| f.value == parsed) => {
                    table.file().report_at(
                        form.offset,
                        Some(&field),
                        format!("\"{parsed}\" is not one of `forms`; a reason is for a form compounded here"),
                    );
                }
                Ok(_) if reason.value.trim().is_empty() => {
                    table
                        .file()
                        .report_at(reason.offset, Some(&field), "must not be empty");
                }
                Ok(parsed) => {
                    table
                        .file()
                        .prose_at(field, ProseKind::Plain, &reason.value, reason.offset);
                    reasons.insert(parsed, reason.value);
                }
            }
        }
    }
    for (index, form) in forms.iter().enumerate() {
        if commercial.contains(&form.value) && !reasons.contains_key(&form.value) {
            table.warn(
                form.offset,
                &format!("forms[{index}]"),
                format!(
                    "\"{}\" is also sold commercially (`commercial_forms`), so compounding it may be \
                     essentially a copy; say why in [compounding.reasons] (custom strength, \
                     allergen- or dye-free, …) or drop the form",
                    form.value
                ),
            );
        }
    }
    table.finish();
    Some(Compounding {
        forms: forms.into_iter().map(|f| f.value).collect(),
        note: note.map(|n| n.value).filter(|n| !n.trim().is_empty()),
        reasons,
    })
}
