//! Backups you can restore (issue 14): a backup taken while patients keep submitting restores
//! every request confirmed before it began, with its exact content; restore refuses a database
//! with records and a backup whose keys are missing.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use pestle::requests::{self, DataKeys};
use pestle::store;

use crate::helpers::{Backend, TEST_DATA_KEY, TestDb, on_both_backends, spawn_app};
use crate::requests::submit_named;

on_both_backends!(
    a_backup_taken_under_load_restores_every_request_confirmed_before_it,
    restore_refuses_a_database_with_records_and_missing_keys,
);

fn key_ids() -> Vec<String> {
    DataKeys::parse(TEST_DATA_KEY)
        .unwrap()
        .ids()
        .map(str::to_owned)
        .collect()
}

async fn a_backup_taken_under_load_restores_every_request_confirmed_before_it(backend: Backend) {
    let app = Arc::new(spawn_app(backend).await);
    let stop = Arc::new(AtomicBool::new(false));
    let confirmed = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut writers = Vec::new();
    for writer in 0..4 {
        let (app, stop, confirmed) = (app.clone(), stop.clone(), confirmed.clone());
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let reference = submit_named(&app, &format!("Patient Number {writer} {n}")).await;
                confirmed.lock().unwrap().push(reference);
            }
        }));
    }
    while confirmed.lock().unwrap().len() < 30 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Everything confirmed up to here must be in the backup.
    let before: Vec<String> = confirmed.lock().unwrap().clone();
    let folder = tempfile::tempdir().unwrap();
    let out = folder.path().join("backup");
    let manifest = pestle::backup::take(&app.db.url, &out).await.unwrap();
    let during = confirmed.lock().unwrap().len();
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.await.unwrap();
    }
    let after = confirmed.lock().unwrap().len();
    assert!(
        after > during,
        "submissions went on while and after the backup was taken"
    );
    assert_eq!(manifest.inventory.key_ids, key_ids());
    let counted = |table: &str| {
        manifest
            .inventory
            .counts
            .iter()
            .find(|(name, _)| name == table)
            .unwrap()
            .1
    };
    assert!(counted("requests") >= before.len() as i64);
    assert!(counted("conditions") > 0);

    let target = TestDb::new(backend).await;
    let restored = pestle::backup::restore(&target.url, &out, &key_ids(), false)
        .await
        .unwrap();
    assert_eq!(restored.inventory.counts, manifest.inventory.counts);
    let keys = DataKeys::parse(TEST_DATA_KEY).unwrap();
    let live = store::connect(&app.db.url).await.unwrap();
    let copy = store::connect(&target.url).await.unwrap();
    for reference in &before {
        let original = live.find_request(reference).await.unwrap().unwrap();
        let kept = copy
            .find_request(reference)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{reference} was confirmed before the backup began"));
        assert_eq!(kept, original);
        assert_eq!(
            requests::open(&keys, &kept).unwrap(),
            requests::open(&keys, &original).unwrap()
        );
    }
    // The restored database serves: the content came along.
    assert!(copy.load_content().await.unwrap().is_some());
    live.close().await;
    copy.close().await;
}

async fn restore_refuses_a_database_with_records_and_missing_keys(backend: Backend) {
    let app = spawn_app(backend).await;
    submit_named(&app, "Hortensia Blackwood").await;
    let folder = tempfile::tempdir().unwrap();
    let out = folder.path().join("backup");
    pestle::backup::take(&app.db.url, &out).await.unwrap();

    let refused = pestle::backup::restore(&app.db.url, &out, &key_ids(), false)
        .await
        .unwrap_err()
        .to_string();
    assert!(refused.contains("--force"), "{refused}");

    let target = TestDb::new(backend).await;
    let missing = pestle::backup::restore(&target.url, &out, &["other".to_owned()], false)
        .await
        .unwrap_err()
        .to_string();
    assert!(missing.contains(&key_ids()[0]), "{missing}");
    // Nothing was touched: the empty database stays empty.
    let untouched = store::connect(&target.url).await.unwrap();
    assert!(untouched.schema().await.unwrap().applied.is_empty());
    untouched.close().await;

    // A folder that is not a backup says so.
    let empty = folder.path().join("nothing");
    std::fs::create_dir(&empty).unwrap();
    let error = pestle::backup::restore(&target.url, &empty, &key_ids(), false)
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("manifest"), "{error}");
}
