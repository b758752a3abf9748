//! The state every handler shares: the store, the in-memory content cache, the pages
//! rendered from it, and the keys that seal patient requests.

use std::sync::Arc;

use axum::extract::FromRef;

use super::cache::ContentCache;
use super::render::Renderer;
use crate::store::Store;

/// Cheap to clone: one `Arc` inside.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    /// Where everything is kept. Handlers read content from `content`, not from here.
    store: Arc<dyn Store>,
    /// The published content, in memory, reloaded when the content version changes.
    content: ContentCache,
    /// Pages rendered from `content`, kept per content version.
    renderer: Renderer,
    /// The keys that seal patient requests.
    keys: crate::requests::DataKeys,
    /// Whether cookies must be `Secure` (the site is served over HTTPS).
    secure: bool,
    /// Request-form submissions per client address.
    request_limiter: super::requests::Limiter,
    /// The channels each request's staff notification is queued for.
    channels: Vec<String>,
}

impl AppState {
    pub fn new(
        store: Arc<dyn Store>,
        content: ContentCache,
        renderer: Renderer,
        keys: crate::requests::DataKeys,
        secure: bool,
        request_limiter: super::requests::Limiter,
        channels: Vec<String>,
    ) -> Self {
        Self(Arc::new(Inner {
            store,
            content,
            renderer,
            keys,
            secure,
            request_limiter,
            channels,
        }))
    }

    pub fn request_limiter(&self) -> &super::requests::Limiter {
        &self.0.request_limiter
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

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.0.store
    }

    pub fn content(&self) -> &ContentCache {
        &self.0.content
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
