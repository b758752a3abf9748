//! Who reviewed a page and when, and the public sources its facts come from: the same on
//! condition and medication pages, because both carry clinical claims.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::reader::Table;
use super::values::WebUrl;

/// Pharmacist review provenance. An empty `by` means "not yet reviewed".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Review {
    #[serde(default)]
    pub by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<Date>,
}

impl Review {
    pub fn is_reviewed(&self) -> bool {
        !self.by.trim().is_empty()
    }

    /// Serde's `skip_serializing_if` for pages that never had a `[review]` table.
    pub fn is_unset(&self) -> bool {
        *self == Self::default()
    }
}

/// A public source the page's facts come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub title: String,
    pub url: WebUrl,
}

/// Reads `[review]` and `[[sources]]` of a page's root table. A named reviewer needs both dates,
/// the next review comes after the last, and a reviewed page names its sources (a review vouches
/// for facts someone can look up); a next review date already past is a warning.
pub fn read(table: &mut Table<'_, '_>) -> (Review, Vec<Source>) {
    let review_table = table.table("review");
    let sources: Vec<Source> = table
        .table_list("sources")
        .into_iter()
        .filter_map(read_source)
        .collect();
    let review = review_table
        .map(|t| read_review(t, !sources.is_empty() || table.has("sources")))
        .unwrap_or_default();
    (review, sources)
}

fn read_review(mut table: Table<'_, '_>, has_sources: bool) -> Review {
    let by = table.string("by");
    let on = table.date("on");
    let next = table.date("next");
    let reviewed = by.as_ref().is_some_and(|b| !b.value.trim().is_empty());
    if reviewed {
        for (key, date) in [("on", &on), ("next", &next)] {
            if date.is_none() && !table.has(key) {
                table.report_table(key, "required when `review.by` names a reviewer");
            }
        }
        if !has_sources && let Some(by) = &by {
            table.report(
                by.offset,
                "by",
                "a reviewed page needs its sources: add a [[sources]] table (title and url) for \
                 each source the facts on the page come from",
            );
        }
    }
    if let (Some(on), Some(next)) = (&on, &next)
        && next.value <= on.value
    {
        table.report(
            next.offset,
            "next",
            format!(
                "next review {} must be after the review date {}",
                next.value, on.value
            ),
        );
    }
    if let (Some(next), Some(today)) = (&next, table.file().today)
        && reviewed
        && next.value < today
    {
        table.warn(
            next.offset,
            "next",
            format!(
                "the review was due on {}; review the page again and update `on` and `next`",
                next.value
            ),
        );
    }
    table.finish();
    Review {
        by: by.map(|b| b.value).unwrap_or_default(),
        on: on.map(|d| d.value),
        next: next.map(|d| d.value),
    }
}

fn read_source(mut table: Table<'_, '_>) -> Option<Source> {
    let title = table.required_string("title");
    let url = table.parsed("url", true, WebUrl::parse);
    table.finish();
    Some(Source {
        title: title?.value,
        url: url?.value,
    })
}
