//! `pestle export DIR`: write the database's content as a content folder.

use std::path::Path;
use std::process::ExitCode;

use crate::config::Settings;
use crate::content::write_folder;
use crate::store;

pub async fn run(settings: &Settings, dir: &Path) -> anyhow::Result<ExitCode> {
    let store = store::connect(settings.database_url()).await?;
    store.migrate().await?;
    let pack = store.load_content().await?;
    store.close().await;
    let Some(pack) = pack else {
        eprintln!("error: the database has no content to export yet");
        return Ok(ExitCode::FAILURE);
    };
    let written = write_folder(&pack, dir)?;
    println!("exported {written} files to {}", super::folder_label(dir));
    Ok(ExitCode::SUCCESS)
}
