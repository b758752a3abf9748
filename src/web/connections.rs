//! Connections that cannot starve the server. Found by testing a running server: a connection
//! that sent nothing, an idle HTTP/2 connection and a body trickled a byte at a time all stayed
//! open, and enough of them ran the process out of file descriptors. Here:
//! - every connection is `Guarded`: it must send its first byte within `HEADER_READ_TIMEOUT`
//!   (the protocol sniff), and is closed after `connection_idle_timeout` without a byte read or
//!   written (idle keep-alive and HTTP/2 connections, a client that stopped reading);
//! - a request must be answered within `request_timeout`, reading its body included, so a
//!   trickled body cannot hold a handler (`web::edge`, 408);
//! - `Registry` caps open connections per client address (trusted proxies exempt: every
//!   patient arrives through them) and in total, below the process's file limit; at the total
//!   cap the connection idle the longest is closed to make room, so a flood of slow
//!   connections cannot lock out new ones, and `/healthz` keeps answering.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::task::AtomicWaker;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

use crate::config::TrustedProxies;

/// File descriptors kept back from connections: the database, log and certificate files, the
/// listening sockets, outgoing mail and webhooks.
const RESERVED_FILES: u64 = 128;

/// Raises the soft limit on open files to the hard limit (what an unprivileged process may do),
/// and says how many connections it leaves room for.
pub fn raise_file_limit() -> u64 {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => limit,
        Err(error) => {
            tracing::warn!(%error, "cannot raise the open-file limit");
            rlimit::getrlimit(rlimit::Resource::NOFILE).map_or(1024, |(soft, _)| soft)
        }
    }
    .saturating_sub(RESERVED_FILES)
    .max(16)
}

struct Connection {
    peer: IpAddr,
    /// Milliseconds since the registry started, of the last byte read or written.
    last_active: AtomicU64,
    evicted: AtomicBool,
    waker: AtomicWaker,
}

/// The open connections of this process (every server thread's).
pub struct Registry {
    total: usize,
    per_address: usize,
    exempt: Arc<TrustedProxies>,
    epoch: Instant,
    open: Mutex<Open>,
}

#[derive(Default)]
struct Open {
    next: u64,
    connections: HashMap<u64, Arc<Connection>>,
    per_address: HashMap<IpAddr, usize>,
}

impl Registry {
    pub fn new(total: usize, per_address: usize, exempt: Arc<TrustedProxies>) -> Arc<Self> {
        Arc::new(Self {
            total: total.max(1),
            per_address: per_address.max(1),
            exempt,
            epoch: Instant::now(),
            open: Mutex::new(Open::default()),
        })
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// A place for a new connection from `peer`, or `None` when that address has its share.
    /// At the total cap, the connection idle the longest is told to close.
    pub fn admit(self: &Arc<Self>, peer: IpAddr) -> Option<Ticket> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let from_peer = open.per_address.get(&peer).copied().unwrap_or(0);
        if from_peer >= self.per_address && !self.exempt.contains(peer) {
            return None;
        }
        if open.connections.len() >= self.total
            && let Some(oldest) = open
                .connections
                .values()
                .filter(|c| !c.evicted.load(Ordering::Relaxed))
                .min_by_key(|c| c.last_active.load(Ordering::Relaxed))
        {
            oldest.evicted.store(true, Ordering::Relaxed);
            oldest.waker.wake();
        }
        let connection = Arc::new(Connection {
            peer,
            last_active: AtomicU64::new(self.now_ms()),
            evicted: AtomicBool::new(false),
            waker: AtomicWaker::new(),
        });
        let id = open.next;
        open.next += 1;
        open.connections.insert(id, connection.clone());
        *open.per_address.entry(peer).or_default() += 1;
        Some(Ticket {
            registry: self.clone(),
            id,
            connection,
        })
    }

    /// Connections open now.
    pub fn len(&self) -> usize {
        self.open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .connections
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A connection's place in the registry, given back when dropped.
pub struct Ticket {
    registry: Arc<Registry>,
    id: u64,
    connection: Arc<Connection>,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut open = self.registry.open.lock().unwrap_or_else(|e| e.into_inner());
        open.connections.remove(&self.id);
        let peer = self.connection.peer;
        if let Some(count) = open.per_address.get_mut(&peer) {
            *count -= 1;
            if *count == 0 {
                open.per_address.remove(&peer);
            }
        }
    }
}

/// The timeouts every connection gets.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// Until the first byte.
    pub first_byte: Duration,
    /// Between bytes, either way, afterwards.
    pub idle: Duration,
}

/// A connection's stream, closed (an I/O error) when it stays silent too long or the registry
/// evicts it. The deadline is checked lazily, to keep the clock out of every read and write
/// (measured on the pages benchmark): reads and writes only set `active`; when the timer fires
/// and there was activity, the connection's last-active time is noted and the timer set again,
/// so a silent connection closes between one and two idle periods after its last byte.
pub struct Guarded<I> {
    inner: I,
    ticket: Ticket,
    timeouts: Timeouts,
    started: bool,
    active: bool,
    deadline: Pin<Box<Sleep>>,
}

impl<I> Guarded<I> {
    pub fn new(inner: I, ticket: Ticket, timeouts: Timeouts) -> Self {
        Self {
            inner,
            ticket,
            timeouts,
            started: false,
            active: false,
            deadline: Box::pin(tokio::time::sleep(timeouts.first_byte)),
        }
    }

    fn active(&mut self) {
        self.started = true;
        self.active = true;
    }

    /// `Ready(error)` when the connection must close: evicted, or silent past its deadline.
    fn expired(&mut self, cx: &mut Context<'_>) -> Poll<io::Error> {
        let connection = &self.ticket.connection;
        connection.waker.register(cx.waker());
        if connection.evicted.load(Ordering::Relaxed) {
            return Poll::Ready(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "closed to make room for a new connection",
            ));
        }
        loop {
            if self.deadline.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            if !self.started {
                return Poll::Ready(io::Error::new(io::ErrorKind::TimedOut, "nothing sent"));
            }
            if !std::mem::take(&mut self.active) {
                return Poll::Ready(io::Error::new(io::ErrorKind::TimedOut, "idle"));
            }
            // Active since the last look: noted (for the registry's choice of the longest
            // idle), and another idle period allowed.
            let now = self.ticket.registry.now_ms();
            connection.last_active.store(now, Ordering::Relaxed);
            self.deadline
                .as_mut()
                .reset(Instant::now() + self.timeouts.idle);
        }
    }
}

impl<I> Guarded<I> {
    /// A write's outcome: bytes written count as activity; a write the client does not take
    /// (it stopped reading) runs into the deadline.
    fn wrote(
        &mut self,
        cx: &mut Context<'_>,
        result: Poll<io::Result<usize>>,
    ) -> Poll<io::Result<usize>> {
        match result {
            Poll::Ready(Ok(written)) => {
                if written > 0 {
                    self.active();
                }
                Poll::Ready(Ok(written))
            }
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Pending => self.expired(cx).map(Err),
        }
    }
}

impl<I: AsyncRead + Unpin> AsyncRead for Guarded<I> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) if buf.filled().len() > before => {
                self.active();
                Poll::Ready(Ok(()))
            }
            Poll::Ready(result) => Poll::Ready(result),
            Poll::Pending => self.expired(cx).map(Err),
        }
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for Guarded<I> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, data);
        self.wrote(cx, result)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, data);
        self.wrote(cx, result)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
