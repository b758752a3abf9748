//! Pages rendered once and served from memory. A `Rendered` set belongs to one content snapshot
//! and one "open now" wording, and is replaced the moment content changes, or when a location
//! opens or closes (or at local midnight, when "tomorrow" becomes "today"). When a set is made,
//! the warm-up (`warm.rs`) renders and compresses its pages in the background, hot pages first;
//! a request that comes before its page is ready renders it on the blocking pool and gets quick
//! gzip until the best forms (brotli 11) are made. Serving threads only ever copy bytes out.

mod assets;
mod compress;
mod kept;
mod layout;
mod not_found;
mod page;
mod warm;

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use arc_swap::ArcSwap;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::{Timestamp, ToSpan};
use tokio::sync::Notify;

pub use assets::Branding;
pub use layout::{
    Layout, LocationView, Meta, clock as clock_in, hour12, instruction_key, level_key, open_detail,
};
pub use page::{Caching, Page};
pub use warm::{Plan, Planned};

use super::AppError;
use super::cache::{ContentCache, Snapshot};
use crate::content::{Brand, ContentPack, Lang, Location, Notes, OpenStatus};

/// Hands out the current rendered set, replacing it when it has gone stale.
#[derive(Clone)]
pub struct Renderer(Arc<Inner>);

struct Inner {
    content: ContentCache,
    branding: Branding,
    public_url: url::Url,
    /// The pages the warm-up renders for each set, in order.
    plan: Plan,
    current: ArcSwap<Rendered>,
    /// Wakes the warm-up when a request rendered a page that still lacks its best forms.
    wake: Arc<Notify>,
}

impl Renderer {
    /// `plan` lists each set's pages for the warm-up (`spawn_warm_up`), most requested first.
    pub fn new(
        content: ContentCache,
        branding: Branding,
        public_url: url::Url,
        plan: Plan,
    ) -> Self {
        let wake = Arc::new(Notify::new());
        let snapshot = content.snapshot();
        let assets = Arc::new(assets::Assets::build(&brand(&snapshot), &branding));
        let first = Rendered::new(
            snapshot,
            Timestamp::now(),
            assets,
            &public_url,
            wake.clone(),
        );
        Self(Arc::new(Inner {
            content,
            branding,
            public_url,
            plan,
            current: ArcSwap::from_pointee(first),
            wake,
        }))
    }

    /// The set for the current content and the current time.
    pub fn current(&self) -> Arc<Rendered> {
        let now = Timestamp::now();
        let current = self.0.current.load_full();
        if now < current.valid_until && self.0.content.is_current(&current.snapshot) {
            return current;
        }
        let snapshot = self.0.content.snapshot();
        // The stylesheet and logo depend on the brand colours only: keep them, and the forms
        // the warm-up made of them, while the colours stay.
        let assets = if brand(&snapshot) == current.brand {
            current.assets.clone()
        } else {
            Arc::new(assets::Assets::build(&brand(&snapshot), &self.0.branding))
        };
        let fresh = Arc::new(Rendered::new(
            snapshot,
            now,
            assets,
            &self.0.public_url,
            self.0.wake.clone(),
        ));
        // Two requests may both get here: the first swap wins and the other takes its set, so
        // requests and the warm-up share one set (an empty set is cheap to make and drop).
        let previous = self.0.current.compare_and_swap(&current, fresh.clone());
        if Arc::ptr_eq(&previous, &current) {
            fresh
        } else {
            arc_swap::Guard::into_inner(previous)
        }
    }

    /// Whether `set` is still the one requests get, or would get now.
    fn is_fresh(&self, set: &Arc<Rendered>) -> bool {
        Arc::ptr_eq(&self.0.current.load(), set)
            && Timestamp::now() < set.valid_until
            && self.0.content.is_current(&set.snapshot)
    }

    /// Starts the warm-up: every new set is rendered and compressed in the background until the
    /// task is aborted.
    pub fn spawn_warm_up(&self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(warm::run(self.clone()))
    }
}

fn brand(snapshot: &Snapshot) -> Brand {
    snapshot
        .pack
        .as_ref()
        .map(|p| p.site.brand)
        .unwrap_or_default()
}

/// Everything pages of one content version and one open-now wording share.
pub struct Rendered {
    snapshot: Arc<Snapshot>,
    /// One per location, in `site.toml` order.
    statuses: Vec<OpenStatus>,
    valid_until: Timestamp,
    brand: Brand,
    assets: Arc<assets::Assets>,
    public_url: url::Url,
    pages: RwLock<HashMap<String, Arc<Page>>>,
    /// Paths of pages requests rendered before the warm-up got to them, oldest first: the
    /// warm-up finishes these before its own list.
    asked: Mutex<VecDeque<String>>,
    wake: Arc<Notify>,
    /// Set once the warm-up has been through every page of its list.
    warmed: AtomicBool,
    /// Bytes of page forms kept (`kept::KEPT_BUDGET`).
    held: std::sync::atomic::AtomicUsize,
}

impl Rendered {
    fn new(
        snapshot: Arc<Snapshot>,
        now: Timestamp,
        assets: Arc<assets::Assets>,
        public_url: &url::Url,
        wake: Arc<Notify>,
    ) -> Self {
        let locations = snapshot
            .pack
            .as_ref()
            .map_or(&[][..], |p| &p.site.locations[..]);
        let statuses: Vec<OpenStatus> = locations.iter().map(|l| l.status_at(now)).collect();
        let valid_until = statuses
            .iter()
            .map(|s| s.until)
            .min()
            .unwrap_or(now + 1.hour())
            .max(now + 1.second());
        Self {
            brand: brand(&snapshot),
            assets,
            snapshot,
            statuses,
            valid_until,
            public_url: public_url.clone(),
            pages: RwLock::default(),
            asked: Mutex::default(),
            wake,
            warmed: AtomicBool::new(false),
            held: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// The stylesheet's hashed URL (the back office uses the site's CSS too).
    pub fn css_href(&self) -> &str {
        self.assets.css_href()
    }

    /// The published content, or 404 when none has been imported.
    pub fn pack(&self) -> Result<&ContentPack, AppError> {
        self.snapshot.published()
    }

    /// When `key` (`"conditions/<slug>"`, `"medications/<slug>"`) last changed, Unix ms.
    pub fn modified(&self, key: &str) -> Option<i64> {
        self.snapshot.modified.get(key).copied()
    }

    /// The content version these pages show.
    pub fn version(&self) -> i64 {
        self.snapshot.version
    }

    /// Whether the warm-up has rendered and compressed every page it lists for this set.
    pub fn warmed(&self) -> bool {
        self.warmed.load(Ordering::Acquire)
    }

    /// The search index of this content, or 404 when none has been imported.
    pub fn search_index(&self) -> Result<&crate::search::SearchIndex, AppError> {
        self.snapshot.search.as_deref().ok_or(AppError::NotFound)
    }

    /// The search index of this content in `lang`.
    pub fn search_index_in(&self, lang: Lang) -> Result<&crate::search::SearchIndex, AppError> {
        match self.snapshot.in_language(lang) {
            Some(translated) => translated.search.as_deref().ok_or(AppError::NotFound),
            None => self.search_index(),
        }
    }

    /// An absolute URL for a path on this site.
    pub fn url(&self, path: &str) -> String {
        self.public_url
            .join(path)
            .map_or_else(|_| path.to_owned(), String::from)
    }

    /// A location's open-now status.
    pub fn status(&self, location: &Location) -> Option<&OpenStatus> {
        let pack = self.snapshot.pack.as_ref()?;
        let index = pack
            .site
            .locations
            .iter()
            .position(|l| l.slug == location.slug)?;
        self.statuses.get(index)
    }

    /// The frame every page shares, around the page's own `meta` (in `meta.lang`).
    pub fn layout<'a>(&'a self, meta: Meta) -> Result<Layout<'a>, AppError> {
        let pack = self.pack()?;
        let view = |location: &'a Location| -> Option<LocationView<'a>> {
            self.status(location)
                .map(|status| LocationView { location, status })
        };
        let lang = meta.lang;
        let other = if lang == Lang::En { Lang::Es } else { Lang::En };
        let other_is_english = meta
            .entry
            .as_ref()
            .is_some_and(|(kind, slug)| self.notes(other).in_english(kind, slug));
        // A page in one language only names no alternates: its Spanish address shows the English
        // words, with the English page as canonical.
        let (canonical, alternates) = if meta.english_only {
            (self.url(&meta.path), Vec::new())
        } else if other_is_english {
            (self.url(&lang.path(&meta.path)), Vec::new())
        } else {
            let alternates = Lang::ALL
                .into_iter()
                .map(|l| (l.code(), self.url(&l.path(&meta.path))))
                .chain([("x-default", self.url(&meta.path))])
                .collect();
            (self.url(&lang.path(&meta.path)), alternates)
        };
        Ok(Layout {
            other_is_english,
            site: &pack.site,
            css: self.assets.css_href(),
            logo: self.assets.logo_href(),
            script: self.assets.script_href(),
            locations: pack.site.locations.iter().filter_map(view).collect(),
            call: pack.site.main_location().and_then(view),
            canonical,
            switch_href: other.path(&meta.path),
            alternates,
            prefix: lang.prefix(),
            lang,
            other,
            notes: self.notes(lang),
            meta,
        })
    }

    /// The published content in `lang`: translated entries where there are translations.
    pub fn pack_in(&self, lang: Lang) -> Result<&ContentPack, AppError> {
        match self.snapshot.in_language(lang) {
            Some(translated) => Ok(&translated.content.pack),
            None => self.pack(),
        }
    }

    /// Which entries `pack_in(lang)` shows in English or from an older English version.
    pub fn notes(&self, lang: Lang) -> &Notes {
        static NONE: std::sync::LazyLock<Notes> = std::sync::LazyLock::new(Notes::default);
        match self.snapshot.in_language(lang) {
            Some(translated) => &translated.content.notes,
            None => &NONE,
        }
    }

    /// A fingerprinted asset by file name, or the favicon.
    pub fn asset(&self, name: &str) -> Option<&Page> {
        self.assets.get(name)
    }
}

/// What a page handler needs: the current rendered set, the path, and the two request headers
/// that decide the response (`Accept-Encoding`, `If-None-Match`).
pub struct PageRequest {
    pub site: Arc<Rendered>,
    /// The language of the page asked for (`/es/…` is Spanish).
    pub lang: Lang,
    path: String,
    headers: HeaderMap,
}

impl<S> FromRequestParts<S> for PageRequest
where
    Renderer: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let mut headers = HeaderMap::with_capacity(2);
        for name in [header::ACCEPT_ENCODING, header::IF_NONE_MATCH] {
            if let Some(value) = parts.headers.get(&name) {
                headers.insert(name, value.clone());
            }
        }
        Ok(Self {
            site: Renderer::from_ref(state).current(),
            lang: Lang::of_path(parts.uri.path()).0,
            path: parts.uri.path().to_owned(),
            headers,
        })
    }
}

impl PageRequest {
    /// An HTML page, rendered at most once per set. `NotFound` gives the 404 page with
    /// suggestions for this path.
    pub async fn html(
        self,
        render: impl FnOnce(&Rendered) -> Result<String, AppError> + Send + 'static,
    ) -> Response {
        self.cached("text/html; charset=utf-8", render).await
    }

    /// Any cached text response (sitemap, robots.txt).
    pub async fn cached(
        self,
        content_type: &'static str,
        render: impl FnOnce(&Rendered) -> Result<String, AppError> + Send + 'static,
    ) -> Response {
        let kept = self.site.kept(&self.path);
        crate::metrics::page_cache(kept.is_some());
        let page = match kept {
            Some(page) => Ok(page),
            None => self.render_now(content_type, render).await,
        };
        match page {
            Ok(page) => page.respond(&self.headers, StatusCode::OK),
            Err(AppError::NotFound) => self.not_found(),
            Err(error) => error.into_response(),
        }
    }

    /// Renders this request's page — before the warm-up got to it — on the blocking pool (the
    /// A–Z list of thousands of conditions would stall every connection of this thread), with
    /// quick gzip, and queues it for its best forms.
    async fn render_now(
        &self,
        content_type: &'static str,
        render: impl FnOnce(&Rendered) -> Result<String, AppError> + Send + 'static,
    ) -> Result<Arc<Page>, AppError> {
        let (site, path) = (self.site.clone(), self.path.clone());
        let rendered =
            tokio::task::spawn_blocking(move || site.render_asked(&path, content_type, render))
                .await;
        rendered.map_err(|error| anyhow::anyhow!("rendering a page failed: {error}"))?
    }

    /// A page that depends on more than its path (search results): rendered every time.
    pub fn dynamic(self, render: impl FnOnce(&Rendered) -> Result<String, AppError>) -> Response {
        match render(&self.site) {
            Ok(html) => Page::uncompressed("text/html; charset=utf-8", html)
                .respond(&self.headers, StatusCode::OK),
            Err(AppError::NotFound) => self.not_found(),
            Err(error) => error.into_response(),
        }
    }

    /// The path asked for in English (`/es/requests/refill` → `/requests/refill`), for a page's
    /// own address and its language switch.
    pub fn english_path(&self) -> &str {
        Lang::of_path(&self.path).1
    }

    /// The 404 page: closest condition names and a search box. Not cached (it depends on
    /// the path asked for), and cheap to render.
    pub fn not_found(&self) -> Response {
        match not_found::render(&self.site, &self.path) {
            Ok(html) => Page::uncompressed("text/html; charset=utf-8", html)
                .respond(&HeaderMap::new(), StatusCode::NOT_FOUND),
            Err(error) => error.into_response(),
        }
    }

    /// A fingerprinted asset (or the favicon), else 404.
    pub fn asset(self, name: &str) -> Response {
        match self.site.asset(name) {
            Some(page) => page.respond(&self.headers, StatusCode::OK),
            None => self.not_found(),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
