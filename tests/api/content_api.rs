//! The content API: every sample condition, medication and the locations validate against the
//! OpenAPI document the server itself serves (checked by PyPI's `jsonschema`, Draft 2020-12 as
//! OpenAPI 3.1 uses it); pages follow their `next` links; ETags give 304; CORS; refusals in one
//! JSON shape naming the parameter; the per-address limit answers 429 with `Retry-After`.

use std::process::{Command, Stdio};

use serde_json::Value;

use crate::helpers::{Backend, TestApp, spawn_app, spawn_app_with};

async fn json(app: &TestApp, path: &str) -> (u16, reqwest::header::HeaderMap, Value) {
    let response = app.get(path).await;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let value = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, headers, value)
}

/// Validates each `(schema name, instance)` against the document's component schemas.
fn validate(document: &Value, instances: &[(&str, Value)]) {
    let python = std::env::var("PESTLE_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let script = r##"
import json, sys
from jsonschema import Draft202012Validator
data = json.load(sys.stdin)
text = json.dumps(data["document"]["components"]["schemas"]).replace("#/components/schemas/", "#/$defs/")
defs = json.loads(text)
problems = []
for name, instance in data["instances"]:
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": defs, "$ref": "#/$defs/" + name}
    Draft202012Validator.check_schema(schema)
    for error in Draft202012Validator(schema).iter_errors(instance):
        problems.append(f"{name}: {list(error.absolute_path)}: {error.message}")
print("\n".join(problems))
sys.exit(1 if problems else 0)
"##;
    let mut child = Command::new(&python)
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python runs (scripts/test makes target/test-venv)");
    let input = serde_json::json!({ "document": document, "instances": instances });
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), input.to_string().as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "not valid against the served OpenAPI document (install jsonschema with \
         ./scripts/test):\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn every_answer_validates_against_the_served_openapi_document() {
    let app = spawn_app(Backend::Sqlite).await;
    // A patient's request is in the database: none of it may surface in any answer.
    let reference = crate::requests::submit_named(&app, "Philippa Quenby").await;
    let (status, _, document) = json(&app, "/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    let mut instances = Vec::new();
    let mut path = "/api/v1/conditions?limit=5".to_owned();
    let mut slugs = Vec::new();
    loop {
        let (status, _, page) = json(&app, &path).await;
        assert_eq!(status, 200, "{path}");
        for item in page["items"].as_array().unwrap() {
            slugs.push(item["slug"].as_str().unwrap().to_owned());
        }
        let next = page["next"].as_str().map(str::to_owned);
        instances.push(("ConditionList", page));
        match next {
            Some(next) => path = next,
            None => break,
        }
    }
    let pack = crate::helpers::sample_pack();
    let expected: Vec<String> = pack.conditions.iter().map(|c| c.slug.to_string()).collect();
    assert_eq!(
        slugs, expected,
        "every condition once, A to Z, across pages"
    );
    for slug in &slugs {
        let (status, _, page) = json(&app, &format!("/api/v1/conditions/{slug}")).await;
        assert_eq!(status, 200);
        instances.push(("ConditionPage", page));
    }
    let (_, _, cramps) = json(&app, "/api/v1/conditions/foot-and-leg-cramps").await;
    assert_eq!(cramps["@type"], "MedicalWebPage");
    assert_eq!(cramps["name"], "Foot & Leg Cramps");
    assert!(
        cramps["about"]["code"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["codeValue"] == "R25.2" && c["codingSystem"] == "ICD-10-CM")
    );
    assert!(cramps["hasPart"].as_array().unwrap().len() >= 3);
    assert!(
        cramps["warningSigns"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["level"] == "emergency")
    );
    assert!(cramps["dateModified"].as_str().unwrap().ends_with('Z'));
    let (_, _, medications) = json(&app, "/api/v1/medications").await;
    for medication in medications["items"].as_array().unwrap() {
        let slug = medication["slug"].as_str().unwrap();
        let (status, _, one) = json(&app, &format!("/api/v1/medications/{slug}")).await;
        assert_eq!(status, 200);
        instances.push(("MedicationPage", one));
    }
    instances.push(("MedicationList", medications));
    let (_, _, locations) = json(&app, "/api/v1/locations").await;
    assert_eq!(locations["items"][0]["@type"], "Pharmacy");
    instances.push(("LocationList", locations));
    let (status, _, missing) = json(&app, "/api/v1/conditions/no-such-page").await;
    assert_eq!(status, 404);
    instances.push(("ApiError", missing));
    for (_, instance) in &instances {
        let text = instance.to_string();
        for secret in ["Philippa", "Quenby", "2135550147", "555-0147", &reference] {
            assert!(!text.contains(secret), "{secret} in an API answer");
        }
    }
    validate(&document, &instances);
}

#[tokio::test]
async fn etags_cors_and_refusals_that_name_the_parameter() {
    let app = spawn_app(Backend::Sqlite).await;
    let (_, headers, _) = json(&app, "/api/v1/conditions/migraine").await;
    assert_eq!(headers["access-control-allow-origin"], "*");
    assert_eq!(headers["cache-control"], "public, max-age=300");
    let tag = headers["etag"].to_str().unwrap().to_owned();
    let again = app
        .get_with("/api/v1/conditions/migraine", &[("if-none-match", &tag)])
        .await;
    assert_eq!(again.status(), 304);
    let preflight = app
        .client
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/api/v1/conditions", app.address),
        )
        .header("origin", "https://ehr.example")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 204);
    assert!(
        preflight.headers()["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains("GET")
    );

    for (query, names) in [
        ("limit=0", "limit:"),
        ("limit=ten", "limit:"),
        ("letter=ab", "letter:"),
        ("updated_since=yesterday", "updated_since:"),
        ("review=maybe", "review:"),
        ("cursor=%3Cscript%3E", "cursor:"),
        ("colour=blue", "query:"),
    ] {
        let (status, headers, body) = json(&app, &format!("/api/v1/conditions?{query}")).await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(body["error"]["code"], "bad_parameter", "{query}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.starts_with(names), "{query}: {message}");
        assert_eq!(headers["access-control-allow-origin"], "*");
    }
    let long = format!("/api/v1/conditions?category={}", "x".repeat(2000));
    assert_eq!(json(&app, &long).await.0, 400);

    // Filters.
    let (_, _, m) = json(&app, "/api/v1/conditions?letter=M").await;
    assert!(
        m["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["name"].as_str().unwrap().starts_with('M'))
    );
    let (_, _, future) = json(&app, "/api/v1/conditions?updated_since=2999-01-01").await;
    assert!(future["items"].as_array().unwrap().is_empty());
    let (_, _, past) = json(
        &app,
        "/api/v1/conditions?updated_since=2000-01-01T00:00:00Z",
    )
    .await;
    assert_eq!(past["items"].as_array().unwrap().len(), 13);

    let page = app.page("/api").await;
    assert!(
        page.contains("GET /api/v1/conditions/{slug}")
            && page.contains("GET /connect/service")
            && page.contains("curl &#39;http")
    );
}

#[tokio::test]
async fn too_many_calls_from_one_address_get_429_with_retry_after() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.api_limit_per_hour = 3).await;
    for _ in 0..3 {
        assert_eq!(json(&app, "/api/v1/locations").await.0, 200);
    }
    let (status, headers, body) = json(&app, "/api/v1/locations").await;
    assert_eq!(status, 429);
    assert_eq!(body["error"]["code"], "too_many_requests");
    assert!(
        headers["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
}

const ICD10: &str = "2.16.840.1.113883.6.90";
const RXNORM: &str = "2.16.840.1.113883.6.88";

fn connect(system: &str, code: &str, rest: &str) -> String {
    format!("/connect/service?mainSearchCriteria.v.cs={system}&mainSearchCriteria.v.c={code}{rest}")
}

#[tokio::test]
async fn codes_from_prescribers_systems_find_their_pages() {
    let app = spawn_app(Backend::Sqlite).await;
    let json_type = "&knowledgeResponseType=application/json";
    let titles = |feed: &Value| -> Vec<String> {
        feed["feed"]["entry"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let (status, _, exact) = json(&app, &connect(ICD10, "R25.2", json_type)).await;
    assert_eq!(status, 200);
    assert_eq!(titles(&exact)[0], "Foot & Leg Cramps");
    let (_, _, child) = json(&app, &connect(ICD10, "R25.21", json_type)).await;
    assert_eq!(
        titles(&child),
        titles(&exact),
        "a child code falls back to its parent"
    );
    let (_, _, named) = json(
        &app,
        &connect(
            ICD10,
            "Z99.89",
            &format!("{json_type}&mainSearchCriteria.v.dn=leg%20cramps"),
        ),
    )
    .await;
    assert!(
        titles(&named).contains(&"Foot & Leg Cramps".to_owned()),
        "{named}"
    );
    let (_, _, none) = json(&app, &connect(ICD10, "Z99.89", json_type)).await;
    assert!(titles(&none).is_empty());

    // An RxNorm code: its medication first, then the conditions that list it (three at most).
    let pack = crate::helpers::sample_pack();
    let (medication, code) = pack
        .medications
        .iter()
        .find_map(|m| {
            m.meta
                .codes
                .iter()
                .find(|c| c.system == pestle::content::CodeSystem::RxNorm)
                .map(|c| (m, c.value.clone()))
        })
        .unwrap();
    let (_, _, drug) = json(&app, &connect(RXNORM, &code, json_type)).await;
    let found = titles(&drug);
    assert_eq!(found[0], medication.meta.name);
    assert!(found.len() <= 3);
    assert!(
        drug["feed"]["entry"][0]["link"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/medications/{}", medication.slug))
    );

    // Atom by default: RFC 4287's required elements, checked by a parser.
    let atom = app.get(&connect(ICD10, "R25.2", "")).await;
    assert_eq!(atom.headers()["content-type"], "application/atom+xml");
    check_atom(&atom.text().await.unwrap());

    // JSONP with a plain callback name only.
    let script = app
        .get(&connect(
            ICD10,
            "R25.2",
            "&knowledgeResponseType=application/javascript&callback=handleFeed",
        ))
        .await;
    assert_eq!(script.headers()["content-type"], "application/javascript");
    let body = script.text().await.unwrap();
    assert!(body.starts_with("handleFeed({\"feed\":") && body.ends_with(");"));
    for (query, parameter) in [
        (
            connect(
                ICD10,
                "R25.2",
                "&knowledgeResponseType=application/javascript&callback=alert(1)//",
            ),
            "callback:",
        ),
        (connect("1.2.3", "R25.2", ""), "mainSearchCriteria.v.cs:"),
        (
            connect(ICD10, "R25.2", "&knowledgeResponseType=text/html"),
            "knowledgeResponseType:",
        ),
        (
            connect(ICD10, "R25.2", "&informationRecipient.languageCode.c=fr"),
            "informationRecipient.languageCode.c:",
        ),
        ("/connect/service".to_owned(), "mainSearchCriteria.v.c:"),
        (
            "/connect/service?mainSearchCriteria.v.c=R25.2".to_owned(),
            "mainSearchCriteria.v.cs:",
        ),
    ] {
        let (status, _, body) = json(&app, &query).await;
        assert_eq!(status, 400, "{query}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with(parameter),
            "{body}"
        );
    }
    let (_, _, document) = json(&app, "/api/v1/openapi.json").await;
    validate(&document, &[("ConnectFeed", exact), ("ConnectFeed", drug)]);
}

/// The Atom feed has what RFC 4287 requires: a feed id, title, updated and author; each entry
/// an id, title, updated (RFC 3339), an alternate link and a summary.
fn check_atom(xml: &str) {
    let python = std::env::var("PESTLE_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let script = r##"
import sys, xml.etree.ElementTree as ET, datetime
A = "{http://www.w3.org/2005/Atom}"
feed = ET.fromstring(sys.stdin.read())
assert feed.tag == A + "feed", feed.tag
def one(parent, name):
    found = parent.findall(A + name)
    assert len(found) == 1, f"{parent.tag} needs exactly one {name}, has {len(found)}"
    return found[0]
def date(element):
    datetime.datetime.fromisoformat(element.text.replace("Z", "+00:00"))
one(feed, "id"); one(feed, "title"); date(one(feed, "updated"))
assert one(one(feed, "author"), "name").text
entries = feed.findall(A + "entry")
assert 1 <= len(entries) <= 3, len(entries)
for entry in entries:
    one(entry, "id"); one(entry, "title"); date(one(entry, "updated")); one(entry, "summary")
    links = [l for l in entry.findall(A + "link") if l.get("rel", "alternate") == "alternate"]
    assert len(links) == 1 and links[0].get("href", "").startswith("http"), links
print(len(entries))
"##;
    let mut child = Command::new(&python)
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), xml.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "not a valid Atom feed: {}\n{xml}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Schemathesis (PyPI) generates requests from the served OpenAPI document — valid ones, which
/// must be answered, and invalid ones, which must be refused — and checks every answer: no 5xx,
/// every body and header as documented. A fixed seed, so a failure can be replayed.
#[tokio::test(flavor = "multi_thread")]
async fn a_property_based_fuzz_run_finds_nothing() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.api_limit_per_hour = 1_000_000).await;
    let python = std::env::var("PESTLE_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let schemathesis = std::path::Path::new(&python).with_file_name("schemathesis");
    // Hypothesis keeps a core busy for a while: not at the same time as a cluster's timings.
    let _heavy = crate::cluster::one_cluster_at_a_time();
    let scratch = tempfile::tempdir().unwrap();
    let output = Command::new(&schemathesis)
        .args([
            "run",
            &format!("{}/api/v1/openapi.json", app.address),
            "--url",
            &app.address,
            "--checks",
            "all",
            "--max-examples",
            "50",
            "--seed",
            "1",
        ])
        .env("NO_COLOR", "1")
        // Schemathesis keeps a cache in its working directory: not in the repository.
        .current_dir(&scratch)
        .output()
        .unwrap_or_else(|error| {
            panic!(
                "{} runs (./scripts/test installs it): {error}",
                schemathesis.display()
            )
        });
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "schemathesis found problems:\n{report}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(report.contains("No issues found"), "{report}");
}
