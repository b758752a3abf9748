//! A number that replied STOP to the SMS provider (perhaps while pestle was not listening): the
//! provider refuses the text with code 21610, pestle records the opt-out as its own (audited),
//! and later texts to that number are not even tried.

use std::time::Duration;

use crate::content_editing::audit_log;
use crate::helpers::Backend;
use crate::patient_updates::{Loop, denver_at};
use crate::requests::{Web, open_form, post, reference_in, valid};
use crate::staff::session_for;

#[tokio::test]
async fn a_stop_sent_to_the_provider_is_kept_as_an_opt_out() {
    let it = Loop::start(Backend::Sqlite).await;
    it.clock.set(denver_at(10));
    let web = Web::from(&it.app);
    let session = open_form(&web, "refill").await;
    let mut fields = valid("refill");
    fields.retain(|(name, _)| *name != "phone");
    fields.extend([("phone", "213 555 0199"), ("text_me", "yes")]);
    let response = post(&web, "refill", &session, &fields).await;
    assert_eq!(response.status(), 200);
    let reference = reference_in(&response.text().await.unwrap());
    let store = it.app.db.store().await;
    let mut staff = session_for(&it.app, store.as_ref(), "staff").await;
    let status = format!("/staff/requests/{reference}/status");
    staff
        .post(&status, &[("status", "ready"), ("notify", "yes")])
        .await;
    // The provider fails twice (500, 429), then refuses the number: the opt-out is recorded.
    let started = std::time::Instant::now();
    while audit_log(store.as_ref(), "patient.opted-out")
        .await
        .is_empty()
    {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no opt-out recorded"
        );
        it.clock.advance(Duration::from_secs(3));
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    assert_eq!(it.provider_calls(), 3);
    let page = staff.get(&format!("/staff/requests/{reference}")).await;
    assert!(
        page.html.contains("Not sent: the patient opted out"),
        "{}",
        page.html
    );

    // The next status: the text is not even tried.
    let calls = it.provider_calls();
    staff
        .post(&status, &[("status", "need-to-talk"), ("notify", "yes")])
        .await;
    for _ in 0..10 {
        it.clock.advance(Duration::from_secs(5));
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    assert_eq!(
        it.provider_calls(),
        calls,
        "no call for an opted-out number"
    );
    assert!(it.texts().is_empty());
    let log = audit_log(store.as_ref(), "patient.opted-out").await;
    assert_eq!(log, ["patient.opted-out system "], "{log:?}");
}
