//! Checking one changed file the way `pestle import` would: the whole pack, with that file in
//! place of its published text, read again by the content reader, so a link to a medication
//! that does not exist is caught just as a missing title is — with file, line and field.

use std::borrow::Borrow;

use anyhow::Context;

use super::files::{Entry, MAX_SOURCE};
use crate::content::{self, ContentPack, RawFile};

/// Every problem with an edit, each naming file, line and field; shown to the pharmacist.
pub type Problems = Vec<String>;

/// Checks `source` as the file at `entry.path` among the other files of `published`, on the
/// blocking pool: re-serialising and re-reading a whole pack takes long enough with thousands
/// of pages to stall every request sharing a serving thread.
pub async fn check(
    published: impl Borrow<ContentPack> + Send + 'static,
    entry: &Entry,
    source: &str,
) -> anyhow::Result<Result<ContentPack, Problems>> {
    let (entry, source) = (entry.clone(), source.to_owned());
    tokio::task::spawn_blocking(move || check_now(published.borrow(), &entry, &source))
        .await
        .context("the content check stopped")
}

/// `check`, on this thread: for the blocking pool and tests only.
pub fn check_now(
    published: &ContentPack,
    entry: &Entry,
    source: &str,
) -> Result<ContentPack, Problems> {
    if source.len() > MAX_SOURCE {
        return Err(vec![format!(
            "{}: the file is larger than {} KB",
            entry.path,
            MAX_SOURCE / 1000
        )]);
    }
    let mut files: Vec<RawFile> = content::files(published)
        .map_err(|_| vec!["the published content cannot be read back".to_owned()])?
        .into_iter()
        .filter(|(path, _)| *path != entry.path)
        .map(|(path, text)| RawFile {
            path,
            bytes: text.into_bytes(),
        })
        .collect();
    files.push(RawFile {
        path: entry.path.clone(),
        bytes: source.as_bytes().to_vec(),
    });
    ContentPack::from_files("content", &files)
        .map_err(|problems| problems.iter().map(ToString::to_string).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cramps() -> (ContentPack, Entry, String) {
        let pack = ContentPack::sample().unwrap();
        let entry = Entry::parse("conditions", "foot-and-leg-cramps").unwrap();
        let text = entry.published_text(&pack).unwrap().unwrap();
        (pack, entry, text)
    }

    #[test]
    fn a_broken_link_is_named_with_its_file() {
        let (pack, entry, text) = cramps();
        let problems = check_now(
            &pack,
            &entry,
            &text.replace("\"baclofen\"]", "\"baclofenn\"]"),
        )
        .unwrap_err();
        assert!(
            problems
                .iter()
                .any(|p| p.contains("content/conditions/foot-and-leg-cramps.md:")
                    && p.contains("baclofenn")),
            "{problems:#?}"
        );
    }

    #[tokio::test]
    async fn an_edit_that_checks_is_in_the_new_pack_and_too_large_a_file_is_refused() {
        let (pack, entry, text) = cramps();
        let edited = text.replace("A sudden, painful tightening", "A sudden tightening");
        let checked = check(pack.clone(), &entry, &edited).await.unwrap().unwrap();
        let condition = checked.condition("foot-and-leg-cramps").unwrap();
        assert!(condition.meta.summary.starts_with("A sudden tightening"));
        let huge = format!("{text}{}", "x".repeat(MAX_SOURCE));
        let problems = check(pack, &entry, &huge).await.unwrap().unwrap_err();
        assert_eq!(
            problems,
            ["conditions/foot-and-leg-cramps.md: the file is larger than 200 KB"]
        );
    }
}
