//! `pestle migrate`: apply database migrations (`serve` also does this at start).

use std::process::ExitCode;

use crate::config::Settings;
use crate::store;

pub async fn run(settings: &Settings) -> anyhow::Result<ExitCode> {
    let store = store::connect(settings.database_url()).await?;
    store.migrate().await?;
    println!("migrations applied ({})", store.backend());
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
