//! Signing in, as a workflow over the store and a clock: the password step, then (for
//! accounts that have one) the second factor. Each step returns an outcome; `web::staff::auth`
//! only turns HTTP into a call here and the outcome into a page. Every answer is audited
//! before it is given (an audit write that fails fails the step). Argon2 and the code checks
//! run on the blocking pool.
//!
//! The brakes: wrong passwords and wrong codes are counted apart, each where it is stored
//! (`n = n + 1`); each count sets an escalating wait (`delay_after`, at most five minutes).
//! Tries made during a wait are refused without being checked or counted, so they neither
//! restart nor lengthen it: someone who keeps guessing cannot keep the owner out for longer
//! than the wait they earned. A right password clears only the password count; only a right
//! code clears the code count, so "password, three wrong codes, password again" does not start
//! over.

use crate::clock::Clock;
use crate::requests::{DataKeys, Sealed};
use crate::store::{Counter, Failure, Proof, Session, Store, User};

use super::audit::{Actor, Entry};
use super::password::Verifier;
use super::{Email, Stage, delay_after, new_token, totp};

/// What signing in needs: where accounts are kept, how passwords are checked, the keys that
/// seal two-factor secrets, the time, and the client's address (for the audit trail).
#[derive(Clone, Copy)]
pub struct Authenticator<'a> {
    pub store: &'a dyn Store,
    pub verifier: &'a Verifier,
    pub keys: &'a DataKeys,
    pub clock: &'a dyn Clock,
    pub ip: &'a str,
}

/// A session just started: the token for the cookie (kept nowhere else) and its stage.
#[derive(Debug)]
pub struct Started {
    pub token: String,
    pub stage: Stage,
}

#[derive(Debug)]
pub enum PasswordOutcome {
    /// One answer for every failure: unknown account, wrong password, disabled, waiting.
    Refused,
    Accepted(Started),
}

#[derive(Debug)]
pub enum CodeOutcome {
    /// Wrong, already used, or tried during a wait: one answer for all.
    Wrong,
    /// Signed in, by an app's code or a recovery code (`how`, for the audit trail).
    SignedIn { started: Started, how: &'static str },
    /// The pending session moved on meanwhile (the same form posted twice at once) or the
    /// account was disabled: start again.
    Gone,
}

/// A new session for `user_id` at `stage`, and its token.
pub fn new_session(user_id: i64, stage: Stage, now: i64) -> (String, Session) {
    let (token, token_hash) = new_token();
    let (csrf_token, _) = new_token();
    let session = Session {
        token_hash,
        user_id,
        stage,
        csrf_token,
        created_at: now,
        last_seen_at: now,
    };
    (token, session)
}

impl Authenticator<'_> {
    fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    async fn audit(&self, entry: Entry<'_>) -> anyhow::Result<()> {
        entry.ip(self.ip).record(self.store, self.now()).await?;
        Ok(())
    }

    /// Counts a wrong answer against `user` where it is stored, with the escalating wait.
    pub(super) async fn count_failure(
        &self,
        user: &User,
        counter: Counter,
        now: i64,
    ) -> anyhow::Result<()> {
        let failure = Failure {
            counter,
            at: now,
            delay_after,
        };
        self.store.count_failure(user.id, &failure).await?;
        Ok(())
    }

    /// The password step. Always one argon2 verification, whether or not the account exists.
    pub async fn password(&self, email: &str, password: &str) -> anyhow::Result<PasswordOutcome> {
        let user = match Email::parse(email) {
            Ok(email) => self.store.user_by_email(email.as_str()).await?,
            Err(_) => None,
        };
        let stored = user.as_ref().and_then(|u| u.password_hash.as_deref());
        let matches = self.verifier.check(password, stored).await?;
        let now = self.now();
        let failed = Entry::new(Actor::Anonymous, "sign-in.failed");
        let Some(user) = user else {
            self.audit(failed.detail("unknown account")).await?;
            return Ok(PasswordOutcome::Refused);
        };
        let subject = failed.subject(&user.email);
        if user.disabled {
            self.audit(subject.detail("account disabled")).await?;
            return Ok(PasswordOutcome::Refused);
        }
        if now < user.locked_until {
            self.audit(subject.detail("waiting after failed attempts"))
                .await?;
            return Ok(PasswordOutcome::Refused);
        }
        if !matches {
            self.count_failure(&user, Counter::Password, now).await?;
            self.audit(subject.detail("wrong password")).await?;
            crate::metrics::sign_in_failed();
            return Ok(PasswordOutcome::Refused);
        }
        // The stage is decided from the role and second factor read in the same statement that
        // checks the account is still enabled.
        let (token, session) = new_session(user.id, Stage::SignedIn, now);
        let Some((_, stage)) = self
            .store
            .password_accepted(user.id, &session, Stage::after_password)
            .await?
        else {
            self.audit(subject.detail("account disabled")).await?;
            return Ok(PasswordOutcome::Refused);
        };
        let action = if stage == Stage::SignedIn {
            "sign-in.succeeded"
        } else {
            "sign-in.password-accepted"
        };
        self.audit(Entry::new(Actor::Staff(&user.email), action).subject(&user.email))
            .await?;
        Ok(PasswordOutcome::Accepted(Started { token, stage }))
    }

    /// The second-factor step for a session at `Stage::SecondFactor`: a code from the app or
    /// one of the recovery codes.
    pub async fn code(
        &self,
        pending: &Session,
        user: &User,
        code: &str,
    ) -> anyhow::Result<CodeOutcome> {
        let now = self.now();
        let failed = Entry::new(Actor::Anonymous, "sign-in.failed").subject(&user.email);
        if now < user.code_locked_until {
            self.audit(failed.detail("waiting after wrong codes"))
                .await?;
            return Ok(CodeOutcome::Wrong);
        }
        let secret = open_totp(self.keys, user)?;
        let proof = check_code(secret, user, code, now).await?;
        let Some(proof) = proof else {
            self.count_failure(user, Counter::Code, now).await?;
            self.audit(failed.detail("wrong code")).await?;
            crate::metrics::sign_in_failed();
            return Ok(CodeOutcome::Wrong);
        };
        let (token, session) = new_session(user.id, Stage::SignedIn, now);
        let accepted = self
            .store
            .second_factor_accepted(&pending.token_hash, &proof, &session)
            .await?;
        if accepted.is_none() {
            // Someone else used this code, or this session, a moment ago.
            self.audit(failed.detail("code or session already used"))
                .await?;
            return Ok(CodeOutcome::Gone);
        }
        let how = match proof {
            Proof::Totp { .. } => "authenticator code",
            Proof::Recovery { .. } => "recovery code",
        };
        self.audit(
            Entry::new(Actor::Staff(&user.email), "sign-in.succeeded")
                .subject(&user.email)
                .detail(how),
        )
        .await?;
        let stage = Stage::SignedIn;
        Ok(CodeOutcome::SignedIn {
            started: Started { token, stage },
            how,
        })
    }
}

/// Which proof `code` is, checked off the serving thread: a TOTP code of a step later than the
/// last one accepted, or an unused recovery code. `None`: neither.
pub(crate) async fn check_code(
    secret: Option<Vec<u8>>,
    user: &User,
    code: &str,
    now: i64,
) -> anyhow::Result<Option<Proof>> {
    let (code, hashes, last_step) = (
        code.to_owned(),
        user.recovery_hashes.clone(),
        user.totp_last_step,
    );
    let unix_seconds = u64::try_from(now / 1000).unwrap_or(0);
    tokio::task::spawn_blocking(move || {
        let by_app = secret
            .and_then(|secret| totp::matching_step(&secret, &code, unix_seconds))
            .and_then(|step| i64::try_from(step).ok())
            .filter(|step| *step > last_step)
            .map(|step| Proof::Totp { step });
        by_app.or_else(|| {
            totp::use_recovery_code(&hashes, &code).map(|after| Proof::Recovery {
                before: hashes,
                after,
            })
        })
    })
    .await
    .map_err(|e| anyhow::anyhow!("code check stopped: {e}"))
}

/// The account's TOTP secret, opened with the data keys.
pub(crate) fn open_totp(keys: &DataKeys, user: &User) -> anyhow::Result<Option<Vec<u8>>> {
    match (&user.totp_key_id, &user.totp_sealed) {
        (Some(key_id), Some(blob)) => {
            let sealed = Sealed {
                key_id: key_id.clone(),
                blob: blob.clone(),
            };
            Ok(Some(keys.open(&sealed, totp_context(user.id).as_bytes())?))
        }
        _ => Ok(None),
    }
}

/// Binds a sealed TOTP secret to its account.
pub(crate) fn totp_context(user_id: i64) -> String {
    format!("totp|{user_id}")
}
