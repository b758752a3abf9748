//! The words the content uses, for typo tolerance, "did you mean" and as-you-type completion.
//! A misspelt word is replaced by its nearest known words before the index is asked, so the
//! index only ever runs exact term lookups (fast, and scored by BM25 like any other word).

use std::collections::HashSet;

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

/// Spanish words that say nothing about a page ("dolor de cabeza": "de"), accents as typed
/// or not.
const SPANISH_STOP_WORDS: &[&str] = &[
    "a", "al", "como", "con", "cuando", "de", "del", "e", "el", "en", "es", "la", "las", "lo",
    "los", "me", "mi", "mis", "o", "para", "por", "que", "qué", "se", "si", "sin", "su", "sus",
    "tengo", "u", "un", "una", "y",
];

pub fn is_stop_word(word: &str, lang: crate::content::Lang) -> bool {
    match lang {
        crate::content::Lang::En => STOP_WORDS.contains(&word),
        crate::content::Lang::Es => SPANISH_STOP_WORDS.contains(&word),
    }
}

/// Lower-case words of a text: runs of letters and digits (apostrophes dropped).
pub fn split(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.replace('\'', "").to_lowercase())
        .filter(|w| !w.is_empty())
}

/// Collects the distinct words of many texts. Built word by word into a reused buffer: at 10,000
/// pages that is millions of words, and a string for each (then a sorted set of them) made the
/// vocabulary the slowest part of building the index.
#[derive(Debug, Default)]
pub struct Vocabulary {
    seen: HashSet<String>,
    buffer: String,
}

impl Vocabulary {
    /// Adds the words of `text`, as `split` cuts them.
    pub fn add(&mut self, text: &str) {
        for raw in text.split(|c: char| !(c.is_alphanumeric() || c == '\'')) {
            self.buffer.clear();
            for c in raw.chars().filter(|&c| c != '\'') {
                self.buffer.extend(c.to_lowercase());
            }
            if !self.buffer.is_empty() && !self.seen.contains(self.buffer.as_str()) {
                self.seen.insert(self.buffer.clone());
            }
        }
    }

    /// The words, indexed for lookups.
    pub fn words(self) -> Words {
        let mut sorted: Vec<String> = self
            .seen
            .into_iter()
            .filter(|w| w.chars().count() >= 3 && !w.chars().all(|c| c.is_ascii_digit()))
            .collect();
        sorted.sort_unstable();
        Words { sorted }
    }
}

/// Every distinct word of the content, indexed for fuzzy and prefix lookups.
#[derive(Debug, Default)]
pub struct Words {
    /// Sorted: for prefix ranges, and for the words sharing a first letter — misspellings rarely
    /// change it, and it keeps each lookup to a few hundred comparisons even over a large
    /// catalog.
    sorted: Vec<String>,
}

impl Words {
    /// These words, to add more to.
    pub fn vocabulary(&self) -> Vocabulary {
        Vocabulary {
            seen: self.sorted.iter().cloned().collect(),
            buffer: String::new(),
        }
    }

    #[cfg(test)]
    pub fn new<'a>(texts: impl IntoIterator<Item = &'a str>) -> Self {
        let mut vocabulary = Vocabulary::default();
        for text in texts {
            vocabulary.add(text);
        }
        vocabulary.words()
    }

    pub fn contains(&self, word: &str) -> bool {
        self.sorted
            .binary_search_by(|w| w.as_str().cmp(word))
            .is_ok()
    }

    /// The known words that start with `prefix`, in order.
    fn starting_with(&self, prefix: &str) -> &[String] {
        let start = self.sorted.partition_point(|w| w.as_str() < prefix);
        let after = &self.sorted[start..];
        // Sorted, so the words with the prefix come first and together.
        &after[..after.partition_point(|w| w.starts_with(prefix))]
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
        let mut initial_buffer = [0; 4];
        let initial: &str = initial.encode_utf8(&mut initial_buffer);
        let mut found: Vec<(usize, &str)> = self
            .starting_with(initial)
            .iter()
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
        let mut found: Vec<&str> = self
            .starting_with(prefix)
            .iter()
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
        Words::new([
            "Migraine baclofen Flexeril cramps",
            "cramping hemorrhoids it's plantar",
        ])
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
