//! The words the content uses, for typo tolerance, "did you mean" and as-you-type completion.
//! A misspelt word is replaced by its nearest known words before the index is asked, so the
//! index only ever runs exact term lookups (fast, and scored by BM25 like any other word).

use std::collections::{BTreeSet, HashMap, HashSet};

/// How many edits a word of this many letters may have: none up to 4 letters, 1 for 5–8,
/// 2 for 9 or more.
pub fn allowed_edits(word: &str) -> usize {
    match word.chars().count() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// Words too common to search on ("leg cramps *at* night").
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "how",
    "i", "if", "in", "is", "it", "my", "of", "on", "or", "the", "to", "what", "when", "with",
];

pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word)
}

/// Lower-case words of a text: runs of letters and digits (apostrophes dropped).
pub fn split(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.replace('\'', "").to_lowercase())
        .filter(|w| !w.is_empty())
}

/// Every distinct word of the content, indexed for fuzzy and prefix lookups.
#[derive(Debug, Default)]
pub struct Words {
    known: HashSet<String>,
    /// Sorted, for prefix ranges.
    sorted: Vec<String>,
    /// By first letter: misspellings rarely change it, and it keeps each lookup to a few
    /// hundred comparisons even over a large catalog.
    by_initial: HashMap<char, Vec<String>>,
}

impl Words {
    pub fn new(words: impl IntoIterator<Item = String>) -> Self {
        let set: BTreeSet<String> = words
            .into_iter()
            .filter(|w| w.chars().count() >= 3 && !w.chars().all(|c| c.is_ascii_digit()))
            .collect();
        let mut by_initial: HashMap<char, Vec<String>> = HashMap::new();
        for word in &set {
            if let Some(initial) = word.chars().next() {
                by_initial.entry(initial).or_default().push(word.clone());
            }
        }
        Self {
            known: set.iter().cloned().collect(),
            sorted: set.into_iter().collect(),
            by_initial,
        }
    }

    pub fn contains(&self, word: &str) -> bool {
        self.known.contains(word)
    }

    /// Known words within the allowed edits of `word`, nearest first (at most `limit`).
    pub fn near(&self, word: &str, limit: usize) -> Vec<&str> {
        let edits = allowed_edits(word);
        let Some(initial) = word.chars().next() else {
            return Vec::new();
        };
        if edits == 0 {
            return Vec::new();
        }
        let length = word.chars().count();
        let mut found: Vec<(usize, &str)> = self
            .by_initial
            .get(&initial)
            .into_iter()
            .flatten()
            .filter(|candidate| candidate.chars().count().abs_diff(length) <= edits)
            .filter_map(|candidate| {
                let distance = strsim::damerau_levenshtein(word, candidate);
                (distance <= edits).then_some((distance, candidate.as_str()))
            })
            .collect();
        found.sort();
        found.into_iter().take(limit).map(|(_, w)| w).collect()
    }

    /// Known words that start with `prefix` (at least 3 letters), shortest first.
    pub fn completions(&self, prefix: &str, limit: usize) -> Vec<&str> {
        if prefix.chars().count() < 3 {
            return Vec::new();
        }
        let start = self.sorted.partition_point(|w| w.as_str() < prefix);
        let mut found: Vec<&str> = self.sorted[start..]
            .iter()
            .take_while(|w| w.starts_with(prefix))
            .map(String::as_str)
            .collect();
        found.sort_by_key(|w| w.len());
        found.truncate(limit);
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words() -> Words {
        Words::new(split(
            "Migraine baclofen Flexeril cramps cramping hemorrhoids it's plantar",
        ))
    }

    #[test]
    fn edits_grow_with_word_length() {
        assert_eq!(allowed_edits("pain"), 0);
        assert_eq!(allowed_edits("cramp"), 1);
        assert_eq!(allowed_edits("baclofen"), 1);
        assert_eq!(allowed_edits("hemorrhoid"), 2);
    }

    #[test]
    fn near_finds_misspellings_within_the_allowed_edits() {
        let words = words();
        assert_eq!(words.near("migrane", 3), ["migraine"]);
        assert_eq!(words.near("baclofin", 3), ["baclofen"]);
        assert_eq!(words.near("flexiril", 3), ["flexeril"]);
        assert_eq!(words.near("hemorroids", 3), ["hemorrhoids"]);
        assert!(
            words.near("pian", 3).is_empty(),
            "short words must be exact"
        );
        assert!(words.near("mxgrxne", 3).is_empty());
    }

    #[test]
    fn completions_need_three_letters() {
        let words = words();
        assert_eq!(words.completions("cram", 5), ["cramps", "cramping"]);
        assert!(words.completions("cr", 5).is_empty());
        assert!(words.contains("its"), "apostrophes are dropped");
    }
}
