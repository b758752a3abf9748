//! A problem found in a content folder, pointing at the file, line, column and field, so an
//! editor can jump straight to it. Validation collects every problem instead of stopping at one.

use std::cell::RefCell;
use std::fmt;

/// One actionable mistake in a content file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
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

/// A file being checked: its display name, its whole text, and the problems found so far.
///
/// Problems go through a `RefCell` so that nested table readers can all report into the file
/// they came from without threading `&mut` through every call.
pub struct SourceFile<'t> {
    pub name: String,
    pub text: &'t str,
    problems: RefCell<Vec<Problem>>,
}

impl<'t> SourceFile<'t> {
    pub fn new(name: String, text: &'t str) -> Self {
        Self {
            name,
            text,
            problems: RefCell::new(Vec::new()),
        }
    }

    /// Records a problem at byte `offset` of the file.
    pub fn report_at(&self, offset: usize, field: Option<&str>, message: impl Into<String>) {
        let position = Position::of(self.text, offset);
        self.problems.borrow_mut().push(Problem {
            file: self.name.clone(),
            line: Some(position.line),
            column: Some(position.column),
            field: field.map(str::to_owned),
            message: message.into(),
        });
    }

    /// How many problems this file has so far.
    pub fn problem_count(&self) -> usize {
        self.problems.borrow().len()
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
