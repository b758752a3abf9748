//! Translations: a file beside its English entry (`conditions/<slug>.es.md`,
//! `medications/<slug>.es.toml`, `testimonials/<slug>.es.toml`) with the same structure, its own
//! `[review]`, and `translation_of` — the English version's `source_print` it was made from.
//!
//! What is not words always comes from the English entry, so a patient reading Spanish is never
//! shown a different drug, code or urgency: a translation whose codes, medication lists or
//! warning-sign levels differ from its page's is an error; a medication's status, schedule,
//! brands and forms are taken from the English entry whatever the translation says (they are
//! in its fingerprint, so changing them makes the translation out of date). A translation
//! made from an older English version still loads (a warning; an error under `--strict`), and
//! its page says it may be out of date.

use std::collections::BTreeMap;

use super::condition::Condition;
use super::lang::Lang;
use super::medication::{Medication, MedicationMeta};
use super::problem::{Problem, Severity};
use super::slug::Slug;
use super::testimonial::{Testimonial, TestimonialMeta};

/// A translation file read, waiting for its English entry.
pub struct Pending {
    pub lang: Lang,
    /// The file as problems name it.
    pub file: String,
    /// Where the English file is expected (for the message when it is missing).
    pub english_file: String,
    /// 1-based line of `translation_of`, when the file has one.
    pub print_line: Option<usize>,
    pub entry: Translated,
}

/// An entry file as read: a translation, or (in `folder.rs`) an English entry.
pub enum Translated {
    Condition(Condition),
    Medication(Medication),
    Testimonial(Testimonial),
}

impl Translated {
    fn slug(&self) -> &Slug {
        match self {
            Translated::Condition(c) => &c.slug,
            Translated::Medication(m) => &m.slug,
            Translated::Testimonial(t) => &t.slug,
        }
    }

    fn translation_of(&self) -> Option<&str> {
        match self {
            Translated::Condition(c) => c.meta.translation_of.as_deref(),
            Translated::Medication(m) => m.meta.translation_of.as_deref(),
            Translated::Testimonial(t) => t.meta.translation_of.as_deref(),
        }
    }
}

/// The line `translation_of` is on, when the file has the key.
pub fn print_line(text: &str) -> Option<usize> {
    text.lines()
        .position(|line| line.trim_start().starts_with("translation_of"))
        .map(|i| i + 1)
}

/// The English entries, for attaching translations to.
pub struct English<'a> {
    pub conditions: &'a mut BTreeMap<Slug, Condition>,
    pub medications: &'a mut BTreeMap<Slug, Medication>,
    pub testimonials: &'a mut BTreeMap<Slug, Testimonial>,
}

/// Checks each translation against its English entry and stores it there. Errors go to
/// `problems`; a translation of an older English version warns in `warnings`.
pub fn attach(
    pending: Vec<Pending>,
    english: English<'_>,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<Problem>,
) {
    for item in pending {
        let report = |line: Option<usize>, field: Option<&str>, message: String| Problem {
            severity: Severity::Error,
            file: item.file.clone(),
            line,
            column: line.map(|_| 1),
            field: field.map(str::to_owned),
            message,
        };
        let slug = item.entry.slug().clone();
        let current = match &item.entry {
            Translated::Condition(_) => english.conditions.get(&slug).map(Condition::source_print),
            Translated::Medication(_) => {
                english.medications.get(&slug).map(Medication::source_print)
            }
            Translated::Testimonial(_) => english
                .testimonials
                .get(&slug)
                .map(Testimonial::source_print),
        };
        let Some(current) = current else {
            problems.push(report(
                None,
                None,
                format!(
                    "a translation of `{slug}`, but there is no {}; a translation's file name is \
                     its English file's slug followed by .{}",
                    item.english_file,
                    item.lang.code()
                ),
            ));
            continue;
        };
        let Some(made_from) = item.entry.translation_of() else {
            problems.push(report(
                None,
                Some("translation_of"),
                format!(
                    "missing: a translation names the English version it was made from; add \
                     translation_of = \"{current}\" as the first line of the front matter if it \
                     translates {} as it is now",
                    item.english_file
                ),
            ));
            continue;
        };
        if made_from != current {
            warnings.push(Problem {
                severity: Severity::Warning,
                ..report(
                    item.print_line,
                    Some("translation_of"),
                    format!(
                        "{} changed since this translation was made (translation_of = \
                         \"{made_from}\", the English page is now \"{current}\"); update the \
                         translation, then set translation_of = \"{current}\". Until then its \
                         page says it may be out of date",
                        item.english_file
                    ),
                )
            });
        }
        let mismatches = match item.entry {
            Translated::Condition(mut translated) => {
                let Some(original) = english.conditions.get_mut(&slug) else {
                    continue; // looked up above
                };
                let found = condition_mismatches(original, &mut translated);
                if found.is_empty() {
                    original.meta.translations.insert(item.lang, translated);
                }
                found
            }
            Translated::Medication(translated) => {
                let Some(original) = english.medications.get_mut(&slug) else {
                    continue; // looked up above
                };
                let mut meta = translated.meta;
                let found = medication_mismatches(&original.meta, &mut meta);
                if found.is_empty() {
                    original.meta.translations.insert(item.lang, meta);
                }
                found
            }
            Translated::Testimonial(translated) => {
                let Some(original) = english.testimonials.get_mut(&slug) else {
                    continue; // looked up above
                };
                let mut meta = translated.meta;
                let found = testimonial_mismatches(&original.meta, &mut meta);
                if found.is_empty() {
                    original.meta.translations.insert(item.lang, meta);
                }
                found
            }
        };
        for (field, message) in mismatches {
            problems.push(report(None, Some(field), message));
        }
    }
}

/// A value a translation must not change: when it differs from the English entry, a problem;
/// when the translation left it out, the English value is taken.
fn same<T: PartialEq + Clone + std::fmt::Debug>(
    found: &mut Vec<(&'static str, String)>,
    field: &'static str,
    english: &T,
    translated: &mut T,
    left_out: bool,
) {
    if left_out {
        *translated = english.clone();
    } else if translated != english {
        found.push((
            field,
            format!(
                "differs from the English entry ({translated:?} here, {english:?} there); \
                 it is not translated — write it as in the English file, or leave it out"
            ),
        ));
    }
}

fn condition_mismatches(
    english: &Condition,
    translated: &mut Condition,
) -> Vec<(&'static str, String)> {
    let (e, t) = (&english.meta, &mut translated.meta);
    let mut found = Vec::new();
    let codes_left_out = t.codes.is_empty();
    same(&mut found, "codes", &e.codes, &mut t.codes, codes_left_out);
    let lists_left_out = t.medications.is_empty();
    same(
        &mut found,
        "medications",
        &e.medications,
        &mut t.medications,
        lists_left_out,
    );
    let related_left_out = t.related.is_empty();
    same(
        &mut found,
        "related",
        &e.related,
        &mut t.related,
        related_left_out,
    );
    let stories_left_out = t.testimonials.is_empty();
    same(
        &mut found,
        "testimonials",
        &e.testimonials,
        &mut t.testimonials,
        stories_left_out,
    );
    let levels = |c: &super::condition::ConditionMeta| -> Vec<String> {
        c.red_flags.iter().map(|f| f.level.to_string()).collect()
    };
    if levels(e) != levels(t) {
        found.push((
            "red_flags",
            format!(
                "the warning signs differ from the English page's: {} here ({}), {} there ({}); \
                 translate each warning sign, in the same order and at the same level",
                t.red_flags.len(),
                levels(t).join(", "),
                e.red_flags.len(),
                levels(e).join(", "),
            ),
        ));
    }
    found
}

fn medication_mismatches(
    english: &MedicationMeta,
    t: &mut MedicationMeta,
) -> Vec<(&'static str, String)> {
    let mut found = Vec::new();
    let no_codes = t.codes.is_empty();
    same(&mut found, "codes", &english.codes, &mut t.codes, no_codes);
    // How it is sold and made is the English entry's to say: a change there (in the back office,
    // say) never waits for the translation, and makes it out of date (`source_print` holds
    // them) until someone checks its words still fit.
    t.status = english.status;
    t.schedule = english.schedule;
    t.brands.clone_from(&english.brands);
    t.commercial_forms.clone_from(&english.commercial_forms);
    match (&mut t.compounding, &english.compounding) {
        (Some(translated), Some(original)) => translated.forms.clone_from(&original.forms),
        (translated, None) => *translated = None,
        (None, Some(_)) => found.push((
            "compounding",
            "missing: the English entry says what the pharmacy compounds; translate its \
             [compounding] table"
                .to_owned(),
        )),
    }
    found
}

fn testimonial_mismatches(
    english: &TestimonialMeta,
    t: &mut TestimonialMeta,
) -> Vec<(&'static str, String)> {
    let mut found = Vec::new();
    same(&mut found, "name", &english.name, &mut t.name, false);
    // Whether it is an example is the English entry's to say (the back office changes it there).
    t.example = english.example;
    found
}

#[cfg(test)]
mod tests {
    use super::super::{ContentPack, Lang, RawFile, Severity, sample_files};

    fn edited(path: &str, edit: impl Fn(&str) -> String) -> Vec<RawFile> {
        let mut files = sample_files();
        let file = files.iter_mut().find(|f| f.path == path).expect(path);
        file.bytes = edit(std::str::from_utf8(&file.bytes).unwrap()).into_bytes();
        files
    }

    fn errors(files: &[RawFile]) -> Vec<String> {
        let problems = ContentPack::from_files("c", files).expect_err("should not load");
        problems.iter().map(ToString::to_string).collect()
    }

    const CRAMPS_ES: &str = "conditions/foot-and-leg-cramps.es.md";

    #[test]
    fn the_sample_translations_are_attached_to_their_pages() {
        let pack = ContentPack::sample().unwrap();
        let cramps = pack.condition("foot-and-leg-cramps").unwrap();
        let spanish = &cramps.meta.translations[&Lang::Es];
        assert_eq!(spanish.meta.title, "Calambres en los pies y las piernas");
        assert_eq!(spanish.meta.codes, cramps.meta.codes);
        assert_eq!(
            spanish.meta.translation_of.as_deref(),
            Some(&*cramps.source_print())
        );
        let nystatin = pack.medication("nystatin").unwrap();
        assert_eq!(nystatin.meta.translations[&Lang::Es].name, "nistatina");
    }

    #[test]
    fn an_english_change_makes_the_translation_stale_a_warning() {
        let files = edited("conditions/foot-and-leg-cramps.md", |text| {
            text.replace("## Overview\n", "## Overview\nA new first sentence.\n")
        });
        let checked = ContentPack::check("c", &files, jiff::civil::date(2026, 12, 1));
        assert!(checked.pack.is_ok(), "a stale translation still loads");
        let stale: Vec<_> = checked
            .warnings
            .iter()
            .filter(|w| w.file == format!("c/{CRAMPS_ES}"))
            .collect();
        assert_eq!(stale.len(), 1, "{stale:?}");
        assert_eq!(stale[0].severity, Severity::Warning);
        assert_eq!(stale[0].line, Some(2), "points at translation_of");
        assert!(
            stale[0]
                .message
                .contains("changed since this translation was made")
        );
    }

    #[test]
    fn different_warning_signs_or_medications_or_codes_are_errors() {
        let dropped_flag = edited(CRAMPS_ES, |text| {
            let start = text.find("[[red_flags]]\nlevel = \"routine\"").unwrap();
            let end = start + text[start..].find("\n\n").unwrap() + 2;
            format!("{}{}", &text[..start], &text[end..])
        });
        let found = errors(&dropped_flag);
        assert!(
            found.iter().any(|e| e.contains(CRAMPS_ES)
                && e.contains("field `red_flags`")
                && e.contains("4 here")),
            "{found:?}"
        );
        let other_drug = edited(CRAMPS_ES, |text| {
            text.replace("prescription = [\"orphenadrine\", ", "prescription = [")
        });
        let found = errors(&other_drug);
        assert!(
            found.iter().any(|e| e.contains("field `medications`")),
            "{found:?}"
        );
        let other_code = edited(CRAMPS_ES, |text| text.replace("R25.2\"", "R25.9\""));
        let found = errors(&other_code);
        assert!(
            found.iter().any(|e| e.contains("field `codes`")),
            "{found:?}"
        );
    }

    #[test]
    fn a_translation_without_its_page_or_its_print_is_an_error() {
        let mut files = sample_files();
        let cramps = files.iter().find(|f| f.path == CRAMPS_ES).unwrap().clone();
        files.push(RawFile {
            path: "conditions/foot-cramps.es.md".into(),
            bytes: cramps.bytes,
        });
        let found = errors(&files);
        assert!(
            found
                .iter()
                .any(|e| e.starts_with("c/conditions/foot-cramps.es.md")
                    && e.contains("no c/conditions/foot-cramps.md")),
            "{found:?}"
        );
        let unmarked = edited(CRAMPS_ES, |text| {
            text.lines()
                .filter(|l| !l.starts_with("translation_of"))
                .collect::<Vec<_>>()
                .join("\n")
        });
        let found = errors(&unmarked);
        assert!(
            found
                .iter()
                .any(|e| e.contains("field `translation_of`: missing")),
            "{found:?}"
        );
        let english_marked = edited("conditions/migraine.md", |text| {
            text.replacen("+++\n", "+++\ntranslation_of = \"x\"\n", 1)
        });
        let found = errors(&english_marked);
        assert!(
            found
                .iter()
                .any(|e| e.contains("an English file has no translation_of"))
        );
        let unknown_language = edited(CRAMPS_ES, |t| t.to_owned())
            .into_iter()
            .map(|mut f| {
                if f.path == CRAMPS_ES {
                    f.path = "conditions/foot-and-leg-cramps.fr.md".into();
                }
                f
            })
            .collect::<Vec<_>>();
        let found = errors(&unknown_language);
        assert!(
            found.iter().any(|e| e.contains("`.fr` is not a language")),
            "{found:?}"
        );
    }
}
