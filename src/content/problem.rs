//! A problem found in a content folder, pointing at the file, line, column and field, so an
//! editor can jump straight to it. Validation collects every problem instead of stopping at one.

use std::cell::RefCell;
use std::fmt;

/// One actionable mistake in a content file, or (a warning) something a reviewer should look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Errors stop an import; warnings only do under `pestle check --strict`.
    pub severity: Severity,
    /// The file, as shown to the user (the folder given on the command line joined with the
    /// path inside it).
    pub file: String,
    /// 1-based line, when the mistake has a place in the file.
    pub line: Option<usize>,
    /// 1-based column (in characters), when the mistake has a place in the file.
    pub column: Option<usize>,
    /// The dotted field path, such as `review.next` or `medications.prescription[1]`.
    pub field: Option<String>,
    /// What was found and what was expected.
    pub message: String,
}

/// How much a problem matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The folder cannot be imported until it is fixed.
    Error,
    /// Probably wrong or hard to read; `pestle check --strict` treats it as an error.
    Warning,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": ")?;
        if self.severity == Severity::Warning {
            write!(f, "warning: ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "field `{field}`: ")?;
        }
        write!(f, "{}", self.message)
    }
}

/// A place in a file: line and column, both 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` in `text` (clamped to the text, and to a char boundary).
    pub fn of(text: &str, offset: usize) -> Self {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Self { line, column }
    }
}

/// Text a patient reads (a body, a summary, a warning sign), kept with where it was written so
/// the advice (`super::advice`) can point at a word in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prose {
    /// The dotted field, e.g. `red_flags[1].text`, or `body`.
    pub field: String,
    pub kind: ProseKind,
    pub text: String,
    /// Byte offset in the file of the text's first character.
    pub offset: usize,
    /// Whether `text` appears in the file byte for byte from `offset` (no escapes), so a word's
    /// offset inside it is its offset in the file; otherwise words point at the text's start.
    pub verbatim: bool,
}

/// What a piece of prose is, for the rules that treat them differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProseKind {
    /// A condition's Markdown body.
    Body,
    /// An emergency or urgent warning sign: read by someone worried, so the plainest of all.
    PressingFlag,
    /// Any other plain-text field a patient reads.
    Plain,
}

/// A file being checked: its display name, its whole text, and the problems found so far.
///
/// Problems go through a `RefCell` so that nested table readers can all report into the file
/// they came from without threading `&mut` through every call.
pub struct SourceFile<'t> {
    pub name: String,
    pub text: &'t str,
    /// The date a check runs on, for rules about dates (a review that is due); `None` when
    /// the content is only being loaded.
    pub today: Option<jiff::civil::Date>,
    problems: RefCell<Vec<Problem>>,
    prose: RefCell<Vec<Prose>>,
}

impl<'t> SourceFile<'t> {
    pub fn new(name: String, text: &'t str) -> Self {
        Self {
            name,
            text,
            today: None,
            problems: RefCell::new(Vec::new()),
            prose: RefCell::new(Vec::new()),
        }
    }

    /// The same file, checked as of `today` (see `today`).
    pub fn checked_on(mut self, today: Option<jiff::civil::Date>) -> Self {
        self.today = today;
        self
    }

    /// Records a problem at byte `offset` of the file.
    pub fn report_at(&self, offset: usize, field: Option<&str>, message: impl Into<String>) {
        self.push(Severity::Error, offset, field, message.into());
    }

    /// Records a warning at byte `offset` of the file.
    pub fn warn_at(&self, offset: usize, field: Option<&str>, message: impl Into<String>) {
        self.push(Severity::Warning, offset, field, message.into());
    }

    fn push(&self, severity: Severity, offset: usize, field: Option<&str>, message: String) {
        let position = Position::of(self.text, offset);
        self.problems.borrow_mut().push(Problem {
            severity,
            file: self.name.clone(),
            line: Some(position.line),
            column: Some(position.column),
            field: field.map(str::to_owned),
            message,
        });
    }

    /// Keeps `text`, written as a TOML string whose value starts at byte `offset` (its opening
    /// quote), for the advice.
    pub fn prose_at(&self, field: String, kind: ProseKind, text: &str, offset: usize) {
        let rest = &self.text[offset.min(self.text.len())..];
        let skip = [
            "\"\"\"\n",
            "\"\"\"\r\n",
            "\"\"\"",
            "'''\n",
            "'''\r\n",
            "'''",
            "\"",
            "'",
        ]
        .into_iter()
        .find(|quote| rest.starts_with(quote))
        .map_or(0, str::len);
        let start = offset + skip;
        let verbatim = self.text.get(start..start + text.len()) == Some(text);
        self.keep(Prose {
            field,
            kind,
            text: text.to_owned(),
            offset: start,
            verbatim,
        });
    }

    /// Keeps a condition's body, which starts at byte `offset`.
    pub fn body_at(&self, text: &str, offset: usize) {
        self.keep(Prose {
            field: "body".to_owned(),
            kind: ProseKind::Body,
            text: text.to_owned(),
            offset,
            verbatim: true,
        });
    }

    fn keep(&self, prose: Prose) {
        self.prose.borrow_mut().push(prose);
    }

    /// How many errors this file has so far (warnings do not count).
    pub fn problem_count(&self) -> usize {
        self.problems
            .borrow()
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count()
    }

    /// The problems (errors and warnings) and the prose kept.
    pub fn into_parts(self) -> (Vec<Problem>, Vec<Prose>) {
        (self.problems.into_inner(), self.prose.into_inner())
    }

    pub fn into_problems(self) -> Vec<Problem> {
        self.problems.into_inner()
    }
}

/// The closest of `candidates` to `found`, if it is close enough to be a likely typo.
pub fn nearest<'c>(found: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let found = found.to_lowercase();
    candidates
        .into_iter()
        .map(|candidate| (strsim::levenshtein(&found, candidate), candidate))
        .filter(|(distance, candidate)| *distance <= (candidate.len().max(found.len()) / 3).max(2))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// "; did you mean `x`?" when there is a likely candidate, else nothing.
pub fn did_you_mean<'c>(found: &str, candidates: impl IntoIterator<Item = &'c str>) -> String {
    nearest(found, candidates)
        .map(|candidate| format!("; did you mean `{candidate}`?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let text = "ab\ncé d\n";
        assert_eq!(Position::of(text, 0), Position { line: 1, column: 1 });
        assert_eq!(Position::of(text, 3), Position { line: 2, column: 1 });
        // "é" is two bytes but one column.
        assert_eq!(Position::of(text, 6), Position { line: 2, column: 3 });
        assert_eq!(Position::of(text, 999), Position { line: 3, column: 1 });
    }

    #[test]
    fn suggests_only_close_names() {
        assert_eq!(nearest("sumary", ["summary", "title"]), Some("summary"));
        assert_eq!(
            nearest("baclofin", ["baclofen", "ketoprofen"]),
            Some("baclofen")
        );
        assert_eq!(nearest("zzzzzz", ["summary", "title"]), None);
    }

    #[test]
    fn problems_read_like_compiler_errors() {
        let problem = Problem {
            severity: Severity::Error,
            file: "content/site.toml".into(),
            line: Some(3),
            column: Some(1),
            field: Some("tagline".into()),
            message: "missing required field".into(),
        };
        assert_eq!(
            problem.to_string(),
            "content/site.toml:3:1: field `tagline`: missing required field"
        );
    }
}
