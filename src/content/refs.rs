//! References between content files (a condition naming a medication, say), collected while
//! reading and checked once every file of the folder is known.

use super::condition::Availability;
use super::reader::At;
use super::slug::Slug;

/// What kind of entry a reference points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefKind {
    Condition,
    Medication,
    Testimonial,
}

impl RefKind {
    pub fn noun(self) -> &'static str {
        match self {
            Self::Condition => "condition",
            Self::Medication => "medication",
            Self::Testimonial => "testimonial",
        }
    }
}

/// One slug written in a file, pointing at another entry.
#[derive(Debug, Clone)]
pub struct Reference {
    pub kind: RefKind,
    pub slug: Slug,
    /// Byte offset in the referring file.
    pub offset: usize,
    /// Full dotted field name, e.g. `medications.prescription[0]`.
    pub field: String,
    /// For medications: the list it is named in, which must fit the medication's status.
    pub listed_as: Option<Availability>,
}

impl Reference {
    pub fn new(kind: RefKind, slug: &At<Slug>, field: String) -> Self {
        Self {
            kind,
            slug: slug.value.clone(),
            offset: slug.offset,
            field,
            listed_as: None,
        }
    }

    pub fn listed_as(mut self, availability: Availability) -> Self {
        self.listed_as = Some(availability);
        self
    }
}
