//! The content as a patient reading one language sees it: each entry's translation where it has
//! one, else the English entry (marked, so its page says so and marks it `lang="en"`), with the
//! translations made from an older English version marked too.

use std::collections::HashSet;

use super::{ContentPack, Lang};

/// A content pack in one language.
#[derive(Debug, Clone)]
pub struct Localized {
    pub lang: Lang,
    /// The same entries, slugs and order as the English pack, in `lang` where translated.
    pub pack: ContentPack,
    pub notes: Notes,
}

/// Which entries of a localized pack are shown in English, and which translations are out of
/// date. Keys are `"conditions/<slug>"`, `"medications/<slug>"`, `"testimonials/<slug>"`.
#[derive(Debug, Clone, Default)]
pub struct Notes {
    english: HashSet<String>,
    stale: HashSet<String>,
    /// Categories only untranslated pages have: their names are English.
    english_categories: HashSet<String>,
}

impl Notes {
    /// Shown in English for want of a translation.
    pub fn in_english(&self, kind: &str, slug: &str) -> bool {
        !self.english.is_empty() && self.english.contains(&format!("{kind}/{slug}"))
    }

    /// A category name that is English (no translated page names it in the language).
    pub fn category_in_english(&self, name: &str) -> bool {
        !self.english_categories.is_empty() && self.english_categories.contains(name)
    }

    /// A translation of an older version of the English entry.
    pub fn is_stale(&self, kind: &str, slug: &str) -> bool {
        !self.stale.is_empty() && self.stale.contains(&format!("{kind}/{slug}"))
    }
}

impl ContentPack {
    /// This pack as read in `lang` (for English, a copy of it with no notes).
    pub fn localized(&self, lang: Lang) -> Localized {
        let mut notes = Notes::default();
        let mut note = |kind: &str, slug: &str, translated: bool, stale: bool| {
            if !translated {
                notes.english.insert(format!("{kind}/{slug}"));
            } else if stale {
                notes.stale.insert(format!("{kind}/{slug}"));
            }
        };
        let english = lang == Lang::En;
        // An untranslated page files under its category's name as translated pages give it
        // ("Brain & nerves" → "Cerebro y nervios"), else under the English name, marked.
        let mut categories = std::collections::HashMap::new();
        for c in &self.conditions {
            if let (Some(english), Some(t)) = (&c.meta.category, c.meta.translations.get(&lang))
                && let Some(translated) = &t.meta.category
            {
                categories.insert(english.clone(), translated.clone());
            }
        }
        let mut english_categories = HashSet::new();
        let conditions = self
            .conditions
            .iter()
            .map(|c| match c.meta.translations.get(&lang) {
                Some(t) => {
                    let stale = t.meta.translation_of.as_deref() != Some(&*c.source_print());
                    note("conditions", c.slug.as_str(), true, stale);
                    t.clone()
                }
                None => {
                    note("conditions", c.slug.as_str(), english, false);
                    let mut c = c.clone();
                    c.meta.translations.clear();
                    if let Some(category) = &mut c.meta.category {
                        match categories.get(category) {
                            Some(translated) => category.clone_from(translated),
                            None if !english => {
                                english_categories.insert(category.clone());
                            }
                            None => {}
                        }
                    }
                    c
                }
            })
            .collect();
        let medications = self
            .medications
            .iter()
            .map(|m| {
                let mut shown = m.clone();
                shown.meta.translations.clear();
                match m.meta.translations.get(&lang) {
                    Some(t) => {
                        let stale = t.translation_of.as_deref() != Some(&*m.source_print());
                        note("medications", m.slug.as_str(), true, stale);
                        shown.meta = t.clone();
                    }
                    None => note("medications", m.slug.as_str(), english, false),
                }
                shown
            })
            .collect();
        let testimonials = self
            .testimonials
            .iter()
            .map(|t| {
                let mut shown = t.clone();
                shown.meta.translations.clear();
                match t.meta.translations.get(&lang) {
                    Some(translated) => {
                        let stale =
                            translated.translation_of.as_deref() != Some(&*t.source_print());
                        note("testimonials", t.slug.as_str(), true, stale);
                        shown.meta = translated.clone();
                    }
                    None => note("testimonials", t.slug.as_str(), english, false),
                }
                shown
            })
            .collect();
        Localized {
            lang,
            pack: ContentPack {
                site: self.site.clone(),
                conditions,
                medications,
                testimonials,
            },
            notes: Notes {
                english_categories,
                ..notes
            },
        }
    }
}
