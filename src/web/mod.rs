//! The HTTP server. `Application::build` prepares everything and binds the listener (port 0
//! works, for tests); `run_until_stopped` serves until shutdown, finishing requests in flight.

mod api;
mod cache;
mod client;
pub mod connections;
pub mod content_api;
mod edge;
mod error;
mod headers;
mod health;
pub(crate) mod hosts;
pub mod housekeeping;
pub mod https;
pub(crate) mod markdown;
pub mod metrics;
mod opt_out;
mod public;
mod render;
mod request_id;
pub(crate) mod requests;
mod serve;
mod staff;
mod state;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;

pub use cache::ContentCache;
pub use error::AppError;
pub use render::{Branding, Renderer};
pub use staff::route_list as staff_routes;
pub use state::AppState;

use crate::clock::{Clock, SystemClock};
use crate::config::Settings;
use crate::content::ContentPack;
use crate::store::{self, ImportMode, Store};

/// A ready-to-run server: database migrated, content loaded, socket bound.
pub struct Application {
    /// One per server thread, all on the same port.
    listeners: Vec<std::net::TcpListener>,
    state: AppState,
    grace: Duration,
    refresh: Duration,
    /// Housekeeping: how long closed requests keep their contents, and how often it runs.
    housekeeping: (Duration, Duration),
    hsts: bool,
    notifier: crate::notify::Notifier,
    /// HTTPS on the main listeners, when configured.
    https: Option<https::Https>,
    /// The plain-HTTP listener that only redirects to `public_url`.
    redirect: Option<(std::net::TcpListener, url::Url)>,
    /// The listener that serves only `/metrics`.
    metrics: Option<std::net::TcpListener>,
    backups: Option<crate::backup::schedule::Schedule>,
    /// What every connection of the main listeners is held to.
    guard: serve::Guard,
}

impl Application {
    /// Connects and migrates the database, loads the sample content into an empty one (when
    /// enabled), fills the content cache and binds the listening socket.
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        Self::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    /// `build`, with the time taken from `clock` (tests move a manual clock).
    pub async fn build_with_clock(
        settings: &Settings,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Self> {
        // This runtime's pool serves start-up and the background tasks; each HTTP thread
        // opens its own (`AppState::on_this_runtime`).
        let store = store::connect(settings.database_url())
            .await
            .context("cannot open the database")?;
        store
            .migrate()
            .await
            .context("cannot migrate the database")?;
        // Version 0: nothing was ever imported (every import into an empty database bumps it).
        if settings.sample_content && store.content_version().await? == 0 {
            load_sample(store.as_ref()).await?;
        }
        let cache = ContentCache::load(store.clone()).await?;
        let branding = Branding::load(settings)?;
        let renderer = Renderer::new(
            cache.clone(),
            branding,
            settings.public_url.clone(),
            public::plan,
        );
        let notifier = crate::notify::Notifier::from_settings(settings)?;
        crate::staff::password::warm_up();
        let verifier = tokio::task::spawn_blocking(crate::staff::password::Verifier::new)
            .await?
            .context("cannot prepare password checks")?;
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        let listeners = serve::bind(settings.bind, threads)?;
        let bound = listeners
            .first()
            .context("no listening socket")?
            .local_addr()?;
        let keys = Arc::new(crate::requests::DataKeys::from_settings(settings)?);
        let (text, email) = notifier.patient_channels();
        let updates = state::Updates {
            text,
            email,
            sms: notifier.sms.clone(),
            public_url: settings.public_url.clone(),
        };
        let https = https::from_settings(settings).await?;
        let redirect = settings
            .http_redirect_bind
            .map(|address| {
                serve::bind(address, 1)
                    .map(|mut sockets| (sockets.remove(0), settings.public_url.clone()))
                    .with_context(|| format!("http_redirect_bind {address}"))
            })
            .transpose()?;
        let metrics = settings
            .metrics_bind
            .map(|address| {
                serve::bind(address, 1)
                    .map(|mut sockets| sockets.remove(0))
                    .with_context(|| format!("metrics_bind {address}"))
            })
            .transpose()?;
        let backups = crate::backup::schedule::Schedule::from_settings(settings)?;
        let room = usize::try_from(connections::raise_file_limit()).unwrap_or(usize::MAX);
        let guard = serve::Guard {
            registry: connections::Registry::new(
                settings.max_connections.unwrap_or(room).min(room),
                settings.max_connections_per_address,
                Arc::new(settings.trusted_proxies.clone()),
            ),
            timeouts: connections::Timeouts {
                first_byte: serve::HEADER_READ_TIMEOUT.min(settings.connection_idle_timeout),
                idle: settings.connection_idle_timeout,
            },
        };
        let limits = requests::Limits::new(
            (
                requests::Limiter::per_hour(settings.request_limit_per_hour),
                requests::Limiter::per_hour(settings.sign_in_limit_per_hour),
                requests::Limiter::per_hour(settings.api_limit_per_hour),
            ),
            keys.derive(RATE_LIMIT_KEY_LABEL),
        );
        Ok(Self {
            listeners,
            state: AppState::new(
                state::Parts {
                    content: cache,
                    renderer,
                    trusted_proxies: Arc::new(settings.trusted_proxies.clone()),
                    origins: requests::csrf::Origins::new(&settings.public_url, bound),
                    hosts: hosts::Hosts::new(&settings.public_url, bound),
                    request_timeout: settings.request_timeout,
                    form_tokens: requests::csrf::FormTokens::new(&keys),
                    keys,
                    updates,
                    secure: settings.public_url.scheme() == "https",
                    limits,
                    channels: notifier.channels(),
                    staff: state::StaffPolicy::from_settings(settings),
                    publishing: tokio::sync::Mutex::default(),
                    metrics_token: settings.metrics_token.clone(),
                    clock,
                    verifier,
                },
                store,
            ),
            hsts: settings.hsts_enabled(),
            notifier,
            https,
            redirect,
            metrics,
            backups,
            guard,
            grace: settings.shutdown_timeout,
            refresh: settings.content_refresh_every.max(Duration::from_secs(1)),
            housekeeping: (
                settings.request_purge_after,
                settings.housekeeping_every.max(Duration::from_secs(1)),
            ),
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listeners
            .first()
            .ok_or_else(|| std::io::Error::other("no listening socket"))?
            .local_addr()
    }

    pub fn port(&self) -> u16 {
        self.local_addr().map_or(0, |a| a.port())
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then stops accepting and lets requests in flight
    /// finish for up to the configured grace period.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let feed = self.state.store().content_feed();
        let refresher = self.state.content().spawn_refresh(self.refresh, feed);
        let warm_up = self.state.renderer().spawn_warm_up();
        let (retention, every) = self.housekeeping;
        let housekeeper = housekeeping::spawn(self.state.clone(), retention, every);
        let notifier = if self.notifier.is_configured() {
            Some(crate::notify::spawn(crate::notify::Courier {
                store: self.state.store().clone(),
                notifier: self.notifier,
                keys: self.state.shared_keys(),
                clock: self.state.shared_clock(),
                public_url: self.state.updates().public_url.clone(),
            }))
        } else {
            tracing::warn!(
                "no smtp_url and notify_email_to, nor notify_webhook_url, set: \
                 staff notifications wait in the outbox"
            );
            None
        };
        let (stopping_tx, mut stopping_rx) = tokio::sync::watch::channel(false);
        let mut side_tasks = Vec::new();
        if let Some(schedule) = self.backups {
            side_tasks.push(schedule.spawn(self.state.store().clone(), self.state.shared_clock()));
        }
        if let Some((listener, public_url)) = self.redirect {
            let router = redirect_router(public_url);
            let (stopping, guard) = (stopping_rx.clone(), self.guard.clone());
            side_tasks.push(tokio::spawn(async move {
                if let Ok(listener) = tokio::net::TcpListener::from_std(listener) {
                    serve::serve(listener, router, None, guard, stopping).await;
                }
            }));
        }
        if let Some(listener) = self.metrics {
            let store = self.state.store().clone();
            let router = Router::new().route(
                "/metrics",
                axum::routing::get(move || {
                    let store = store.clone();
                    async move { metrics::respond(store.as_ref()).await }
                }),
            );
            let (stopping, guard) = (stopping_rx.clone(), self.guard.clone());
            side_tasks.push(tokio::spawn(async move {
                if let Ok(listener) = tokio::net::TcpListener::from_std(listener) {
                    serve::serve(listener, router, None, guard, stopping).await;
                }
            }));
        }
        side_tasks.push(tokio::spawn(hangups(self.https.is_some())));
        let (tls, keeper) = match self.https {
            Some(https) => (Some(https.acceptor), Some(https.keeper)),
            None => (None, None),
        };
        side_tasks.extend(keeper);
        let signal = async move {
            shutdown.await;
            tracing::info!("shutting down: finishing requests in flight");
            let _ = stopping_tx.send(true);
        };
        let (state, hsts) = (self.state.clone(), self.hsts);
        // Called on each HTTP thread's own runtime, so its store connects from there.
        let app = move || router(state.on_this_runtime(), hsts);
        let server = serve::on_threads(self.listeners, app, tls, self.guard, stopping_rx.clone())?;
        tokio::spawn(signal);
        let grace = self.grace;
        let deadline = async move {
            let _ = stopping_rx.wait_for(|stopping| *stopping).await;
            tokio::time::sleep(grace).await;
        };
        tokio::select! {
            result = server => result.context("server threads")??,
            () = deadline => tracing::warn!(?grace, "grace period over; stopping with requests still open"),
        }
        refresher.abort();
        warm_up.abort();
        housekeeper.abort();
        if let Some(notifier) = notifier {
            notifier.abort();
        }
        for task in side_tasks {
            task.abort();
        }
        self.state.store().close().await;
        Ok(())
    }
}

/// Separates the key of the shared rate-limit buckets from every other key derived from the
/// data key.
const RATE_LIMIT_KEY_LABEL: &str = "pestle rate-limit buckets v1";

/// Every route, with the state they share; `hsts` adds `Strict-Transport-Security`.
pub fn router(state: AppState, hsts: bool) -> Router {
    let router = Router::new()
        .merge(health::router())
        .merge(public::router())
        .merge(api::router())
        .merge(content_api::router())
        .merge(requests::router())
        .merge(opt_out::router())
        .merge(staff::router())
        .route("/metrics", axum::routing::get(metrics::guarded))
        .fallback(public::fallback);
    // Every handler (limits, sign-in, audit) sees the client.
    let trusted = state.trusted_proxies();
    let edge = edge::Edge {
        hosts: state.hosts(),
        request_timeout: state.request_timeout(),
        hsts,
    };
    router
        .layer(axum::middleware::map_request(move |request| {
            client::resolve(trusted.clone(), request)
        }))
        .layer(tower_http::trace::TraceLayer::new_for_http().make_span_with(request_span))
        // Outermost: its request id is in the log span the trace layer makes.
        .layer(axum::middleware::from_fn(move |request, next| {
            edge.clone().run(request, next)
        }))
        .with_state(state)
}

/// The plain-HTTP listener's only answer: the same path and query at `public_url`, permanently.
fn redirect_router(public_url: url::Url) -> Router {
    Router::new().fallback(move |uri: axum::http::Uri| {
        let mut target = public_url.clone();
        target.set_path(uri.path());
        target.set_query(uri.query());
        async move { axum::response::Redirect::permanent(target.as_str()) }
    })
}

/// SIGHUP is how operators (and `systemctl reload`) ask for a reload; with certificate files
/// they are re-read (`https::files`), and otherwise it is only logged — never the default
/// action, which would end the process.
async fn hangups(certificate_files: bool) {
    let Ok(mut hangup) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
    else {
        return;
    };
    while hangup.recv().await.is_some() {
        if !certificate_files {
            tracing::info!("SIGHUP: nothing to reload (settings are read at start)");
        }
    }
}

/// The span a request's log lines sit in: its id (`x-request-id`), method and route template
/// (`/search`, `/staff/setup/{token}`), never the path or query as sent, which carry what
/// patients search for and setup-link tokens. Status and latency come with the response line
/// (at debug). At info, so every line a request logs carries its id.
fn request_span<B>(request: &axum::http::Request<B>) -> tracing::Span {
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("(no route)", axum::extract::MatchedPath::as_str);
    let id = request
        .extensions()
        .get::<request_id::RequestId>()
        .map_or("", |id| id.0.as_str());
    tracing::info_span!("request", id = %id, method = %request.method(), route = %route)
}

/// Imports the built-in sample pack; a broken pack is a build defect, reported plainly.
pub async fn load_sample(store: &dyn Store) -> anyhow::Result<()> {
    let pack = ContentPack::sample().map_err(|problems| {
        let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
        anyhow::anyhow!(
            "the built-in sample content has problems:\n{}",
            list.join("\n")
        )
    })?;
    let report = store.import(&pack, ImportMode::Keep).await?;
    tracing::info!(%report, "loaded the built-in sample content into an empty database");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
