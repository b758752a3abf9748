//! Automatic certificates against Pebble, Let's Encrypt's own ACME test server (Debian package
//! `pebble`, installed by `scripts/test`), on loopback: a real TLS-ALPN-01 validation (Pebble
//! resolves the domain through `pebble-challtestsrv`'s DNS to 127.0.0.1 and connects to
//! pestle's HTTPS port), a certificate issued and served, renewed when Pebble's 30-second
//! validity is two-thirds gone with no failed request in between, and — once Pebble is gone —
//! a failed renewal that keeps the current certificate and raises the metric.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{Backend, free_port, spawn_app_with};
use crate::https::{TestCa, write};

const DOMAIN: &str = "pestle.test";
const TOKEN: &str = "acme-test-metrics-token";

/// A child process killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(program: &str, args: &[&str], envs: &[(&str, &str)], log: &std::path::Path) -> Running {
    let log = std::fs::File::create(log).unwrap();
    let child = Command::new(program)
        .args(args)
        .envs(envs.iter().copied())
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|error| panic!("{program} runs (scripts/test installs pebble): {error}"));
    Running(child)
}

/// An HTTPS client that trusts only Pebble's root and reaches `DOMAIN` at `port`, opening a new
/// connection (a new handshake) for every request.
fn https_client(root_pem: &str, port: u16) -> reqwest::Client {
    crate::helpers::http_client()
        .tls_certs_only([reqwest::Certificate::from_pem(root_pem.as_bytes()).unwrap()])
        .resolve(DOMAIN, ([127, 0, 0, 1], port).into())
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

/// The certificate served to a new connection, if the handshake verifies.
async fn served(port: u16, root: &str) -> Option<Vec<u8>> {
    crate::https::served_certificate(port, DOMAIN, root)
        .await
        .ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pebble_issues_and_renews_a_certificate_with_no_failed_request() {
    let dir = tempfile::tempdir().unwrap();
    // Pebble's own HTTPS listener needs a certificate; pestle trusts its CA for the directory.
    let ca = TestCa::new();
    let (pebble_cert, pebble_key) = ca.leaf(&["127.0.0.1", "localhost"]);
    let ca_file = write(dir.path(), "ca.pem", &ca.pem());
    let cert_file = write(dir.path(), "pebble.pem", &pebble_cert);
    let key_file = write(dir.path(), "pebble.key", &pebble_key);
    let (acme_port, management_port, dns_port, https_port) =
        (free_port(), free_port(), free_port(), free_port());
    let config = serde_json::json!({ "pebble": {
        "listenAddress": format!("127.0.0.1:{acme_port}"),
        "managementListenAddress": format!("127.0.0.1:{management_port}"),
        "certificate": cert_file, "privateKey": key_file,
        "httpPort": free_port(), "tlsPort": https_port,
        "ocspResponderURL": "", "externalAccountBindingRequired": false,
        "certificateValidityPeriod": 30,
    }});
    let config_file = write(dir.path(), "pebble.json", &config.to_string());
    let dns = format!("127.0.0.1:{dns_port}");
    let _dns = start(
        "pebble-challtestsrv",
        &[
            "-dns01",
            &dns,
            "-http01",
            "",
            "-https01",
            "",
            "-tlsalpn01",
            "",
            "-management",
            &format!("127.0.0.1:{}", free_port()),
            "-defaultIPv6",
            "",
        ],
        &[],
        &dir.path().join("dns.log"),
    );
    let mut pebble = Some(start(
        "pebble",
        &[
            "-config",
            &config_file.display().to_string(),
            "-dnsserver",
            &dns,
        ],
        &[("PEBBLE_VA_NOSLEEP", "1"), ("PEBBLE_WFE_NONCEREJECT", "0")],
        &dir.path().join("pebble.log"),
    ));
    let directory = format!("https://127.0.0.1:{acme_port}/dir");
    let admin = crate::helpers::http_client()
        .tls_certs_only([reqwest::Certificate::from_pem(ca.pem().as_bytes()).unwrap()])
        .build()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while admin.get(&directory).send().await.is_err() {
        assert!(Instant::now() < deadline, "pebble did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let root = admin
        .get(format!("https://127.0.0.1:{management_port}/roots/0"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    let app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.bind = ([127, 0, 0, 1], https_port).into();
        settings.public_url = format!("https://{DOMAIN}:{https_port}/").parse().unwrap();
        settings.acme_domains = vec![DOMAIN.to_owned()];
        settings.acme_contact = vec!["it@pestle.test".to_owned()];
        settings.acme_directory_url = directory.parse().unwrap();
        settings.acme_ca_file = Some(ca_file.clone());
        settings.acme_cache_dir = dir.path().join("acme");
        settings.metrics_token = Some(TOKEN.to_owned().into());
    })
    .await;
    let client = https_client(&root, https_port);
    let url = format!("https://{DOMAIN}:{https_port}/");

    // Issued: served with a chain that verifies against Pebble's root.
    let deadline = Instant::now() + Duration::from_secs(30);
    let first = loop {
        if let Some(cert) = served(https_port, &root).await {
            break cert;
        }
        assert!(
            Instant::now() < deadline,
            "no certificate was issued; pebble said:\n{}",
            std::fs::read_to_string(dir.path().join("pebble.log")).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    // What an operator would check: curl trusting only Pebble's root verifies the chain.
    let root_file = write(dir.path(), "pebble-root.pem", &root);
    let resolve = format!("{DOMAIN}:{https_port}:127.0.0.1");
    let answer = crate::https::curl(&[
        "-sS",
        "--http2",
        "--cacert",
        &root_file.display().to_string(),
        "--resolve",
        &resolve,
        "-o",
        "/dev/null",
        "-w",
        "%{http_code} %{http_version} %{ssl_verify_result}",
        &url,
    ]);
    assert_eq!(answer, "200 2 0");
    let mode = std::fs::metadata(dir.path().join("acme")).unwrap();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode.permissions()) & 0o777,
        0o700
    );

    // Requests on new connections all through the renewal.
    let (mut answered, mut failed) = (0, Vec::new());
    let deadline = Instant::now() + Duration::from_secs(45);
    let renewed = loop {
        match client.get(&url).send().await {
            Ok(response) if response.status() == 200 => answered += 1,
            Ok(response) => failed.push(response.status().to_string()),
            Err(error) => failed.push(format!("{error:#}")),
        }
        let now = served(https_port, &root)
            .await
            .expect("a certificate is served");
        if now != first {
            break now;
        }
        assert!(Instant::now() < deadline, "the certificate was not renewed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        failed.is_empty(),
        "failed requests during renewal: {failed:?}"
    );
    assert!(answered > 20, "{answered} requests");

    // The CA goes away: the next renewal fails, the metric says so, the certificate stays.
    drop(pebble.take());
    let deadline = Instant::now() + Duration::from_secs(25);
    loop {
        let text = client
            .get(format!("{url}metrics"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let failures = text
            .lines()
            .find_map(|line| line.strip_prefix("pestle_acme_renewal_failures_total "))
            .and_then(|value| value.trim().parse::<f64>().ok())
            .unwrap_or(0.0);
        if failures >= 1.0 {
            assert!(text.contains("pestle_tls_certificate_expiry_timestamp_seconds"));
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no failed renewal was counted:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(served(https_port, &root).await, Some(renewed));
    assert_eq!(client.get(&url).send().await.unwrap().status(), 200);
    drop(app);
}
