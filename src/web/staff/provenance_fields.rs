//! The `[review]` and `[[sources]]` of a page as form fields, shared by the condition and
//! medication forms. The review is set by "mark reviewed", never typed here: it rides along in
//! hidden fields so saving a form never drops it.

use crate::content::{Review, Source};

/// Rows offered for sources (blank rows are ignored).
const SOURCE_ROWS: usize = 8;

/// What the form shows and posts back.
pub struct ProvenanceFields {
    /// (by, on, next), as written.
    pub review: (String, String, String),
    /// (title, url), padded with blank rows.
    pub sources: Vec<(String, String)>,
}

impl Default for ProvenanceFields {
    fn default() -> Self {
        Self {
            review: Default::default(),
            sources: vec![(String::new(), String::new()); SOURCE_ROWS],
        }
    }
}

impl ProvenanceFields {
    pub fn from_page(review: &Review, sources: &[Source]) -> Self {
        let mut rows: Vec<(String, String)> = sources
            .iter()
            .map(|s| (s.title.clone(), s.url.as_str().to_owned()))
            .collect();
        rows.resize(SOURCE_ROWS.max(rows.len()), (String::new(), String::new()));
        Self {
            review: (
                review.by.clone(),
                review.on.map(|d| d.to_string()).unwrap_or_default(),
                review.next.map(|d| d.to_string()).unwrap_or_default(),
            ),
            sources: rows,
        }
    }

    /// From the posted fields, read by `get(name)` (`review_by`, `source_title_3`, …).
    pub fn from_posted(get: impl Fn(&str) -> String) -> Self {
        Self {
            review: (get("review_by"), get("review_on"), get("review_next")),
            sources: (1..=SOURCE_ROWS)
                .map(|i| {
                    (
                        get(&format!("source_title_{i}")),
                        get(&format!("source_url_{i}")),
                    )
                })
                .collect(),
        }
    }

    /// Writes `[review]` and `[[sources]]` into a file's root table. Nothing is checked here:
    /// the content reader checks the file.
    pub fn write(&self, file: &mut toml::Table) {
        use toml::Value;
        let mut review = toml::Table::new();
        review.insert("by".into(), Value::String(self.review.0.clone()));
        for (key, value) in [("on", &self.review.1), ("next", &self.review.2)] {
            if let Ok(date) = value.parse::<toml::value::Datetime>() {
                review.insert(key.into(), Value::Datetime(date));
            }
        }
        file.insert("review".into(), Value::Table(review));
        let sources: Vec<Value> = self
            .sources
            .iter()
            .filter(|(title, url)| !title.trim().is_empty() || !url.trim().is_empty())
            .map(|(title, url)| {
                let mut source = toml::Table::new();
                source.insert("title".into(), Value::String(title.trim().to_owned()));
                source.insert("url".into(), Value::String(url.trim().to_owned()));
                Value::Table(source)
            })
            .collect();
        if !sources.is_empty() {
            file.insert("sources".into(), Value::Array(sources));
        }
    }
}
