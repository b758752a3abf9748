//! The public pages as a browser and a search engine see them: every route, head metadata,
//! JSON-LD, caching (ETag/304, compression, fingerprinted assets), 404 suggestions, search,
//! HSTS and branding from configuration.

use std::io::Read;

use pestle::content::ContentPack;
use pestle::store::ImportMode;
use serde_json::Value;

use crate::helpers::{Backend, TestApp, on_both_backends, sample_pack, spawn_app, spawn_app_with};

on_both_backends!(every_public_route_answers_with_its_content);

/// Every page and what it must show.
const ROUTES: &[(&str, u16, &[&str])] = &[
    (
        "/",
        200,
        &[
            "Willow Compounding Pharmacy",
            "role=\"search\"",
            "Common conditions",
            "Browse by category",
            "See what we compound",
            "Denver Highlands",
        ],
    ),
    (
        "/conditions",
        200,
        &[
            "<h1>Conditions A–Z</h1>",
            "href=\"#letter-F\"",
            "id=\"letter-F\"",
            "By category",
            "Muscles, bones &#38; joints",
        ],
    ),
    (
        "/conditions/foot-and-leg-cramps",
        200,
        &[
            "<h1>Foot &#38; Leg Cramps</h1>",
            "Emergency: Call 911 now.",
            "href=\"tel:911\"",
        ],
    ),
    ("/medications", 200, &["<h1>Medications</h1>", "baclofen"]),
    (
        "/medications/baclofen",
        200,
        &["<h1>baclofen</h1>", "Prescription only", "oral suspension"],
    ),
    (
        "/compounding",
        200,
        &[
            "<h1>Compounding</h1>",
            "<table",
            "scope=\"col\">transdermal gel</th>",
            "magnesium chloride",
        ],
    ),
    (
        "/locations",
        200,
        &[
            "<h1>Locations and hours</h1>",
            "8420 Willow Crest Lane",
            "9 am – 6 pm",
            "8:30 am – 7 pm",
            "Closed",
            "mailto:denver@example.com",
        ],
    ),
    (
        "/testimonials",
        200,
        &["<h1>What patients say</h1>", "<blockquote>"],
    ),
    (
        "/search?q=charley+horse",
        200,
        &["<ol class=\"results\">", "/conditions/foot-and-leg-cramps"],
    ),
    (
        "/sitemap.xml",
        200,
        &["<urlset", "/conditions/migraine</loc>"],
    ),
    (
        "/robots.txt",
        200,
        &["Sitemap: http://localhost:8080/sitemap.xml"],
    ),
    (
        "/conditions/leg-cramp",
        404,
        &[
            "Page not found",
            "Did you mean",
            "/conditions/foot-and-leg-cramps",
        ],
    ),
    ("/medications/no-such-drug", 404, &["Page not found"]),
    ("/no/such/page", 404, &["Page not found", "role=\"search\""]),
];

async fn every_public_route_answers_with_its_content(backend: Backend) {
    let app = spawn_app(backend).await;
    for (path, status, needles) in ROUTES {
        let response = app.get(path).await;
        assert_eq!(response.status().as_u16(), *status, "GET {path}");
        let body = response.text().await.unwrap();
        for needle in *needles {
            assert!(body.contains(needle), "GET {path}: {needle:?} missing");
        }
    }
}

/// The HTML pages among `ROUTES` that return 200.
fn html_pages() -> impl Iterator<Item = &'static str> {
    ROUTES
        .iter()
        .filter(|(path, status, _)| *status == 200 && !path.contains('.'))
        .map(|(path, _, _)| *path)
}

#[tokio::test]
async fn pages_carry_head_metadata_and_one_h1() {
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.public_url = "https://willow.example/".parse().unwrap();
    })
    .await;
    for path in html_pages() {
        let html = app.page(path).await;
        assert_eq!(html.matches("<h1").count(), 1, "{path}: one h1");
        assert!(
            html.contains("<meta name=\"description\" content=\""),
            "{path}"
        );
        assert!(html.contains("<meta property=\"og:title\""), "{path}");
        assert!(
            html.contains("<a class=\"skip-link\" href=\"#main\">"),
            "{path}"
        );
        assert!(html.contains("<main id=\"main\""), "{path}");
        if path.starts_with("/search") {
            assert!(html.contains("<meta name=\"robots\" content=\"noindex\">"));
        } else {
            let canonical =
                format!("<link rel=\"canonical\" href=\"https://willow.example{path}\">");
            assert!(html.contains(&canonical), "{path}: {canonical}");
        }
        // Nothing from another origin: every src and stylesheet is site-relative.
        for attribute in ["src=\"http", "src=\"//", "href=\"//"] {
            assert!(!html.contains(attribute), "{path}: {attribute}");
        }
    }
}

/// The JSON-LD documents of a page.
fn json_ld(html: &str) -> Vec<Value> {
    html.split("<script type=\"application/ld+json\">")
        .skip(1)
        .map(|rest| serde_json::from_str(&rest[..rest.find("</script>").unwrap()]).unwrap())
        .collect()
}

#[tokio::test]
async fn condition_pages_describe_a_medical_condition_in_json_ld() {
    let app = spawn_app(Backend::Sqlite).await;
    let html = app.page("/conditions/foot-and-leg-cramps").await;
    let docs = json_ld(&html);
    assert_eq!(docs.len(), 1);
    let page = &docs[0];
    assert_eq!(page["@type"], "MedicalWebPage");
    let about = &page["about"];
    assert_eq!(about["@type"], "MedicalCondition");
    assert_eq!(about["name"], "Foot & Leg Cramps");
    assert!(
        about["alternateName"]
            .as_array()
            .unwrap()
            .contains(&"charley horse".into())
    );
    let codes: Vec<&str> = about["code"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["codeValue"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["R25.2", "G47.62", "M62.831"]);
    assert_eq!(about["code"][0]["codingSystem"], "ICD-10-CM");
    for key in ["riskFactor", "possibleTreatment", "drug"] {
        assert!(!about[key].as_array().unwrap().is_empty(), "{key} empty");
    }
    // This page has no "Symptoms" section, so it claims none; migraine's has one.
    assert!(about.get("signOrSymptom").is_none());
    let migraine = &json_ld(&app.page("/conditions/migraine").await)[0]["about"];
    assert!(
        migraine["signOrSymptom"].as_array().unwrap().len() >= 3,
        "{migraine}"
    );
    assert!(
        about["riskFactor"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["name"] == "are older")
    );
    let drugs: Vec<&str> = about["drug"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert!(
        drugs.contains(&"baclofen") && drugs.contains(&"guaifenesin"),
        "{drugs:?}"
    );
    // Unreviewed sample content claims no reviewer.
    assert!(page.get("reviewedBy").is_none() && page.get("lastReviewed").is_none());
}

#[tokio::test]
async fn a_reviewed_page_names_its_reviewer_on_the_page_and_in_json_ld() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut pack = sample_pack();
    let cramps = pack
        .conditions
        .iter_mut()
        .find(|c| c.slug.as_str() == "foot-and-leg-cramps")
        .unwrap();
    cramps.meta.review.by = "Dana Whitfield, PharmD".into();
    cramps.meta.review.on = Some("2026-10-01".parse().unwrap());
    cramps.meta.review.next = Some("2027-10-01".parse().unwrap());
    import_and_wait(
        &app,
        &pack,
        "/conditions/foot-and-leg-cramps",
        "Dana Whitfield",
    )
    .await;
    let html = app.page("/conditions/foot-and-leg-cramps").await;
    assert!(html.contains(
        "Reviewed by Dana Whitfield, PharmD on October 1, 2026; next review October 1, 2027."
    ));
    assert!(!html.contains("not yet reviewed"));
    let page = &json_ld(&html)[0];
    assert_eq!(page["reviewedBy"]["name"], "Dana Whitfield, PharmD");
    assert_eq!(page["lastReviewed"], "2026-10-01");
}

#[tokio::test]
async fn medication_and_pharmacy_json_ld() {
    let app = spawn_app(Backend::Sqlite).await;
    let baclofen = &json_ld(&app.page("/medications/baclofen").await)[0];
    assert_eq!(baclofen["@type"], "Drug");
    assert_eq!(baclofen["nonProprietaryName"], "baclofen");
    assert_eq!(
        baclofen["prescriptionStatus"],
        "https://schema.org/PrescriptionOnly"
    );
    assert_eq!(
        baclofen["dosageForm"],
        serde_json::json!(["oral suspension", "cream", "gel"])
    );
    let pack = sample_pack();
    for medication in &pack.medications {
        let drug = &json_ld(&app.page(&format!("/medications/{}", medication.slug)).await)[0];
        let expected = if medication.meta.status.needs_prescription() {
            "PrescriptionOnly"
        } else {
            "OTC"
        };
        assert_eq!(
            drug["prescriptionStatus"],
            format!("https://schema.org/{expected}"),
            "{}",
            medication.slug
        );
    }
    for path in ["/", "/locations"] {
        let graph = &json_ld(&app.page(path).await)[0]["@graph"];
        let first = &graph[0];
        assert_eq!(first["@type"], "Pharmacy");
        assert_eq!(first["telephone"], "+13105550134");
        assert_eq!(first["address"]["postalCode"], "90069");
        let hours = first["openingHoursSpecification"].as_array().unwrap();
        assert_eq!(hours.len(), 6, "closed on Sunday");
        assert_eq!(hours[0]["opens"], "09:00");
        assert_eq!(graph.as_array().unwrap().len(), 2);
    }
}

#[tokio::test]
async fn an_unchanged_page_answers_304_and_a_changed_one_a_new_etag() {
    let app = spawn_app(Backend::Sqlite).await;
    let first = app.get("/conditions/migraine").await;
    assert_eq!(first.headers()["cache-control"], "no-cache");
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"'));
    let again = app
        .get_with("/conditions/migraine", &[("if-none-match", &etag)])
        .await;
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"], etag.as_str());
    assert!(again.bytes().await.unwrap().is_empty());
    let stale = app
        .get_with("/conditions/migraine", &[("if-none-match", "\"stale\"")])
        .await;
    assert_eq!(stale.status(), 200);

    let mut pack = sample_pack();
    pack.conditions
        .iter_mut()
        .find(|c| c.slug.as_str() == "migraine")
        .unwrap()
        .meta
        .summary = "A changed summary.".into();
    import_and_wait(&app, &pack, "/conditions/migraine", "A changed summary.").await;
    let after = app
        .get_with("/conditions/migraine", &[("if-none-match", &etag)])
        .await;
    assert_eq!(
        after.status(),
        200,
        "content changed, so the old ETag no longer matches"
    );
    assert_ne!(after.headers()["etag"], etag.as_str());
    assert!(after.text().await.unwrap().contains("A changed summary."));
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::BrotliDecompress(&mut &bytes[..], &mut out).unwrap();
    out
}

#[tokio::test]
async fn pages_are_served_with_gzip_or_brotli_as_asked() {
    let app = spawn_app(Backend::Sqlite).await;
    let path = "/conditions/foot-and-leg-cramps";
    let plain = app.get(path).await;
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.headers()["vary"], "accept-encoding");
    let plain = plain.bytes().await.unwrap().to_vec();

    let gz = app.get_with(path, &[("accept-encoding", "gzip")]).await;
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    let gz = gz.bytes().await.unwrap().to_vec();
    assert_eq!(gunzip(&gz), plain);

    // Brotli is made in the background (until then a browser gets gzip): wait for it.
    let mut br = Vec::new();
    for _ in 0..600 {
        let response = app
            .get_with(path, &[("accept-encoding", "gzip, deflate, br")])
            .await;
        if response.headers()["content-encoding"] == "br" {
            br = response.bytes().await.unwrap().to_vec();
            break;
        }
        assert_eq!(response.headers()["content-encoding"], "gzip");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(unbrotli(&br), plain);
    assert!(br.len() < gz.len() && gz.len() < plain.len() / 2);
}

/// The stylesheet a page links to.
fn css_href(html: &str) -> String {
    let start = html.find("<link rel=\"stylesheet\" href=\"").unwrap() + 29;
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn assets_have_hashed_names_and_are_cached_for_a_year() {
    let app = spawn_app(Backend::Sqlite).await;
    let html = app.page("/").await;
    let css = css_href(&html);
    assert!(
        css.starts_with("/assets/site.") && css.ends_with(".css"),
        "{css}"
    );
    let response = app.get(&css).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        response.headers()["content-type"],
        "text/css; charset=utf-8"
    );
    let text = response.text().await.unwrap();
    assert!(
        text.starts_with(":root{--brand:#1d5c63;--accent:#9a3a12}"),
        "brand colours from site.toml"
    );
    assert!(text.contains("@media print"), "a print stylesheet");

    let logo_start = html.find("src=\"/assets/logo.").unwrap() + 5;
    let logo = &html[logo_start..logo_start + html[logo_start..].find('"').unwrap()];
    let response = app.get(logo).await;
    assert_eq!(response.headers()["content-type"], "image/svg+xml");
    assert!(response.text().await.unwrap().contains("#1d5c63"));

    let favicon = app.get("/favicon.ico").await;
    assert_eq!(favicon.status(), 200);
    assert_eq!(favicon.headers()["content-type"], "image/x-icon");
    assert_eq!(app.get("/assets/site.000000000000.css").await.status(), 404);
}

#[tokio::test]
async fn a_condition_page_and_its_stylesheet_stay_under_30_kb_compressed() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut total = Vec::new();
    for encoding in ["gzip", "br"] {
        let mut sum = 0;
        // Every page in English and in Spanish (translated or shown in English with a notice).
        let paths = sample_pack().conditions.into_iter().flat_map(|condition| {
            let path = format!("/conditions/{}", condition.slug);
            [format!("/es{path}"), path]
        });
        for path in paths {
            let html = app.page(&path).await;
            let page = app.get_with(&path, &[("accept-encoding", encoding)]).await;
            let css = app
                .get_with(&css_href(&html), &[("accept-encoding", encoding)])
                .await;
            let size = page.bytes().await.unwrap().len() + css.bytes().await.unwrap().len();
            assert!(
                size < 30 * 1024,
                "{path} with CSS is {size} bytes as {encoding}"
            );
            sum = sum.max(size);
        }
        total.push((encoding, sum));
    }
    eprintln!("largest condition page + CSS: {total:?}");
}

#[tokio::test]
async fn not_found_suggests_the_closest_conditions_and_shows_no_internals() {
    let app = spawn_app(Backend::Sqlite).await;
    let response = app.get("/conditions/migrane").await;
    assert_eq!(response.status(), 404);
    let html = response.text().await.unwrap();
    let did_you_mean = html.find("Did you mean").unwrap();
    assert!(html[did_you_mean..].starts_with(
        "Did you mean</h2>\n<ul class=\"condition-list\"><li><a href=\"/conditions/migraine\">"
    ));
    assert!(
        html.contains("value=\"migrane\""),
        "the search box holds the words asked for"
    );
    assert!(html.contains("<meta name=\"robots\" content=\"noindex\">"));

    let html = app.get("/zzzz-qqqq").await.text().await.unwrap();
    assert!(!html.contains("Did you mean"), "no far-fetched suggestions");
    assert!(html.contains("Browse all conditions"));
    // Hostile paths are escaped, never echoed raw.
    let html = app
        .get("/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains("<script>alert"));
}

#[tokio::test]
async fn search_matches_other_names_and_says_when_nothing_matched() {
    let app = spawn_app(Backend::Sqlite).await;
    let html = app.page("/search?q=Charley%20Horse").await;
    assert!(html.contains("href=\"/conditions/foot-and-leg-cramps\""));
    let html = app.page("/search?q=Lioresal").await;
    assert!(
        html.contains("href=\"/medications/baclofen\""),
        "brand names find the generic"
    );
    let html = app.page("/search?q=%3Cb%3Exyzzy").await;
    assert!(html.contains("Nothing matched “&#60;b&#62;xyzzy”"));
    let html = app.page("/search").await;
    assert!(!html.contains("Nothing matched"));
}

#[tokio::test]
async fn hsts_follows_the_public_url_unless_configured() {
    let plain = spawn_app(Backend::Sqlite).await;
    assert!(
        plain
            .get("/")
            .await
            .headers()
            .get("strict-transport-security")
            .is_none()
    );
    let https = spawn_app_with(Backend::Sqlite, |s| {
        s.public_url = "https://willow.example/".parse().unwrap();
    })
    .await;
    for path in ["/", "/healthz", "/no/such/page"] {
        assert_eq!(
            https.get(path).await.headers()["strict-transport-security"],
            "max-age=31536000; includeSubDomains",
            "{path}"
        );
    }
    let off = spawn_app_with(Backend::Sqlite, |s| {
        s.public_url = "https://willow.example/".parse().unwrap();
        s.hsts = Some(false);
    })
    .await;
    assert!(
        off.get("/")
            .await
            .headers()
            .get("strict-transport-security")
            .is_none()
    );
}

#[tokio::test]
async fn logo_and_extra_css_come_from_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let logo = dir.path().join("logo.png");
    std::fs::write(&logo, b"\x89PNG\r\n\x1a\nnot really").unwrap();
    let extra = dir.path().join("extra.css");
    std::fs::write(&extra, ".masthead{border-bottom:4px solid gold}").unwrap();
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.logo_file = Some(logo.clone());
        s.extra_css_file = Some(extra.clone());
    })
    .await;
    let html = app.page("/").await;
    let css = app.page(&css_href(&html)).await;
    assert!(css.ends_with(".masthead{border-bottom:4px solid gold}"));
    let start = html.find("src=\"/assets/logo.").unwrap() + 5;
    let src = &html[start..start + html[start..].find('"').unwrap()];
    assert!(src.ends_with(".png"));
    let response = app.get(src).await;
    assert_eq!(response.headers()["content-type"], "image/png");
    assert_eq!(
        &response.bytes().await.unwrap()[..],
        b"\x89PNG\r\n\x1a\nnot really"
    );

    let db = crate::helpers::TestDb::new(Backend::Sqlite).await;
    let mut settings = crate::helpers::settings_for(&db.url);
    settings.logo_file = Some(dir.path().join("missing.svg"));
    let error = pestle::web::Application::build(&settings)
        .await
        .err()
        .unwrap();
    assert!(format!("{error:#}").contains("missing.svg"), "{error:#}");
}

#[tokio::test]
async fn sitemap_lists_every_page_with_absolute_urls() {
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.public_url = "https://willow.example/".parse().unwrap();
    })
    .await;
    let response = app.get("/sitemap.xml").await;
    assert_eq!(
        response.headers()["content-type"],
        "application/xml; charset=utf-8"
    );
    let xml = response.text().await.unwrap();
    let pack = sample_pack();
    assert_eq!(
        xml.matches("<url>").count(),
        6 + pack.conditions.len() + pack.medications.len() + spanish_pages(&pack)
    );
    for condition in &pack.conditions {
        assert!(xml.contains(&format!(
            "<loc>https://willow.example/conditions/{}</loc>",
            condition.slug
        )));
    }
    let robots = app.page("/robots.txt").await;
    assert!(robots.contains("Sitemap: https://willow.example/sitemap.xml"));
    assert!(robots.contains("Disallow: /staff/"));
}

#[tokio::test]
async fn every_location_shows_whether_it_is_open() {
    let app = spawn_app(Backend::Sqlite).await;
    for path in ["/", "/locations", "/conditions/migraine"] {
        let html = app.page(path).await;
        let statuses = html.matches("<span class=\"status status-").count();
        assert!(statuses >= 2, "{path}: {statuses} statuses");
        assert!(
            html.contains("<strong>Open now</strong> · closes at")
                || html.contains("<strong>Closed</strong> · opens"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_foot_and_leg_cramps_page_matches_its_snapshot() {
    let app = spawn_app(Backend::Sqlite).await;
    let html = app.page("/conditions/foot-and-leg-cramps").await;
    insta::assert_snapshot!("foot-and-leg-cramps", without_open_now(&html));
}

/// The page with what changes on its own replaced by markers: open-now statuses (they depend on
/// the time of the run) and asset fingerprints (they change with every stylesheet edit).
fn without_open_now(html: &str) -> String {
    let mut html = html.to_owned();
    for (prefix, suffix) in [
        ("/assets/site.", ".css"),
        ("/assets/logo.", ".svg"),
        ("/assets/search.", ".js"),
    ] {
        let start = html.find(prefix).unwrap() + prefix.len();
        let end = start + html[start..].find(suffix).unwrap();
        html.replace_range(start..end, "[hash]");
    }
    let html = html.as_str();
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<span class=\"status ") {
        out.push_str(&rest[..start]);
        let end = start + rest[start..].find("</span>").unwrap() + "</span>".len();
        out.push_str("[open-now status]");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Imports `pack` and waits until `path` shows `needle` (the refresh runs every few seconds).
pub(crate) async fn import_and_wait(app: &TestApp, pack: &ContentPack, path: &str, needle: &str) {
    let report = app
        .db
        .store()
        .await
        .import(pack, ImportMode::Keep)
        .await
        .unwrap();
    assert!(report.changed());
    for _ in 0..100 {
        if app.page(path).await.contains(needle) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{needle:?} never appeared on {path}");
}

/// The Spanish pages a sitemap lists: the six fixed pages and each translated entry.
fn spanish_pages(pack: &ContentPack) -> usize {
    let es = pestle::content::Lang::Es;
    6 + pack
        .conditions
        .iter()
        .filter(|c| c.meta.translations.contains_key(&es))
        .count()
        + pack
            .medications
            .iter()
            .filter(|m| m.meta.translations.contains_key(&es))
            .count()
}
