//! Staff notifications: with the mail server and the webhook down, requests still commit and
//! their notifications wait; once each is up, each request's notification arrives there exactly
//! once, with no patient data.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pestle::requests::fields::{BestTime, Note, PersonName, Phone, Topic};
use pestle::requests::{self, DataKeys, Request};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::helpers::{Backend, HeldPort, TEST_DATA_KEY, on_both_backends, spawn_app_with};

on_both_backends!(notifications_wait_for_the_mail_server_and_webhook_then_arrive_once_each);

async fn notifications_wait_for_the_mail_server_and_webhook_then_arrive_once_each(
    backend: Backend,
) {
    // Both are "down": their ports are held, but nothing listens on them yet.
    let (mail, hook) = (HeldPort::new(), HeldPort::new());
    let (port, hook_port) = (mail.port, hook.port);
    let app = spawn_app_with(backend, |s| {
        s.smtp_url = Some(format!("smtp://127.0.0.1:{port}").into());
        s.notify_email_to = Some("team@willow.example".to_owned());
        s.notify_webhook_url = Some(format!("http://127.0.0.1:{hook_port}/hooks/pestle").into());
    })
    .await;
    let store = app.db.store().await;
    let keys = DataKeys::parse(TEST_DATA_KEY).unwrap();
    let mut references = Vec::new();
    for i in 0..3 {
        let request = Request::Callback {
            name: PersonName::parse("Theodora Vance").unwrap(),
            phone: Phone::parse("213 555 0181").unwrap(),
            best_time: BestTime::Morning,
            topic: Topic::Refill,
            message: Note::parse(&format!("message {i}"), 100, "what-message").unwrap(),
        };
        let now = jiff::Timestamp::now().as_millisecond();
        let reference = requests::submit(
            store.as_ref(),
            &keys,
            (&request, &requests::Updates::default()),
            ("denver", "Denver Highlands"),
            pestle::content::Lang::En,
            &["email".to_owned(), "webhook".to_owned()],
            now,
        )
        .await
        .unwrap();
        references.push(reference.to_string());
    }
    // Let the worker fail a few times against the closed port.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(
        store.pending_notifications().await.unwrap(),
        6,
        "failures keep them queued, three per channel"
    );

    let received = Arc::new(Mutex::new(Vec::<String>::new()));
    tokio::spawn(smtp_server(mail.listen(), received.clone()));
    let hooked = Arc::new(Mutex::new(Vec::<(String, String)>::new()));
    tokio::spawn(webhook_receiver(hook.listen(), hooked.clone()));

    let started = Instant::now();
    while received.lock().unwrap().len() < 3 || hooked.lock().unwrap().len() < 3 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "not delivered: {:?}",
            received.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // No second copies turn up later.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let messages = received.lock().unwrap().clone();
    assert_eq!(messages.len(), 3, "{messages:?}");
    for reference in &references {
        let copies = messages
            .iter()
            .filter(|m| m.contains(reference.as_str()))
            .count();
        assert_eq!(copies, 1, "{reference}");
    }
    for message in &messages {
        let reference = references
            .iter()
            .find(|r| message.contains(r.as_str()))
            .unwrap();
        assert!(
            message.contains(&format!("Message-ID: <pestle-{reference}-")),
            "a Message-ID that every retry repeats: {message}"
        );
        // Undo quoted-printable soft line breaks, should the mailer use them.
        let message = &message.replace("=\n", "");
        assert!(message.contains("New call-back request R-"), "{message}");
        assert!(message.contains("at Denver Highlands"));
        assert!(message.contains("/staff/requests/R-"), "{message}");
        for secret in ["Theodora", "Vance", "2135550181", "555 0181", "message 0"] {
            assert!(!message.contains(secret), "{secret} in a notification");
        }
    }
    let hooks = hooked.lock().unwrap().clone();
    assert_eq!(hooks.len(), 3, "{hooks:?}");
    for reference in &references {
        let copies: Vec<_> = hooks
            .iter()
            .filter(|(_, body)| body.contains(reference.as_str()))
            .collect();
        assert_eq!(copies.len(), 1, "{reference} on the webhook");
        let (key, body) = copies[0];
        assert!(key.starts_with(&format!("pestle-{reference}-")), "{key}");
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["reference"], reference.as_str());
        assert!(
            json["text"]
                .as_str()
                .unwrap()
                .starts_with("New call-back request R-")
        );
        assert!(json["link"].as_str().unwrap().ends_with(reference.as_str()));
        for secret in ["Theodora", "Vance", "2135550181", "555 0181", "message 0"] {
            assert!(!body.contains(secret), "{secret} in a webhook call");
        }
    }
    assert_eq!(store.pending_notifications().await.unwrap(), 0);
}

/// A webhook receiver that is unwell at first (503 to its first call, which must be retried),
/// then keeps each call's idempotency key and JSON body.
async fn webhook_receiver(listener: TcpListener, received: Arc<Mutex<Vec<(String, String)>>>) {
    use axum::http::{HeaderMap, StatusCode};
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let app = axum::Router::new().route(
        "/hooks/pestle",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let received = received.clone();
            let calls = calls.clone();
            async move {
                if calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
                    return StatusCode::SERVICE_UNAVAILABLE;
                }
                assert_eq!(headers["content-type"], "application/json");
                let key = headers["idempotency-key"].to_str().unwrap().to_owned();
                received.lock().unwrap().push((key, body));
                StatusCode::NO_CONTENT
            }
        }),
    );
    axum::serve(listener, app).await.unwrap();
}

/// Just enough SMTP to accept mail: greets, says OK, and keeps each message's data.
pub(crate) async fn smtp_server(listener: TcpListener, received: Arc<Mutex<Vec<String>>>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        let received = received.clone();
        tokio::spawn(async move {
            let (read, mut write) = stream.into_split();
            let mut lines = BufReader::new(read).lines();
            let _ = write.write_all(b"220 test ESMTP\r\n").await;
            while let Ok(Some(line)) = lines.next_line().await {
                let command = line.to_ascii_uppercase();
                let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
                    b"250 test\r\n"
                } else if command.starts_with("DATA") {
                    let _ = write.write_all(b"354 go ahead\r\n").await;
                    let mut data = String::new();
                    let mut ended = false;
                    while let Ok(Some(line)) = lines.next_line().await {
                        if line == "." {
                            ended = true;
                            break;
                        }
                        data.push_str(&line);
                        data.push('\n');
                    }
                    // A message cut off before its final "." (the sender was killed) was never
                    // taken, as a real server would not take it.
                    if !ended {
                        return;
                    }
                    received.lock().unwrap().push(data);
                    b"250 queued\r\n"
                } else if command.starts_with("QUIT") {
                    let _ = write.write_all(b"221 bye\r\n").await;
                    return;
                } else {
                    b"250 OK\r\n"
                };
                let _ = write.write_all(reply).await;
            }
        });
    }
}
