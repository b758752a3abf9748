//! The binary itself: configuration layers, `serve` on port 0, graceful stop on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::pestle;

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
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("pestle.db").display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_pestle"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .current_dir(dir.path())
        .env("PESTLE_DATABASE_URL", &url)
        .env("PESTLE_DATA_KEY", crate::helpers::TEST_DATA_KEY)
        .env("PESTLE_LOG", "info")
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let address = loop {
        let line = lines.next().expect("serve printed its address").unwrap();
        if let Some(at) = line.find("listening on http://") {
            let rest = &line[at + "listening on ".len()..];
            break rest
                .split_whitespace()
                .next()
                .unwrap()
                .trim_end_matches('\u{1b}')
                .to_owned();
        }
    };
    let address: String = address.chars().take_while(|c| !c.is_control()).collect();
    assert!(!address.ends_with(":0"), "{address}");

    let health = reqwest::blocking_get(&format!("{address}/healthz"));
    assert_eq!(health, 200);

    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "exit status {status}");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "serve did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("shutting down")), "{rest:?}");
}

/// A tiny blocking GET, so this test needs no async runtime: returns the status code.
mod reqwest {
    pub fn blocking_get(url: &str) -> u16 {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async { ::reqwest::get(url).await.unwrap().status().as_u16() })
    }
}
