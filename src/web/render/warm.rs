//! The warm-up: when a set of pages is made (new content, new open-now wording), blocking
//! threads render every page the site lists — hot pages first — and make each one's best
//! compressed forms, so no request waits for brotli 11. Pages a request rendered first (served
//! with quick gzip meanwhile) and new assets jump the queue. At most half the cores work on it,
//! so serving keeps the rest.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use jiff::Timestamp;

use super::{Rendered, Renderer};
use crate::web::AppError;

/// A page to render before anyone asks for it.
pub struct Planned {
    path: String,
    content_type: &'static str,
    render: Box<dyn RenderFn>,
}

/// Whatever renders one page, as its handler does.
pub trait RenderFn: Fn(&Rendered) -> Result<String, AppError> + Send + Sync + 'static {}
impl<F: Fn(&Rendered) -> Result<String, AppError> + Send + Sync + 'static> RenderFn for F {}

impl Planned {
    /// The HTML page at `path` (the exact path requests use: the page is kept under it).
    pub fn html(path: impl Into<String>, render: impl RenderFn) -> Self {
        Self::text(path, "text/html; charset=utf-8", render)
    }

    /// Any other cached text response at `path`.
    pub fn text(
        path: impl Into<String>,
        content_type: &'static str,
        render: impl RenderFn,
    ) -> Self {
        Self {
            path: path.into(),
            content_type,
            render: Box::new(render),
        }
    }
}

/// A set's pages in the order to warm them, most requested first (the public pages supply it).
pub type Plan = fn(&Rendered) -> Vec<Planned>;

/// How many of a plan's pages are rendered ahead of requests. Every set (each content change,
/// each open-now change) is warmed again, and brotli 11 costs about 15 ms of CPU per page: a
/// library of 10,000 pages took 150 s of a core each time. Past this many, pages are rendered
/// when first asked (a few milliseconds, with quick gzip) and finished in the background, so the
/// work follows the traffic rather than the size of the library.
const AHEAD: usize = 600;

/// How long an idle warm-up sleeps at most before it checks the set is still current (open-now
/// wording follows the wall clock, which may jump).
const IDLE_CHECK: Duration = Duration::from_secs(60);

/// Warms each new set until the task is dropped; then its threads stop after their page.
pub(super) async fn run(renderer: Renderer) {
    let mut swapped = renderer.0.content.subscribe();
    let stop = StopOnDrop(Arc::default());
    loop {
        let set = renderer.current();
        warm(&renderer, &set, &stop.0).await;
        let expires = set.valid_until.duration_since(Timestamp::now());
        let wait = Duration::try_from(expires).map_or(Duration::ZERO, |d| d.min(IDLE_CHECK));
        tokio::select! {
            changed = swapped.changed() => {
                if changed.is_err() {
                    return; // The content cache is gone: the application is shutting down.
                }
            }
            () = renderer.0.wake.notified() => {}
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// Runs the set's queued pages and (once) its plan on the blocking pool, and waits for them.
async fn warm(renderer: &Renderer, set: &Arc<Rendered>, stop: &Arc<AtomicBool>) {
    let mut planned = if set.warmed() {
        Vec::new()
    } else {
        (renderer.0.plan)(set)
    };
    planned.truncate(AHEAD);
    let job = Arc::new(Job::new(set.clone(), planned));
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    let threads = std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1));
    for _ in 0..threads {
        let (job, renderer, stop) = (job.clone(), renderer.clone(), stop.clone());
        workers.spawn_blocking(move || {
            job.work(|| !stop.load(Ordering::Relaxed) && renderer.is_fresh(&job.set))
        });
    }
    let mut complete = true;
    while let Some(worker) = workers.join_next().await {
        match worker {
            Ok(finished) => complete &= finished,
            Err(error) => {
                complete = false;
                tracing::error!(%error, "a page warm-up thread failed");
            }
        }
    }
    if complete && !set.warmed() {
        set.warmed.store(true, Ordering::Release);
        tracing::info!(
            version = set.version(),
            pages = job.planned.len(),
            seconds = started.elapsed().as_secs_f64(),
            "pages rendered and compressed ahead of requests"
        );
    }
}

/// One warm-up of one set, shared by its threads: queued pages first, then the plan in order.
struct Job {
    set: Arc<Rendered>,
    planned: Vec<Planned>,
    /// The next entry of `planned` to take.
    next: AtomicUsize,
}

impl Job {
    fn new(set: Arc<Rendered>, planned: Vec<Planned>) -> Self {
        Self {
            set,
            planned,
            next: AtomicUsize::new(0),
        }
    }

    /// Works while `wanted()` holds; returns whether it ran out of work (rather than being
    /// stopped).
    fn work(&self, wanted: impl Fn() -> bool) -> bool {
        // A new brand's stylesheet and logo (a handful of small files) go first.
        for asset in self.set.assets.pages() {
            if !wanted() {
                return false;
            }
            asset.finish();
        }
        loop {
            if !wanted() {
                return false;
            }
            if let Some((path, page)) = self.set.next_asked() {
                self.set.finish_kept(&path, &page);
                continue;
            }
            let Some(planned) = self.planned.get(self.next.fetch_add(1, Ordering::Relaxed)) else {
                return true;
            };
            if let Some(page) = self.set.kept(&planned.path) {
                self.set.finish_kept(&planned.path, &page);
                continue;
            }
            match self
                .set
                .render_finished(&planned.path, planned.content_type, &planned.render)
            {
                Ok(_) => {}
                // The page answers 404 to requests too (the plan lists what the content links).
                Err(AppError::NotFound) => {}
                Err(error) => tracing::warn!(
                    path = %planned.path,
                    error = format!("{error:#}"),
                    "cannot render a page ahead of requests"
                ),
            }
        }
    }
}

/// Tells the warm-up threads to stop when the task that owns it is dropped (aborted at
/// shutdown), so the runtime need not wait for a whole warm-up before it can end.
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;
    use crate::web::render::tests::rendered_at;

    fn set() -> Arc<Rendered> {
        Arc::new(rendered_at("2026-11-27T20:00:00Z"))
    }

    fn body(text: &'static str) -> impl RenderFn {
        move |_| Ok(text.repeat(100))
    }

    #[test]
    fn pages_a_request_rendered_go_before_the_list() {
        let set = set();
        let asked = set
            .render_asked("/asked", "text/html", |_| Ok("asked ".repeat(100)))
            .unwrap();
        let job = Job::new(
            set.clone(),
            vec![
                Planned::html("/a", body("a ")),
                Planned::html("/b", body("b ")),
            ],
        );
        // Allowed the assets and one page only: the asked one.
        let allowed = set.assets.pages().count() + 1;
        let calls = AtomicUsize::new(0);
        assert!(!job.work(|| calls.fetch_add(1, Ordering::Relaxed) < allowed));
        assert!(asked.is_finished());
        assert!(set.kept("/a").is_none() && set.kept("/b").is_none());

        assert!(job.work(|| true), "ran out of work");
        for path in ["/a", "/b"] {
            assert!(set.kept(path).unwrap().is_finished(), "{path}");
        }
    }

    #[test]
    fn a_page_a_request_kept_first_is_finished_not_rendered_again() {
        let set = set();
        let kept = set
            .render_asked("/a", "text/html", |_| Ok("first ".repeat(100)))
            .unwrap();
        let job = Job::new(set.clone(), vec![Planned::html("/a", body("second "))]);
        assert!(job.work(|| true));
        let now = set.kept("/a").unwrap();
        // Finished, and kept in its place without its quick form: the body the request
        // rendered, not the plan's.
        assert!(now.is_finished());
        assert_eq!(now.plain_len(), "first ".len() * 100);
        assert_eq!(kept.plain_len(), now.plain_len());
    }

    #[test]
    fn a_missing_page_is_skipped_and_an_unwanted_set_left_alone() {
        let set = set();
        let job = Job::new(
            set.clone(),
            vec![
                Planned::html("/gone", |_| Err(AppError::NotFound)),
                Planned::html("/b", body("b ")),
            ],
        );
        assert!(!job.work(|| false));
        assert!(set.kept("/b").is_none(), "a stale set is not worked on");
        assert!(job.work(|| true));
        assert!(set.kept("/gone").is_none());
        assert!(set.kept("/b").unwrap().is_finished());
    }
}
