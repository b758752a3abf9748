//! The state every handler shares: the store, the in-memory content cache and the pages
//! rendered from it.

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
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, content: ContentCache, renderer: Renderer) -> Self {
        Self(Arc::new(Inner {
            store,
            content,
            renderer,
        }))
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
