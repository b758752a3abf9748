//! `from_row!`: reads a stored row into a struct by column name, on both databases.
//!
//! Written here instead of `#[derive(sqlx::FromRow)]`: the derive needs sqlx's `macros`, which
//! compiles sqlx and both database drivers a second time for the compiler's own use — minutes of
//! every clean build (and every CI run) for eight plain structs.

/// `from_row!(User { id, email, role: via String, … })` implements `sqlx::FromRow` for SQLite
/// and PostgreSQL rows. Each field is read from the column of its name; `via T` reads a `T`
/// and converts it with `TryFrom` (a stored value the type refuses is a decode error that names
/// the column); `flat T` reads a whole `T` from the same row's columns (a record and its id).
macro_rules! from_row {
    ($name:ident { $($field:ident $(: $how:ident $ty:ty)?),* $(,)? }) => {
        from_row!(@impl sqlx::sqlite::SqliteRow, $name { $($field $(: $how $ty)?),* });
        from_row!(@impl sqlx::postgres::PgRow, $name { $($field $(: $how $ty)?),* });
    };
    (@impl $row:ty, $name:ident { $($field:ident $(: $how:ident $ty:ty)?),* }) => {
        impl<'r> sqlx::FromRow<'r, $row> for $name {
            fn from_row(row: &'r $row) -> sqlx::Result<Self> {
                Ok(Self {
                    $($field: from_row!(@get row, $field $(, $how $ty)?),)*
                })
            }
        }
    };
    (@get $row:ident, $field:ident) => {
        sqlx::Row::try_get($row, stringify!($field))?
    };
    (@get $row:ident, $field:ident, flat $ty:ty) => {
        <$ty as sqlx::FromRow<'_, _>>::from_row($row)?
    };
    (@get $row:ident, $field:ident, via $via:ty) => {{
        let stored: $via = sqlx::Row::try_get($row, stringify!($field))?;
        stored.try_into().map_err(|error| sqlx::Error::ColumnDecode {
            index: stringify!($field).to_owned(),
            source: Box::new(error),
        })?
    }};
}
