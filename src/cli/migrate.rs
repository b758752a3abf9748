//! `pestle migrate`: apply database migrations (`serve` also does this at start), or with
//! `--dry-run` list the ones that would run.

use std::process::ExitCode;

use crate::config::Settings;
use crate::store;

pub async fn run(settings: &Settings, dry_run: bool) -> anyhow::Result<ExitCode> {
    let store = store::connect(settings.database_url()).await?;
    let schema = store.schema().await?;
    let result = if let Err(newer) = schema.refuse_newer() {
        Err(newer.into())
    } else if dry_run {
        let pending = schema.pending();
        if pending.is_empty() {
            println!(
                "the database is up to date ({} migrations)",
                schema.known.len()
            );
        } else {
            println!("{} migration(s) would run:", pending.len());
            for (version, description) in pending {
                println!("  {version:04} {description}");
            }
        }
        Ok(ExitCode::SUCCESS)
    } else {
        let pending = schema.pending().len();
        store.migrate().await?;
        println!("{pending} migration(s) applied ({})", store.backend());
        Ok(ExitCode::SUCCESS)
    };
    store.close().await;
    result
}
