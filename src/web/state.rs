//! The state every handler shares: the store and the in-memory content cache.

use std::sync::Arc;

use axum::extract::FromRef;

use super::cache::ContentCache;
use crate::store::Store;

/// Cheap to clone: one `Arc` inside.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    /// Where everything is kept. Handlers read content from `content`, not from here.
    store: Arc<dyn Store>,
    /// The published content, in memory, reloaded when the content version changes.
    content: ContentCache,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, content: ContentCache) -> Self {
        Self(Arc::new(Inner { store, content }))
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
