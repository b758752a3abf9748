//! A large condition library: past `ONE_PAGE` conditions the A–Z splits into a page per letter
//! and per category (as the NHS's does), linked from `/conditions`, the home page and the
//! sitemap; a small library keeps everything on one page.

use pestle::content::{ContentPack, Slug};

use crate::helpers::{Backend, TestApp, sample_pack, spawn_app};
use crate::pages::import_and_wait;

/// The sample pack plus `extra` copies of one of its conditions, titled across the alphabet
/// ("Ankle condition 0", "Back condition 1", …) in one new category.
fn large_pack(extra: usize) -> ContentPack {
    let mut pack = sample_pack();
    let model = pack.conditions[0].clone();
    let first_words = ["Ankle", "Back", "Calf", "Skin", "Sinus", "Spine", "Wrist"];
    for i in 0..extra {
        let mut condition = model.clone();
        condition.slug = Slug::parse(&format!("extra-condition-{i:04}")).unwrap();
        condition.meta.title = format!("{} condition {i}", first_words[i % first_words.len()]);
        condition.meta.also_called = Vec::new();
        condition.meta.category = Some("Made for this test".to_owned());
        pack.conditions.push(condition);
    }
    pack.sorted()
}

async fn status(app: &TestApp, path: &str) -> u16 {
    app.get(path).await.status().as_u16()
}

#[tokio::test]
async fn past_two_hundred_conditions_each_letter_and_category_has_its_own_page() {
    let app = spawn_app(Backend::Sqlite).await;
    assert_eq!(
        status(&app, "/conditions/letter/z").await,
        404,
        "no condition starts with Z"
    );
    let pack = large_pack(250);
    import_and_wait(&app, &pack, "/conditions", "/conditions/letter/s").await;

    let index = app.page("/conditions").await;
    assert!(
        !index.contains("extra-condition-"),
        "the index lists letters and categories, not every condition"
    );
    assert!(index.contains("href=\"/conditions/category/made-for-this-test\""));
    assert!(index.contains("Made for this test</a> <span class=\"muted\">(250 conditions)"));
    assert!(
        index.contains("<span class=\"letter-empty\">Z</span>"),
        "a letter nothing starts with is not a link"
    );
    let home = app.page("/").await;
    assert!(home.contains("href=\"/conditions/category/made-for-this-test\""));
    let condition = app.page("/conditions/extra-condition-0001").await;
    assert!(
        condition
            .contains("<a href=\"/conditions/category/made-for-this-test\">Made for this test</a>"),
        "the breadcrumb leads to the category's page"
    );

    // Every linked letter page answers, and together they list every condition once.
    let mut listed = Vec::new();
    for href in links(&index, "/conditions/letter/") {
        let page = app.page(&href).await;
        assert!(page.contains("<h1>Conditions starting with"), "{href}");
        listed.extend(links(&page, "/conditions/").into_iter().filter(|l| {
            !l.starts_with("/conditions/letter/") && !l.starts_with("/conditions/category/")
        }));
    }
    listed.sort();
    let mut expected: Vec<String> = pack
        .conditions
        .iter()
        .map(|c| format!("/conditions/{}", c.slug))
        .collect();
    expected.sort();
    assert_eq!(listed, expected);

    let s = app.page("/conditions/letter/s").await;
    assert!(s.contains("Skin condition 3") && s.contains("Spine condition 5"));
    assert!(!s.contains("Ankle condition 0"));
    let category = app.page("/conditions/category/made-for-this-test").await;
    assert_eq!(links(&category, "/conditions/extra-condition-").len(), 250);
    for missing in [
        "/conditions/letter/z",
        "/conditions/letter/ab",
        "/conditions/category/nope",
    ] {
        assert_eq!(status(&app, missing).await, 404, "{missing}");
    }

    let sitemap = app.page("/sitemap.xml").await;
    assert!(sitemap.contains("/conditions/letter/s</loc>"));
    assert!(sitemap.contains("/conditions/category/made-for-this-test</loc>"));
    assert!(sitemap.contains("/conditions/extra-condition-0249</loc>"));
}

#[tokio::test]
async fn a_small_library_stays_on_one_page() {
    let app = spawn_app(Backend::Sqlite).await;
    let index = app.page("/conditions").await;
    assert!(
        index.contains("href=\"#letter-F\"") && index.contains("/conditions/foot-and-leg-cramps")
    );
    assert!(links(&index, "/conditions/letter/").is_empty());
    assert!(links(&index, "/conditions/category/").is_empty());
    let sitemap = app.page("/sitemap.xml").await;
    assert!(!sitemap.contains("/conditions/letter/"));
    assert_eq!(
        status(&app, "/sitemaps/1.xml").await,
        404,
        "one file is enough"
    );
}

/// The distinct `href`s of `html` that start with `prefix`, in order.
fn links(html: &str, prefix: &str) -> Vec<String> {
    let needle = format!("href=\"{prefix}");
    let mut found: Vec<String> = Vec::new();
    for (start, _) in html.match_indices(&needle) {
        let rest = &html[start + "href=\"".len()..];
        let href = &rest[..rest.find('"').unwrap()];
        if !found.iter().any(|f| f == href) {
            found.push(href.to_owned());
        }
    }
    found
}
