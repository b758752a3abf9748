//! The SQLite store: one file, WAL journal, `synchronous=FULL` (a commit survives power loss),
//! foreign keys on. The default backend: nothing to install.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::plan::ImportPlan;
use super::rows::Rows;
use super::staff_rows::StaffRows;
use super::{
    AuditEntry, AuditFilter, ImportMode, ImportReport, NewAuditEntry, NewNotification, NewRequest,
    NewRequestEvent, NewRevision, NewSharedStory, NewUser, Notification, RequestEvent,
    RequestFilter, RequestSummary, Revision, Session, SharedStory, Store, StoreResult,
    StoredRequest, User, now_millis,
};
use crate::content::ContentPack;

type Db = Rows<sqlx::Sqlite>;
type Staff = StaffRows<sqlx::Sqlite>;

#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// SQLite takes one writer at a time. Writers queue here, in order, instead of meeting
    /// `SQLITE_BUSY` and backing off in the busy handler (which made the slowest submissions
    /// wait half a second under load; see docs/BENCHMARKS.md).
    writer: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl SqliteStore {
    /// Opens (creating if missing, with its folder) the database file named by a `sqlite://` URL.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        if let Some(parent) = options.get_filename().parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent).map_err(sqlx::Error::Io)?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        Ok(Self {
            pool,
            writer: std::sync::Arc::default(),
        })
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn migrate(&self) -> StoreResult<()> {
        sqlx::migrate!("./migrations/sqlite")
            .run(&self.pool)
            .await?;
        Ok(())
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn content_version(&self) -> StoreResult<i64> {
        let (version,): (i64,) = sqlx::query_as("SELECT version FROM content_meta WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(version)
    }

    #[tracing::instrument(skip_all, fields(backend = "sqlite"))]
    async fn import(&self, pack: &ContentPack, mode: ImportMode) -> StoreResult<ImportReport> {
        // IMMEDIATE takes the write lock up front, so two imports cannot both read the old
        // fingerprints and then race to write.
        let _writing = self.writer.lock().await;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let stored = Db::read_stored(&mut tx).await?;
        let plan = ImportPlan::new(&stored, pack, mode);
        Db::write_plan(&mut tx, &plan, now_millis()).await?;
        tx.commit().await?;
        Ok(plan.report)
    }

    async fn load_content(&self) -> StoreResult<Option<ContentPack>> {
        // One read transaction, so the pack is a consistent snapshot even during an import.
        let mut tx = self.pool.begin().await?;
        let pack = Db::load_content(&mut tx).await?;
        tx.commit().await?;
        Ok(pack)
    }

    async fn record_search_miss(&self, query: &str) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await?;
        Db::record_search_miss(&mut conn, query).await
    }

    async fn search_misses(&self, limit: i64) -> StoreResult<Vec<(String, i64)>> {
        let mut conn = self.pool.acquire().await?;
        Db::search_misses(&mut conn, limit).await
    }

    async fn submit_request(
        &self,
        request: &NewRequest,
        notification: &NewNotification,
    ) -> StoreResult<()> {
        // Committed before the patient sees "received": synchronous=FULL on SQLite, the
        // default synchronous commit on PostgreSQL.
        let _writing = self.writer.lock().await;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Db::insert_request(&mut tx, request, notification).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn find_request(&self, reference: &str) -> StoreResult<Option<StoredRequest>> {
        let mut conn = self.pool.acquire().await?;
        Db::find_request(&mut conn, reference).await
    }

    async fn request_references(&self) -> StoreResult<Vec<String>> {
        let mut conn = self.pool.acquire().await?;
        Db::request_references(&mut conn).await
    }

    async fn claim_notifications(
        &self,
        now: i64,
        until: i64,
        limit: i64,
    ) -> StoreResult<Vec<Notification>> {
        let mut conn = self.pool.acquire().await?;
        Db::claim_notifications(&mut conn, now, until, limit).await
    }

    async fn notification_delivered(&self, id: i64, at: i64) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await?;
        Db::notification_delivered(&mut conn, id, at).await
    }

    async fn notification_failed(&self, id: i64, retry_at: i64, error: &str) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await?;
        Db::notification_failed(&mut conn, id, retry_at, error).await
    }

    async fn pending_notifications(&self) -> StoreResult<i64> {
        let mut conn = self.pool.acquire().await?;
        Db::pending_notifications(&mut conn).await
    }

    async fn create_user(&self, user: &NewUser) -> StoreResult<i64> {
        let mut conn = self.pool.acquire().await?;
        Staff::create_user(&mut conn, user).await
    }

    async fn users(&self) -> StoreResult<Vec<User>> {
        let mut conn = self.pool.acquire().await?;
        Staff::users(&mut conn).await
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        let mut conn = self.pool.acquire().await?;
        Staff::user_by_email(&mut conn, email).await
    }

    async fn update_user(&self, user: &User) -> StoreResult<()> {
        let _writing = self.writer.lock().await;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Staff::update_user(&mut tx, user).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn create_session(&self, session: &Session) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await?;
        Staff::create_session(&mut conn, session).await
    }

    async fn session(&self, token_hash: &str) -> StoreResult<Option<(Session, User)>> {
        let mut conn = self.pool.acquire().await?;
        Staff::session(&mut conn, token_hash).await
    }

    async fn update_session(
        &self,
        token_hash: &str,
        stage: &str,
        last_seen_at: i64,
    ) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await?;
        Staff::update_session(&mut conn, token_hash, stage, last_seen_at).await
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await?;
        Staff::delete_session(&mut conn, token_hash).await
    }

    async fn append_audit(&self, entry: &NewAuditEntry) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await?;
        Staff::append_audit(&mut conn, entry).await
    }

    async fn audit(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
        let mut conn = self.pool.acquire().await?;
        Staff::audit(&mut conn, filter).await
    }

    async fn request_summaries(&self, filter: &RequestFilter) -> StoreResult<Vec<RequestSummary>> {
        let mut conn = self.pool.acquire().await?;
        Staff::request_summaries(&mut conn, filter).await
    }

    async fn add_request_event(&self, event: &NewRequestEvent) -> StoreResult<()> {
        let _writing = self.writer.lock().await;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Staff::add_request_event(&mut tx, event).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn request_events(&self, reference: &str) -> StoreResult<Vec<RequestEvent>> {
        let mut conn = self.pool.acquire().await?;
        Staff::request_events(&mut conn, reference).await
    }

    async fn add_revision(&self, revision: &NewRevision) -> StoreResult<i64> {
        let mut conn = self.pool.acquire().await?;
        Staff::add_revision(&mut conn, revision).await
    }

    async fn revisions(&self, path: &str, limit: i64) -> StoreResult<Vec<Revision>> {
        let mut conn = self.pool.acquire().await?;
        Staff::revisions(&mut conn, path, limit).await
    }

    async fn revision(&self, id: i64) -> StoreResult<Option<Revision>> {
        let mut conn = self.pool.acquire().await?;
        Staff::revision(&mut conn, id).await
    }

    async fn reminder_candidates(&self, before: i64) -> StoreResult<Vec<RequestSummary>> {
        let mut conn = self.pool.acquire().await?;
        Staff::reminder_candidates(&mut conn, before).await
    }

    async fn remind(
        &self,
        reference: &str,
        message: &str,
        channels: &[String],
        now: i64,
    ) -> StoreResult<()> {
        let _writing = self.writer.lock().await;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Staff::remind(&mut tx, reference, message, channels, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn purge_closed(&self, closed_before: i64, now: i64) -> StoreResult<Vec<String>> {
        let _writing = self.writer.lock().await;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let result = Staff::purge_closed(&mut tx, closed_before, now).await?;
        tx.commit().await?;
        Ok(result)
    }

    async fn share_story(&self, story: &NewSharedStory) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await?;
        Staff::share_story(&mut conn, story).await
    }

    async fn shared_stories(&self, status: &str) -> StoreResult<Vec<SharedStory>> {
        let mut conn = self.pool.acquire().await?;
        Staff::shared_stories(&mut conn, status).await
    }

    async fn decide_story(
        &self,
        id: i64,
        status: &str,
        by: &str,
        at: i64,
    ) -> StoreResult<Option<SharedStory>> {
        let mut conn = self.pool.acquire().await?;
        Staff::decide_story(&mut conn, id, status, by, at).await
    }

    async fn end_sessions(&self, user_id: i64) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await?;
        Staff::end_sessions(&mut conn, user_id).await
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}
