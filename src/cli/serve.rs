//! `pestle serve`: run the web server until SIGTERM or Ctrl-C.

use std::process::ExitCode;

use crate::config::Settings;
use crate::web::{Application, shutdown_signal};

pub async fn run(settings: &Settings) -> anyhow::Result<ExitCode> {
    let app = Application::build(settings).await?;
    let address = app.local_addr()?;
    // One line with the address actually bound: scripts and tests wait for it.
    tracing::info!(
        backend = app.state().store().backend(),
        "listening on http://{address}"
    );
    app.run_until_stopped(shutdown_signal()).await?;
    Ok(ExitCode::SUCCESS)
}
