//! The SQL for staff accounts and sessions, written once for both backends (portable `$n`
//! placeholders). Every change is a targeted statement: a counter is incremented where it is
//! stored, a second factor is accepted by compare-and-set, and anything that must happen
//! together runs in the caller's transaction.

use std::marker::PhantomData;

use super::accounts::{Enrolment, Failure, Failures, NewUser, Proof, SealedSecret, Session, User};
use super::backend::Backend;
use super::query::query;
use super::{StoreError, StoreResult};
use crate::staff::{Role, Stage};

pub struct AccountRows<DB>(PhantomData<DB>);

const USER_COLUMNS: &str = "id, email, role, password_hash, totp_key_id, totp_sealed, \
     recovery_hashes, totp_last_step, disabled, CAST(failed_attempts AS BIGINT) AS failed_attempts, \
     locked_until, CAST(code_failures AS BIGINT) AS code_failures, code_locked_until, created_at";

const SESSION_COLUMNS: &str = "token_hash, user_id, stage, csrf_token, created_at, last_seen_at";

/// Which wrong answers to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counter {
    Password,
    Code,
}

impl Counter {
    fn columns(self) -> (&'static str, &'static str) {
        match self {
            Self::Password => ("failed_attempts", "locked_until"),
            Self::Code => ("code_failures", "code_locked_until"),
        }
    }
}

impl<DB: Backend> AccountRows<DB> {
    pub async fn create_user(conn: &mut DB::Connection, user: &NewUser) -> StoreResult<i64> {
        let inserted: Result<(i64,), _> = query::<DB>(
            "INSERT INTO users (email, role, password_hash, created_at) VALUES ($1, $2, $3, $4) \
             RETURNING id",
        )
        .bind(user.email.clone())
        .bind(user.role.slug().to_owned())
        .bind(user.password_hash.clone())
        .bind(user.created_at)
        .fetch_one(&mut *conn)
        .await;
        match inserted {
            Ok((id,)) => Ok(id),
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                Err(StoreError::Conflict("e-mail address"))
            }
            Err(error) => Err(error.into()),
        }
    }

    pub async fn users(conn: &mut DB::Connection) -> StoreResult<Vec<User>> {
        Ok(
            query::<DB>(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY email"))
                .fetch_all(&mut *conn)
                .await?,
        )
    }

    pub async fn user(conn: &mut DB::Connection, id: i64) -> StoreResult<Option<User>> {
        Ok(
            query::<DB>(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?,
        )
    }

    pub async fn user_by_email(
        conn: &mut DB::Connection,
        email: &str,
    ) -> StoreResult<Option<User>> {
        Ok(query::<DB>(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE email = $1"
        ))
        .bind(email.to_owned())
        .fetch_optional(&mut *conn)
        .await?)
    }

    /// Adds one to `counter` where it is stored, then sets the wait from the stored count (the
    /// caller's transaction holds the row meanwhile, so concurrent failures each count).
    pub async fn count_failure(
        conn: &mut DB::Connection,
        user_id: i64,
        failure: &Failure,
    ) -> StoreResult<Option<Failures>> {
        let (count_column, until_column) = failure.counter.columns();
        let counted: Option<(i64,)> = query::<DB>(&format!(
            "UPDATE users SET {count_column} = {count_column} + 1 WHERE id = $1 \
             RETURNING CAST({count_column} AS BIGINT)"
        ))
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some((count,)) = counted else {
            return Ok(None);
        };
        let locked_until = failure.at + (failure.delay_after)(count);
        query::<DB>(&format!(
            "UPDATE users SET {until_column} = $1 WHERE id = $2 AND {until_column} < $1"
        ))
        .bind(locked_until)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
        Ok(Some(Failures {
            count,
            locked_until,
        }))
    }

    /// A right password: clears the password counter of an enabled account and reads its role
    /// and whether it has a second factor — in one statement, so a concurrent disable either
    /// comes first (no row) or waits for this transaction and then ends the session it starts.
    pub async fn password_accepted(
        conn: &mut DB::Connection,
        user_id: i64,
    ) -> StoreResult<Option<(Role, bool)>> {
        let row: Option<(String, bool)> = query::<DB>(
            "UPDATE users SET failed_attempts = 0, locked_until = 0 \
             WHERE id = $1 AND disabled = FALSE \
             RETURNING role, totp_sealed IS NOT NULL",
        )
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?;
        row.map(|(role, enrolled)| Ok((Role::try_from(role).map_err(corrupt)?, enrolled)))
            .transpose()
    }

    /// Accepts the second factor by compare-and-set: a TOTP step later than the last one
    /// accepted, or the recovery hashes exactly as they were read. Clears both counters.
    /// `None`: already used (by a concurrent request too), or the account is disabled.
    pub async fn second_factor_accepted(
        conn: &mut DB::Connection,
        user_id: i64,
        proof: &Proof,
    ) -> StoreResult<Option<Role>> {
        const RESET: &str = "failed_attempts = 0, locked_until = 0, code_failures = 0, \
                             code_locked_until = 0";
        let row: Option<(String,)> = match proof {
            Proof::Totp { step } => {
                query::<DB>(&format!(
                    "UPDATE users SET totp_last_step = $1, {RESET} \
                     WHERE id = $2 AND disabled = FALSE AND totp_sealed IS NOT NULL \
                     AND totp_last_step < $1 RETURNING role"
                ))
                .bind(*step)
                .bind(user_id)
                .fetch_optional(&mut *conn)
                .await?
            }
            Proof::Recovery { before, after } => {
                query::<DB>(&format!(
                    "UPDATE users SET recovery_hashes = $1, {RESET} \
                     WHERE id = $2 AND disabled = FALSE AND recovery_hashes = $3 RETURNING role"
                ))
                .bind(after.clone())
                .bind(user_id)
                .bind(before.clone())
                .fetch_optional(&mut *conn)
                .await?
            }
        };
        row.map(|(role,)| Role::try_from(role).map_err(corrupt))
            .transpose()
    }

    /// Stores a new second factor for an enabled account; false if it is disabled.
    pub async fn set_second_factor(
        conn: &mut DB::Connection,
        user_id: i64,
        enrolment: &Enrolment,
    ) -> StoreResult<bool> {
        let changed: Option<(i64,)> = query::<DB>(
            "UPDATE users SET totp_key_id = $1, totp_sealed = $2, totp_last_step = $3, \
             recovery_hashes = $4, code_failures = 0, code_locked_until = 0 \
             WHERE id = $5 AND disabled = FALSE RETURNING id",
        )
        .bind(enrolment.secret.key_id.clone())
        .bind(enrolment.secret.blob.clone())
        .bind(enrolment.step)
        .bind(enrolment.recovery_hashes.clone())
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?;
        Ok(changed.is_some())
    }

    /// Removes the second factor (an admin's reset); false if there is no such account.
    pub async fn clear_second_factor(conn: &mut DB::Connection, user_id: i64) -> StoreResult<bool> {
        let changed: Option<(i64,)> = query::<DB>(
            "UPDATE users SET totp_key_id = NULL, totp_sealed = NULL, recovery_hashes = '', \
             code_failures = 0, code_locked_until = 0 WHERE id = $1 RETURNING id",
        )
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?;
        Ok(changed.is_some())
    }

    pub async fn set_password(
        conn: &mut DB::Connection,
        user_id: i64,
        password_hash: &str,
    ) -> StoreResult<bool> {
        let changed: Option<(i64,)> = query::<DB>(
            "UPDATE users SET password_hash = $1, failed_attempts = 0, locked_until = 0 \
             WHERE id = $2 AND disabled = FALSE RETURNING id",
        )
        .bind(password_hash.to_owned())
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?;
        Ok(changed.is_some())
    }

    /// Disables or enables; enabling also clears both counters (an admin vouches for the
    /// account). Only these columns change.
    pub async fn set_disabled(
        conn: &mut DB::Connection,
        user_id: i64,
        disabled: bool,
    ) -> StoreResult<bool> {
        let sql = if disabled {
            "UPDATE users SET disabled = $1 WHERE id = $2 RETURNING id"
        } else {
            "UPDATE users SET disabled = $1, failed_attempts = 0, locked_until = 0, \
             code_failures = 0, code_locked_until = 0 WHERE id = $2 RETURNING id"
        };
        let changed: Option<(i64,)> = query::<DB>(sql)
            .bind(disabled)
            .bind(user_id)
            .fetch_optional(&mut *conn)
            .await?;
        Ok(changed.is_some())
    }

    pub async fn set_role(
        conn: &mut DB::Connection,
        user_id: i64,
        role: Role,
    ) -> StoreResult<bool> {
        let changed: Option<(i64,)> =
            query::<DB>("UPDATE users SET role = $1 WHERE id = $2 RETURNING id")
                .bind(role.slug().to_owned())
                .bind(user_id)
                .fetch_optional(&mut *conn)
                .await?;
        Ok(changed.is_some())
    }

    /// Ends every session (and setup link) of an account, or every one but `except`.
    pub async fn end_sessions(
        conn: &mut DB::Connection,
        user_id: i64,
        except: Option<&str>,
    ) -> StoreResult<()> {
        query::<DB>("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(except.unwrap_or_default().to_owned())
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    /// Ends the setup links of an account (a newer one replaces them).
    pub async fn end_setup_links(conn: &mut DB::Connection, user_id: i64) -> StoreResult<()> {
        query::<DB>("DELETE FROM sessions WHERE user_id = $1 AND stage = $2")
            .bind(user_id)
            .bind(Stage::Setup.slug().to_owned())
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    pub async fn create_session(conn: &mut DB::Connection, session: &Session) -> StoreResult<()> {
        query::<DB>(&format!(
            "INSERT INTO sessions ({SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
        ))
        .bind(session.token_hash.clone())
        .bind(session.user_id)
        .bind(session.stage.slug().to_owned())
        .bind(session.csrf_token.clone())
        .bind(session.created_at)
        .bind(session.last_seen_at)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    pub async fn session(
        conn: &mut DB::Connection,
        token_hash: &str,
    ) -> StoreResult<Option<(Session, User)>> {
        let session: Option<Session> = query::<DB>(&format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE token_hash = $1"
        ))
        .bind(token_hash.to_owned())
        .fetch_optional(&mut *conn)
        .await?;
        let Some(session) = session else {
            return Ok(None);
        };
        Ok(Self::user(conn, session.user_id)
            .await?
            .map(|user| (session, user)))
    }

    /// Ends the session `token_hash` if it is at `stage`; whether it was (one row: this caller
    /// moves it on, and no concurrent request can move the same session on again).
    pub async fn take_session(
        conn: &mut DB::Connection,
        token_hash: &str,
        stage: Stage,
    ) -> StoreResult<bool> {
        let deleted: Option<(i64,)> = query::<DB>(
            "DELETE FROM sessions WHERE token_hash = $1 AND stage = $2 RETURNING user_id",
        )
        .bind(token_hash.to_owned())
        .bind(stage.slug().to_owned())
        .fetch_optional(&mut *conn)
        .await?;
        Ok(deleted.is_some())
    }

    pub async fn touch_session(
        conn: &mut DB::Connection,
        token_hash: &str,
        last_seen_at: i64,
    ) -> StoreResult<()> {
        query::<DB>("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(last_seen_at)
            .bind(token_hash.to_owned())
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    pub async fn delete_session(conn: &mut DB::Connection, token_hash: &str) -> StoreResult<()> {
        query::<DB>("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash.to_owned())
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    /// Keeps the secret the server drew for this session's enrolment.
    pub async fn set_pending_secret(
        conn: &mut DB::Connection,
        token_hash: &str,
        secret: &SealedSecret,
    ) -> StoreResult<()> {
        query::<DB>(
            "UPDATE sessions SET pending_key_id = $1, pending_sealed = $2 WHERE token_hash = $3",
        )
        .bind(secret.key_id.clone())
        .bind(secret.blob.clone())
        .bind(token_hash.to_owned())
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    pub async fn pending_secret(
        conn: &mut DB::Connection,
        token_hash: &str,
    ) -> StoreResult<Option<SealedSecret>> {
        let row: Option<(Option<String>, Option<Vec<u8>>)> = query::<DB>(
            "SELECT pending_key_id, pending_sealed FROM sessions WHERE token_hash = $1",
        )
        .bind(token_hash.to_owned())
        .fetch_optional(&mut *conn)
        .await?;
        Ok(match row {
            Some((Some(key_id), Some(blob))) => Some(SealedSecret { key_id, blob }),
            _ => None,
        })
    }
}

fn corrupt(error: crate::staff::UnknownValue) -> StoreError {
    StoreError::Corrupt {
        what: "a staff account".to_owned(),
        detail: error.to_string(),
    }
}
