//! Translations in the back office: each is its own file with its own editor, revisions and
//! pharmacist review, listed beside its English page; publishing one changes the Spanish page at
//! once, and a page without a translation can be given one, starting from its English file.

use crate::content_editing::{audit_log, textarea};
use crate::helpers::{Backend, TestApp, spawn_app};
use crate::staff::signed_in;

const SPANISH_CRAMPS: &str = "/staff/content/conditions/foot-and-leg-cramps.es";

async fn public(app: &TestApp, path: &str) -> String {
    app.page(path).await
}

#[tokio::test]
async fn a_translation_is_edited_published_and_reviewed_as_its_own_file() {
    let app = spawn_app(Backend::Sqlite).await;
    let store = app.db.store().await;
    let mut ph = signed_in(&app, store.as_ref(), "pharmacist").await;

    let list = ph.get("/staff/content").await;
    assert!(
        list.html.contains(&format!(
            "<a href=\"{SPANISH_CRAMPS}\">Spanish<span class=\"visually-hidden\"> translation \
             of Foot &#38; Leg Cramps</span></a>: Never reviewed"
        )),
        "{}",
        list.html
    );
    assert!(list.html.contains(
        "<a href=\"/staff/content/conditions/muscle-spasm.es\">Spanish<span \
         class=\"visually-hidden\"> translation of Muscle Spasm</span></a>: Not translated"
    ));
    let dashboard = ph.get("/staff").await;
    assert!(
        dashboard
            .html
            .contains("Calambres en los pies y las piernas (Spanish)</a> · never reviewed"),
        "{}",
        dashboard.html
    );

    // The file, in the file editor; a translation has no form.
    let page = ph.get(SPANISH_CRAMPS).await;
    assert_eq!(page.status, 200);
    let source = textarea(&page.html);
    assert!(source.starts_with("+++\ntranslation_of = "), "{source}");
    assert!(
        page.html
            .contains("href=\"/es/conditions/foot-and-leg-cramps\"")
    );
    assert_eq!(ph.get(&format!("{SPANISH_CRAMPS}/form")).await.status, 404);

    let edited = source.replace(
        "title = \"Calambres en los pies y las piernas\"",
        "title = \"Calambres de pies y piernas\"",
    );
    let published = ph
        .post(
            SPANISH_CRAMPS,
            &[("source", edited.as_str()), ("action", "publish")],
        )
        .await;
    assert_eq!(published.status, 303, "{}", published.html);
    let html = public(&app, "/es/conditions/foot-and-leg-cramps").await;
    assert!(html.contains("<h1>Calambres de pies y piernas</h1>"));
    let english = public(&app, "/conditions/foot-and-leg-cramps").await;
    assert!(english.contains("<h1>Foot &#38; Leg Cramps</h1>"));

    let reviewed = ph
        .post(
            &format!("{SPANISH_CRAMPS}/review"),
            &[("by", "Lucía Ortega, PharmD"), ("next", "2099-01-31")],
        )
        .await;
    assert_eq!(
        (reviewed.status, reviewed.location.as_str()),
        (303, SPANISH_CRAMPS)
    );
    let html = public(&app, "/es/conditions/foot-and-leg-cramps").await;
    assert!(html.contains("Lucía Ortega, PharmD"), "who reviewed it");
    let english = public(&app, "/conditions/foot-and-leg-cramps").await;
    assert!(
        !english.contains("Lucía Ortega"),
        "the English page's review is its own"
    );
    let dashboard = ph.get("/staff").await;
    assert!(
        !dashboard
            .html
            .contains("Calambres de pies y piernas (Spanish)")
    );
    let log = audit_log(store.as_ref(), "content").await;
    for action in ["content.published", "content.reviewed"] {
        let expected =
            format!("{action} pharmacist@willow.example conditions/foot-and-leg-cramps.es.md");
        assert!(log.contains(&expected), "{expected} in {log:?}");
    }
}

#[tokio::test]
async fn a_page_without_a_translation_gets_one_from_its_english_file() {
    let app = spawn_app(Backend::Sqlite).await;
    let store = app.db.store().await;
    let mut ph = signed_in(&app, store.as_ref(), "pharmacist").await;
    let before = public(&app, "/es/conditions/muscle-spasm").await;
    assert!(before.contains("Esta página todavía no está traducida"));

    let url = "/staff/content/conditions/muscle-spasm.es";
    let page = ph.get(url).await;
    assert_eq!(page.status, 200);
    let start = textarea(&page.html);
    assert!(start.contains("translation_of = \""), "{start}");
    assert!(start.contains("title = \"Muscle Spasm\""), "{start}");
    let translated = start.replace("title = \"Muscle Spasm\"", "title = \"Espasmo muscular\"");
    let published = ph
        .post(
            url,
            &[("source", translated.as_str()), ("action", "publish")],
        )
        .await;
    assert_eq!(published.status, 303, "{}", published.html);
    let after = public(&app, "/es/conditions/muscle-spasm").await;
    assert!(after.contains("<h1>Espasmo muscular</h1>"));
    assert!(!after.contains("Esta página todavía no está traducida"));

    // A translation for a language pestle does not publish is no file at all.
    assert_eq!(
        ph.get("/staff/content/conditions/muscle-spasm.fr")
            .await
            .status,
        404
    );
}
