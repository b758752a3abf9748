//! The words the drug-name rule knows: American English (`data/english-words.txt`, SCOWL),
//! common US drug names (`data/drug-names.txt`) and the pack's own catalog. A word close to a
//! drug name that is none of these is probably that drug misspelled.

use std::collections::HashSet;
use std::sync::LazyLock;

static ENGLISH: &str = include_str!("../../../data/english-words.txt");
static DRUGS: &str = include_str!("../../../data/drug-names.txt");

/// The shipped lists, parsed once.
static SHIPPED: LazyLock<(HashSet<&'static str>, Vec<&'static str>)> = LazyLock::new(|| {
    let english = ENGLISH
        .lines()
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .collect();
    let drugs = DRUGS
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    (english, drugs)
});

/// Known words and drug names for one check: the shipped lists plus a pack's names.
pub struct Lexicon {
    /// Every known word, lower-case: English, drug names (each word of them) and the pack's.
    known: HashSet<String>,
    /// Drug names as spelled in labeling, with their lower-case form.
    drugs: Vec<(String, String)>,
}

impl Lexicon {
    /// The shipped lists, with `names` (the catalog's generic and brand names) and `words` (other
    /// words the pack defines, like condition titles and synonyms) added.
    pub fn with<'n>(
        names: impl IntoIterator<Item = &'n str>,
        words: impl IntoIterator<Item = &'n str>,
    ) -> Self {
        let (english, shipped) = &*SHIPPED;
        let mut known: HashSet<String> = english.iter().map(|w| (*w).to_owned()).collect();
        let mut drugs = Vec::new();
        let mut seen = HashSet::new();
        for name in shipped.iter().copied().chain(names) {
            for word in super::readability::words(name) {
                known.insert(word.to_lowercase());
                if word.chars().count() >= MIN_LEN && seen.insert(word.to_lowercase()) {
                    drugs.push((word.to_owned(), word.to_lowercase()));
                }
            }
        }
        for text in words {
            known.extend(super::readability::words(text).map(str::to_lowercase));
        }
        Self { known, drugs }
    }

    /// The drug name `word` probably misspells, if it is not a known word itself.
    pub fn misspelled_drug(&self, word: &str) -> Option<&str> {
        let lower = word.to_lowercase();
        let length = lower.chars().count();
        if length < MIN_LEN || lower.chars().any(|c| !c.is_alphabetic()) || self.known(&lower) {
            return None;
        }
        // One slip in a short name, two in a long one; the first letter is rarely wrong, and
        // holding it fixed keeps ordinary words from looking like drugs.
        let allowed = if length >= 8 { 2 } else { 1 };
        let first = lower.chars().next();
        self.drugs
            .iter()
            .filter(|(_, drug)| drug.chars().next() == first)
            .map(|(spelled, drug)| (strsim::osa_distance(&lower, drug), spelled))
            .filter(|(distance, _)| *distance <= allowed)
            .min_by_key(|(distance, _)| *distance)
            .map(|(_, spelled)| spelled.as_str())
    }

    fn known(&self, lower: &str) -> bool {
        if self.known.contains(lower) {
            return true;
        }
        // Plurals and possessives of known words ("statins", "Lyrica's").
        ["'s", "’s", "s", "es"].iter().any(|end| {
            lower
                .strip_suffix(end)
                .is_some_and(|stem| self.known.contains(stem))
        })
    }
}

/// Shorter words are left alone: too many real words sit one letter from a short drug name.
const MIN_LEN: usize = 5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_original_pages_misspellings_are_caught_and_real_words_are_not() {
        let lexicon = Lexicon::with(["Flexeril", "guaifenesin", "cyclobenzaprine"], ["cramps"]);
        assert_eq!(lexicon.misspelled_drug("Flexiril"), Some("Flexeril"));
        assert_eq!(lexicon.misspelled_drug("Guafenesin"), Some("guaifenesin"));
        assert_eq!(
            lexicon.misspelled_drug("cyclobenzeprine"),
            Some("cyclobenzaprine")
        );
        for fine in [
            "Flexeril",
            "guaifenesin",
            "flexible",
            "cramps",
            "stretching",
            "muscles",
        ] {
            assert_eq!(lexicon.misspelled_drug(fine), None, "{fine}");
        }
    }
}
