//! The `Store` contract: the same behaviour on SQLite and on PostgreSQL.

use pestle::store::{Bucket, ImportMode, KindReport};

use crate::helpers::{Backend, TestDb, on_both_backends, sample_pack};

on_both_backends!(
    a_fresh_database_is_empty,
    migrations_can_run_twice,
    import_stores_exactly_the_pack,
    concurrent_imports_do_not_conflict,
    a_store_for_another_runtime_works_there_and_outlives_it,
    rate_limit_buckets_refill_and_never_give_the_last_token_twice,
    a_job_round_goes_to_one_instance_at_a_time,
    statuses_are_stored_as_types_and_an_unknown_one_is_an_error,
    a_change_its_messages_and_their_trail_are_one_write,
);

async fn a_fresh_database_is_empty(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    store.ping().await.unwrap();
    assert_eq!(store.content_version().await.unwrap(), 0);
    assert!(store.load_content().await.unwrap().is_none());
}

async fn migrations_can_run_twice(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    store.migrate().await.unwrap();
    assert_eq!(store.content_version().await.unwrap(), 0);
}

async fn import_stores_exactly_the_pack(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let pack = sample_pack();
    let report = store.import(&pack, ImportMode::Keep).await.unwrap();
    let added = |n| KindReport {
        added: n,
        ..KindReport::default()
    };
    assert_eq!(report.site, added(1));
    assert_eq!(report.conditions, added(pack.conditions.len()));
    assert_eq!(report.medications, added(pack.medications.len()));
    assert_eq!(report.testimonials, added(pack.testimonials.len()));
    assert_eq!(store.content_version().await.unwrap(), 1);
    assert_eq!(store.load_content().await.unwrap(), Some(pack));
}

async fn concurrent_imports_do_not_conflict(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let pack = sample_pack();
    let (a, b) = tokio::join!(
        store.import(&pack, ImportMode::Keep),
        store.import(&pack, ImportMode::Keep)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    // Exactly one of them wrote; the other saw its work and changed nothing.
    assert!(a.changed() != b.changed(), "{a}\n{b}");
    assert_eq!(store.content_version().await.unwrap(), 1);
    assert_eq!(store.load_content().await.unwrap(), Some(pack));
}

/// The HTTP threads run their own runtimes, each with a store from `for_this_runtime`: it
/// works there, and the original store keeps working after those runtimes are gone.
async fn a_store_for_another_runtime_works_there_and_outlives_it(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    for round in 0..2 {
        let main = store.clone();
        let version = tokio::task::spawn_blocking(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let store = main.for_this_runtime();
                store.ping().await.unwrap();
                if round == 0 {
                    store
                        .import(&sample_pack(), ImportMode::Keep)
                        .await
                        .unwrap();
                }
                assert!(store.load_content().await.unwrap().is_some());
                store.content_version().await.unwrap()
            })
        })
        .await
        .unwrap();
        assert_eq!(version, 1, "round {round}");
        assert_eq!(store.content_version().await.unwrap(), 1);
    }
    store.close().await;
}

async fn rate_limit_buckets_refill_and_never_give_the_last_token_twice(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let bucket = |key: &str| Bucket {
        key: key.to_owned(),
        burst: 3.0,
        refill_ms: 1_200_000.0,
    };
    let (k, start) = (bucket("k"), 1_000_000_000_i64);
    // Ten instances ask at the same moment: exactly `burst` get a token.
    let takes = (0..10).map(|_| store.take_token(&k, start));
    let results: Vec<Option<i64>> = crate::accounts::futures_join_all(takes)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        results.iter().filter(|r| r.is_none()).count(),
        3,
        "{results:?}"
    );
    let wait = results.iter().flatten().copied().max().unwrap();
    assert!((1..=1_200_000).contains(&wait), "{wait}");
    // A third of a token later, still refused, with two thirds of a refill left to wait.
    let later = start + 400_000;
    let wait = store.take_token(&k, later).await.unwrap().unwrap();
    assert_eq!(wait, 800_000);
    // After a full refill, one more (and another key was never touched).
    assert_eq!(store.take_token(&k, start + 1_200_000).await.unwrap(), None);
    assert_eq!(
        store.take_token(&bucket("other"), start).await.unwrap(),
        None
    );
    assert_eq!(
        store.forget_rate_limits(start + 1).await.unwrap(),
        1,
        "only `other` is idle"
    );
}

async fn a_job_round_goes_to_one_instance_at_a_time(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let now = 1_000_000_i64;
    // Three instances wake at once: one gets the round.
    let claims = (0..3).map(|_| store.claim_job("housekeeping", now, now + 54_000));
    let got: Vec<bool> = crate::accounts::futures_join_all(claims)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(got.iter().filter(|g| **g).count(), 1, "{got:?}");
    assert!(
        !store
            .claim_job("housekeeping", now + 53_999, now + 100_000)
            .await
            .unwrap()
    );
    assert!(
        store
            .claim_job("housekeeping", now + 54_000, now + 108_000)
            .await
            .unwrap()
    );
    assert!(
        store.claim_job("another job", now, now + 1).await.unwrap(),
        "leases are per job"
    );
}

/// A request's status and a story's status cross the boundary as types: what staff set reads
/// back as itself, and a value no version of pestle wrote is a decode error naming the value,
/// not a string the back office would show as it is.
async fn statuses_are_stored_as_types_and_an_unknown_one_is_an_error(backend: Backend) {
    use pestle::store::{NewRequestEvent, RequestChange, RequestFilter, RequestStatus, StoreError};
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let request = submit_refill(&*store, "R-TEST-01", "es", &["email"]).await;
    let stored = store.find_request("R-TEST-01").await.unwrap().unwrap();
    assert_eq!(stored.status, RequestStatus::New);
    assert_eq!(stored.request, request, "kept as written, its language too");
    let standing = store.standing("R-TEST-01").await.unwrap().unwrap();
    assert_eq!(standing.lang, "es");
    store
        .add_request_event(&NewRequestEvent {
            reference: "R-TEST-01".to_owned(),
            at: 2,
            actor: "staff@willow.example".to_owned(),
            change: RequestChange::Status(RequestStatus::CannotFill),
            audit: pestle::staff::audit::Entry::new(
                pestle::staff::audit::Actor::System,
                "request.status",
            )
            .at(2),
            messages: Vec::new(),
        })
        .await
        .unwrap();
    let closed = RequestFilter {
        status: Some(RequestStatus::CannotFill),
        limit: 10,
        ..RequestFilter::default()
    };
    let found = store.request_summaries(&closed).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].status, RequestStatus::CannotFill);
    assert_eq!(found[0].lang, "es");
    let open = RequestFilter {
        status: Some(RequestStatus::New),
        limit: 10,
        ..RequestFilter::default()
    };
    assert!(store.request_summaries(&open).await.unwrap().is_empty());

    let sql = "UPDATE requests SET status = 'on-hold' WHERE reference = 'R-TEST-01'";
    if db.url.starts_with("sqlite") {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        sqlx::query(sql).execute(&pool).await.unwrap();
    } else {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    match store.find_request("R-TEST-01").await {
        Err(StoreError::Corrupt { detail, .. }) => {
            assert!(detail.contains("\"on-hold\""), "{detail}")
        }
        other => panic!("an unknown status must be refused, got {other:?}"),
    }
    let all = RequestFilter {
        limit: 10,
        ..RequestFilter::default()
    };
    assert!(store.request_summaries(&all).await.is_err());
}

/// A status change, its messages and their trail entries are written together — and a second
/// identical change (a double click, two colleagues) records its own event and entry but queues
/// and audits no message again.
async fn a_change_its_messages_and_their_trail_are_one_write(backend: Backend) {
    use pestle::staff::audit::{Actor, Entry};
    use pestle::store::{
        AuditFilter, NewPatientMessage, NewRequestEvent, RequestChange, RequestStatus,
    };
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    submit_refill(&*store, "R-TEST-02", "en", &[]).await;
    let staff = Actor::Staff("staff@willow.example");
    let ready = || NewRequestEvent {
        reference: "R-TEST-02".to_owned(),
        at: 2,
        actor: "staff@willow.example".to_owned(),
        change: RequestChange::Status(RequestStatus::Ready),
        audit: Entry::new(staff, "request.status")
            .subject("R-TEST-02")
            .at(2),
        messages: vec![(
            NewPatientMessage {
                channel: "sms".to_owned(),
                text: "Ready".to_owned(),
                announces: RequestStatus::Ready,
                time_zone: None,
                due_at: 2,
            },
            Entry::new(staff, "patient.message.queued")
                .subject("R-TEST-02")
                .at(2),
        )],
    };
    store.add_request_event(&ready()).await.unwrap();
    store.add_request_event(&ready()).await.unwrap();
    assert_eq!(store.patient_messages("R-TEST-02").await.unwrap().len(), 1);
    let trail = |action: &str| {
        let store = store.clone();
        let filter = AuditFilter {
            limit: 10,
            action: action.to_owned(),
            ..Default::default()
        };
        async move { store.audit(&filter).await.unwrap().len() }
    };
    assert_eq!(
        trail("request.status").await,
        2,
        "each save is on the trail"
    );
    assert_eq!(
        trail("patient.message").await,
        1,
        "the message was queued once"
    );
}

/// Submits a refill request (time 1, location `main`, in `lang`) with its staff notification on
/// `channels`; the request as written.
async fn submit_refill(
    store: &dyn pestle::store::Store,
    reference: &str,
    lang: &str,
    channels: &[&str],
) -> pestle::store::NewRequest {
    let request = pestle::store::NewRequest {
        reference: reference.to_owned(),
        kind: "refill".to_owned(),
        location: "main".to_owned(),
        created_at: 1,
        key_id: "k1".to_owned(),
        sealed: vec![1, 2, 3],
        lang: lang.to_owned(),
    };
    let notification = pestle::store::NewNotification {
        message: "New refill request".to_owned(),
        due_at: 1,
        channels: channels.iter().map(|c| (*c).to_owned()).collect(),
    };
    store
        .submit_request(&request, &Default::default(), &notification)
        .await
        .unwrap();
    request
}
