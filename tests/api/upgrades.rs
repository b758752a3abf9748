//! Safe upgrades (issue 14): a database left at every earlier migration step — with records in
//! it — migrates forward and works; a database migrated by a newer release is refused with a
//! clear message; `/readyz` says when an instance can take traffic.

use pestle::staff::Role;
use pestle::store::{self, AuditEntry, ImportMode, NewUser, Store};

use crate::helpers::{Backend, TestDb, on_both_backends, sample_pack, settings_for, spawn_app};

on_both_backends!(
    every_earlier_schema_migrates_forward_with_its_records,
    a_schema_newer_than_the_binary_is_refused_by_name,
    readiness_reports_a_loaded_instance,
);

/// When the seeded notification was queued.
const SEEDED_AT: i64 = 1_700_000_000_000;

/// Rows as the release that ended at `step` wrote them (only the columns it had).
async fn seed(url: &str, step: i64) {
    if step < 4 {
        return; // The outbox's channel column came with migration 4.
    }
    execute(
        url,
        "INSERT INTO requests (reference, kind, location, created_at, key_id, sealed) \
         VALUES ('R-OLD1-00', 'callback', 'denver', 1700000000000, 't1', $1)",
        Some(vec![0]),
    )
    .await;
    execute(
        url,
        "INSERT INTO outbox (reference, message, due_at, channel) \
         VALUES ('R-OLD1-00', 'New call-back request', 1700000000000, 'email')",
        None,
    )
    .await;
}

/// Runs one statement on the database at `url` as an older release (or a newer one) would,
/// bypassing the store; `blob` binds `$1`.
async fn execute(url: &str, sql: &str, blob: Option<Vec<u8>>) {
    use sqlx::Connection;
    macro_rules! on {
        ($connection:ty) => {{
            let mut conn = <$connection>::connect(url).await.unwrap();
            let mut query = sqlx::query(sql);
            if let Some(blob) = blob {
                query = query.bind(blob);
            }
            query.execute(&mut conn).await.unwrap();
            conn.close().await.unwrap();
        }};
    }
    if url.starts_with("sqlite:") {
        on!(sqlx::SqliteConnection)
    } else {
        on!(sqlx::PgConnection)
    }
}

/// What every part of the store does once, on the upgraded schema.
async fn exercise(store: &dyn Store, seeded: bool) {
    store
        .import(&sample_pack(), ImportMode::Keep)
        .await
        .unwrap();
    assert!(store.load_content().await.unwrap().is_some());
    store
        .create_user(&NewUser {
            email: "admin@pharmacy.example".to_owned(),
            role: Role::Admin,
            password_hash: None,
            created_at: 1,
        })
        .await
        .unwrap();
    store
        .append_audit(&AuditEntry {
            at: 1,
            actor: "cli".to_owned(),
            action: "upgrade.test".to_owned(),
            subject: String::new(),
            detail: String::new(),
            ip: String::new(),
        })
        .await
        .unwrap();
    let operations = store.operations().await.unwrap();
    let inventory = store.inventory().await.unwrap();
    if seeded {
        assert_eq!(operations.outbox_pending, 1);
        // Migration 14 dated the old notification from its due time.
        assert_eq!(operations.outbox_oldest_queued_at, Some(SEEDED_AT));
        assert!(store.find_request("R-OLD1-00").await.unwrap().is_some());
        assert_eq!(inventory.key_ids, vec!["t1".to_owned()]);
    } else {
        assert_eq!(operations.outbox_pending, 0);
    }
}

async fn every_earlier_schema_migrates_forward_with_its_records(backend: Backend) {
    let probe = TestDb::new(backend).await;
    let known = {
        let store = store::connect(&probe.url).await.unwrap();
        let known = store.schema().await.unwrap().known;
        store.close().await;
        known
    };
    assert!(known.len() >= 14);
    for step in 0..=known.len() as i64 {
        let db = TestDb::new(backend).await;
        let store = store::connect(&db.url).await.unwrap();
        if step > 0 {
            store.migrate_to(step).await.unwrap();
            assert_eq!(
                store.schema().await.unwrap().pending().len(),
                known.len() - step as usize
            );
        }
        seed(&db.url, step).await;
        store
            .migrate()
            .await
            .unwrap_or_else(|error| panic!("from step {step}: {error}"));
        let schema = store.schema().await.unwrap();
        assert!(schema.pending().is_empty(), "from step {step}");
        exercise(store.as_ref(), step >= 4).await;
        store.close().await;
    }
}

async fn a_schema_newer_than_the_binary_is_refused_by_name(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    let future = "INSERT INTO _sqlx_migrations \
                  (version, description, success, checksum, execution_time) \
                  VALUES (999, 'from a newer pestle', TRUE, $1, 0)";
    execute(&db.url, future, Some(vec![0])).await;
    let error = store.migrate().await.unwrap_err().to_string();
    assert!(error.contains("migration 999"), "{error}");
    assert!(error.contains("newer than this pestle"), "{error}");
    store.close().await;
    let refused = pestle::web::Application::build(&settings_for(&db.url))
        .await
        .err()
        .expect("serve refuses a newer schema");
    assert!(
        format!("{refused:#}").contains("newer than this pestle"),
        "{refused:#}"
    );
}

async fn readiness_reports_a_loaded_instance(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<serde_json::Value>().await.unwrap()["status"],
        "ready"
    );
    // Without content an instance is alive but not ready for patients.
    let empty = crate::helpers::spawn_app_with(backend, |s| s.sample_content = false).await;
    assert_eq!(empty.get("/healthz").await.status(), 200);
    let response = empty.get("/readyz").await;
    assert_eq!(response.status(), 503);
    let body = response.json::<serde_json::Value>().await.unwrap();
    assert_eq!(body["problems"][0], "no content loaded");
}
