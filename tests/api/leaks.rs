//! What must never reach the server log: what patients search for and secrets in URLs, even at
//! the most verbose log level, where every request is traced.

use crate::helpers::{http_client, serve_binary};

#[test]
fn the_log_names_routes_never_the_paths_and_queries_sent() {
    let token = "5e7a".repeat(16);
    let mut served = serve_binary("trace");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let client = http_client().build().unwrap();
        for (path, status) in [
            ("/search?q=maria+gonzalez+warfarin", 200),
            ("/api/v1/search?q=maria+gonzalez+warfarin", 200),
            ("/api/v1/suggest?q=gonzalez", 200),
            (&format!("/staff/setup/{token}") as &str, 404),
            ("/conditions/gonzalez-warfarin", 404),
            ("/gonzalez/warfarin?maria=1", 404),
        ] {
            let response = client
                .get(format!("{}{path}", served.address))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status().as_u16(), status, "{path}");
        }
    });
    served.stop();
    let log = served.log.join("\n");
    // Requests are traced: by route template, method, status and latency.
    for expected in [
        "route=/search",
        "route=/staff/setup/{token}",
        "route=/conditions/{slug}",
        "method=GET",
        "status=404",
        "latency=",
    ] {
        assert!(log.contains(expected), "{expected} missing from:\n{log}");
    }
    let lowered = log.to_lowercase();
    for secret in ["maria", "gonzalez", "warfarin", &token] {
        assert!(
            !lowered.contains(secret),
            "{secret} appears in the log:\n{log}"
        );
    }
}
