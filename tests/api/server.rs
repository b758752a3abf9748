//! The running server: health, the plain conditions page, errors, reloading changed content.

use std::time::Duration;

use pestle::store::ImportMode;

use crate::helpers::{Backend, on_both_backends, sample_pack, spawn_app};

on_both_backends!(
    health_answers_ok,
    home_lists_every_sample_condition,
    content_changes_are_picked_up
);

async fn health_answers_ok(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), r#"{"status":"ok"}"#);
}

async fn home_lists_every_sample_condition(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Foot &#38; Leg Cramps"),
        "the title is HTML-escaped once"
    );
    for condition in sample_pack().conditions {
        let title = escape(&condition.meta.title);
        assert!(html.contains(&title), "{title} missing");
    }
    assert!(html.contains("not yet reviewed by a pharmacist"));
    assert!(html.contains("href=\"tel:+1"), "a call link");
}

async fn content_changes_are_picked_up(backend: Backend) {
    let app = spawn_app(backend).await;
    let store = app.db.store().await;
    let mut pack = sample_pack();
    pack.site.tagline = "A tagline changed by another instance".into();
    store.import(&pack, ImportMode::Keep).await.unwrap();
    // The refresh runs every few seconds; poll rather than sleep a fixed time.
    for _ in 0..100 {
        if app
            .get("/")
            .await
            .text()
            .await
            .unwrap()
            .contains("changed by another instance")
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the new tagline never appeared");
}

#[tokio::test]
async fn unknown_pages_are_404_without_internals() {
    let app = spawn_app(Backend::Sqlite).await;
    let response = app.get("/no/such/page").await;
    assert_eq!(response.status(), 404);
    let html = response.text().await.unwrap();
    assert!(html.contains("Page not found"));
    assert!(!html.to_lowercase().contains("error:"));
}

/// HTML escaping as askama writes it, to find content in pages.
fn escape(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}
