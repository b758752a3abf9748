//! What monitoring and backups read about the data as a whole: the outbox's depth and age,
//! overdue requests, and an inventory — schema and content versions, the data keys that sealed
//! records still need, and each table's row count.

use std::marker::PhantomData;

use super::StoreResult;
use super::backend::Backend;
use super::query::query;
use super::records::Operations;

pub struct Inventories<DB>(PhantomData<DB>);

/// The tables a backup's manifest counts (all but bookkeeping and passing traffic).
pub const COUNTED: [&str; 13] = [
    "requests",
    "request_events",
    "outbox",
    "users",
    "sessions",
    "audit",
    "conditions",
    "medications",
    "testimonials",
    "content_revisions",
    "testimonial_submissions",
    "jobs",
    // Who said STOP: a restore that lost these would text them again.
    "opt_outs",
];

/// A database's contents, summed up.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Inventory {
    /// The newest migration applied (0: none).
    pub schema_version: i64,
    pub content_version: i64,
    /// Ids of the data keys that sealed records still held (requests, notes, second factors).
    pub key_ids: Vec<String>,
    /// Rows per table in `COUNTED`.
    pub counts: Vec<(String, i64)>,
}

impl Inventory {
    /// Whether nothing but the sample content could be in it: no request, account or audit line.
    pub fn holds_records(&self) -> bool {
        self.counts.iter().any(|(table, count)| {
            matches!(table.as_str(), "requests" | "users" | "audit") && *count > 0
        })
    }
}

impl<DB: Backend> Inventories<DB> {
    /// A row an older release queued during a rolling upgrade has no `queued_at`: its due time
    /// stands in.
    pub async fn operations(conn: &mut DB::Connection) -> StoreResult<Operations> {
        let (outbox_pending, oldest, overdue): (i64, i64, i64) = query::<DB>(
            "SELECT (SELECT COUNT(*) FROM outbox \
             WHERE delivered_at IS NULL AND abandoned_at IS NULL), \
             (SELECT COALESCE(MIN(COALESCE(queued_at, due_at)), -1) FROM outbox \
             WHERE delivered_at IS NULL AND abandoned_at IS NULL), \
             (SELECT COUNT(*) FROM requests WHERE status = 'new' AND renotified_at IS NOT NULL)",
        )
        .fetch_one(&mut *conn)
        .await?;
        Ok(Operations {
            outbox_pending,
            outbox_oldest_queued_at: (oldest >= 0).then_some(oldest),
            requests_overdue: overdue,
        })
    }

    pub async fn ping(conn: &mut DB::Connection) -> StoreResult<()> {
        query::<DB>("SELECT 1").execute(&mut *conn).await?;
        Ok(())
    }

    pub async fn content_version(conn: &mut DB::Connection) -> StoreResult<i64> {
        let (version,): (i64,) = query::<DB>("SELECT version FROM content_meta WHERE id = 1")
            .fetch_one(&mut *conn)
            .await?;
        Ok(version)
    }

    /// The migrations applied, in order (none in a database never migrated: `exists` is the
    /// backend's query for the bookkeeping table).
    pub async fn applied(conn: &mut DB::Connection, exists: &str) -> StoreResult<Vec<i64>> {
        let (found,): (i64,) = query::<DB>(exists).fetch_one(&mut *conn).await?;
        if found == 0 {
            return Ok(Vec::new());
        }
        let versions: Vec<(i64,)> =
            query::<DB>("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
                .fetch_all(&mut *conn)
                .await?;
        Ok(versions.into_iter().map(|(version,)| version).collect())
    }

    /// Read inside the caller's transaction, so every figure comes from one snapshot.
    pub async fn inventory(conn: &mut DB::Connection) -> StoreResult<Inventory> {
        let (schema_version,): (i64,) = query::<DB>(
            "SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) FROM _sqlx_migrations WHERE success",
        )
        .fetch_one(&mut *conn)
        .await?;
        let content_version = Self::content_version(conn).await?;
        let key_ids: Vec<(String,)> = query::<DB>(
            "SELECT key_id FROM requests WHERE key_id <> 'purged' \
             UNION SELECT key_id FROM request_events WHERE key_id IS NOT NULL \
             UNION SELECT totp_key_id FROM users WHERE totp_key_id IS NOT NULL \
             UNION SELECT pending_key_id FROM sessions WHERE pending_key_id IS NOT NULL \
             UNION SELECT key_id FROM opt_outs \
             ORDER BY 1",
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut counts = Vec::with_capacity(COUNTED.len());
        for table in COUNTED {
            let (count,): (i64,) = query::<DB>(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&mut *conn)
                .await?;
            counts.push((table.to_owned(), count));
        }
        Ok(Inventory {
            schema_version,
            content_version,
            key_ids: key_ids.into_iter().map(|(id,)| id).collect(),
            counts,
        })
    }
}
