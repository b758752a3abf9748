//! Serving HTTP on one single-threaded Tokio runtime per core, each with its own listening
//! socket on the same port (`SO_REUSEPORT`, so the kernel spreads connections evenly) — the way
//! nginx runs one worker per core. Measured against Tokio's
//! work-stealing runtime on the pages benchmark (`scripts/bench-pages`), this removes the
//! cross-thread wake-ups that cost about a third of the throughput (see docs/BENCHMARKS.md).
//! Each thread builds its router on its own runtime, with a store whose connections belong to
//! that runtime (`AppState::on_this_runtime`); the main runtime keeps its own pool for
//! start-up and background work.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use super::connections::{Guarded, Registry, Timeouts};
use super::https::{ACME_TLS_ALPN, HANDSHAKE_TIMEOUT};

/// Binds one listening socket per server thread on `address`. A first plain bind proves the port
/// is free (another process holding it is an error, not a silent share) and picks the port when
/// `address` asks for port 0; the per-thread sockets then bind that port together.
pub fn bind(address: SocketAddr, threads: usize) -> anyhow::Result<Vec<std::net::TcpListener>> {
    let probe = std::net::TcpListener::bind(address)
        .with_context(|| format!("cannot listen on {address}"))?;
    let address = probe.local_addr()?;
    drop(probe);
    (0..threads.max(1))
        .map(|_| shared_socket(address).with_context(|| format!("cannot listen on {address}")))
        .collect()
}

fn shared_socket(address: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    let socket = Socket::new(
        Domain::for_address(address),
        Type::STREAM,
        Some(Protocol::TCP),
    )?;
    socket.set_reuse_address(true)?;
    socket.set_reuse_port(true)?;
    socket.set_nonblocking(true)?;
    socket.bind(&address.into())?;
    socket.listen(1024)?;
    Ok(socket.into())
}

/// A client must send its request headers within this time, or the connection is closed — so
/// slow clients (slowloris) cannot hold connections open.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `app` on each listener in its own thread. Each stops accepting when `stopping` turns
/// true and finishes its requests in flight; the returned task completes when all have.
pub fn on_threads(
    listeners: Vec<std::net::TcpListener>,
    app: impl Fn() -> Router + Clone + Send + 'static,
    tls: Option<TlsAcceptor>,
    guard: Guard,
    stopping: watch::Receiver<bool>,
) -> anyhow::Result<JoinHandle<anyhow::Result<()>>> {
    let mut handles = Vec::with_capacity(listeners.len());
    for (index, listener) in listeners.into_iter().enumerate() {
        let app = app.clone();
        let stopping = stopping.clone();
        let tls = tls.clone();
        let guard = guard.clone();
        let thread = std::thread::Builder::new()
            .name(format!("http-{index}"))
            .spawn(move || -> std::io::Result<()> {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                runtime.block_on(async move {
                    // Registering the socket needs this runtime's reactor: inside `block_on`.
                    serve(
                        TcpListener::from_std(listener)?,
                        app(),
                        tls,
                        guard,
                        stopping,
                    )
                    .await;
                    Ok(())
                })
            })
            .context("cannot start a server thread")?;
        handles.push(thread);
    }
    Ok(tokio::task::spawn_blocking(move || {
        for handle in handles {
            match handle.join() {
                Ok(result) => result.context("server error")?,
                Err(_) => anyhow::bail!("a server thread panicked"),
            }
        }
        Ok(())
    }))
}

/// One thread's accept loop: HTTP/1 and HTTP/2 via hyper (over TLS when `tls` is set), the
/// peer address in each request's extensions (for the forms' rate limit), a header-read
/// timeout, graceful shutdown.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    tls: Option<TlsAcceptor>,
    guard: Guard,
    mut stopping: watch::Receiver<bool>,
) {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    // A peer that stops answering pings is gone: its HTTP/2 connection is closed.
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(Duration::from_secs(20)))
        .keep_alive_timeout(Duration::from_secs(10));
    let builder = Arc::new(builder);
    let graceful = GracefulShutdown::new();
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            // A dropped sender also means stop. (The guard `wait_for` returns is dropped at
            // once: it is not `Send`, and this loop also runs on the main runtime.)
            () = async { let _ = stopping.wait_for(|stopping| *stopping).await; } => break,
        };
        let Some(ticket) = guard.registry.admit(peer.ip()) else {
            continue; // This address has its share of connections: dropped at once.
        };
        let _ = stream.set_nodelay(true);
        let stream = Guarded::new(stream, ticket, guard.timeouts);
        let router = app.clone();
        let service = service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            router.clone().oneshot(request)
        });
        let (builder, watcher) = (builder.clone(), graceful.watcher());
        match tls.clone() {
            None => connection(&builder, watcher, TokioIo::new(stream), service),
            // The handshake runs in the connection's own task, so a slow one holds up no one.
            Some(tls) => {
                tokio::spawn(async move {
                    let Ok(Ok(stream)) =
                        tokio::time::timeout(HANDSHAKE_TIMEOUT, tls.accept(stream)).await
                    else {
                        return;
                    };
                    if stream.get_ref().1.alpn_protocol() == Some(ACME_TLS_ALPN) {
                        return; // A CA's validation: the handshake was all it needed.
                    }
                    connection(&builder, watcher, TokioIo::new(stream), service);
                });
            }
        }
    }
    drop(listener);
    graceful.shutdown().await;
}

/// What every connection of a listener is held to.
#[derive(Clone)]
pub struct Guard {
    pub registry: Arc<Registry>,
    pub timeouts: Timeouts,
}

/// Serves one connection in its own task, watched for graceful shutdown.
fn connection<I, S>(builder: &Builder<TokioExecutor>, watcher: Watcher, io: TokioIo<I>, service: S)
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    S: hyper::service::Service<
            hyper::Request<Incoming>,
            Response = axum::response::Response,
            Error = std::convert::Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    let connection = builder
        .serve_connection_with_upgrades(io, service)
        .into_owned();
    let connection = watcher.watch(connection);
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            tracing::debug!(error = %error, "connection closed with an error");
        }
    });
}
