//! The workflows against a real store (SQLite in a temporary folder) with a fixed clock and no
//! HTTP: what each returns and what it leaves stored.

use super::*;
use crate::content::Lang;
use crate::store::{ImportMode, NewSharedStory};

/// 12:00 UTC on 1 June 2026.
const NOW: i64 = 1_780_315_200_000;
const AUTHOR: &str = "pharmacist@willow.example";

async fn sample_store() -> (tempfile::TempDir, Arc<dyn Store>, Arc<ContentPack>) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("pestle.db").display());
    let store = crate::store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    let pack = ContentPack::sample().unwrap();
    store.import(&pack, ImportMode::Keep).await.unwrap();
    (dir, store, Arc::new(pack))
}

fn edit<'a>(entry: &'a Entry, source: &str, action: Action) -> Edit<'a> {
    Edit {
        entry,
        source: source.to_owned(),
        action,
        author: AUTHOR,
        opened: None,
    }
}

#[test]
fn actions_are_the_three_words_and_nothing_else() {
    assert_eq!(Action::parse("preview"), Some(Action::Preview));
    assert_eq!(Action::parse("save"), Some(Action::SaveDraft));
    assert_eq!(Action::parse("publish"), Some(Action::Publish));
    for word in ["", "Publish", "delete", "save-draft "] {
        assert_eq!(Action::parse(word), None, "{word:?}");
    }
}

#[tokio::test]
async fn an_edit_is_checked_saved_published_compared_and_restored() {
    let (_dir, store, published) = sample_store().await;
    let lock = PublishLock::default();
    let entry = Entry::parse("conditions", "foot-and-leg-cramps").unwrap();
    let original = entry.published_text(&published).unwrap().unwrap();
    let edited = original.replace("A sudden, painful tightening", "A sudden tightening");

    let outcome = apply(
        &*store,
        &lock,
        published.clone(),
        edit(&entry, &edited, Action::Preview),
        NOW,
    )
    .await
    .unwrap();
    let Outcome::Checked { body: Some(body) } = outcome else {
        panic!("{outcome:?}");
    };
    assert!(body.contains("## Overview"));
    let dangling = edited.replace("\"baclofen\"]", "\"baclofenn\"]");
    let outcome = apply(
        &*store,
        &lock,
        published.clone(),
        edit(&entry, &dangling, Action::SaveDraft),
        NOW,
    )
    .await
    .unwrap();
    assert!(matches!(outcome, Outcome::Problems(p) if p.iter().any(|p| p.contains("baclofenn"))));
    assert!(
        store.revisions(&entry.path, 10).await.unwrap().is_empty(),
        "nothing kept"
    );

    let outcome = apply(
        &*store,
        &lock,
        published.clone(),
        edit(&entry, &edited, Action::SaveDraft),
        NOW,
    )
    .await
    .unwrap();
    assert_eq!(outcome, Outcome::Saved);
    let opened = editing(&*store, &published, &entry).await.unwrap();
    assert!(opened.is_draft && !opened.is_new);
    assert_eq!(opened.source, edited);
    assert_eq!(
        opened.revisions[0].saved.created_at, NOW,
        "the clock given, not the wall clock"
    );
    match form_start(&*store, published.clone(), &entry)
        .await
        .unwrap()
    {
        FormStart::Checked { pack, source } => {
            assert_eq!(source, edited);
            let summary = &pack.condition(&entry.slug).unwrap().meta.summary;
            assert!(
                summary.starts_with("A sudden tightening"),
                "the draft, checked"
            );
        }
        _ => panic!("a draft that checks opens in the form"),
    }

    let outcome = apply(
        &*store,
        &lock,
        published.clone(),
        edit(&entry, &edited, Action::Publish),
        NOW + 1,
    )
    .await
    .unwrap();
    assert_eq!(outcome, Outcome::Published);
    let stored = store.load_content().await.unwrap().unwrap();
    let summary = &stored.condition(&entry.slug).unwrap().meta.summary;
    assert!(summary.starts_with("A sudden tightening"));
    let revisions = store.revisions(&entry.path, 10).await.unwrap();
    let states: Vec<&str> = revisions.iter().map(|r| r.saved.state.slug()).collect();
    assert_eq!(states, [PUBLISHED.slug(), DRAFT.slug()]);

    // The draft is the same text as what is published now; the original differs in a line.
    let same = compare(&*store, &stored, &entry, revisions[1].id)
        .await
        .unwrap();
    assert!(same.lines.iter().all(|l| l.change == Change::Same));
    store
        .add_revision(&NewRevision {
            path: entry.path.clone(),
            source: original.clone(),
            author: AUTHOR.to_owned(),
            created_at: NOW + 2,
            state: PUBLISHED,
        })
        .await
        .unwrap();
    let old_id = store.revisions(&entry.path, 1).await.unwrap()[0].id;
    let changed = compare(&*store, &stored, &entry, old_id).await.unwrap();
    assert!(
        changed
            .lines
            .iter()
            .any(|l| l.change == Change::Added && l.text.contains("A sudden, painful tightening"))
    );
    restore(&*store, &entry, old_id, AUTHOR, NOW + 3)
        .await
        .unwrap();
    assert_eq!(
        editing(&*store, &stored, &entry).await.unwrap().source,
        original
    );
    let other = Entry::parse("medications", "baclofen").unwrap();
    assert!(matches!(
        restore(&*store, &other, old_id, AUTHOR, NOW).await,
        Err(Error::NotFound)
    ));
}

#[tokio::test]
async fn a_new_entry_opens_empty_and_an_unchecked_draft_is_finished_in_the_file() {
    let (_dir, store, published) = sample_store().await;
    let new = Entry::parse("conditions", "heel-pain").unwrap();
    assert!(matches!(
        form_start(&*store, published.clone(), &new).await.unwrap(),
        FormStart::New
    ));
    let opened = editing(&*store, &published, &new).await.unwrap();
    assert!(opened.is_new && opened.source == new.skeleton());
    let migraine = Entry::parse("conditions", "migraine").unwrap();
    add_revision(
        &*store,
        &migraine,
        "not a page".to_owned(),
        AUTHOR,
        NOW,
        DRAFT,
    )
    .await
    .unwrap();
    assert!(matches!(
        form_start(&*store, published, &migraine).await.unwrap(),
        FormStart::FinishInFile
    ));
}

#[tokio::test]
async fn a_review_needs_a_reviewer_and_a_later_date_then_publishes() {
    let (_dir, store, _) = sample_store().await;
    let lock = PublishLock::default();
    let slug = "foot-and-leg-cramps";
    let entry = Entry::parse("conditions", slug).unwrap();
    let refused = mark_reviewed(&*store, &lock, &entry, ("Dana", "2026-06-01"), AUTHOR, NOW)
        .await
        .unwrap();
    assert!(matches!(refused, Reviewed::Refused(why) if why.starts_with("Next review")));
    let refused = mark_reviewed(&*store, &lock, &entry, (" ", "2027-06-01"), AUTHOR, NOW)
        .await
        .unwrap();
    assert!(matches!(refused, Reviewed::Refused(why) if why.starts_with("Reviewed by")));
    let done = mark_reviewed(
        &*store,
        &lock,
        &entry,
        ("Dana Reyes, PharmD", "2027-06-01"),
        AUTHOR,
        NOW,
    )
    .await
    .unwrap();
    assert_eq!(done, Reviewed::Published);
    let stored = store.load_content().await.unwrap().unwrap();
    let review = &stored.condition(slug).unwrap().meta.review;
    assert_eq!(review.by, "Dana Reyes, PharmD");
    assert_eq!(
        review.on.map(|d| d.to_string()).as_deref(),
        Some("2026-06-01")
    );
    let missing = Entry::parse("conditions", "no-such-page").unwrap();
    assert!(matches!(
        mark_reviewed(
            &*store,
            &lock,
            &missing,
            ("Dana", "2027-06-01"),
            AUTHOR,
            NOW
        )
        .await,
        Err(Error::NotFound)
    ));
}

/// A translation is edited, published and reviewed as its own file, and written inside its
/// English entry; once the English page changes it is due again and cannot be marked reviewed
/// until it names the new English version.
#[tokio::test]
async fn a_translation_has_its_own_edits_and_review() {
    let (_dir, store, published) = sample_store().await;
    let lock = PublishLock::default();
    let spanish = Entry::parse("conditions", "migraine.es").unwrap();
    let today = today(&published, NOW);
    let due = |pack: &ContentPack| -> Vec<(String, String)> {
        review_queue(pack, today)
            .into_iter()
            .filter(|d| d.slug.starts_with("migraine"))
            .map(|d| (d.slug, d.why))
            .collect()
    };
    assert!(due(&published).contains(&("migraine.es".to_owned(), "never reviewed".to_owned())));

    let text = spanish.published_text(&published).unwrap().unwrap();
    let edited = text.replacen("title = \"", "title = \"La ", 1);
    let outcome = apply(
        &*store,
        &lock,
        published.clone(),
        edit(&spanish, &edited, Action::Publish),
        NOW,
    )
    .await
    .unwrap();
    assert_eq!(outcome, Outcome::Published);
    let stored = store.load_content().await.unwrap().unwrap();
    let migraine = stored.condition("migraine").unwrap();
    assert!(
        migraine.meta.translations[&Lang::Es]
            .meta
            .title
            .starts_with("La ")
    );
    assert_eq!(
        migraine.meta.title, "Migraine",
        "the English page is as it was"
    );
    assert_eq!(store.revisions(&spanish.path, 10).await.unwrap().len(), 1);

    let by = ("Lucía Ortega, PharmD", "2027-06-01");
    let done = mark_reviewed(&*store, &lock, &spanish, by, AUTHOR, NOW)
        .await
        .unwrap();
    assert_eq!(done, Reviewed::Published);
    let stored = store.load_content().await.unwrap().unwrap();
    let translation = &stored.condition("migraine").unwrap().meta.translations[&Lang::Es];
    assert_eq!(translation.meta.review.by, "Lucía Ortega, PharmD");
    assert!(
        !stored
            .condition("migraine")
            .unwrap()
            .meta
            .review
            .is_reviewed(),
        "English not"
    );
    assert!(due(&stored).iter().all(|(slug, _)| slug != "migraine.es"));

    // The English page changes: the translation is due, and refused until it is updated.
    let english = Entry::parse("conditions", "migraine").unwrap();
    let text = english.published_text(&stored).unwrap().unwrap();
    let changed = text.replacen("## Overview\n", "## Overview\nA new sentence.\n", 1);
    let outcome = apply(
        &*store,
        &lock,
        Arc::new(stored),
        edit(&english, &changed, Action::Publish),
        NOW,
    )
    .await
    .unwrap();
    assert_eq!(outcome, Outcome::Published);
    let stored = store.load_content().await.unwrap().unwrap();
    assert!(due(&stored).contains(&(
        "migraine.es".to_owned(),
        "the English page changed since it was translated".to_owned()
    )));
    let refused = mark_reviewed(&*store, &lock, &spanish, by, AUTHOR, NOW)
        .await
        .unwrap();
    assert!(
        matches!(refused, Reviewed::Refused(why) if why.starts_with("The English page changed"))
    );
}

#[tokio::test]
async fn an_approved_story_is_published_once() {
    let (_dir, store, _) = sample_store().await;
    let lock = PublishLock::default();
    store
        .share_story(&NewSharedStory {
            created_at: NOW,
            name: "Ana L.".to_owned(),
            place: "Pasadena".to_owned(),
            quote: "Kind and quick, every time I came in.".to_owned(),
        })
        .await
        .unwrap();
    let id = store
        .shared_stories(crate::store::StoryStatus::Pending)
        .await
        .unwrap()[0]
        .id;
    let decided = decide_story(&*store, &lock, id, Decision::Approve, AUTHOR, NOW)
        .await
        .unwrap();
    let Decided::Approved(entry) = decided else {
        panic!("{decided:?}");
    };
    assert_eq!(entry.path, format!("testimonials/ana-l-{id}.toml"));
    let stored = store.load_content().await.unwrap().unwrap();
    assert!(stored.testimonial(&entry.slug).is_some());
    let again = decide_story(&*store, &lock, id, Decision::Reject, AUTHOR, NOW)
        .await
        .unwrap();
    assert_eq!(again, Decided::Unchanged);
}

/// Publishes `source` as `entry` from an editor that opened it when `opened_in` was published.
async fn publish_from(
    store: &dyn Store,
    lock: &PublishLock,
    (entry, source): (&Entry, String),
    opened_in: &Arc<ContentPack>,
) -> Outcome {
    let edit = Edit {
        opened: Some(entry.fingerprint_in(opened_in)),
        ..edit(entry, &source, Action::Publish)
    };
    apply(store, lock, opened_in.clone(), edit, NOW)
        .await
        .unwrap()
}

/// Two pharmacists on two instances (two locks), each starting from what was published.
#[tokio::test]
async fn publishing_is_compare_and_set_per_file() {
    let (_dir, store, published) = sample_store().await;
    let (lock_a, lock_b) = (PublishLock::default(), PublishLock::default());
    let cramps = Entry::parse("conditions", "foot-and-leg-cramps").unwrap();
    let spasm = Entry::parse("conditions", "muscle-spasm").unwrap();
    let text = |entry: &Entry, pack: &ContentPack| entry.published_text(pack).unwrap().unwrap();
    let summary =
        |pack: &ContentPack, slug: &str| pack.condition(slug).unwrap().meta.summary.clone();

    // Different files at the same moment: both survive (neither writes the other's old copy).
    let mine =
        text(&cramps, &published).replace("A sudden, painful tightening", "A sudden tightening");
    let yours = text(&spasm, &published).replace("often in the back", "often in the lower back");
    let (a, b) = tokio::join!(
        publish_from(&*store, &lock_a, (&cramps, mine), &published),
        publish_from(&*store, &lock_b, (&spasm, yours), &published),
    );
    assert_eq!((a, b), (Outcome::Published, Outcome::Published));
    let stored = Arc::new(store.load_content().await.unwrap().unwrap());
    assert!(summary(&stored, "foot-and-leg-cramps").starts_with("A sudden tightening"));
    assert!(summary(&stored, "muscle-spasm").contains("often in the lower back"));

    // The same file, both opened at that version: the first wins, the second is told.
    let first = text(&cramps, &stored).replace("A sudden tightening", "First");
    let second = text(&cramps, &stored).replace("A sudden tightening", "Second");
    let won = publish_from(&*store, &lock_a, (&cramps, first), &stored).await;
    assert_eq!(won, Outcome::Published);
    let lost = publish_from(&*store, &lock_b, (&cramps, second), &stored).await;
    let Outcome::Changed {
        theirs: Some(theirs),
    } = lost
    else {
        panic!("the second publication of one version must be refused: {lost:?}");
    };
    assert!(
        theirs.contains("summary = \"First"),
        "their version is shown: {theirs}"
    );
    let after = store.load_content().await.unwrap().unwrap();
    assert!(summary(&after, "foot-and-leg-cramps").starts_with("First"));
}
