//! The text of every condition and medication, field by field, as the index holds it (public
//! for the benchmark, which indexes the same text in SQLite FTS5 to compare).

use crate::content::{Condition, ContentPack, Lang, Medication, RedFlag, sections};

use super::{Entry, Kind};

/// One page's text as indexed, field by field (public for the benchmark, which indexes the same
/// text in SQLite FTS5 to compare).
pub struct Document {
    pub entry: Entry,
    /// Title, other names, brand names.
    pub names: String,
    /// Summary with category or drug class.
    pub summary: String,
    /// Sections and red flags (conditions); forms and compounding note (medications).
    pub body: String,
    /// For conditions: the names and brands of the medications it lists.
    pub drugs: String,
}

/// The text of every condition and medication, as the index holds it.
pub fn documents(pack: &ContentPack) -> Vec<Document> {
    let conditions = pack.conditions.iter().map(|c| condition_document(pack, c));
    let medications = pack.medications.iter().map(medication_document);
    conditions.chain(medications).collect()
}

/// The text of every condition and medication in `lang`: `localized` is the content in that
/// language, `english` the content as written, whose medication names and brands are added to
/// each medication's names (a patient reading Spanish may type "ibuprofen" as well as
/// "ibuprofeno"). Hits link to the language's pages.
pub fn documents_in(english: &ContentPack, localized: &ContentPack, lang: Lang) -> Vec<Document> {
    let mut all = documents(localized);
    for document in &mut all {
        document.entry.url = lang.path(&document.entry.url);
        if document.entry.kind == Kind::Medication
            && let Some(m) = english.medication(&document.entry.slug)
        {
            document.names = format!("{}. {}", document.names, m.meta.name);
        }
        if document.entry.kind == Kind::Condition
            && let Some(c) = english.condition(&document.entry.slug)
        {
            let names: Vec<&str> = c
                .meta
                .medications
                .all()
                .filter_map(|(_, slug)| english.medication(slug.as_str()))
                .map(|m| m.meta.name.as_str())
                .collect();
            document.drugs = format!("{} {}", document.drugs, names.join(" "));
        }
    }
    all
}

/// One condition's text, as the index holds it.
pub fn condition_document(pack: &ContentPack, condition: &Condition) -> Document {
    let meta = &condition.meta;
    let drugs: Vec<String> = meta
        .medications
        .all()
        .filter_map(|(_, slug)| pack.medication(slug.as_str()))
        .map(|m| format!("{} {}", m.meta.name, m.meta.brands.join(" ")))
        .collect();
    Document {
        names: format!("{}. {}", meta.title, meta.also_called.join(". ")),
        summary: format!(
            "{} {}",
            meta.summary,
            meta.category.clone().unwrap_or_default()
        ),
        drugs: drugs.join(" "),
        entry: Entry {
            kind: Kind::Condition,
            slug: condition.slug.to_string(),
            title: meta.title.clone(),
            url: format!("/conditions/{}", condition.slug),
            summary: meta.summary.clone(),
        },
        body: condition_body(condition),
    }
}

fn medication_document(medication: &Medication) -> Document {
    let meta = &medication.meta;
    let summary = meta.summary.clone().unwrap_or_default();
    Document {
        names: format!("{}. {}", meta.name, meta.brands.join(". ")),
        summary: format!("{summary} {}", meta.class.clone().unwrap_or_default()),
        drugs: String::new(),
        entry: Entry {
            kind: Kind::Medication,
            slug: medication.slug.to_string(),
            title: meta.name.clone(),
            url: format!("/medications/{}", medication.slug),
            summary,
        },
        body: medication_body(medication),
    }
}

/// The plain text a hit's snippet is cut from: summary, then body. Made again from the pack
/// for each hit rather than kept for every page: at 10,000 conditions that copy was 40 MB.
pub fn snippet_text(pack: &ContentPack, lang: Lang, entry: &Entry) -> String {
    match entry.kind {
        Kind::Condition => pack
            .condition(&entry.slug)
            .map_or_else(String::new, |condition| {
                let meta = &condition.meta;
                let body = condition_body(condition);
                if meta.also_called.is_empty() {
                    format!("{} {body}", meta.summary)
                } else {
                    let also = match lang {
                        Lang::En => "Also called:",
                        Lang::Es => "También llamado:",
                    };
                    format!(
                        "{} {also} {}. {body}",
                        meta.summary,
                        meta.also_called.join(", ")
                    )
                }
            }),
        Kind::Medication => pack
            .medication(&entry.slug)
            .map_or_else(String::new, |medication| {
                let summary = medication.meta.summary.as_deref().unwrap_or_default();
                format!("{summary} {}", medication_body(medication))
            }),
    }
}

/// A condition's sections (heading, then text) and its warning signs.
fn condition_body(condition: &Condition) -> String {
    sections(&condition.body)
        .into_iter()
        .map(|s| format!("{}. {}", s.heading, plain_text(&s.markdown)))
        .chain(
            condition
                .meta
                .red_flags
                .iter()
                .map(|f: &RedFlag| f.text.clone()),
        )
        .collect::<Vec<_>>()
        .join(" ")
}

/// A medication's compounded forms and compounding note.
fn medication_body(medication: &Medication) -> String {
    let forms: Vec<String> = medication
        .compounded_forms()
        .iter()
        .map(|f| f.label())
        .collect();
    format!(
        "{} {}",
        forms.join(", "),
        medication
            .meta
            .compounding
            .as_ref()
            .and_then(|c| c.note.clone())
            .unwrap_or_default()
    )
}

/// The words of a Markdown text, without its markup.
fn plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser};
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new(markdown) {
        match event {
            Event::Text(text) | Event::Code(text) => out.push_str(&text),
            Event::SoftBreak | Event::HardBreak | Event::End(_) => out.push(' '),
            _ => {}
        }
    }
    out
}
