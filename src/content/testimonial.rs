//! A patient's testimonial, published with the name and place they agreed to.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::lang::Lang;

use super::reader::Table;
use super::slug::Slug;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Testimonial {
    pub slug: Slug,
    pub meta: TestimonialMeta,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestimonialMeta {
    /// In a translation only: the English version it was made from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translation_of: Option<String>,
    pub quote: String,
    pub name: String,
    pub place: String,
    /// A sample, not a patient's words: shown as an example and left out of structured data.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub example: bool,
    /// This testimonial in other languages (`<slug>.es.toml`), stored with it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: BTreeMap<Lang, TestimonialMeta>,
}

impl Testimonial {
    /// The fingerprint of what a translation translates: the quote.
    pub fn source_print(&self) -> String {
        super::short_print(&self.meta.quote)
    }
}

/// Reads a testimonial file's root table; `None` when anything is wrong.
pub fn read(slug: Slug, mut table: Table<'_, '_>) -> Option<Testimonial> {
    let translation_of = table.string("translation_of");
    let quote = table.required_string("quote");
    let name = table.required_string("name");
    let place = table.required_string("place");
    let example = table.bool("example");
    if let Some(quote) = &quote {
        table.prose("quote", super::problem::ProseKind::Plain, quote);
    }
    table.finish();
    Some(Testimonial {
        slug,
        meta: TestimonialMeta {
            translation_of: translation_of.map(|t| t.value),
            quote: quote?.value,
            name: name?.value,
            place: place?.value,
            example: example.is_some_and(|e| e.value),
            translations: BTreeMap::new(),
        },
    })
}
