//! `SqlStore`: one database's connection pool, and how reads and writes get a connection —
//! on SQLite every write first takes its turn in the in-process writer queue.

use std::fmt;
use std::sync::Arc;

use sqlx::pool::{Pool, PoolConnection};
use sqlx::{Connection, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

use super::StoreResult;
use super::backend::Backend;

/// A store on one database. Cloning shares the pool and the writer queue.
pub struct SqlStore<B: Backend> {
    pub(super) pool: Pool<B>,
    options: <B::Connection as Connection>::Options,
    /// Writers take turns here first when `B::QUEUE_WRITERS` (SQLite); shared by every
    /// `for_this_runtime` copy, so the whole process has one queue.
    writer: Arc<Mutex<()>>,
    /// This pool and every `for_this_runtime` copy's, for the pool-use metric.
    family: Arc<std::sync::Mutex<Vec<Pool<B>>>>,
}

impl<B: Backend> fmt::Debug for SqlStore<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlStore")
            .field("backend", &B::LABEL)
            .finish()
    }
}

/// A writing transaction, holding its turn in the writer queue until it ends.
pub(super) struct Writing<B: Backend> {
    pub(super) tx: Transaction<'static, B>,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl<B: Backend> Writing<B> {
    pub(super) async fn commit(self) -> StoreResult<()> {
        self.tx.commit().await?;
        Ok(())
    }
}

impl<B: Backend> SqlStore<B> {
    /// Opens the database named by `url` (creating a SQLite file and its folder if missing).
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = B::options(url)?;
        let pool = B::pool_options().connect_with(options.clone()).await?;
        Ok(Self {
            family: Arc::new(std::sync::Mutex::new(vec![pool.clone()])),
            pool,
            options,
            writer: Arc::default(),
        })
    }

    pub(super) async fn read(&self) -> StoreResult<PoolConnection<B>> {
        Ok(self.pool.acquire().await?)
    }

    /// A reading transaction that sees one snapshot throughout (a content load, an inventory).
    pub(super) async fn snapshot(&self) -> StoreResult<sqlx::Transaction<'static, B>> {
        Ok(self.pool.begin_with(B::BEGIN_SNAPSHOT).await?)
    }

    pub(super) async fn write(&self) -> StoreResult<Writing<B>> {
        let turn = self.turn().await;
        let tx = self.pool.begin_with(B::BEGIN_WRITE).await?;
        Ok(Writing { tx, _turn: turn })
    }

    /// A connection for writes that commit statement by statement, holding the writer's turn.
    pub(super) async fn write_each(
        &self,
    ) -> StoreResult<(Option<OwnedMutexGuard<()>>, PoolConnection<B>)> {
        let turn = self.turn().await;
        Ok((turn, self.pool.acquire().await?))
    }

    async fn turn(&self) -> Option<OwnedMutexGuard<()>> {
        if B::QUEUE_WRITERS {
            Some(self.writer.clone().lock_owned().await)
        } else {
            None
        }
    }

    /// The same database through a new, lazily connected pool for the calling runtime; the
    /// writer queue is shared.
    pub(super) fn lazy_twin(&self) -> Self {
        let pool = B::pool_options().connect_lazy_with(self.options.clone());
        let mut family = self.family.lock().unwrap_or_else(|e| e.into_inner());
        family.retain(|pool| !pool.is_closed());
        family.push(pool.clone());
        Self {
            pool,
            options: self.options.clone(),
            writer: self.writer.clone(),
            family: self.family.clone(),
        }
    }

    /// Connections open and in use across this store's family of pools.
    pub(super) fn pool_use(&self) -> super::PoolUse {
        let family = self.family.lock().unwrap_or_else(|e| e.into_inner());
        let open: u64 = family.iter().map(|pool| u64::from(pool.size())).sum();
        let idle: u64 = family.iter().map(|pool| pool.num_idle() as u64).sum();
        super::PoolUse {
            open,
            in_use: open.saturating_sub(idle),
            max: family.len() as u64 * u64::from(B::MAX_CONNECTIONS),
        }
    }

    pub(super) async fn close_pool(&self) {
        self.pool.close().await;
    }
}
