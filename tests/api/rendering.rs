//! Rendering off the serving threads: when new content lands, pages are rendered and compressed
//! in the background, hot pages first. A request that comes before its page is ready gets quick
//! gzip with that form's own ETag, and brotli once the background has made it — never a `304`
//! for bytes it does not hold.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use pestle::content::{ContentPack, Slug};
use pestle::store::ImportMode;
use pestle::web::{AppState, Application};

use crate::helpers::{Backend, TestDb, http_client, sample_pack, settings_for};

/// A running app whose state the test can look into (to refresh content now, and to see the
/// warm-up's progress).
struct Running {
    state: AppState,
    address: String,
    client: reqwest::Client,
    db: TestDb,
}

async fn start() -> Running {
    let db = TestDb::new(Backend::Sqlite).await;
    let app = Application::build(&settings_for(&db.url)).await.unwrap();
    let state = app.state().clone();
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    Running {
        state,
        address,
        client: http_client().build().unwrap(),
        db,
    }
}

/// What a browser gets for `path`: status, `Content-Encoding`, ETag, and the decoded body.
struct Got {
    status: u16,
    encoding: Option<String>,
    etag: String,
    body: String,
}

impl Running {
    async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Got {
        // reqwest is built without decompression: it neither asks for an encoding nor decodes.
        let mut request = self.client.get(format!("{}{path}", self.address));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        let header = |name: &str| {
            let value = response.headers().get(name)?;
            Some(value.to_str().unwrap().to_owned())
        };
        let (status, encoding, etag) = (
            response.status().as_u16(),
            header("content-encoding"),
            header("etag").unwrap_or_default(),
        );
        let bytes = response.bytes().await.unwrap();
        let mut plain = Vec::new();
        match encoding.as_deref() {
            None => plain = bytes.to_vec(),
            Some("gzip") => {
                flate2::read::GzDecoder::new(&bytes[..])
                    .read_to_end(&mut plain)
                    .unwrap();
            }
            Some("br") => brotli::BrotliDecompress(&mut &bytes[..], &mut plain).unwrap(),
            Some(other) => panic!("GET {path}: unexpected encoding {other}"),
        }
        Got {
            status,
            encoding,
            etag,
            body: String::from_utf8(plain).unwrap(),
        }
    }

    /// Imports `pack` (only it: what it lacks is removed) and swaps it in now, not at the next
    /// refresh tick.
    async fn publish(&self, pack: &ContentPack) {
        let store = self.db.store().await;
        assert!(
            store
                .import(pack, ImportMode::Prune)
                .await
                .unwrap()
                .changed()
        );
        self.state.content().refresh().await.unwrap();
    }

    /// Waits, with a bound, until the warm-up has been through every page of the current set.
    async fn wait_until_warm(&self) {
        for _ in 0..1200 {
            if self.state.renderer().current().warmed() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the warm-up did not finish within a minute");
    }
}

const BROWSER: (&str, &str) = ("accept-encoding", "gzip, deflate, br");

/// The sample pack with `extra` more condition pages and a marker on its last medication (the
/// page the warm-up reaches last).
fn bigger_pack(extra: usize, marker: &str) -> (ContentPack, String) {
    let mut pack = sample_pack();
    let model = pack.conditions[0].clone();
    for n in 0..extra {
        let mut copy = model.clone();
        copy.slug = Slug::parse(&format!("condition-{n}")).unwrap();
        copy.meta.title = format!("Condition number {n}");
        pack.conditions.push(copy);
    }
    pack.conditions.sort_by(|a, b| a.slug.cmp(&b.slug));
    let last = pack.medications.last_mut().unwrap();
    last.meta.summary = Some(marker.to_owned());
    let path = format!("/medications/{}", last.slug);
    (pack, path)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_before_the_warm_up_gets_quick_gzip_then_brotli() {
    let app = start().await;
    // The warm-up renders the hot pages and 200 condition pages before this medication page, so
    // the request below comes long before the background gets to it.
    let (pack, path) = bigger_pack(200, "Freshly imported.");
    app.publish(&pack).await;

    let first = app.get(&path, &[BROWSER]).await;
    assert_eq!(first.status, 200);
    assert!(first.body.contains("Freshly imported."), "the new content");
    assert_eq!(
        first.encoding.as_deref(),
        Some("gzip"),
        "no waiting for brotli"
    );
    assert!(first.etag.ends_with("-gz1\""), "{}", first.etag);
    let plain = app.get(&path, &[]).await;
    assert_eq!(plain.body, first.body);
    assert_eq!(plain.etag, first.etag.replace("-gz1", ""));

    // The page jumps the warm-up's queue; until its brotli form is made, the quick gzip's tag
    // still matches, and afterwards it no longer does: the client gets the new bytes.
    let mut brotli = None;
    for _ in 0..600 {
        let again = app
            .get(&path, &[BROWSER, ("if-none-match", &first.etag)])
            .await;
        match again.status {
            304 => assert_eq!(again.etag, first.etag),
            200 => {
                brotli = Some(again);
                break;
            }
            other => panic!("GET {path}: {other}"),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let brotli = brotli.expect("brotli within 30 s");
    assert_eq!(brotli.encoding.as_deref(), Some("br"));
    assert_eq!(brotli.etag, first.etag.replace("-gz1", "-br"));
    assert_eq!(brotli.body, first.body);
    let cached = app
        .get(&path, &[BROWSER, ("if-none-match", &brotli.etag)])
        .await;
    assert_eq!((cached.status, cached.etag), (304, brotli.etag));
}

/// The sample pack cut to one condition and one medication (so the warm-up is short) under a
/// new tagline.
fn small_pack(tagline: &str) -> ContentPack {
    let mut pack = sample_pack();
    pack.site.tagline = tagline.to_owned();
    pack.site.featured.clear();
    pack.conditions.truncate(1);
    let meta = &mut pack.conditions[0].meta;
    meta.medications = Default::default();
    meta.related.clear();
    meta.testimonials.clear();
    pack.medications.truncate(1);
    pack.testimonials.clear();
    pack
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_warm_up_renders_hot_pages_before_anyone_asks() {
    let app = start().await;
    let pack = small_pack("Warmed before you asked.");
    app.publish(&pack).await;
    let version = app.state.renderer().current().version();
    let condition = format!("/conditions/{}", pack.conditions[0].slug);
    let medication = format!("/medications/{}", pack.medications[0].slug);
    let paths = [
        "/",
        "/conditions",
        "/search",
        "/sitemap.xml",
        "/locations",
        &condition,
        &medication,
    ];
    // A location opening or closing meanwhile starts a new set (not yet warm): try again then.
    for _ in 0..3 {
        app.wait_until_warm().await;
        let set = app.state.renderer().current();
        assert_eq!(set.version(), version);
        let mut firsts = Vec::new();
        for path in paths {
            firsts.push((path, app.get(path, &[BROWSER]).await));
        }
        if !Arc::ptr_eq(&set, &app.state.renderer().current()) {
            continue;
        }
        for (path, got) in firsts {
            assert_eq!(got.status, 200, "{path}");
            // A page a request renders first is sent with quick gzip: brotli on the very first
            // request means the background had it ready.
            assert_eq!(got.encoding.as_deref(), Some("br"), "{path}");
            assert!(got.etag.ends_with("-br\""), "{path}: {}", got.etag);
        }
        assert!(
            app.get("/", &[])
                .await
                .body
                .contains("Warmed before you asked.")
        );
        return;
    }
    panic!("the open-now wording kept changing");
}
