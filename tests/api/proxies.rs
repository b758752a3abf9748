//! `trusted_proxies`: behind a trusted proxy each client has its own request-form limit, taken
//! from `X-Forwarded-For`; the same header from anyone else is ignored.

use crate::helpers::{Backend, TestApp, http_client, spawn_app_with};
use crate::requests::{Web, open_form, post, valid};

/// A client whose requests carry `X-Forwarded-For: forwarded`.
fn via(app: &TestApp, forwarded: &str) -> Web {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-forwarded-for", forwarded.parse().unwrap());
    Web {
        client: http_client()
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .unwrap(),
        address: app.address.clone(),
    }
}

/// The status of one valid call-back request sent by `web`.
async fn submit(web: &Web) -> u16 {
    let session = open_form(web, "callback").await;
    post(web, "callback", &session, &valid("callback"))
        .await
        .status()
        .as_u16()
}

#[tokio::test]
async fn each_client_behind_a_trusted_proxy_has_its_own_limit_and_a_forged_prefix_does_not_help() {
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.request_limit_per_hour = 2;
        s.trusted_proxies = "127.0.0.1"
            .parse::<pestle::config::Cidr>()
            .map(|c| pestle::config::TrustedProxies(vec![c]))
            .unwrap();
    })
    .await;
    let first = via(&app, "198.51.100.1");
    assert_eq!([submit(&first).await, submit(&first).await], [200, 200]);
    assert_eq!(submit(&first).await, 429, "the third from one client");
    assert_eq!(
        submit(&via(&app, "198.51.100.2")).await,
        200,
        "another client is not limited"
    );
    // The client wrote a fresh address to the left; the proxy appended the real one.
    let forged = via(&app, "203.0.113.50, 198.51.100.1");
    assert_eq!(
        submit(&forged).await,
        429,
        "the proxy's entry counts, not the client's"
    );
}

#[tokio::test]
async fn an_untrusted_peers_forwarded_header_is_ignored() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.request_limit_per_hour = 2).await;
    assert_eq!(submit(&via(&app, "198.51.100.1")).await, 200);
    assert_eq!(submit(&via(&app, "198.51.100.2")).await, 200);
    assert_eq!(
        submit(&via(&app, "198.51.100.3")).await,
        429,
        "without trusted_proxies every request is the connecting address's"
    );
}

#[tokio::test]
async fn on_postgresql_the_limit_holds_across_instances() {
    let first = spawn_app_with(Backend::Postgres, |s| s.request_limit_per_hour = 2).await;
    let second = crate::helpers::spawn_app_on(&first, |s| s.request_limit_per_hour = 2).await;
    let (a, b) = (Web::from(&first), Web::from(&second));
    assert_eq!([submit(&a).await, submit(&b).await], [200, 200]);
    assert_eq!(submit(&a).await, 429, "the third, on the first instance");
    assert_eq!(submit(&b).await, 429, "and on the second");
    let pool = sqlx::PgPool::connect(&first.db.url).await.unwrap();
    let keys: Vec<String> = sqlx::query_scalar("SELECT key FROM rate_limits")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    assert_eq!(keys.len(), 1, "one bucket: one address, one limit");
    assert!(
        keys[0].len() == 64 && keys[0].chars().all(|c| c.is_ascii_hexdigit()),
        "a bucket is named by a digest, never the address: {}",
        keys[0]
    );
}
