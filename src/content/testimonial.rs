//! A patient's testimonial, published with the name and place they agreed to.

use serde::{Deserialize, Serialize};

use super::reader::Table;
use super::slug::Slug;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Testimonial {
    pub slug: Slug,
    pub meta: TestimonialMeta,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestimonialMeta {
    pub quote: String,
    pub name: String,
    pub place: String,
    /// A sample, not a patient's words: shown as an example and left out of structured data.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub example: bool,
}

/// Reads a testimonial file's root table; `None` when anything is wrong.
pub fn read(slug: Slug, mut table: Table<'_, '_>) -> Option<Testimonial> {
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
            quote: quote?.value,
            name: name?.value,
            place: place?.value,
            example: example.is_some_and(|e| e.value),
        },
    })
}
