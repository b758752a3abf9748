//! Failures that must be explicit: an audit entry that cannot be written fails the request;
//! an unknown action or value at the HTTP boundary is a 400, never a silent default; the SQLite
//! files are private.

use std::time::Duration;

use sqlx::Connection;

use crate::helpers::{Backend, spawn_app, spawn_app_with_clock};
use crate::staff::session_for;

/// Makes every new audit entry fail to be written (SQLite).
async fn break_the_audit_log(url: &str) {
    let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
    sqlx::query(
        "CREATE TRIGGER audit_broken BEFORE INSERT ON audit \
         BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    )
    .execute(&mut conn)
    .await
    .unwrap();
}

#[tokio::test]
async fn a_request_whose_audit_entry_cannot_be_written_fails_and_shows_nothing() {
    let (app, clock) = spawn_app_with_clock(Backend::Sqlite, |_| {}).await;
    let store = app.db.store().await;
    let reference = crate::requests::submit_one(&app).await;
    let mut staff = session_for(&app, store.as_ref(), "staff").await;
    let mut admin = session_for(&app, store.as_ref(), "admin").await;
    break_the_audit_log(&app.db.url).await;

    // Opening a request is audited first: no entry, no patient details.
    let page = staff.get(&format!("/staff/requests/{reference}")).await;
    assert_eq!(page.status, 500);
    assert!(!page.html.contains("Wilhelmina"));
    // An admin's change is audited before it is made: nothing changes.
    let id = store
        .user_by_email("staff@willow.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    let page = admin.post(&format!("/staff/users/{id}/disable"), &[]).await;
    assert_eq!(page.status, 500);
    assert!(!store.user(id).await.unwrap().unwrap().disabled);
    // A session that expired is not quietly dropped unaudited: the request fails.
    clock.advance(Duration::from_secs(24 * 60 * 60));
    assert_eq!(staff.get("/staff").await.status, 500);
}

#[tokio::test]
async fn unknown_actions_and_values_are_refused_not_defaulted() {
    let app = spawn_app(Backend::Sqlite).await;
    let store = app.db.store().await;
    let mut admin = session_for(&app, store.as_ref(), "admin").await;
    let id = store
        .user_by_email("admin@willow.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    let page = admin.post(&format!("/staff/users/{id}/promote"), &[]).await;
    assert_eq!(page.status, 400, "an unknown account action");
    let page = admin.get("/staff/sign-in?done=hacked").await;
    assert_eq!(page.status, 400, "an unknown notice");
}

#[cfg(unix)]
#[tokio::test]
async fn the_sqlite_folder_and_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("pestle-data");
    let url = format!("sqlite://{}", folder.join("pestle.db").display());
    let store = pestle::store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    store.ping().await.unwrap();
    let mode = |name: &str| {
        std::fs::metadata(folder.join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode(""), 0o700, "the folder");
    for file in ["pestle.db", "pestle.db-wal", "pestle.db-shm"] {
        assert_eq!(mode(file), 0o600, "{file}");
    }
    store.close().await;
}
