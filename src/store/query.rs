//! `query::<DB>(sql)`: one statement, written once for both databases.
//!
//! sqlx's own `query(…).bind(v).fetch_one(conn)` asks, wherever it is used generically, for a
//! bound per value type (`String: Encode<DB> + Type<DB>`) and per row type (`User: FromRow<
//! DB::Row>`), and Rust does not carry such bounds from a trait to its users: every generic
//! function, and every caller of one, had to list them all again (four copies of a 15-line
//! `where` clause). Here the question is asked once, of a value or row type, for both
//! databases (`Param`, `Record`), and answered by the concrete backend (`Backend::add`,
//! `Backend::fetch`), so generic code needs only `DB: Backend`.

use sqlx::error::BoxDynError;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{Encode, FromRow, Postgres, Sqlite, Type};

use super::backend::Backend;

/// A value a statement can bind, on either database.
pub trait Param:
    'static
    + Send
    + for<'q> Encode<'q, Sqlite>
    + Type<Sqlite>
    + for<'q> Encode<'q, Postgres>
    + Type<Postgres>
{
}

impl<T> Param for T where
    T: 'static
        + Send
        + for<'q> Encode<'q, Sqlite>
        + Type<Sqlite>
        + for<'q> Encode<'q, Postgres>
        + Type<Postgres>
{
}

/// A type a row reads into, on either database (a tuple, or a struct given `from_row!`).
pub trait Record:
    Send + Unpin + for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow>
{
}

impl<T> Record for T where
    T: Send + Unpin + for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow>
{
}

/// A statement and the values bound to it so far.
#[must_use = "a statement does nothing until it is executed or fetched"]
pub struct Statement<'q, DB: Backend> {
    sql: &'q str,
    /// The first value that could not be encoded fails the statement when it runs, as
    /// sqlx's `bind` does.
    args: Result<DB::Arguments<'q>, BoxDynError>,
}

/// A statement in portable SQL (`$n` placeholders, which SQLite reads too).
pub fn query<DB: Backend>(sql: &str) -> Statement<'_, DB> {
    Statement {
        sql,
        args: Ok(Default::default()),
    }
}

impl<'q, DB: Backend> Statement<'q, DB> {
    /// Binds the next placeholder.
    pub fn bind(mut self, value: impl Param) -> Self {
        if let Ok(args) = &mut self.args
            && let Err(error) = DB::add(args, value)
        {
            self.args = Err(error);
        }
        self
    }

    pub async fn execute(self, conn: &mut DB::Connection) -> sqlx::Result<()> {
        DB::execute(self.sql, self.args.map_err(sqlx::Error::Encode)?, conn).await
    }

    pub async fn fetch_all<O: Record>(self, conn: &mut DB::Connection) -> sqlx::Result<Vec<O>> {
        let args = self.args.map_err(sqlx::Error::Encode)?;
        DB::fetch(self.sql, args, conn, false).await
    }

    pub async fn fetch_optional<O: Record>(
        self,
        conn: &mut DB::Connection,
    ) -> sqlx::Result<Option<O>> {
        let args = self.args.map_err(sqlx::Error::Encode)?;
        Ok(DB::fetch(self.sql, args, conn, true).await?.pop())
    }

    pub async fn fetch_one<O: Record>(self, conn: &mut DB::Connection) -> sqlx::Result<O> {
        self.fetch_optional(conn)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }
}
