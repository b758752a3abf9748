//! Crash test: patients submit call-back requests concurrently to a real `pestle serve` process
//! while it is killed with SIGKILL at random moments and restarted on the same database. Every
//! request whose reference reached the patient must be stored and open with what was typed;
//! every stored request must have its staff notification (both or neither); SQLite's
//! `integrity_check` must say ok.
//!
//! A process kill is what this can cause on a developer's machine; power loss is covered by
//! `synchronous=FULL` (SQLite) and synchronous commit (PostgreSQL), which no test here can cut.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use pestle::requests::{self, DataKeys, Request};
use rand::RngExt;
use tokio::sync::Mutex;

use crate::helpers::{Backend, TEST_DATA_KEY, TestDb, serve_binary_on};

/// Server lives per test, each ended by SIGKILL.
const ROUNDS: usize = 6;
/// Patients submitting at once.
const PATIENTS: usize = 8;

#[test]
fn sqlite_loses_no_request_when_killed() {
    kill_nine_never_loses_a_request(Backend::Sqlite);
}

#[test]
fn postgres_loses_no_request_when_killed() {
    kill_nine_never_loses_a_request(Backend::Postgres);
}

/// A reference the patient saw, and the message they sent with it.
pub(crate) type Receipt = (String, String);

/// A runtime of its own, with two worker threads, for a plain `#[test]` that kills servers and
/// must block between steps.
pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn kill_nine_never_loses_a_request(backend: Backend) {
    let runtime = runtime();
    let db = runtime.block_on(TestDb::new(backend));
    let workdir = tempfile::tempdir().unwrap();
    let receipts: Arc<Mutex<Vec<Receipt>>> = Arc::default();
    let mut cut_off = 0;
    for round in 0..ROUNDS {
        let mut served = serve_binary_on(
            &db.url,
            workdir.path(),
            "info",
            &[("PESTLE_REQUEST_LIMIT_PER_HOUR", "1000000")],
        );
        let stop = Arc::new(AtomicBool::new(false));
        let patients = patients(
            &runtime,
            (PATIENTS, &format!("crash test {round}")),
            &served.address,
            (&stop, &receipts),
        );
        // Let the patients get going, then pull the plug mid-stream.
        let uptime = rand::rng().random_range(400..1500);
        std::thread::sleep(Duration::from_millis(uptime));
        served.child.kill().unwrap();
        served.child.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        for patient in patients {
            cut_off += runtime.block_on(patient).unwrap();
        }
    }

    let receipts = runtime.block_on(async { receipts.lock().await.clone() });
    assert!(
        receipts.len() > ROUNDS * PATIENTS,
        "too few submissions got through to test anything: {}",
        receipts.len()
    );
    runtime.block_on(async {
        let store = db.store().await;
        let stored = every_receipt_stored(store.as_ref(), &receipts).await;
        // Nothing delivers here (no mail server): every request's notification is queued.
        let queued = store.pending_notifications().await.unwrap();
        assert_eq!(queued, stored as i64, "a request without its notification");
        if backend == Backend::Sqlite {
            use sqlx::Connection;
            let mut conn = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
            let (check,): (String,) = sqlx::query_as("PRAGMA integrity_check")
                .fetch_one(&mut conn)
                .await
                .unwrap();
            assert_eq!(check, "ok");
        }
        eprintln!(
            "crash test ({backend:?}): {ROUNDS} kills, {} references confirmed and all present, \
             {stored} stored (the rest committed as the reply was cut off), \
             {cut_off} attempts failed while the server was down",
            receipts.len()
        );
        store.close().await;
    });
}

/// `count` patients, each submitting call-backs to `address` one after another until `stop`,
/// with messages `"{label}-{patient}-{i}"`; what each was shown goes to `receipts`. Each task
/// ends with how many of its attempts failed.
pub(crate) fn patients(
    runtime: &tokio::runtime::Runtime,
    (count, label): (usize, &str),
    address: &str,
    (stop, receipts): (&Arc<AtomicBool>, &Arc<Mutex<Vec<Receipt>>>),
) -> Vec<tokio::task::JoinHandle<usize>> {
    (0..count)
        .map(|patient| {
            let (address, label) = (address.to_owned(), label.to_owned());
            let (stop, receipts) = (stop.clone(), receipts.clone());
            runtime.spawn(async move {
                let client = crate::helpers::http_client()
                    .timeout(Duration::from_secs(10))
                    .build()
                    .unwrap();
                let mut failed = 0;
                for i in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let message = format!("{label}-{patient}-{i}");
                    match submit(&client, &address, &message).await {
                        Ok(reference) => receipts.lock().await.push((reference, message)),
                        Err(_) => failed += 1,
                    }
                }
                failed
            })
        })
        .collect()
}

/// Every reference a patient was shown is stored and opens with the message they sent.
/// Returns how many requests are stored.
pub(crate) async fn every_receipt_stored(
    store: &dyn pestle::store::Store,
    receipts: &[Receipt],
) -> usize {
    let keys = DataKeys::parse(TEST_DATA_KEY).unwrap();
    for (reference, message) in receipts {
        let stored = store
            .find_request(reference)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{reference} was confirmed but is not stored"));
        match requests::open(&keys, &stored).unwrap() {
            Request::Callback { message: m, .. } => assert_eq!(m.as_str(), message),
            other => panic!("{reference} opened as {other:?}"),
        }
    }
    let stored = store.request_references().await.unwrap().len();
    assert!(stored >= receipts.len());
    stored
}

/// One patient's submission: the form (for its token and cookie), then the post. Any failure
/// (the server is gone) is an error; only a confirmation page counts as a receipt.
pub(crate) async fn submit(
    client: &reqwest::Client,
    address: &str,
    message: &str,
) -> anyhow::Result<String> {
    let page = client
        .get(format!("{address}/requests/callback"))
        .send()
        .await?;
    let cookie = page
        .headers()
        .get("set-cookie")
        .ok_or_else(|| anyhow::anyhow!("no cookie"))?
        .to_str()?
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned();
    let html = page.text().await?;
    let at = html
        .find("name=\"csrf_token\" value=\"")
        .ok_or_else(|| anyhow::anyhow!("no token"))?
        + 25;
    let token = html[at..at + 64].to_owned();
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("csrf_token", &token)
        .append_pair("name", "Crash Test")
        .append_pair("phone", "213 555 0147")
        .append_pair("location", "denver")
        .append_pair("best_time", "morning")
        .append_pair("topic", "general")
        .append_pair("message", message)
        .finish();
    let response = client
        .post(format!("{address}/requests/callback"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", cookie)
        .header("origin", address)
        .body(body)
        .send()
        .await?;
    anyhow::ensure!(response.status() == 200, "status {}", response.status());
    let html = response.text().await?;
    Ok(crate::requests::reference_in(&html))
}
