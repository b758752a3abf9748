//! `/metrics` (issue 14): closed without the token, parsed by the reference OpenMetrics parser
//! (the Python `prometheus_client` package, which `scripts/test` installs), and no label value
//! holds anything a patient sent, a reference or an address.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::helpers::{Backend, spawn_app_with};
use crate::requests::{submit_named, valid};

const TOKEN: &str = "metrics-token-for-tests-0123456789";

/// The Python that has `prometheus_client` (`scripts/test` makes a virtualenv with it).
fn python() -> String {
    std::env::var("PESTLE_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

/// Every label value of every sample, as the reference parser reads `text`.
fn label_values(text: &str) -> Vec<String> {
    let script = "import sys, json\n\
                  from prometheus_client.openmetrics.parser import text_string_to_metric_families\n\
                  values = []\n\
                  for family in text_string_to_metric_families(sys.stdin.read()):\n\
                  \x20   for sample in family.samples:\n\
                  \x20       values.extend(sample.labels.values())\n\
                  print(json.dumps(values))\n";
    let mut child = Command::new(python())
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "the OpenMetrics parser refused /metrics (install it with `pip install prometheus-client` \
         or run ./scripts/test): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_parse_and_never_label_with_patient_values() {
    let app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.metrics_token = Some(TOKEN.to_owned().into());
    })
    .await;
    assert_eq!(app.get("/metrics").await.status(), 401);
    let wrong = app
        .get_with("/metrics", &[("authorization", "Bearer nope")])
        .await;
    assert_eq!(wrong.status(), 401);

    let reference = submit_named(&app, "Philippa Quintessa Marlowe").await;
    // Pages, a search that finds nothing, a 404, a wrong sign-in: every kind of label.
    app.get("/").await;
    app.get("/search?q=zzyzxqwv+philippa").await;
    app.get(&format!("/requests/{reference}")).await;
    app.get("/conditions/no-such-page-philippa").await;

    let response = app
        .get_with("/metrics", &[("authorization", &format!("Bearer {TOKEN}"))])
        .await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    for name in [
        "pestle_http_requests_total",
        "pestle_http_request_duration_seconds_bucket",
        "pestle_outbox_pending",
        "pestle_outbox_oldest_age_seconds",
        "pestle_requests_overdue",
        "pestle_search_misses_total",
        "pestle_page_cache_total",
        "pestle_backup_newest_age_seconds",
        "pestle_db_connections",
    ] {
        assert!(text.contains(name), "{name} in /metrics");
    }
    // The request's notification waits in the outbox (no mail server in this test).
    assert!(text.contains("pestle_outbox_pending 1"), "{text}");

    let values = label_values(&text);
    assert!(!values.is_empty());
    let sent: Vec<&str> = valid("callback")
        .iter()
        .map(|(_, value)| *value)
        .filter(|value| value.len() > 3)
        .chain([
            "Philippa",
            "Marlowe",
            "zzyzxqwv",
            "no-such-page",
            reference.as_str(),
            "127.0.0.1",
        ])
        .collect();
    for value in &values {
        for secret in &sent {
            assert!(
                !value.to_lowercase().contains(&secret.to_lowercase()),
                "label value {value:?} holds {secret:?}"
            );
        }
    }
    // Routes are templates.
    assert!(
        values.iter().any(|v| v == "/requests/callback"),
        "{values:?}"
    );
}
