//! Comparing two versions of a file line by line, for the revision page.

/// How a line differs between the two texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Same,
    /// Only in the newer text.
    Added,
    /// Only in the older text.
    Removed,
}

impl Change {
    /// The word the page styles the line by.
    pub fn class(self) -> &'static str {
        match self {
            Self::Same => "same",
            Self::Added => "added",
            Self::Removed => "removed",
        }
    }

    /// The mark in front of the line, as in a unified diff.
    pub fn sign(self) -> &'static str {
        match self {
            Self::Same => " ",
            Self::Added => "+",
            Self::Removed => "-",
        }
    }
}

/// One line of a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    pub change: Change,
    pub text: String,
}

/// `old` and `new` compared line by line. CPU work on large files: callers off the serving
/// threads run it on the blocking pool.
pub fn diff(old: &str, new: &str) -> Vec<DiffLine> {
    similar::TextDiff::from_lines(old, new)
        .iter_all_changes()
        .map(|change| DiffLine {
            change: match change.tag() {
                similar::ChangeTag::Equal => Change::Same,
                similar::ChangeTag::Insert => Change::Added,
                similar::ChangeTag::Delete => Change::Removed,
            },
            text: change.value().trim_end_matches('\n').to_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_marked_as_kept_added_or_removed() {
        let lines: Vec<(Change, String)> = diff("a\nb\nc\n", "a\nc\nd\n")
            .into_iter()
            .map(|l| (l.change, l.text))
            .collect();
        assert_eq!(
            lines,
            [
                (Change::Same, "a".to_owned()),
                (Change::Removed, "b".to_owned()),
                (Change::Same, "c".to_owned()),
                (Change::Added, "d".to_owned()),
            ]
        );
        assert_eq!(
            (Change::Added.sign(), Change::Removed.class()),
            ("+", "removed")
        );
    }
}
