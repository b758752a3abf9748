//! Storage behind the `Store` trait, implemented once (`SqlStore<B>`) over the two `Backend`s.
//! `connect` picks the backend from the database URL's scheme (`sqlite://` or `postgres://`);
//! nothing above this module knows which one it has.

#[macro_use]
mod from_row;
mod inventory;

mod account_rows;
mod accounts;
mod backend;
mod listen;
mod outreach;
mod outreach_rows;
mod plan;
mod pool;
mod query;
mod records;
mod rows;
mod sql_store;
mod sqlite_files;
mod upkeep;

pub(crate) use sqlite_files::create_private_folder as private_folder;
mod staff;
mod staff_rows;
mod traffic;
mod values;

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;

use crate::content::ContentPack;
use crate::staff::{Role, Stage};

pub use account_rows::Counter;
pub use accounts::{Enrolment, Failure, Failures, NewUser, Proof, SealedSecret, Session, User};
pub use backend::Backend;
pub use inventory::{COUNTED, Inventory};

/// The inventory read on `conn`, inside the caller's transaction: a PostgreSQL backup reads it in
/// the snapshot it hands `pg_dump`, so the manifest counts exactly what the dump holds.
pub async fn postgres_inventory(conn: &mut sqlx::PgConnection) -> StoreResult<Inventory> {
    inventory::Inventories::<sqlx::Postgres>::inventory(conn).await
}
pub use listen::{ContentFeed, FeedState};
pub use outreach::{Followup, NewPatientMessage, Outreach, PatientMessage, RequestStanding};
pub use plan::{ImportPlan, ImportReport, KindReport, Stored, Target};
pub use pool::SqlStore;
pub use records::{Bucket, NewNotification, NewRequest, Notification, Operations, StoredRequest};
pub use staff::{
    AuditEntry, AuditFilter, Moderation, NewRequestEvent, NewRevision, NewSharedStory,
    RequestChange, RequestEvent, RequestFilter, RequestSummary, Revision, SharedStory,
};
pub use upkeep::Upkeep;
pub use values::{RequestStatus, RevisionState, StoryStatus};

/// Errors from storage. The web layer turns these into a generic 500; the CLI prints them.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL: expected sqlite://PATH or postgres://…, found scheme `{0}`")]
    UnsupportedUrl(String),
    #[error("database error")]
    Database(#[from] sqlx::Error),
    #[error("cannot apply migrations")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored {what} cannot be read back: {detail}")]
    Corrupt { what: String, detail: String },
    #[error("the database task stopped: {0}")]
    Task(String),
    #[error("that {0} is already taken")]
    Conflict(&'static str),
    #[error(
        "the database's schema (migration {database}) is newer than this pestle, which knows \
         migrations up to {binary}: run the pestle release that upgraded it, or restore a backup \
         made before the upgrade"
    )]
    SchemaTooNew { database: i64, binary: i64 },
}

/// Where the database's schema stands against the binary's migrations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema {
    /// Versions applied, in order.
    pub applied: Vec<i64>,
    /// Every migration this binary carries: version and description.
    pub known: Vec<(i64, String)>,
}

impl Schema {
    pub fn new(applied: Vec<i64>, migrator: &sqlx::migrate::Migrator) -> Self {
        let known = migrator
            .iter()
            .map(|migration| (migration.version, migration.description.to_string()))
            .collect();
        Self { applied, known }
    }

    /// An error when a newer release migrated the database: this binary must not touch it.
    pub fn refuse_newer(&self) -> StoreResult<()> {
        match self.unknown_applied() {
            Some(database) => Err(StoreError::SchemaTooNew {
                database,
                binary: self.known.last().map_or(0, |(version, _)| *version),
            }),
            None => Ok(()),
        }
    }

    /// The migrations not yet applied.
    pub fn pending(&self) -> Vec<&(i64, String)> {
        self.known
            .iter()
            .filter(|(version, _)| !self.applied.contains(version))
            .collect()
    }

    /// The newest applied migration this binary does not know: a newer release migrated it.
    pub fn unknown_applied(&self) -> Option<i64> {
        self.applied
            .iter()
            .copied()
            .filter(|version| !self.known.iter().any(|(known, _)| known == version))
            .max()
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// What to do with database entries that are not in the imported folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// Keep them.
    Keep,
    /// Remove them, so the database mirrors the folder.
    Prune,
}

/// Everything pestle keeps. One implementation per database; the same contract tests run on each.
#[async_trait]
pub trait Store: Outreach + Upkeep + Send + Sync + fmt::Debug + 'static {
    /// "sqlite" or "postgres", for logs.
    fn backend(&self) -> &'static str;

    /// Applies this backend's migrations.
    async fn migrate(&self) -> StoreResult<()>;

    /// Applies the migrations up to `version` only: how the upgrade test builds a database as
    /// an earlier release left it.
    async fn migrate_to(&self, version: i64) -> StoreResult<()>;

    /// The migrations applied to the database and those this binary knows.
    async fn schema(&self) -> StoreResult<Schema>;

    /// A cheap round trip, for health checks.
    async fn ping(&self) -> StoreResult<()>;

    /// A number that changes whenever published content changes.
    async fn content_version(&self) -> StoreResult<i64>;

    /// Loads `pack` in one transaction: all of it or nothing. Unchanged entries are not written,
    /// so importing the same content twice changes nothing (not even timestamps).
    async fn import(&self, pack: &ContentPack, mode: ImportMode) -> StoreResult<ImportReport> {
        let written = self.write_content(pack, mode, None).await?;
        Ok(written.unwrap_or_default())
    }

    /// Writes `target` as it is in `pack` (checked whole by the caller) and nothing else, in
    /// the transaction that locks content — only if the stored entry's fingerprint is still
    /// `opened` (`None`: it did not exist). `None` when it changed since: nothing is written.
    async fn publish_entry(
        &self,
        pack: &ContentPack,
        target: &Target,
        opened: Option<&str>,
    ) -> StoreResult<Option<ImportReport>> {
        self.write_content(pack, ImportMode::Keep, Some((target, opened)))
            .await
    }

    /// `import` (`only` = `None`) and `publish_entry` (`only` = the target and the fingerprint
    /// it must still have), in one transaction that locks content and, on PostgreSQL, announces
    /// a change to every instance.
    async fn write_content(
        &self,
        pack: &ContentPack,
        mode: ImportMode,
        only: Option<(&Target, Option<&str>)>,
    ) -> StoreResult<Option<ImportReport>>;

    /// All published content, or `None` when nothing has been imported yet.
    async fn load_content(&self) -> StoreResult<Option<ContentPack>>;

    /// When each condition (`"conditions/<slug>"`) and medication (`"medications/<slug>"`) was
    /// last changed, Unix ms: the content API's `dateModified` and `updated_since`.
    async fn content_modified(&self) -> StoreResult<Vec<(String, i64)>>;

    /// Counts a search that found nothing (its normalised words, space-separated). Words are
    /// kept only while several different recent searches used them (see `traffic`); nothing
    /// about who searched.
    async fn record_search_miss(&self, query: &str) -> StoreResult<()>;

    /// The words most used by recent searches that found nothing, with how many different
    /// searches used each, most used first.
    async fn search_misses(&self, limit: i64) -> StoreResult<Vec<(String, i64)>>;

    /// Starts hearing other instances' content changes the moment they commit (PostgreSQL
    /// `LISTEN`); `None` where there are no other instances (SQLite). Call once per process.
    fn content_feed(&self) -> Option<ContentFeed>;

    /// Whether rate limits are kept here, shared by every instance (PostgreSQL), rather than in
    /// each process's memory (SQLite: one process).
    fn limits_in_database(&self) -> bool;

    /// Takes a token from rate-limit `bucket` at `now`, atomically across instances: `None`
    /// when taken, else the wait in milliseconds.
    async fn take_token(&self, bucket: &Bucket, now: i64) -> StoreResult<Option<i64>>;

    /// Leases the scheduled job `name` until `until` unless another instance holds it at
    /// `now`: whether this instance got it (and runs the round).
    async fn claim_job(&self, name: &str, now: i64, until: i64) -> StoreResult<bool>;

    /// Deletes rate-limit buckets last counted before `before`; how many went.
    async fn forget_rate_limits(&self, before: i64) -> StoreResult<u64>;

    /// Stores a patient request and its staff notification in one durable transaction:
    /// both or neither. A reference already in use gives `StoreError::Conflict` (pick another).
    async fn submit_request(
        &self,
        request: &NewRequest,
        followup: &Followup,
        notification: &NewNotification,
    ) -> StoreResult<()>;

    /// A stored request by its reference.
    async fn find_request(&self, reference: &str) -> StoreResult<Option<StoredRequest>>;

    /// Every stored request's reference, oldest first (for checks and the back office).
    async fn request_references(&self) -> StoreResult<Vec<String>>;

    /// Claims up to `limit` undelivered notifications due at `now`: each is held until `until`
    /// (so no other instance sends it meanwhile) and returned. One that is neither delivered
    /// nor failed by then becomes due again — delivery is at least once, never lost.
    async fn claim_notifications(
        &self,
        now: i64,
        until: i64,
        limit: i64,
    ) -> StoreResult<Vec<Notification>>;

    /// Marks a notification delivered.
    async fn notification_delivered(&self, id: i64, at: i64) -> StoreResult<()>;

    /// Records a failed attempt and when to try again. `error` must hold no patient data.
    async fn notification_failed(&self, id: i64, retry_at: i64, error: &str) -> StoreResult<()>;

    /// Notifications not yet delivered.
    async fn pending_notifications(&self) -> StoreResult<i64>;

    /// The outbox's depth and oldest entry, and requests overdue: what `/metrics` reports.
    async fn operations(&self) -> StoreResult<Operations>;

    /// Schema and content versions, the data keys sealed records need, rows per table — read
    /// from one snapshot (a backup's manifest, and what `restore` checks).
    async fn inventory(&self) -> StoreResult<Inventory>;

    // --- staff accounts and sessions: targeted writes only (see `accounts.rs`) ---

    /// Creates a staff account; an e-mail already in use gives `StoreError::Conflict`.
    async fn create_user(&self, user: &NewUser) -> StoreResult<i64>;

    /// Every staff account, by e-mail.
    async fn users(&self) -> StoreResult<Vec<User>>;

    /// A staff account by id.
    async fn user(&self, id: i64) -> StoreResult<Option<User>>;

    /// A staff account by its (lower-case) e-mail.
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>>;

    /// Counts one wrong answer on its counter where it is stored (`n = n + 1`) and sets the
    /// wait to `at + delay_after(n)` from the stored count; `None` if there is no such account.
    async fn count_failure(&self, user_id: i64, failure: &Failure)
    -> StoreResult<Option<Failures>>;

    /// A right password: clears the password counter of an enabled account and starts
    /// `session` at the stage `stage_for(role, has_second_factor)` gives, in one transaction.
    /// `None` (and no session) if the account is disabled or gone.
    async fn password_accepted(
        &self,
        user_id: i64,
        session: &Session,
        stage_for: fn(Role, bool) -> Stage,
    ) -> StoreResult<Option<(Role, Stage)>>;

    /// The second factor of `session`'s account, accepted by compare-and-set (`Proof`), ends
    /// the pending session `pending` and starts `session` signed in, in one transaction.
    /// `None` (nothing changed) if the code was already used — by a concurrent request too —
    /// the pending session has already moved on, or the account is disabled.
    async fn second_factor_accepted(
        &self,
        pending: &str,
        proof: &Proof,
        session: &Session,
    ) -> StoreResult<Option<Role>>;

    /// Sets a new second factor, ends every session of the account and starts `session`
    /// signed in, in one transaction; false if the account is disabled.
    async fn enrol_second_factor(
        &self,
        user_id: i64,
        enrolment: &Enrolment,
        session: &Session,
    ) -> StoreResult<bool>;

    /// Sets the password through the setup link `link` (which must still be a setup link of
    /// this account) and ends every session and link of the account, in one transaction; false
    /// if the link is used, replaced or the account disabled.
    async fn set_password_by_link(
        &self,
        user_id: i64,
        link: &str,
        password_hash: &str,
    ) -> StoreResult<bool>;

    /// Issues a setup link (a `Stage::Setup` session), ending the account's older links.
    async fn issue_setup_link(&self, link: &Session) -> StoreResult<()>;

    /// Disables (ending every session, in the same transaction) or enables an account;
    /// false if there is no such account.
    async fn set_disabled(&self, user_id: i64, disabled: bool) -> StoreResult<bool>;

    /// Changes only the role, and ends the account's sessions in the same transaction (the new
    /// role applies from the next sign-in, with two-factor if it now needs it).
    async fn set_role(&self, user_id: i64, role: Role) -> StoreResult<bool>;

    /// Removes the second factor and ends the account's sessions, in one transaction.
    async fn reset_second_factor(&self, user_id: i64) -> StoreResult<bool>;

    /// Stores a session as it is (for tests and tools; sign-in starts sessions through the
    /// methods above).
    async fn create_session(&self, session: &Session) -> StoreResult<()>;

    /// A session and its account, by the SHA-256 of its token.
    async fn session(&self, token_hash: &str) -> StoreResult<Option<(Session, User)>>;

    /// Records activity on a session.
    async fn touch_session(&self, token_hash: &str, last_seen_at: i64) -> StoreResult<()>;

    /// Ends a session.
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;

    /// Ends every session (and setup link) of an account.
    async fn end_sessions(&self, user_id: i64) -> StoreResult<()>;

    /// Keeps the two-factor secret the server drew for this session's enrolment (sealed).
    async fn set_pending_secret(&self, token_hash: &str, secret: &SealedSecret) -> StoreResult<()>;

    /// The secret `set_pending_secret` kept for this session.
    async fn pending_secret(&self, token_hash: &str) -> StoreResult<Option<SealedSecret>>;

    // --- the back office ---

    /// Appends to the audit trail (which refuses updates and deletions).
    async fn append_audit(&self, entry: &AuditEntry) -> StoreResult<()>;

    /// Audit entries matching `filter`, newest first.
    async fn audit(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>>;

    /// Requests' metadata (never contents) matching `filter`, newest first.
    async fn request_summaries(&self, filter: &RequestFilter) -> StoreResult<Vec<RequestSummary>>;

    /// Records what staff did with a request and applies it (status, assignment), in one transaction.
    async fn add_request_event(&self, event: &NewRequestEvent) -> StoreResult<()>;

    /// A request's history, oldest first.
    async fn request_events(&self, reference: &str) -> StoreResult<Vec<RequestEvent>>;

    /// Keeps a saved content file; its id.
    async fn add_revision(&self, revision: &NewRevision) -> StoreResult<i64>;

    /// A content file's revisions, newest first.
    async fn revisions(&self, path: &str, limit: i64) -> StoreResult<Vec<Revision>>;

    /// One revision by id.
    async fn revision(&self, id: i64) -> StoreResult<Option<Revision>>;

    /// A store on the same database for use on the calling Tokio runtime: a database
    /// connection belongs to the runtime that opened it, and each HTTP thread runs its own
    /// (see `web::serve`). Connects lazily; writers still queue together (SQLite).
    fn for_this_runtime(&self) -> Arc<dyn Store>;

    /// Closes the connection pool, waiting for connections in use.
    async fn close(&self);

    /// Connections open and in use, over this store and its `for_this_runtime` copies.
    fn pool_use(&self) -> PoolUse;
}

/// What the database pools of one process hold (`/metrics`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolUse {
    pub open: u64,
    pub in_use: u64,
    /// The most the pools may open together.
    pub max: u64,
}

/// Opens the database at `url` (creating a SQLite file and its folder if missing).
pub async fn connect(url: &str) -> StoreResult<Arc<dyn Store>> {
    let scheme = url.split_once(':').map_or(url, |(scheme, _)| scheme);
    match scheme {
        "sqlite" => Ok(Arc::new(SqlStore::<sqlx::Sqlite>::connect(url).await?)),
        "postgres" | "postgresql" => Ok(Arc::new(SqlStore::<sqlx::Postgres>::connect(url).await?)),
        other => Err(StoreError::UnsupportedUrl(other.to_owned())),
    }
}

/// The current time in Unix milliseconds, for `updated_at` columns.
fn now_millis() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

fn decode<T: serde::de::DeserializeOwned>(what: impl Fn() -> String, json: &str) -> StoreResult<T> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt {
        what: what(),
        detail: e.to_string(),
    })
}
