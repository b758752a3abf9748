//! `Upkeep`: what the back office and the housekeeping round keep besides requests and
//! accounts — reminders about waiting requests, purging closed requests' sealed contents, and
//! experiences shared through the public form — with its implementation on `SqlStore` (the SQL
//! is in `staff_rows.rs`). A part of the `Store` contract (`Store: Upkeep`).

use async_trait::async_trait;

use super::backend::Backend;
use super::pool::SqlStore;
use super::staff_rows::StaffRows;
use super::{
    Moderation, NewNotification, NewSharedStory, RequestSummary, SharedStory, StoreResult,
    StoryStatus,
};

#[async_trait]
pub trait Upkeep {
    /// New requests created before `before` that staff have not been reminded about (oldest first).
    async fn reminder_candidates(&self, before: i64) -> StoreResult<Vec<RequestSummary>>;

    /// Marks a request reminded (at the reminder's `due_at`) and queues the reminder, in one
    /// transaction.
    async fn remind(&self, reference: &str, reminder: &NewNotification) -> StoreResult<()>;

    /// Empties the sealed contents of requests closed before `closed_before`, keeping their metadata; the references purged. One transaction.
    async fn purge_closed(&self, closed_before: i64, now: i64) -> StoreResult<Vec<String>>;

    /// Keeps an experience shared through the public form, pending moderation.
    async fn share_story(&self, story: &NewSharedStory) -> StoreResult<()>;

    /// Shared experiences with `status` (pending, approved or rejected), oldest first.
    async fn shared_stories(&self, status: StoryStatus) -> StoreResult<Vec<SharedStory>>;

    /// Approves or rejects a pending shared experience; `None` if it is not pending.
    async fn decide_story(
        &self,
        id: i64,
        moderation: &Moderation,
    ) -> StoreResult<Option<SharedStory>>;
}

type Staff<B> = StaffRows<B>;

#[async_trait]
impl<B: Backend> Upkeep for SqlStore<B> {
    async fn reminder_candidates(&self, before: i64) -> StoreResult<Vec<RequestSummary>> {
        Staff::<B>::reminder_candidates(&mut *self.read().await?, before).await
    }

    async fn remind(&self, reference: &str, reminder: &NewNotification) -> StoreResult<()> {
        let mut w = self.write().await?;
        Staff::<B>::remind(&mut w.tx, reference, reminder).await?;
        w.commit().await
    }

    async fn purge_closed(&self, closed_before: i64, now: i64) -> StoreResult<Vec<String>> {
        let mut w = self.write().await?;
        let purged = Staff::<B>::purge_closed(&mut w.tx, closed_before, now).await?;
        w.commit().await?;
        Ok(purged)
    }

    async fn share_story(&self, story: &NewSharedStory) -> StoreResult<()> {
        let mut w = self.write().await?;
        Staff::<B>::share_story(&mut w.tx, story).await?;
        w.commit().await
    }

    async fn shared_stories(&self, status: StoryStatus) -> StoreResult<Vec<SharedStory>> {
        Staff::<B>::shared_stories(&mut *self.read().await?, status).await
    }

    async fn decide_story(
        &self,
        id: i64,
        moderation: &Moderation,
    ) -> StoreResult<Option<SharedStory>> {
        let mut w = self.write().await?;
        let decided = Staff::<B>::decide_story(&mut w.tx, id, moderation).await?;
        w.commit().await?;
        Ok(decided)
    }
}
