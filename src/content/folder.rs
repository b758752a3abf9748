//! Reading a whole content folder: classify files, decode, parse each, then check references
//! between them. Every problem in the folder is collected; nothing panics on bad input.

use std::collections::{BTreeMap, HashSet};

use super::condition::{Availability, Condition};
use super::medication::Medication;
use jiff::civil::Date;

use super::Lang;
use super::advice::{PageGrade, ProseFile, advise};
use super::entry_file::{parse_toml, read_entry};
use super::problem::{Problem, Severity, SourceFile, did_you_mean};
use super::reader::Table;
use super::refs::{RefKind, Reference};
use super::site;
use super::slug::Slug;
use super::testimonial::Testimonial;
use super::translation::{self, Pending, Translated};
use super::{ContentPack, RawFile};

/// The top-level entries a content folder may have.
const LAYOUT: [&str; 4] = ["site.toml", "conditions", "medications", "testimonials"];

/// The folders that hold one file per entry.
const ENTRY_KINDS: [&str; 3] = ["conditions", "medications", "testimonials"];

/// Parses and checks every file; returns the content, or every problem found (sorted by place).
pub fn load(root: &str, files: &[RawFile]) -> Result<ContentPack, Vec<Problem>> {
    let mut loader = Loader::default();
    for file in files {
        loader.add(root, file);
    }
    loader.finish(root).0
}

/// A folder checked for `pestle check`: the content or its errors, and the advice.
#[derive(Debug, Clone)]
pub struct Checked {
    pub pack: Result<ContentPack, Vec<Problem>>,
    /// Warnings, sorted by place; only when the folder has no errors (advice on a folder that
    /// does not load would be noise).
    pub warnings: Vec<Problem>,
    /// Each condition page's reading grades.
    pub grades: Vec<PageGrade>,
}

/// `load`, plus the advice (`super::advice`) as of `today`.
pub fn check(root: &str, files: &[RawFile], today: Date) -> Checked {
    let mut loader = Loader {
        today: Some(today),
        ..Loader::default()
    };
    for file in files {
        loader.add(root, file);
    }
    let prose = std::mem::take(&mut loader.prose);
    let (pack, mut warnings) = loader.finish(root);
    let Ok(loaded) = &pack else {
        return Checked {
            pack,
            warnings: Vec::new(),
            grades: Vec::new(),
        };
    };
    let advice = advise(loaded, &prose);
    warnings.extend(advice.warnings);
    sort_by_place(&mut warnings);
    Checked {
        pack,
        warnings,
        grades: advice.grades,
    }
}

fn sort_by_place(problems: &mut [Problem]) {
    problems.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
}

/// Whether a file's prose gets the English advice (drug spelling, reading grade): a
/// translation's does not.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Advice {
    English,
    None,
}

#[derive(Default)]
struct Loader {
    /// Set when checking (not only loading): dated rules run and prose is kept for the advice.
    today: Option<Date>,
    problems: Vec<Problem>,
    warnings: Vec<Problem>,
    prose: Vec<ProseFile>,
    site: Option<site::Site>,
    site_seen: bool,
    conditions: BTreeMap<Slug, Condition>,
    medications: BTreeMap<Slug, Medication>,
    testimonials: BTreeMap<Slug, Testimonial>,
    /// Slugs of every file found per kind, parsed or not: a reference to a file that has
    /// problems of its own is not also reported as missing.
    known: BTreeMap<&'static str, HashSet<Slug>>,
    /// References to check once everything is read, with the referring file's name and text.
    pending: Vec<(String, String, Vec<Reference>)>,
    /// Translation files read, checked against their English entries once everything is read.
    translations: Vec<Pending>,
    /// Translation files found, by kind, language and slug.
    translated: HashSet<(&'static str, Lang, Slug)>,
}

impl Loader {
    fn add(&mut self, root: &str, file: &RawFile) {
        let name = format!("{root}/{}", file.path);
        let mut parts = file.path.split('/');
        let (first, second, rest) = (parts.next(), parts.next(), parts.next());
        let hidden = file.path.split('/').any(|p| p.starts_with('.'));
        match (first, second, rest) {
            _ if hidden => {}
            (Some("site.toml"), None, _) => {
                self.site_seen = true;
                if let Some(text) = self.decode(&name, &file.bytes) {
                    let source = SourceFile::new(name.clone(), &text).checked_on(self.today);
                    let mut refs = Vec::new();
                    if let Some(parsed) = parse_toml(&source, &text, 0) {
                        self.site = site::read(Table::root(&source, 0, &parsed), &mut refs);
                    }
                    self.absorb(source, Advice::English);
                    if !refs.is_empty() {
                        self.pending.push((name, text, refs));
                    }
                }
            }
            (Some(kind), Some(file_name), None) if ENTRY_KINDS.contains(&kind) => {
                let kind = ENTRY_KINDS
                    .into_iter()
                    .find(|k| *k == kind)
                    .unwrap_or_default();
                self.add_entry(kind, &name, file_name, &file.bytes);
            }
            // Notes for editors (README.md and the like) may sit at the top.
            (Some(top), None, _) if top.ends_with(".md") || top.ends_with(".txt") => {}
            (Some(top), _, _) => {
                let hint = did_you_mean(top, LAYOUT);
                let message = if LAYOUT.contains(&top) {
                    "unexpected nested folder; put each file directly in its kind's folder"
                        .to_owned()
                } else {
                    format!(
                        "unexpected file or folder `{top}`; a content folder holds site.toml, \
                         conditions/, medications/ and testimonials/{hint}"
                    )
                };
                self.problems.push(whole_file(name, message));
            }
            (None, _, _) => {}
        }
    }

    fn add_entry(&mut self, kind: &'static str, name: &str, file_name: &str, bytes: &[u8]) {
        let extension = if kind == "conditions" { ".md" } else { ".toml" };
        let Some(stem) = file_name.strip_suffix(extension) else {
            self.problems.push(whole_file(
                name.to_owned(),
                format!("unexpected file in {kind}/: expected a `<slug>{extension}` file"),
            ));
            return;
        };
        // `<slug>.es.md` is the Spanish translation of `<slug>.md`.
        let (stem, lang) = match stem.rsplit_once('.') {
            Some((base, code)) => match Lang::parse(code).filter(|l| *l != Lang::En) {
                Some(lang) => (base, lang),
                None => {
                    let known: Vec<_> = Lang::TRANSLATED.iter().map(|l| l.code()).collect();
                    self.problems.push(whole_file(
                        name.to_owned(),
                        format!(
                            "file name: `.{code}` is not a language pestle publishes; a \
                             translation is named `<slug>.<language>{extension}`, with \
                             language one of: {}",
                            known.join(", ")
                        ),
                    ));
                    return;
                }
            },
            None => (stem, Lang::En),
        };
        let slug = match Slug::parse(stem) {
            Ok(slug) => slug,
            Err(message) => {
                self.problems
                    .push(whole_file(name.to_owned(), format!("file name: {message}")));
                return;
            }
        };
        if lang != Lang::En {
            self.add_translation(kind, lang, name, extension, slug, bytes);
            return;
        }
        if !self.known.entry(kind).or_default().insert(slug.clone()) {
            self.problems.push(whole_file(
                name.to_owned(),
                format!("duplicate slug \"{slug}\" in {kind}/"),
            ));
            return;
        }
        let Some(text) = self.decode(name, bytes) else {
            return;
        };
        let source = SourceFile::new(name.to_owned(), &text).checked_on(self.today);
        let mut refs = Vec::new();
        match read_entry(kind, &source, &text, slug.clone(), &mut refs) {
            Some(Translated::Condition(c)) => {
                self.conditions.insert(slug.clone(), c);
            }
            Some(Translated::Medication(m)) => {
                self.medications.insert(slug.clone(), m);
            }
            Some(Translated::Testimonial(t)) => {
                self.testimonials.insert(slug.clone(), t);
            }
            None => {}
        }
        if let Some(line) = translation::print_line(&text)
            && self.is_translated(kind, &slug)
        {
            source.report_at(
                text.lines().take(line - 1).map(|l| l.len() + 1).sum(),
                Some("translation_of"),
                "only a translation (`<slug>.es…`) says what it was translated from; an English \
                 file has no translation_of",
            );
        }
        self.absorb(source, Advice::English);
        if !refs.is_empty() {
            self.pending.push((name.to_owned(), text, refs));
        }
    }

    /// Whether the English entry read just now set `translation_of`.
    fn is_translated(&self, kind: &str, slug: &Slug) -> bool {
        match kind {
            "conditions" => self
                .conditions
                .get(slug)
                .is_some_and(|c| c.meta.translation_of.is_some()),
            "medications" => self
                .medications
                .get(slug)
                .is_some_and(|m| m.meta.translation_of.is_some()),
            _ => self
                .testimonials
                .get(slug)
                .is_some_and(|t| t.meta.translation_of.is_some()),
        }
    }

    /// Reads a translation file with its English kind's reader; it is checked against the English
    /// entry in `finish`. Its prose gets no English advice (drug spelling, reading grade).
    fn add_translation(
        &mut self,
        kind: &'static str,
        lang: Lang,
        name: &str,
        extension: &str,
        slug: Slug,
        bytes: &[u8],
    ) {
        let key = lang.code();
        if !self.translated.insert((kind, lang, slug.clone())) {
            self.problems.push(whole_file(
                name.to_owned(),
                format!("duplicate translation of \"{slug}\" in {kind}/"),
            ));
            return;
        }
        let Some(text) = self.decode(name, bytes) else {
            return;
        };
        let source = SourceFile::new(name.to_owned(), &text).checked_on(self.today);
        let entry = read_entry(kind, &source, &text, slug.clone(), &mut Vec::new());
        let print_line = translation::print_line(&text);
        self.absorb(source, Advice::None);
        if let Some(entry) = entry {
            let root = name.strip_suffix(&format!("{kind}/{slug}.{key}{extension}"));
            self.translations.push(Pending {
                lang,
                file: name.to_owned(),
                english_file: format!("{}{kind}/{slug}{extension}", root.unwrap_or_default()),
                print_line,
                entry,
            });
        }
    }

    /// Takes a read file's errors, and (when checking) its warnings and prose.
    fn absorb(&mut self, source: SourceFile<'_>, advice: Advice) {
        let (name, text) = (source.name.clone(), source.text.to_owned());
        let (problems, prose) = source.into_parts();
        let (errors, warnings): (Vec<Problem>, Vec<Problem>) = problems
            .into_iter()
            .partition(|p| p.severity == Severity::Error);
        self.problems.extend(errors);
        if self.today.is_some() {
            self.warnings.extend(warnings);
            if advice == Advice::English && !prose.is_empty() {
                self.prose.push(ProseFile { name, text, prose });
            }
        }
    }

    /// Decodes UTF-8, reporting the line and column of the first bad byte.
    fn decode(&mut self, name: &str, bytes: &[u8]) -> Option<String> {
        match std::str::from_utf8(bytes) {
            Ok(text) => Some(text.strip_prefix('\u{feff}').unwrap_or(text).to_owned()),
            Err(error) => {
                let good = &bytes[..error.valid_up_to()];
                let line = good.iter().filter(|b| **b == b'\n').count() + 1;
                let line_start = good.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
                let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
                self.problems.push(Problem {
                    severity: Severity::Error,
                    file: name.to_owned(),
                    line: Some(line),
                    column: Some(column),
                    field: None,
                    message: format!(
                        "the file is not UTF-8 text (byte 0x{:02X} at byte offset {}); save it as UTF-8",
                        bytes[error.valid_up_to()],
                        error.valid_up_to()
                    ),
                });
                None
            }
        }
    }

    /// The pack or every error, and the warnings (when checking).
    fn finish(mut self, root: &str) -> (Result<ContentPack, Vec<Problem>>, Vec<Problem>) {
        if !self.site_seen {
            self.problems.push(whole_file(
                format!("{root}/site.toml"),
                "missing: every content folder needs a site.toml with the pharmacy's name and locations".to_owned(),
            ));
        }
        for (name, text, refs) in std::mem::take(&mut self.pending) {
            let source = SourceFile::new(name, &text);
            for reference in &refs {
                self.check_reference(&source, reference);
            }
            self.problems.extend(source.into_problems());
        }
        let mut warnings = Vec::new();
        translation::attach(
            std::mem::take(&mut self.translations),
            translation::English {
                conditions: &mut self.conditions,
                medications: &mut self.medications,
                testimonials: &mut self.testimonials,
            },
            &mut self.problems,
            &mut warnings,
        );
        if self.today.is_some() {
            self.warnings.extend(warnings);
        }
        let warnings = std::mem::take(&mut self.warnings);
        if !self.problems.is_empty() {
            let mut problems = self.problems;
            sort_by_place(&mut problems);
            return (Err(problems), warnings);
        }
        let Some(site) = self.site else {
            return (Err(Vec::new()), warnings);
        };
        let pack = Ok(ContentPack {
            site,
            conditions: self.conditions.into_values().collect(),
            medications: self.medications.into_values().collect(),
            testimonials: self.testimonials.into_values().collect(),
        });
        (pack, warnings)
    }

    fn check_reference(&self, source: &SourceFile<'_>, reference: &Reference) {
        let kind = match reference.kind {
            RefKind::Condition => "conditions",
            RefKind::Medication => "medications",
            RefKind::Testimonial => "testimonials",
        };
        let known = self.known.get(kind);
        if !known.is_some_and(|k| k.contains(&reference.slug)) {
            let hint = did_you_mean(
                reference.slug.as_str(),
                known.into_iter().flatten().map(Slug::as_str),
            );
            source.report_at(
                reference.offset,
                Some(&reference.field),
                format!(
                    "no {} `{}` (expected a file {kind}/{}{}){hint}",
                    reference.kind.noun(),
                    reference.slug,
                    reference.slug,
                    if kind == "conditions" { ".md" } else { ".toml" },
                ),
            );
            return;
        }
        let (Some(listed_as), Some(medication)) =
            (reference.listed_as, self.medications.get(&reference.slug))
        else {
            return;
        };
        let status = medication.meta.status;
        let message = match listed_as {
            Availability::OverTheCounter if status.needs_prescription() => Some(format!(
                "`{}` is listed as over-the-counter but its status is \"{status}\"; \
                 prescription-only medications go under `prescription`",
                reference.slug
            )),
            Availability::Prescription if !status.needs_prescription() => Some(format!(
                "`{}` is listed under prescription but its status is \"{status}\"; \
                 list it under `over_the_counter`",
                reference.slug
            )),
            Availability::Compounded if medication.compounded_forms().is_empty() => Some(format!(
                "`{}` is listed as compounded but its file has no [compounding] forms",
                reference.slug
            )),
            _ => None,
        };
        if let Some(message) = message {
            source.report_at(reference.offset, Some(&reference.field), message);
        }
    }
}

/// A problem about a whole file, with no line to point at.
fn whole_file(file: String, message: String) -> Problem {
    Problem {
        severity: Severity::Error,
        file,
        line: None,
        column: None,
        field: None,
        message,
    }
}
