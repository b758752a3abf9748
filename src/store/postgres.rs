//! The PostgreSQL store, for several stateless pestle instances sharing one database.

use std::str::FromStr;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use super::plan::ImportPlan;
use super::rows::Rows;
use super::{
    ImportMode, ImportReport, NewNotification, NewRequest, Notification, Store, StoreResult,
    StoredRequest, now_millis,
};
use crate::content::ContentPack;

type Db = Rows<sqlx::Postgres>;

#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = PgConnectOptions::from_str(url)?.application_name("pestle");
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect_with(options)
            .await?;
        Ok(Self { pool })
    }
}

#[async_trait]
impl Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn migrate(&self) -> StoreResult<()> {
        sqlx::migrate!("./migrations/postgres")
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

    #[tracing::instrument(skip_all, fields(backend = "postgres"))]
    async fn import(&self, pack: &ContentPack, mode: ImportMode) -> StoreResult<ImportReport> {
        let mut tx = self.pool.begin().await?;
        // Serialises concurrent imports (from several instances too): the second waits here
        // and then sees the first one's fingerprints.
        sqlx::query("SELECT version FROM content_meta WHERE id = 1 FOR UPDATE")
            .execute(&mut *tx)
            .await?;
        let stored = Db::read_stored(&mut tx).await?;
        let plan = ImportPlan::new(&stored, pack, mode);
        Db::write_plan(&mut tx, &plan, now_millis()).await?;
        tx.commit().await?;
        Ok(plan.report)
    }

    async fn load_content(&self) -> StoreResult<Option<ContentPack>> {
        // REPEATABLE READ: every query sees the same snapshot, even during an import.
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .execute(&mut *tx)
            .await?;
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
        let mut tx = self.pool.begin().await?;
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

    async fn close(&self) {
        self.pool.close().await;
    }
}
