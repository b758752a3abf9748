//! Published content held in memory. Requests read a snapshot without touching the database;
//! a background task reloads it when the store's content version moves (after an import here,
//! on another instance, or by `pestle import`). The search index is built from each snapshot
//! before it is swapped in, so no request sees a half-built index. Each swap is announced
//! (`subscribe`), so pages can be rendered for the new content before anyone asks.

use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;

use crate::content::ContentPack;
use crate::search::SearchIndex;
use crate::store::{ContentFeed, FeedState, Store};

/// One consistent view of the content and the version it was read at.
#[derive(Debug)]
pub struct Snapshot {
    pub version: i64,
    /// `None` until content is imported (a fresh database without the sample pack). Shared, so
    /// work on the blocking pool (a content check, the search index) can hold it.
    pub pack: Option<Arc<ContentPack>>,
    /// The search index of `pack`, built with it (so a search never sees other content).
    pub search: Option<Arc<SearchIndex>>,
    /// When each condition and medication last changed (`Store::content_modified`).
    pub modified: Arc<std::collections::HashMap<String, i64>>,
    /// `pack` in each translated language (`Lang::TRANSLATED`), made with it.
    pub translated: Vec<Arc<Translated>>,
}

/// The content in one translated language, and its search index.
#[derive(Debug)]
pub struct Translated {
    pub content: crate::content::Localized,
    pub search: Option<Arc<SearchIndex>>,
}

impl Snapshot {
    /// The published content; a database with none yet has no public pages (404).
    pub fn published(&self) -> Result<&ContentPack, crate::web::AppError> {
        self.pack.as_deref().ok_or(crate::web::AppError::NotFound)
    }

    /// The published content in a translated language (`None` for English or before any
    /// import).
    pub fn in_language(&self, lang: crate::content::Lang) -> Option<&Translated> {
        self.translated
            .iter()
            .find(|t| t.content.lang == lang)
            .map(|t| t.as_ref())
    }

    /// Each translated language's view of `pack` and its search index (CPU work: callers are
    /// on the blocking pool).
    pub fn translate(pack: Option<&ContentPack>) -> anyhow::Result<Vec<Arc<Translated>>> {
        let Some(pack) = pack else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for lang in crate::content::Lang::TRANSLATED {
            let content = pack.localized(lang);
            let search = SearchIndex::build_in(pack, Arc::new(content.pack.clone()), lang)?;
            out.push(Arc::new(Translated {
                content,
                search: Some(Arc::new(search)),
            }));
        }
        Ok(out)
    }
}

/// Shared handle to the current snapshot; swapping in a new one never blocks readers.
#[derive(Clone)]
pub struct ContentCache {
    store: Arc<dyn Store>,
    current: Arc<ArcSwap<Snapshot>>,
    /// The version of each snapshot swapped in, for whoever waits for new content.
    swapped: Arc<tokio::sync::watch::Sender<i64>>,
    /// The content listener's state, once the refresh task has one (PostgreSQL).
    listener: Arc<std::sync::OnceLock<tokio::sync::watch::Receiver<FeedState>>>,
}

impl ContentCache {
    /// Reads the content once, now.
    pub async fn load(store: Arc<dyn Store>) -> anyhow::Result<Self> {
        let snapshot = read(store.as_ref(), None).await?;
        Ok(Self {
            store,
            swapped: Arc::new(tokio::sync::watch::Sender::new(snapshot.version)),
            listener: Arc::default(),
            current: Arc::new(ArcSwap::from_pointee(snapshot)),
        })
    }

    /// Wakes (`changed()`) whenever a new snapshot has been swapped in.
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<i64> {
        self.swapped.subscribe()
    }

    /// The current snapshot.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// Whether `snapshot` is still the current one (a pointer comparison, no reference count
    /// traffic: this runs on every page request).
    pub fn is_current(&self, snapshot: &Arc<Snapshot>) -> bool {
        Arc::ptr_eq(&self.current.load(), snapshot)
    }

    /// Reloads if the stored version differs from the cached one; returns whether it did.
    pub async fn refresh(&self) -> anyhow::Result<bool> {
        let version = self.store.content_version().await?;
        if version == self.current.load().version {
            return Ok(false);
        }
        let previous = self.current.load_full();
        let snapshot = read(self.store.as_ref(), previous.search.clone()).await?;
        tracing::info!(version = snapshot.version, "content changed; reloaded");
        let version = snapshot.version;
        self.current.store(Arc::new(snapshot));
        self.swapped.send_replace(version);
        Ok(true)
    }

    /// The content listener's state: `None` without one (SQLite).
    pub fn listener(&self) -> Option<FeedState> {
        self.listener.get().map(|state| *state.borrow())
    }

    /// Reloads when `feed` announces a change (at once) and checks every `period` besides —
    /// the fallback while the listener is down, and the only way on SQLite. Runs until aborted.
    pub fn spawn_refresh(
        &self,
        period: Duration,
        feed: Option<ContentFeed>,
    ) -> tokio::task::JoinHandle<()> {
        let cache = self.clone();
        if let Some(feed) = &feed {
            let _ = self.listener.set(feed.state.clone());
        }
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(period);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let announced = feed.as_ref().map(|f| f.changed.clone());
            loop {
                match &announced {
                    Some(changed) => tokio::select! {
                        _ = ticker.tick() => {}
                        () = changed.notified() => {}
                    },
                    None => {
                        ticker.tick().await;
                    }
                }
                if let Err(error) = cache.refresh().await {
                    // Keep serving the last good snapshot; the database may be back next tick.
                    tracing::warn!(error = format!("{error:#}"), "cannot refresh content");
                }
            }
        })
    }
}

/// Version first, then content: if an import lands in between, the next check sees a newer
/// version and reloads again, so the cache never settles on stale content. The search index is
/// `previous` updated where only a few pages changed, else built anew.
async fn read(store: &dyn Store, previous: Option<Arc<SearchIndex>>) -> anyhow::Result<Snapshot> {
    let started = std::time::Instant::now();
    let version = store.content_version().await?;
    let pack = store.load_content().await?.map(Arc::new);
    let modified = Arc::new(store.content_modified().await?.into_iter().collect());
    let loaded = started.elapsed();
    let search = match &pack {
        Some(pack) => {
            let pack = pack.clone();
            // Indexing is CPU work: off the async threads.
            let index = tokio::task::spawn_blocking(move || match previous {
                Some(previous) => previous.updated(pack),
                None => SearchIndex::build(pack),
            })
            .await??;
            Some(Arc::new(index))
        }
        None => None,
    };
    let for_translation = pack.clone();
    let translated =
        tokio::task::spawn_blocking(move || Snapshot::translate(for_translation.as_deref()))
            .await??;
    tracing::info!(
        version,
        conditions = pack.as_ref().map_or(0, |p| p.conditions.len()),
        load_ms = loaded.as_millis() as u64,
        index_ms = (started.elapsed() - loaded).as_millis() as u64,
        "content read"
    );
    Ok(Snapshot {
        version,
        pack,
        search,
        modified,
        translated,
    })
}
