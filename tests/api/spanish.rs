//! The Spanish site under `/es`: every page in Spanish with its `hreflang` alternates, no English
//! left in what a patient reads (compared against the English render of the same page), a page
//! without a translation shown in English with a notice, a translation of an older English page
//! flagged until it is updated, and the Spanish search relevance set.

use std::collections::HashSet;

use pestle::content::ContentPack;
use pestle::store::ImportMode;

use crate::helpers::{Backend, TestApp, repo_root, sample_pack, spawn_app};

/// Every Spanish page a patient can reach from the Spanish home page, with its English twin.
const PAGES: &[&str] = &[
    "/",
    "/conditions",
    "/conditions/foot-and-leg-cramps",
    "/conditions/migraine",
    "/conditions/diaper-rash",
    "/conditions/scars",
    "/conditions/hemorrhoids",
    "/medications",
    "/medications/baclofen",
    "/medications/nystatin",
    "/compounding",
    "/locations",
    "/testimonials",
    "/search",
    "/search?q=calambres",
    "/conditions/no-such-page",
];

pub(crate) async fn text(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.get(path).await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

fn spanish(path: &str) -> String {
    match path {
        "/" => "/es".to_owned(),
        _ => format!("/es{path}"),
    }
}

#[tokio::test]
async fn every_spanish_page_is_in_spanish_with_its_alternates() {
    let app = spawn_app(Backend::Sqlite).await;
    for path in PAGES {
        let es = spanish(path);
        let (status, html) = text(&app, &es).await;
        let expected = if path.contains("no-such-page") {
            404
        } else {
            200
        };
        assert_eq!(status, expected, "{es}");
        assert!(html.contains("<html lang=\"es\">"), "{es}");
        assert!(
            html.contains("hreflang=\"en\""),
            "{es}: a switch to English"
        );
        if expected == 200 && !path.starts_with("/search") {
            let canonical = format!("<link rel=\"canonical\" href=\"http://localhost:8080{es}\">");
            assert!(html.contains(&canonical), "{es}: {canonical}");
            assert!(
                html.contains(&format!(
                    "<link rel=\"alternate\" hreflang=\"en\" href=\"http://localhost:8080{path}\">"
                )),
                "{es}"
            );
            assert!(html.contains("hreflang=\"x-default\""), "{es}");
        }
    }
    let response = app.get("/es/").await;
    assert_eq!(response.status().as_u16(), 308, "/es/ as typed goes to /es");
    assert_eq!(response.headers()["location"], "/es");
    // The English pages name their Spanish twin, and the JSON-LD says which language it is in.
    let (_, english) = text(&app, "/conditions/migraine").await;
    assert!(english.contains(
        "<link rel=\"alternate\" hreflang=\"es\" href=\"http://localhost:8080/es/conditions/migraine\">"
    ));
    assert!(english.contains("\"inLanguage\":\"en\""));
    let (_, cramps) = text(&app, "/es/conditions/foot-and-leg-cramps").await;
    assert!(cramps.contains("\"inLanguage\":\"es\""));
    assert!(cramps.contains("<h1>Calambres en los pies y las piernas</h1>"));
    assert!(cramps.contains("Emergencia: Llame al 911 ahora."));
    assert!(cramps.contains("todavía no lo ha revisado un farmacéutico"));
}

#[tokio::test]
async fn every_link_on_a_spanish_page_leads_somewhere() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut links = HashSet::new();
    // The 404 page's language switch leads to the English 404, as it should.
    for path in PAGES.iter().filter(|p| !p.contains("no-such-page")) {
        let (_, html) = text(&app, &spanish(path)).await;
        for (at, _) in html.match_indices(" href=\"/") {
            let rest = &html[at + 7..];
            let href = &rest[..rest.find('"').unwrap()];
            let href = href.split('#').next().unwrap().replace("&#38;", "&");
            if !href.is_empty() {
                links.insert(href);
            }
        }
    }
    assert!(links.len() > 50, "{links:?}");
    for link in &links {
        let status = app.get(link).await.status().as_u16();
        assert_eq!(status, 200, "{link}");
    }
}

#[tokio::test]
async fn no_english_is_left_on_a_spanish_page() {
    let app = spawn_app(Backend::Sqlite).await;
    let allowed = data_values(&sample_pack());
    let mut left = Vec::new();
    for path in PAGES {
        let (_, english) = text(&app, path).await;
        let (_, spanish_html) = text(&app, &spanish(path)).await;
        let english: HashSet<String> = segments(&english, false).into_iter().collect();
        assert!(
            english.len() > 20,
            "{path}: the English page's words were read"
        );
        for segment in segments(&spanish_html, true) {
            if english.contains(&segment) && has_words(&segment, &allowed) {
                left.push(format!("{}: {segment:?}", spanish(path)));
            }
        }
    }
    assert!(
        left.is_empty(),
        "English left on Spanish pages:\n{}",
        left.join("\n")
    );
}

#[tokio::test]
async fn a_page_without_a_translation_is_shown_in_english_with_a_notice() {
    let app = spawn_app(Backend::Sqlite).await;
    let (status, html) = text(&app, "/es/conditions/muscle-spasm").await;
    assert_eq!(status, 200);
    assert!(html.contains("Esta página todavía no está traducida"));
    assert!(
        html.contains("<h1 lang=\"en\">Muscle Spasm</h1>"),
        "its words marked English"
    );
    // Its canonical page is the English one, which a search engine should index instead.
    assert!(html.contains(
        "<link rel=\"canonical\" href=\"http://localhost:8080/conditions/muscle-spasm\">"
    ));
    // Neither address names the other as its translation.
    let (_, english) = text(&app, "/conditions/muscle-spasm").await;
    assert!(
        !english.contains("hreflang=\"es\" href="),
        "no Spanish alternate"
    );
    assert!(!html.contains("rel=\"alternate\""));
    let (_, list) = text(&app, "/es/conditions").await;
    assert!(list.contains("<a href=\"/es/conditions/muscle-spasm\" lang=\"en\">"));
    let (_, sitemap) = text(&app, "/sitemap.xml").await;
    assert!(sitemap.contains("/es/conditions/foot-and-leg-cramps</loc>"));
    assert!(!sitemap.contains("/es/conditions/muscle-spasm</loc>"));
}

#[tokio::test]
async fn an_edited_english_page_marks_its_translation_out_of_date() {
    let app = spawn_app(Backend::Sqlite).await;
    let (_, before) = text(&app, "/es/conditions/foot-and-leg-cramps").await;
    assert!(!before.contains("no esté al día"));
    let mut pack = sample_pack();
    let cramps = pack
        .conditions
        .iter_mut()
        .find(|c| c.slug.as_str() == "foot-and-leg-cramps")
        .unwrap();
    cramps.body = cramps
        .body
        .replacen("## Overview\n", "## Overview\nA new sentence.\n", 1);
    publish(&app, &pack).await;
    let after = eventually(&app, "/es/conditions/foot-and-leg-cramps", |html| {
        html.contains("no esté al día")
    })
    .await;
    assert!(after.contains("Es posible que esta traducción no esté al día"));
    assert!(after.contains("role=\"note\""));
    // Reviewed: the translation names the new English version, and the notice goes.
    let print = pack
        .condition("foot-and-leg-cramps")
        .unwrap()
        .source_print();
    let cramps = pack
        .conditions
        .iter_mut()
        .find(|c| c.slug.as_str() == "foot-and-leg-cramps")
        .unwrap();
    let spanish = cramps
        .meta
        .translations
        .get_mut(&pestle::content::Lang::Es)
        .unwrap();
    spanish.meta.translation_of = Some(print);
    publish(&app, &pack).await;
    eventually(&app, "/es/conditions/foot-and-leg-cramps", |html| {
        !html.contains("no esté al día")
    })
    .await;
}

async fn publish(app: &TestApp, pack: &ContentPack) {
    let store = app.db.store().await;
    assert!(
        store
            .import(pack, ImportMode::Prune)
            .await
            .unwrap()
            .changed()
    );
}

/// The page at `path` once `done` holds for it (content is picked up at the next refresh).
async fn eventually(app: &TestApp, path: &str, done: impl Fn(&str) -> bool) -> String {
    for _ in 0..200 {
        let (_, html) = text(app, path).await;
        if done(&html) {
            return html;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{path} did not change within 10 s");
}

#[derive(serde::Deserialize)]
struct QuerySet {
    query: Vec<Query>,
}

#[derive(serde::Deserialize)]
struct Query {
    q: String,
    kind: String,
    slug: String,
}

#[tokio::test]
async fn spanish_search_finds_what_patients_type() {
    let app = spawn_app(Backend::Sqlite).await;
    let file = repo_root().join("tests/search/queries.es.toml");
    let set: QuerySet = toml::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert!(set.query.len() >= 40, "at least 40 queries");
    let mut misses = Vec::new();
    for query in &set.query {
        let (_, html) = text(&app, &format!("/es/search?q={}", urlencode(&query.q))).await;
        let first = html
            .split_once("<ol class=\"results\">")
            .and_then(|(_, results)| results.split_once("<a href=\""))
            .and_then(|(_, link)| link.split_once('"'))
            .map_or("(nothing)", |(href, _)| href);
        let want = format!("/es/{}s/{}", query.kind, query.slug);
        if first != want {
            misses.push(format!("{:?}: wanted {want}, got {first}", query.q));
        }
    }
    let hits = set.query.len() - misses.len();
    let top1 = hits as f64 / set.query.len() as f64;
    println!(
        "Spanish search top-1: {hits}/{} = {top1:.3}",
        set.query.len()
    );
    assert!(
        top1 >= 0.9,
        "top-1 {top1:.3} < 0.9; misses:\n{}",
        misses.join("\n")
    );
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// What a patient reads: text between tags and the `placeholder`, `aria-label` and `alt`
/// attributes, with `<script>` and `<style>` left out — and on a Spanish page anything marked
/// `lang="en"` — entities decoded, white space collapsed.
pub(crate) fn segments(html: &str, skip_english: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    // Names of open elements marked English (or script/style), with their nesting depth.
    let mut skipping: Option<(String, usize)> = None;
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        if skipping.is_none() {
            push_text(&mut out, text);
        }
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if let Some((skipped, depth)) = &mut skipping {
            if *skipped == name {
                if tag.starts_with('/') {
                    *depth -= 1;
                    if *depth == 0 {
                        skipping = None;
                    }
                } else if !tag.ends_with('/') {
                    *depth += 1;
                }
            }
            continue;
        }
        if tag.starts_with('/') || tag.starts_with('!') {
            continue;
        }
        let void = matches!(name.as_str(), "meta" | "link" | "input" | "img" | "br");
        if (skip_english && tag.contains(" lang=\"en\"")) || name == "script" || name == "style" {
            if !void {
                skipping = Some((name, 1));
            }
            continue;
        }
        for attribute in ["placeholder", "aria-label", "alt"] {
            if let Some(value) = attribute_value(tag, attribute) {
                push_text(&mut out, value);
            }
        }
    }
    out
}

fn attribute_value<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[start..].find('"')?;
    Some(&tag[start..start + end])
}

fn push_text(out: &mut Vec<String>, text: &str) {
    let decoded = text
        .replace("&#38;", "&")
        .replace("&amp;", "&")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&quot;", "\"");
    let collapsed = decoded.split_whitespace().collect::<Vec<_>>().join(" ");
    if !collapsed.is_empty() {
        out.push(collapsed);
    }
}

/// The same in both languages by nature: names, addresses, phone numbers, brands, codes.
pub(crate) fn data_values(pack: &ContentPack) -> Vec<String> {
    let mut values = vec![pack.site.name.clone()];
    for location in &pack.site.locations {
        values.extend([
            location.name.clone(),
            location.phone.to_string(),
            location.email.to_string(),
            location.address.street.clone(),
            location.address.city.clone(),
            location.address.region.clone(),
            location.timezone.to_string(),
        ]);
    }
    for medication in &pack.medications {
        values.extend(medication.meta.brands.iter().cloned());
        values.extend(medication.meta.codes.iter().map(ToString::to_string));
    }
    for condition in &pack.conditions {
        values.extend(condition.meta.codes.iter().map(ToString::to_string));
    }
    for testimonial in &pack.testimonials {
        values.extend([
            testimonial.meta.name.clone(),
            testimonial.meta.place.clone(),
        ]);
    }
    // Sources are cited by their own (English) titles.
    for condition in &pack.conditions {
        values.extend(condition.meta.sources.iter().map(|s| s.title.clone()));
    }
    for medication in &pack.medications {
        values.extend(medication.meta.sources.iter().map(|s| s.title.clone()));
    }
    for condition in &pack.conditions {
        values.extend(condition.meta.sources.iter().map(|s| s.url.to_string()));
    }
    for medication in &pack.medications {
        values.extend(medication.meta.sources.iter().map(|s| s.url.to_string()));
    }
    // Words Spanish shares with English, and a drug name spelled alike in both.
    values
        .extend(["No", "psyllium", "gel", "enema", "aura", "English", "Error"].map(str::to_owned));
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    values
}

/// Whether `segment` still has letters once the data values are taken out.
pub(crate) fn has_words(segment: &str, allowed: &[String]) -> bool {
    let mut rest = segment.to_owned();
    for value in allowed {
        if !value.is_empty() {
            rest = rest.replace(value.as_str(), " ");
        }
    }
    rest.chars().filter(|c| c.is_alphabetic()).count() > 1
}
