//! pestle: the website and patient-request platform for independent and compounding pharmacies.

/// Backups: a consistent copy with its manifest, restore with the key check, the schedule.
pub mod backup;
/// Command-line interface: one module per subcommand.
pub mod cli;
/// The time, injectable: the system clock in production, a manual one in tests.
pub mod clock;
/// Typed settings: defaults, then `pestle.toml`, then `PESTLE_…` environment variables.
pub mod config;
/// The content domain: conditions, medications, testimonials, site; parsing and validation.
pub mod content;
/// Interface text in each language of the site (Fluent), built in.
pub mod i18n;
/// Counters and gauges for `/metrics` (Prometheus): label values are never patient data.
pub mod metrics;
/// Delivering staff notifications from the outbox, with retries.
pub mod notify;
/// Content publishing: checking, drafts, publication, revisions, review — the workflow the
/// back office's content pages drive.
pub mod publish;
/// Patient requests: the four forms, sealing, references, durable submission.
pub mod requests;
/// Site search: a tantivy index over conditions and medications, typo-tolerant.
pub mod search;
/// Staff accounts: roles, passwords, two-factor codes, session tokens.
pub mod staff;
/// Storage behind the `Store` trait, with SQLite and PostgreSQL implementations.
pub mod store;
/// TLS for outgoing connections.
pub mod tls;
/// The HTTP server: state, routes, errors.
pub mod web;
