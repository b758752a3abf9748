//! Pharmacist review of condition pages and their translations: which are due one, and marking
//! one reviewed (its `[review]` gets the reviewer, today and the next date, and it is
//! published). A translation has its own review; one made from an older English version is due
//! again, whatever its dates say.

use jiff::civil::Date;

use super::files::Entry;
use super::{Error, Outcome, PublishLock, Result, publish_held};
use crate::content::{self, ContentPack};
use crate::store::Store;

/// The longest reviewer name and credentials accepted.
const MAX_REVIEWER: usize = 200;

/// A condition page (or translation) whose review is missing or past its next date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    /// The file's name in the back office: the slug, or `slug.es` for a translation.
    pub slug: String,
    pub title: String,
    /// "never reviewed", when the review was due, or that the English page changed.
    pub why: String,
}

/// Why `review` is due on `today`, if it is.
fn due_why(review: &content::Review, today: Date) -> Option<String> {
    if !review.is_reviewed() {
        return Some("never reviewed".to_owned());
    }
    match review.next {
        Some(next) if next < today => Some(format!("review was due {next}")),
        _ => None,
    }
}

/// Conditions and their translations whose review is missing or past its next date on
/// `today`, or (a translation) whose English page changed since it was made; in slug order,
/// each translation after its page.
pub fn review_queue(pack: &ContentPack, today: Date) -> Vec<Due> {
    let mut due = Vec::new();
    for c in &pack.conditions {
        if let Some(why) = due_why(&c.meta.review, today) {
            due.push(Due {
                slug: c.slug.to_string(),
                title: c.meta.title.clone(),
                why,
            });
        }
        for (lang, translation) in &c.meta.translations {
            let stale = translation.meta.translation_of.as_deref() != Some(&c.source_print());
            let why = if stale {
                Some("the English page changed since it was translated".to_owned())
            } else {
                due_why(&translation.meta.review, today)
            };
            if let Some(why) = why {
                due.push(Due {
                    slug: format!("{}.{}", c.slug, lang.code()),
                    title: format!("{} ({})", translation.meta.title, lang.english_name()),
                    why,
                });
            }
        }
    }
    due
}

/// The date at `now` (Unix milliseconds) where the pharmacy is: its main location's time zone,
/// else UTC.
pub fn today(pack: &ContentPack, now: i64) -> Date {
    let tz = pack
        .site
        .main_location()
        .and_then(|l| jiff::tz::TimeZone::get(l.timezone.as_str()).ok())
        .unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::from_millisecond(now)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned_datetime(tz)
        .date()
}

/// What became of "mark reviewed".
#[derive(Debug, PartialEq, Eq)]
pub enum Reviewed {
    /// Published with its new `[review]`.
    Published,
    /// Not done: what to correct, as shown next to the form.
    Refused(&'static str),
}

/// Marks the condition page or translation `entry` reviewed today by `by` (name and
/// credentials), due again on `next` (`YYYY-MM-DD`, after today), and publishes it as `author`.
/// A translation made from an older English version is refused: its words must be brought up
/// to date (and `translation_of` with them) first.
pub async fn mark_reviewed(
    store: &dyn Store,
    lock: &PublishLock,
    entry: &Entry,
    (by, next): (&str, &str),
    author: &str,
    now: i64,
) -> Result<Reviewed> {
    if entry.kind != super::Kind::Condition {
        return Err(Error::NotFound);
    }
    let held = lock.lock().await;
    let fresh = store.load_content().await?.ok_or(Error::NotFound)?;
    let mut condition = fresh.condition(&entry.slug).ok_or(Error::NotFound)?.clone();
    let print = condition.source_print();
    let reviewed = match entry.lang {
        None => &mut condition,
        Some(lang) => {
            let translation = condition
                .meta
                .translations
                .get_mut(&lang)
                .ok_or(Error::NotFound)?;
            if translation.meta.translation_of.as_deref() != Some(&print) {
                return Ok(Reviewed::Refused(
                    "The English page changed since this was translated: bring the translation \
                     up to date and set translation_of to the value the check gives, then mark \
                     it reviewed",
                ));
            }
            translation
        }
    };
    let by = by.trim();
    let next = next.trim().parse::<Date>().ok();
    let today = today(&fresh, now);
    if by.is_empty() || by.chars().count() > MAX_REVIEWER {
        return Ok(Reviewed::Refused(
            "Reviewed by: enter the reviewer's name and credentials, like “Dana Reyes, PharmD”",
        ));
    }
    if next.is_none_or(|n| n <= today) {
        return Ok(Reviewed::Refused(
            "Next review: enter a date after today, like 2027-11-26",
        ));
    }
    reviewed.meta.review = content::Review {
        by: by.to_owned(),
        on: Some(today),
        next,
    };
    let source = content::condition_text(reviewed)?;
    // The page as read above is the version marked reviewed: if it changed since, nothing is.
    let opened = Some(entry.fingerprint_in(&fresh));
    match publish_held(&held, store, entry, (&source, opened), author, now).await? {
        Outcome::Changed { .. } => Ok(Reviewed::Refused(
            "This page was changed by someone else just now: read it again, then mark it reviewed",
        )),
        // Only the review changed, so the page checks unless the stored content itself does
        // not: a defect, not something the pharmacist can correct.
        Outcome::Problems(problems) => Err(anyhow::anyhow!(
            "a reviewed condition does not check: {}",
            problems.join("; ")
        )
        .into()),
        Outcome::Published | Outcome::Saved | Outcome::Checked { .. } => Ok(Reviewed::Published),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_never_reviewed_or_past_their_date_are_due() {
        let mut pack = ContentPack::sample().unwrap();
        let today: Date = "2026-06-01".parse().unwrap();
        let due = review_queue(&pack, today);
        assert!(
            due.iter()
                .any(|d| d.slug == "foot-and-leg-cramps" && d.why == "never reviewed")
        );
        let cramps = pack
            .conditions
            .iter_mut()
            .find(|c| c.slug.as_str() == "foot-and-leg-cramps")
            .unwrap();
        cramps.meta.review = content::Review {
            by: "Dana Reyes, PharmD".to_owned(),
            on: Some("2025-01-01".parse().unwrap()),
            next: Some("2026-05-31".parse().unwrap()),
        };
        let due = review_queue(&pack, today);
        let cramps = due
            .iter()
            .find(|d| d.slug == "foot-and-leg-cramps")
            .unwrap();
        assert_eq!(cramps.why, "review was due 2026-05-31");
        assert!(
            !review_queue(&pack, "2026-05-31".parse().unwrap())
                .iter()
                .any(|d| d.slug == "foot-and-leg-cramps"),
            "due on the day is not late yet"
        );
    }

    #[test]
    fn today_is_the_pharmacys_date() {
        let pack = ContentPack::sample().unwrap();
        // 02:00 UTC on 1 June is still 31 May in Los Angeles (the main location).
        let now = "2026-06-01T02:00:00Z"
            .parse::<jiff::Timestamp>()
            .unwrap()
            .as_millisecond();
        assert_eq!(today(&pack, now).to_string(), "2026-05-31");
    }
}
