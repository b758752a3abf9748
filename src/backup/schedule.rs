//! Scheduled backups (`backup_dir`, `backup_every`, `backup_keep`): every instance looks each
//! minute, and the one that takes the `backup` lease (`Store::claim_job`, held for
//! `backup_every`) makes the backup, so a cluster makes one per period. Folders are named
//! `pestle-<UTC time>`, so their names sort by age; the oldest past `backup_keep` are deleted.
//! The newest backup's time feeds `pestle_backup_newest_age_seconds`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::store::Store;

const PREFIX: &str = "pestle-";
const LOOK_EVERY: Duration = Duration::from_secs(60);

#[derive(Debug, Clone)]
pub struct Schedule {
    pub dir: PathBuf,
    pub every: Duration,
    pub keep: u32,
    pub database_url: String,
}

impl Schedule {
    /// From the settings; the folder is created (0700) and must be writable now, not at the
    /// first backup a day later.
    pub fn from_settings(settings: &crate::config::Settings) -> anyhow::Result<Option<Self>> {
        let Some(dir) = &settings.backup_dir else {
            return Ok(None);
        };
        crate::store::private_folder(dir)
            .with_context(|| format!("backup_dir {}: cannot create it", dir.display()))?;
        let probe = dir.join(".pestle-write-test");
        std::fs::write(&probe, b"")
            .with_context(|| format!("backup_dir {}: not writable", dir.display()))?;
        let _ = std::fs::remove_file(&probe);
        anyhow::ensure!(settings.backup_keep >= 1, "backup_keep must be at least 1");
        crate::metrics::backups_configured();
        Ok(Some(Self {
            dir: dir.clone(),
            every: settings.backup_every.max(Duration::from_secs(60)),
            keep: settings.backup_keep,
            database_url: settings.database_url().to_owned(),
        }))
    }

    pub fn spawn(self, store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                if let Err(error) = self.round(store.as_ref(), clock.as_ref()).await {
                    tracing::error!(error = format!("{error:#}"), dir = %self.dir.display(), "scheduled backup failed");
                }
                tokio::time::sleep(LOOK_EVERY).await;
            }
        })
    }

    /// One look: note the newest backup, make one if this instance gets the lease.
    pub async fn round(&self, store: &dyn Store, clock: &dyn Clock) -> anyhow::Result<bool> {
        if let Some(newest) = newest(&self.dir) {
            crate::metrics::backup_made(newest);
        }
        let now = clock.now_ms();
        let until = now + i64::try_from(self.every.as_millis()).unwrap_or(i64::MAX / 2);
        if !store.claim_job("backup", now, until).await? {
            return Ok(false);
        }
        let name = format!(
            "{PREFIX}{}",
            jiff::Timestamp::from_millisecond(now)?.strftime("%Y%m%dT%H%M%SZ")
        );
        let manifest = super::take(&self.database_url, &self.dir.join(&name)).await?;
        tracing::info!(backup = %name, requests = ?manifest.inventory.counts.first(), "backup made");
        if let Some(made) = manifest.made_at_seconds() {
            crate::metrics::backup_made(made);
        }
        prune(&self.dir, self.keep)?;
        Ok(true)
    }
}

/// The backup folders in `dir`, oldest first.
fn folders(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.is_dir()
                && path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(PREFIX))
        })
        .collect();
    found.sort();
    found
}

/// When the newest complete backup (one with a manifest) was made, in Unix seconds.
pub fn newest(dir: &Path) -> Option<i64> {
    folders(dir)
        .iter()
        .rev()
        .find_map(|folder| super::Manifest::read(folder).ok()?.made_at_seconds())
}

fn prune(dir: &Path, keep: u32) -> anyhow::Result<()> {
    let all = folders(dir);
    let surplus = all.len().saturating_sub(keep as usize);
    for old in &all[..surplus] {
        std::fs::remove_dir_all(old)
            .with_context(|| format!("{}: cannot delete", old.display()))?;
        tracing::info!(backup = %old.display(), "old backup deleted");
    }
    Ok(())
}
