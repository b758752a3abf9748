//! `pestle doctor`: checks a configuration for production and prints each finding with what to
//! do. Exit status 1 when any finding is serious (patients or their data at risk now); warnings
//! are printed but do not fail.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use crate::config::Settings;
use crate::staff::audit::{Actor, Entry};
use crate::store::{self, AuditFilter, Store};

/// The audit action `pestle backup --keys` records: doctor looks for it.
pub const KEYS_EXPORTED: &str = "keys.exported";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Ok,
    Warning,
    Serious,
}

struct Finding {
    level: Level,
    what: String,
    todo: String,
}

#[derive(Default)]
struct Report(Vec<Finding>);

impl Report {
    fn add(&mut self, level: Level, what: impl Into<String>, todo: impl Into<String>) {
        self.0.push(Finding {
            level,
            what: what.into(),
            todo: todo.into(),
        });
    }

    fn ok(&mut self, what: impl Into<String>) {
        self.add(Level::Ok, what, "");
    }
}

pub async fn run(settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut report = Report::default();
    https(settings, &mut report);
    data_keys(settings, &mut report);
    match store::connect(settings.database_url()).await {
        Ok(store) => {
            database(store.as_ref(), &mut report).await;
            key_backup(store.as_ref(), &mut report).await;
            store.close().await;
        }
        Err(error) => report.add(
            Level::Serious,
            format!("database_url: cannot open the database ({error})"),
            "check the URL, that the server runs and that this user may connect",
        ),
    }
    notifications(settings, &mut report).await;
    backups(settings, &mut report);
    disk(settings, &mut report);
    for finding in &report.0 {
        let mark = match finding.level {
            Level::Ok => "ok     ",
            Level::Warning => "warning",
            Level::Serious => "SERIOUS",
        };
        println!("{mark}  {}", finding.what);
        if !finding.todo.is_empty() {
            println!("         → {}", finding.todo);
        }
    }
    let serious = report
        .0
        .iter()
        .filter(|f| f.level == Level::Serious)
        .count();
    let warnings = report
        .0
        .iter()
        .filter(|f| f.level == Level::Warning)
        .count();
    println!("{serious} serious, {warnings} warning(s)");
    Ok(if serious > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn https(settings: &Settings, report: &mut Report) {
    if settings.public_url.scheme() == "https" {
        report.ok(format!("public_url is HTTPS ({})", settings.public_url));
    } else {
        report.add(
            Level::Serious,
            format!(
                "public_url is {} — patients' requests would travel unencrypted",
                settings.public_url
            ),
            "set public_url to the https:// address, with acme_domains or tls_cert_file",
        );
    }
    let expiry = if let Some(cert) = &settings.tls_cert_file {
        Some((
            format!("tls_cert_file {}", cert.display()),
            crate::web::https::file_expiry(cert),
        ))
    } else if !settings.acme_domains.is_empty() {
        let cached = std::fs::read_dir(&settings.acme_cache_dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| {
                path.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("cached_cert_"))
            })
            .filter_map(|path| crate::web::https::file_expiry(&path))
            .max();
        Some((
            format!(
                "the ACME certificate in {}",
                settings.acme_cache_dir.display()
            ),
            cached,
        ))
    } else {
        None
    };
    let now = jiff::Timestamp::now().as_second();
    match expiry {
        None => {}
        Some((what, None)) => report.add(
            Level::Serious,
            format!("{what}: no certificate can be read"),
            "start pestle once so ACME obtains one, or check the certificate file",
        ),
        Some((what, Some(until))) => {
            let days = (until - now) / 86_400;
            if days < 14 {
                report.add(
                    Level::Serious,
                    format!("{what} expires in {days} day(s)"),
                    "renew it now (with ACME: read the log for the failing renewal)",
                );
            } else {
                report.ok(format!("{what} is valid for {days} more days"));
            }
        }
    }
}

fn data_keys(settings: &Settings, report: &mut Report) {
    if settings.data_key.is_some() {
        report.ok("data keys come from data_key (PESTLE_DATA_KEY), not a file");
        return;
    }
    let file = &settings.data_key_file;
    match std::fs::metadata(file) {
        Err(_) => report.add(
            Level::Serious,
            format!("data_key_file {} does not exist", file.display()),
            "start pestle once to create it, or put back the saved key file",
        ),
        Ok(metadata) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = metadata.permissions().mode() & 0o777;
                if mode & 0o077 != 0 {
                    report.add(
                        Level::Serious,
                        format!(
                            "data_key_file {} is mode {mode:o}: others can read it",
                            file.display()
                        ),
                        format!("chmod 600 {}", file.display()),
                    );
                    return;
                }
            }
            let _ = metadata;
            report.ok(format!(
                "data_key_file {} is private (0600)",
                file.display()
            ));
        }
    }
}

async fn database(store: &dyn Store, report: &mut Report) {
    match store.schema().await {
        Ok(schema) if schema.unknown_applied().is_some() => report.add(
            Level::Serious,
            "the database was migrated by a newer pestle",
            "run that release, or restore a backup made before the upgrade",
        ),
        Ok(schema) if !schema.pending().is_empty() => report.add(
            Level::Warning,
            format!("{} migration(s) not applied yet", schema.pending().len()),
            "`pestle serve` applies them at start (`pestle migrate --dry-run` lists them)",
        ),
        Ok(_) => report.ok(format!(
            "the database answers ({}), schema current",
            store.backend()
        )),
        Err(error) => report.add(
            Level::Serious,
            format!("database_url: the database does not answer ({error})"),
            "check that the database server runs",
        ),
    }
}

async fn key_backup(store: &dyn Store, report: &mut Report) {
    let filter = AuditFilter {
        actor: String::new(),
        action: KEYS_EXPORTED.to_owned(),
        subject: String::new(),
        limit: 1,
    };
    match store.audit(&filter).await {
        Ok(entries) if !entries.is_empty() => report.ok("the data keys were saved with `pestle backup --keys`"),
        Ok(_) => report.add(
            Level::Serious,
            "no copy of the data keys was ever made: losing this server loses every request",
            "run `pestle backup --keys FILE` and keep FILE off this server (a safe, a password manager)",
        ),
        Err(_) => {}
    }
}

async fn notifications(settings: &Settings, report: &mut Report) {
    use secrecy::ExposeSecret;
    let mut any = false;
    if let (Some(smtp), Some(_)) = (&settings.smtp_url, &settings.notify_email_to) {
        any = true;
        check_reachable(smtp.expose_secret(), "smtp_url", 25, report).await;
    }
    if let Some(hook) = &settings.notify_webhook_url {
        any = true;
        check_reachable(hook.expose_secret(), "notify_webhook_url", 443, report).await;
    }
    if !any {
        report.add(
            Level::Serious,
            "no notification channel: staff are never told a request arrived",
            "set smtp_url and notify_email_to, or notify_webhook_url",
        );
    }
}

/// Connects to the URL's host and port (never printing the URL: it may hold a password).
async fn check_reachable(url: &str, setting: &str, default_port: u16, report: &mut Report) {
    let Ok(parsed) = url::Url::parse(url) else {
        report.add(
            Level::Serious,
            format!("{setting} is not a URL"),
            "correct it",
        );
        return;
    };
    let host = parsed.host_str().unwrap_or_default().to_owned();
    let port = parsed.port_or_known_default().unwrap_or(default_port);
    let connect = tokio::net::TcpStream::connect((host.as_str(), port));
    match tokio::time::timeout(Duration::from_secs(5), connect).await {
        Ok(Ok(_)) => report.ok(format!("{setting}: {host}:{port} accepts connections")),
        _ => report.add(
            Level::Serious,
            format!("{setting}: cannot reach {host}:{port}"),
            "check the host, the port and the firewall; notifications wait in the outbox meanwhile",
        ),
    }
}

fn backups(settings: &Settings, report: &mut Report) {
    let Some(dir) = &settings.backup_dir else {
        report.add(
            Level::Warning,
            "no backup_dir: no scheduled backups",
            "set backup_dir (and keep copies off this server), or back up by other means",
        );
        return;
    };
    let limit = settings.backup_every.as_secs() as i64 * 2 + 3600;
    match crate::backup::schedule::newest(dir) {
        Some(made) => {
            let age = jiff::Timestamp::now().as_second() - made;
            if age > limit {
                report.add(
                    Level::Serious,
                    format!(
                        "the newest backup in {} is {} hours old",
                        dir.display(),
                        age / 3600
                    ),
                    "read the log for `scheduled backup failed`",
                );
            } else {
                report.ok(format!(
                    "a backup from {} minutes ago is in {}",
                    age / 60,
                    dir.display()
                ));
            }
        }
        None => report.add(
            Level::Serious,
            format!("no backup in {} yet", dir.display()),
            "start pestle (it makes one within a minute) or run `pestle backup`",
        ),
    }
}

/// Free space where the database (or the data folder) lives, from `df`.
fn disk(settings: &Settings, report: &mut Report) {
    let folder = settings
        .data_key_file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Ok(output) = std::process::Command::new("df")
        .arg("-Pk")
        .arg(folder)
        .output()
    else {
        return;
    };
    let text = String::from_utf8_lossy(&output.stdout);
    let Some(free_kib) = text
        .lines()
        .nth(1)
        .and_then(|line| line.split_whitespace().nth(3))
        .and_then(|free| free.parse::<u64>().ok())
    else {
        return;
    };
    let free_mib = free_kib / 1024;
    if free_mib < 1024 {
        report.add(
            Level::Serious,
            format!("only {free_mib} MiB free on the data folder's disk"),
            "free space or grow the disk: a full disk stops requests from being saved",
        );
    } else {
        report.ok(format!(
            "{} GiB free on the data folder's disk",
            free_mib / 1024
        ));
    }
}

/// Records that the data keys were copied out (`pestle backup --keys`).
pub async fn keys_exported(settings: &Settings, to: &Path) -> anyhow::Result<()> {
    let store = store::connect(settings.database_url()).await?;
    store.migrate().await?;
    let detail = to.display().to_string();
    let result = Entry::new(Actor::Cli, KEYS_EXPORTED)
        .detail(&detail)
        .record(store.as_ref(), jiff::Timestamp::now().as_millisecond())
        .await;
    store.close().await;
    Ok(result?)
}
