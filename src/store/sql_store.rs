//! The one `Store` implementation, generic over the `Backend` (`SqlStore`, in `pool.rs`). Reads
//! take a pooled connection; every write runs in a transaction opened by `write()`, which on
//! SQLite first waits its turn in the in-process writer queue (so no write ever meets
//! `SQLITE_BUSY`). The SQL itself is in `rows.rs`, `account_rows.rs`, `staff_rows.rs` and
//! `traffic.rs`.

use std::sync::Arc;

use async_trait::async_trait;

use super::account_rows::AccountRows;
use super::accounts::{Enrolment, Failure, Failures, NewUser, Proof, SealedSecret, Session, User};
use super::backend::Backend;
use super::inventory::{Inventories, Inventory};
use super::plan::{ImportPlan, Target};
use super::pool::SqlStore;
use super::query::query;
use super::rows::Rows;
use super::staff_rows::StaffRows;
use super::{
    AuditEntry, AuditFilter, Bucket, Followup, ImportMode, ImportReport, NewNotification,
    NewRequest, NewRequestEvent, NewRevision, Notification, Operations, RequestEvent,
    RequestFilter, RequestSummary, Revision, Schema, Store, StoreResult, StoredRequest, now_millis,
};
use crate::content::ContentPack;
use crate::staff::{Role, Stage};

type Db<B> = Rows<B>;
type Accounts<B> = AccountRows<B>;
type Staff<B> = StaffRows<B>;

#[async_trait]
impl<B: Backend> Store for SqlStore<B> {
    fn backend(&self) -> &'static str {
        B::LABEL
    }

    async fn migrate(&self) -> StoreResult<()> {
        self.schema().await?.refuse_newer()?;
        Ok(B::migrate(&self.pool, None).await?)
    }

    async fn migrate_to(&self, version: i64) -> StoreResult<()> {
        Ok(B::migrate(&self.pool, Some(version)).await?)
    }

    async fn schema(&self) -> StoreResult<Schema> {
        let mut conn = self.read().await?;
        let applied = Inventories::<B>::applied(&mut conn, B::MIGRATIONS_TABLE_EXISTS).await?;
        Ok(Schema::new(applied, B::migrator()))
    }

    async fn ping(&self) -> StoreResult<()> {
        Inventories::<B>::ping(&mut *self.read().await?).await
    }

    async fn content_version(&self) -> StoreResult<i64> {
        Inventories::<B>::content_version(&mut *self.read().await?).await
    }

    #[tracing::instrument(skip_all, fields(backend = B::LABEL))]
    async fn write_content(
        &self,
        pack: &ContentPack,
        mode: ImportMode,
        only: Option<(&Target, Option<&str>)>,
    ) -> StoreResult<Option<ImportReport>> {
        let mut w = self.write().await?;
        if let Some(lock) = B::LOCK_CONTENT {
            query::<B>(lock).execute(&mut *w.tx).await?;
        }
        let stored = Db::<B>::read_stored(&mut w.tx).await?;
        let Some(plan) = ImportPlan::new(&stored, pack, mode).narrowed(&stored, only) else {
            return Ok(None); // Dropped without commit: nothing written.
        };
        Db::<B>::write_plan(&mut w.tx, &plan, now_millis()).await?;
        if let Some(announce) = B::ANNOUNCE_CONTENT
            && plan.report.changed()
        {
            query::<B>(announce).execute(&mut *w.tx).await?;
        }
        w.commit().await?;
        Ok(Some(plan.report))
    }

    async fn load_content(&self) -> StoreResult<Option<ContentPack>> {
        // One read transaction, so the pack is a consistent snapshot even during an import.
        let mut tx = self.snapshot().await?;
        let pack = Db::<B>::load_content(&mut tx).await?;
        tx.commit().await?;
        Ok(pack)
    }

    async fn content_modified(&self) -> StoreResult<Vec<(String, i64)>> {
        Db::<B>::content_modified(&mut *self.read().await?).await
    }

    async fn record_search_miss(&self, query: &str) -> StoreResult<()> {
        // Statement by statement, not one transaction: each later statement must see the
        // sightings other searches committed meanwhile (see `traffic.rs`).
        let (_turn, mut conn) = self.write_each().await?;
        Db::<B>::record_search_miss(&mut conn, query).await
    }

    async fn search_misses(&self, limit: i64) -> StoreResult<Vec<(String, i64)>> {
        Db::<B>::search_misses(&mut *self.read().await?, limit).await
    }

    fn content_feed(&self) -> Option<super::listen::ContentFeed> {
        B::content_feed(&self.pool)
    }

    fn limits_in_database(&self) -> bool {
        B::SHARED_LIMITS
    }

    async fn take_token(&self, bucket: &Bucket, now: i64) -> StoreResult<Option<i64>> {
        // One statement decides; the second only reads the wait.
        let (_turn, mut conn) = self.write_each().await?;
        Db::<B>::take_token(&mut conn, bucket, now).await
    }

    async fn claim_job(&self, name: &str, now: i64, until: i64) -> StoreResult<bool> {
        let (_turn, mut conn) = self.write_each().await?;
        Db::<B>::claim_job(&mut conn, name, now, until).await
    }

    async fn forget_rate_limits(&self, before: i64) -> StoreResult<u64> {
        let (_turn, mut conn) = self.write_each().await?;
        Db::<B>::forget_rate_limits(&mut conn, before).await
    }

    async fn submit_request(
        &self,
        request: &NewRequest,
        followup: &Followup,
        note: &NewNotification,
    ) -> StoreResult<()> {
        // Committed before the patient sees "received": synchronous=FULL on SQLite, the
        // default synchronous commit on PostgreSQL.
        let mut w = self.write().await?;
        Db::<B>::insert_request(&mut w.tx, request, followup, note).await?;
        w.commit().await
    }

    async fn find_request(&self, reference: &str) -> StoreResult<Option<StoredRequest>> {
        Db::<B>::find_request(&mut *self.read().await?, reference).await
    }

    async fn request_references(&self) -> StoreResult<Vec<String>> {
        Db::<B>::request_references(&mut *self.read().await?).await
    }

    async fn claim_notifications(
        &self,
        now: i64,
        until: i64,
        limit: i64,
    ) -> StoreResult<Vec<Notification>> {
        let mut w = self.write().await?;
        let claimed = Db::<B>::claim_notifications(&mut w.tx, now, until, limit).await?;
        w.commit().await?;
        Ok(claimed)
    }

    async fn notification_delivered(&self, id: i64, at: i64) -> StoreResult<()> {
        let mut w = self.write().await?;
        Db::<B>::notification_delivered(&mut w.tx, id, at).await?;
        w.commit().await
    }

    async fn notification_failed(&self, id: i64, retry_at: i64, error: &str) -> StoreResult<()> {
        let mut w = self.write().await?;
        Db::<B>::notification_failed(&mut w.tx, id, retry_at, error).await?;
        w.commit().await
    }

    async fn pending_notifications(&self) -> StoreResult<i64> {
        Db::<B>::pending_notifications(&mut *self.read().await?).await
    }

    async fn operations(&self) -> StoreResult<Operations> {
        Inventories::<B>::operations(&mut *self.read().await?).await
    }

    async fn inventory(&self) -> StoreResult<Inventory> {
        let mut tx = self.snapshot().await?;
        let inventory = Inventories::<B>::inventory(&mut tx).await?;
        tx.commit().await?;
        Ok(inventory)
    }

    async fn create_user(&self, user: &NewUser) -> StoreResult<i64> {
        let mut w = self.write().await?;
        let id = Accounts::<B>::create_user(&mut w.tx, user).await?;
        w.commit().await?;
        Ok(id)
    }

    async fn users(&self) -> StoreResult<Vec<User>> {
        Accounts::<B>::users(&mut *self.read().await?).await
    }

    async fn user(&self, id: i64) -> StoreResult<Option<User>> {
        Accounts::<B>::user(&mut *self.read().await?, id).await
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        Accounts::<B>::user_by_email(&mut *self.read().await?, email).await
    }

    async fn count_failure(
        &self,
        user_id: i64,
        failure: &Failure,
    ) -> StoreResult<Option<Failures>> {
        let mut w = self.write().await?;
        let counted = Accounts::<B>::count_failure(&mut w.tx, user_id, failure).await?;
        w.commit().await?;
        Ok(counted)
    }

    async fn password_accepted(
        &self,
        user_id: i64,
        session: &Session,
        stage_for: fn(Role, bool) -> Stage,
    ) -> StoreResult<Option<(Role, Stage)>> {
        let mut w = self.write().await?;
        let Some((role, enrolled)) = Accounts::<B>::password_accepted(&mut w.tx, user_id).await?
        else {
            return Ok(None);
        };
        let stage = stage_for(role, enrolled);
        let session = Session {
            stage,
            ..session.clone()
        };
        Accounts::<B>::create_session(&mut w.tx, &session).await?;
        w.commit().await?;
        Ok(Some((role, stage)))
    }

    async fn second_factor_accepted(
        &self,
        pending: &str,
        proof: &Proof,
        session: &Session,
    ) -> StoreResult<Option<Role>> {
        let mut w = self.write().await?;
        if !Accounts::<B>::take_session(&mut w.tx, pending, Stage::SecondFactor).await? {
            return Ok(None);
        }
        let Some(role) =
            Accounts::<B>::second_factor_accepted(&mut w.tx, session.user_id, proof).await?
        else {
            return Ok(None);
        };
        Accounts::<B>::create_session(&mut w.tx, session).await?;
        w.commit().await?;
        Ok(Some(role))
    }

    async fn enrol_second_factor(
        &self,
        user_id: i64,
        enrolment: &Enrolment,
        session: &Session,
    ) -> StoreResult<bool> {
        let mut w = self.write().await?;
        if !Accounts::<B>::set_second_factor(&mut w.tx, user_id, enrolment).await? {
            return Ok(false);
        }
        Accounts::<B>::end_sessions(&mut w.tx, user_id, None).await?;
        Accounts::<B>::create_session(&mut w.tx, session).await?;
        w.commit().await?;
        Ok(true)
    }

    async fn set_password_by_link(
        &self,
        user_id: i64,
        link: &str,
        password_hash: &str,
    ) -> StoreResult<bool> {
        let mut w = self.write().await?;
        let used = Accounts::<B>::take_session(&mut w.tx, link, Stage::Setup).await?
            && Accounts::<B>::set_password(&mut w.tx, user_id, password_hash).await?;
        if !used {
            return Ok(false);
        }
        Accounts::<B>::end_sessions(&mut w.tx, user_id, None).await?;
        w.commit().await?;
        Ok(true)
    }

    async fn issue_setup_link(&self, link: &Session) -> StoreResult<()> {
        let mut w = self.write().await?;
        Accounts::<B>::end_setup_links(&mut w.tx, link.user_id).await?;
        Accounts::<B>::create_session(&mut w.tx, link).await?;
        w.commit().await
    }

    async fn set_disabled(&self, user_id: i64, disabled: bool) -> StoreResult<bool> {
        let mut w = self.write().await?;
        let found = Accounts::<B>::set_disabled(&mut w.tx, user_id, disabled).await?;
        if disabled {
            Accounts::<B>::end_sessions(&mut w.tx, user_id, None).await?;
        }
        w.commit().await?;
        Ok(found)
    }

    async fn set_role(&self, user_id: i64, role: Role) -> StoreResult<bool> {
        let mut w = self.write().await?;
        let found = Accounts::<B>::set_role(&mut w.tx, user_id, role).await?;
        Accounts::<B>::end_sessions(&mut w.tx, user_id, None).await?;
        w.commit().await?;
        Ok(found)
    }

    async fn reset_second_factor(&self, user_id: i64) -> StoreResult<bool> {
        let mut w = self.write().await?;
        let found = Accounts::<B>::clear_second_factor(&mut w.tx, user_id).await?;
        Accounts::<B>::end_sessions(&mut w.tx, user_id, None).await?;
        w.commit().await?;
        Ok(found)
    }

    async fn create_session(&self, session: &Session) -> StoreResult<()> {
        let mut w = self.write().await?;
        Accounts::<B>::create_session(&mut w.tx, session).await?;
        w.commit().await
    }

    async fn session(&self, token_hash: &str) -> StoreResult<Option<(Session, User)>> {
        Accounts::<B>::session(&mut *self.read().await?, token_hash).await
    }

    async fn touch_session(&self, token_hash: &str, last_seen_at: i64) -> StoreResult<()> {
        let mut w = self.write().await?;
        Accounts::<B>::touch_session(&mut w.tx, token_hash, last_seen_at).await?;
        w.commit().await
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        let mut w = self.write().await?;
        Accounts::<B>::delete_session(&mut w.tx, token_hash).await?;
        w.commit().await
    }

    async fn end_sessions(&self, user_id: i64) -> StoreResult<()> {
        let mut w = self.write().await?;
        Accounts::<B>::end_sessions(&mut w.tx, user_id, None).await?;
        w.commit().await
    }

    async fn set_pending_secret(&self, token_hash: &str, secret: &SealedSecret) -> StoreResult<()> {
        let mut w = self.write().await?;
        Accounts::<B>::set_pending_secret(&mut w.tx, token_hash, secret).await?;
        w.commit().await
    }

    async fn pending_secret(&self, token_hash: &str) -> StoreResult<Option<SealedSecret>> {
        Accounts::<B>::pending_secret(&mut *self.read().await?, token_hash).await
    }

    async fn append_audit(&self, entry: &AuditEntry) -> StoreResult<()> {
        let mut w = self.write().await?;
        Staff::<B>::append_audit(&mut w.tx, entry).await?;
        w.commit().await
    }

    async fn audit(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
        Staff::<B>::audit(&mut *self.read().await?, filter).await
    }

    async fn request_summaries(&self, filter: &RequestFilter) -> StoreResult<Vec<RequestSummary>> {
        Staff::<B>::request_summaries(&mut *self.read().await?, filter).await
    }

    async fn add_request_event(&self, event: &NewRequestEvent) -> StoreResult<()> {
        let mut w = self.write().await?;
        Staff::<B>::add_request_event(&mut w.tx, event).await?;
        w.commit().await
    }

    async fn request_events(&self, reference: &str) -> StoreResult<Vec<RequestEvent>> {
        Staff::<B>::request_events(&mut *self.read().await?, reference).await
    }

    async fn add_revision(&self, revision: &NewRevision) -> StoreResult<i64> {
        let mut w = self.write().await?;
        let id = Staff::<B>::add_revision(&mut w.tx, revision).await?;
        w.commit().await?;
        Ok(id)
    }

    async fn revisions(&self, path: &str, limit: i64) -> StoreResult<Vec<Revision>> {
        Staff::<B>::revisions(&mut *self.read().await?, path, limit).await
    }

    async fn revision(&self, id: i64) -> StoreResult<Option<Revision>> {
        Staff::<B>::revision(&mut *self.read().await?, id).await
    }

    fn for_this_runtime(&self) -> Arc<dyn Store> {
        Arc::new(self.lazy_twin())
    }

    async fn close(&self) {
        self.close_pool().await;
    }

    fn pool_use(&self) -> super::PoolUse {
        SqlStore::pool_use(self)
    }
}
