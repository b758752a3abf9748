//! `/sitemap.xml` and `/robots.txt`, both cached like pages.

use axum::extract::Path;
use axum::response::Response;

use crate::content::Lang;
use crate::web::AppError;
use crate::web::render::{PageRequest, Rendered};

pub const SITEMAP: &str = "application/xml; charset=utf-8";
pub const ROBOTS: &str = "text/plain; charset=utf-8";

/// The protocol's limit per sitemap file: 50,000 URLs (and 50 MB, which that many of our URLs
/// are far below). Past it, `/sitemap.xml` becomes an index of `/sitemaps/{n}.xml` files.
const URLS_PER_FILE: usize = 50_000;

pub async fn sitemap(page: PageRequest) -> Response {
    page.cached(SITEMAP, sitemap_xml).await
}

/// `/sitemaps/{n}.xml`: the n-th part of a sitemap too large for one file.
pub async fn sitemap_part(page: PageRequest, Path(file): Path<String>) -> Response {
    page.cached(SITEMAP, move |site| {
        let n = file
            .strip_suffix(".xml")
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or(AppError::NotFound)?;
        part_xml(site, n, URLS_PER_FILE)
    })
    .await
}

pub fn sitemap_xml(site: &Rendered) -> Result<String, AppError> {
    sitemap_with(site, URLS_PER_FILE)
}

/// Every public page worth finding, in every language: a translated language lists the pages
/// it has translations of (a page shown in English there has the English page as canonical).
fn paths(site: &Rendered) -> Result<Vec<String>, AppError> {
    let mut paths = Vec::new();
    for lang in Lang::ALL {
        let pack = site.pack_in(lang)?;
        let notes = site.notes(lang);
        paths.extend(
            [
                "/",
                "/conditions",
                "/medications",
                "/compounding",
                "/locations",
                "/testimonials",
            ]
            .into_iter()
            .map(|path| lang.path(path)),
        );
        paths.extend(
            super::conditions::parts(pack, lang)
                .iter()
                .map(|p| p.path(lang)),
        );
        paths.extend(
            pack.conditions
                .iter()
                .filter(|c| !notes.in_english("conditions", c.slug.as_str()))
                .map(|c| lang.path(&format!("/conditions/{}", c.slug))),
        );
        paths.extend(
            pack.medications
                .iter()
                .filter(|m| !notes.in_english("medications", m.slug.as_str()))
                .map(|m| lang.path(&format!("/medications/{}", m.slug))),
        );
    }
    Ok(paths)
}

/// One `urlset` when every page fits in `per_file`, else a `sitemapindex` of the parts.
fn sitemap_with(site: &Rendered, per_file: usize) -> Result<String, AppError> {
    let paths = paths(site)?;
    if paths.len() <= per_file {
        return Ok(urlset(site, &paths));
    }
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for n in 1..=paths.len().div_ceil(per_file) {
        xml.push_str("<sitemap><loc>");
        xml.push_str(&escape_xml(&site.url(&format!("/sitemaps/{n}.xml"))));
        xml.push_str("</loc></sitemap>\n");
    }
    xml.push_str("</sitemapindex>\n");
    Ok(xml)
}

/// Part `n` (from 1) of a sitemap split into files of `per_file` pages; 404 past the last, or
/// when the sitemap is one file.
fn part_xml(site: &Rendered, n: usize, per_file: usize) -> Result<String, AppError> {
    let paths = paths(site)?;
    if paths.len() <= per_file || n == 0 {
        return Err(AppError::NotFound);
    }
    let chunk = paths
        .chunks(per_file)
        .nth(n - 1)
        .ok_or(AppError::NotFound)?;
    Ok(urlset(site, chunk))
}

fn urlset(site: &Rendered, paths: &[String]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in paths {
        xml.push_str("<url><loc>");
        xml.push_str(&escape_xml(&site.url(path)));
        xml.push_str("</loc></url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::render::tests::rendered_at;

    #[test]
    fn a_sitemap_past_the_limit_becomes_an_index_of_parts_holding_every_page_once() {
        let site = rendered_at("2026-11-27T20:00:00Z");
        let all = paths(&site).unwrap();
        let whole = sitemap_with(&site, all.len()).unwrap();
        assert!(whole.contains("<urlset") && !whole.contains("<sitemapindex"));
        assert!(matches!(
            part_xml(&site, 1, all.len()),
            Err(AppError::NotFound)
        ));

        let per_file = all.len() / 3 + 1;
        let index = sitemap_with(&site, per_file).unwrap();
        assert!(index.contains("<sitemapindex"), "{index}");
        assert_eq!(index.matches("<sitemap>").count(), 3);
        assert!(index.contains(&site.url("/sitemaps/3.xml")));
        let mut listed = Vec::new();
        for n in 1..=3 {
            let part = part_xml(&site, n, per_file).unwrap();
            assert!(part.matches("<url>").count() <= per_file);
            listed.extend(part.lines().filter_map(|l| {
                l.strip_prefix("<url><loc>")
                    .and_then(|l| l.strip_suffix("</loc></url>"))
                    .map(str::to_owned)
            }));
        }
        let expected: Vec<String> = all.iter().map(|p| escape_xml(&site.url(p))).collect();
        assert_eq!(listed, expected);
        for n in [0, 4] {
            assert!(matches!(
                part_xml(&site, n, per_file),
                Err(AppError::NotFound)
            ));
        }
    }
}
