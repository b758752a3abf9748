//! The command line: one clap enum, one module per subcommand. `main.rs` only calls `run`.

mod backup;
mod check;
mod doctor;
mod export;
mod import;
mod migrate;
mod serve;
mod user;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{LogFormat, Overrides, Settings};

/// pestle — the website and patient-request platform for independent and compounding pharmacies.
#[derive(Debug, Parser)]
#[command(name = "pestle", version, about)]
pub struct Cli {
    /// Settings file (TOML). Without it, ./pestle.toml is read when present.
    #[arg(long, global = true, env = "PESTLE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB [env: PESTLE_DATABASE_URL]
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (applies migrations; loads the sample content into an empty database).
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080; port 0 picks a free port [env: PESTLE_BIND]
        #[arg(long, value_name = "ADDR")]
        bind: Option<SocketAddr>,
    },
    /// Check a content folder and load it into the database in one transaction.
    Import {
        /// The content folder (with site.toml, conditions/, medications/, testimonials/).
        dir: PathBuf,
        /// Also remove entries that are in the database but not in the folder.
        #[arg(long)]
        prune: bool,
    },
    /// Write the database's content to a folder, in the format `import` reads.
    Export {
        /// The folder to write (created if missing; entry files not in the database are removed).
        dir: PathBuf,
    },
    /// Check a content folder without touching the database. Exit status 1 when it has errors
    /// (or, with --strict, warnings).
    Check {
        /// The content folder.
        dir: PathBuf,
        /// Treat warnings (likely misspelled drug names, hard reading, copies of commercial
        /// products, missing warning signs, reviews due) as errors.
        #[arg(long)]
        strict: bool,
        /// Also print each condition page's reading grade.
        #[arg(long)]
        report: bool,
    },
    /// Apply database migrations.
    Migrate {
        /// List the migrations that would run, and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Write a consistent backup of the database (while the server runs) into a new folder,
    /// with a manifest. The data keys are not in it: take them with --keys.
    Backup {
        /// The folder to create (or an empty one); with --keys, the key file to write.
        out: std::path::PathBuf,
        /// Write the data keys to OUT instead (mode 0600). Keep that file apart from backups.
        #[arg(long)]
        keys: bool,
    },
    /// Restore a backup folder into the database (stop pestle first). Refuses a database that
    /// holds requests, accounts or audit lines unless --force; checks the data keys it needs.
    Restore {
        /// The backup folder (with manifest.json).
        from: std::path::PathBuf,
        /// Replace what the database holds.
        #[arg(long)]
        force: bool,
    },
    /// Check this configuration for production: HTTPS and the certificate, the data key file
    /// and a saved copy of it, the database, notifications, backups, free disk. Exit status 1
    /// when a finding is serious.
    Doctor,
    /// Staff accounts: add, disable, list.
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a staff account. Prompts for the password on a terminal; otherwise (or with
    /// --setup-link) prints a one-time link for the colleague to set their own.
    Add {
        /// Their e-mail address (the sign-in name).
        email: String,
        /// admin (everything), pharmacist (requests, content and reviews) or staff (requests).
        #[arg(long)]
        role: String,
        /// Read the password from the first line of stdin.
        #[arg(long, conflicts_with = "setup_link")]
        password_stdin: bool,
        /// Print a one-time setup link instead of asking for a password.
        #[arg(long)]
        setup_link: bool,
    },
    /// Disable an account: it can no longer sign in, and its sessions end at once.
    Disable { email: String },
    /// List accounts: e-mail, role, two-factor, state.
    List,
}

/// Parses the command line and runs the command; the process exit code comes back.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let overrides = Overrides {
        database_url: cli.database_url.clone(),
        bind: match &cli.command {
            Command::Serve { bind } => *bind,
            _ => None,
        },
    };
    // `check` needs no settings at all: it must work in a bare content repository.
    if let Command::Check {
        dir,
        strict,
        report,
    } = &cli.command
    {
        init_logging("warn", LogFormat::Text);
        return check::run(dir, *strict, *report);
    }
    let settings = match Settings::load(cli.config.as_deref(), &overrides) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("error: {error:#}");
            return ExitCode::FAILURE;
        }
    };
    init_logging(&settings.log, settings.log_format);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve { .. } => serve::run(&settings).await,
            Command::Import { dir, prune } => import::run(&settings, &dir, prune).await,
            Command::Export { dir } => export::run(&settings, &dir).await,
            Command::Migrate { dry_run } => migrate::run(&settings, dry_run).await,
            Command::Doctor => doctor::run(&settings).await,
            Command::Backup { out, keys } => backup::take(&settings, &out, keys).await,
            Command::Restore { from, force } => backup::restore(&settings, &from, force).await,
            Command::User(UserCommand::Add {
                email,
                role,
                password_stdin,
                setup_link,
            }) => {
                let from = match (password_stdin, setup_link) {
                    (true, _) => user::PasswordFrom::Stdin,
                    (_, true) => user::PasswordFrom::SetupLink,
                    _ => user::PasswordFrom::Default,
                };
                user::add(&settings, &email, &role, from).await
            }
            Command::User(UserCommand::Disable { email }) => user::disable(&settings, &email).await,
            Command::User(UserCommand::List) => user::list(&settings).await,
            Command::Check { .. } => Ok(ExitCode::SUCCESS),
        }
    });
    result.unwrap_or_else(|error| {
        eprintln!("error: {error:#}");
        ExitCode::FAILURE
    })
}

/// Libraries whose debug and trace events can print a request's path as sent (h2 logs a
/// malformed `:path`; axum echoes rejected input): search words and setup-link tokens.
const QUIET_BELOW_INFO: [&str; 4] = ["h2", "hyper", "hyper_util", "axum::rejection"];

fn init_logging(filter: &str, format: LogFormat) {
    use tracing_subscriber::prelude::*;
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // A second filter that every event must also pass: no `log` setting, however verbose or
    // specific (`h2::codec=trace`), turns those libraries' chatter back on.
    let registry = tracing_subscriber::registry()
        .with(filter)
        .with(quiet_dependencies());
    let lines = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => registry.with(lines).try_init(),
        LogFormat::Json => registry.with(lines.json()).try_init(),
    };
}

/// Everything passes except `QUIET_BELOW_INFO` below info.
fn quiet_dependencies() -> tracing_subscriber::filter::Targets {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    QUIET_BELOW_INFO.into_iter().fold(
        Targets::new().with_default(LevelFilter::TRACE),
        |targets, target| targets.with_target(target, LevelFilter::INFO),
    )
}

/// How a command names the folder it was given in problems: as typed, without a trailing `/`.
fn folder_label(dir: &std::path::Path) -> String {
    let shown = dir.display().to_string();
    let trimmed = shown.trim_end_matches('/');
    if trimmed.is_empty() {
        shown
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }

    #[test]
    fn http_libraries_never_log_below_info_whatever_the_setting() {
        use tracing::Level;
        let quiet = super::quiet_dependencies();
        for target in [
            "h2",
            "h2::server",
            "hyper::proto::h1",
            "hyper_util",
            "axum::rejection",
        ] {
            assert!(!quiet.would_enable(target, &Level::DEBUG), "{target}");
            assert!(quiet.would_enable(target, &Level::INFO), "{target}");
        }
        for target in [
            "pestle::web",
            "tower_http::trace::on_response",
            "sqlx::query",
        ] {
            assert!(quiet.would_enable(target, &Level::TRACE), "{target}");
        }
    }
}
