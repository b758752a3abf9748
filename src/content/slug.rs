//! `Slug`: the lowercase, hyphenated name of a content entry, used in URLs and references.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The longest slug we accept; URLs stay readable and file names portable.
const MAX_LEN: usize = 80;

/// A validated slug: lowercase ASCII letters and digits in words joined by single hyphens.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    /// Parses a slug, saying what is wrong with it when it is not one.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let valid_words = raw.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
        if raw.is_empty() {
            Err("expected a slug, found an empty name".into())
        } else if raw.len() > MAX_LEN {
            Err(format!(
                "a slug may be at most {MAX_LEN} characters, found {}",
                raw.len()
            ))
        } else if !valid_words {
            Err(format!(
                "expected a slug (lowercase letters and digits in words joined by single hyphens, \
                 like `leg-cramps`), found \"{raw}\""
            ))
        } else {
            Ok(Self(raw.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Slug {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Slug> for String {
    fn from(slug: Slug) -> Self {
        slug.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Slug {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_hyphenated_lowercase_words() {
        for ok in ["a", "leg-cramps", "vitamin-b12", "x-1-y"] {
            assert_eq!(Slug::parse(ok).map(|s| s.to_string()), Ok(ok.to_owned()));
        }
    }

    #[test]
    fn rejects_everything_else_with_a_reason() {
        for bad in [
            "",
            "Leg",
            "leg_cramps",
            "-leg",
            "leg-",
            "leg--cramps",
            "é",
            "a b",
            &"a".repeat(81),
        ] {
            let error = Slug::parse(bad).expect_err(bad);
            assert!(error.contains("slug"), "{bad}: {error}");
        }
    }
}
