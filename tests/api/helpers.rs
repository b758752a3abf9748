//! Shared test setup: fresh databases on either backend, a running app on a random port, the
//! `pestle` binary, and the content folders under `tests/fixtures`.

use std::path::PathBuf;
use std::sync::Arc;

use pestle::clock::{Clock, ManualClock, SystemClock};
use pestle::config::Settings;
use pestle::content::{ContentPack, read_folder};
use pestle::store::{self, Store};
use pestle::web::Application;
use rand::distr::{Alphanumeric, SampleString};
use sqlx::Connection;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates one `#[tokio::test]` per backend for each listed `async fn name(Backend)` of the
/// calling module, in submodules `sqlite` and `postgres` (so both show in the test names).
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                super::$name($crate::helpers::Backend::Sqlite).await
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                super::$name($crate::helpers::Backend::Postgres).await
            })*
        }
    };
}
pub(crate) use on_both_backends;

/// A fresh, empty database that is removed when dropped.
pub struct TestDb {
    pub url: String,
    /// Keeps a SQLite database's folder alive until the test ends; `None` for PostgreSQL.
    _dir: Option<tempfile::TempDir>,
    /// The admin URL and database name to drop, for PostgreSQL.
    postgres: Option<(String, String)>,
}

/// The PostgreSQL server tests use. Never skipped: if it cannot be reached, tests fail and say
/// how to point them at one (`scripts/test` starts a throwaway server when none is running).
pub fn postgres_admin_url() -> String {
    std::env::var("PESTLE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

impl TestDb {
    pub async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("pestle.db").display());
                Self {
                    url,
                    _dir: Some(dir),
                    postgres: None,
                }
            }
            Backend::Postgres => {
                let admin = postgres_admin_url();
                let name = format!(
                    "pestle_test_{}",
                    Alphanumeric
                        .sample_string(&mut rand::rng(), 16)
                        .to_lowercase()
                );
                let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL tests need a server at {admin} (set PESTLE_TEST_POSTGRES_URL, \
                         or run ./scripts/test which starts one): {e}"
                    )
                });
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .await
                    .unwrap();
                conn.close().await.unwrap();
                let url = match admin.rsplit_once('/') {
                    Some((server, _)) => format!("{server}/{name}"),
                    None => panic!("PESTLE_TEST_POSTGRES_URL must end with /DATABASE"),
                };
                Self {
                    url,
                    _dir: None,
                    postgres: Some((admin, name)),
                }
            }
        }
    }

    pub async fn store(&self) -> Arc<dyn Store> {
        let store = store::connect(&self.url).await.unwrap();
        store.migrate().await.unwrap();
        store
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs outside async; a short-lived runtime on its own thread removes the database.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let mut conn = sqlx::PgConnection::connect(&admin).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await?;
                conn.close().await
            })?;
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("warning: could not drop a test database: {dropped:?}");
        }
    }
}

/// An HTTP client builder for tests. pestle's TLS provider (ring) is installed first: reqwest
/// is built without a default one, and the tests share the crate's features.
pub fn http_client() -> reqwest::ClientBuilder {
    pestle::tls::install_provider();
    reqwest::Client::builder()
}

/// The data key test apps seal requests with (tests open what they stored with it).
pub const TEST_DATA_KEY: &str =
    "t1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

/// A running pestle on a random port with its own fresh database.
pub struct TestApp {
    pub address: String,
    pub db: TestDb,
    pub client: reqwest::Client,
}

/// Starts the app in-process on 127.0.0.1:0 with a fresh database holding the sample content.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// `spawn_app` with settings changed by `configure` first.
pub async fn spawn_app_with(backend: Backend, configure: impl FnOnce(&mut Settings)) -> TestApp {
    start(backend, configure, Arc::new(SystemClock)).await
}

/// `spawn_app` on a clock the test moves (`ManualClock::advance`) instead of sleeping.
pub async fn spawn_app_with_clock(
    backend: Backend,
    configure: impl FnOnce(&mut Settings),
) -> (TestApp, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::starting_now());
    (start(backend, configure, clock.clone()).await, clock)
}

/// Another instance on `first`'s database (which `first` keeps and drops), as behind a load
/// balancer.
pub async fn spawn_app_on(first: &TestApp, configure: impl FnOnce(&mut Settings)) -> TestApp {
    let db = TestDb {
        url: first.db.url.clone(),
        _dir: None,
        postgres: None,
    };
    start_on(db, configure, Arc::new(SystemClock)).await
}

async fn start(
    backend: Backend,
    configure: impl FnOnce(&mut Settings),
    clock: Arc<dyn Clock>,
) -> TestApp {
    start_on(TestDb::new(backend).await, configure, clock).await
}

async fn start_on(
    db: TestDb,
    configure: impl FnOnce(&mut Settings),
    clock: Arc<dyn Clock>,
) -> TestApp {
    let mut settings = settings_for(&db.url);
    configure(&mut settings);
    let app = Application::build_with_clock(&settings, clock)
        .await
        .expect("app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    let client = http_client()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        address,
        db,
        client,
    }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.get_with(path, &[]).await
    }

    /// GET with extra request headers.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.address));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.unwrap()
    }

    /// The body of a `200` page, as text.
    pub async fn page(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.text().await.unwrap()
    }
}

/// Default settings with the given database and a random port.
pub fn settings_for(database_url: &str) -> Settings {
    let overrides = pestle::config::Overrides {
        database_url: Some(database_url.to_owned()),
        bind: Some("127.0.0.1:0".parse().unwrap()),
    };
    let mut settings = Settings::load(None, &overrides).unwrap();
    // Never the default key file: that would be created in the working directory.
    settings.data_key = Some(TEST_DATA_KEY.to_owned().into());
    // Tests post many forms from one address; the limit itself has its own test.
    settings.request_limit_per_hour = 1_000_000;
    settings
}

/// A loopback port nobody listens on yet.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A port for a server that is down for now: bound, so no other test or connection is given
/// it meanwhile, but not listening, so connections to it are refused — until `listen`.
/// (`free_port` leaves a window in which the port can be taken by anything else.)
pub struct HeldPort {
    socket: socket2::Socket,
    pub port: u16,
}

impl HeldPort {
    pub fn new() -> Self {
        use socket2::{Domain, Socket, Type};
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        let address: std::net::SocketAddr = "127.0.0.1:0".parse().unwrap();
        socket.bind(&address.into()).unwrap();
        let port = socket.local_addr().unwrap().as_socket().unwrap().port();
        Self { socket, port }
    }

    /// The server comes up on the held port.
    pub fn listen(self) -> tokio::net::TcpListener {
        self.socket.listen(128).unwrap();
        self.socket.set_nonblocking(true).unwrap();
        tokio::net::TcpListener::from_std(self.socket.into()).unwrap()
    }
}

/// The repository's root (where `content/` and `tests/fixtures/` are).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures").join(name)
}

/// The sample content folder, checked and loaded.
pub fn sample_pack() -> ContentPack {
    let files = read_folder(&repo_root().join("content")).unwrap();
    ContentPack::from_files("content", &files).unwrap()
}

/// Runs the `pestle` binary with `args` and extra environment; returns status, stdout, stderr.
pub fn pestle(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    pestle_with_stdin(args, env, "")
}

/// `pestle`, with `stdin` piped in.
pub fn pestle_with_stdin(
    args: &[&str],
    env: &[(&str, &str)],
    stdin: &str,
) -> (i32, String, String) {
    run_pestle(args, env, stdin, true)
}

/// `pestle` with the data keys its configuration names (a key file), not the test key.
pub fn pestle_own_keys(args: &[&str]) -> (i32, String, String) {
    run_pestle(args, &[], "", false)
}

fn run_pestle(
    args: &[&str],
    env: &[(&str, &str)],
    stdin: &str,
    test_key: bool,
) -> (i32, String, String) {
    use std::io::Write;
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_pestle"));
    command
        .args(args)
        .env_remove("PESTLE_DATABASE_URL")
        .env_remove("PESTLE_CONFIG")
        .env_remove("PESTLE_DATA_KEY");
    if test_key {
        command.env("PESTLE_DATA_KEY", TEST_DATA_KEY);
    }
    for (key, value) in env {
        command.env(key, value);
    }
    command
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().unwrap();
    if let Some(mut pipe) = child.stdin.take() {
        let _ = pipe.write_all(stdin.as_bytes());
    }
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A real `pestle serve` process on a free port with a temporary SQLite database, its stderr
/// (the log) read line by line in the background.
pub struct Served {
    pub child: std::process::Child,
    pub address: String,
    /// Every log line so far, then more as they arrive from `lines`.
    pub log: Vec<String>,
    lines: std::sync::mpsc::Receiver<String>,
    /// The working folder (and SQLite database) when this `Served` made its own.
    _dir: Option<tempfile::TempDir>,
}

/// Starts `pestle serve` with `PESTLE_LOG=log_level` on a fresh SQLite database and waits for
/// its "listening on" line.
pub fn serve_binary(log_level: &str) -> Served {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("pestle.db").display());
    let mut served = serve_binary_on(&url, dir.path(), log_level, &[]);
    served._dir = Some(dir);
    served
}

/// Starts `pestle serve` on the database at `url`, in folder `workdir`, with extra environment.
pub fn serve_binary_on(
    url: &str,
    workdir: &std::path::Path,
    log_level: &str,
    env: &[(&str, &str)],
) -> Served {
    serve_binary_at("127.0.0.1:0", url, workdir, log_level, env)
}

/// `serve_binary_on`, listening on `bind` (to restart an instance where a proxy expects it).
pub fn serve_binary_at(
    bind: &str,
    url: &str,
    workdir: &std::path::Path,
    log_level: &str,
    env: &[(&str, &str)],
) -> Served {
    use std::io::BufRead;
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_pestle"));
    command
        .args(["serve", "--bind", bind])
        .current_dir(workdir)
        .env_remove("PESTLE_CONFIG")
        .env("PESTLE_DATABASE_URL", url)
        .env("PESTLE_DATA_KEY", TEST_DATA_KEY)
        .env("PESTLE_LOG", log_level)
        .env("NO_COLOR", "1")
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (sender, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = sender.send(line);
        }
    });
    let mut log = Vec::new();
    let address = loop {
        let Ok(line) = lines.recv_timeout(std::time::Duration::from_secs(60)) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "serve did not print its address; its log:\n{}",
                log.join("\n")
            );
        };
        log.push(line.clone());
        if let Some(at) = line.find("listening on http://") {
            let rest = &line[at + "listening on ".len()..];
            let word = rest.split_whitespace().next().unwrap();
            break word
                .chars()
                .take_while(|c| !c.is_control())
                .collect::<String>();
        }
    };
    Served {
        child,
        address,
        log,
        lines,
        _dir: None,
    }
}

/// A test that fails midway must not leave a server running.
impl Drop for Served {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Served {
    /// Sends SIGTERM, waits (at most 20 s) for the exit status, and collects the rest of the log.
    pub fn stop(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status();
        assert!(sent.unwrap().success());
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(20),
                "serve did not stop on SIGTERM"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        };
        while let Ok(line) = self.lines.recv_timeout(std::time::Duration::from_secs(2)) {
            self.log.push(line);
        }
        status
    }
}

/// The database's bytes: SQLite's file and WAL, or PostgreSQL's full dump.
pub fn database_text(app: &TestApp, backend: Backend) -> String {
    match backend {
        Backend::Sqlite => {
            let path = app.db.url.trim_start_matches("sqlite://").to_owned();
            let mut bytes = Vec::new();
            for suffix in ["", "-wal"] {
                if let Ok(mut file) = std::fs::File::open(format!("{path}{suffix}")) {
                    std::io::Read::read_to_end(&mut file, &mut bytes).unwrap();
                }
            }
            assert!(bytes.len() > 10_000);
            String::from_utf8_lossy(&bytes).into_owned()
        }
        Backend::Postgres => {
            let dump = std::process::Command::new("pg_dump")
                .args(["--data-only", &app.db.url])
                .output()
                .expect("pg_dump runs");
            assert!(dump.status.success(), "{dump:?}");
            String::from_utf8_lossy(&dump.stdout).into_owned()
        }
    }
}
