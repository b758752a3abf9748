//! `pestle import` / `export`: atomic, idempotent, round-trips, prunes only when asked.

use pestle::content::{ContentPack, Slug, read_folder};
use pestle::store::ImportMode;

use crate::helpers::{Backend, TestDb, fixture, on_both_backends, pestle, sample_pack};

on_both_backends!(
    importing_twice_changes_nothing,
    a_folder_with_one_bad_file_changes_nothing,
    a_failure_inside_the_transaction_changes_nothing,
    export_then_import_changes_nothing,
    entries_missing_from_the_folder_are_removed_only_with_prune,
    an_edit_is_one_update,
);

async fn importing_twice_changes_nothing(backend: Backend) {
    let db = TestDb::new(backend).await;
    let (status, stdout, stderr) = pestle(&["--database-url", &db.url, "import", "content"], &[]);
    assert_eq!(status, 0, "{stdout}{stderr}");
    let store = db.store().await;
    let version = store.content_version().await.unwrap();
    let before = store.load_content().await.unwrap();

    let (status, stdout, stderr) = pestle(&["--database-url", &db.url, "import", "content"], &[]);
    assert_eq!(status, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("conditions: 0 added, 0 updated, 13 unchanged, 0 removed"),
        "{stdout}"
    );
    assert_eq!(store.content_version().await.unwrap(), version);
    assert_eq!(store.load_content().await.unwrap(), before);
}

async fn a_folder_with_one_bad_file_changes_nothing(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    store
        .import(&sample_pack(), ImportMode::Keep)
        .await
        .unwrap();
    let before = store.load_content().await.unwrap();

    // The sample folder with a single broken condition file added.
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&crate::helpers::repo_root().join("content"), dir.path());
    std::fs::write(
        dir.path().join("conditions/zz-broken.md"),
        "+++\ntitle = \"Broken\"\n+++\n## Overview\nNo summary.\n",
    )
    .unwrap();
    let folder = dir.path().to_str().unwrap();
    let (status, _, stderr) = pestle(
        &["--database-url", &db.url, "import", "--prune", folder],
        &[],
    );
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("zz-broken.md:2:1: field `summary`: missing required field"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was imported"), "{stderr}");
    assert_eq!(store.content_version().await.unwrap(), 1);
    assert_eq!(store.load_content().await.unwrap(), before);

    // And the whole mistakes fixture: nothing at all.
    let mistakes = fixture("mistakes");
    let (status, _, _) = pestle(
        &[
            "--database-url",
            &db.url,
            "import",
            mistakes.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(status, 1);
    assert_eq!(store.load_content().await.unwrap(), before);
}

async fn a_failure_inside_the_transaction_changes_nothing(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let original = sample_pack();
    store.import(&original, ImportMode::Keep).await.unwrap();

    // Bypass the checker: the site changes (written first), then a condition links to a
    // medication that does not exist, which the database's foreign key refuses.
    let mut bad = original.clone();
    bad.site.tagline = "Changed before the failure".into();
    let mut orphan = bad.conditions[0].clone();
    orphan.slug = Slug::parse("zz-orphan").unwrap();
    orphan.meta.medications.prescription = vec![Slug::parse("no-such-medication").unwrap()];
    bad.conditions.push(orphan);

    assert!(store.import(&bad, ImportMode::Keep).await.is_err());
    assert_eq!(store.content_version().await.unwrap(), 1);
    assert_eq!(store.load_content().await.unwrap(), Some(original));
}

async fn export_then_import_changes_nothing(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let pack = sample_pack();
    store.import(&pack, ImportMode::Keep).await.unwrap();

    let out = tempfile::tempdir().unwrap();
    let folder = out.path().to_str().unwrap();
    let (status, stdout, stderr) = pestle(&["--database-url", &db.url, "export", folder], &[]);
    assert_eq!(status, 0, "{stdout}{stderr}");

    // The exported folder holds the same content, and importing it writes nothing.
    let exported = ContentPack::from_files("exported", &read_folder(out.path()).unwrap()).unwrap();
    assert_eq!(exported, pack);
    let report = store.import(&exported, ImportMode::Prune).await.unwrap();
    assert!(!report.changed(), "{report}");
    assert_eq!(store.content_version().await.unwrap(), 1);

    // Exporting again over the same folder gives the same bytes.
    let first = read_folder(out.path()).unwrap();
    pestle(&["--database-url", &db.url, "export", folder], &[]);
    let second = read_folder(out.path()).unwrap();
    assert_eq!(
        first
            .iter()
            .map(|f| (&f.path, &f.bytes))
            .collect::<Vec<_>>(),
        second
            .iter()
            .map(|f| (&f.path, &f.bytes))
            .collect::<Vec<_>>()
    );
}

async fn entries_missing_from_the_folder_are_removed_only_with_prune(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let full = sample_pack();
    store.import(&full, ImportMode::Keep).await.unwrap();

    // A smaller, still consistent folder: one condition and one testimonial nobody quotes.
    let mut smaller = full.clone();
    let quoted: Vec<Slug> = smaller
        .conditions
        .iter()
        .flat_map(|c| c.meta.testimonials.clone())
        .collect();
    let dropped = smaller.conditions.pop().unwrap();
    smaller
        .conditions
        .iter_mut()
        .for_each(|c| c.meta.related.retain(|r| *r != dropped.slug));
    let still_quoted: Vec<Slug> = smaller
        .conditions
        .iter()
        .flat_map(|c| c.meta.testimonials.clone())
        .collect();
    smaller
        .testimonials
        .retain(|t| still_quoted.contains(&t.slug) || !quoted.contains(&t.slug));

    let kept = store.import(&smaller, ImportMode::Keep).await.unwrap();
    assert_eq!(kept.conditions.removed, 0, "{kept}");
    let after_keep = store.load_content().await.unwrap().unwrap();
    assert!(after_keep.conditions.iter().any(|c| c.slug == dropped.slug));

    let pruned = store.import(&smaller, ImportMode::Prune).await.unwrap();
    assert_eq!(pruned.conditions.removed, 1, "{pruned}");
    assert_eq!(store.load_content().await.unwrap(), Some(smaller));
}

async fn an_edit_is_one_update(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let mut pack = sample_pack();
    store.import(&pack, ImportMode::Keep).await.unwrap();
    pack.conditions[0].meta.summary.push_str(" Edited.");
    let report = store.import(&pack, ImportMode::Keep).await.unwrap();
    assert_eq!(
        (report.conditions.updated, report.conditions.unchanged),
        (1, pack.conditions.len() - 1)
    );
    assert_eq!(report.medications.updated + report.medications.added, 0);
    assert_eq!(store.content_version().await.unwrap(), 2);
    assert_eq!(store.load_content().await.unwrap(), Some(pack));
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for file in read_folder(from).unwrap() {
        let path = to.join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, file.bytes).unwrap();
    }
}
