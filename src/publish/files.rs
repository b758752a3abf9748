//! Which content file an edit is about: its kind, its name, its language and its path in the
//! content folder, and what a new one starts as. A translation (`conditions/<slug>.es.md`) is
//! its own file with its own revisions and review, but is stored inside its English entry, so it
//! is written — and compared-and-set — as that entry.

use crate::content::{self, ContentPack, Lang};

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

/// One content file: its kind, its name (the slug; `site` for `site.toml`), the language of a
/// translation (`None`: the English file) and its path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: Kind,
    pub slug: String,
    pub lang: Option<Lang>,
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

    /// The file `name` in `folder` — a slug, or a slug and a translation's language
    /// (`foot-and-leg-cramps.es`); `None` for an unknown folder or a name a file cannot have.
    pub fn parse(folder: &str, name: &str) -> Option<Self> {
        let (slug, lang) = match name.rsplit_once('.') {
            Some((slug, code)) => match Lang::parse(code) {
                Some(lang) if lang != Lang::En && folder != "site" => (slug, Some(lang)),
                _ => return None,
            },
            None => (name, None),
        };
        let code = lang.map_or_else(String::new, |l| format!(".{}", l.code()));
        let valid_slug = !slug.is_empty()
            && slug.len() <= MAX_SLUG
            && slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        let (kind, path) = match folder {
            "site" if slug == "site" => (Kind::Site, "site.toml".to_owned()),
            "conditions" if valid_slug => (Kind::Condition, format!("conditions/{slug}{code}.md")),
            "medications" if valid_slug => {
                (Kind::Medication, format!("medications/{slug}{code}.toml"))
            }
            "testimonials" if valid_slug => {
                (Kind::Testimonial, format!("testimonials/{slug}{code}.toml"))
            }
            _ => return None,
        };
        Some(Self {
            kind,
            slug: slug.to_owned(),
            lang,
            path,
        })
    }

    /// The name in the back office's URLs: the slug, and a translation's language after a dot.
    pub fn name(&self) -> String {
        match self.lang {
            Some(lang) => format!("{}.{}", self.slug, lang.code()),
            None => self.slug.clone(),
        }
    }

    /// The English file this one translates (itself when it is English).
    pub fn english(&self) -> Self {
        Self::parse(self.kind.folder(), &self.slug).unwrap_or_else(|| self.clone())
    }

    /// The site's own file.
    pub fn site() -> Self {
        Self {
            kind: Kind::Site,
            slug: "site".to_owned(),
            lang: None,
            path: "site.toml".to_owned(),
        }
    }

    /// What a new file starts as in `pack`: a translation, as its English file with the
    /// `translation_of` line the check asks for (the translator replaces the words); else
    /// enough for the reader to explain what is missing.
    pub fn start_in(&self, pack: &ContentPack) -> anyhow::Result<String> {
        if self.lang.is_some()
            && let Some(english) = self.english().published_text(pack)?
        {
            let line = format!("translation_of = \"{}\"\n", self.source_print(pack));
            return Ok(match english.strip_prefix("+++\n") {
                Some(rest) => format!("+++\n{line}{rest}"),
                None => format!("{line}{english}"),
            });
        }
        Ok(self.skeleton())
    }

    /// The fingerprint of the English entry's words, which a translation names in
    /// `translation_of` ("" when `pack` does not have the entry).
    pub fn source_print(&self, pack: &ContentPack) -> String {
        match self.kind {
            Kind::Condition => pack.condition(&self.slug).map(|c| c.source_print()),
            Kind::Medication => pack.medication(&self.slug).map(|m| m.source_print()),
            Kind::Testimonial => pack.testimonial(&self.slug).map(|t| t.source_print()),
            Kind::Site => None,
        }
        .unwrap_or_default()
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
            ("conditions", "migraine.fr"),
            ("conditions", "migraine.en"),
            ("conditions", ".es"),
            ("site", "site.es"),
        ] {
            assert_eq!(Entry::parse(folder, slug), None, "{folder}/{slug}");
        }
        let spanish = Entry::parse("conditions", "migraine.es").unwrap();
        assert_eq!(spanish.path, "conditions/migraine.es.md");
        assert_eq!(
            (spanish.slug.as_str(), spanish.lang),
            ("migraine", Some(Lang::Es))
        );
        assert_eq!(spanish.name(), "migraine.es");
        assert_eq!(
            spanish.english(),
            Entry::parse("conditions", "migraine").unwrap()
        );
        assert_eq!(
            Entry::parse("medications", "baclofen.es").unwrap().path,
            "medications/baclofen.es.toml"
        );
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
        let spanish = Entry::parse("conditions", "foot-and-leg-cramps.es").unwrap();
        let text = spanish.published_text(&pack).unwrap().unwrap();
        assert!(text.contains("title = \"Calambres en los pies y las piernas\""));
    }

    #[test]
    fn a_new_translation_starts_as_its_english_file_naming_its_version() {
        let pack = ContentPack::sample().unwrap();
        let spasm = Entry::parse("conditions", "muscle-spasm.es").unwrap();
        assert_eq!(spasm.published_text(&pack).unwrap(), None);
        let start = spasm.start_in(&pack).unwrap();
        let print = pack.condition("muscle-spasm").unwrap().source_print();
        assert!(
            start.starts_with(&format!(
                "+++\ntranslation_of = \"{print}\"\ntitle = \"Muscle Spasm\""
            )),
            "{start}"
        );
        // As it starts, it checks: the translator changes the words, not the shape.
        let checked = crate::publish::check_now(&pack, &spasm, &start).unwrap();
        let condition = checked.condition("muscle-spasm").unwrap();
        assert!(condition.meta.translations.contains_key(&Lang::Es));
        let capsaicin = Entry::parse("medications", "capsaicin.es").unwrap();
        assert_eq!(capsaicin.published_text(&pack).unwrap(), None);
        let start = capsaicin.start_in(&pack).unwrap();
        assert!(start.starts_with("translation_of = "), "{start}");
        crate::publish::check_now(&pack, &capsaicin, &start).unwrap();
    }
}
