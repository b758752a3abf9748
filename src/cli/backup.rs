//! `pestle backup` and `pestle restore`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use secrecy::ExposeSecret;

use crate::backup;
use crate::config::Settings;
use crate::requests::DataKeys;

pub async fn take(settings: &Settings, out: &Path, keys: bool) -> anyhow::Result<ExitCode> {
    if keys {
        return write_keys(settings, out).await;
    }
    let manifest = backup::take(settings.database_url(), out).await?;
    println!(
        "backup written to {} ({} database, schema {}, content version {})",
        out.display(),
        manifest.backend,
        manifest.inventory.schema_version,
        manifest.inventory.content_version
    );
    for (table, count) in &manifest.inventory.counts {
        println!("  {table}: {count}");
    }
    if !manifest.inventory.key_ids.is_empty() {
        println!(
            "restoring it needs the data key(s) {}: the key file is not in the backup \
             (`pestle backup --keys FILE` writes it; keep it somewhere else)",
            manifest.inventory.key_ids.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the data keys to `out` (0600, never over an existing file).
async fn write_keys(settings: &Settings, out: &Path) -> anyhow::Result<ExitCode> {
    let text = match &settings.data_key {
        Some(keys) => keys.expose_secret().replace(';', "\n") + "\n",
        None => std::fs::read_to_string(&settings.data_key_file).with_context(|| {
            format!(
                "data_key_file {}: cannot read the data keys",
                settings.data_key_file.display()
            )
        })?,
    };
    // Refuse a file that is not a key file, before writing it anywhere.
    DataKeys::parse(&text).context("the configured data keys")?;
    crate::requests::seal::write_private(out, &text)
        .with_context(|| format!("{}: cannot write the key file", out.display()))?;
    // Audited (and what `pestle doctor` looks for): who copied the keys out, and where to.
    super::doctor::keys_exported(settings, out).await?;
    println!("data keys written to {}", out.display());
    eprintln!(
        "warning: this file unseals every patient request. Store it apart from the database \
         backups (a password manager or a safe), never beside them."
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(settings: &Settings, from: &Path, force: bool) -> anyhow::Result<ExitCode> {
    let keys = DataKeys::from_settings(settings)?;
    let ids: Vec<String> = keys.ids().map(str::to_owned).collect();
    let restored = backup::restore(settings.database_url(), from, &ids, force).await?;
    println!(
        "restored {} (made {} by pestle {}): schema now {}, content version {}",
        from.display(),
        restored.manifest.made_at,
        restored.manifest.pestle_version,
        restored.inventory.schema_version,
        restored.inventory.content_version
    );
    for (table, count) in &restored.inventory.counts {
        println!("  {table}: {count}");
    }
    Ok(ExitCode::SUCCESS)
}
