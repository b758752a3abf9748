//! Experiences patients shared, decided by a pharmacist: approving one publishes it as a
//! testimonial (checked and published like any edit, with a revision); rejecting keeps it out
//! for good. A story is decided once, however many pharmacists press at the same moment.

use super::files::Entry;
use super::{Error, Outcome, PublishLock, Result, publish_held};
use crate::content::TestimonialMeta;
use crate::store::{Moderation, SharedStory, Store, StoryStatus};

/// A pharmacist's decision on a shared experience.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
}

impl Decision {
    /// From the word in the URL (`approve`, `reject`).
    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "approve" => Some(Self::Approve),
            "reject" => Some(Self::Reject),
            _ => None,
        }
    }

    /// The story's status once decided.
    fn status(self) -> StoryStatus {
        match self {
            Self::Approve => StoryStatus::Approved,
            Self::Reject => StoryStatus::Rejected,
        }
    }
}

/// What became of a decision.
#[derive(Debug, PartialEq, Eq)]
pub enum Decided {
    /// Published as this testimonial file.
    Approved(Entry),
    Rejected,
    /// Already decided by a colleague, or no such story: nothing changed.
    Unchanged,
}

/// Decides story `id` as `author`. Held under `lock` from the decision to the publication, so
/// the approved story is published against the content stored at that moment.
pub async fn decide_story(
    store: &dyn Store,
    lock: &PublishLock,
    id: i64,
    decision: Decision,
    author: &str,
    now: i64,
) -> Result<Decided> {
    let held = lock.lock().await;
    let Some(story) = store
        .decide_story(
            id,
            &Moderation {
                status: decision.status(),
                by: author.to_owned(),
                at: now,
            },
        )
        .await?
    else {
        return Ok(Decided::Unchanged);
    };
    if decision == Decision::Reject {
        return Ok(Decided::Rejected);
    }
    let entry = Entry::parse("testimonials", &testimonial_slug(&story)).ok_or(Error::NotFound)?;
    let source = toml::to_string(&TestimonialMeta {
        quote: story.quote.clone(),
        name: story.name.clone(),
        place: story.place.clone(),
        example: false,
        translation_of: None,
        translations: Default::default(),
    })
    .map_err(anyhow::Error::from)?;
    // A new file: it must not exist yet (the story's id is in its name).
    match publish_held(&held, store, &entry, (&source, Some(None)), author, now).await? {
        // The share form already held the story to the testimonial rules.
        Outcome::Problems(problems) => {
            Err(anyhow::anyhow!("a shared story does not check: {}", problems.join("; ")).into())
        }
        Outcome::Changed { .. } => {
            Err(anyhow::anyhow!("testimonial {} exists already", entry.slug).into())
        }
        Outcome::Published | Outcome::Saved | Outcome::Checked { .. } => {
            Ok(Decided::Approved(entry))
        }
    }
}

/// A testimonial's file name: the shown name in lower case with hyphens, plus the story's id
/// so two "Maria G." never collide.
pub fn testimonial_slug(story: &SharedStory) -> String {
    let mut slug = String::new();
    for c in story.name.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-');
    let slug: String = slug.chars().take(40).collect();
    if slug.is_empty() {
        format!("story-{}", story.id)
    } else {
        format!("{}-{}", slug.trim_end_matches('-'), story.id)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs_are_plain_and_unique_by_id() {
        let story = |name: &str, id| crate::store::SharedStory {
            id,
            created_at: 0,
            name: name.to_owned(),
            place: String::new(),
            quote: String::new(),
            status: crate::store::StoryStatus::Pending,
            decided_by: None,
        };
        assert_eq!(super::testimonial_slug(&story("Clair C.", 7)), "clair-c-7");
        assert_eq!(
            super::testimonial_slug(&story("  José  Núñez ", 8)),
            "jos-n-ez-8"
        );
        assert_eq!(super::testimonial_slug(&story("李", 9)), "story-9");
    }
}
