//! Backups you can restore. `take` writes a folder holding a consistent copy of the database
//! and `manifest.json` (schema and content versions, the data key ids sealed records need,
//! rows per table); the data keys are never in it (`pestle backup --keys` writes them to a file
//! of their own). SQLite is copied with `VACUUM INTO` — one read transaction, so the copy is
//! consistent while the server keeps writing; PostgreSQL with `pg_dump --format=custom`.
//! `restore` puts a backup into an empty database (or any, with `force`), migrates it forward
//! and checks that every key its sealed records need is present.

mod postgres;
pub mod schedule;

use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{Context, bail, ensure};
use serde::{Deserialize, Serialize};
use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};

use crate::store::{self, Inventory};

pub const MANIFEST: &str = "manifest.json";
const SQLITE_FILE: &str = "pestle.db";

/// What a backup holds, written beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// This file's format.
    pub format: u32,
    pub pestle_version: String,
    /// "sqlite" or "postgres": a backup restores into the same kind of database.
    pub backend: String,
    /// When the copy was taken (RFC 3339, UTC).
    pub made_at: String,
    /// The data file in the folder.
    pub file: String,
    pub inventory: Inventory,
}

impl Manifest {
    pub fn read(folder: &Path) -> anyhow::Result<Self> {
        let path = folder.join(MANIFEST);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read the backup's manifest", path.display()))?;
        serde_json::from_str(&text)
            .with_context(|| format!("{}: not a pestle backup manifest", path.display()))
    }

    /// Unix seconds of `made_at`.
    pub fn made_at_seconds(&self) -> Option<i64> {
        self.made_at
            .parse::<jiff::Timestamp>()
            .ok()
            .map(|t| t.as_second())
    }
}

/// Takes a backup of `database_url` into the new folder `out`.
pub async fn take(database_url: &str, out: &Path) -> anyhow::Result<Manifest> {
    if out.exists() {
        let empty = std::fs::read_dir(out)
            .with_context(|| format!("{}: cannot read the folder", out.display()))?
            .next()
            .is_none();
        ensure!(
            empty,
            "{}: the backup folder exists and is not empty",
            out.display()
        );
    }
    store::private_folder(out)
        .with_context(|| format!("{}: cannot create the backup folder", out.display()))?;
    let made_at = jiff::Timestamp::now().to_string();
    let (backend, file, inventory) = if database_url.starts_with("sqlite:") {
        let file = out.join(SQLITE_FILE);
        let mut conn = SqliteConnection::connect_with(&sqlite_options(database_url)?).await?;
        sqlx::query("VACUUM INTO $1")
            .bind(file.display().to_string())
            .execute(&mut conn)
            .await
            .with_context(|| format!("{}: cannot write the copy", file.display()))?;
        conn.close().await?;
        private_file(&file)?;
        let inventory = inventory_of_file(&file).await?;
        ("sqlite", SQLITE_FILE, inventory)
    } else {
        let inventory = postgres::dump(database_url, &out.join(postgres::FILE)).await?;
        ("postgres", postgres::FILE, inventory)
    };
    let manifest = Manifest {
        format: 1,
        pestle_version: env!("CARGO_PKG_VERSION").to_owned(),
        backend: backend.to_owned(),
        made_at,
        file: file.to_owned(),
        inventory,
    };
    let text = serde_json::to_string_pretty(&manifest)?;
    std::fs::write(out.join(MANIFEST), text + "\n")
        .with_context(|| format!("{}: cannot write the manifest", out.display()))?;
    Ok(manifest)
}

/// What `restore` did.
#[derive(Debug)]
pub struct Restored {
    pub manifest: Manifest,
    pub inventory: Inventory,
}

/// Restores the backup folder `from` into `database_url`, which must hold no requests, accounts
/// or audit lines unless `force`. `key_ids` are the data keys configured here: a backup whose
/// sealed records need others is refused before anything is touched.
pub async fn restore(
    database_url: &str,
    from: &Path,
    key_ids: &[String],
    force: bool,
) -> anyhow::Result<Restored> {
    let manifest = Manifest::read(from)?;
    let backend = if database_url.starts_with("sqlite:") {
        "sqlite"
    } else {
        "postgres"
    };
    ensure!(
        manifest.backend == backend,
        "{}: a {} backup cannot be restored into a {backend} database",
        from.display(),
        manifest.backend
    );
    missing_keys(&manifest.inventory.key_ids, key_ids)?;
    let data = from.join(&manifest.file);
    ensure!(
        data.is_file(),
        "{}: the backup's data file is missing",
        data.display()
    );
    let target = store::connect(database_url).await?;
    let schema = target.schema().await?;
    if !schema.applied.is_empty() && target.inventory().await?.holds_records() && !force {
        bail!(
            "the database already holds requests, accounts or audit lines: restoring would \
             replace them. Restore into an empty database, or add --force"
        );
    }
    target.close().await;
    if backend == "sqlite" {
        check_integrity(&data).await?;
        replace_sqlite(database_url, &data)?;
    } else {
        postgres::restore(database_url, &data).await?;
    }
    let restored = store::connect(database_url).await?;
    restored
        .migrate()
        .await
        .context("cannot migrate the restored database")?;
    let inventory = restored.inventory().await?;
    restored.close().await;
    missing_keys(&inventory.key_ids, key_ids)?;
    Ok(Restored {
        manifest,
        inventory,
    })
}

/// Refuses when records need keys that are not configured, naming them.
fn missing_keys(needed: &[String], present: &[String]) -> anyhow::Result<()> {
    let missing: Vec<&str> = needed
        .iter()
        .filter(|id| !present.contains(id))
        .map(String::as_str)
        .collect();
    ensure!(
        missing.is_empty(),
        "sealed records in this backup need the data key(s) {} that data_key_file (or \
         data_key) does not hold: put back the key file saved with `pestle backup --keys`",
        missing.join(", ")
    );
    Ok(())
}

fn sqlite_options(url: &str) -> anyhow::Result<SqliteConnectOptions> {
    SqliteConnectOptions::from_str(url).context("database_url: not a SQLite URL")
}

async fn inventory_of_file(file: &Path) -> anyhow::Result<Inventory> {
    let copy = store::connect(&format!("sqlite://{}", file.display())).await?;
    let inventory = copy.inventory().await;
    copy.close().await;
    Ok(inventory?)
}

async fn check_integrity(file: &Path) -> anyhow::Result<()> {
    let options = SqliteConnectOptions::new().filename(file).read_only(true);
    let mut conn = SqliteConnection::connect_with(&options).await?;
    let (verdict,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await?;
    conn.close().await?;
    ensure!(
        verdict == "ok",
        "{}: the copy is damaged: {verdict}",
        file.display()
    );
    Ok(())
}

/// Puts the copy in place of the database file: written beside it, then renamed over it, the
/// old journal files removed (pestle must not be running on it).
fn replace_sqlite(database_url: &str, copy: &Path) -> anyhow::Result<()> {
    let options = sqlite_options(database_url)?;
    let path: PathBuf = options.get_filename().to_path_buf();
    let staging = path.with_extension("restoring");
    std::fs::copy(copy, &staging)
        .with_context(|| format!("{}: cannot write", staging.display()))?;
    private_file(&staging)?;
    std::fs::File::open(&staging)?.sync_all()?;
    for suffix in ["-wal", "-shm"] {
        let journal = PathBuf::from(format!("{}{suffix}", path.display()));
        if journal.exists() {
            std::fs::remove_file(&journal)
                .with_context(|| format!("{}: cannot remove", journal.display()))?;
        }
    }
    std::fs::rename(&staging, &path)
        .with_context(|| format!("{}: cannot replace", path.display()))?;
    Ok(())
}

#[cfg(unix)]
fn private_file(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("{}: cannot make it private", path.display()))
}

#[cfg(not(unix))]
fn private_file(_path: &Path) -> anyhow::Result<()> {
    Ok(())
}
