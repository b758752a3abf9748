//! Content editing in the back office: check with file/line/field problems, preview, draft,
//! publish (the public page and search change at once), revisions compared and restored,
//! pharmacist review, `pestle export` reflecting edits, and markup typed into every kind of
//! field rendering inert.

use crate::helpers::{Backend, TestApp, on_both_backends, pestle, spawn_app};
use crate::staff::{Browser, signed_in};

pub(crate) const CRAMPS: &str = "/staff/content/conditions/foot-and-leg-cramps";

/// The text inside the page's `<textarea>`, unescaped.
pub(crate) fn textarea(html: &str) -> String {
    let start = html.find("<textarea").unwrap();
    let start = start + html[start..].find('>').unwrap() + 1;
    let end = start + html[start..].find("</textarea>").unwrap();
    // As a browser does: one newline right after the start tag is not part of the text.
    let start = if html[start..].starts_with('\n') {
        start + 1
    } else {
        start
    };
    html[start..end]
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&amp;", "&")
        .replace("&#38;", "&")
}

/// Whether `needle` occurs inside a tag (between `<` and `>`), where it would be live, rather
/// than in text.
fn in_a_tag(html: &str, needle: &str) -> bool {
    html.match_indices(needle).any(|(at, _)| {
        let before = &html[..at];
        before.rfind('<') > before.rfind('>')
    })
}

async fn public(app: &TestApp, path: &str) -> String {
    app.client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The audit trail's entries whose action starts with `action`, as "action actor subject".
pub(crate) async fn audit_log(store: &dyn pestle::store::Store, action: &str) -> Vec<String> {
    store
        .audit(&pestle::store::AuditFilter {
            limit: 100,
            action: action.to_owned(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|e| format!("{} {} {}", e.action, e.actor, e.subject))
        .collect()
}

async fn edit(browser: &mut Browser, action: &str, source: &str) -> crate::staff::Page {
    browser
        .post(CRAMPS, &[("source", source), ("action", action)])
        .await
}

on_both_backends!(edit_preview_save_publish_compare_and_restore);

async fn edit_preview_save_publish_compare_and_restore(backend: Backend) {
    let app = spawn_app(backend).await;
    let store = app.db.store().await;
    let mut ph = signed_in(&app, store.as_ref(), "pharmacist").await;
    let list = ph.get("/staff/content").await;
    assert_eq!(list.status, 200);
    assert!(
        list.html.contains("Foot &#38; Leg Cramps") || list.html.contains("Foot &amp; Leg Cramps")
    );
    assert!(list.html.contains("never reviewed") || list.html.contains("Never reviewed"));

    let page = ph.get(CRAMPS).await;
    let original = textarea(&page.html);
    assert!(
        original.starts_with("+++\ntitle = \"Foot & Leg Cramps\""),
        "{original}"
    );

    // A mistake is reported with the file, line and field, and nothing changes.
    let broken = original.replace("title = \"Foot & Leg Cramps\"\n", "");
    let page = edit(&mut ph, "preview", &broken).await;
    assert_eq!(page.status, 422);
    assert!(
        page.html
            .contains("content/conditions/foot-and-leg-cramps.md:"),
        "{}",
        page.html
    );
    assert!(page.html.contains("title"));
    let dangling = original.replace("\"baclofen\"]", "\"baclofenn\"]");
    let page = edit(&mut ph, "save", &dangling).await;
    assert_eq!(
        page.status, 422,
        "a link to a medication that does not exist"
    );
    assert!(page.html.contains("baclofenn"));

    // Preview, then a draft: the public page does not change yet.
    let first = original.replace(
        "A sudden, painful tightening",
        "A quinquagenarian-tested, sudden, painful tightening",
    );
    let page = edit(&mut ph, "preview", &first).await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("No problems found"));
    assert!(page.html.contains("<h2>Overview</h2>") || page.html.contains("Overview</h2>"));
    let page = edit(&mut ph, "save", &first).await;
    assert_eq!((page.status, page.location.as_str()), (303, CRAMPS));
    assert!(
        !public(&app, "/conditions/foot-and-leg-cramps")
            .await
            .contains("quinquagenarian")
    );
    assert_eq!(
        textarea(&ph.get(CRAMPS).await.html),
        first,
        "the draft is what the editor opens"
    );

    // Publish: the page and search change at once.
    edit(&mut ph, "publish", &first).await;
    assert!(
        public(&app, "/conditions/foot-and-leg-cramps")
            .await
            .contains("quinquagenarian")
    );
    let found = public(&app, "/api/v1/search?q=quinquagenarian").await;
    assert!(found.contains("/conditions/foot-and-leg-cramps"), "{found}");

    // A second version, then the first one restored and published again.
    let second = original.replace("A sudden, painful tightening", "A sudden tightening");
    edit(&mut ph, "publish", &second).await;
    assert!(
        !public(&app, "/conditions/foot-and-leg-cramps")
            .await
            .contains("quinquagenarian")
    );
    let revisions = store
        .revisions("conditions/foot-and-leg-cramps.md", 10)
        .await
        .unwrap();
    let states: Vec<&str> = revisions.iter().map(|r| r.saved.state.slug()).collect();
    assert_eq!(states, ["published", "published", "draft"]);
    let first_published = &revisions[1];
    let page = ph
        .get(&format!("{CRAMPS}/revisions/{}", first_published.id))
        .await;
    assert_eq!(page.status, 200);
    assert!(
        page.html.contains("<span class=\"added\">+"),
        "the diff marks added lines"
    );
    assert!(page.html.contains("quinquagenarian"));
    let page = ph
        .post(
            &format!("{CRAMPS}/revisions/{}/restore", first_published.id),
            &[],
        )
        .await;
    assert_eq!((page.status, page.location.as_str()), (303, CRAMPS));
    let restored = textarea(&ph.get(CRAMPS).await.html);
    assert_eq!(restored, first);
    edit(&mut ph, "publish", &restored).await;
    assert!(
        public(&app, "/conditions/foot-and-leg-cramps")
            .await
            .contains("quinquagenarian")
    );
    // Another medication's revision id does not open under this page.
    let page = ph
        .get("/staff/content/medications/baclofen/revisions/1")
        .await;
    assert_eq!(page.status, 404);

    // `pestle export` writes what was published here.
    let dir = tempfile::tempdir().unwrap();
    let (status, out, err) = pestle(
        &["export", dir.path().to_str().unwrap()],
        &[("PESTLE_DATABASE_URL", &app.db.url)],
    );
    assert_eq!(status, 0, "{out}{err}");
    let exported =
        std::fs::read_to_string(dir.path().join("conditions/foot-and-leg-cramps.md")).unwrap();
    assert!(exported.contains("quinquagenarian"));

    let log = audit_log(store.as_ref(), "content").await;
    for action in ["content.saved", "content.published", "content.restored"] {
        let expected =
            format!("{action} pharmacist@willow.example conditions/foot-and-leg-cramps.md");
        assert!(log.contains(&expected), "{expected} in {log:#?}");
    }
}

#[tokio::test]
async fn a_pharmacist_marks_a_page_reviewed_and_the_page_says_so() {
    let app = spawn_app(Backend::Sqlite).await;
    let store = app.db.store().await;
    let mut ph = signed_in(&app, store.as_ref(), "pharmacist").await;
    let dashboard = ph.get("/staff").await;
    assert!(dashboard.html.contains("Pages due a pharmacist review"));
    assert!(
        dashboard
            .html
            .contains("foot-and-leg-cramps\">Foot &#38; Leg Cramps</a> · never reviewed"),
        "{}",
        dashboard.html
    );

    let page = ph
        .post(
            &format!("{CRAMPS}/review"),
            &[("by", "Dana Reyes, PharmD"), ("next", "2001-01-01")],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.html.contains("Next review: enter a date after today"));
    let page = ph
        .post(
            &format!("{CRAMPS}/review"),
            &[("by", "Dana Reyes, PharmD"), ("next", "2099-01-31")],
        )
        .await;
    assert_eq!((page.status, page.location.as_str()), (303, CRAMPS));
    let html = public(&app, "/conditions/foot-and-leg-cramps").await;
    assert!(
        html.contains("Dana Reyes, PharmD"),
        "the page shows who reviewed it"
    );
    let dashboard = ph.get("/staff").await;
    assert!(!dashboard.html.contains("Leg Cramps</a> · never reviewed"));
    let pack = store.load_content().await.unwrap().unwrap();
    let review = &pack.condition("foot-and-leg-cramps").unwrap().meta.review;
    assert_eq!(review.next.unwrap().to_string(), "2099-01-31");
    assert!(review.on.is_some());

    // Staff (not pharmacists) cannot edit or review.
    let mut staff = signed_in(&app, store.as_ref(), "staff").await;
    assert_eq!(staff.get(CRAMPS).await.status, 403);
    assert_eq!(staff.get("/staff/content").await.status, 403);
    let page = staff
        .post(
            &format!("{CRAMPS}/review"),
            &[("by", "Someone"), ("next", "2099-01-31")],
        )
        .await;
    assert_eq!(page.status, 403);
}

#[tokio::test]
async fn markup_typed_into_any_content_field_renders_inert() {
    let app = spawn_app(Backend::Sqlite).await;
    let store = app.db.store().await;
    let mut ph = signed_in(&app, store.as_ref(), "pharmacist").await;
    let original = textarea(&ph.get(CRAMPS).await.html);
    let attacks = [
        "<script>alert(1)</script>",
        "\\\"><img src=x onerror=alert(2)>",
        "<style>body{display:none}</style>",
    ];
    let mut source = original
        .replace(
            "title = \"Foot & Leg Cramps\"",
            &format!("title = \"Foot & Leg Cramps {}\"", attacks[0]),
        )
        .replace(
            "summary = \"A sudden,",
            &format!("summary = \"{} A sudden,", attacks[1]),
        )
        .replace("\"charley horse\"", &format!("\"charley {}\"", attacks[2]))
        .replace(
            "text = \"A calf that is swollen",
            &format!("text = \"{} A calf that is swollen", attacks[0]),
        );
    source.push_str(
        "\n## More\n<script>alert(3)</script> [call](javascript:alert(4)) \
         <a href=\"javascript:alert(5)\">x</a> ![i](javascript:alert(6))\n",
    );
    let page = edit(&mut ph, "publish", &source).await;
    assert_eq!(page.status, 303, "{}", page.html);
    for path in [
        "/conditions/foot-and-leg-cramps",
        "/conditions",
        "/search?q=cramps",
        "/",
    ] {
        let html = public(&app, path).await;
        // Escaped, the words may show as text; live, they would be a tag or an attribute.
        for live in ["<script>alert", "<img src=x", "<style>body"] {
            assert!(!html.contains(live), "{live} is live on {path}");
        }
        assert!(
            !in_a_tag(&html, "javascript:"),
            "a javascript: URL is live on {path}"
        );
    }
    // JSON carries titles as data (search.js sets them with textContent); its one HTML field,
    // the snippet, is escaped apart from <mark>.
    let json: serde_json::Value =
        serde_json::from_str(&public(&app, "/api/v1/search?q=cramps").await).unwrap();
    let results = json["results"].as_array().unwrap();
    let cramps = results
        .iter()
        .find(|r| r["url"] == "/conditions/foot-and-leg-cramps")
        .unwrap();
    assert!(
        cramps["title"].as_str().unwrap().ends_with(attacks[0]),
        "verbatim as data"
    );
    for result in results {
        let snippet = result["snippet"].as_str().unwrap_or_default();
        assert!(
            !snippet.contains("<script") && !snippet.contains("<img"),
            "{snippet}"
        );
    }
    let html = public(&app, "/conditions/foot-and-leg-cramps").await;
    assert!(html.contains("&lt;script&gt;alert(3)") || html.contains("&#60;script&#62;alert(3)"));
    // The preview in the editor is inert too.
    let page = edit(&mut ph, "preview", &source).await;
    let preview = &page.html[page.html.find("class=\"preview-body\"").unwrap()..];
    assert!(!preview.contains("<script>alert") && !in_a_tag(preview, "javascript:"));
    let response = app
        .client
        .get(format!("{}/conditions/foot-and-leg-cramps", app.address))
        .send()
        .await
        .unwrap();
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(!csp.contains("unsafe-inline"), "{csp}");
}

#[tokio::test]
async fn a_shared_experience_waits_for_a_pharmacist_then_appears() {
    let app = spawn_app(Backend::Sqlite).await;
    let store = app.db.store().await;
    let form = app
        .client
        .get(format!("{}/testimonials/share", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(form.headers()["cache-control"], "no-store");
    let cookie = form.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let html = form.text().await.unwrap();
    let at = html.find("name=\"csrf_token\" value=\"").unwrap() + 25;
    let token = html[at..at + 64].to_owned();
    let post = |fields: Vec<(&'static str, String)>| {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.append_pair("csrf_token", &token);
        for (name, value) in &fields {
            form.append_pair(name, value);
        }
        app.client
            .post(format!("{}/testimonials/share", app.address))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", cookie.clone())
            .header("origin", app.address.clone())
            .body(form.finish())
            .send()
    };
    // Every problem at once, values kept.
    let response = post(vec![
        ("quote", "Great!".to_owned()),
        ("name", "Ana <b>L.</b>".to_owned()),
    ])
    .await
    .unwrap();
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    for message in ["at least 20 characters", "Enter your town", "Tick the box"] {
        assert!(html.contains(message), "{message}");
    }
    assert!(html.contains("value=\"Ana &#60;b&#62;L.&#60;/b&#62;\""));
    let quote =
        "The compounded <script>alert(1)</script> gel let me sleep through the night again.";
    let response = post(vec![
        ("quote", quote.to_owned()),
        ("name", "Ana L.".to_owned()),
        ("place", "Pasadena".to_owned()),
        ("consent", "yes".to_owned()),
    ])
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("A pharmacist reads every story")
    );
    assert!(
        !public(&app, "/testimonials")
            .await
            .contains("sleep through the night"),
        "not before approval"
    );

    let mut ph = signed_in(&app, store.as_ref(), "pharmacist").await;
    assert!(
        ph.get("/staff")
            .await
            .html
            .contains("1 waiting for a decision")
    );
    let page = ph.get("/staff/testimonials").await;
    assert!(page.html.contains("sleep through the night"));
    assert!(
        !page.html.contains("<script>alert"),
        "escaped for staff too"
    );
    let id = store
        .shared_stories(pestle::store::StoryStatus::Pending)
        .await
        .unwrap()[0]
        .id;
    let page = ph
        .post(&format!("/staff/testimonials/{id}/approve"), &[])
        .await;
    assert_eq!(
        (page.status, page.location.as_str()),
        (303, "/staff/testimonials")
    );
    let html = public(&app, "/testimonials").await;
    assert!(html.contains("sleep through the night") && html.contains("Ana L."));
    assert!(!html.contains("<script>alert"));
    // Deciding twice does nothing more; staff cannot moderate.
    ph.post(&format!("/staff/testimonials/{id}/reject"), &[])
        .await;
    assert_eq!(
        store
            .shared_stories(pestle::store::StoryStatus::Approved)
            .await
            .unwrap()
            .len(),
        1
    );
    let mut staff = signed_in(&app, store.as_ref(), "staff").await;
    assert_eq!(staff.get("/staff/testimonials").await.status, 403);
    let log = audit_log(store.as_ref(), "testimonial").await;
    assert_eq!(
        log,
        [format!(
            "testimonial.approved pharmacist@willow.example testimonials/ana-l-{id}.toml"
        )]
    );
}

#[tokio::test]
async fn a_new_entry_starts_from_a_skeleton_and_is_published_when_it_checks() {
    let app = spawn_app(Backend::Sqlite).await;
    let store = app.db.store().await;
    let mut ph = signed_in(&app, store.as_ref(), "pharmacist").await;
    let page = ph
        .get("/staff/content/new?kind=testimonials&slug=bo-d")
        .await;
    assert_eq!(page.location, "/staff/content/testimonials/bo-d/form");
    let form = ph.get(&page.location).await;
    assert_eq!(
        form.status, 200,
        "a new testimonial starts as an empty form"
    );
    let page = ph.get("/staff/content/testimonials/bo-d").await;
    assert!(page.html.contains("New: testimonials/bo-d.toml"));
    let skeleton = textarea(&page.html);
    let page = ph
        .post(
            "/staff/content/testimonials/bo-d",
            &[("source", &skeleton), ("action", "publish")],
        )
        .await;
    assert_eq!(page.status, 422, "an empty skeleton does not publish");
    let source = "quote = \"They mixed a cream my skin could finally tolerate.\"\nname = \"Bo D.\"\nplace = \"Denver\"\n";
    let page = ph
        .post(
            "/staff/content/testimonials/bo-d",
            &[("source", source), ("action", "publish")],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.html);
    assert!(
        public(&app, "/testimonials")
            .await
            .contains("my skin could finally tolerate")
    );
    assert_eq!(
        ph.get("/staff/content/new?kind=conditions&slug=Bad Name")
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn a_condition_can_be_written_in_a_form_without_touching_toml() {
    let app = spawn_app(Backend::Sqlite).await;
    let store = app.db.store().await;
    let mut ph = signed_in(&app, store.as_ref(), "pharmacist").await;
    let page = ph.get(&format!("{CRAMPS}/form")).await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("value=\"Foot &#38; Leg Cramps\""));
    assert!(page.html.contains("<option value=\"emergency\" selected>"));
    assert!(
        page.html
            .contains("value=\"https://medlineplus.gov/musclecramps.html\"")
    );

    let form = "/staff/content/conditions/heel-pain/form";
    assert_eq!(
        ph.get(form).await.status,
        200,
        "a new page starts as an empty form"
    );
    let mut fields = vec![
        ("title", "Heel Pain"),
        (
            "summary",
            "Pain under or behind the heel, most often from the thick band under the foot.",
        ),
        ("also_called", "sore heel\nheel spur"),
        ("prescription", "baclofenn"),
        ("flag_level_1", "urgent"),
        (
            "flag_text_1",
            "Heel pain after an injury, if you cannot put weight on the foot.",
        ),
        ("source_title_1", "Heel pain — NHS"),
        (
            "source_url_1",
            "https://www.nhs.uk/conditions/foot-pain/heel-pain/",
        ),
        (
            "body",
            "\n## Overview\nMost heel pain is plantar fasciitis.\n",
        ),
        ("action", "publish"),
    ];
    let page = ph.post(form, &fields).await;
    assert_eq!(page.status, 422);
    assert!(
        page.html.contains("baclofenn"),
        "the problem names the bad entry"
    );
    assert!(
        page.html.contains("value=\"Heel Pain\""),
        "the values are kept"
    );
    fields[3] = ("prescription", "baclofen");
    let page = ph.post(form, &fields).await;
    assert_eq!(page.status, 303, "{}", page.html);
    let html = public(&app, "/conditions/heel-pain").await;
    assert!(html.contains("Heel Pain") && html.contains("Most heel pain is plantar fasciitis"));
    assert!(html.contains("/medications/baclofen"));
    assert!(
        public(&app, "/api/v1/search?q=heel+spur")
            .await
            .contains("/conditions/heel-pain")
    );
}

#[tokio::test]
async fn opening_hours_and_contact_details_are_edited_in_a_form() {
    let app = spawn_app(Backend::Sqlite).await;
    let store = app.db.store().await;
    let mut ph = signed_in(&app, store.as_ref(), "pharmacist").await;
    let form = "/staff/content/site/site/form";
    let page = ph.get(form).await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("<legend>Denver Highlands</legend>"));
    assert!(
        page.html
            .contains("name=\"loc2_saturday\" type=\"text\" value=\"09:00-13:00\"")
    );

    let page = ph
        .post(form, &[("loc2_saturday", "9 to 1"), ("action", "publish")])
        .await;
    assert_eq!(page.status, 422);
    assert!(page.html.contains("saturday"), "the problem names the day");
    assert!(
        page.html.contains("value=\"9 to 1\""),
        "what was typed is kept"
    );

    let page = ph
        .post(
            form,
            &[
                ("loc2_saturday", "closed"),
                ("loc2_phone", "(303) 555-0199"),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(
        (page.status, page.location.as_str()),
        (303, form),
        "{}",
        page.html
    );
    let pack = store.load_content().await.unwrap().unwrap();
    let denver = &pack.site.locations[1];
    assert_eq!(denver.hours.saturday, pestle::content::DayHours::Closed);
    assert_eq!(denver.phone.to_string(), "(303) 555-0199");
    assert_eq!(
        pack.site.locations[0].hours.saturday,
        pestle::content::DayHours::parse("10:00-14:00").unwrap(),
        "the other location is untouched"
    );
    assert!(public(&app, "/locations").await.contains("555-0199"));
}

#[tokio::test]
async fn a_medication_is_edited_in_a_form_with_its_status_chosen_not_typed() {
    let app = spawn_app(Backend::Sqlite).await;
    let store = app.db.store().await;
    let mut ph = signed_in(&app, store.as_ref(), "pharmacist").await;
    let form = "/staff/content/medications/baclofen/form";
    let page = ph.get(form).await;
    assert_eq!(page.status, 200);
    assert!(
        page.html
            .contains("<option value=\"prescription\" selected>")
    );
    assert!(
        page.html
            .contains("id=\"form-gel\" name=\"forms\" value=\"gel\" checked")
    );
    let fields = [
        ("name", "baclofen"),
        ("status", "prescription"),
        ("brands", "Lioresal\nOzobax"),
        ("class", "Skeletal muscle relaxant (GABA-B agonist)"),
        ("summary", "A prescription muscle relaxant for spasticity."),
        ("codes", "RxNorm:1292"),
        ("forms", "oral-suspension"),
        ("forms", "troche"),
        ("note", "Made on a prescriber's order."),
        ("action", "publish"),
    ];
    let page = ph.post(form, &fields).await;
    assert_eq!(
        (page.status, page.location.as_str()),
        (303, form),
        "{}",
        page.html
    );
    let pack = store.load_content().await.unwrap().unwrap();
    let baclofen = pack.medication("baclofen").unwrap();
    let forms: Vec<&str> = baclofen
        .meta
        .compounding
        .as_ref()
        .unwrap()
        .forms
        .iter()
        .map(|f| pestle::content::Vocabulary::word(*f))
        .collect();
    assert_eq!(forms, ["oral-suspension", "troche"]);
    assert_eq!(baclofen.meta.brands, ["Lioresal", "Ozobax"]);
    // A status the reader does not know is refused, naming it.
    let mut wrong = fields.to_vec();
    wrong[1] = ("status", "otc-ish");
    let page = ph.post(form, &wrong).await;
    assert_eq!(page.status, 422);
    assert!(page.html.contains("otc-ish"));
}

#[tokio::test]
async fn a_testimonial_is_edited_in_a_form() {
    let app = spawn_app(Backend::Sqlite).await;
    let store = app.db.store().await;
    let mut ph = signed_in(&app, store.as_ref(), "pharmacist").await;
    let form = "/staff/content/testimonials/clair-c/form";
    let page = ph.get(form).await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("name=\"place\" type=\"text\" value=\""));
    let page = ph
        .post(
            form,
            &[
                ("quote", ""),
                ("name", "Clair C."),
                ("place", "Pasadena"),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(page.status, 422, "a testimonial needs its quote");
    assert!(page.html.contains("quote"));
    let page = ph
        .post(
            form,
            &[
                (
                    "quote",
                    "The cream they made stopped my night cramps within a week.",
                ),
                ("name", "Clair C."),
                ("place", "Pasadena"),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(
        (page.status, page.location.as_str()),
        (303, form),
        "{}",
        page.html
    );
    assert!(
        public(&app, "/testimonials")
            .await
            .contains("stopped my night cramps within a week")
    );
}

#[tokio::test]
async fn a_content_form_without_a_known_action_is_refused_not_previewed() {
    let app = spawn_app(Backend::Sqlite).await;
    let store = app.db.store().await;
    let mut ph = signed_in(&app, store.as_ref(), "pharmacist").await;
    let source = textarea(&ph.get(CRAMPS).await.html);
    let forms: [(&str, Vec<(&str, &str)>); 5] = [
        (CRAMPS, vec![("source", &source)]),
        (
            "/staff/content/conditions/foot-and-leg-cramps/form",
            vec![("title", "Foot & Leg Cramps")],
        ),
        (
            "/staff/content/medications/baclofen/form",
            vec![("name", "baclofen"), ("status", "prescription")],
        ),
        (
            "/staff/content/site/site/form",
            vec![("loc2_saturday", "closed")],
        ),
        (
            "/staff/content/testimonials/clair-c/form",
            vec![
                ("quote", "Kind and quick, every time I came in."),
                ("name", "Clair C."),
                ("place", "Pasadena"),
            ],
        ),
    ];
    for (path, fields) in &forms {
        for action in [None, Some("delete"), Some(""), Some("Publish")] {
            let mut posted = fields.clone();
            posted.extend(action.map(|a| ("action", a)));
            let page = ph.post(path, &posted).await;
            assert_eq!(page.status, 400, "{path} with action {action:?}");
            assert!(!page.html.contains("No problems found"), "{path}");
        }
    }
    for path in [
        "conditions/foot-and-leg-cramps.md",
        "medications/baclofen.toml",
        "site.toml",
        "testimonials/clair-c.toml",
    ] {
        assert!(
            store.revisions(path, 10).await.unwrap().is_empty(),
            "nothing saved for {path}"
        );
    }
    // The role is checked first: a staff account learns nothing about the form.
    let mut staff = signed_in(&app, store.as_ref(), "staff").await;
    let page = staff
        .post(CRAMPS, &[("source", &source), ("action", "delete")])
        .await;
    assert_eq!(page.status, 403);
    // The three real actions still work.
    let page = ph
        .post(CRAMPS, &[("source", &source), ("action", "preview")])
        .await;
    assert_eq!(page.status, 200);
}

/// The hidden `opened` value of an edit page (the version it started from).
pub(crate) fn opened(html: &str) -> String {
    let start = html
        .find("name=\"opened\" value=\"")
        .expect("an opened field")
        + 21;
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn a_publication_over_a_newer_version_is_refused_with_the_text_kept() {
    let app = spawn_app(Backend::Postgres).await;
    let store = app.db.store().await;
    let mut first = signed_in(&app, store.as_ref(), "pharmacist").await;
    let mut second = signed_in(&app, store.as_ref(), "admin").await;
    let (page_1, page_2) = (first.get(CRAMPS).await, second.get(CRAMPS).await);
    let original = textarea(&page_1.html);
    let version = opened(&page_1.html);
    assert_eq!(version, opened(&page_2.html));
    assert_eq!(version.len(), 64, "a fingerprint: {version}");

    let theirs = original.replace("A sudden, painful tightening", "Their sudden tightening");
    let page = first
        .post(
            CRAMPS,
            &[
                ("source", &theirs),
                ("action", "publish"),
                ("opened", &version),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "the first publication goes through");

    let mine = original.replace("A sudden, painful tightening", "My sudden tightening");
    let page = second
        .post(
            CRAMPS,
            &[
                ("source", &mine),
                ("action", "publish"),
                ("opened", &version),
            ],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(
        page.html
            .contains("Someone published a change to this file after you opened it")
    );
    assert_eq!(textarea(&page.html), mine, "the pharmacist's text is kept");
    assert!(
        public(&app, "/conditions/foot-and-leg-cramps")
            .await
            .contains("Their sudden tightening")
    );
    // With what differs: their line against the pharmacist's, and nothing else marked.
    assert!(
        page.html
            .contains("Published since you opened it, compared with yours")
    );
    let marked: Vec<&str> = page
        .html
        .split("<span class=\"")
        .filter(|line| line.starts_with("removed") || line.starts_with("added"))
        .collect();
    assert_eq!(marked.len(), 2, "{marked:#?}");
    assert!(marked[0].starts_with("removed\">- ") && marked[0].contains("Their sudden tightening"));
    assert!(marked[1].starts_with("added\">+ ") && marked[1].contains("My sudden tightening"));
    let newer = opened(&page.html);
    assert_ne!(
        newer, version,
        "the page now carries the version it was compared with"
    );

    // Having seen it, publishing again replaces their version knowingly.
    let page = second
        .post(
            CRAMPS,
            &[("source", &mine), ("action", "publish"), ("opened", &newer)],
        )
        .await;
    assert_eq!(page.status, 303);
    assert!(
        public(&app, "/conditions/foot-and-leg-cramps")
            .await
            .contains("My sudden tightening")
    );
}
