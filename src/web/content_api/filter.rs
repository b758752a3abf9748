//! The condition list's parameters as posted and checked: the cursor, page size and filters,
//! and the next page's link that carries them on.

use serde::Deserialize;
use utoipa::IntoParams;

use super::model::{self, ReviewStatus};
use super::{DEFAULT_PAGE, MAX_PAGE};
use crate::content::Slug;
use crate::web::render::Rendered;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Where the previous page ended: the `next` link carries it.
    #[param(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 80)]
    pub cursor: Option<String>,
    /// Conditions per page, 1 to 100 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// Only this category, e.g. `Muscles, bones and joints` (any case).
    #[param(max_length = 100)]
    category: Option<String>,
    /// Only names starting with this letter, `a` to `z`.
    #[param(pattern = "^[A-Za-z]$")]
    letter: Option<String>,
    /// Only pages changed at or after this instant (RFC 3339; a date, `2026-11-01`, is taken as
    /// midnight UTC).
    #[param(value_type = Option<String>, format = DateTime)]
    updated_since: Option<String>,
    /// Only pages whose review is `reviewed`, `overdue` or `not-reviewed`.
    #[param(value_type = Option<ReviewStatus>)]
    review: Option<String>,
}

/// A condition list's filters, checked.
pub struct Filter {
    pub cursor: Option<Slug>,
    pub limit: usize,
    category: Option<String>,
    letter: Option<char>,
    updated_since: Option<jiff::Timestamp>,
    review: Option<ReviewStatus>,
    /// The query as given, for the next page's link.
    given: Vec<(&'static str, String)>,
}

impl Filter {
    /// The filters, or the parameter that is wrong and what is wrong with it.
    pub fn read(query: &ListQuery) -> Result<Self, (&'static str, String)> {
        let cursor = match &query.cursor {
            Some(raw) => Some(
                Slug::parse(raw)
                    .map_err(|_| ("cursor", "not a cursor this API gave".to_owned()))?,
            ),
            None => None,
        };
        let limit = match &query.limit {
            Some(raw) => raw
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_PAGE).contains(n))
                .ok_or_else(|| {
                    (
                        "limit",
                        format!("expected a whole number from 1 to {MAX_PAGE}"),
                    )
                })?,
            None => DEFAULT_PAGE,
        };
        let letter = match &query.letter {
            Some(raw) => {
                let mut chars = raw.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) if c.is_ascii_alphabetic() => Some(c.to_ascii_lowercase()),
                    _ => return Err(("letter", "expected one letter, a to z".to_owned())),
                }
            }
            None => None,
        };
        let updated_since = match &query.updated_since {
            Some(raw) => Some(since(raw).ok_or_else(|| {
                (
                    "updated_since",
                    "expected an RFC 3339 instant or a date, like 2026-11-01".to_owned(),
                )
            })?),
            None => None,
        };
        let review = match query.review.as_deref() {
            Some("reviewed") => Some(ReviewStatus::Reviewed),
            Some("overdue") => Some(ReviewStatus::Overdue),
            Some("not-reviewed") => Some(ReviewStatus::NotReviewed),
            Some(_) => {
                return Err((
                    "review",
                    "expected reviewed, overdue or not-reviewed".to_owned(),
                ));
            }
            None => None,
        };
        if query
            .category
            .as_ref()
            .is_some_and(|c| c.chars().count() > 100)
        {
            return Err(("category", "longer than 100 characters".to_owned()));
        }
        let category = query.category.as_ref().map(|c| c.trim().to_lowercase());
        let mut given = Vec::new();
        for (name, value) in [
            ("category", &query.category),
            ("letter", &query.letter),
            ("updated_since", &query.updated_since),
            ("review", &query.review),
            ("limit", &query.limit),
        ] {
            if let Some(value) = value {
                given.push((name, value.clone()));
            }
        }
        Ok(Self {
            cursor,
            limit,
            category,
            letter,
            updated_since,
            review,
            given,
        })
    }

    pub fn keeps(&self, condition: &model::ConditionSummary, site: &Rendered) -> bool {
        let category = self.category.as_ref().is_none_or(|wanted| {
            condition
                .category
                .as_ref()
                .is_some_and(|c| c.to_lowercase() == *wanted)
        });
        let letter = self.letter.is_none_or(|letter| {
            condition
                .name
                .chars()
                .next()
                .is_some_and(|first| first.to_ascii_lowercase() == letter)
        });
        let updated = self.updated_since.is_none_or(|since| {
            site.modified(&format!("conditions/{}", condition.slug))
                .is_some_and(|ms| ms >= since.as_millisecond())
        });
        let review = self
            .review
            .is_none_or(|review| condition.review_status == review);
        category && letter && updated && review
    }

    pub fn next_link(&self, last: &str) -> String {
        let mut link = url::form_urlencoded::Serializer::new(String::new());
        link.append_pair("cursor", last);
        for (name, value) in &self.given {
            link.append_pair(name, value);
        }
        format!("/api/v1/conditions?{}", link.finish())
    }
}

/// `2026-11-01T00:00:00Z` or `2026-11-01` (midnight UTC).
fn since(raw: &str) -> Option<jiff::Timestamp> {
    raw.parse::<jiff::Timestamp>().ok().or_else(|| {
        raw.parse::<jiff::civil::Date>()
            .ok()?
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|at| at.timestamp())
    })
}
