//! Every page type scored by the MDN HTTP Observatory's rules, served the way a pharmacy runs
//! it — HTTPS from pestle itself with the plain-HTTP redirect listener — must grade A+
//! (100 or more). The modifiers are the Observatory's own (its scoring documentation and
//! source): CSP, cookies, CORS, redirection, Referrer-Policy, HSTS, Subresource Integrity,
//! X-Content-Type-Options, clickjacking protection, Cross-Origin-Resource-Policy.

use reqwest::header::HeaderMap;

use crate::helpers::{Backend, free_port, spawn_app_with};
use crate::https::{TestCa, write};

/// Each test's result and modifier, as the Observatory would report them.
fn score(headers: &HeaderMap, html: &str, redirected: bool) -> Vec<(&'static str, i32)> {
    let get = |name: &str| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let csp = get("content-security-policy");
    let directive = |name: &str| {
        csp.split(';')
            .map(str::trim)
            .find(|d| d.starts_with(name))
            .unwrap_or("")
            .to_owned()
    };
    let script_src = if directive("script-src ").is_empty() {
        directive("default-src ")
    } else {
        directive("script-src ")
    };
    let mut results = vec![if csp.is_empty() {
        ("csp-not-implemented", -25)
    } else if script_src.contains("'unsafe-inline'") {
        ("csp-implemented-with-unsafe-inline", -20)
    } else if csp.contains("'unsafe-eval'") {
        ("csp-implemented-with-unsafe-eval", -10)
    } else if csp.contains("http:") {
        ("csp-implemented-with-insecure-scheme", -20)
    } else if directive("default-src ") == "default-src 'none'" {
        ("csp-implemented-with-no-unsafe-default-src-none", 10)
    } else {
        ("csp-implemented-with-no-unsafe", 5)
    }];
    let cookies: Vec<String> = headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_lowercase)
        .collect();
    results.push(if cookies.is_empty() {
        ("cookies-not-found", 0)
    } else if cookies.iter().any(|c| !c.contains("; secure")) {
        ("cookies-without-secure-flag", -20)
    } else if cookies.iter().any(|c| !c.contains("httponly")) {
        ("cookies-session-without-httponly-flag", -30)
    } else if cookies
        .iter()
        .all(|c| c.contains("samesite=strict") || c.contains("samesite=lax"))
    {
        ("cookies-secure-with-httponly-sessions-and-samesite", 5)
    } else {
        ("cookies-secure-with-httponly-sessions", 0)
    });
    let cors = get("access-control-allow-origin");
    results.push(
        if cors == "*" && get("access-control-allow-credentials") == "true" {
            (
                "cross-origin-resource-sharing-implemented-with-universal-access",
                -50,
            )
        } else {
            (
                "cross-origin-resource-sharing-not-implemented-or-restricted",
                0,
            )
        },
    );
    results.push(if redirected {
        ("redirection-to-https", 0)
    } else {
        ("redirection-missing", -20)
    });
    results.push(
        match get("referrer-policy").rsplit(',').next().map(str::trim) {
            Some(
                "no-referrer" | "same-origin" | "strict-origin" | "strict-origin-when-cross-origin",
            ) => ("referrer-policy-private", 5),
            Some("") | None => ("referrer-policy-not-implemented", 0),
            _ => ("referrer-policy-unsafe", -5),
        },
    );
    let max_age = get("strict-transport-security")
        .split(';')
        .find_map(|part| part.trim().strip_prefix("max-age="))
        .and_then(|age| age.parse::<u64>().ok());
    results.push(match max_age {
        Some(age) if age >= 15_768_000 => ("hsts-implemented-max-age-at-least-six-months", 0),
        Some(_) => ("hsts-implemented-max-age-less-than-six-months", -10),
        None => ("hsts-not-implemented", -20),
    });
    let external_script = html.match_indices("<script").any(|(at, _)| {
        let tag = &html[at..html[at..].find('>').map_or(html.len(), |end| at + end)];
        tag.contains("src=\"http") || tag.contains("src=\"//")
    });
    results.push(if external_script {
        (
            "sri-not-implemented-but-external-scripts-loaded-securely",
            -5,
        )
    } else {
        (
            "sri-not-implemented-but-all-scripts-loaded-from-secure-origin",
            0,
        )
    });
    results.push(if get("x-content-type-options") == "nosniff" {
        ("x-content-type-options-nosniff", 0)
    } else {
        ("x-content-type-options-not-implemented", -5)
    });
    results.push(if directive("frame-ancestors ").is_empty() {
        if get("x-frame-options").is_empty() {
            ("x-frame-options-not-implemented", -20)
        } else {
            ("x-frame-options-sameorigin-or-deny", 0)
        }
    } else {
        ("x-frame-options-implemented-via-csp", 5)
    });
    results.push(match get("cross-origin-resource-policy").as_str() {
        "same-origin" | "same-site" | "cross-origin" => {
            ("cross-origin-resource-policy-implemented", 0)
        }
        "" => ("cross-origin-resource-policy-not-implemented", 0),
        _ => ("cross-origin-resource-policy-header-invalid", -5),
    });
    results
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_type_grades_a_plus_over_https() {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new();
    let (cert, key) = ca.leaf(&["localhost"]);
    let cert_file = write(dir.path(), "cert.pem", &cert);
    let key_file = write(dir.path(), "key.pem", &key);
    let https_port = free_port();
    let http_port = free_port();
    let _app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.bind = ([127, 0, 0, 1], https_port).into();
        settings.tls_cert_file = Some(cert_file.clone());
        settings.tls_key_file = Some(key_file.clone());
        settings.public_url = format!("https://localhost:{https_port}/").parse().unwrap();
        settings.http_redirect_bind = Some(([127, 0, 0, 1], http_port).into());
    })
    .await;
    let client = crate::helpers::http_client()
        .tls_certs_only([reqwest::Certificate::from_pem(ca.pem().as_bytes()).unwrap()])
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let pages = [
        "/",
        "/conditions",
        "/conditions/foot-and-leg-cramps",
        "/medications",
        "/compounding",
        "/locations",
        "/testimonials",
        "/search?q=cramps",
        "/requests/callback",
        "/testimonials/share",
        "/staff/sign-in",
        "/no-such-page",
        "/api/v1/search?q=cramps",
    ];
    for path in pages {
        // The Observatory starts at http:// and follows the redirect.
        let plain = client
            .get(format!("http://localhost:{http_port}{path}"))
            .send()
            .await
            .unwrap();
        let location = plain
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let redirected = plain.status().is_redirection()
            && location == format!("https://localhost:{https_port}{path}");
        let response = client
            .get(format!("https://localhost:{https_port}{path}"))
            .send()
            .await
            .unwrap();
        let headers = response.headers().clone();
        let html = response.text().await.unwrap();
        let results = score(&headers, &html, redirected);
        let total: i32 = 100 + results.iter().map(|(_, m)| m).sum::<i32>();
        assert!(total >= 100, "{path}: {total} (not A+): {results:?}");
    }
}
