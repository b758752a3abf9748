//! `/connect/service`: patient education looked up by code, as prescribers' systems ask
//! MedlinePlus Connect (HL7 Infobutton, URL-based). A code from ICD-10-CM, RxNorm, SNOMED CT or
//! NDC (by the system's OID) finds the pages that carry it — an ICD-10-CM code falls back to
//! its parents (`R25.21` → `R25.2` → `R25`); an RxNorm code finds its medication and the
//! conditions that list it; with no match, the display name is searched. Up to three entries,
//! as an Atom feed (`text/xml`, the default), JSON, or JSONP with a checked callback name.

use std::net::SocketAddr;

use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::reply::{Refusal, json};
use crate::content::{CodeSystem, ContentPack};
use crate::web::AppState;
use crate::web::render::{PageRequest, Rendered};

/// At most this many entries, as MedlinePlus Connect answers.
const ENTRIES: usize = 3;
/// The longest code or display name read.
const MAX_VALUE: usize = 200;

/// The request's parameters (others an Infobutton request carries are accepted and ignored).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ConnectQuery {
    /// The code system's OID: ICD-10-CM `2.16.840.1.113883.6.90`, RxNorm
    /// `2.16.840.1.113883.6.88`, SNOMED CT `2.16.840.1.113883.6.96`, NDC `2.16.840.1.113883.6.69`.
    #[serde(rename = "mainSearchCriteria.v.cs")]
    #[param(rename = "mainSearchCriteria.v.cs", value_type = CodeSystemOid, required)]
    code_system: Option<String>,
    /// The code, e.g. `R25.2`.
    #[serde(rename = "mainSearchCriteria.v.c")]
    #[param(rename = "mainSearchCriteria.v.c", value_type = String, required, min_length = 1, max_length = 200)]
    code: Option<String>,
    /// The code's display name: searched when no page carries the code.
    #[serde(rename = "mainSearchCriteria.v.dn")]
    #[param(rename = "mainSearchCriteria.v.dn", max_length = 200)]
    display_name: Option<String>,
    /// `en` (default) or `es`; Spanish pages are not published yet, so `es` answers in English.
    #[serde(rename = "informationRecipient.languageCode.c")]
    #[param(rename = "informationRecipient.languageCode.c", value_type = Option<Language>)]
    language: Option<String>,
    /// `text/xml` (Atom, the default), `application/json`, or `application/javascript` (JSONP).
    #[serde(rename = "knowledgeResponseType")]
    #[param(rename = "knowledgeResponseType", value_type = Option<ResponseType>)]
    response_type: Option<String>,
    /// For `application/javascript`: the function to call, a plain identifier (default
    /// `callback`).
    #[param(pattern = "^[A-Za-z_$][A-Za-z0-9_$]{0,63}$")]
    callback: Option<String>,
}

/// The code systems asked by OID.
#[derive(ToSchema)]
#[allow(dead_code)] // Only its schema is used: the OIDs are matched as text.
pub enum CodeSystemOid {
    #[schema(rename = "2.16.840.1.113883.6.90")]
    Icd10Cm,
    #[schema(rename = "2.16.840.1.113883.6.88")]
    RxNorm,
    #[schema(rename = "2.16.840.1.113883.6.96")]
    SnomedCt,
    #[schema(rename = "2.16.840.1.113883.6.69")]
    Ndc,
}

/// The languages asked for.
#[derive(ToSchema)]
#[allow(dead_code)] // Only its schema is used.
pub enum Language {
    #[schema(rename = "en")]
    En,
    #[schema(rename = "es")]
    Es,
}

/// The answer's format.
#[derive(ToSchema)]
#[allow(dead_code)] // Only its schema is used.
pub enum ResponseType {
    #[schema(rename = "text/xml")]
    Atom,
    #[schema(rename = "application/json")]
    Json,
    #[schema(rename = "application/javascript")]
    Script,
}

/// The answer, as JSON.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConnectFeed {
    pub feed: Feed,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Feed {
    pub title: String,
    pub id: String,
    /// RFC 3339.
    pub updated: String,
    pub language: String,
    pub entry: Vec<Entry>,
}

/// One page that answers the request.
#[derive(Debug, Serialize, ToSchema)]
pub struct Entry {
    pub title: String,
    pub link: String,
    pub id: String,
    pub summary: String,
    /// RFC 3339, when the page last changed.
    pub updated: String,
}

enum Format {
    Atom,
    Json,
    Script(String),
}

/// Looks patient education up by code.
#[utoipa::path(
    get,
    path = "/connect/service",
    params(ConnectQuery),
    responses(
        (status = 200, description = "Up to three pages (Atom, JSON or JSONP as asked)", content(
            (ConnectFeed = "application/json"),
            (String = "application/atom+xml"),
            (String = "application/javascript")
        )),
        (status = 400, description = "A parameter is not valid", body = super::model::ApiError),
        (status = 429, description = "Too many calls from this address", body = super::model::ApiError)
    )
)]
pub async fn service(
    page: PageRequest,
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    query: Result<Query<ConnectQuery>, QueryRejection>,
) -> Response {
    if let Err(refused) = super::admit(&state, peer).await {
        return refused;
    }
    let query = match query {
        Ok(Query(query)) => query,
        Err(rejection) => return Refusal::bad("query", rejection.body_text()),
    };
    let format = match read_format(&query) {
        Ok(format) => format,
        Err((parameter, problem)) => return Refusal::bad(parameter, problem),
    };
    let language = match query.language.as_deref() {
        None | Some("en") => "en",
        Some("es") => "es",
        Some(_) => {
            return Refusal::bad(
                "informationRecipient.languageCode.c",
                "expected en or es".into(),
            );
        }
    };
    // A code that is only spaces matches nothing (and the display name is searched); a
    // missing one, or a missing code system, is a mistake in the request.
    let Some(code) = query
        .code
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(str::trim)
    else {
        return Refusal::bad(
            "mainSearchCriteria.v.c",
            "required: the code to look up".into(),
        );
    };
    let name = query
        .display_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if [Some(code), name]
        .into_iter()
        .flatten()
        .any(|v| v.chars().count() > MAX_VALUE)
    {
        return Refusal::bad(
            "mainSearchCriteria.v",
            format!("longer than {MAX_VALUE} characters"),
        );
    }
    let Some(oid) = query.code_system.as_deref().map(str::trim) else {
        return Refusal::bad(
            "mainSearchCriteria.v.cs",
            "required: the code system's OID".into(),
        );
    };
    let systems = [
        CodeSystem::Icd10Cm,
        CodeSystem::RxNorm,
        CodeSystem::SnomedCt,
        CodeSystem::Ndc,
    ];
    let Some(system) = systems.into_iter().find(|s| s.oid() == oid) else {
        return Refusal::bad(
            "mainSearchCriteria.v.cs",
            "expected the OID of ICD-10-CM, RxNorm, SNOMED CT or NDC".into(),
        );
    };
    let Ok(pack) = page.site.pack() else {
        return Refusal::not_found("no content is published yet");
    };
    let mut entries = if code.is_empty() {
        Vec::new()
    } else {
        by_code(&page.site, pack, system, code)
    };
    if entries.is_empty()
        && let Some(name) = name
    {
        entries = by_name(&page.site, name);
    }
    entries.truncate(ENTRIES);
    let feed = Feed {
        title: format!("{}: {}", pack.site.name, name.unwrap_or(code)),
        id: page.site.url("/connect/service"),
        updated: entries
            .iter()
            .map(|e| e.updated.clone())
            .max()
            .unwrap_or_else(|| jiff::Timestamp::UNIX_EPOCH.to_string()),
        language: language.to_owned(),
        entry: entries,
    };
    match format {
        Format::Json => json(&headers, &ConnectFeed { feed }),
        Format::Script(callback) => {
            let body = serde_json::to_string(&ConnectFeed { feed }).unwrap_or_default();
            typed("application/javascript", format!("{callback}({body});"))
        }
        Format::Atom => typed(
            "application/atom+xml",
            atom(&feed, &pack.site.name, &page.site),
        ),
    }
}

/// A JavaScript function name, nothing more: what JSONP may call.
fn plain_identifier(name: &str) -> bool {
    name.len() <= 64
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

fn read_format(query: &ConnectQuery) -> Result<Format, (&'static str, String)> {
    // Checked whenever given, used only for JSONP.
    let callback = query.callback.as_deref().unwrap_or("callback");
    if !plain_identifier(callback) {
        return Err((
            "callback",
            "expected a plain identifier, like handleFeed".to_owned(),
        ));
    }
    match query.response_type.as_deref() {
        None | Some("text/xml") => Ok(Format::Atom),
        Some("application/json") => Ok(Format::Json),
        Some("application/javascript") => Ok(Format::Script(callback.to_owned())),
        Some(_) => Err((
            "knowledgeResponseType",
            "expected text/xml, application/json or application/javascript".to_owned(),
        )),
    }
}

fn typed(content_type: &'static str, body: String) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// `R25.21`, `R25.2`, `R25`: the code, then each parent.
fn icd10_parents(code: &str) -> Vec<String> {
    let mut code = code.to_ascii_uppercase();
    let mut chain = Vec::new();
    while code.len() >= 3 {
        chain.push(code.clone());
        code.pop();
        if code.ends_with('.') {
            code.pop();
        }
    }
    chain
}

fn entry(site: &Rendered, (title, path, summary): (&str, String, &str), key: &str) -> Entry {
    let link = site.url(&path);
    Entry {
        title: title.to_owned(),
        id: link.clone(),
        link,
        summary: summary.to_owned(),
        updated: site
            .modified(key)
            .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
            .to_string(),
    }
}

fn by_code(site: &Rendered, pack: &ContentPack, system: CodeSystem, code: &str) -> Vec<Entry> {
    let carries = |codes: &[crate::content::Code], wanted: &str| {
        codes
            .iter()
            .any(|c| c.system == system && c.value.eq_ignore_ascii_case(wanted))
    };
    let conditions_with = |wanted: &str| -> Vec<Entry> {
        pack.conditions
            .iter()
            .filter(|c| carries(&c.meta.codes, wanted))
            .map(|c| {
                let path = format!("/conditions/{}", c.slug);
                entry(
                    site,
                    (&c.meta.title, path, &c.meta.summary),
                    &format!("conditions/{}", c.slug),
                )
            })
            .collect()
    };
    match system {
        CodeSystem::Icd10Cm => icd10_parents(code)
            .iter()
            .map(|candidate| conditions_with(candidate))
            .find(|found| !found.is_empty())
            .unwrap_or_default(),
        _ => {
            // A medication that carries the code, then the conditions that list it.
            let mut found = Vec::new();
            for medication in pack
                .medications
                .iter()
                .filter(|m| carries(&m.meta.codes, code))
            {
                let path = format!("/medications/{}", medication.slug);
                let summary = medication.meta.summary.as_deref().unwrap_or("");
                found.push(entry(
                    site,
                    (&medication.meta.name, path, summary),
                    &format!("medications/{}", medication.slug),
                ));
                for condition in pack.conditions.iter().filter(|c| {
                    c.meta
                        .medications
                        .all()
                        .any(|(_, slug)| slug == &medication.slug)
                }) {
                    let path = format!("/conditions/{}", condition.slug);
                    found.push(entry(
                        site,
                        (&condition.meta.title, path, &condition.meta.summary),
                        &format!("conditions/{}", condition.slug),
                    ));
                }
            }
            found.extend(conditions_with(code));
            found
        }
    }
}

fn by_name(site: &Rendered, name: &str) -> Vec<Entry> {
    let Ok(index) = site.search_index() else {
        return Vec::new();
    };
    let Ok(outcome) = index.search(name, ENTRIES) else {
        return Vec::new();
    };
    outcome
        .hits
        .iter()
        .map(|hit| {
            let key = hit.entry.url.trim_start_matches('/').to_owned();
            entry(
                site,
                (&hit.entry.title, hit.entry.url.clone(), &hit.entry.summary),
                &key,
            )
        })
        .collect()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The feed as Atom (RFC 4287).
fn atom(feed: &Feed, pharmacy: &str, site: &Rendered) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" \
         xml:lang=\"{}\">\n<title type=\"text\">{}</title>\n<id>{}</id>\n<updated>{}</updated>\n\
         <author><name>{}</name><uri>{}</uri></author>\n",
        escape(&feed.language),
        escape(&feed.title),
        escape(&feed.id),
        escape(&feed.updated),
        escape(pharmacy),
        escape(&site.url("/")),
    );
    for entry in &feed.entry {
        xml.push_str(&format!(
            "<entry>\n<title type=\"text\">{}</title>\n<link rel=\"alternate\" type=\"text/html\" \
             href=\"{}\"/>\n<id>{}</id>\n<updated>{}</updated>\n<summary type=\"text\">{}</summary>\n</entry>\n",
            escape(&entry.title),
            escape(&entry.link),
            escape(&entry.id),
            escape(&entry.updated),
            escape(&entry.summary),
        ));
    }
    xml.push_str("</feed>\n");
    xml
}

#[cfg(test)]
mod tests {
    #[test]
    fn icd10_codes_fall_back_to_their_parents() {
        assert_eq!(super::icd10_parents("r25.21"), ["R25.21", "R25.2", "R25"]);
        assert_eq!(super::icd10_parents("G47.62"), ["G47.62", "G47.6", "G47"]);
        assert!(super::icd10_parents("R2").is_empty());
    }
}
