//! Changing credentials: setting up (or replacing) the second factor, and setting the password
//! through a one-time setup link. The server draws every two-factor secret and keeps it,
//! sealed, with the session until it is confirmed — a client never chooses it. A signed-in
//! session that changes a credential proves again that it is the owner (the password, and a
//! current code when there is a second factor already), and every change ends every other
//! session of the account.

use crate::requests::Sealed;
use crate::store::{Counter, Enrolment, SealedSecret, Session, User};

use super::audit::{Actor, Entry};
use super::password::{self, NewPassword};
use super::sign_in::{Authenticator, Started, check_code, new_session, open_totp, totp_context};
use super::{Stage, totp};

/// What the enrolment form sent.
#[derive(Debug, Clone, Copy)]
pub struct EnrolAnswers<'a> {
    /// The code the app shows for the new secret.
    pub new_code: &'a str,
    /// From a signed-in session only: the account's password…
    pub password: &'a str,
    /// …and, when it has a second factor already, a current code (or a recovery code).
    pub current_code: &'a str,
}

#[derive(Debug)]
pub enum EnrolOutcome {
    /// Show the form again with this sentence.
    Problem(&'static str),
    /// Set up: the new session, and the recovery codes to show once.
    Enrolled {
        started: Started,
        codes: Vec<String>,
    },
    /// The session or account changed meanwhile: sign in again.
    Gone,
}

#[derive(Debug)]
pub enum SetupOutcome {
    /// Show the form again with this sentence.
    Problem(String),
    Done,
    /// The link was used or replaced meanwhile, or the account disabled.
    Gone,
}

pub const WRONG_NEW_CODE: &str =
    "That code is not right. Enter the 6-digit code your app shows for this account now.";
pub const WRONG_PROOF: &str = "Your password or current code is not right. Enter the password \
     you sign in with and the 6-digit code your app shows now (or a recovery code).";

impl Authenticator<'_> {
    /// The secret drawn for this session's enrolment: drawn and kept (sealed, bound to the
    /// session) on the first call, the same one after, so reloading the page keeps the QR code
    /// the app may already have scanned.
    pub async fn enrolment_secret(&self, session: &Session) -> anyhow::Result<Vec<u8>> {
        let context = pending_context(&session.token_hash);
        if let Some(kept) = self.store.pending_secret(&session.token_hash).await? {
            let sealed = Sealed {
                key_id: kept.key_id,
                blob: kept.blob,
            };
            return self.keys.open(&sealed, context.as_bytes());
        }
        let secret = totp::new_secret();
        let sealed = self.keys.seal(&secret, context.as_bytes())?;
        self.store
            .set_pending_secret(
                &session.token_hash,
                &SealedSecret {
                    key_id: sealed.key_id,
                    blob: sealed.blob,
                },
            )
            .await?;
        Ok(secret)
    }

    /// Confirms the secret drawn for `session` with a code from the app, after the owner's
    /// proof when `session` is signed in. Ends every session of the account and starts a new one.
    pub async fn enrol(
        &self,
        session: &Session,
        user: &User,
        answers: EnrolAnswers<'_>,
    ) -> anyhow::Result<EnrolOutcome> {
        let now = self.clock.now_ms();
        let refused = Entry::new(Actor::Staff(&user.email), "two-factor.refused")
            .subject(&user.email)
            .ip(self.ip);
        if session.stage == Stage::SignedIn && !self.owner_proved(user, answers).await? {
            refused.record(self.store, now).await?;
            return Ok(EnrolOutcome::Problem(WRONG_PROOF));
        }
        let Some(kept) = self.store.pending_secret(&session.token_hash).await? else {
            return Ok(EnrolOutcome::Gone);
        };
        let secret = self.keys.open(
            &Sealed {
                key_id: kept.key_id,
                blob: kept.blob,
            },
            pending_context(&session.token_hash).as_bytes(),
        )?;
        let (code, unix_seconds) = (
            answers.new_code.to_owned(),
            u64::try_from(now / 1000).unwrap_or(0),
        );
        let (secret, step) = tokio::task::spawn_blocking(move || {
            let step = totp::matching_step(&secret, &code, unix_seconds);
            (secret, step)
        })
        .await?;
        let Some(step) = step.and_then(|s| i64::try_from(s).ok()) else {
            return Ok(EnrolOutcome::Problem(WRONG_NEW_CODE));
        };
        let sealed = self.keys.seal(&secret, totp_context(user.id).as_bytes())?;
        let (codes, recovery_hashes) = totp::new_recovery_codes();
        let enrolment = Enrolment {
            secret: SealedSecret {
                key_id: sealed.key_id,
                blob: sealed.blob,
            },
            step,
            recovery_hashes,
        };
        let (token, new) = new_session(user.id, Stage::SignedIn, now);
        if !self
            .store
            .enrol_second_factor(user.id, &enrolment, &new)
            .await?
        {
            return Ok(EnrolOutcome::Gone);
        }
        let enrolled = Entry::new(Actor::Staff(&user.email), "two-factor.enrolled")
            .subject(&user.email)
            .ip(self.ip);
        enrolled.record(self.store, now).await?;
        if session.stage == Stage::Enrol {
            Entry::new(Actor::Staff(&user.email), "sign-in.succeeded")
                .subject(&user.email)
                .detail("enrolled")
                .ip(self.ip)
                .record(self.store, now)
                .await?;
        }
        let stage = Stage::SignedIn;
        Ok(EnrolOutcome::Enrolled {
            started: Started { token, stage },
            codes,
        })
    }

    /// The password, and a current code when the account has a second factor; wrong answers
    /// count against the account like at sign-in, and none is checked during a wait.
    async fn owner_proved(&self, user: &User, answers: EnrolAnswers<'_>) -> anyhow::Result<bool> {
        let now = self.clock.now_ms();
        let right_password = self
            .verifier
            .check(answers.password, user.password_hash.as_deref())
            .await?;
        if now < user.locked_until || now < user.code_locked_until {
            return Ok(false);
        }
        if !right_password {
            self.count_failure(user, Counter::Password, now).await?;
            return Ok(false);
        }
        if !user.has_second_factor() {
            return Ok(true);
        }
        let current = open_totp(self.keys, user)?;
        if check_code(current, user, answers.current_code, now)
            .await?
            .is_none()
        {
            self.count_failure(user, Counter::Code, now).await?;
            return Ok(false);
        }
        Ok(true)
    }

    /// Sets the password of `link`'s account. The link then stops working, and every other
    /// session and link of the account ends.
    pub async fn set_password(
        &self,
        link: &Session,
        user: &User,
        typed: &str,
        again: &str,
    ) -> anyhow::Result<SetupOutcome> {
        let (raw, email) = (typed.to_owned(), user.email.clone());
        // Judging strength is CPU work too.
        let parsed =
            tokio::task::spawn_blocking(move || NewPassword::parse_for(&raw, &email)).await?;
        let new = match parsed {
            Err(problem) => return Ok(SetupOutcome::Problem(problem)),
            Ok(_) if typed != again => {
                return Ok(SetupOutcome::Problem(
                    "The two passwords are not the same".to_owned(),
                ));
            }
            Ok(new) => new,
        };
        let hash = password::hash_off_thread(new).await?;
        if !self
            .store
            .set_password_by_link(user.id, &link.token_hash, &hash)
            .await?
        {
            return Ok(SetupOutcome::Gone);
        }
        Entry::new(Actor::Staff(&user.email), "user.password-set")
            .subject(&user.email)
            .detail("setup link")
            .ip(self.ip)
            .record(self.store, self.clock.now_ms())
            .await?;
        Ok(SetupOutcome::Done)
    }
}

/// Binds a drawn-but-unconfirmed secret to the session it was drawn for.
fn pending_context(token_hash: &str) -> String {
    format!("totp-pending|{token_hash}")
}
