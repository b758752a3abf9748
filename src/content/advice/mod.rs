//! Advice on a content folder that loads: what a reviewer should look at before patients read
//! it. Warnings, not errors — `pestle check --strict` makes them errors. The rules that need one
//! file only (copies of commercial products, warning-sign coverage, a review that is due) run
//! while the file is read; the ones here need the whole pack or the word lists.

mod lexicon;
pub mod readability;

use super::ContentPack;
use super::problem::{Position, Problem, Prose, ProseKind, Severity};
pub use lexicon::Lexicon;

/// The grade level a condition's body should not pass (US patient-education guidance: 6–8).
pub const BODY_GRADE: f64 = 8.0;
/// The grade level an emergency or urgent warning sign should not pass: read in a hurry.
pub const FLAG_GRADE: f64 = 6.0;

/// The prose read from one file, with the file's text to place words in.
#[derive(Debug, Clone)]
pub struct ProseFile {
    pub name: String,
    pub text: String,
    pub prose: Vec<Prose>,
}

/// One page's reading grades, for `pestle check --report`.
#[derive(Debug, Clone, PartialEq)]
pub struct PageGrade {
    pub file: String,
    pub body: f64,
    /// The hardest emergency or urgent warning sign's grade, if the page has any.
    pub hardest_flag: Option<f64>,
}

/// The warnings and grades for a loaded pack.
#[derive(Debug, Clone, Default)]
pub struct Advice {
    pub warnings: Vec<Problem>,
    pub grades: Vec<PageGrade>,
}

/// Runs the whole-pack rules over `files` (the prose of `pack`'s files).
pub fn advise(pack: &ContentPack, files: &[ProseFile]) -> Advice {
    let names = pack.medications.iter().flat_map(|m| {
        std::iter::once(m.meta.name.as_str()).chain(m.meta.brands.iter().map(String::as_str))
    });
    let words = pack.conditions.iter().flat_map(|c| {
        std::iter::once(c.meta.title.as_str()).chain(c.meta.also_called.iter().map(String::as_str))
    });
    let classes = pack
        .medications
        .iter()
        .filter_map(|m| m.meta.class.as_deref());
    let lexicon = Lexicon::with(names, words.chain(classes));
    let mut advice = Advice::default();
    for file in files {
        let warn = |offset: usize, field: &str, message: String| {
            let at = Position::of(&file.text, offset);
            Problem {
                severity: Severity::Warning,
                file: file.name.clone(),
                line: Some(at.line),
                column: Some(at.column),
                field: Some(field.to_owned()),
                message,
            }
        };
        let mut body_grade = None;
        let mut hardest_flag: Option<f64> = None;
        for prose in &file.prose {
            for (offset, word) in placed_words(prose) {
                if let Some(drug) = lexicon.misspelled_drug(word) {
                    let message = format!("\"{word}\" is not a known word; did you mean {drug}?");
                    advice.warnings.push(warn(offset, &prose.field, message));
                }
            }
            let (reading, limit) = match prose.kind {
                ProseKind::Body => (readability::markdown(&prose.text), BODY_GRADE),
                ProseKind::PressingFlag => (readability::plain(&prose.text), FLAG_GRADE),
                ProseKind::Plain => continue,
            };
            match prose.kind {
                ProseKind::Body => body_grade = Some(reading.grade),
                _ => hardest_flag = Some(hardest_flag.unwrap_or(f64::MIN).max(reading.grade)),
            }
            if reading.grade > limit {
                let hardest: Vec<String> = reading
                    .hardest(2)
                    .into_iter()
                    .filter(|s| s.grade() > limit)
                    .map(|s| {
                        let at = Position::of(&file.text, place(prose, s.start));
                        let words: Vec<&str> = s.text.split_whitespace().collect();
                        let opening = words.iter().take(8).copied().collect::<Vec<_>>().join(" ");
                        let more = if words.len() > 8 { " …" } else { "" };
                        format!(
                            "line {} \"{opening}{more}\" ({} words, grade {:.1})",
                            at.line,
                            s.words,
                            s.grade()
                        )
                    })
                    .collect();
                let what = if prose.kind == ProseKind::Body {
                    "the page"
                } else {
                    "this warning sign"
                };
                let message = format!(
                    "{what} reads at grade {:.1} (Flesch-Kincaid), above {limit:.0}; shorten the \
                     hardest sentences and use plainer words: {}",
                    reading.grade,
                    hardest.join("; ")
                );
                advice
                    .warnings
                    .push(warn(prose.offset, &prose.field, message));
            }
        }
        if let Some(body) = body_grade {
            advice.grades.push(PageGrade {
                file: file.name.clone(),
                body,
                hardest_flag,
            });
        }
    }
    advice.warnings.extend(example_testimonials(pack, files));
    advice
}

/// The file offset of byte `index` of a prose text (its start when it was not written verbatim).
fn place(prose: &Prose, index: usize) -> usize {
    if prose.verbatim {
        prose.offset + index
    } else {
        prose.offset
    }
}

/// Each word of a prose text with its offset in the file, outside link targets and code.
fn placed_words(prose: &Prose) -> Vec<(usize, &str)> {
    let text = prose.text.as_str();
    let pieces: Vec<std::ops::Range<usize>> = if prose.kind == ProseKind::Body {
        use pulldown_cmark::{Event, Parser};
        Parser::new(text)
            .into_offset_iter()
            .filter(|(event, _)| matches!(event, Event::Text(_)))
            .map(|(_, range)| range)
            .collect()
    } else {
        std::iter::once(0..text.len()).collect()
    };
    let mut out = Vec::new();
    for range in pieces {
        for word in readability::words(&text[range]) {
            let index = word.as_ptr() as usize - text.as_ptr() as usize;
            out.push((place(prose, index), word));
        }
    }
    out
}

/// An example testimonial on a page marked reviewed: the review vouches for a made-up quote.
fn example_testimonials(pack: &ContentPack, files: &[ProseFile]) -> Vec<Problem> {
    let mut out = Vec::new();
    for condition in pack
        .conditions
        .iter()
        .filter(|c| c.meta.review.is_reviewed())
    {
        let name_end = format!("conditions/{}.md", condition.slug);
        let Some(file) = files.iter().find(|f| f.name.ends_with(&name_end)) else {
            continue;
        };
        for (index, slug) in condition.meta.testimonials.iter().enumerate() {
            if !pack
                .testimonial(slug.as_str())
                .is_some_and(|t| t.meta.example)
            {
                continue;
            }
            let key = file.text.find("testimonials").unwrap_or(0);
            let quoted = format!("\"{slug}\"");
            let offset = file.text[key..].find(&quoted).map_or(key, |i| key + i);
            let at = Position::of(&file.text, offset);
            out.push(Problem {
                severity: Severity::Warning,
                file: file.name.clone(),
                line: Some(at.line),
                column: Some(at.column),
                field: Some(format!("testimonials[{index}]")),
                message: format!(
                    "`{slug}` is an example testimonial, on a page marked reviewed; replace it \
                     with a patient's own words (shared with permission) or remove it"
                ),
            });
        }
    }
    out
}
