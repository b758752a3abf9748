//! PostgreSQL's own tools: `pg_dump --format=custom` and `pg_restore`. The connection goes to
//! them in `PG…` environment variables, so a password is never on a command line `ps` shows.

use std::path::Path;
use std::process::Stdio;

use anyhow::{Context, ensure};
use tokio::process::Command;

use crate::store::{self, Inventory};

pub const FILE: &str = "pestle.pgdump";

/// Dumps the database into `file`. The inventory is read just before the dump starts, so every
/// record it counts is in the dump (records are only added meanwhile, never lost).
pub async fn dump(database_url: &str, file: &Path) -> anyhow::Result<Inventory> {
    let store = store::connect(database_url).await?;
    let inventory = store.inventory().await;
    store.close().await;
    let inventory = inventory?;
    run(
        "pg_dump",
        database_url,
        &["--format=custom", "--no-owner", &format!("--file={}", file.display())],
    )
    .await?;
    super::private_file(file)?;
    Ok(inventory)
}

/// Restores `file`, replacing what the database held.
pub async fn restore(database_url: &str, file: &Path) -> anyhow::Result<()> {
    run(
        "pg_restore",
        database_url,
        &[
            "--clean",
            "--if-exists",
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            &file.display().to_string(),
        ],
    )
    .await
}

async fn run(tool: &str, database_url: &str, args: &[&str]) -> anyhow::Result<()> {
    let url = url::Url::parse(database_url).context("database_url: not a URL")?;
    let mut command = Command::new(tool);
    command.args(args).stdin(Stdio::null()).stdout(Stdio::null());
    if let Some(host) = url.host_str() {
        command.env("PGHOST", host);
    }
    if let Some(port) = url.port() {
        command.env("PGPORT", port.to_string());
    }
    if !url.username().is_empty() {
        command.env("PGUSER", url.username());
    }
    if let Some(password) = url.password() {
        command.env("PGPASSWORD", password);
    }
    command.env("PGDATABASE", url.path().trim_start_matches('/'));
    let output = command.output().await.map_err(|error| {
        anyhow::anyhow!(
            "cannot run {tool} ({error}): backups of PostgreSQL use its own tools; install \
             them (Debian: apt install postgresql-client) or back up with the database's tooling"
        )
    })?;
    ensure!(
        output.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&output.stderr).trim()
    );
    Ok(())
}
