//! The status page: the right fact gives the status in words and nothing else; a wrong fact,
//! an unknown reference and a malformed one give the same page; the sixth wrong answer for a
//! reference is refused; lookups are audited without the fact, and the typed facts are in
//! neither the database nor the log.

use crate::helpers::{Backend, TestApp, database_text, on_both_backends, serve_binary, spawn_app};
use crate::requests::{Session, Web, open_form, post, reference_in, submit_one, valid};
use crate::staff::session_for;

/// What a wrong answer is typed as, to look for afterwards.
const WRONG_BIRTH: &str = "11/29/1961";
const WRONG_BIRTH_ISO: &str = "1961-11-29";

async fn send_refill(app: &TestApp) -> String {
    let web = Web::from(app);
    let session = open_form(&web, "refill").await;
    let response = post(&web, "refill", &session, &valid("refill")).await;
    assert_eq!(response.status(), 200);
    reference_in(&response.text().await.unwrap())
}

async fn ask(web: &Web, session: &Session, reference: &str, fact: &str) -> (u16, String) {
    let response = post(
        web,
        "status",
        session,
        &[("reference", reference), ("fact", fact)],
    )
    .await;
    let status = response.status().as_u16();
    assert_eq!(response.headers()["cache-control"], "no-store");
    (status, response.text().await.unwrap())
}

/// The answer part of the page: from the heading to the form.
fn answer(html: &str) -> &str {
    let start = html.find("<h1>").unwrap();
    let end = html.find("<p class=\"lead\">").unwrap();
    &html[start..end]
}

on_both_backends!(the_right_fact_gives_the_status_and_anything_else_the_same_page);

async fn the_right_fact_gives_the_status_and_anything_else_the_same_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let web = Web::from(&app);
    let refill = send_refill(&app).await;
    let callback = submit_one(&app).await;
    let form = app
        .page(&format!("/requests/status?reference={refill}"))
        .await;
    assert!(
        form.contains(&format!("value=\"{refill}\"")),
        "prefilled from the link"
    );
    let session = open_form(&web, "status").await;

    let (status, html) = ask(&web, &session, &refill, "03/14/1980").await;
    assert_eq!(status, 200);
    assert!(
        answer(&html).contains("Received at Denver Highlands"),
        "{html}"
    );
    assert!(
        answer(&html).contains("We&#39;ll call you") || answer(&html).contains("We'll call you")
    );
    for secret in ["Wilhelmina", "Quartz", "7734251", "delivery"] {
        assert!(!html.contains(secret), "{secret} on the status page");
    }
    // The fact is never written back into the page (the hint's example date is the same).
    assert!(!html.contains("value=\"03/14/1980\""));
    // Typed as people do: lower case, without dashes; and an ISO date.
    let loose = refill.to_lowercase().replace('-', " ");
    assert_eq!(ask(&web, &session, &loose, "1980-03-14").await.0, 200);
    let (_, html) = ask(&web, &session, &callback, "0147").await;
    assert!(
        answer(&html).contains("Received at Denver Highlands"),
        "{html}"
    );

    // Staff move it along: the words follow.
    let store = app.db.store().await;
    let mut staff = session_for(&app, store.as_ref(), "staff").await;
    for (status, words) in [
        ("ready", "Ready for pickup at Denver Highlands"),
        (
            "need-to-talk",
            "We need to talk to you — please call (303) 555-0172",
        ),
        (
            "cannot-fill",
            "We could not fill this — please call (303) 555-0172",
        ),
        ("done", "Done — this request is complete"),
    ] {
        staff
            .post(
                &format!("/staff/requests/{refill}/status"),
                &[("status", status)],
            )
            .await;
        let (_, html) = ask(&web, &session, &refill, "03/14/1980").await;
        assert!(answer(&html).contains(words), "{status}: {}", answer(&html));
    }

    // Wrong fact, unknown reference, malformed references: one page, one status code.
    let (status, wrong) = ask(&web, &session, &refill, WRONG_BIRTH).await;
    assert_eq!(status, 200);
    assert!(answer(&wrong).contains("We could not find that request"));
    let long = "R".repeat(10_000);
    for typed in [
        "R-3333-33",
        "",
        "'; DROP TABLE requests; --",
        "<script>alert(1)</script>",
        "R-7KQ3-9M\u{0}",
        "𝕽-𝟕𝕂𝕼𝟑-𝟗𝕄",
        "../../etc/passwd",
        long.as_str(),
    ] {
        let (status, html) = ask(&web, &session, typed, "03/14/1980").await;
        assert_eq!(status, 200, "{typed:.40}");
        assert_eq!(answer(&html), answer(&wrong), "{typed:.40}");
        assert!(!html.contains("<script>alert"), "escaped");
    }
    // A fact that is neither a date nor four digits is a form error, not a try.
    let (status, html) = ask(&web, &session, &refill, "Wilhelmina").await;
    assert_eq!(status, 422);
    assert!(html.contains("href=\"#fact\"") && html.contains("id=\"fact\""));

    // Five wrong answers lock the reference for an hour: the sixth try is refused, even right.
    for _ in 0..4 {
        assert_eq!(ask(&web, &session, &callback, "9999").await.0, 200);
    }
    assert_eq!(
        ask(&web, &session, &callback, "1234").await.0,
        200,
        "the fifth"
    );
    let (status, html) = ask(&web, &session, &callback, "0147").await;
    assert_eq!(status, 429);
    assert!(html.contains("Too many tries for this reference"), "{html}");
    assert!(html.contains("tel:+13035550172") || html.contains("tel:+1"));
    // Other references are not affected; the same reference typed another way is.
    assert_eq!(ask(&web, &session, &refill, "03/14/1980").await.0, 200);
    let retyped = callback.trim_start_matches("R-").replace('-', "");
    assert_eq!(ask(&web, &session, &retyped, "0147").await.0, 429);

    // Guesses sent all at once each take a try: no more than five get an answer.
    let fresh = send_refill(&app).await;
    let guesses = (0..20).map(|i| {
        let (web, session, fresh) = (&web, &session, &fresh);
        async move {
            ask(web, session, fresh, &format!("01/{:02}/1960", i + 1))
                .await
                .0
        }
    });
    let answered = futures_util::future::join_all(guesses).await;
    let compared = answered.iter().filter(|status| **status == 200).count();
    assert_eq!(compared, 5, "{answered:?}");
    assert!(answered.iter().all(|status| [200, 429].contains(status)));

    // Every lookup is audited, without the fact typed.
    let audit = store
        .audit(&pestle::store::AuditFilter {
            action: "status.lookup".to_owned(),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        audit.len(),
        45,
        "one line per lookup, the unreadable fact's too"
    );
    for entry in &audit {
        assert!(
            ["matched", "no match", "locked", "unreadable fact"].contains(&entry.detail.as_str())
        );
        for fact in ["1980", "0147", "9999", "1961"] {
            assert!(!entry.subject.contains(fact) && !entry.detail.contains(fact));
        }
    }
    assert!(audit.iter().any(|e| e.subject == "malformed"));

    // The facts typed are nowhere in the database (a backup holds what it holds).
    let stored = database_text(&app, backend);
    for fact in [WRONG_BIRTH, WRONG_BIRTH_ISO, "1980-03-14", "03/14/1980"] {
        assert!(!stored.contains(fact), "{fact} stored");
    }
}

#[test]
fn typed_facts_never_reach_the_server_log() {
    let mut served = serve_binary("trace");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let web = Web {
            client: crate::helpers::http_client().build().unwrap(),
            address: served.address.clone(),
        };
        let session = open_form(&web, "refill").await;
        let response = post(&web, "refill", &session, &valid("refill")).await;
        let reference = reference_in(&response.text().await.unwrap());
        let session = open_form(&web, "status").await;
        for fact in ["03/14/1980", WRONG_BIRTH] {
            assert_eq!(ask(&web, &session, &reference, fact).await.0, 200);
        }
    });
    served.stop();
    let log = served.log.join("\n");
    assert!(log.contains("/requests/status"), "the route is logged");
    for fact in ["03/14/1980", "1980-03-14", WRONG_BIRTH, WRONG_BIRTH_ISO] {
        assert!(!log.contains(fact), "{fact} in the server log");
    }
}
