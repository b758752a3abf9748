//! Accounts under concurrency, on both backends, each race run many times in a loop: a sign-in
//! racing an admin's disable, concurrent wrong passwords, one TOTP code or recovery code sent
//! many times at once, and concurrent admin changes. These go through the store and the
//! sign-in service directly (no HTTP), so the races are tight.

use std::sync::Arc;

use pestle::clock::{Clock, SystemClock};
use pestle::requests::DataKeys;
use pestle::staff::sign_in::{Authenticator, CodeOutcome, PasswordOutcome, new_session};
use pestle::staff::{Role, Stage, delay_after, hash_token, password, totp};
use pestle::store::{Counter, Enrolment, Failure, NewUser, SealedSecret, Store};

use crate::helpers::{Backend, TEST_DATA_KEY, TestDb, on_both_backends};
use crate::staff::PASSWORD;

on_both_backends!(
    a_sign_in_racing_a_disable_never_leaves_the_account_enabled_or_a_session_alive,
    concurrent_wrong_passwords_are_each_counted,
    one_totp_code_sent_ten_times_at_once_signs_in_once,
    one_recovery_code_sent_ten_times_at_once_signs_in_once,
    concurrent_admin_changes_each_change_only_their_column,
);

/// What the sign-in service needs, built once per test.
struct Bench {
    store: Arc<dyn Store>,
    verifier: password::Verifier,
    keys: DataKeys,
    clock: SystemClock,
    hash: String,
    _db: TestDb,
}

impl Bench {
    async fn new(backend: Backend) -> Self {
        let db = TestDb::new(backend).await;
        Self {
            store: db.store().await,
            verifier: password::Verifier::new().unwrap(),
            keys: DataKeys::parse(TEST_DATA_KEY).unwrap(),
            clock: SystemClock,
            hash: password::hash(&password::NewPassword::parse(PASSWORD).unwrap()).unwrap(),
            _db: db,
        }
    }

    fn auth(&self) -> Authenticator<'_> {
        Authenticator {
            store: self.store.as_ref(),
            verifier: &self.verifier,
            keys: &self.keys,
            clock: &self.clock,
            ip: "127.0.0.1",
        }
    }

    async fn user(&self, email: &str, role: Role) -> i64 {
        self.store
            .create_user(&NewUser {
                email: email.to_owned(),
                role,
                password_hash: Some(self.hash.clone()),
                created_at: self.clock.now_ms(),
            })
            .await
            .unwrap()
    }

    /// An account with a second factor; its secret and recovery codes.
    async fn enrolled(&self, email: &str) -> (i64, Vec<u8>, Vec<String>) {
        let id = self.user(email, Role::Pharmacist).await;
        let secret = totp::new_secret();
        let sealed = self
            .keys
            .seal(&secret, format!("totp|{id}").as_bytes())
            .unwrap();
        let (codes, recovery_hashes) = totp::new_recovery_codes();
        let (_, session) = new_session(id, Stage::SignedIn, self.clock.now_ms());
        let enrolment = Enrolment {
            secret: SealedSecret {
                key_id: sealed.key_id,
                blob: sealed.blob,
            },
            step: 0,
            recovery_hashes,
        };
        assert!(
            self.store
                .enrol_second_factor(id, &enrolment, &session)
                .await
                .unwrap()
        );
        (id, secret, codes)
    }

    /// `n` sessions waiting for the code, as after `n` right passwords.
    async fn pending(&self, id: i64, n: usize) -> Vec<pestle::store::Session> {
        let mut sessions = Vec::new();
        for _ in 0..n {
            let (_, session) = new_session(id, Stage::SecondFactor, self.clock.now_ms());
            self.store.create_session(&session).await.unwrap();
            sessions.push(session);
        }
        sessions
    }

    /// Sends `code` from every session in `sessions` at once; how many signed in.
    async fn race_code(&self, id: i64, sessions: &[pestle::store::Session], code: &str) -> usize {
        let user = self.store.user(id).await.unwrap().unwrap();
        let auth = self.auth();
        let tries = sessions.iter().map(|s| auth.code(s, &user, code));
        futures_join_all(tries)
            .await
            .into_iter()
            .filter(|o| matches!(o, Ok(CodeOutcome::SignedIn { .. })))
            .count()
    }
}

/// Runs every future concurrently on this task (no extra crate needed).
pub(crate) async fn futures_join_all<F: Future>(
    futures: impl IntoIterator<Item = F>,
) -> Vec<F::Output> {
    let mut set = Vec::new();
    for future in futures {
        set.push(Box::pin(future));
    }
    let mut outputs: Vec<Option<F::Output>> = set.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in set.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().map(Option::unwrap).collect()
}

async fn a_sign_in_racing_a_disable_never_leaves_the_account_enabled_or_a_session_alive(
    backend: Backend,
) {
    let bench = Arc::new(Bench::new(backend).await);
    for round in 0..12 {
        let email = format!("race{round}@willow.example");
        let id = bench.user(&email, Role::Staff).await;
        let signing_in = {
            let bench = bench.clone();
            let email = email.clone();
            tokio::spawn(async move { bench.auth().password(&email, PASSWORD).await.unwrap() })
        };
        // Let the sign-in get under way (its argon2 runs on the blocking pool) before the
        // admin's disable lands somewhere inside it.
        tokio::time::sleep(std::time::Duration::from_millis(round * 7)).await;
        assert!(bench.store.set_disabled(id, true).await.unwrap());
        let outcome = signing_in.await.unwrap();
        let user = bench.store.user(id).await.unwrap().unwrap();
        assert!(user.disabled, "round {round}: the disable was undone");
        if let PasswordOutcome::Accepted(started) = outcome {
            let live = bench
                .store
                .session(&hash_token(&started.token))
                .await
                .unwrap();
            assert!(
                live.is_none(),
                "round {round}: a session outlived the disable"
            );
        }
    }
}

async fn concurrent_wrong_passwords_are_each_counted(backend: Backend) {
    let bench = Bench::new(backend).await;
    for round in 0..5 {
        let id = bench
            .user(&format!("guess{round}@willow.example"), Role::Staff)
            .await;
        let now = bench.clock.now_ms();
        let failure = Failure {
            counter: Counter::Password,
            at: now,
            delay_after,
        };
        let counts = (0..20)
            .map(|_| bench.store.count_failure(id, &failure))
            .collect::<Vec<_>>();
        futures_join_all(counts).await;
        let user = bench.store.user(id).await.unwrap().unwrap();
        assert_eq!(user.failed_attempts, 20, "round {round}");
        assert_eq!(user.locked_until, now + delay_after(20), "round {round}");
        assert_eq!(user.code_failures, 0, "the code count is apart");
    }
}

async fn one_totp_code_sent_ten_times_at_once_signs_in_once(backend: Backend) {
    let bench = Bench::new(backend).await;
    for round in 0..6 {
        let (id, secret, _) = bench.enrolled(&format!("totp{round}@willow.example")).await;
        let code = totp::code_at(&secret, (bench.clock.now_ms() / 1000) as u64).unwrap();
        // From ten sessions (ten sign-ins that got the password right)…
        let sessions = bench.pending(id, 10).await;
        assert_eq!(
            bench.race_code(id, &sessions, &code).await,
            1,
            "round {round}"
        );
        // …and from one session, ten times.
        let one = bench.pending(id, 1).await;
        let again: Vec<_> = std::iter::repeat_n(one[0].clone(), 10).collect();
        let next = totp::code_at(&secret, (bench.clock.now_ms() / 1000) as u64 + 30).unwrap();
        assert_eq!(bench.race_code(id, &again, &next).await, 1, "round {round}");
    }
}

async fn one_recovery_code_sent_ten_times_at_once_signs_in_once(backend: Backend) {
    let bench = Bench::new(backend).await;
    for round in 0..6 {
        let (id, _, codes) = bench
            .enrolled(&format!("recovery{round}@willow.example"))
            .await;
        let sessions = bench.pending(id, 10).await;
        assert_eq!(
            bench.race_code(id, &sessions, &codes[0]).await,
            1,
            "round {round}"
        );
        let user = bench.store.user(id).await.unwrap().unwrap();
        assert_eq!(
            user.recovery_hashes.split_whitespace().count(),
            codes.len() - 1,
            "round {round}: the code is used up once"
        );
    }
}

async fn concurrent_admin_changes_each_change_only_their_column(backend: Backend) {
    let bench = Bench::new(backend).await;
    for round in 0..10 {
        let (id, _, _) = bench
            .enrolled(&format!("roles{round}@willow.example"))
            .await;
        bench
            .store
            .count_failure(
                id,
                &Failure {
                    counter: Counter::Code,
                    at: bench.clock.now_ms(),
                    delay_after,
                },
            )
            .await
            .unwrap();
        let before = bench.store.user(id).await.unwrap().unwrap();
        let (a, b) = tokio::join!(
            bench.store.set_role(id, Role::Admin),
            bench.store.set_role(id, Role::Staff)
        );
        assert!(a.unwrap() && b.unwrap());
        let after = bench.store.user(id).await.unwrap().unwrap();
        assert!(
            [Role::Admin, Role::Staff].contains(&after.role),
            "one of the two"
        );
        assert_eq!(
            pestle::store::User {
                role: before.role,
                ..after.clone()
            },
            before,
            "round {round}: only the role changed"
        );
        // A role change and a disable at once: both land.
        let (a, b) = tokio::join!(
            bench.store.set_role(id, Role::Pharmacist),
            bench.store.set_disabled(id, true)
        );
        assert!(a.unwrap() && b.unwrap());
        let after = bench.store.user(id).await.unwrap().unwrap();
        assert_eq!((after.role, after.disabled), (Role::Pharmacist, true));
    }
}
