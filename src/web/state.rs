//! The state every handler shares: the store, the in-memory content cache, the pages
//! rendered from it, the keys that seal patient requests, and the limits and timeouts the
//! forms and the back office apply.

use std::sync::Arc;

use axum::extract::FromRef;

use super::cache::ContentCache;
use super::render::Renderer;
use super::requests::{Limiter, csrf};
use crate::store::Store;

/// Cheap to clone: one `Arc` inside.
#[derive(Clone)]
pub struct AppState(Arc<Parts>);

/// What `AppState` holds; built once by `Application::build` (or a test).
pub struct Parts {
    /// Where everything is kept. Handlers read content from `content`, not from here.
    pub store: Arc<dyn Store>,
    /// The published content, in memory, reloaded when the content version changes.
    pub content: ContentCache,
    /// Pages rendered from `content`, kept per content version.
    pub renderer: Renderer,
    /// The keys that seal patient requests (and staff notes and TOTP secrets).
    pub keys: crate::requests::DataKeys,
    /// Whether cookies must be `Secure` (the site is served over HTTPS).
    pub secure: bool,
    /// Where forms may be posted from: `public_url` and the bound address.
    pub origins: csrf::Origins,
    /// Signs the public forms' CSRF tokens.
    pub form_tokens: csrf::FormTokens,
    /// Request-form submissions per client address.
    pub request_limiter: Limiter,
    /// Staff sign-in attempts per client address.
    pub sign_in_limiter: Limiter,
    /// The channels each request's staff notification is queued for.
    pub channels: Vec<String>,
    /// Back-office timeouts.
    pub staff: StaffPolicy,
    /// Held while the back office publishes, so two publications on this instance never
    /// interleave (each re-reads the stored content inside it).
    pub publishing: tokio::sync::Mutex<()>,
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
        let minutes = |m: u32| i64::from(m) * 60_000;
        Self {
            idle_ms: minutes(settings.staff_idle_minutes),
            absolute_ms: minutes(settings.staff_session_hours.saturating_mul(60)),
            overdue_ms: minutes(settings.request_overdue_minutes),
        }
    }
}

impl AppState {
    pub fn new(parts: Parts) -> Self {
        Self(Arc::new(parts))
    }

    pub fn request_limiter(&self) -> &Limiter {
        &self.0.request_limiter
    }

    pub fn sign_in_limiter(&self) -> &Limiter {
        &self.0.sign_in_limiter
    }

    /// The channels each request's staff notification is queued for.
    pub fn notification_channels(&self) -> &[String] {
        &self.0.channels
    }

    pub fn keys(&self) -> &crate::requests::DataKeys {
        &self.0.keys
    }

    pub fn secure(&self) -> bool {
        self.0.secure
    }

    pub fn origins(&self) -> &csrf::Origins {
        &self.0.origins
    }

    pub fn form_tokens(&self) -> &csrf::FormTokens {
        &self.0.form_tokens
    }

    pub fn publishing(&self) -> &tokio::sync::Mutex<()> {
        &self.0.publishing
    }

    pub fn staff_policy(&self) -> StaffPolicy {
        self.0.staff
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.0.store
    }

    pub fn content(&self) -> &ContentCache {
        &self.0.content
    }

    pub fn renderer(&self) -> &Renderer {
        &self.0.renderer
    }
}

impl FromRef<AppState> for ContentCache {
    fn from_ref(state: &AppState) -> Self {
        state.0.content.clone()
    }
}

impl FromRef<AppState> for Renderer {
    fn from_ref(state: &AppState) -> Self {
        state.0.renderer.clone()
    }
}
