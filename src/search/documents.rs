//! The text of every condition and medication, field by field, as the index holds it (public
//! for the benchmark, which indexes the same text in SQLite FTS5 to compare).

use crate::content::{ContentPack, RedFlag, sections};

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
    let mut out = Vec::with_capacity(pack.conditions.len() + pack.medications.len());
    for condition in &pack.conditions {
        let meta = &condition.meta;
        let body: Vec<String> = sections(&condition.body)
            .into_iter()
            .map(|s| format!("{}. {}", s.heading, plain_text(&s.markdown)))
            .chain(meta.red_flags.iter().map(|f: &RedFlag| f.text.clone()))
            .collect();
        let drugs: Vec<String> = meta
            .medications
            .all()
            .filter_map(|(_, slug)| pack.medication(slug.as_str()))
            .map(|m| format!("{} {}", m.meta.name, m.meta.brands.join(" ")))
            .collect();
        let body = body.join(" ");
        out.push(Document {
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
                text: if meta.also_called.is_empty() {
                    format!("{} {body}", meta.summary)
                } else {
                    format!(
                        "{} Also called: {}. {body}",
                        meta.summary,
                        meta.also_called.join(", ")
                    )
                },
            },
            body,
        });
    }
    for medication in &pack.medications {
        let meta = &medication.meta;
        let forms: Vec<String> = medication
            .compounded_forms()
            .iter()
            .map(|f| f.label())
            .collect();
        let summary = meta.summary.clone().unwrap_or_default();
        let body = format!(
            "{} {}",
            forms.join(", "),
            meta.compounding
                .as_ref()
                .and_then(|c| c.note.clone())
                .unwrap_or_default()
        );
        out.push(Document {
            names: format!("{}. {}", meta.name, meta.brands.join(". ")),
            summary: format!("{summary} {}", meta.class.clone().unwrap_or_default()),
            drugs: String::new(),
            entry: Entry {
                kind: Kind::Medication,
                slug: medication.slug.to_string(),
                title: meta.name.clone(),
                url: format!("/medications/{}", medication.slug),
                summary: summary.clone(),
                text: format!("{summary} {body}"),
            },
            body,
        });
    }
    out
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
