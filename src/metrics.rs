//! `/metrics` in the Prometheus text format (prometheus-client). Counters live in one
//! process-wide registry — Prometheus scrapes each instance and adds them up, so per-process is
//! the right scope — and gauges that describe the shared database (outbox, overdue requests)
//! are read from the store at scrape time. Label values are only route templates, methods,
//! status codes and fixed words: never a reference, an address, an e-mail or what was searched.

use std::sync::LazyLock;
use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::store::Store;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HttpLabels {
    pub route: String,
    pub method: &'static str,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabel {
    pub route: String,
}

/// Which limit refused a request.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq, EncodeLabelValue)]
pub enum Limit {
    RequestForm,
    SignIn,
    Api,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LimitLabel {
    limit: Limit,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CacheLabel {
    result: &'static str,
}

struct Metrics {
    registry: Registry,
    requests: Family<HttpLabels, Counter>,
    latency: Family<RouteLabel, Histogram>,
    page_cache: Family<CacheLabel, Counter>,
    sign_in_failures: Counter,
    rate_limited: Family<LimitLabel, Counter>,
    search_misses: Counter,
    acme_failures: Counter,
    certificate_expiry: Gauge,
    outbox_pending: Gauge,
    outbox_oldest_age: Gauge<f64, AtomicU64>,
    requests_overdue: Gauge,
    backup_age: Gauge<f64, AtomicU64>,
    /// When the newest backup was made (Unix seconds), known to this process.
    newest_backup: Gauge,
    up_since: Gauge,
    pool: Family<PoolLabel, Gauge>,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabel {
    state: &'static str,
}

fn latency_histogram() -> Histogram {
    // 1 ms to ~16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let mut registry = Registry::with_prefix("pestle");
    let metrics = Metrics {
        requests: Family::default(),
        latency: Family::new_with_constructor(latency_histogram),
        page_cache: Family::default(),
        sign_in_failures: Counter::default(),
        rate_limited: Family::default(),
        search_misses: Counter::default(),
        acme_failures: Counter::default(),
        certificate_expiry: Gauge::default(),
        outbox_pending: Gauge::default(),
        outbox_oldest_age: Gauge::default(),
        requests_overdue: Gauge::default(),
        backup_age: Gauge::default(),
        newest_backup: Gauge::default(),
        up_since: Gauge::default(),
        pool: Family::default(),
        registry: Registry::default(),
    };
    let m = &metrics;
    registry.register(
        "http_requests",
        "HTTP requests by route template, method and status",
        m.requests.clone(),
    );
    registry.register(
        "http_request_duration_seconds",
        "Time to answer, by route template",
        m.latency.clone(),
    );
    registry.register(
        "page_cache",
        "Pages answered from memory (hit) or rendered for the request (miss)",
        m.page_cache.clone(),
    );
    registry.register(
        "sign_in_failures",
        "Wrong passwords and codes at staff sign-in",
        m.sign_in_failures.clone(),
    );
    registry.register(
        "rate_limited",
        "Requests refused by a rate limit",
        m.rate_limited.clone(),
    );
    registry.register(
        "search_misses",
        "Searches that found nothing",
        m.search_misses.clone(),
    );
    registry.register(
        "acme_renewal_failures",
        "Failed attempts to obtain or renew the certificate",
        m.acme_failures.clone(),
    );
    registry.register(
        "tls_certificate_expiry_timestamp_seconds",
        "When the served certificate expires (0: none served yet)",
        m.certificate_expiry.clone(),
    );
    registry.register(
        "outbox_pending",
        "Staff notifications not yet delivered",
        m.outbox_pending.clone(),
    );
    registry.register(
        "outbox_oldest_age_seconds",
        "How long the oldest undelivered notification has waited",
        m.outbox_oldest_age.clone(),
    );
    registry.register(
        "requests_overdue",
        "Requests still new after the overdue reminder",
        m.requests_overdue.clone(),
    );
    registry.register(
        "backup_newest_age_seconds",
        "Age of the newest backup in backup_dir; with none yet, time since start; -1: no backup_dir",
        m.backup_age.clone(),
    );
    registry.register(
        "db_connections",
        "Database connections of this process: open, in use, and the most allowed",
        m.pool.clone(),
    );
    registry.register(
        "start_time_seconds",
        "When this process started (Unix seconds)",
        m.up_since.clone(),
    );
    metrics.up_since.set(unix_seconds());
    metrics.backup_age.set(-1.0);
    Metrics {
        registry,
        ..metrics
    }
});

fn unix_seconds() -> i64 {
    jiff::Timestamp::now().as_second()
}

pub fn certificate_expires_at(unix_seconds: i64) {
    METRICS.certificate_expiry.set(unix_seconds);
}

pub fn acme_failed() {
    METRICS.acme_failures.inc();
}

pub fn sign_in_failed() {
    METRICS.sign_in_failures.inc();
}

pub fn rate_limited(limit: Limit) {
    METRICS
        .rate_limited
        .get_or_create(&LimitLabel { limit })
        .inc();
}

pub fn search_missed() {
    METRICS.search_misses.inc();
}

pub fn page_cache(hit: bool) {
    let result = if hit { "hit" } else { "miss" };
    METRICS
        .page_cache
        .get_or_create(&CacheLabel { result })
        .inc();
}

static BACKUPS_CONFIGURED: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// Scheduled backups are configured (`backup_dir`): no backup at all then counts as stale.
pub fn backups_configured() {
    BACKUPS_CONFIGURED.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// A backup was made at `unix_seconds` (this process, or found in `backup_dir`).
pub fn backup_made(unix_seconds: i64) {
    if unix_seconds > METRICS.newest_backup.get() {
        METRICS.newest_backup.set(unix_seconds);
    }
}

/// The text a scrape gets, with the store's gauges read now.
pub async fn render(store: &dyn Store) -> Result<String, crate::store::StoreError> {
    let now_ms = jiff::Timestamp::now().as_millisecond();
    let operations = store.operations().await?;
    let m = &*METRICS;
    m.outbox_pending.set(operations.outbox_pending);
    m.outbox_oldest_age.set(
        operations
            .outbox_oldest_queued_at
            .map_or(0.0, |at| (now_ms - at).max(0) as f64 / 1000.0),
    );
    m.requests_overdue.set(operations.requests_overdue);
    let pool = store.pool_use();
    for (state, value) in [
        ("open", pool.open),
        ("in_use", pool.in_use),
        ("max", pool.max),
    ] {
        m.pool
            .get_or_create(&PoolLabel { state })
            .set(i64::try_from(value).unwrap_or(i64::MAX));
    }
    let newest = m.newest_backup.get();
    m.backup_age.set(if newest > 0 {
        (now_ms / 1000 - newest) as f64
    } else if BACKUPS_CONFIGURED.load(std::sync::atomic::Ordering::Relaxed) {
        // Configured but none made yet: as stale as this process is old, so backups that
        // always fail still raise the alert.
        (now_ms / 1000 - m.up_since.get()) as f64
    } else {
        -1.0
    });
    let mut text = String::new();
    // Writing into a String cannot fail.
    let _ = prometheus_client::encoding::text::encode(&mut text, &m.registry);
    Ok(text)
}

/// One answered HTTP request, by route template (never the path as sent).
pub fn http_request(route: String, method: &'static str, status: u16, seconds: f64) {
    METRICS
        .latency
        .get_or_create(&RouteLabel {
            route: route.clone(),
        })
        .observe(seconds);
    METRICS
        .requests
        .get_or_create(&HttpLabels {
            route,
            method,
            status,
        })
        .inc();
}
