//! Closing the loop with the patient, against a local fake SMS provider (Twilio's Messages API
//! shape: it fails with 500 and 429 before it accepts) and a local SMTP server: a patient asks
//! for a text and an e-mail, staff mark the request ready, and exactly one of each arrives with
//! the reference and status and nothing the patient sent; STOP with the provider's signature
//! stops later texts, a bad signature changes nothing; texts wait out the night where the
//! location is.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use pestle::clock::ManualClock;
use tokio::net::TcpListener;

use crate::helpers::{Backend, TestApp, free_port, on_both_backends, spawn_app_with_clock};
use crate::notify::smtp_server;
use crate::requests::{Web, open_form, post, reference_in, valid};
use crate::staff::session_for;

const SID: &str = "AC0123456789";
const TOKEN: &str = "fake-provider-token";
const PATIENT_EMAIL: &str = "ana.patient@example.com";
/// What the patient typed, none of which may be in a message.
const SECRETS: [&str; 7] = [
    "Wilhelmina",
    "Quartz",
    "7734251",
    "03/14/1980",
    "1980-03-14",
    "2135550147",
    "555-0147",
];

/// The fake provider's state: every call, and the texts it accepted (to, body).
#[derive(Default)]
struct Provider {
    calls: AtomicUsize,
    accepted: Mutex<Vec<(String, String)>>,
}

/// A number that replied STOP to the provider: it refuses texts to it (400, code 21610).
pub(crate) const UNSUBSCRIBED: &str = "+12135550199";

/// Answers 500, then 429, then accepts every text (201) but those to `UNSUBSCRIBED`, as
/// Twilio would.
async fn messages_api(
    State(provider): State<Arc<Provider>>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, String) {
    use base64::Engine;
    let expected = base64::engine::general_purpose::STANDARD.encode(format!("{SID}:{TOKEN}"));
    if account != SID || headers["authorization"] != format!("Basic {expected}") {
        return (StatusCode::UNAUTHORIZED, "{\"code\":20003}".to_owned());
    }
    match provider.calls.fetch_add(1, Ordering::SeqCst) {
        0 => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "{\"code\":20500}".to_owned(),
        ),
        1 => (StatusCode::TOO_MANY_REQUESTS, "{\"code\":20429}".to_owned()),
        _ => {
            let fields: std::collections::HashMap<String, String> =
                url::form_urlencoded::parse(body.as_bytes())
                    .into_owned()
                    .collect();
            assert_eq!(fields["From"], "+13035550100");
            if fields["To"] == UNSUBSCRIBED {
                return (StatusCode::BAD_REQUEST, "{\"code\":21610}".to_owned());
            }
            provider
                .accepted
                .lock()
                .unwrap()
                .push((fields["To"].clone(), fields["Body"].clone()));
            (StatusCode::CREATED, "{\"sid\":\"SM1\"}".to_owned())
        }
    }
}

async fn fake_provider() -> (u16, Arc<Provider>) {
    let provider = Arc::new(Provider::default());
    let app = axum::Router::new()
        .route(
            "/2010-04-01/Accounts/{account}/Messages.json",
            axum::routing::post(messages_api),
        )
        .with_state(provider.clone());
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (port, provider)
}

pub(crate) struct Loop {
    pub(crate) app: TestApp,
    pub(crate) clock: Arc<ManualClock>,
    provider: Arc<Provider>,
    pub(crate) mail: Arc<Mutex<Vec<String>>>,
}

impl Loop {
    pub(crate) async fn start(backend: Backend) -> Self {
        let (sms_port, provider) = fake_provider().await;
        let smtp_port = free_port();
        let mail = Arc::new(Mutex::new(Vec::new()));
        let listener = TcpListener::bind(("127.0.0.1", smtp_port)).await.unwrap();
        tokio::spawn(smtp_server(listener, mail.clone()));
        let (app, clock) = spawn_app_with_clock(backend, |s| {
            s.smtp_url = Some(format!("smtp://127.0.0.1:{smtp_port}").into());
            s.notify_email_to = Some("team@willow.example".to_owned());
            s.sms_api_url = url::Url::parse(&format!("http://127.0.0.1:{sms_port}/")).unwrap();
            s.sms_account_sid = Some(SID.to_owned());
            s.sms_auth_token = Some(TOKEN.to_owned().into());
            s.sms_from = Some("+13035550100".to_owned());
        })
        .await;
        Self {
            app,
            clock,
            provider,
            mail,
        }
    }

    /// A refill from the form, at Denver, asking for a text and an e-mail; its reference.
    async fn refill(&self) -> String {
        let web = Web::from(&self.app);
        let session = open_form(&web, "refill").await;
        let page = session_page(&self.app, "/requests/refill").await;
        assert!(
            page.contains("Text me when it&#39;s ready")
                || page.contains("Text me when it's ready")
        );
        let mut fields = valid("refill");
        fields.extend([
            ("text_me", "yes"),
            ("email_me", "yes"),
            ("email", PATIENT_EMAIL),
        ]);
        let response = post(&web, "refill", &session, &fields).await;
        assert_eq!(response.status(), 200);
        let html = response.text().await.unwrap();
        assert!(html.contains("We will text and e-mail you when there is news."));
        let reference = reference_in(&html);
        assert!(
            html.contains(&format!("/requests/status?reference={reference}\"")),
            "the confirmation links to the status page with the reference only"
        );
        reference
    }

    /// How many times the provider was called.
    pub(crate) fn provider_calls(&self) -> usize {
        self.provider.calls.load(Ordering::SeqCst)
    }

    pub(crate) fn texts(&self) -> Vec<(String, String)> {
        self.provider.accepted.lock().unwrap().clone()
    }

    /// The e-mails to the patient (the team's notifications left out), soft line breaks undone.
    pub(crate) fn patient_mail(&self) -> Vec<String> {
        self.mail
            .lock()
            .unwrap()
            .iter()
            .filter(|m| m.contains(PATIENT_EMAIL))
            .map(|m| m.replace("=\n", "").replace("=3D", "="))
            .collect()
    }

    /// Moves the clock on (retries are due by it) until `done`, for at most 20 s.
    pub(crate) async fn wait_for(&self, what: &str, done: impl Fn(&Self) -> bool) {
        let started = Instant::now();
        while !done(self) {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "waited for {what}"
            );
            self.clock.advance(Duration::from_secs(3));
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// Lets the worker run a few more rounds: nothing more may arrive.
    async fn settle(&self) {
        for _ in 0..10 {
            self.clock.advance(Duration::from_secs(5));
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }
}

async fn session_page(app: &TestApp, path: &str) -> String {
    app.page(path).await
}

/// 10:00 or 22:00 in Denver on the most recent day that is not after the real time (staff
/// sessions are made with the real time, so the test's clock must not run ahead of it).
pub(crate) fn denver_at(hour: i8) -> i64 {
    let tz = jiff::tz::TimeZone::get("America/Denver").unwrap();
    let now = jiff::Timestamp::now().to_zoned_datetime(tz.clone());
    let mut day = now.date();
    loop {
        let at = day
            .to_datetime(jiff::civil::Time::constant(hour, 0, 0, 0))
            .to_zoned_datetime(tz.clone())
            .unwrap();
        if at.timestamp() <= now.timestamp() {
            return at.timestamp().as_millisecond();
        }
        day = day.yesterday().unwrap();
    }
}

/// A signed SMS provider call to `/sms/inbound`.
async fn reply(app: &TestApp, body: &str, signature: Option<&str>) -> u16 {
    let params: Vec<(String, String)> = [
        ("AccountSid", SID),
        ("Body", body),
        ("From", "+12135550147"),
        ("MessageSid", "SM9"),
        ("To", "+13035550100"),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .into();
    let public_url = crate::helpers::settings_for("sqlite::memory:").public_url;
    let url = public_url.join("sms/inbound").unwrap().to_string();
    let signature = signature.map_or_else(
        || pestle::notify::sms::sign(TOKEN, &url, &params),
        str::to_owned,
    );
    let form = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&params)
        .finish();
    app.client
        .post(format!("{}/sms/inbound", app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-twilio-signature", signature)
        .body(form)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn assert_holds_nothing_sent(message: &str) {
    for secret in SECRETS {
        assert!(
            !message.contains(secret),
            "{secret} in a message: {message}"
        );
    }
}

on_both_backends!(one_text_and_one_email_when_ready_and_stop_stops_texts);

async fn one_text_and_one_email_when_ready_and_stop_stops_texts(backend: Backend) {
    let it = Loop::start(backend).await;
    it.clock.set(denver_at(10));
    let reference = it.refill().await;
    let store = it.app.db.store().await;
    let mut staff = session_for(&it.app, store.as_ref(), "staff").await;
    let page = staff.get(&format!("/staff/requests/{reference}")).await;
    assert!(
        page.html
            .contains("The patient asked for: <strong>Text and e-mail</strong>")
    );
    assert!(page.html.contains("What the patient will get"));
    // Saved twice at once (a double click, or two colleagues): the patient hears once.
    let mut colleague = staff.at(&it.app.address);
    let path = format!("/staff/requests/{reference}/status");
    let fields = [("status", "ready"), ("notify", "yes")];
    let (marked, again) = tokio::join!(staff.post(&path, &fields), colleague.post(&path, &fields));
    assert_eq!((marked.status, again.status), (303, 303), "{}", marked.html);
    // The trail names the two messages once: the second save queued nothing, and says nothing.
    let queued: Vec<String> = crate::content_editing::audit_log(store.as_ref(), "patient.message")
        .await
        .into_iter()
        .filter(|line| line.contains(&reference))
        .collect();
    assert_eq!(queued.len(), 2, "{queued:?}");
    let statuses = crate::content_editing::audit_log(store.as_ref(), "request.status").await;
    assert_eq!(
        statuses.len(),
        2,
        "both saves are on the trail: {statuses:?}"
    );

    it.wait_for("the text and the e-mail", |it| {
        !it.texts().is_empty() && !it.patient_mail().is_empty()
    })
    .await;
    it.settle().await;
    let texts = it.texts();
    assert_eq!(texts.len(), 1, "exactly one text: {texts:?}");
    assert_eq!(
        it.provider.calls.load(Ordering::SeqCst),
        3,
        "the 500 and the 429 were retried"
    );
    let (to, text) = &texts[0];
    assert_eq!(to, "+12135550147");
    assert!(
        text.starts_with("Willow Compounding Pharmacy: your request "),
        "{text}"
    );
    assert!(text.contains(&reference) && text.contains("is ready at Denver Highlands"));
    assert!(text.contains(&format!("/requests/status?reference={reference}")));
    assert!(text.ends_with("Reply STOP to opt out."), "{text}");
    assert_holds_nothing_sent(text);
    let mail = it.patient_mail();
    assert_eq!(mail.len(), 1, "exactly one e-mail: {mail:?}");
    let email = &mail[0];
    assert!(
        email.contains(&format!("Subject: Your request {reference}")),
        "{email}"
    );
    assert!(email.contains("is ready at Denver Highlands"));
    assert!(email.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    assert!(email.contains("List-Unsubscribe: <http"), "{email}");
    assert_holds_nothing_sent(email);

    // A STOP without the provider's signature is refused and changes nothing: the next
    // status still texts.
    assert_eq!(reply(&it.app, "STOP", Some("bm90IGl0")).await, 403);
    let page = staff.get(&format!("/staff/requests/{reference}")).await;
    assert!(page.html.contains("Delivered"), "{}", page.html);
    staff
        .post(
            &format!("/staff/requests/{reference}/status"),
            &[("status", "need-to-talk"), ("notify", "yes")],
        )
        .await;
    it.wait_for("the second text and e-mail", |it| {
        it.texts().len() == 2 && it.patient_mail().len() == 2
    })
    .await;
    assert!(
        it.texts()[1]
            .1
            .contains("we need to talk to you about request")
    );

    // The patient's STOP, signed by the provider: no text ever again, e-mails still go.
    assert_eq!(reply(&it.app, "STOP", None).await, 200);
    staff
        .post(
            &format!("/staff/requests/{reference}/status"),
            &[("status", "cannot-fill"), ("notify", "yes")],
        )
        .await;
    it.wait_for("the third e-mail", |it| it.patient_mail().len() == 3)
        .await;
    it.settle().await;
    assert_eq!(it.texts().len(), 2, "no text after STOP");
    let page = staff.get(&format!("/staff/requests/{reference}")).await;
    assert!(
        page.html.contains("Not sent: the patient opted out"),
        "{}",
        page.html
    );
    // "Resend" on the last two (the stopped text and the e-mail): only the e-mail goes.
    let ids: Vec<String> = page
        .html
        .match_indices("/messages/")
        .map(|(at, _)| {
            page.html[at + 10..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect()
        })
        .collect();
    assert_eq!(ids.len(), 6, "three statuses, two channels each");
    for id in &ids[4..] {
        let resent = staff
            .post(
                &format!("/staff/requests/{reference}/messages/{id}/resend"),
                &[],
            )
            .await;
        assert_eq!(resent.status, 303);
    }
    it.wait_for("the resent e-mail", |it| it.patient_mail().len() == 4)
        .await;
    it.settle().await;
    assert_eq!(
        it.texts().len(),
        2,
        "a resent text to a stopped number is not sent"
    );

    // The e-mail's one-click unsubscribe, as a mail app sends it (no page, no form token).
    let email = it.patient_mail().pop().unwrap();
    let at = email.find("List-Unsubscribe: <").unwrap() + 19;
    let link = &email[at..at + email[at..].find('>').unwrap()];
    let path = &link[link.find("/updates/").unwrap()..];
    let unsubscribed = it
        .app
        .client
        .post(format!("{}{path}", it.app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(unsubscribed.status(), 200);
    staff
        .post(
            &format!("/staff/requests/{reference}/status"),
            &[("status", "ready"), ("notify", "yes")],
        )
        .await;
    // Both new messages end as not sent (the worker has seen them), and nothing arrived.
    let started = Instant::now();
    loop {
        let messages = store.patient_messages(&reference).await.unwrap();
        let last_two = &messages[messages.len() - 2..];
        if last_two.iter().all(|m| m.abandoned_at.is_some()) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "{messages:?}");
        it.clock.advance(Duration::from_secs(3));
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    assert_eq!(it.patient_mail().len(), 4, "no e-mail after unsubscribing");
    assert_eq!(it.texts().len(), 2);

    let audit = store
        .audit(&pestle::store::AuditFilter {
            actor: String::new(),
            action: String::new(),
            subject: String::new(),
            limit: 200,
        })
        .await
        .unwrap();
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    for action in [
        "patient.message.queued",
        "patient.message.sent",
        "patient.opted-out",
        "patient.message.abandoned",
    ] {
        assert!(actions.contains(&action), "{action} audited: {actions:?}");
    }
    for entry in &audit {
        assert_holds_nothing_sent(&entry.detail);
        assert!(
            !entry.detail.contains("ready at"),
            "no message text in the trail"
        );
    }
}

#[tokio::test]
async fn texts_wait_for_eight_in_the_morning_where_the_location_is() {
    let it = Loop::start(Backend::Sqlite).await;
    let evening = denver_at(22);
    it.clock.set(evening);
    let reference = it.refill().await;
    let store = it.app.db.store().await;
    let mut staff = session_for(&it.app, store.as_ref(), "staff").await;
    staff
        .post(
            &format!("/staff/requests/{reference}/status"),
            &[("status", "ready"), ("notify", "yes")],
        )
        .await;
    // E-mail is not held: it waits in the patient's inbox, not on their bedside table.
    it.wait_for("the e-mail", |it| it.patient_mail().len() == 1)
        .await;
    it.settle().await;
    assert!(it.texts().is_empty(), "no text at 10 pm");
    assert_eq!(it.provider.calls.load(Ordering::SeqCst), 0);
    let page = staff.get(&format!("/staff/requests/{reference}")).await;
    assert!(page.html.contains("Held until"), "{}", page.html);

    let morning = evening + 10 * 60 * 60 * 1000;
    it.clock.set(morning - 60_000);
    it.settle().await;
    assert!(it.texts().is_empty(), "still nothing at 7:59 am");
    it.clock.set(morning);
    it.wait_for("the text at 8 am", |it| it.texts().len() == 1)
        .await;
    assert!(it.texts()[0].1.contains(&reference));
}
