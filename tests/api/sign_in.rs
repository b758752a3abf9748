//! Signing in over HTTP on a clock the test moves: the brakes on wrong codes and wrong
//! passwords, setup links, and changing the second factor from a signed-in session.

use std::time::Duration;

use pestle::staff::{delay_after, hash_token, totp};
use pestle::store::Store;

use crate::helpers::{Backend, spawn_app, spawn_app_with_clock};
use crate::staff::{Browser, PASSWORD, add_user, session_for, shown_key};

/// The code an authenticator app shows at `unix_ms`, `steps` steps later.
fn code(secret: &[u8], unix_ms: i64, steps: u64) -> String {
    totp::code_at(secret, (unix_ms / 1000) as u64 + 30 * steps).unwrap()
}

async fn counts(store: &dyn Store, email: &str) -> (i64, i64, i64, i64) {
    let user = store.user_by_email(email).await.unwrap().unwrap();
    (
        user.failed_attempts,
        user.locked_until,
        user.code_failures,
        user.code_locked_until,
    )
}

async fn password(browser: &mut Browser, email: &str, typed: &str) -> (u16, String) {
    let page = browser
        .post("/staff/sign-in", &[("email", email), ("password", typed)])
        .await;
    (page.status, page.location)
}

#[tokio::test]
async fn wrong_codes_count_apart_and_a_right_password_does_not_reset_them() {
    let (app, clock) = spawn_app_with_clock(Backend::Sqlite, |_| {}).await;
    let store = app.db.store().await;
    let email = "ph@willow.example";
    add_user(store.as_ref(), email, "pharmacist").await;
    let mut browser = Browser::new(&app);
    browser.sign_in(email).await;
    let secret = browser.secret.clone().unwrap();
    let now = || pestle::clock::Clock::now_ms(clock.as_ref());

    // Password, three wrong codes, password again: the code count carries on.
    browser.cookie = None;
    assert_eq!(
        password(&mut browser, email, PASSWORD).await.1,
        "/staff/sign-in/code"
    );
    browser.get("/staff/sign-in/code").await;
    for _ in 0..3 {
        let page = browser
            .post("/staff/sign-in/code", &[("code", "000000")])
            .await;
        assert_eq!(page.status, 401);
    }
    assert_eq!(
        password(&mut browser, email, PASSWORD).await.1,
        "/staff/sign-in/code"
    );
    browser.get("/staff/sign-in/code").await;
    let (failed, _, code_failures, code_wait) = counts(store.as_ref(), email).await;
    assert_eq!(
        (failed, code_failures),
        (0, 3),
        "the password step reset no code count"
    );
    assert_eq!(code_wait, now() + delay_after(3));
    // During the wait even the right code is refused, and not counted.
    let right = code(&secret, now(), 1);
    let page = browser
        .post("/staff/sign-in/code", &[("code", &right)])
        .await;
    assert_eq!(page.status, 401, "a code during the wait is not checked");
    assert_eq!(counts(store.as_ref(), email).await.2, 3);
    // After the wait a wrong code counts and the wait grows.
    clock.advance(Duration::from_millis(delay_after(3) as u64));
    browser
        .post("/staff/sign-in/code", &[("code", "000000")])
        .await;
    let (_, _, code_failures, code_wait) = counts(store.as_ref(), email).await;
    assert_eq!(code_failures, 4);
    assert_eq!(code_wait, now() + delay_after(4));
    clock.advance(Duration::from_millis(delay_after(4) as u64));
    let page = browser
        .post("/staff/sign-in/code", &[("code", &code(&secret, now(), 1))])
        .await;
    assert_eq!((page.status, page.location.as_str()), (303, "/staff"));
    assert_eq!(
        counts(store.as_ref(), email).await.2,
        0,
        "a right code resets it"
    );
}

#[tokio::test]
async fn a_wait_is_not_lengthened_by_tries_and_the_owner_is_never_kept_out_long() {
    let (app, clock) = spawn_app_with_clock(Backend::Sqlite, |settings| {
        settings.sign_in_limit_per_hour = 1_000;
    })
    .await;
    let store = app.db.store().await;
    let email = "bo@willow.example";
    add_user(store.as_ref(), email, "staff").await;
    let mut browser = Browser::new(&app);
    let now = || pestle::clock::Clock::now_ms(clock.as_ref());
    for _ in 0..3 {
        assert_eq!(
            password(&mut browser, email, "wrong guess 12345").await.0,
            401
        );
    }
    let (failed, wait, _, _) = counts(store.as_ref(), email).await;
    assert_eq!((failed, wait), (3, now() + delay_after(3)));
    // Tries during the wait — wrong, or even right — neither count nor restart it.
    for typed in ["wrong guess 12345", PASSWORD, "another guess 999"] {
        assert_eq!(password(&mut browser, email, typed).await.0, 401);
    }
    assert_eq!(counts(store.as_ref(), email).await.0, 3, "not counted");
    assert_eq!(
        counts(store.as_ref(), email).await.1,
        wait,
        "the wait did not move"
    );
    clock.advance(Duration::from_millis(delay_after(3) as u64));
    assert_eq!(
        password(&mut browser, email, PASSWORD).await,
        (303, "/staff".to_owned())
    );

    // Someone guessing as fast as the waits allow, for hours: each wait is at most five
    // minutes, so the owner, arriving after one, gets in.
    browser.cookie = None;
    for _ in 0..40 {
        assert_eq!(
            password(&mut browser, email, "wrong guess 12345").await.0,
            401
        );
        let (_, wait, _, _) = counts(store.as_ref(), email).await;
        assert!(
            wait - now() <= 5 * 60 * 1000,
            "a wait of {} ms",
            wait - now()
        );
        clock.advance(Duration::from_millis((wait - now()).max(0) as u64));
    }
    assert_eq!(counts(store.as_ref(), email).await.0, 40);
    assert_eq!(
        password(&mut browser, email, PASSWORD).await,
        (303, "/staff".to_owned())
    );
}

#[tokio::test]
async fn a_setup_link_ends_other_sessions_and_only_the_newest_link_works() {
    let app = spawn_app(Backend::Sqlite).await;
    let store = app.db.store().await;
    let mut admin = session_for(&app, store.as_ref(), "admin").await;
    let page = admin
        .post(
            "/staff/users",
            &[("email", "cy@willow.example"), ("role", "staff")],
        )
        .await;
    let first = link_in(&page.html);
    let id = store
        .user_by_email("cy@willow.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    let page = admin
        .post(&format!("/staff/users/{id}/setup-link"), &[])
        .await;
    let second = link_in(&page.html);
    assert_ne!(first, second);
    assert_eq!(
        admin.get(&first).await.status,
        404,
        "the older link stopped working"
    );
    assert_eq!(admin.get(&second).await.status, 200);
    // A session the account had before (a stolen one, say) ends when the password is set.
    let (token, session) = pestle::staff::sign_in::new_session(
        id,
        pestle::staff::Stage::SignedIn,
        jiff::Timestamp::now().as_millisecond(),
    );
    store.create_session(&session).await.unwrap();
    let mut setter = Browser::new(&app);
    let page = setter
        .post_raw(
            &second,
            &[("password", PASSWORD), ("password_again", PASSWORD)],
            Some(&app.address),
        )
        .await;
    assert_eq!(
        page.location, "/staff/sign-in?done=password-set",
        "{}",
        page.html
    );
    assert!(store.session(&hash_token(&token)).await.unwrap().is_none());
    assert_eq!(setter.get(&second).await.status, 404, "the link works once");
}

fn link_in(html: &str) -> String {
    let at = html.find("/staff/setup/").expect("a setup link is shown");
    html[at..].split(['<', '"']).next().unwrap().to_owned()
}

#[tokio::test]
async fn changing_two_factor_needs_the_password_and_a_current_code_and_ends_other_sessions() {
    let app = spawn_app(Backend::Sqlite).await;
    let store = app.db.store().await;
    let email = "dee@willow.example";
    add_user(store.as_ref(), email, "pharmacist").await;
    let mut first = Browser::new(&app);
    let (_, next) = password(&mut first, email, PASSWORD).await;
    assert_eq!(next, "/staff/two-factor");
    let recovery = first.enrol().await;
    let old = first.secret.clone().unwrap();
    let mut second = Browser::new(&app);
    second.secret = Some(old.clone());
    second.last = first.last.clone();
    second.sign_in(email).await;

    let page = first.get("/staff/two-factor").await;
    assert!(page.html.contains("id=\"password\"") && page.html.contains("id=\"current_code\""));
    let key = shown_key(&page.html).unwrap();
    let new = totp::secret_from_base32(&key).unwrap();
    assert_eq!(
        shown_key(&first.get("/staff/two-factor").await.html).unwrap(),
        key,
        "reloading keeps the key the app may have scanned"
    );
    let now = jiff::Timestamp::now().as_millisecond();
    // A secret chosen by the client is ignored; without the password nothing changes.
    let mine = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    let chosen = code(&totp::secret_from_base32(mine).unwrap(), now, 0);
    let page = first
        .post("/staff/two-factor", &[("secret", mine), ("code", &chosen)])
        .await;
    assert_eq!(page.status, 422);
    // The password alone is not enough when there is a second factor already.
    let page = first
        .post(
            "/staff/two-factor",
            &[("password", PASSWORD), ("code", &code(&new, now, 0))],
        )
        .await;
    assert_eq!(page.status, 422);
    let user = store.user_by_email(email).await.unwrap().unwrap();
    assert_eq!(user.failed_attempts, 1, "the missing password counted");
    // A recovery code proves the current second factor as well as the app's code does (and
    // the app's next code would mean waiting for the next 30-second step).
    let current = recovery[0].clone();
    let page = first
        .post(
            "/staff/two-factor",
            &[
                ("password", PASSWORD),
                ("current_code", &current),
                ("code", &code(&new, now, 0)),
            ],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(page.html.contains("Your recovery codes"));
    assert_eq!(
        first.get("/staff").await.status,
        200,
        "this browser carries on"
    );
    assert_eq!(
        second.get("/staff").await.status,
        303,
        "the other session ended"
    );
    let user = store.user_by_email(email).await.unwrap().unwrap();
    let sealed = pestle::requests::Sealed {
        key_id: user.totp_key_id.unwrap(),
        blob: user.totp_sealed.unwrap(),
    };
    let keys = pestle::requests::DataKeys::parse(crate::helpers::TEST_DATA_KEY).unwrap();
    let stored = keys
        .open(&sealed, format!("totp|{}", user.id).as_bytes())
        .unwrap();
    assert_eq!(stored, new, "the server's secret, not one the client chose");
}
