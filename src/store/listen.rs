//! Content changes announced to every instance at once. On PostgreSQL an import's transaction
//! ends with `NOTIFY pestle_content` (delivered on commit, so never before the change is
//! visible), and each instance keeps one `LISTEN` connection that wakes its content cache. The
//! cache's poll stays as the fallback: while the listener is down (database restarting, network)
//! changes still arrive within `content_refresh_every`. SQLite is one process: no listener.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgListener, PgPool};
use tokio::sync::{Notify, watch};

/// The channel content changes are announced on.
pub const CHANNEL: &str = "pestle_content";

/// How an instance hears about content changes.
#[derive(Clone)]
pub struct ContentFeed {
    /// Woken for each announcement, and once after the listener reconnects (announcements
    /// may have been missed while it was down).
    pub changed: Arc<Notify>,
    /// Whether the listener is connected, for logs and `/healthz`.
    pub state: watch::Receiver<FeedState>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedState {
    Connecting,
    Listening,
    /// Lost; reconnecting. Changes still arrive by the poll.
    Down,
}

impl FeedState {
    pub fn word(self) -> &'static str {
        match self {
            Self::Connecting => "connecting",
            Self::Listening => "listening",
            Self::Down => "down",
        }
    }
}

/// Starts listening on `pool`'s database; the task runs until the feed's last receiver is gone.
pub fn spawn(pool: PgPool) -> ContentFeed {
    let changed = Arc::new(Notify::new());
    let (state_tx, state) = watch::channel(FeedState::Connecting);
    let wake = changed.clone();
    tokio::spawn(async move {
        let mut retry = Duration::from_millis(250);
        loop {
            if state_tx.is_closed() {
                return;
            }
            match listen(&pool, &wake, &state_tx).await {
                Ok(()) => return,
                Err(_) if pool.is_closed() => return,
                Err(error) => {
                    let was = state_tx.send_replace(FeedState::Down);
                    if was == FeedState::Listening {
                        // It was up: start the backoff again from the shortest wait.
                        retry = Duration::from_millis(250);
                    }
                    if was != FeedState::Down {
                        tracing::warn!(%error, "content listener lost; polling until it is back");
                    }
                    tokio::time::sleep(retry).await;
                    retry = (retry * 2).min(Duration::from_secs(10));
                }
            }
        }
    });
    ContentFeed { changed, state }
}

/// Listens until the connection fails (an error) or nobody is interested any more (`Ok`).
async fn listen(
    pool: &PgPool,
    wake: &Notify,
    state: &watch::Sender<FeedState>,
) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    if state.send_replace(FeedState::Listening) != FeedState::Listening {
        tracing::info!("content listener connected");
    }
    // Whatever was announced before this connection listened is picked up now.
    wake.notify_one();
    loop {
        if state.is_closed() {
            return Ok(());
        }
        match listener.try_recv().await {
            Ok(Some(_)) => wake.notify_one(),
            // The connection was lost and is back: anything announced meanwhile was missed.
            Ok(None) => {
                tracing::info!("content listener reconnected");
                wake.notify_one();
            }
            // Shutting down.
            Err(sqlx::Error::PoolClosed) => return Ok(()),
            Err(error) => return Err(error),
        }
    }
}
