//! `/sitemap.xml` and `/robots.txt`, both cached like pages.

use axum::response::Response;

use crate::web::AppError;
use crate::web::render::{PageRequest, Rendered};

pub const SITEMAP: &str = "application/xml; charset=utf-8";
pub const ROBOTS: &str = "text/plain; charset=utf-8";

pub async fn sitemap(page: PageRequest) -> Response {
    page.cached(SITEMAP, sitemap_xml).await
}

pub fn sitemap_xml(site: &Rendered) -> Result<String, AppError> {
    let pack = site.pack()?;
    let mut paths: Vec<String> = [
        "/",
        "/conditions",
        "/medications",
        "/compounding",
        "/locations",
        "/testimonials",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    paths.extend(
        pack.conditions
            .iter()
            .map(|c| format!("/conditions/{}", c.slug)),
    );
    paths.extend(
        pack.medications
            .iter()
            .map(|m| format!("/medications/{}", m.slug)),
    );
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in paths {
        xml.push_str("<url><loc>");
        xml.push_str(&escape_xml(&site.url(&path)));
        xml.push_str("</loc></url>\n");
    }
    xml.push_str("</urlset>\n");
    Ok(xml)
}

pub async fn robots(page: PageRequest) -> Response {
    page.cached(ROBOTS, robots_txt).await
}

pub fn robots_txt(site: &Rendered) -> Result<String, AppError> {
    Ok(format!(
        "User-agent: *\nDisallow: /staff/\nDisallow: /search\nDisallow: /api/\n\nSitemap: {}\n",
        site.url("/sitemap.xml")
    ))
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}
