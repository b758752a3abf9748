//! The state every handler shares: the store, the in-memory content cache, the pages
//! rendered from it, the keys that seal patient requests, and the limits and timeouts the
//! forms and the back office apply.

use std::sync::Arc;

use axum::extract::FromRef;

use super::cache::ContentCache;
use super::render::Renderer;
use super::requests::csrf;
use crate::clock::Clock;
use crate::store::Store;

/// Cheap to clone: two `Arc`s inside.
#[derive(Clone)]
pub struct AppState {
    parts: Arc<Parts>,
    /// Where everything is kept, through connections of the runtime this copy serves on
    /// (`on_this_runtime`). Handlers read content from `content`, not from here.
    store: Arc<dyn Store>,
}

/// What `AppState` holds besides the store; built once by `Application::build`.
pub struct Parts {
    /// The published content, in memory, reloaded when the content version changes.
    pub content: ContentCache,
    /// Pages rendered from `content`, kept per content version.
    pub renderer: Renderer,
    /// The keys that seal patient requests (and staff notes and TOTP secrets).
    pub keys: Arc<crate::requests::DataKeys>,
    /// Patients' updates: whether a text and an e-mail can be offered, the provider that
    /// signs STOP replies, and the site's address the messages link to.
    pub updates: Updates,
    /// Whether cookies must be `Secure` (the site is served over HTTPS).
    pub secure: bool,
    /// Where forms may be posted from: `public_url` and the bound address.
    pub origins: csrf::Origins,
    /// Signs the public forms' CSRF tokens.
    pub form_tokens: csrf::FormTokens,
    /// Request-form and sign-in attempts per client address.
    pub limits: crate::web::requests::Limits,
    /// The channels each request's staff notification is queued for.
    pub channels: Vec<String>,
    /// Back-office timeouts.
    pub staff: StaffPolicy,
    /// The time: the system clock, or a test's.
    pub clock: Arc<dyn Clock>,
    /// Proxies whose word on the client's address is taken (`web::client`).
    pub trusted_proxies: Arc<crate::config::TrustedProxies>,
    /// Checks staff passwords (with its timing stand-in for unknown accounts).
    pub verifier: crate::staff::password::Verifier,
    /// Held while the back office publishes, so two publications on this instance never
    /// interleave (each re-reads the stored content inside it).
    pub publishing: tokio::sync::Mutex<()>,
    /// How long a request may take, body included (`connections`).
    pub request_timeout: std::time::Duration,
    /// The host names requests may name (`web::hosts`).
    pub hosts: crate::web::hosts::Hosts,
    /// The bearer token that opens `/metrics` on the main address.
    pub metrics_token: Option<secrecy::SecretString>,
}

/// What the request forms may offer a patient, and what answers the provider's calls.
#[derive(Clone)]
pub struct Updates {
    /// A text can be asked for (a provider is configured).
    pub text: bool,
    /// An e-mail can be asked for (a mail server is configured).
    pub email: bool,
    pub sms: Option<crate::notify::Sms>,
    pub public_url: url::Url,
}

/// How long staff sessions last, and when a request counts as overdue (milliseconds).
#[derive(Debug, Clone, Copy)]
pub struct StaffPolicy {
    pub idle_ms: i64,
    pub absolute_ms: i64,
    pub overdue_ms: i64,
}

impl StaffPolicy {
    pub fn from_settings(settings: &crate::config::Settings) -> Self {
        let ms = |d: std::time::Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        Self {
            idle_ms: ms(settings.staff_idle_timeout),
            absolute_ms: ms(settings.staff_session_timeout),
            overdue_ms: ms(settings.request_overdue_after),
        }
    }
}

impl AppState {
    pub fn new(parts: Parts, store: Arc<dyn Store>) -> Self {
        Self {
            parts: Arc::new(parts),
            store,
        }
    }

    /// The same state with a store whose connections belong to the calling runtime (each HTTP
    /// thread runs its own; see `web::serve`).
    pub fn on_this_runtime(&self) -> Self {
        Self {
            parts: self.parts.clone(),
            store: self.store.for_this_runtime(),
        }
    }

    /// Unix milliseconds now, by the application's clock.
    pub fn now(&self) -> i64 {
        self.parts.clock.now_ms()
    }

    /// The date on this server's clock where it runs (what a date of birth is checked against).
    pub fn today(&self) -> jiff::civil::Date {
        jiff::Timestamp::from_millisecond(self.now())
            .map(|t| t.to_zoned_datetime(jiff::tz::TimeZone::system()).date())
            .unwrap_or(jiff::civil::Date::constant(2000, 1, 1))
    }

    pub fn shared_clock(&self) -> Arc<dyn Clock> {
        self.parts.clock.clone()
    }

    pub fn clock(&self) -> &dyn Clock {
        self.parts.clock.as_ref()
    }

    /// What signing in needs, for a client at `ip`.
    pub fn authenticator<'a>(&'a self, ip: &'a str) -> crate::staff::sign_in::Authenticator<'a> {
        crate::staff::sign_in::Authenticator {
            store: self.store.as_ref(),
            verifier: &self.parts.verifier,
            keys: &self.parts.keys,
            clock: self.parts.clock.as_ref(),
            ip,
        }
    }

    /// Takes a token of `limit` for `ip`; `Err(wait)` when over the limit. A store that cannot
    /// count lets the request through (logged): the request itself then meets the same store,
    /// and a limit is no reason to turn a patient away.
    pub async fn take_token(
        &self,
        limit: crate::web::requests::Limit,
        ip: std::net::IpAddr,
    ) -> Result<(), std::time::Duration> {
        let taken = self
            .parts
            .limits
            .take(limit, ip, self.store.as_ref(), self.now())
            .await;
        taken.unwrap_or_else(|error| {
            tracing::warn!(%error, ?limit, "rate limit not counted: the store failed");
            Ok(())
        })
    }

    /// The channels each request's staff notification is queued for.
    pub fn notification_channels(&self) -> &[String] {
        &self.parts.channels
    }

    pub fn keys(&self) -> &crate::requests::DataKeys {
        &self.parts.keys
    }

    pub fn shared_keys(&self) -> Arc<crate::requests::DataKeys> {
        self.parts.keys.clone()
    }

    pub fn updates(&self) -> &Updates {
        &self.parts.updates
    }

    pub fn secure(&self) -> bool {
        self.parts.secure
    }

    pub fn origins(&self) -> &csrf::Origins {
        &self.parts.origins
    }

    pub fn form_tokens(&self) -> &csrf::FormTokens {
        &self.parts.form_tokens
    }

    pub fn publishing(&self) -> &tokio::sync::Mutex<()> {
        &self.parts.publishing
    }

    pub fn request_timeout(&self) -> std::time::Duration {
        self.parts.request_timeout
    }

    pub fn hosts(&self) -> crate::web::hosts::Hosts {
        self.parts.hosts.clone()
    }

    pub fn metrics_token(&self) -> Option<&secrecy::SecretString> {
        self.parts.metrics_token.as_ref()
    }

    pub fn staff_policy(&self) -> StaffPolicy {
        self.parts.staff
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn content(&self) -> &ContentCache {
        &self.parts.content
    }

    pub fn renderer(&self) -> &Renderer {
        &self.parts.renderer
    }

    pub fn trusted_proxies(&self) -> Arc<crate::config::TrustedProxies> {
        self.parts.trusted_proxies.clone()
    }
}

impl FromRef<AppState> for ContentCache {
    fn from_ref(state: &AppState) -> Self {
        state.parts.content.clone()
    }
}

impl FromRef<AppState> for Renderer {
    fn from_ref(state: &AppState) -> Self {
        state.parts.renderer.clone()
    }
}
