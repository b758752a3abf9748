//! A `Store` whose every call runs on one chosen Tokio runtime. The HTTP server runs one
//! single-threaded runtime per core (no cross-thread wake-ups, see `web::serve`); a database
//! connection belongs to the runtime that opened it, so calls made from those threads are
//! handed to the main runtime, which owns the pool and outlives them.

use std::sync::Arc;

use async_trait::async_trait;
use tokio::runtime::Handle;

use super::{
    AuditEntry, AuditFilter, ImportMode, ImportReport, NewAuditEntry, NewNotification, NewRequest,
    NewRequestEvent, NewRevision, NewSharedStory, NewUser, Notification, RequestEvent,
    RequestFilter, RequestSummary, Revision, Session, SharedStory, Store, StoreError, StoreResult,
    StoredRequest, User,
};
use crate::content::ContentPack;

#[derive(Debug)]
pub struct Pinned {
    inner: Arc<dyn Store>,
    runtime: Handle,
}

impl Pinned {
    /// Wraps `inner` so its calls run on `runtime`.
    pub fn wrap(inner: Arc<dyn Store>, runtime: Handle) -> Arc<dyn Store> {
        Arc::new(Self { inner, runtime })
    }

    /// Runs `call` on the chosen runtime and waits for it from wherever we are.
    async fn run<T, F, Fut>(&self, call: F) -> StoreResult<T>
    where
        F: FnOnce(Arc<dyn Store>) -> Fut,
        Fut: Future<Output = StoreResult<T>> + Send + 'static,
        T: Send + 'static,
    {
        match self.runtime.spawn(call(self.inner.clone())).await {
            Ok(result) => result,
            Err(error) => Err(StoreError::Task(error.to_string())),
        }
    }
}

#[async_trait]
impl Store for Pinned {
    fn backend(&self) -> &'static str {
        self.inner.backend()
    }

    async fn migrate(&self) -> StoreResult<()> {
        self.run(|store| async move { store.migrate().await }).await
    }

    async fn ping(&self) -> StoreResult<()> {
        self.run(|store| async move { store.ping().await }).await
    }

    async fn content_version(&self) -> StoreResult<i64> {
        self.run(|store| async move { store.content_version().await })
            .await
    }

    async fn import(&self, pack: &ContentPack, mode: ImportMode) -> StoreResult<ImportReport> {
        let pack = pack.clone();
        self.run(|store| async move { store.import(&pack, mode).await })
            .await
    }

    async fn load_content(&self) -> StoreResult<Option<ContentPack>> {
        self.run(|store| async move { store.load_content().await })
            .await
    }

    async fn record_search_miss(&self, query: &str) -> StoreResult<()> {
        let query = query.to_owned();
        self.run(|store| async move { store.record_search_miss(&query).await })
            .await
    }

    async fn search_misses(&self, limit: i64) -> StoreResult<Vec<(String, i64)>> {
        self.run(|store| async move { store.search_misses(limit).await })
            .await
    }

    async fn submit_request(
        &self,
        request: &NewRequest,
        notification: &NewNotification,
    ) -> StoreResult<()> {
        let (request, notification) = (request.clone(), notification.clone());
        self.run(|store| async move { store.submit_request(&request, &notification).await })
            .await
    }

    async fn find_request(&self, reference: &str) -> StoreResult<Option<StoredRequest>> {
        let reference = reference.to_owned();
        self.run(|store| async move { store.find_request(&reference).await })
            .await
    }

    async fn request_references(&self) -> StoreResult<Vec<String>> {
        self.run(|store| async move { store.request_references().await })
            .await
    }

    async fn claim_notifications(
        &self,
        now: i64,
        until: i64,
        limit: i64,
    ) -> StoreResult<Vec<Notification>> {
        self.run(|store| async move { store.claim_notifications(now, until, limit).await })
            .await
    }

    async fn notification_delivered(&self, id: i64, at: i64) -> StoreResult<()> {
        self.run(|store| async move { store.notification_delivered(id, at).await })
            .await
    }

    async fn notification_failed(&self, id: i64, retry_at: i64, error: &str) -> StoreResult<()> {
        let error = error.to_owned();
        self.run(|store| async move { store.notification_failed(id, retry_at, &error).await })
            .await
    }

    async fn pending_notifications(&self) -> StoreResult<i64> {
        self.run(|store| async move { store.pending_notifications().await })
            .await
    }

    async fn create_user(&self, user: &NewUser) -> StoreResult<i64> {
        let user = user.clone();
        self.run(|store| async move { store.create_user(&user).await })
            .await
    }

    async fn users(&self) -> StoreResult<Vec<User>> {
        self.run(|store| async move { store.users().await }).await
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        let email = email.to_owned();
        self.run(|store| async move { store.user_by_email(&email).await })
            .await
    }

    async fn update_user(&self, user: &User) -> StoreResult<()> {
        let user = user.clone();
        self.run(|store| async move { store.update_user(&user).await })
            .await
    }

    async fn create_session(&self, session: &Session) -> StoreResult<()> {
        let session = session.clone();
        self.run(|store| async move { store.create_session(&session).await })
            .await
    }

    async fn session(&self, token_hash: &str) -> StoreResult<Option<(Session, User)>> {
        let token_hash = token_hash.to_owned();
        self.run(|store| async move { store.session(&token_hash).await })
            .await
    }

    async fn update_session(
        &self,
        token_hash: &str,
        stage: &str,
        last_seen_at: i64,
    ) -> StoreResult<()> {
        let token_hash = token_hash.to_owned();
        let stage = stage.to_owned();
        self.run(|store| async move {
            store
                .update_session(&token_hash, &stage, last_seen_at)
                .await
        })
        .await
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        let token_hash = token_hash.to_owned();
        self.run(|store| async move { store.delete_session(&token_hash).await })
            .await
    }

    async fn append_audit(&self, entry: &NewAuditEntry) -> StoreResult<()> {
        let entry = entry.clone();
        self.run(|store| async move { store.append_audit(&entry).await })
            .await
    }

    async fn audit(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
        let filter = filter.clone();
        self.run(|store| async move { store.audit(&filter).await })
            .await
    }

    async fn request_summaries(&self, filter: &RequestFilter) -> StoreResult<Vec<RequestSummary>> {
        let filter = filter.clone();
        self.run(|store| async move { store.request_summaries(&filter).await })
            .await
    }

    async fn add_request_event(&self, event: &NewRequestEvent) -> StoreResult<()> {
        let event = event.clone();
        self.run(|store| async move { store.add_request_event(&event).await })
            .await
    }

    async fn request_events(&self, reference: &str) -> StoreResult<Vec<RequestEvent>> {
        let reference = reference.to_owned();
        self.run(|store| async move { store.request_events(&reference).await })
            .await
    }

    async fn add_revision(&self, revision: &NewRevision) -> StoreResult<i64> {
        let revision = revision.clone();
        self.run(|store| async move { store.add_revision(&revision).await })
            .await
    }

    async fn revisions(&self, path: &str, limit: i64) -> StoreResult<Vec<Revision>> {
        let path = path.to_owned();
        self.run(|store| async move { store.revisions(&path, limit).await })
            .await
    }

    async fn revision(&self, id: i64) -> StoreResult<Option<Revision>> {
        self.run(|store| async move { store.revision(id).await })
            .await
    }

    async fn reminder_candidates(&self, before: i64) -> StoreResult<Vec<RequestSummary>> {
        self.run(|store| async move { store.reminder_candidates(before).await })
            .await
    }

    async fn remind(
        &self,
        reference: &str,
        message: &str,
        channels: &[String],
        now: i64,
    ) -> StoreResult<()> {
        let reference = reference.to_owned();
        let message = message.to_owned();
        let channels = channels.to_vec();
        self.run(|store| async move { store.remind(&reference, &message, &channels, now).await })
            .await
    }

    async fn purge_closed(&self, closed_before: i64, now: i64) -> StoreResult<Vec<String>> {
        self.run(|store| async move { store.purge_closed(closed_before, now).await })
            .await
    }

    async fn share_story(&self, story: &NewSharedStory) -> StoreResult<()> {
        let story = story.clone();
        self.run(|store| async move { store.share_story(&story).await })
            .await
    }

    async fn shared_stories(&self, status: &str) -> StoreResult<Vec<SharedStory>> {
        let status = status.to_owned();
        self.run(|store| async move { store.shared_stories(&status).await })
            .await
    }

    async fn decide_story(
        &self,
        id: i64,
        status: &str,
        by: &str,
        at: i64,
    ) -> StoreResult<Option<SharedStory>> {
        let status = status.to_owned();
        let by = by.to_owned();
        self.run(|store| async move { store.decide_story(id, &status, &by, at).await })
            .await
    }

    async fn end_sessions(&self, user_id: i64) -> StoreResult<()> {
        self.run(|store| async move { store.end_sessions(user_id).await })
            .await
    }

    async fn close(&self) {
        let _ = self
            .run(|store| async move {
                store.close().await;
                Ok(())
            })
            .await;
    }
}
