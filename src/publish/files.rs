//! Which content file an edit is about: its kind, its name and its path in the content folder,
//! and what a new one starts as.

use crate::content::{self, ContentPack};

/// The largest content file accepted, in bytes.
pub const MAX_SOURCE: usize = 200_000;
/// The longest file name (slug) accepted.
const MAX_SLUG: usize = 100;

/// The kinds of content file, one per folder (and `site.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Site,
    Condition,
    Medication,
    Testimonial,
}

impl Kind {
    /// The folder the kind's files live in (`site` for `site.toml`); the back office's URLs
    /// use the same word.
    pub fn folder(self) -> &'static str {
        match self {
            Self::Site => "site",
            Self::Condition => "conditions",
            Self::Medication => "medications",
            Self::Testimonial => "testimonials",
        }
    }
}

/// One content file: its kind, its name (the slug; `site` for `site.toml`) and its path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: Kind,
    pub slug: String,
    pub path: String,
}

impl Entry {
    /// The entry the store writes for this file.
    pub fn target(&self) -> crate::store::Target {
        use crate::store::Target;
        match self.kind {
            Kind::Site => Target::Site,
            Kind::Condition => Target::Condition(self.slug.clone()),
            Kind::Medication => Target::Medication(self.slug.clone()),
            Kind::Testimonial => Target::Testimonial(self.slug.clone()),
        }
    }

    /// The fingerprint of this entry in `pack` (what the store keeps to tell versions apart);
    /// `None` when `pack` does not have it.
    pub fn fingerprint_in(&self, pack: &crate::content::ContentPack) -> Option<String> {
        use crate::content::fingerprint;
        match self.kind {
            Kind::Site => Some(fingerprint(&pack.site)),
            Kind::Condition => pack.condition(&self.slug).map(fingerprint),
            Kind::Medication => pack.medication(&self.slug).map(fingerprint),
            Kind::Testimonial => pack.testimonial(&self.slug).map(fingerprint),
        }
    }

    /// The file `slug` in `folder`; `None` for an unknown folder or a name a file cannot have.
    pub fn parse(folder: &str, slug: &str) -> Option<Self> {
        let valid_slug = !slug.is_empty()
            && slug.len() <= MAX_SLUG
            && slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        let (kind, path) = match folder {
            "site" if slug == "site" => (Kind::Site, "site.toml".to_owned()),
            "conditions" if valid_slug => (Kind::Condition, format!("conditions/{slug}.md")),
            "medications" if valid_slug => (Kind::Medication, format!("medications/{slug}.toml")),
            "testimonials" if valid_slug => {
                (Kind::Testimonial, format!("testimonials/{slug}.toml"))
            }
            _ => return None,
        };
        Some(Self {
            kind,
            slug: slug.to_owned(),
            path,
        })
    }

    /// The site's own file.
    pub fn site() -> Self {
        Self {
            kind: Kind::Site,
            slug: "site".to_owned(),
            path: "site.toml".to_owned(),
        }
    }

    /// What a new file starts as: enough for the reader to explain what is missing.
    pub fn skeleton(&self) -> String {
        match self.kind {
            Kind::Condition => {
                "+++\ntitle = \"\"\nsummary = \"\"\n\n[review]\nby = \"\"\n+++\n## Overview\n\n"
                    .to_owned()
            }
            Kind::Testimonial => "quote = \"\"\nname = \"\"\nplace = \"\"\n".to_owned(),
            Kind::Medication => "name = \"\"\nstatus = \"\"\n".to_owned(),
            Kind::Site => String::new(),
        }
    }

    /// This file's published text in `pack`, or `None` when it is not published.
    pub fn published_text(&self, pack: &ContentPack) -> anyhow::Result<Option<String>> {
        content::file(pack, &self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_files_and_nothing_else() {
        let entry = Entry::parse("conditions", "heel-pain").unwrap();
        assert_eq!(
            (entry.kind, entry.path.as_str()),
            (Kind::Condition, "conditions/heel-pain.md")
        );
        assert_eq!(Entry::parse("site", "site"), Some(Entry::site()));
        assert_eq!(
            Entry::parse("medications", "baclofen").unwrap().path,
            "medications/baclofen.toml"
        );
        for (folder, slug) in [
            ("site", "other"),
            ("conditions", "Bad Name"),
            ("conditions", "../site"),
            ("conditions", ""),
            ("recipes", "bread"),
        ] {
            assert_eq!(Entry::parse(folder, slug), None, "{folder}/{slug}");
        }
        assert!(Entry::parse("conditions", &"a".repeat(MAX_SLUG + 1)).is_none());
    }

    #[test]
    fn a_published_file_reads_back_and_a_new_one_is_not_there() {
        let pack = ContentPack::sample().unwrap();
        let cramps = Entry::parse("conditions", "foot-and-leg-cramps").unwrap();
        let text = cramps.published_text(&pack).unwrap().unwrap();
        assert!(text.starts_with("+++\ntitle = \"Foot & Leg Cramps\""));
        let new = Entry::parse("conditions", "heel-pain").unwrap();
        assert_eq!(new.published_text(&pack).unwrap(), None);
    }
}
