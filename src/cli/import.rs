//! `pestle import DIR [--prune]`: check the folder, then load it in one transaction.

use std::path::Path;
use std::process::ExitCode;

use crate::config::Settings;
use crate::store::{self, ImportMode};

pub async fn run(settings: &Settings, dir: &Path, prune: bool) -> anyhow::Result<ExitCode> {
    // Check first: a folder with any problem changes nothing in the database.
    let pack = match super::check::load(dir) {
        Ok(pack) => pack,
        Err(message) => {
            eprintln!("{message}\nnothing was imported");
            return Ok(ExitCode::FAILURE);
        }
    };
    let store = store::connect(settings.database_url()).await?;
    store.migrate().await?;
    let mode = if prune {
        ImportMode::Prune
    } else {
        ImportMode::Keep
    };
    let report = store.import(&pack, mode).await?;
    store.close().await;
    println!("imported {}: {report}", super::folder_label(dir));
    Ok(ExitCode::SUCCESS)
}
