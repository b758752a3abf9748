//! Connections that cannot starve the server (issue 14), each tried with a real slow client:
//! one that sends nothing, an idle HTTP/1.1 keep-alive and an idle HTTP/2 connection, a body
//! trickled a byte at a time; the per-address and total caps (the connection idle the longest
//! makes room); and `/healthz` answering while 1,000 slow connections are held.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::helpers::{Backend, TestApp, spawn_app_with};

fn address(app: &TestApp) -> SocketAddr {
    app.address.trim_start_matches("http://").parse().unwrap()
}

/// Connects from `source` (any 127.0.0.0/8 address is this machine).
async fn connect_from(source: Ipv4Addr, to: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::new(IpAddr::V4(source), 0)).unwrap();
    socket.connect(to).await.unwrap()
}

/// How long until the server closes `stream` (reading and discarding what it sends), at most
/// `limit`.
async fn closed_after(mut stream: TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buffer = [0_u8; 4096];
    tokio::time::timeout(limit, async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    })
    .await
    .ok()?;
    Some(started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_idle_and_trickling_connections_are_closed() {
    let app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.connection_idle_timeout = Duration::from_secs(2);
        settings.request_timeout = Duration::from_secs(3);
    })
    .await;
    let to = address(&app);
    let limit = Duration::from_secs(10);

    // Sends nothing at all: not even which protocol it speaks.
    let silent = TcpStream::connect(to).await.unwrap();

    // HTTP/1.1 keep-alive: one request answered, then silence.
    let mut keep_alive = TcpStream::connect(to).await.unwrap();
    keep_alive
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();

    // HTTP/2 (prior knowledge): the preface and an empty SETTINGS frame, then silence.
    let mut http2 = TcpStream::connect(to).await.unwrap();
    http2
        .write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00")
        .await
        .unwrap();

    // A form body announced as 500 bytes, sent one byte every half second.
    let mut trickle = TcpStream::connect(to).await.unwrap();
    trickle
        .write_all(
            b"POST /requests/callback HTTP/1.1\r\nHost: 127.0.0.1\r\n\
              Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\n",
        )
        .await
        .unwrap();
    let trickled = tokio::spawn(async move {
        let started = Instant::now();
        let mut answer = Vec::new();
        let mut buffer = [0_u8; 1024];
        while started.elapsed() < Duration::from_secs(10) {
            if trickle.write_all(b"a").await.is_err() {
                break;
            }
            match tokio::time::timeout(Duration::from_millis(500), trickle.read(&mut buffer)).await
            {
                Ok(Ok(0)) | Ok(Err(_)) => break,
                Ok(Ok(read)) => answer.extend_from_slice(&buffer[..read]),
                Err(_) => {}
            }
        }
        (
            started.elapsed(),
            String::from_utf8_lossy(&answer).into_owned(),
        )
    });

    let (silent, keep_alive, http2) = tokio::join!(
        closed_after(silent, limit),
        closed_after(keep_alive, limit),
        closed_after(http2, limit)
    );
    for (name, waited) in [
        ("silent", silent),
        ("keep-alive", keep_alive),
        ("HTTP/2", http2),
    ] {
        let waited = waited.unwrap_or_else(|| panic!("{name}: still open after {limit:?}"));
        assert!(
            waited >= Duration::from_millis(1500) && waited < Duration::from_secs(6),
            "{name}: closed after {waited:?}"
        );
    }
    let (waited, answer) = trickled.await.unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 408"),
        "{answer:?} after {waited:?}"
    );
    assert!(waited < Duration::from_secs(6), "{waited:?}");
    // The server is fine.
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_while_a_thousand_slow_connections_are_held() {
    let app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.max_connections_per_address = 50;
    })
    .await;
    let to = address(&app);
    // 1,000 slowloris connections from 20 addresses, 50 each: half a request, then nothing.
    let mut held = Vec::new();
    for host in 2..22_u8 {
        for _ in 0..50 {
            let mut stream = connect_from(Ipv4Addr::new(127, 0, 0, host), to).await;
            stream
                .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                .await
                .unwrap();
            held.push(stream);
        }
    }
    let started = Instant::now();
    for _ in 0..20 {
        let asked = Instant::now();
        let response = app.get("/healthz").await;
        assert_eq!(response.status(), 200);
        assert!(
            asked.elapsed() < Duration::from_secs(1),
            "{:?}",
            asked.elapsed()
        );
    }
    // Still within the header timeout: all 1,000 were held the whole time.
    assert!(started.elapsed() < Duration::from_secs(8));

    // One more from an address that has its 50: closed at once.
    let extra = connect_from(Ipv4Addr::new(127, 0, 0, 2), to).await;
    let waited = closed_after(extra, Duration::from_secs(3)).await;
    assert!(
        waited.is_some_and(|w| w < Duration::from_secs(1)),
        "{waited:?}"
    );
    drop(held);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_cap_the_connection_idle_longest_makes_room() {
    let app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.max_connections = Some(10);
    })
    .await;
    let to = address(&app);
    let mut idle = Vec::new();
    for _ in 0..10 {
        let mut stream = TcpStream::connect(to).await.unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .await
            .unwrap();
        let mut buffer = [0_u8; 1024];
        assert!(stream.read(&mut buffer).await.unwrap() > 0);
        idle.push(stream);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The eleventh is served; the first (idle the longest) is closed for it.
    assert_eq!(app.get("/healthz").await.status(), 200);
    let first = idle.remove(0);
    let waited = closed_after(first, Duration::from_secs(3)).await;
    assert!(waited.is_some(), "the oldest idle connection is still open");
    let mut last = idle.pop().unwrap();
    last.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let mut buffer = [0_u8; 1024];
    assert!(
        last.read(&mut buffer).await.unwrap() > 0,
        "a recent one still answers"
    );
}
