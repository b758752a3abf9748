//! The binary itself: configuration layers, `serve` on port 0, graceful stop on SIGTERM.

use crate::helpers::{pestle, serve_binary};

#[test]
fn settings_come_from_file_then_env_then_flags() {
    let dir = tempfile::tempdir().unwrap();
    let url = |name: &str| format!("sqlite://{}", dir.path().join(name).display());
    let config = dir.path().join("pestle.toml");
    std::fs::write(
        &config,
        format!("database_url = \"{}\"\n", url("from-file.db")),
    )
    .unwrap();
    let config = config.to_str().unwrap();

    let (status, out, err) = pestle(&["--config", config, "migrate"], &[]);
    assert_eq!(status, 0, "{out}{err}");
    assert!(dir.path().join("from-file.db").exists());

    let env_url = url("from-env.db");
    let (status, _, _) = pestle(
        &["--config", config, "migrate"],
        &[("PESTLE_DATABASE_URL", &env_url)],
    );
    assert_eq!(status, 0);
    assert!(dir.path().join("from-env.db").exists());

    let flag_url = url("from-flag.db");
    let (status, _, _) = pestle(
        &["--config", config, "--database-url", &flag_url, "migrate"],
        &[("PESTLE_DATABASE_URL", &env_url)],
    );
    assert_eq!(status, 0);
    assert!(dir.path().join("from-flag.db").exists());
}

#[test]
fn a_typo_in_the_config_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("pestle.toml");
    std::fs::write(&config, "databse_url = \"sqlite://x.db\"\n").unwrap();
    let (status, _, err) = pestle(&["--config", config.to_str().unwrap(), "migrate"], &[]);
    assert_eq!(status, 1);
    assert!(err.contains("databse_url"), "{err}");
}

#[test]
fn an_unsupported_database_url_is_explained() {
    let (status, _, err) = pestle(&["--database-url", "mysql://localhost/x", "migrate"], &[]);
    assert_eq!(status, 1);
    assert!(
        err.contains("expected sqlite://PATH or postgres://"),
        "{err}"
    );
}

#[test]
fn serve_logs_the_bound_address_and_stops_gracefully_on_sigterm() {
    let mut served = serve_binary("info");
    let address = served.address.clone();
    assert!(!address.ends_with(":0"), "{address}");

    let health = reqwest::blocking_get(&format!("{address}/healthz"));
    assert_eq!(health, 200);

    let status = served.stop();
    assert!(status.success(), "exit status {status}");
    assert!(
        served.log.iter().any(|l| l.contains("shutting down")),
        "{:?}",
        served.log
    );
}

/// A tiny blocking GET, so this test needs no async runtime: returns the status code.
mod reqwest {
    pub fn blocking_get(url: &str) -> u16 {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let client = crate::helpers::http_client().build().unwrap();
        runtime.block_on(async { client.get(url).send().await.unwrap().status().as_u16() })
    }
}
