//! `/api`: the content API for people — each endpoint with its parameters and a `curl` line,
//! read from the same OpenAPI document the machines get, on a page of this site (no outside
//! scripts or styles).

use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use utoipa::openapi::path::ParameterIn;

use crate::web::render::{Meta, PageRequest};

#[derive(Template)]
#[template(path = "api.html")]
struct ApiPage<'a> {
    layout: crate::web::render::Layout<'a>,
    base: String,
    endpoints: Vec<Endpoint>,
}

struct Endpoint {
    path: String,
    summary: String,
    /// (name, where, description)
    parameters: Vec<(String, &'static str, String)>,
    example: String,
}

pub async fn show(page: PageRequest) -> Response {
    let base = page.site.url("/").trim_end_matches('/').to_owned();
    let document = super::document(&base);
    let endpoints = document
        .paths
        .paths
        .iter()
        .filter_map(|(path, item)| {
            let get = item.get.as_ref()?;
            let parameters = get
                .parameters
                .iter()
                .flatten()
                .map(|p| {
                    let place = match p.parameter_in {
                        ParameterIn::Path => "path",
                        _ => "query",
                    };
                    (
                        p.name.clone(),
                        place,
                        p.description.clone().unwrap_or_default(),
                    )
                })
                .collect();
            let example = match path.as_str() {
                "/connect/service" => format!(
                    "{path}?mainSearchCriteria.v.cs=2.16.840.1.113883.6.90\
                     &mainSearchCriteria.v.c=R25.2&knowledgeResponseType=application/json"
                ),
                _ if path.contains("medications") => path.replace("{slug}", "baclofen"),
                _ => path.replace("{slug}", "foot-and-leg-cramps"),
            };
            Some(Endpoint {
                path: path.clone(),
                summary: get.summary.clone().unwrap_or_default(),
                parameters,
                example: format!("curl '{base}{example}'"),
            })
        })
        .collect();
    let meta = Meta::new(
        "Content API",
        "The pharmacy's health library as JSON, for other systems.",
        "/api",
    );
    let html = page.site.layout(meta).and_then(|layout| {
        Ok(ApiPage {
            layout,
            base,
            endpoints,
        }
        .render()
        .map_err(anyhow::Error::from)?)
    });
    match html {
        Ok(html) => Html(html).into_response(),
        Err(error) => error.into_response(),
    }
}
