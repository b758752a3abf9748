//! Reading one file of a folder: TOML with its syntax errors placed, a condition's `+++` front
//! matter and Markdown body, and an entry file by its kind.

use toml::de::DeTable;

use super::condition;
use super::condition::Condition;
use super::medication;
use super::problem::SourceFile;
use super::reader::Table;
use super::refs::Reference;
use super::slug::Slug;
use super::testimonial;
use super::translation::Translated;

/// Parses TOML that starts at byte `base` of the file, reporting a syntax error with its place.
pub fn parse_toml<'t>(
    source: &SourceFile<'_>,
    text: &'t str,
    base: usize,
) -> Option<toml::Spanned<DeTable<'t>>> {
    let toml_text = &text[base..];
    match DeTable::parse(toml_text) {
        Ok(table) => Some(table),
        Err(error) => {
            let offset = base + error.span().map_or(0, |s| s.start);
            let message = error.message().trim().replace('\n', " ");
            source.report_at(offset, None, format!("broken TOML: {message}"));
            None
        }
    }
}

/// Reads one entry file of `kind` (`conditions`, `medications`, `testimonials`) with its reader.
pub fn read_entry(
    kind: &str,
    source: &SourceFile<'_>,
    text: &str,
    slug: Slug,
    refs: &mut Vec<Reference>,
) -> Option<Translated> {
    match kind {
        "conditions" => parse_condition(source, text, slug, refs).map(Translated::Condition),
        "medications" => parse_toml(source, text, 0).and_then(|parsed| {
            medication::read(slug, Table::root(source, 0, &parsed)).map(Translated::Medication)
        }),
        _ => parse_toml(source, text, 0).and_then(|parsed| {
            testimonial::read(slug, Table::root(source, 0, &parsed)).map(Translated::Testimonial)
        }),
    }
}

/// Splits `+++` front matter from the body and reads both.
pub fn parse_condition(
    source: &SourceFile<'_>,
    text: &str,
    slug: Slug,
    refs: &mut Vec<Reference>,
) -> Option<Condition> {
    let Some(after_open) = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))
    else {
        source.report_at(
            0,
            None,
            "expected TOML front matter: the first line must be exactly +++",
        );
        return None;
    };
    let start = text.len() - after_open.len();
    let mut offset = start;
    let mut close = None;
    for line in after_open.split_inclusive('\n') {
        if line.trim_end_matches(['\r', '\n']) == "+++" {
            close = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((toml_end, body_start)) = close else {
        source.report_at(
            0,
            None,
            "the front matter is not closed: add a line with exactly +++ after it",
        );
        return None;
    };
    let front = &text[..toml_end];
    let parsed = parse_toml(source, front, start)?;
    let table = Table::root(source, start, &parsed);
    condition::read(slug, table, &text[body_start..], body_start, refs)
}
