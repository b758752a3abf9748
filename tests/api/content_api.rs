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
    assert!(page.contains("GET /api/v1/conditions/{slug}") && page.contains("curl http"));
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
