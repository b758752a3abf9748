//! The frame around every public page (`templates/base.html`): head metadata, header with the
//! "Call us" button, navigation, and the footer with each location's open-now status.

use crate::content::{Location, OpenStatus, Site};

/// What `base.html` reads; each page template holds one as `layout`.
pub struct Layout<'a> {
    pub site: &'a Site,
    pub css: &'a str,
    pub logo: &'a str,
    /// The search box's progressive-enhancement script.
    pub script: &'a str,
    pub locations: Vec<LocationView<'a>>,
    /// The location "Call us" rings.
    pub call: Option<LocationView<'a>>,
    /// Absolute URL of this page.
    pub canonical: String,
    pub meta: Meta,
}

/// A location with its status right now.
#[derive(Clone, Copy)]
pub struct LocationView<'a> {
    pub location: &'a Location,
    pub status: &'a OpenStatus,
}

/// One page's own head data.
pub struct Meta {
    /// Without the pharmacy name; `base.html` appends it.
    pub title: String,
    pub description: String,
    /// Site-relative, e.g. `/conditions/migraine`.
    pub path: String,
    /// The navigation entry to mark as current (`aria-current`), by path.
    pub section: &'static str,
    /// Open Graph type: `website` or `article`.
    pub og_type: &'static str,
    /// JSON-LD documents, already serialised by `super::super::public::schema` (safe for a
    /// `<script>` element).
    pub json_ld: Vec<String>,
    /// Keep out of search indexes (the 404 and search result pages).
    pub noindex: bool,
}

impl Meta {
    pub fn new(
        title: impl Into<String>,
        description: impl Into<String>,
        path: impl Into<String>,
    ) -> Self {
        Self {
            title: title.into(),
            description: description.into(),
            path: path.into(),
            section: "",
            og_type: "website",
            json_ld: Vec::new(),
            noindex: false,
        }
    }

    pub fn section(mut self, section: &'static str) -> Self {
        self.section = section;
        self
    }

    pub fn article(mut self) -> Self {
        self.og_type = "article";
        self
    }

    pub fn json_ld(mut self, document: String) -> Self {
        self.json_ld.push(document);
        self
    }

    pub fn noindex(mut self) -> Self {
        self.noindex = true;
        self
    }
}
