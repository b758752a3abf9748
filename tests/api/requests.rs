//! Patient request forms: each form end to end (stored sealed, opens with what was typed),
//! every problem reported at once, CSRF and origin checks, the honeypot, body limits, naughty
//! strings, and no patient data in the database in clear or in the server's log.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};

use pestle::requests::{self, DataKeys, Request};

use crate::helpers::{
    Backend, TEST_DATA_KEY, TestApp, database_text, on_both_backends, serve_binary, spawn_app,
};

/// Where the forms are: a client and the server's address (in-process or a real `pestle serve`).
pub(crate) struct Web {
    pub(crate) client: reqwest::Client,
    pub(crate) address: String,
}

impl From<&TestApp> for Web {
    fn from(app: &TestApp) -> Self {
        Self {
            client: app.client.clone(),
            address: app.address.clone(),
        }
    }
}

impl Web {
    async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .unwrap()
    }
}

/// A form session: the CSRF token from the page and the cookie that carries it.
pub(crate) struct Session {
    token: String,
    cookie: String,
}

pub(crate) async fn open_form(app: &Web, kind: &str) -> Session {
    open_form_at(app, &format!("/requests/{kind}")).await
}

/// The form at `path` (`/es/requests/refill`).
pub(crate) async fn open_form_at(app: &Web, path: &str) -> Session {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let set_cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"));
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    let html = response.text().await.unwrap();
    let at = html.find("name=\"csrf_token\" value=\"").unwrap() + 25;
    Session {
        token: html[at..at + 64].to_owned(),
        cookie,
    }
}

fn encode(fields: &[(&str, &str)]) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in fields {
        form.append_pair(name, value);
    }
    form.finish()
}

/// Posts `fields` (plus the session's token) with this site's Origin.
pub(crate) async fn post(
    app: &Web,
    kind: &str,
    session: &Session,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    post_at(app, &format!("/requests/{kind}"), session, fields).await
}

/// Posts `fields` (plus the session's token) to `path` with this site's Origin.
pub(crate) async fn post_at(
    app: &Web,
    path: &str,
    session: &Session,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut all = vec![("csrf_token", session.token.as_str())];
    all.extend_from_slice(fields);
    post_raw(
        app,
        path,
        Some(&session.cookie),
        Some(&app.address),
        encode(&all),
    )
    .await
}

async fn post_raw(
    app: &Web,
    path: &str,
    cookie: Option<&str>,
    origin: Option<&str>,
    body: String,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(format!("{}{path}", app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    request.send().await.unwrap()
}

pub(crate) fn reference_in(html: &str) -> String {
    let at = html.find("class=\"reference\">").unwrap() + 18;
    html[at..at + 9].to_owned()
}

/// Submits one valid call-back request through the form; its reference.
pub(crate) async fn submit_one(app: &TestApp) -> String {
    submit_named(app, "Wilhelmina Quartz").await
}

/// Submits a valid call-back request from `name`; its reference.
pub(crate) async fn submit_named(app: &TestApp, name: &str) -> String {
    let web = Web::from(app);
    let session = open_form(&web, "callback").await;
    let mut fields = valid("callback");
    fields.retain(|(field, _)| *field != "name");
    fields.push(("name", name));
    let response = post(&web, "callback", &session, &fields).await;
    assert_eq!(response.status(), 200);
    reference_in(&response.text().await.unwrap())
}

/// Valid answers for each form; the name, phone and first prescription are distinctive so
/// they can be searched for in the database and logs.
pub(crate) fn valid(kind: &str) -> Vec<(&'static str, &'static str)> {
    let mut fields = vec![
        ("name", "Wilhelmina Quartz"),
        ("phone", "(213) 555-0147"),
        ("location", "denver"),
    ];
    fields.extend(match kind {
        "callback" => vec![
            ("best_time", "morning"),
            ("topic", "refill"),
            ("message", "About my magnesium cream"),
        ],
        "refill" => vec![
            ("date_of_birth", "03/14/1980"),
            ("prescriptions", "7734251\n7734252"),
            ("fulfilment", "delivery"),
            ("notes", ""),
        ],
        "transfer" => vec![
            ("date_of_birth", "1980-03-14"),
            ("current_pharmacy", "Main Street Drugs, Pasadena"),
            ("current_pharmacy_phone", "626 555 0199"),
            ("medicine_1", "baclofen 10 mg"),
            ("rx_1", "7734251"),
            ("medicine_3", "tizanidine 4 mg"),
            ("controlled", "schedule-2"),
        ],
        _ => vec![
            ("asker", "caregiver"),
            ("ingredients", "ketoprofen"),
            ("dosage_form", "gel"),
            ("strength", "10%"),
            ("message", ""),
        ],
    });
    fields
}

on_both_backends!(every_form_is_stored_sealed_and_opens_with_what_was_typed);

async fn every_form_is_stored_sealed_and_opens_with_what_was_typed(backend: Backend) {
    let app = spawn_app(backend).await;
    let web = Web::from(&app);
    let keys = DataKeys::parse(TEST_DATA_KEY).unwrap();
    let store = app.db.store().await;
    for kind in ["callback", "refill", "transfer", "compounding"] {
        let session = open_form(&web, kind).await;
        let response = post(&web, kind, &session, &valid(kind)).await;
        assert_eq!(response.status(), 200, "{kind}");
        assert_eq!(response.headers()["cache-control"], "no-store");
        let html = response.text().await.unwrap();
        assert!(
            html.contains("Denver Highlands is"),
            "hours-aware next step: {kind}"
        );
        if kind == "transfer" {
            assert!(html.contains("Schedule II medicines cannot be transferred"));
        }
        let reference = reference_in(&html);
        let stored = store
            .find_request(&reference)
            .await
            .unwrap()
            .expect("stored before the reply");
        assert_eq!(stored.request.kind, kind);
        assert_eq!(stored.request.location, "denver");
        assert_eq!(stored.status, pestle::store::RequestStatus::New);
        let opened = requests::open(&keys, &stored).unwrap();
        let json = serde_json::to_string(&opened).unwrap();
        assert!(
            json.contains("Wilhelmina Quartz") && json.contains("2135550147"),
            "{json}"
        );
        match (kind, &opened) {
            ("refill", Request::Refill { prescriptions, .. }) => {
                assert_eq!(prescriptions.numbers(), ["7734251", "7734252"]);
            }
            ("transfer", Request::Transfer { medications, .. }) => {
                let rows: Vec<_> = medications
                    .list()
                    .iter()
                    .map(|m| (m.name.as_str(), m.rx.as_deref()))
                    .collect();
                assert_eq!(
                    rows,
                    [
                        ("baclofen 10 mg", Some("7734251")),
                        ("tizanidine 4 mg", None)
                    ]
                );
            }
            ("callback", Request::Callback { .. })
            | ("compounding", Request::Compounding { .. }) => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(store.request_references().await.unwrap().len(), 4);
    assert_no_plaintext(&app, backend).await;
}

/// Neither the database file (SQLite, with its WAL) nor any row (PostgreSQL) holds a submitted
/// name, phone or prescription number in clear.
async fn assert_no_plaintext(app: &TestApp, backend: Backend) {
    let secrets = [
        "Wilhelmina",
        "Quartz",
        "2135550147",
        "555-0147",
        "7734251",
        "Main Street Drugs",
    ];
    let stored = database_text(app, backend);
    if backend == Backend::Postgres {
        assert!(
            stored.contains("COPY public.requests"),
            "the dump has the requests"
        );
    }
    for secret in secrets {
        assert!(
            !stored.contains(secret),
            "{secret} readable in the database"
        );
    }
}

#[tokio::test]
async fn every_problem_is_listed_at_once_with_the_values_kept() {
    let app = spawn_app(Backend::Sqlite).await;
    let web = Web::from(&app);
    let session = open_form(&web, "refill").await;
    let response = post(
        &web,
        "refill",
        &session,
        &[
            ("name", "Ada <b>Lovelace</b>"),
            ("phone", "555-0134"),
            ("date_of_birth", "14/03/1980"),
            ("prescriptions", ""),
            ("location", "west-hollywood"),
        ],
    )
    .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("<title>Error: Request a refill"));
    let summary = &html[html.find("There is a problem").unwrap()..html.find("<form").unwrap()];
    for (field, message) in [
        ("date_of_birth", "Enter your date of birth, like 03/14/1980"),
        (
            "phone",
            "Enter a phone number with 10 digits, like 310 555 0134",
        ),
        (
            "prescriptions",
            "Enter at least one prescription number, like 6012345",
        ),
        ("fulfilment", "Choose pickup or delivery"),
    ] {
        assert!(
            summary.contains(&format!("<a href=\"#{field}\">{message}</a>")),
            "{field}: {summary}"
        );
        assert!(
            html.contains(&format!("id=\"{field}-error\"")),
            "{field} message by the field"
        );
    }
    assert!(!summary.contains("#name"), "a valid field is not reported");
    assert!(
        html.contains("value=\"Ada &#60;b&#62;Lovelace&#60;/b&#62;\""),
        "kept and escaped"
    );
    assert!(html.contains("value=\"555-0134\""));
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(
        app.db
            .store()
            .await
            .request_references()
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn posts_without_the_token_or_from_elsewhere_are_refused() {
    let app = spawn_app(Backend::Sqlite).await;
    let web = Web::from(&app);
    let session = open_form(&web, "callback").await;
    let body = encode(&[
        ("csrf_token", &session.token),
        ("name", "X"),
        ("phone", "3105550134"),
    ]);
    let cases = [
        (None, Some(app.address.as_str()), "no cookie"),
        (
            Some(session.cookie.as_str()),
            Some("https://evil.example"),
            "foreign origin",
        ),
        (Some(session.cookie.as_str()), None, "no origin"),
        (
            Some("pestle_csrf=0000000000000000000000000000000000000000000000000000000000000000"),
            Some(app.address.as_str()),
            "other token",
        ),
    ];
    for (cookie, origin, case) in cases {
        let response = post_raw(&web, "/requests/callback", cookie, origin, body.clone()).await;
        assert_eq!(response.status(), 403, "{case}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("This form has expired")
        );
    }
    let response = post(
        &web,
        "callback",
        &session,
        &[("website", "http://spam.example")],
    )
    .await;
    assert_eq!(response.status(), 400, "honeypot");
    assert!(
        app.db
            .store()
            .await
            .request_references()
            .await
            .unwrap()
            .is_empty()
    );
}

/// Posts a valid call-back form with the given token pair and headers; the status.
async fn post_callback(
    app: &Web,
    cookie_token: &str,
    field_token: &str,
    headers: &[(&str, &str)],
) -> u16 {
    let mut fields = vec![("csrf_token", field_token)];
    fields.extend(valid("callback"));
    let mut request = app
        .client
        .post(format!("{}/requests/callback", app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", format!("pestle_csrf={cookie_token}"))
        .body(encode(&fields));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn origins_must_match_scheme_host_and_port_exactly() {
    let app = spawn_app(Backend::Sqlite).await;
    let web = Web::from(&app);
    let Session { token, .. } = open_form(&web, "callback").await;
    let port = app.address.rsplit(':').next().unwrap().to_owned();
    let https = format!("https://127.0.0.1:{port}");
    let other_port = format!("http://127.0.0.1:{}", port.parse::<u16>().unwrap() ^ 1);
    let localhost = format!("http://localhost:{port}");
    for (headers, case) in [
        (
            vec![("origin", https.as_str())],
            "https posted to the http site",
        ),
        (vec![("origin", other_port.as_str())], "another port"),
        (
            vec![("origin", "http://127.0.0.1:1"), ("host", "127.0.0.1:1")],
            "a port of the attacker's choosing",
        ),
        (
            vec![("referer", "https://127.0.0.1/requests/callback")],
            "a Referer without the port, over https",
        ),
    ] {
        assert_eq!(
            post_callback(&web, &token, &token, &headers).await,
            403,
            "{case}"
        );
    }
    // A Host of the attacker's choosing (DNS rebinding) is refused before the form is read.
    let rebinding = [("origin", "http://evil.example"), ("host", "evil.example")];
    assert_eq!(post_callback(&web, &token, &token, &rebinding).await, 421);
    let store = app.db.store().await;
    assert!(store.request_references().await.unwrap().is_empty());
    assert_eq!(
        post_callback(&web, &token, &token, &[("origin", localhost.as_str())]).await,
        200,
        "the bound port on localhost, for local use"
    );

    // A site with its own address: that exact origin, not its http:// twin.
    let app = crate::helpers::spawn_app_with(Backend::Sqlite, |s| {
        s.public_url = "https://pharmacy.example".parse().unwrap();
    })
    .await;
    let web = Web::from(&app);
    let Session { token, .. } = open_form(&web, "callback").await;
    let status = |origin: &'static str| {
        let (web, token) = (&web, &token);
        async move { post_callback(web, token, token, &[("origin", origin)]).await }
    };
    assert_eq!(status("http://pharmacy.example").await, 403);
    assert_eq!(status("https://pharmacy.example:8443").await, 403);
    assert_eq!(status("https://pharmacy.example").await, 200);
}

#[tokio::test]
async fn only_tokens_this_server_minted_pass() {
    let app = spawn_app(Backend::Sqlite).await;
    let web = Web::from(&app);
    let origin = [("origin", app.address.as_str())];
    // The attacker's own pair, planted as a cookie and copied into the form.
    let planted = "ab".repeat(32);
    assert_eq!(post_callback(&web, &planted, &planted, &origin).await, 403);
    let Session { token, .. } = open_form(&web, "callback").await;
    assert_eq!(post_callback(&web, &token, &token, &origin).await, 200);
    // "Share your experience" takes the same tokens, and refuses the planted pair too.
    let share = |token: &str| {
        let story = [
            ("csrf_token", token),
            ("name", "Clair C."),
            ("place", "Pasadena"),
            ("quote", "They found my cream when nobody else had it."),
            ("consent", "yes"),
        ];
        web.client
            .post(format!("{}/testimonials/share", web.address))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", format!("pestle_csrf={token}"))
            .header("origin", web.address.clone())
            .body(encode(&story))
            .send()
    };
    assert_eq!(share(&planted).await.unwrap().status(), 403);
    assert_eq!(share(&token).await.unwrap().status(), 200);

    // Another instance with the same data key accepts it (they share a database behind a load
    // balancer); one with another data key does not.
    // Each app is kept until the test ends: its database folder goes with it.
    let twin_app = spawn_app(Backend::Sqlite).await;
    let twin = Web::from(&twin_app);
    let twin_origin = [("origin", twin.address.as_str())];
    assert_eq!(
        post_callback(&twin, &token, &token, &twin_origin).await,
        200
    );
    let stranger_app = crate::helpers::spawn_app_with(Backend::Sqlite, |s| {
        s.data_key = Some(
            "s1 1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100"
                .to_owned()
                .into(),
        );
    })
    .await;
    let stranger = Web::from(&stranger_app);
    let stranger_origin = [("origin", stranger.address.as_str())];
    assert_eq!(
        post_callback(&stranger, &token, &token, &stranger_origin).await,
        403
    );
}

#[tokio::test]
async fn a_field_sent_twice_is_refused_not_guessed() {
    let app = spawn_app(Backend::Sqlite).await;
    let web = Web::from(&app);
    let session = open_form(&web, "callback").await;
    let mut fields = valid("callback");
    fields.push(("topic", "general"));
    let response = post(&web, "callback", &session, &fields).await;
    assert_eq!(
        response.status(),
        422,
        "one topic or the other: not ours to guess"
    );
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("This form could not be read")
    );
    assert!(
        app.db
            .store()
            .await
            .request_references()
            .await
            .unwrap()
            .is_empty(),
        "nothing stored"
    );
    let share = web
        .client
        .post(format!("{}/testimonials/share", app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", session.cookie.clone())
        .header("origin", app.address.clone())
        .body(encode(&[
            ("csrf_token", session.token.as_str()),
            ("name", "Clair C."),
            ("name", "Someone Else"),
            ("place", "Pasadena"),
            ("quote", "They found my cream when nobody else had it."),
            ("consent", "yes"),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(share.status(), 422, "a shared story with two names");
    assert_eq!(app.get("/search?q=cramps&q=migraine").await.status(), 400);
    let api = app.get("/api/v1/search?q=cramps&q=migraine").await;
    assert_eq!(api.status(), 400);
    let body: serde_json::Value = api.json().await.unwrap();
    assert!(body["errors"][0]["detail"].is_string(), "{body}");
    assert_eq!(app.get("/api/v1/suggest?q=cr&q=mi").await.status(), 400);
    assert_eq!(
        app.get("/search?q=cramps&utm_source=leaflet")
            .await
            .status(),
        200,
        "other parameters are ignored"
    );
    assert_eq!(
        app.get("/requests/compounding?ingredients=a&ingredients=b")
            .await
            .status(),
        400
    );
}

#[tokio::test]
async fn too_many_submissions_from_one_address_get_429_with_retry_after() {
    let app =
        crate::helpers::spawn_app_with(Backend::Sqlite, |s| s.request_limit_per_hour = 3).await;
    let web = Web::from(&app);
    let session = open_form(&web, "callback").await;
    for attempt in 1..=3 {
        let response = post(&web, "callback", &session, &valid("callback")).await;
        assert_eq!(response.status(), 200, "attempt {attempt}");
    }
    let response = post(&web, "callback", &session, &valid("callback")).await;
    assert_eq!(response.status(), 429);
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=1200).contains(&retry), "{retry}");
    assert_eq!(
        app.db
            .store()
            .await
            .request_references()
            .await
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        web.get("/requests/callback").await.status(),
        200,
        "reading a form is not limited"
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let app = spawn_app(Backend::Sqlite).await;
    let web = Web::from(&app);
    let session = open_form(&web, "callback").await;
    let huge = "x".repeat(40 * 1024);
    let response = post(&web, "callback", &session, &[("message", &huge)]).await;
    assert_eq!(response.status(), 413, "with a truthful Content-Length");

    // Chunked, so the size is only known while reading.
    let address = app.address.trim_start_matches("http://").to_owned();
    let cookie = session.cookie.clone();
    let origin = app.address.clone();
    let status = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(&address).unwrap();
        write!(
            stream,
            "POST /requests/callback HTTP/1.1\r\nHost: {address}\r\nOrigin: {origin}\r\nCookie: {cookie}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let chunk = "a".repeat(8 * 1024);
        for _ in 0..8 {
            if write!(stream, "{:x}\r\n{chunk}\r\n", chunk.len()).is_err() {
                break;
            }
        }
        let _ = write!(stream, "0\r\n\r\n");
        let mut line = String::new();
        BufReader::new(stream).read_line(&mut line).unwrap();
        line
    })
    .await
    .unwrap();
    assert!(status.starts_with("HTTP/1.1 413"), "{status}");
}

#[tokio::test]
async fn naughty_strings_never_break_a_form_and_come_back_escaped() {
    let app = spawn_app(Backend::Sqlite).await;
    let web = Web::from(&app);
    let keys = DataKeys::parse(TEST_DATA_KEY).unwrap();
    let store = app.db.store().await;
    let session = open_form(&web, "callback").await;
    let mut stored = 0;
    for naughty in naughty_strings::BLNS {
        let response = post(
            &web,
            "callback",
            &session,
            &[
                ("name", naughty),
                ("phone", "3105550134"),
                ("best_time", "morning"),
                ("topic", "other"),
                ("message", naughty),
                ("location", "denver"),
            ],
        )
        .await;
        let status = response.status().as_u16();
        let html = response.text().await.unwrap();
        assert!(status == 200 || status == 422, "{naughty:?} gave {status}");
        assert!(
            !html.contains("<script>alert"),
            "{naughty:?} echoed unescaped"
        );
        if status == 200 {
            let reference = reference_in(&html);
            let record = store.find_request(&reference).await.unwrap().unwrap();
            match requests::open(&keys, &record).unwrap() {
                Request::Callback { name, message, .. } => {
                    assert_eq!(name.as_str(), *naughty, "stored verbatim");
                    assert_eq!(message.as_str(), *naughty);
                }
                other => panic!("{other:?}"),
            }
            stored += 1;
        } else {
            // Refused only for a blank name or one over the length limit, and it says which.
            let blank = naughty.trim().is_empty() && html.contains("Enter your full name");
            let long = naughty.chars().count() > 100 && html.contains("characters or fewer");
            assert!(blank || long, "{naughty:?} refused for another reason");
        }
    }
    eprintln!(
        "naughty strings: {} sent, {stored} stored verbatim",
        naughty_strings::BLNS.len()
    );
    assert!(stored > 400);
}

/// The whole Big List of Naughty Strings through every field of every form, one field at a
/// time: never a 500; free text is stored verbatim; anything refused is refused for that field
/// with its message; whatever comes back on the page is escaped.
#[tokio::test]
async fn naughty_strings_through_every_field_of_every_form() {
    let app = spawn_app(Backend::Sqlite).await;
    let web = Web::from(&app);
    let keys = DataKeys::parse(TEST_DATA_KEY).unwrap();
    let store = app.db.store().await;
    // Free-text fields, and where each is kept in the opened request (as JSON).
    let free_text = |field: &str| -> Option<&'static str> {
        Some(match field {
            "name" => "/name",
            "message" => "/message",
            "notes" => "/notes",
            "current_pharmacy" => "/current_pharmacy",
            "medicine_1" => "/medications/0/name",
            "ingredients" => "/ingredients",
            "dosage_form" => "/dosage_form",
            "strength" => "/strength",
            _ => return None,
        })
    };
    let (mut sent, mut stored, mut refused) = (0, 0, 0);
    for kind in ["callback", "refill", "transfer", "compounding"] {
        let session = open_form(&web, kind).await;
        let fields: Vec<&str> = valid(kind).into_iter().map(|(name, _)| name).collect();
        for field in &fields {
            for naughty in naughty_strings::BLNS {
                let answers: Vec<(&str, &str)> = valid(kind)
                    .into_iter()
                    .map(|(name, value)| (name, if name == *field { *naughty } else { value }))
                    .collect();
                let response = post(&web, kind, &session, &answers).await;
                sent += 1;
                let status = response.status().as_u16();
                let html = response.text().await.unwrap();
                assert!(
                    status == 200 || status == 422,
                    "{kind} {field}={naughty:?}: {status}"
                );
                // Markup long enough not to occur in the page by chance must not appear as is.
                if naughty.contains('<') && naughty.len() >= 6 {
                    assert!(
                        !html.contains(naughty),
                        "{kind} {field}={naughty:?} echoed unescaped"
                    );
                }
                if status == 200 {
                    stored += 1;
                    let Some(pointer) = free_text(field) else {
                        continue;
                    };
                    let record = store
                        .find_request(&reference_in(&html))
                        .await
                        .unwrap()
                        .unwrap();
                    let opened =
                        serde_json::to_value(requests::open(&keys, &record).unwrap()).unwrap();
                    assert_eq!(
                        opened.pointer(pointer).and_then(|v| v.as_str()),
                        Some(*naughty),
                        "{kind} {field} verbatim"
                    );
                } else {
                    refused += 1;
                    let row = field.starts_with("medicine_") || field.starts_with("rx_");
                    let reported = if row { "medications" } else { field };
                    assert!(
                        html.contains(&format!("<a href=\"#{reported}\">")),
                        "{kind} {field}={naughty:?} refused for another field"
                    );
                }
            }
        }
    }
    eprintln!(
        "naughty strings through every field: {sent} sent, {stored} stored, {refused} refused with the field's message, 0 errors"
    );
}

#[test]
fn submitted_values_never_reach_the_server_log() {
    // The most verbose the server gets, request tracing included.
    let mut served = serve_binary("trace");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let web = Web {
            client: crate::helpers::http_client().build().unwrap(),
            address: served.address.clone(),
        };
        for kind in ["callback", "refill", "transfer", "compounding"] {
            let session = open_form(&web, kind).await;
            assert_eq!(post(&web, kind, &session, &valid(kind)).await.status(), 200);
            // And once with mistakes, so error paths are exercised too.
            let mut wrong: HashMap<&str, &str> = valid(kind).into_iter().collect();
            wrong.insert("phone", "213-555-014");
            let wrong: Vec<(&str, &str)> = wrong.into_iter().collect();
            assert_eq!(post(&web, kind, &session, &wrong).await.status(), 422);
        }
    });
    served.stop();
    let log = served.log.join("\n");
    assert!(
        log.contains("request received"),
        "the log does say requests arrived"
    );
    for secret in [
        "Wilhelmina",
        "Quartz",
        "2135550147",
        "555-0147",
        "7734251",
        "Main Street Drugs",
        "ketoprofen",
    ] {
        assert!(!log.contains(secret), "{secret} appears in the server log");
    }
}

/// Every rule of every form, through HTTP: one wrong answer at a time on an otherwise valid
/// form gives 422, that field's own message in the summary (linked to an element with the
/// field's id) and by the field, and nothing stored.
#[tokio::test]
async fn every_rule_of_every_form_gives_its_own_message() {
    let app = spawn_app(Backend::Sqlite).await;
    let web = Web::from(&app);
    let long = |n: usize| "a".repeat(n);
    let many_numbers = (0..21)
        .map(|i| format!("60123{i:02}"))
        .collect::<Vec<_>>()
        .join(" ");
    let future = "12/31/2999".to_owned();
    // (kind, field posted, value, field reported, message)
    let common = |kind: &'static str| {
        vec![
            (kind, "name", String::new(), "name", "Enter your full name"),
            (
                kind,
                "name",
                " \t ".to_owned(),
                "name",
                "Enter your full name",
            ),
            (
                kind,
                "name",
                long(101),
                "name",
                "Your name must be 100 characters or fewer (this is 101)",
            ),
            (
                kind,
                "phone",
                String::new(),
                "phone",
                "Enter a phone number with 10 digits, like 310 555 0134",
            ),
            (
                kind,
                "phone",
                "555-0134".to_owned(),
                "phone",
                "Enter a phone number with 10 digits, like 310 555 0134",
            ),
            (
                kind,
                "phone",
                "213 555 O147".to_owned(),
                "phone",
                "Enter a phone number with 10 digits, like 310 555 0134",
            ),
            (
                kind,
                "phone",
                "2 213 555 0147".to_owned(),
                "phone",
                "Enter a phone number with 10 digits, like 310 555 0134",
            ),
            (
                kind,
                "location",
                String::new(),
                "location",
                "Choose the pharmacy location",
            ),
            (
                kind,
                "location",
                "atlantis".to_owned(),
                "location",
                "Choose the pharmacy location",
            ),
        ]
    };
    let birth = |kind: &'static str| {
        vec![
            (
                kind,
                "date_of_birth",
                String::new(),
                "date_of_birth",
                "Enter your date of birth, like 03/14/1980",
            ),
            (
                kind,
                "date_of_birth",
                "14/03/1980".to_owned(),
                "date_of_birth",
                "Enter your date of birth, like 03/14/1980",
            ),
            (
                kind,
                "date_of_birth",
                "March 1980".to_owned(),
                "date_of_birth",
                "Enter your date of birth, like 03/14/1980",
            ),
            (
                kind,
                "date_of_birth",
                future.clone(),
                "date_of_birth",
                "Date of birth must be in the past",
            ),
            (
                kind,
                "date_of_birth",
                "01/01/1850".to_owned(),
                "date_of_birth",
                "Check the year of birth",
            ),
        ]
    };
    let mut cases = Vec::new();
    for kind in ["callback", "refill", "transfer", "compounding"] {
        cases.extend(common(kind));
    }
    cases.extend(birth("refill"));
    cases.extend(birth("transfer"));
    cases.extend([
        (
            "callback",
            "best_time",
            String::new(),
            "best_time",
            "Choose when we should call you",
        ),
        (
            "callback",
            "best_time",
            "midnight".to_owned(),
            "best_time",
            "Choose when we should call you",
        ),
        (
            "callback",
            "topic",
            String::new(),
            "topic",
            "Choose what your call is about",
        ),
        (
            "callback",
            "message",
            long(1001),
            "message",
            "Your message must be 1000 characters or fewer (this is 1001)",
        ),
        (
            "refill",
            "prescriptions",
            String::new(),
            "prescriptions",
            "Enter at least one prescription number, like 6012345",
        ),
        (
            "refill",
            "prescriptions",
            many_numbers,
            "prescriptions",
            "Enter up to 20 prescription numbers; call us for more",
        ),
        (
            "refill",
            "prescriptions",
            "6012345, 12".to_owned(),
            "prescriptions",
            "“12” does not look like a prescription number",
        ),
        (
            "refill",
            "prescriptions",
            "Rx#601".to_owned(),
            "prescriptions",
            "“Rx#601” does not look like a prescription number",
        ),
        (
            "refill",
            "fulfilment",
            String::new(),
            "fulfilment",
            "Choose pickup or delivery",
        ),
        (
            "refill",
            "notes",
            long(1001),
            "notes",
            "Your notes must be 1000 characters or fewer (this is 1001)",
        ),
        (
            "transfer",
            "current_pharmacy",
            String::new(),
            "current_pharmacy",
            "Enter the name of the pharmacy that has your prescriptions now",
        ),
        (
            "transfer",
            "current_pharmacy",
            long(201),
            "current_pharmacy",
            "The pharmacy's name must be 200 characters or fewer (this is 201)",
        ),
        (
            "transfer",
            "current_pharmacy_phone",
            "626 555".to_owned(),
            "current_pharmacy_phone",
            "Enter that pharmacy's phone number with 10 digits, like 310 555 0134",
        ),
        (
            "transfer",
            "medicine_1",
            String::new(),
            "medications",
            "Enter at least one medicine to transfer",
        ),
        (
            "transfer",
            "rx_2",
            "6012345".to_owned(),
            "medications",
            "Medicine 2: enter its name as well as its prescription number",
        ),
        (
            "transfer",
            "rx_1",
            "60 12".to_owned(),
            "medications",
            "Medicine 1: “60 12” does not look like a prescription number",
        ),
        (
            "transfer",
            "medicine_4",
            long(201),
            "medications",
            "Medicine 4's name must be 200 characters or fewer (this is 201)",
        ),
        (
            "transfer",
            "controlled",
            String::new(),
            "controlled",
            "Tell us whether any of the medicines is a controlled substance",
        ),
        (
            "compounding",
            "asker",
            "pharmacist".to_owned(),
            "asker",
            "Tell us who is asking",
        ),
        (
            "compounding",
            "ingredients",
            String::new(),
            "ingredients",
            "Enter the medicine or ingredients you are asking about",
        ),
        (
            "compounding",
            "ingredients",
            long(201),
            "ingredients",
            "The ingredients must be 200 characters or fewer (this is 201)",
        ),
        (
            "compounding",
            "dosage_form",
            long(201),
            "dosage_form",
            "The form must be 200 characters or fewer (this is 201)",
        ),
        (
            "compounding",
            "strength",
            long(201),
            "strength",
            "The strength must be 200 characters or fewer (this is 201)",
        ),
        (
            "compounding",
            "message",
            long(1001),
            "message",
            "Your message must be 1000 characters or fewer (this is 1001)",
        ),
    ]);
    for (kind, posted, value, reported, message) in &cases {
        let session = open_form(&web, kind).await;
        // A blank first medicine clears every medicine row: "none at all".
        let clear_all = *posted == "medicine_1" && value.is_empty();
        let mut fields: Vec<(&str, &str)> = valid(kind)
            .into_iter()
            .filter(|(name, _)| name != posted)
            .filter(|(name, _)| {
                !(clear_all && (name.starts_with("medicine_") || name.starts_with("rx_")))
            })
            .collect();
        fields.push((posted, value));
        let response = post(&web, kind, &session, &fields).await;
        assert_eq!(response.status(), 422, "{kind} {posted}={value:?}");
        let html = response.text().await.unwrap();
        let summary = &html[html.find("There is a problem").unwrap()..html.find("<form").unwrap()];
        let link = format!("<a href=\"#{reported}\">");
        assert_eq!(
            summary.matches("<a href=").count(),
            1,
            "{kind} {posted}: one problem: {summary}"
        );
        let at = summary
            .find(&link)
            .unwrap_or_else(|| panic!("{kind} {posted}: {summary}"));
        let shown = html_unescape(&summary[at + link.len()..]);
        assert!(
            shown.starts_with(message),
            "{kind} {posted}={value:?}: {shown}"
        );
        assert!(
            html.contains(&format!("id=\"{reported}\"")),
            "{kind}: the link lands on #{reported}"
        );
        assert!(
            html.contains(&format!("id=\"{reported}-error\"")),
            "{kind}: message by {reported}"
        );
    }
    assert!(cases.len() > 60, "{} rules checked", cases.len());
    let stored = app.db.store().await.request_references().await.unwrap();
    assert!(stored.is_empty(), "nothing stored from an invalid form");
}

/// Undoes askama's escaping of the characters our messages use.
fn html_unescape(html: &str) -> String {
    html.replace("&#39;", "'")
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}
