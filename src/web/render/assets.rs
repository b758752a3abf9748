//! Static assets: the stylesheet (built-in CSS with the brand colours, then the pharmacy's extra
//! CSS), the logo, the search box script and the favicon. Each is served from memory under a URL holding a hash of its
//! bytes (`/assets/site.3f2a….css`), so browsers may keep it for a year. Built with quick gzip
//! only; the background warm-up makes their best forms like any page's.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use sha2::{Digest, Sha256};

use super::page::{Caching, Page};
use crate::config::Settings;
use crate::content::Brand;

const BASE_CSS: &str = include_str!("../../../static/site.css");
/// The built-in mark; `BRAND` is replaced by the primary colour.
const LOGO_SVG: &str = include_str!("../../../static/logo.svg");
const FAVICON: &[u8] = include_bytes!("../../../static/favicon.ico");
const SEARCH_JS: &str = include_str!("../../../static/search.js");

/// The pharmacy's own files, named in the configuration and read once at start-up.
#[derive(Debug, Clone, Default)]
pub struct Branding {
    logo: Option<(Vec<u8>, &'static str, &'static str)>,
    extra_css: Option<String>,
}

impl Branding {
    /// Reads `logo_file` and `extra_css_file`; a missing or unreadable file stops start-up
    /// with its path, rather than serving a site without its logo.
    pub fn load(settings: &Settings) -> anyhow::Result<Self> {
        let logo = match &settings.logo_file {
            Some(path) => Some(read_logo(path)?),
            None => None,
        };
        let extra_css = match &settings.extra_css_file {
            Some(path) => Some(
                std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read extra_css_file {}", path.display()))?,
            ),
            None => None,
        };
        Ok(Self { logo, extra_css })
    }
}

fn read_logo(path: &Path) -> anyhow::Result<(Vec<u8>, &'static str, &'static str)> {
    let kind = match path.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("svg") => ("svg", "image/svg+xml"),
        Some(e) if e.eq_ignore_ascii_case("png") => ("png", "image/png"),
        _ => anyhow::bail!("logo_file {} must be an .svg or .png file", path.display()),
    };
    let bytes =
        std::fs::read(path).with_context(|| format!("cannot read logo_file {}", path.display()))?;
    Ok((bytes, kind.0, kind.1))
}

/// The assets of one rendered set, by file name.
pub struct Assets {
    css_href: String,
    logo_href: String,
    script_href: String,
    files: HashMap<String, Arc<Page>>,
}

impl Assets {
    pub fn build(brand: &Brand, branding: &Branding) -> Self {
        let mut css = format!(
            ":root{{--brand:{};--accent:{}}}\n{BASE_CSS}",
            brand.primary, brand.accent
        );
        if let Some(extra) = &branding.extra_css {
            css.push_str("\n/* extra_css_file */\n");
            css.push_str(extra);
        }
        let (logo, ext, logo_type) = match &branding.logo {
            Some((bytes, ext, content_type)) => (bytes.clone(), *ext, *content_type),
            None => (
                LOGO_SVG
                    .replace("BRAND", &brand.primary.to_string())
                    .into_bytes(),
                "svg",
                "image/svg+xml",
            ),
        };
        let mut files = HashMap::new();
        let css_name = fingerprinted("site", "css", css.as_bytes());
        let logo_name = fingerprinted("logo", ext, &logo);
        let script_name = fingerprinted("search", "js", SEARCH_JS.as_bytes());
        files.insert(
            script_name.clone(),
            page(
                "text/javascript; charset=utf-8",
                SEARCH_JS,
                Caching::Immutable,
            ),
        );
        files.insert(
            css_name.clone(),
            page("text/css; charset=utf-8", css, Caching::Immutable),
        );
        files.insert(logo_name.clone(), page(logo_type, logo, Caching::Immutable));
        // Browsers ask for /favicon.ico by that name, so it cannot carry a hash: revalidate.
        files.insert(
            "favicon.ico".to_owned(),
            page("image/x-icon", FAVICON, Caching::Revalidate),
        );
        Self {
            css_href: format!("/assets/{css_name}"),
            logo_href: format!("/assets/{logo_name}"),
            script_href: format!("/assets/{script_name}"),
            files,
        }
    }

    pub fn css_href(&self) -> &str {
        &self.css_href
    }

    pub fn logo_href(&self) -> &str {
        &self.logo_href
    }

    /// The as-you-type suggestions script.
    pub fn script_href(&self) -> &str {
        &self.script_href
    }

    pub fn get(&self, name: &str) -> Option<&Page> {
        self.files.get(name).map(|page| &**page)
    }

    /// Every asset, for the warm-up to finish.
    pub fn pages(&self) -> impl Iterator<Item = &Arc<Page>> {
        self.files.values()
    }
}

fn page(content_type: &'static str, body: impl Into<bytes::Bytes>, caching: Caching) -> Arc<Page> {
    Arc::new(Page::quick(content_type, body, caching))
}

/// `site.3f2a9c01d4e5.css`: twelve hex digits of the SHA-256 of the bytes.
fn fingerprinted(stem: &str, ext: &str, bytes: &[u8]) -> String {
    format!("{stem}.{}.{ext}", &hex::encode(Sha256::digest(bytes))[..12])
}
