//! What differs between the databases, and nothing else: how to connect, which migrations,
//! how a writing transaction starts, how an import locks content and how a read sees one
//! snapshot. Everything else — every query — is written once in `SqlStore` and the `*_rows`
//! files.

use std::borrow::Cow;
use std::str::FromStr;
use std::sync::LazyLock;
use std::time::Duration;

use include_dir::{Dir, include_dir};
use sqlx::error::BoxDynError;
use sqlx::migrate::{MigrateError, Migration, MigrationType, Migrator};
use sqlx::pool::{Pool, PoolOptions};
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Database, Postgres, Sqlite};

use super::StoreResult;
use super::query::{Param, Record};

static SQLITE_MIGRATIONS: LazyLock<Migrator> =
    LazyLock::new(|| embedded(&include_dir!("$CARGO_MANIFEST_DIR/migrations/sqlite")));
static POSTGRES_MIGRATIONS: LazyLock<Migrator> =
    LazyLock::new(|| embedded(&include_dir!("$CARGO_MANIFEST_DIR/migrations/postgres")));

/// The migrations built into the binary, as `sqlx::migrate!` would read them (same versions,
/// descriptions and checksums, so databases migrated by earlier builds stay valid). Read here
/// rather than by the macro, which would compile sqlx a second time (see `from_row`).
fn embedded(folder: &Dir<'static>) -> Migrator {
    let mut migrations: Vec<Migration> = folder
        .files()
        .filter_map(|file| {
            let name = file.path().file_name()?.to_str()?;
            let (version, rest) = name.split_once('_')?;
            if !rest.ends_with(".sql") {
                return None; // Not a migration (the test below checks every file is one).
            }
            let sql = file.contents_utf8()?;
            let kind = MigrationType::from_filename(rest);
            let description = rest.trim_end_matches(kind.suffix()).replace('_', " ");
            Some(Migration::new(
                version.parse().ok()?,
                Cow::Owned(description),
                kind,
                Cow::Borrowed(sql),
                sql.starts_with("-- no-transaction"),
            ))
        })
        .collect();
    migrations.sort_by_key(|migration| migration.version);
    Migrator {
        migrations: Cow::Owned(migrations),
        ..Migrator::DEFAULT
    }
}

/// `migrator` without the migrations after `until`: the upgrade test builds a database as each
/// earlier release left it.
fn up_to(migrator: &Migrator, until: Option<i64>) -> Migrator {
    Migrator {
        migrations: Cow::Owned(
            migrator
                .iter()
                .filter(|migration| until.is_none_or(|until| migration.version <= until))
                .cloned()
                .collect(),
        ),
        ..Migrator::DEFAULT
    }
}

/// A database pestle can keep its data in.
pub trait Backend: Database {
    /// "sqlite" or "postgres", for logs.
    const LABEL: &'static str;
    /// Whether writers take turns inside this process before they begin. SQLite takes one
    /// writer at a time: queued here, in order, they never meet `SQLITE_BUSY` and back off in
    /// the busy handler (which made the slowest submissions wait half a second under load;
    /// see docs/BENCHMARKS.md).
    const QUEUE_WRITERS: bool;
    /// The statement that opens a writing transaction.
    const BEGIN_WRITE: &'static str;
    /// Run first in an import's transaction, so two imports (from several instances too)
    /// cannot both read the old fingerprints and then race to write.
    const LOCK_CONTENT: Option<&'static str>;
    /// Begins a reading transaction that sees one snapshot throughout.
    const BEGIN_SNAPSHOT: &'static str;
    /// The most connections one pool opens.
    const MAX_CONNECTIONS: u32;
    /// Run last in an import that changed content, to tell every other instance at once
    /// (PostgreSQL `NOTIFY`, delivered on commit); `None` where there are no others.
    const ANNOUNCE_CONTENT: Option<&'static str>;
    /// Whether rate limits live in the database, shared by instances (several processes can
    /// share PostgreSQL; SQLite has one, which keeps them in memory).
    const SHARED_LIMITS: bool;

    /// Connection options from a database URL (for SQLite, creating its folder).
    fn options(url: &str) -> StoreResult<<Self::Connection as sqlx::Connection>::Options>;

    /// This backend's migrations, built into the binary.
    fn migrator() -> &'static Migrator;

    /// Applies this backend's migrations up to version `until` (every one when `None`).
    fn migrate(
        pool: &Pool<Self>,
        until: Option<i64>,
    ) -> impl Future<Output = Result<(), MigrateError>> + Send;

    /// A query giving one row, `(1,)` when the migrations' bookkeeping table exists and
    /// `(0,)` when not (a database never migrated).
    const MIGRATIONS_TABLE_EXISTS: &'static str;

    /// Hears other instances' content announcements; `None` where there are none (SQLite).
    fn content_feed(_pool: &Pool<Self>) -> Option<super::listen::ContentFeed> {
        None
    }

    fn pool_options() -> PoolOptions<Self> {
        PoolOptions::new().max_connections(Self::MAX_CONNECTIONS)
    }

    // The driver calls behind `query::Statement`: sqlx checks a value's encoding and a row's
    // decoding against a concrete database, so each backend makes them itself (`driver_calls!`).

    /// Adds the next value to a statement's arguments.
    fn add<'q>(args: &mut Self::Arguments<'q>, value: impl Param) -> Result<(), BoxDynError>;

    fn execute<'q>(
        sql: &'q str,
        args: Self::Arguments<'q>,
        conn: &mut Self::Connection,
    ) -> impl Future<Output = sqlx::Result<()>> + Send;

    /// The rows a statement returns: every one, or only the first (`one`), which the driver
    /// stops after.
    fn fetch<'q, O: Record>(
        sql: &'q str,
        args: Self::Arguments<'q>,
        conn: &mut Self::Connection,
        one: bool,
    ) -> impl Future<Output = sqlx::Result<Vec<O>>> + Send;
}

/// `Backend`'s driver calls: the same words for each database, each compiled against its own
/// types (generic code cannot name the bounds they need; see `query.rs`).
macro_rules! driver_calls {
    () => {
        fn add<'q>(args: &mut Self::Arguments<'q>, value: impl Param) -> Result<(), BoxDynError> {
            sqlx::Arguments::add(args, value)
        }

        async fn execute<'q>(
            sql: &'q str,
            args: Self::Arguments<'q>,
            conn: &mut Self::Connection,
        ) -> sqlx::Result<()> {
            sqlx::query_with(sql, args).execute(conn).await.map(drop)
        }

        async fn fetch<'q, O: Record>(
            sql: &'q str,
            args: Self::Arguments<'q>,
            conn: &mut Self::Connection,
            one: bool,
        ) -> sqlx::Result<Vec<O>> {
            let statement = sqlx::query_as_with(sql, args);
            if one {
                Ok(statement.fetch_optional(conn).await?.into_iter().collect())
            } else {
                statement.fetch_all(conn).await
            }
        }
    };
}

impl Backend for Sqlite {
    driver_calls!();

    const LABEL: &'static str = "sqlite";
    const QUEUE_WRITERS: bool = true;
    // IMMEDIATE takes the write lock up front instead of upgrading a read lock mid-way.
    const BEGIN_WRITE: &'static str = "BEGIN IMMEDIATE";
    // The write lock taken by BEGIN IMMEDIATE already excludes every other writer.
    const LOCK_CONTENT: Option<&'static str> = None;
    // A SQLite read transaction sees one snapshot by itself.
    const BEGIN_SNAPSHOT: &'static str = "BEGIN";
    const MAX_CONNECTIONS: u32 = 8;
    const SHARED_LIMITS: bool = false;
    // One process: its own cache is refreshed by the import itself, or by the poll.
    const ANNOUNCE_CONTENT: Option<&'static str> = None;

    /// One file, WAL journal, `synchronous=FULL` (a commit survives power loss), foreign keys
    /// on. The folder is made private (0700) and the file 0600 before SQLite opens it, so the
    /// `-wal` and `-shm` files SQLite creates beside it get the same mode.
    fn options(url: &str) -> StoreResult<SqliteConnectOptions> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        super::sqlite_files::prepare(options.get_filename()).map_err(sqlx::Error::Io)?;
        Ok(options)
    }

    fn migrator() -> &'static Migrator {
        &SQLITE_MIGRATIONS
    }

    async fn migrate(pool: &Pool<Self>, until: Option<i64>) -> Result<(), MigrateError> {
        up_to(&SQLITE_MIGRATIONS, until).run(pool).await
    }

    const MIGRATIONS_TABLE_EXISTS: &'static str =
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'";
}

impl Backend for Postgres {
    driver_calls!();

    const LABEL: &'static str = "postgres";
    const QUEUE_WRITERS: bool = false;
    const BEGIN_WRITE: &'static str = "BEGIN";
    const LOCK_CONTENT: Option<&'static str> =
        Some("SELECT version FROM content_meta WHERE id = 1 FOR UPDATE");
    const BEGIN_SNAPSHOT: &'static str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
    const MAX_CONNECTIONS: u32 = 16;
    const SHARED_LIMITS: bool = true;
    const ANNOUNCE_CONTENT: Option<&'static str> = Some("SELECT pg_notify('pestle_content', '')");

    fn content_feed(pool: &Pool<Self>) -> Option<super::listen::ContentFeed> {
        Some(super::listen::spawn(pool.clone()))
    }

    fn options(url: &str) -> StoreResult<PgConnectOptions> {
        Ok(PgConnectOptions::from_str(url)?.application_name("pestle"))
    }

    fn migrator() -> &'static Migrator {
        &POSTGRES_MIGRATIONS
    }

    async fn migrate(pool: &Pool<Self>, until: Option<i64>) -> Result<(), MigrateError> {
        up_to(&POSTGRES_MIGRATIONS, until).run(pool).await
    }

    const MIGRATIONS_TABLE_EXISTS: &'static str = "SELECT CAST(COUNT(*) AS BIGINT) FROM pg_tables \
         WHERE schemaname = current_schema() AND tablename = '_sqlx_migrations'";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_migration_file_is_embedded_in_order_and_both_databases_have_the_same_versions() {
        let versions = |migrator: &Migrator, folder: &str| {
            let files = std::fs::read_dir(folder).unwrap().count();
            assert_eq!(
                migrator.migrations.len(),
                files,
                "every file in {folder} is a migration"
            );
            migrator.iter().map(|m| m.version).collect::<Vec<_>>()
        };
        let sqlite = versions(&SQLITE_MIGRATIONS, "migrations/sqlite");
        let postgres = versions(&POSTGRES_MIGRATIONS, "migrations/postgres");
        assert_eq!(sqlite, (1..=sqlite.len() as i64).collect::<Vec<_>>());
        assert_eq!(sqlite, postgres);
        let first = &SQLITE_MIGRATIONS.migrations[0];
        assert_eq!(first.description, "content");
        assert!(matches!(first.migration_type, MigrationType::Simple));
    }
}
