//! The pages a set keeps, by path: found for a request, rendered for a request that found
//! none (quick gzip, queued for its best forms), or kept by the warm-up once finished.

use std::collections::hash_map::Entry;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::{Caching, Page, Rendered};
use crate::web::AppError;

/// What a set keeps, in bytes of page forms. Up to `PLAIN_BUDGET`, pages keep their body as it
/// is beside its compressed forms (the sample pack's pages fit many times over); past it they
/// keep only their gzip and brotli forms, and the rare client that takes neither gets the gzip
/// form unpacked. Past `KEPT_BUDGET` (thousands of pages: a crawler walking a large library), a
/// page rendered for a request is sent but not kept, and the next request renders it again —
/// a few milliseconds — so memory stays bounded whatever the library's size.
const PLAIN_BUDGET: usize = 24 << 20;
const KEPT_BUDGET: usize = 64 << 20;

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
        let mut page = Page::quick(content_type, render(self)?, Caching::Revalidate);
        if !self.hold(page.size(), PLAIN_BUDGET) {
            page = page.without_plain();
            if !self.hold(page.size(), KEPT_BUDGET) {
                return Ok(Arc::new(page)); // Sent, not kept: the set is full.
            }
        }
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
        let keep_plain = self.hold(page.size(), PLAIN_BUDGET);
        let page = match page.trimmed(keep_plain) {
            Some(trimmed) if !keep_plain => {
                // The warm-up's pages are kept whatever the budget: they are the hot ones.
                self.hold(trimmed.size(), usize::MAX);
                trimmed
            }
            Some(trimmed) => trimmed,
            None => page,
        };
        Ok(self.keep(path, page, |kept| !kept.is_finished()))
    }

    /// Makes the best forms of the page kept for `path`, then keeps it trimmed in its place:
    /// without its quick form, and with its body as it is only if it had it.
    /// CPU-heavy: the warm-up's threads.
    pub(super) fn finish_kept(&self, path: &str, page: &Arc<Page>) {
        let before = page.size();
        page.finish();
        if let Some(trimmed) = page.trimmed(page.plain_len() > 0) {
            let after = trimmed.size();
            self.keep(path, trimmed, |kept| std::ptr::eq(kept, page.as_ref()));
            let _ = self
                .held
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |used| {
                    Some(used.saturating_add(after).saturating_sub(before))
                });
        }
    }

    /// Counts `bytes` more as held if that stays within `limit`; whether it did. Approximate
    /// by design: two requests rendering one page at once may both count it.
    fn hold(&self, bytes: usize, limit: usize) -> bool {
        self.held
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |used| {
                (used.saturating_add(bytes) <= limit).then_some(used.saturating_add(bytes))
            })
            .is_ok()
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

    /// The oldest page a request rendered that still lacks its best forms, with its path.
    pub(super) fn next_asked(&self) -> Option<(String, Arc<Page>)> {
        loop {
            let path = self
                .asked
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .pop_front()?;
            match self.kept(&path) {
                Some(page) if !page.is_finished() => return Some((path, page)),
                _ => continue,
            }
        }
    }
}
