//! PostgreSQL's own tools: `pg_dump --format=custom` and `pg_restore`. The connection goes to
//! them in `PG…` environment variables, so a password is never on a command line `ps` shows.

use std::path::Path;
use std::process::Stdio;

use anyhow::{Context, ensure};
use sqlx::{Connection, PgConnection};
use tokio::process::Command;

use crate::store::{self, Inventory};

pub const FILE: &str = "pestle.pgdump";

/// Dumps the database into `file`. A repeatable-read transaction exports its snapshot, the
/// inventory is read in it and `pg_dump` dumps that same snapshot: the manifest counts exactly
/// what the dump holds, whatever is written meanwhile.
pub async fn dump(database_url: &str, file: &Path) -> anyhow::Result<Inventory> {
    let mut conn = PgConnection::connect(database_url).await?;
    let mut tx = conn.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    let (snapshot,): (String,) = sqlx::query_as("SELECT pg_export_snapshot()")
        .fetch_one(&mut *tx)
        .await?;
    let inventory = store::postgres_inventory(&mut tx).await?;
    run(
        "pg_dump",
        database_url,
        &[
            "--format=custom",
            "--no-owner",
            &format!("--snapshot={snapshot}"),
            &format!("--file={}", file.display()),
        ],
    )
    .await?;
    tx.commit().await?;
    conn.close().await?;
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
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null());
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
    let database = url.path().trim_start_matches('/');
    command.env("PGDATABASE", database);
    if tool == "pg_restore" {
        // pg_restore reads a file unless told a database; the name alone, never the password.
        command.arg(format!("--dbname={database}"));
    }
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
