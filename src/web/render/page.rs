//! One response body held in memory, compressed once (gzip and brotli) with its ETag, answering
//! conditional and compressed requests without touching the body again.

use std::io::Write;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use sha2::{Digest, Sha256};

/// How long browsers and proxies may keep a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caching {
    /// Pages: keep, but ask again each time (a cheap `304` when unchanged). Content and
    /// open-now change under the same URL.
    Revalidate,
    /// Fingerprinted assets: the URL changes when the bytes do, so keep for a year.
    Immutable,
}

impl Caching {
    fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::Revalidate => "no-cache",
            Self::Immutable => "public, max-age=31536000, immutable",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

/// A rendered response body and its precompressed forms.
#[derive(Debug)]
pub struct Page {
    content_type: HeaderValue,
    cache_control: HeaderValue,
    identity: Bytes,
    /// `None` when compressing would not make it smaller (images, tiny bodies).
    gzip: Option<Bytes>,
    brotli: Option<Bytes>,
    /// Quoted strong validator per encoding: `"<hash>"`, `"<hash>-gz"`, `"<hash>-br"`.
    etags: [HeaderValue; 3],
}

impl Page {
    pub fn new(content_type: &'static str, body: impl Into<Bytes>, caching: Caching) -> Self {
        Self::build(content_type, body.into(), caching, true)
    }

    /// A page rendered for one response (search results, 404s): compressing it would cost more
    /// than sending it.
    pub fn uncompressed(content_type: &'static str, body: impl Into<Bytes>) -> Self {
        Self::build(content_type, body.into(), Caching::Revalidate, false)
    }

    fn build(
        content_type: &'static str,
        identity: Bytes,
        caching: Caching,
        compress: bool,
    ) -> Self {
        let hash = hex::encode(&Sha256::digest(&identity)[..10]);
        let etag = |suffix: &str| {
            HeaderValue::from_str(&format!("\"{hash}{suffix}\""))
                .unwrap_or(HeaderValue::from_static("\"0\""))
        };
        let worth = |packed: Vec<u8>| (packed.len() < identity.len()).then(|| Bytes::from(packed));
        let compressible = compress
            && (content_type.starts_with("text/")
                || content_type.starts_with("application/xml")
                || content_type.starts_with("image/svg")
                || content_type.starts_with("image/x-icon"));
        let (gzip, brotli) = if compressible {
            (worth(gzip(&identity)), worth(brotli(&identity)))
        } else {
            (None, None)
        };
        Self {
            content_type: HeaderValue::from_static(content_type),
            cache_control: caching.header(),
            etags: [etag(""), etag("-gz"), etag("-br")],
            identity,
            gzip,
            brotli,
        }
    }

    /// The uncompressed body.
    pub fn body(&self) -> &Bytes {
        &self.identity
    }

    /// The ETag of the uncompressed body, quotes included.
    pub fn etag(&self) -> &HeaderValue {
        &self.etags[0]
    }

    /// Compressed sizes, for the size budget test: (gzip, brotli).
    pub fn compressed_len(&self) -> (usize, usize) {
        let len = |b: &Option<Bytes>| b.as_ref().map_or(self.identity.len(), Bytes::len);
        (len(&self.gzip), len(&self.brotli))
    }

    /// The response for a request with these headers: `304` when the client's copy is current,
    /// else the body in the best encoding the client accepts.
    pub fn respond(&self, request: &HeaderMap, status: StatusCode) -> Response {
        let encoding = preferred(request.get(header::ACCEPT_ENCODING));
        let (body, etag, content_encoding) = match encoding {
            Encoding::Brotli if self.brotli.is_some() => {
                (self.brotli.clone(), &self.etags[2], Some("br"))
            }
            Encoding::Brotli | Encoding::Gzip if self.gzip.is_some() => {
                (self.gzip.clone(), &self.etags[1], Some("gzip"))
            }
            _ => (Some(self.identity.clone()), &self.etags[0], None),
        };
        let mut headers = HeaderMap::with_capacity(6);
        headers.insert(header::ETAG, etag.clone());
        headers.insert(header::CACHE_CONTROL, self.cache_control.clone());
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        if status == StatusCode::OK && self.matches(request.get(header::IF_NONE_MATCH)) {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        headers.insert(header::CONTENT_TYPE, self.content_type.clone());
        if let Some(encoding) = content_encoding {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        let body = body.unwrap_or_else(|| self.identity.clone());
        (status, headers, Body::from(body)).into_response()
    }

    /// `If-None-Match` uses weak comparison: any of our encodings' tags (or `*`) means the
    /// client holds this very content.
    fn matches(&self, if_none_match: Option<&HeaderValue>) -> bool {
        let Some(value) = if_none_match.and_then(|v| v.to_str().ok()) else {
            return false;
        };
        value.split(',').map(str::trim).any(|tag| {
            let tag = tag.strip_prefix("W/").unwrap_or(tag);
            tag == "*"
                || self
                    .etags
                    .iter()
                    .any(|ours| ours.as_bytes() == tag.as_bytes())
        })
    }
}

/// Brotli when accepted, else gzip, else none; `q=0` refuses an encoding.
fn preferred(accept_encoding: Option<&HeaderValue>) -> Encoding {
    let Some(value) = accept_encoding.and_then(|v| v.to_str().ok()) else {
        return Encoding::Identity;
    };
    let (mut brotli, mut gzip) = (false, false);
    for item in value.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or_default().trim();
        let refused = parts.any(|p| {
            p.trim()
                .strip_prefix("q=")
                .is_some_and(|q| q.trim().parse::<f32>().map_or(true, |q| q <= 0.0))
        });
        if refused {
            continue;
        }
        match name.to_ascii_lowercase().as_str() {
            "br" => brotli = true,
            "gzip" | "x-gzip" => gzip = true,
            "*" => (brotli, gzip) = (true, true),
            _ => {}
        }
    }
    match (brotli, gzip) {
        (true, _) => Encoding::Brotli,
        (false, true) => Encoding::Gzip,
        _ => Encoding::Identity,
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    let mut input = data;
    match brotli::BrotliCompress(&mut input, &mut out, &params) {
        Ok(_) => out,
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, HeaderValue::from_static(value));
        }
        headers
    }

    fn page() -> Page {
        Page::new(
            "text/html; charset=utf-8",
            "<p>hello hello hello hello hello hello hello hello</p>".repeat(20),
            Caching::Revalidate,
        )
    }

    #[test]
    fn picks_brotli_then_gzip_and_honours_q_zero() {
        let header = |v: &'static str| HeaderValue::from_static(v);
        assert_eq!(preferred(None), Encoding::Identity);
        assert_eq!(
            preferred(Some(&header("gzip, deflate, br"))),
            Encoding::Brotli
        );
        assert_eq!(preferred(Some(&header("gzip"))), Encoding::Gzip);
        assert_eq!(
            preferred(Some(&header("br;q=0, gzip;q=0.5"))),
            Encoding::Gzip
        );
        assert_eq!(preferred(Some(&header("identity"))), Encoding::Identity);
        assert_eq!(preferred(Some(&header("*"))), Encoding::Brotli);
    }

    #[test]
    fn compressed_bodies_decompress_to_the_original() {
        let page = page();
        let mut plain = Vec::new();
        let gz = page.gzip.clone().unwrap();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut plain).unwrap();
        assert_eq!(plain, page.identity);
        let mut unbrotli = Vec::new();
        brotli::BrotliDecompress(&mut &page.brotli.clone().unwrap()[..], &mut unbrotli).unwrap();
        assert_eq!(unbrotli, page.identity);
    }

    #[test]
    fn not_modified_when_any_of_our_tags_is_presented() {
        let page = page();
        let tag = page.etag().to_str().unwrap().to_owned();
        let gz_tag = tag.replace("\"", "").to_owned() + "-gz";
        for presented in [
            tag.clone(),
            format!("W/{tag}"),
            format!("\"x\", \"{gz_tag}\""),
            "*".into(),
        ] {
            let mut headers = HeaderMap::new();
            headers.insert(
                header::IF_NONE_MATCH,
                HeaderValue::from_str(&presented).unwrap(),
            );
            let response = page.respond(&headers, StatusCode::OK);
            assert_eq!(response.status(), StatusCode::NOT_MODIFIED, "{presented}");
        }
        let response = page.respond(&request(&[("if-none-match", "\"stale\"")]), StatusCode::OK);
        assert_eq!(response.status(), StatusCode::OK);
    }

    #[test]
    fn incompressible_types_are_sent_as_they_are() {
        let png = Page::new("image/png", vec![0_u8; 2000], Caching::Immutable);
        assert!(png.gzip.is_none() && png.brotli.is_none());
        let response = png.respond(&request(&[("accept-encoding", "br")]), StatusCode::OK);
        assert!(response.headers().get(header::CONTENT_ENCODING).is_none());
        assert_eq!(
            response.headers()[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
    }
}
