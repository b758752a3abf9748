//! The running server: health, the plain conditions page, errors, reloading changed content.

use std::time::Duration;

use pestle::content::RedFlagLevel;
use pestle::store::ImportMode;

use crate::helpers::{Backend, on_both_backends, sample_pack, spawn_app, spawn_app_with};

on_both_backends!(
    health_answers_ok,
    a_to_z_lists_every_sample_condition,
    content_changes_are_picked_up
);

async fn health_answers_ok(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    let health: serde_json::Value = response.json().await.unwrap();
    assert_eq!(health["status"], "ok");
    match backend {
        // One process: nothing to listen for.
        Backend::Sqlite => assert_eq!(health, serde_json::json!({ "status": "ok" })),
        Backend::Postgres => assert!(
            ["connecting", "listening"].contains(&health["listener"].as_str().unwrap()),
            "{health}"
        ),
    }
}

async fn a_to_z_lists_every_sample_condition(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app.get("/conditions").await;
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

#[tokio::test]
async fn a_condition_page_shows_urgency_medications_and_provenance() {
    let app = spawn_app(Backend::Sqlite).await;
    let response = app.get("/conditions/foot-and-leg-cramps").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("<h1>Foot &#38; Leg Cramps</h1>"));
    // Urgency in words, not colour alone, on every card: before the first section and again at
    // "When to get help".
    let pack = sample_pack();
    let flags = &pack
        .condition("foot-and-leg-cramps")
        .unwrap()
        .meta
        .red_flags;
    let count = |level| flags.iter().filter(|f| f.level == level).count();
    let (emergency, urgent) = (count(RedFlagLevel::Emergency), count(RedFlagLevel::Urgent));
    assert!(emergency > 0 && urgent > 0);
    assert_eq!(
        html.matches("Emergency: Call 911 now.").count(),
        2 * emergency,
        "{html}"
    );
    assert_eq!(
        html.matches("Urgent: See a doctor today.").count(),
        2 * urgent
    );
    let cards = html.find("Urgent: See a doctor today.").unwrap();
    assert!(
        cards < html.find("id=\"overview\"").unwrap(),
        "cards come before the first section"
    );
    // Prescription-only drugs are never under the over-the-counter heading.
    let rx = html.find("<h3>Prescription</h3>").unwrap();
    let compounded = html.find("<h3>Compounded here</h3>").unwrap();
    let prescription_list = &html[rx..compounded];
    for drug in [
        "orphenadrine",
        "cyclobenzaprine",
        "baclofen",
        "Flexeril",
        "Lioresal",
        "Norflex",
    ] {
        assert!(
            prescription_list.contains(drug),
            "{drug} not under Prescription"
        );
    }
    if let Some(otc) = html.find("<h3>Over-the-counter</h3>") {
        assert!(!html[otc..rx].contains("baclofen"));
    }
    assert!(html[compounded..].contains("guaifenesin"), "spelled right");
    assert!(!html.contains("Flexiril") && !html.contains("Guafenesin"));
    assert!(html.contains("Sample content — not yet reviewed by a pharmacist."));
    assert!(html.contains("ICD-10-CM:R25.2") && html.contains("ICD-10-CM:G47.62"));
    assert!(html.contains("It is rare to find health professionals"));
    assert!(html.contains("href=\"tel:+13105550134\""));
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app(Backend::Sqlite).await;
    for path in [
        "/",
        "/conditions/foot-and-leg-cramps",
        "/conditions/no-such-page",
        "/healthz",
    ] {
        let response = app.get(path).await;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned()
        };
        let csp = header("content-security-policy");
        for directive in [
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
        ] {
            assert!(csp.contains(directive), "{path}: {csp}");
        }
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
            "{path}: {csp}"
        );
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(
            header("referrer-policy"),
            "strict-origin-when-cross-origin",
            "{path}"
        );
        assert_eq!(
            header("cross-origin-opener-policy"),
            "same-origin",
            "{path}"
        );
    }
    assert_eq!(app.get("/conditions/no-such-page").await.status(), 404);
}

#[tokio::test]
async fn medication_pages_state_status_in_words_and_link_conditions() {
    let app = spawn_app(Backend::Sqlite).await;
    let html = app
        .get("/medications/cyclobenzaprine")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("<h1>cyclobenzaprine</h1>"), "{html}");
    assert!(html.contains("Flexeril") && html.contains("Prescription only"));
    assert!(!html.contains("Over-the-counter"));
    assert!(html.contains("href=\"/conditions/foot-and-leg-cramps\""));
    let pregabalin = app
        .get("/medications/pregabalin")
        .await
        .text()
        .await
        .unwrap();
    assert!(pregabalin.contains("controlled substance, Schedule V"));

    // Every prescription or controlled drug in the catalog reads "Prescription only".
    let index = app.get("/medications").await.text().await.unwrap();
    for medication in sample_pack().medications {
        let line = index
            .lines()
            .find(|l| l.contains(&format!("href=\"/medications/{}\"", medication.slug)))
            .unwrap_or_else(|| panic!("{} is not listed", medication.slug));
        assert_eq!(
            line.contains("Prescription only"),
            medication.meta.status.needs_prescription(),
            "{line}"
        );
    }
    assert_eq!(app.get("/medications/no-such-drug").await.status(), 404);
}

#[tokio::test]
async fn a_port_held_by_another_process_is_an_error_not_a_shared_port() {
    // The server threads share their port with SO_REUSEPORT; a port someone else holds must
    // still be refused, not silently split with them.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let db = crate::helpers::TestDb::new(Backend::Sqlite).await;
    let mut settings = crate::helpers::settings_for(&db.url);
    settings.bind = taken.local_addr().unwrap();
    let error = pestle::web::Application::build(&settings)
        .await
        .err()
        .unwrap();
    assert!(
        format!("{error:#}").contains("cannot listen on"),
        "{error:#}"
    );
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app(Backend::Sqlite).await;
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    // Slowloris: half a request, then nothing.
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut buffer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut buffer)).await;
    let waited = started.elapsed();
    assert!(read.is_ok(), "the server kept the connection open for 30 s");
    assert!(
        waited >= Duration::from_secs(9) && waited <= Duration::from_secs(15),
        "{waited:?}"
    );
}

/// PostgreSQL: an import announces itself, and every instance swaps in the new content at once —
/// with the poll set to a minute, only the announcement can explain a change seen in seconds.
#[tokio::test]
async fn on_postgresql_every_instance_hears_a_content_change_at_once() {
    let slow_poll =
        |s: &mut pestle::config::Settings| s.content_refresh_every = Duration::from_secs(60);
    let first = spawn_app_with(Backend::Postgres, slow_poll).await;
    let second = crate::helpers::spawn_app_on(&first, slow_poll).await;
    for app in [&first, &second] {
        let health: serde_json::Value = app.get("/healthz").await.json().await.unwrap();
        assert_eq!(health["status"], "ok");
        // The listener connects in the background; give it a moment.
        let mut listening = health["listener"] == "listening";
        for _ in 0..50 {
            if listening {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            let health: serde_json::Value = app.get("/healthz").await.json().await.unwrap();
            listening = health["listener"] == "listening";
        }
        assert!(listening, "the content listener is up");
    }
    let mut pack = sample_pack();
    pack.site.tagline = "Announced to every instance".into();
    let started = std::time::Instant::now();
    first
        .db
        .store()
        .await
        .import(&pack, ImportMode::Keep)
        .await
        .unwrap();
    for app in [&first, &second] {
        let seen = home_shows(app, "Announced to every instance", Duration::from_secs(2)).await;
        assert!(seen, "the change reached {} within 2 s", app.address);
    }
    println!(
        "both instances served the change {:?} after the import",
        started.elapsed()
    );
}

/// PostgreSQL: a listener whose connection is cut reconnects and catches up on what it missed.
#[tokio::test]
async fn a_cut_content_listener_reconnects_and_catches_up() {
    let slow_poll =
        |s: &mut pestle::config::Settings| s.content_refresh_every = Duration::from_secs(60);
    let app = spawn_app_with(Backend::Postgres, slow_poll).await;
    let admin = sqlx::PgPool::connect(&app.db.url).await.unwrap();
    let database = app.db.url.rsplit('/').next().unwrap().to_owned();
    let listeners = || {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN%'",
        )
        .bind(database.clone())
        .fetch_one(&admin)
    };
    for _ in 0..50 {
        if listeners().await.unwrap() > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let cut: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = $1 AND query LIKE 'LISTEN%'",
    )
    .bind(database.clone())
    .fetch_all(&admin)
    .await
    .unwrap();
    assert_eq!(cut, [true], "one listener, cut");
    let mut pack = sample_pack();
    pack.site.tagline = "Changed while the listener was cut".into();
    app.db
        .store()
        .await
        .import(&pack, ImportMode::Keep)
        .await
        .unwrap();
    let seen = home_shows(&app, "while the listener was cut", Duration::from_secs(15)).await;
    assert!(seen, "the change arrived long before the 60 s poll");
    admin.close().await;
}

/// Whether the home page of `app` shows `text` within `within` (checked every 20 ms).
async fn home_shows(app: &crate::helpers::TestApp, text: &str, within: Duration) -> bool {
    let started = std::time::Instant::now();
    while started.elapsed() < within {
        if app.get("/").await.text().await.unwrap().contains(text) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

/// PostgreSQL, three instances each running housekeeping every second: a request waiting past
/// the overdue time gets one reminder, not one per instance or per round (issue 13, item 6).
#[tokio::test]
async fn on_postgresql_three_instances_remind_about_an_overdue_request_once() {
    let every_second =
        |s: &mut pestle::config::Settings| s.housekeeping_every = Duration::from_secs(1);
    let first = spawn_app_with(Backend::Postgres, every_second).await;
    let _others = [
        crate::helpers::spawn_app_on(&first, every_second).await,
        crate::helpers::spawn_app_on(&first, every_second).await,
    ];
    let store = first.db.store().await;
    let reference = crate::requests::submit_one(&first).await;
    assert_eq!(store.pending_notifications().await.unwrap(), 1);
    // Three days old: more than two hours of opening time whatever day the test runs.
    let admin = sqlx::PgPool::connect(&first.db.url).await.unwrap();
    sqlx::query("UPDATE requests SET created_at = created_at - $1 WHERE reference = $2")
        .bind(3 * 86_400_000_i64)
        .bind(reference.clone())
        .execute(&admin)
        .await
        .unwrap();
    let started = std::time::Instant::now();
    while store.pending_notifications().await.unwrap() < 2 {
        assert!(started.elapsed() < Duration::from_secs(15), "no reminder");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Several more rounds on every instance.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let waiting = store
        .claim_notifications(i64::MAX / 2, i64::MAX / 2, 10)
        .await
        .unwrap();
    let reminders: Vec<_> = waiting
        .iter()
        .filter(|n| n.message.starts_with("Waiting:"))
        .collect();
    assert_eq!(reminders.len(), 1, "{waiting:#?}");
    assert_eq!(reminders[0].reference, reference);
    assert_eq!(waiting.len(), 2, "the request's notice and one reminder");
}
