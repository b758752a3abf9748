//! The pages a set keeps, by path: found for a request, rendered for a request that found
//! none (quick gzip, queued for its best forms), or kept by the warm-up once finished.

use std::collections::hash_map::Entry;
use std::sync::Arc;

use super::{Caching, Page, Rendered};
use crate::web::AppError;

impl Rendered {
    /// The kept page for `path`, if it was rendered.
    pub(super) fn kept(&self, path: &str) -> Option<Arc<Page>> {
        // A panic while holding the lock cannot leave the map half-written (inserts are
        // single calls), so a poisoned lock is still safe to read.
        self.pages
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(path)
            .cloned()
    }

    /// Renders the page for `path` for a request that found none: kept with a quick gzip form
    /// (or the page another thread kept first) and queued for its best forms. CPU work: only on
    /// the blocking pool.
    pub(super) fn render_asked(
        &self,
        path: &str,
        content_type: &'static str,
        render: impl FnOnce(&Self) -> Result<String, AppError>,
    ) -> Result<Arc<Page>, AppError> {
        let page = Page::quick(content_type, render(self)?, Caching::Revalidate);
        let page = self.keep(path, page, |_| false);
        if !page.is_finished() {
            self.asked
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .push_back(path.to_owned());
            self.wake.notify_one();
        }
        Ok(page)
    }

    /// Renders the page for `path` and makes its best forms before keeping it, in place of a
    /// page a request kept meanwhile with only quick gzip. CPU-heavy: the warm-up's threads.
    pub(super) fn render_finished(
        &self,
        path: &str,
        content_type: &'static str,
        render: impl FnOnce(&Self) -> Result<String, AppError>,
    ) -> Result<Arc<Page>, AppError> {
        let page = Page::new(content_type, render(self)?, Caching::Revalidate);
        page.finish();
        Ok(self.keep(path, page, |kept| !kept.is_finished()))
    }

    /// Keeps `page` for `path` unless a page is kept there already that `replace` declines;
    /// returns the page kept.
    fn keep(&self, path: &str, page: Page, replace: impl FnOnce(&Page) -> bool) -> Arc<Page> {
        let mut pages = self
            .pages
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match pages.entry(path.to_owned()) {
            Entry::Occupied(mut kept) if replace(kept.get()) => {
                kept.insert(Arc::new(page));
                kept.get().clone()
            }
            Entry::Occupied(kept) => kept.get().clone(),
            Entry::Vacant(slot) => slot.insert(Arc::new(page)).clone(),
        }
    }

    /// The oldest page a request rendered that still lacks its best forms.
    pub(super) fn next_asked(&self) -> Option<Arc<Page>> {
        loop {
            let path = self
                .asked
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .pop_front()?;
            match self.kept(&path) {
                Some(page) if !page.is_finished() => return Some(page),
                _ => continue,
            }
        }
    }
}
