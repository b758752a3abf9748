//! Typed settings. Each layer overrides the one before: built-in defaults, then `pestle.toml`
//! (or the file named by `--config`), then `PESTLE_…` environment variables, then command-line
//! flags. `docs/CONFIGURATION.md` repeats these doc comments: keep the two in step. Settings
//! only: the services they configure are built from them where they are used
//! (`Application::build`).

mod duration;
mod keys;
mod list;
mod proxies;
#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use figment::Figment;
use figment::providers::{Env, Format, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

pub use duration::parse as parse_duration;
pub use proxies::{Cidr, TrustedProxies};

/// The file read when `--config` is not given, if it exists in the working directory.
pub const DEFAULT_CONFIG_FILE: &str = "pestle.toml";

/// Every setting, with its default. Unknown keys in `pestle.toml` are errors (likely typos).
/// Each field is also read from `PESTLE_<FIELD>`: the list of variables is taken from this
/// struct (`keys`), so a new field cannot miss its variable. Durations are written with their
/// unit (`"30m"`, `"12h"`, `"5s"`, `"180d"`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Where pestle keeps its data: `sqlite://PATH` (created with its folder if missing) or
    /// `postgres://USER:PASSWORD@HOST:PORT/DATABASE`. Env: `PESTLE_DATABASE_URL`.
    /// Default: `sqlite://pestle-data/pestle.db`.
    #[serde(default = "default_database_url")]
    pub database_url: SecretString,

    /// The address `pestle serve` listens on; port 0 picks a free port (the bound address is
    /// logged). Env: `PESTLE_BIND`. Default: `127.0.0.1:8080`.
    #[serde(default = "default_bind")]
    pub bind: SocketAddr,

    /// Load the sample content pack built into the binary when `serve` starts on a database
    /// that has no content yet. Env: `PESTLE_SAMPLE_CONTENT`. Default: `true`.
    #[serde(default = "default_true")]
    pub sample_content: bool,

    /// How often each instance checks whether content changed (another instance or
    /// `pestle import` may have changed it) and reloads its in-memory copy.
    /// Env: `PESTLE_CONTENT_REFRESH_EVERY`. Default: `"5s"`.
    #[serde(
        default = "default_refresh",
        deserialize_with = "duration::deserialize"
    )]
    pub content_refresh_every: Duration,

    /// On SIGTERM or Ctrl-C, how long requests in flight may take to finish before the server
    /// stops anyway. Env: `PESTLE_SHUTDOWN_TIMEOUT`. Default: `"30s"`.
    #[serde(default = "default_grace", deserialize_with = "duration::deserialize")]
    pub shutdown_timeout: Duration,

    /// Log filter in `RUST_LOG` syntax, e.g. `info` or `pestle=debug,tower_http=info`.
    /// Env: `PESTLE_LOG`. Default: `info`.
    #[serde(default = "default_log")]
    pub log: String,

    /// The address patients reach the site at, used for canonical links, the sitemap and Open
    /// Graph tags. Forms are accepted only when posted from this origin (scheme, host and port
    /// exactly) or from `http://` at the bound address, for local use.
    /// Env: `PESTLE_PUBLIC_URL`. Default: `http://localhost:8080`.
    #[serde(default = "default_public_url")]
    pub public_url: url::Url,

    /// Send `Strict-Transport-Security` (one year, subdomains). Unset means: on when
    /// `public_url` is `https://` or pestle serves HTTPS itself, off otherwise (HSTS over plain HTTP would be ignored, and on
    /// localhost it would pin the browser to HTTPS). Env: `PESTLE_HSTS`. Default: unset.
    #[serde(default)]
    pub hsts: Option<bool>,

    /// An SVG or PNG file shown as the pharmacy's logo instead of the built-in mark.
    /// Env: `PESTLE_LOGO_FILE`. Default: unset.
    #[serde(default)]
    pub logo_file: Option<std::path::PathBuf>,

    /// A CSS file appended after the built-in stylesheet, for a pharmacy's own touches.
    /// Env: `PESTLE_EXTRA_CSS_FILE`. Default: unset.
    #[serde(default)]
    pub extra_css_file: Option<std::path::PathBuf>,

    /// The file holding the data keys that seal patient requests (`<id> <64 hex digits>` per
    /// line; the first seals). Created with mode 0600 on first start when missing. Back it up
    /// apart from the database. Env: `PESTLE_DATA_KEY_FILE`. Default: `pestle-data/data.key`.
    #[serde(default = "default_data_key_file")]
    pub data_key_file: std::path::PathBuf,

    /// The data keys themselves, instead of the file (same format, entries separated by `;`),
    /// e.g. from a secrets manager. Never logged. Env: `PESTLE_DATA_KEY`. Default: unset.
    #[serde(default)]
    pub data_key: Option<SecretString>,

    /// The mail server staff notifications and patients' e-mails go through: `smtps://[USER:PASSWORD@]HOST[:465]`
    /// (TLS), `smtp://[USER:PASSWORD@]HOST[:587]?tls=starttls` (STARTTLS, required), or
    /// `smtp://HOST[:25]` (plain, for a relay on the pharmacy's own network). Never logged.
    /// Without it and `notify_email_to`, e-mail notifications wait in the outbox.
    /// Env: `PESTLE_SMTP_URL`. Default: unset.
    #[serde(default)]
    pub smtp_url: Option<SecretString>,

    /// Who receives staff notifications (the pharmacy team's address).
    /// Env: `PESTLE_NOTIFY_EMAIL_TO`. Default: unset.
    #[serde(default)]
    pub notify_email_to: Option<String>,

    /// The sender of staff notifications. Env: `PESTLE_NOTIFY_EMAIL_FROM`.
    /// Default: `pestle@localhost`.
    #[serde(default = "default_from")]
    pub notify_email_from: String,

    /// A webhook that also receives every staff notification, as a JSON `POST` (`https://`
    /// only, or `http://` to this machine). It may hold a token, so it is never logged.
    /// Env: `PESTLE_NOTIFY_WEBHOOK_URL`. Default: unset.
    #[serde(default)]
    pub notify_webhook_url: Option<SecretString>,

    /// The text-message provider's API base: Twilio's, or a compatible provider's that speaks
    /// the same Messages API (`POST {base}/2010-04-01/Accounts/{sid}/Messages.json`). `https://`
    /// only (`http://` to this machine). Env: `PESTLE_SMS_API_URL`.
    /// Default: `https://api.twilio.com`.
    #[serde(default = "default_sms_api_url")]
    pub sms_api_url: url::Url,

    /// The provider account's id (Twilio's `AC…` Account SID). With `sms_auth_token` and
    /// `sms_from`, patients may ask for a text when their request is ready.
    /// Env: `PESTLE_SMS_ACCOUNT_SID`. Default: unset (no texts offered).
    #[serde(default)]
    pub sms_account_sid: Option<String>,

    /// The provider's auth token: the API's password, and the key its calls back to
    /// `/sms/inbound` (STOP and START replies) are signed with. Never logged.
    /// Env: `PESTLE_SMS_AUTH_TOKEN`. Default: unset.
    #[serde(default)]
    pub sms_auth_token: Option<SecretString>,

    /// Who texts come from: the pharmacy's number (`+13105550100`) or a messaging service id
    /// (`MG…`). Env: `PESTLE_SMS_FROM`. Default: unset.
    #[serde(default, deserialize_with = "sender")]
    pub sms_from: Option<String>,

    /// Reverse proxies allowed to say who the client is (`Forwarded`, `X-Forwarded-For`): address
    /// ranges, `["10.0.0.0/8", "::1"]`, or one string with commas. Only a connection from one of
    /// them is believed, and the client is the rightmost address that is not one of them; any
    /// other connection's headers are ignored. Env: `PESTLE_TRUSTED_PROXIES`. Default: none
    /// (the connecting address is the client — right when nothing sits in front of pestle).
    #[serde(default)]
    pub trusted_proxies: TrustedProxies,

    /// Request-form submissions allowed per client address per hour (all usable at once);
    /// more get `429` with `Retry-After`. Env: `PESTLE_REQUEST_LIMIT_PER_HOUR`. Default: `10`.
    #[serde(default = "default_request_limit")]
    pub request_limit_per_hour: u32,

    /// Content API calls (`/api/v1/…`, `/connect/service`) allowed per client address per hour
    /// (all usable at once); more get `429` with `Retry-After` and a JSON error.
    /// Env: `PESTLE_API_LIMIT_PER_HOUR`. Default: `3600`.
    #[serde(default = "default_api_limit")]
    pub api_limit_per_hour: u32,

    /// Staff sign-out after this long without activity.
    /// Env: `PESTLE_STAFF_IDLE_TIMEOUT`. Default: `"30m"`.
    #[serde(
        default = "default_staff_idle",
        deserialize_with = "duration::deserialize"
    )]
    pub staff_idle_timeout: Duration,

    /// Staff sign-out this long after signing in, active or not.
    /// Env: `PESTLE_STAFF_SESSION_TIMEOUT`. Default: `"12h"`.
    #[serde(
        default = "default_staff_session",
        deserialize_with = "duration::deserialize"
    )]
    pub staff_session_timeout: Duration,

    /// Sign-in attempts allowed per client address per hour (on top of the per-account delays).
    /// Env: `PESTLE_SIGN_IN_LIMIT_PER_HOUR`. Default: `30`.
    #[serde(default = "default_sign_in_limit")]
    pub sign_in_limit_per_hour: u32,

    /// A new request untouched for this long *of its location's opening hours* is highlighted
    /// in the inbox and staff are reminded once.
    /// Env: `PESTLE_REQUEST_OVERDUE_AFTER`. Default: `"2h"`.
    #[serde(
        default = "default_overdue",
        deserialize_with = "duration::deserialize"
    )]
    pub request_overdue_after: Duration,

    /// How long after a request is closed (done or cannot fill) its sealed contents are purged;
    /// its metadata and the audit trail stay. Env: `PESTLE_REQUEST_PURGE_AFTER`.
    /// Default: `"180d"`.
    #[serde(
        default = "default_retention",
        deserialize_with = "duration::deserialize"
    )]
    pub request_purge_after: Duration,

    /// How often reminders and purges run.
    /// Env: `PESTLE_HOUSEKEEPING_EVERY`. Default: `"1m"`.
    #[serde(
        default = "default_housekeeping",
        deserialize_with = "duration::deserialize"
    )]
    pub housekeeping_every: Duration,

    /// A PEM certificate chain to serve HTTPS with (with `tls_key_file`), HTTP/2 by ALPN.
    /// Reloaded on SIGHUP and when the file changes, without dropping connections.
    /// Env: `PESTLE_TLS_CERT_FILE`. Default: unset (plain HTTP, or ACME).
    #[serde(default)]
    pub tls_cert_file: Option<std::path::PathBuf>,

    /// The PEM private key of `tls_cert_file`. Env: `PESTLE_TLS_KEY_FILE`. Default: unset.
    #[serde(default)]
    pub tls_key_file: Option<std::path::PathBuf>,

    /// Domains to obtain a certificate for from an ACME CA and serve HTTPS with, e.g.
    /// `["pharmacy.example"]`. The CA checks the domain by connecting to it on port 443
    /// (TLS-ALPN-01), so `bind` must be reachable there. Env: `PESTLE_ACME_DOMAINS`.
    /// Default: none.
    #[serde(default, deserialize_with = "list::deserialize")]
    pub acme_domains: Vec<String>,

    /// E-mail addresses the CA may write to about the certificates (expiry, revocation).
    /// Env: `PESTLE_ACME_CONTACT`. Default: none.
    #[serde(default, deserialize_with = "list::deserialize")]
    pub acme_contact: Vec<String>,

    /// The ACME directory. Env: `PESTLE_ACME_DIRECTORY_URL`.
    /// Default: Let's Encrypt, `https://acme-v02.api.letsencrypt.org/directory`.
    #[serde(default = "default_acme_directory")]
    pub acme_directory_url: url::Url,

    /// A PEM CA certificate to trust for the ACME directory besides the system's (a private CA,
    /// or Pebble in tests). Env: `PESTLE_ACME_CA_FILE`. Default: unset.
    #[serde(default)]
    pub acme_ca_file: Option<std::path::PathBuf>,

    /// Where the ACME account key and certificates are kept (created 0700).
    /// Env: `PESTLE_ACME_CACHE_DIR`. Default: `pestle-data/acme`.
    #[serde(default = "default_acme_cache")]
    pub acme_cache_dir: std::path::PathBuf,

    /// A plain-HTTP address that only redirects to `public_url` (e.g. `0.0.0.0:80`, beside
    /// HTTPS on `bind`). Env: `PESTLE_HTTP_REDIRECT_BIND`. Default: unset.
    #[serde(default)]
    pub http_redirect_bind: Option<SocketAddr>,

    /// An address serving only `/metrics` (Prometheus text format), e.g. `127.0.0.1:9090`.
    /// Env: `PESTLE_METRICS_BIND`. Default: unset.
    #[serde(default)]
    pub metrics_bind: Option<SocketAddr>,

    /// A bearer token that opens `/metrics` on the main address (`Authorization: Bearer …`).
    /// Without it (and without `metrics_bind`) there is no `/metrics`. Never logged.
    /// Env: `PESTLE_METRICS_TOKEN`. Default: unset.
    #[serde(default)]
    pub metrics_token: Option<SecretString>,

    /// Where scheduled backups are written (see `pestle backup`); unset means none are made.
    /// Env: `PESTLE_BACKUP_DIR`. Default: unset.
    #[serde(default)]
    pub backup_dir: Option<std::path::PathBuf>,

    /// How often a scheduled backup is made (one instance makes it).
    /// Env: `PESTLE_BACKUP_EVERY`. Default: `"1d"`.
    #[serde(
        default = "default_backup_every",
        deserialize_with = "duration::deserialize"
    )]
    pub backup_every: Duration,

    /// How many scheduled backups are kept; older ones are deleted.
    /// Env: `PESTLE_BACKUP_KEEP`. Default: `14`.
    #[serde(default = "default_backup_keep")]
    pub backup_keep: u32,

    /// The most connections open at once; past it the one idle the longest is closed for the
    /// new one. Env: `PESTLE_MAX_CONNECTIONS`. Default: what the open-file limit allows (raised
    /// to its hard limit at start), less a reserve.
    #[serde(default)]
    pub max_connections: Option<usize>,

    /// The most connections open at once from one client address (trusted proxies are exempt);
    /// more are closed as they arrive. Env: `PESTLE_MAX_CONNECTIONS_PER_ADDRESS`. Default: `256`.
    #[serde(default = "default_per_address")]
    pub max_connections_per_address: usize,

    /// A connection with no byte read or written for this long is closed (idle keep-alive and
    /// HTTP/2 connections, clients that stopped reading). Env: `PESTLE_CONNECTION_IDLE_TIMEOUT`.
    /// Default: `"30s"`.
    #[serde(
        default = "default_connection_idle",
        deserialize_with = "duration::deserialize"
    )]
    pub connection_idle_timeout: Duration,

    /// A request must be read and answered within this time, or gets `408` (a body trickled a
    /// byte at a time). Env: `PESTLE_REQUEST_TIMEOUT`. Default: `"30s"`.
    #[serde(
        default = "default_request_timeout",
        deserialize_with = "duration::deserialize"
    )]
    pub request_timeout: Duration,

    /// `text` for people, `json` (one object per line) for log collectors.
    /// Env: `PESTLE_LOG_FORMAT`. Default: `text`.
    #[serde(default)]
    pub log_format: LogFormat,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

impl Settings {
    /// Whether responses carry HSTS: as set, else whenever the site is HTTPS (its public
    /// address, or pestle serving TLS itself).
    pub fn hsts_enabled(&self) -> bool {
        self.hsts
            .unwrap_or(self.public_url.scheme() == "https" || self.serves_tls())
    }

    /// Whether pestle terminates TLS itself (certificate files or ACME).
    pub fn serves_tls(&self) -> bool {
        self.tls_cert_file.is_some() || !self.acme_domains.is_empty()
    }
}

fn default_database_url() -> SecretString {
    SecretString::from("sqlite://pestle-data/pestle.db")
}
fn default_bind() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8080))
}
fn default_true() -> bool {
    true
}
fn default_refresh() -> Duration {
    Duration::from_secs(5)
}
fn default_grace() -> Duration {
    Duration::from_secs(30)
}
fn default_public_url() -> url::Url {
    url::Url::parse("http://localhost:8080/").unwrap_or_else(|_| unreachable!())
}
fn default_staff_idle() -> Duration {
    Duration::from_secs(30 * 60)
}
fn default_staff_session() -> Duration {
    Duration::from_secs(12 * 3600)
}
fn default_sign_in_limit() -> u32 {
    30
}
fn default_overdue() -> Duration {
    Duration::from_secs(2 * 3600)
}
fn default_retention() -> Duration {
    Duration::from_secs(180 * 86_400)
}
fn default_housekeeping() -> Duration {
    Duration::from_secs(60)
}
fn default_request_limit() -> u32 {
    10
}
/// `sms_from` as written: `PESTLE_SMS_FROM=+13105550100` reaches serde as the number
/// 13105550100 (the environment's values are read like TOML), which is the same sender.
fn sender<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Written {
        Text(String),
        Number(u64),
    }
    Ok(
        Option::<Written>::deserialize(deserializer)?.map(|written| match written {
            Written::Text(text) => text,
            Written::Number(number) => format!("+{number}"),
        }),
    )
}

fn default_api_limit() -> u32 {
    3600
}

fn default_sms_api_url() -> url::Url {
    url::Url::parse("https://api.twilio.com/").unwrap_or_else(|_| unreachable!("a valid URL"))
}
fn default_from() -> String {
    "pestle@localhost".to_owned()
}
fn default_data_key_file() -> std::path::PathBuf {
    std::path::PathBuf::from("pestle-data/data.key")
}
fn default_acme_directory() -> url::Url {
    url::Url::parse("https://acme-v02.api.letsencrypt.org/directory")
        .unwrap_or_else(|_| unreachable!())
}
fn default_acme_cache() -> std::path::PathBuf {
    std::path::PathBuf::from("pestle-data/acme")
}
fn default_backup_every() -> Duration {
    Duration::from_secs(86_400)
}
fn default_backup_keep() -> u32 {
    14
}
fn default_per_address() -> usize {
    256
}
fn default_connection_idle() -> Duration {
    Duration::from_secs(30)
}
fn default_request_timeout() -> Duration {
    Duration::from_secs(30)
}
fn default_log() -> String {
    "info".to_owned()
}

/// Settings given on the command line; they override every other layer.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub database_url: Option<String>,
    pub bind: Option<SocketAddr>,
}

impl Settings {
    /// Reads the layers. `config` names a file that must exist; without it `pestle.toml` is
    /// read when present.
    pub fn load(config: Option<&Path>, overrides: &Overrides) -> anyhow::Result<Self> {
        let mut figment = Figment::new();
        match config {
            Some(path) => {
                anyhow::ensure!(
                    path.is_file(),
                    "config file {} does not exist",
                    path.display()
                );
                figment = figment.merge(Toml::file_exact(path));
            }
            None if Path::new(DEFAULT_CONFIG_FILE).is_file() => {
                figment = figment.merge(Toml::file_exact(DEFAULT_CONFIG_FILE));
            }
            None => {}
        }
        // Only the settings' own variables: others, such as `PESTLE_TEST_…`, are not settings
        // and must not trip the unknown-key check.
        figment = figment.merge(Env::prefixed("PESTLE_").only(keys::of_settings()));
        if let Some(url) = &overrides.database_url {
            figment = figment.merge(("database_url", url));
        }
        if let Some(bind) = &overrides.bind {
            figment = figment.merge(("bind", bind.to_string()));
        }
        figment.extract().context("invalid configuration")
    }

    /// The database URL (it may hold a password: never log it).
    pub fn database_url(&self) -> &str {
        self.database_url.expose_secret()
    }
}
