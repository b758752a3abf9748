//! Pages rendered once and served from memory. A `Rendered` set belongs to one content snapshot
//! and one "open now" wording; each page is rendered (and compressed) on its first request and
//! kept until the set is replaced — the moment content changes, or when a location opens or
//! closes (or at local midnight, when "tomorrow" becomes "today").

mod assets;
mod layout;
mod not_found;
mod page;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use arc_swap::ArcSwap;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::{Timestamp, ToSpan};

pub use assets::Branding;
pub use layout::{Layout, LocationView, Meta};
pub use page::{Caching, Page};

use super::AppError;
use super::cache::{ContentCache, Snapshot};
use crate::content::{ContentPack, Location, OpenStatus};

/// Hands out the current rendered set, replacing it when it has gone stale.
#[derive(Clone)]
pub struct Renderer(Arc<Inner>);

struct Inner {
    content: ContentCache,
    branding: Branding,
    public_url: url::Url,
    current: ArcSwap<Rendered>,
}

impl Renderer {
    pub fn new(content: ContentCache, branding: Branding, public_url: url::Url) -> Self {
        let first = Rendered::new(content.snapshot(), Timestamp::now(), &branding, &public_url);
        Self(Arc::new(Inner {
            content,
            branding,
            public_url,
            current: ArcSwap::from_pointee(first),
        }))
    }

    /// The set for the current content and the current time.
    pub fn current(&self) -> Arc<Rendered> {
        let now = Timestamp::now();
        let current = self.0.current.load_full();
        if now < current.valid_until && self.0.content.is_current(&current.snapshot) {
            return current;
        }
        // Two requests may both rebuild here; each set is complete and equivalent, and the
        // empty page map makes a rebuild cheap, so no lock is needed.
        let fresh = Arc::new(Rendered::new(
            self.0.content.snapshot(),
            now,
            &self.0.branding,
            &self.0.public_url,
        ));
        self.0.current.store(fresh.clone());
        fresh
    }
}

/// Everything pages of one content version and one open-now wording share.
pub struct Rendered {
    snapshot: Arc<Snapshot>,
    /// One per location, in `site.toml` order.
    statuses: Vec<OpenStatus>,
    valid_until: Timestamp,
    assets: assets::Assets,
    public_url: url::Url,
    pages: RwLock<HashMap<String, Arc<Page>>>,
}

impl Rendered {
    fn new(
        snapshot: Arc<Snapshot>,
        now: Timestamp,
        branding: &Branding,
        public_url: &url::Url,
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
        let brand = snapshot
            .pack
            .as_ref()
            .map(|p| p.site.brand)
            .unwrap_or_default();
        Self {
            assets: assets::Assets::build(&brand, branding),
            snapshot,
            statuses,
            valid_until,
            public_url: public_url.clone(),
            pages: RwLock::default(),
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

    /// The content version these pages show.
    pub fn version(&self) -> i64 {
        self.snapshot.version
    }

    /// The search index of this content, or 404 when none has been imported.
    pub fn search_index(&self) -> Result<&crate::search::SearchIndex, AppError> {
        self.snapshot.search.as_deref().ok_or(AppError::NotFound)
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

    /// The frame every page shares, around the page's own `meta`.
    pub fn layout<'a>(&'a self, meta: Meta) -> Result<Layout<'a>, AppError> {
        let pack = self.pack()?;
        let view = |location: &'a Location| -> Option<LocationView<'a>> {
            self.status(location)
                .map(|status| LocationView { location, status })
        };
        Ok(Layout {
            site: &pack.site,
            css: self.assets.css_href(),
            logo: self.assets.logo_href(),
            script: self.assets.script_href(),
            locations: pack.site.locations.iter().filter_map(view).collect(),
            call: pack.site.main_location().and_then(view),
            canonical: self.url(&meta.path),
            meta,
        })
    }

    /// A fingerprinted asset by file name, or the favicon.
    pub fn asset(&self, name: &str) -> Option<&Page> {
        self.assets.get(name)
    }

    /// A cached page, or renders it with `render` and keeps it.
    fn page(
        &self,
        path: &str,
        content_type: &'static str,
        render: impl FnOnce(&Self) -> Result<String, AppError>,
    ) -> Result<Arc<Page>, AppError> {
        if let Some(page) = self.read_pages().get(path) {
            return Ok(page.clone());
        }
        let page = Arc::new(Page::new(content_type, render(self)?, Caching::Revalidate));
        let mut pages = self
            .pages
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(pages.entry(path.to_owned()).or_insert(page).clone())
    }

    fn read_pages(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Arc<Page>>> {
        // A panic while holding the lock cannot leave the map half-written (inserts are
        // single calls), so a poisoned lock is still safe to read.
        self.pages
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// What a page handler needs: the current rendered set, the path, and the two request headers
/// that decide the response (`Accept-Encoding`, `If-None-Match`).
pub struct PageRequest {
    pub site: Arc<Rendered>,
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
            path: parts.uri.path().to_owned(),
            headers,
        })
    }
}

impl PageRequest {
    /// An HTML page, rendered at most once per set. `NotFound` gives the 404 page with
    /// suggestions for this path.
    pub fn html(self, render: impl FnOnce(&Rendered) -> Result<String, AppError>) -> Response {
        self.cached("text/html; charset=utf-8", render)
    }

    /// Any cached text response (sitemap, robots.txt).
    pub fn cached(
        self,
        content_type: &'static str,
        render: impl FnOnce(&Rendered) -> Result<String, AppError>,
    ) -> Response {
        match self.site.page(&self.path, content_type, render) {
            Ok(page) => page.respond(&self.headers, StatusCode::OK),
            Err(AppError::NotFound) => self.not_found(),
            Err(error) => error.into_response(),
        }
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
mod tests {
    use super::*;

    fn rendered_at(now: &str) -> Rendered {
        let snapshot = Arc::new(Snapshot {
            version: 1,
            pack: Some(Arc::new(ContentPack::sample().unwrap())),
            search: None,
        });
        let url = url::Url::parse("http://localhost:8080/").unwrap();
        Rendered::new(snapshot, now.parse().unwrap(), &Branding::default(), &url)
    }

    #[test]
    fn a_set_lasts_until_the_first_location_changes_its_wording() {
        // Friday 20:00 UTC: West Hollywood (12:00) closes at 18:00 PST = 02:00 UTC; Denver (13:00)
        // closes at 17:30 MST = 00:30 UTC, which comes first.
        let set = rendered_at("2026-11-27T20:00:00Z");
        assert_eq!(set.valid_until.to_string(), "2026-11-28T00:30:00Z");
        assert_eq!(set.statuses.len(), 2);
        assert!(set.statuses.iter().all(|s| s.open));
        // Sunday noon in Los Angeles: both closed; the wording holds until Denver's midnight.
        let set = rendered_at("2026-11-29T20:00:00Z");
        assert!(set.statuses.iter().all(|s| !s.open));
        assert_eq!(set.valid_until.to_string(), "2026-11-30T07:00:00Z");
    }
}
