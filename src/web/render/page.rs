//! One response body held in memory with its ETag and its compressed forms, answering
//! conditional and compressed requests without touching the body again. A page a request had to
//! render starts with a quickly made gzip form; its best forms (gzip -9, brotli 11) are made once,
//! in the background (`Page::finish`), and from then on every request gets them.

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use sha2::{Digest, Sha256};

use super::compress::{self, Codecs};

/// A page response's headers: its own five and the edge's eight (`web::headers`, the id).
const RESPONSE_HEADERS: usize = 16;

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

/// One byte sequence of the body and its own strong validator.
#[derive(Debug, Clone)]
struct Form {
    bytes: Bytes,
    /// Quoted: `"<hash>"`, `"<hash>-gz1"` (fast gzip), `"<hash>-gz"`, `"<hash>-br"`. Different
    /// bytes always carry a different tag, so a `304` never vouches for bytes the client lacks.
    etag: HeaderValue,
    /// `Content-Encoding`; `None` for the body as it is.
    encoding: Option<HeaderValue>,
}

/// The compressed forms of one stage; `None` where compressing failed or did not pay.
#[derive(Debug, Default)]
struct Encoded {
    gzip: Option<Form>,
    brotli: Option<Form>,
}

/// A rendered response body and its compressed forms.
#[derive(Debug)]
pub struct Page {
    content_type: HeaderValue,
    cache_control: HeaderValue,
    /// Ten bytes of the body's SHA-256, hex: the stem of every ETag.
    hash: String,
    /// The body as it is. A finished page of a large library may drop it (`trimmed`): nearly
    /// every client takes gzip or brotli, and the rare one that does not gets the gzip form
    /// unpacked, so memory holds two small forms per page instead of three.
    identity: Option<Form>,
    /// Made with the body when a request could not wait for the best forms (the warm-up
    /// makes none: it keeps a page only once finished).
    quick: Encoded,
    /// gzip -9 and brotli 11, set once by `finish`; requests prefer these when present.
    best: OnceLock<Encoded>,
}

impl Page {
    /// A body whose compressed forms `finish` makes (until then it is sent as it is).
    pub fn new(content_type: &'static str, body: impl Into<Bytes>, caching: Caching) -> Self {
        Self::build(content_type, body.into(), caching, true)
    }

    /// A body with a quickly made gzip form, for a request that cannot wait for `finish`.
    pub fn quick(content_type: &'static str, body: impl Into<Bytes>, caching: Caching) -> Self {
        Self::new(content_type, body, caching).with_quick_gzip(&compress::STANDARD)
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
        let compressible = compress
            && (content_type.starts_with("text/")
                || content_type.starts_with("application/xml")
                || content_type.starts_with("image/svg")
                || content_type.starts_with("image/x-icon"));
        let page = Self {
            content_type: HeaderValue::from_static(content_type),
            cache_control: caching.header(),
            identity: Some(Form {
                etag: etag(&hash, ""),
                bytes: identity,
                encoding: None,
            }),
            hash,
            quick: Encoded::default(),
            best: OnceLock::new(),
        };
        if !compressible {
            // Nothing to make later: the body as it is is already the best form.
            let _ = page.best.set(Encoded::default());
        }
        page
    }

    fn with_quick_gzip(self, codecs: &Codecs) -> Self {
        if self.is_finished() {
            return self;
        }
        Self {
            quick: Encoded {
                gzip: self
                    .identity
                    .as_ref()
                    .and_then(|plain| self.form(&plain.bytes, codecs.quick_gzip, "gzip", "-gz1")),
                brotli: None,
            },
            ..self
        }
    }

    /// Makes the best forms unless they exist. CPU-heavy (brotli 11): never on a serving thread.
    pub fn finish(&self) {
        self.finish_with(&compress::STANDARD);
    }

    fn finish_with(&self, codecs: &Codecs) {
        self.best.get_or_init(|| {
            let plain = match self.plain() {
                Ok(plain) => plain,
                Err(error) => {
                    // Only a page without its body and without a gzip form to unpack it from:
                    // `without_plain` never makes one.
                    tracing::error!(%error, "cannot finish a kept page");
                    return Encoded::default();
                }
            };
            Encoded {
                gzip: self.form(&plain.bytes, codecs.gzip, "gzip", "-gz"),
                brotli: self.form(&plain.bytes, codecs.brotli, "br", "-br"),
            }
        });
    }

    /// Whether the best forms are made (or there are none to make).
    pub fn is_finished(&self) -> bool {
        self.best.get().is_some()
    }

    /// The size of the body as it is, while this page holds it.
    pub fn plain_len(&self) -> usize {
        self.identity.as_ref().map_or(0, |form| form.bytes.len())
    }

    /// Bytes this page holds, every form counted.
    pub fn size(&self) -> usize {
        let encoded = |e: &Encoded| {
            [&e.gzip, &e.brotli]
                .into_iter()
                .flatten()
                .map(|form| form.bytes.len())
                .sum::<usize>()
        };
        self.plain_len() + encoded(&self.quick) + self.best.get().map_or(0, encoded)
    }

    /// This unfinished page without its body as it is, when a quick gzip form can give it
    /// back (to `finish` and to a client that takes no compression); else unchanged.
    pub fn without_plain(self) -> Self {
        if self.quick.gzip.is_none() || self.is_finished() {
            return self;
        }
        Self {
            identity: None,
            ..self
        }
    }

    /// This page as a set keeps it once finished (`None` until then): its best forms without
    /// the quick one, and the body as it is only with `keep_plain` or when no gzip form can
    /// give it back.
    pub fn trimmed(&self, keep_plain: bool) -> Option<Self> {
        let best = self.best.get()?;
        let identity = if keep_plain || best.gzip.is_none() {
            // Unpacked again if need be: without a gzip form, only the body can answer.
            self.plain().ok().map(std::borrow::Cow::into_owned)
        } else {
            None
        };
        Some(Self {
            content_type: self.content_type.clone(),
            cache_control: self.cache_control.clone(),
            hash: self.hash.clone(),
            identity,
            quick: Encoded::default(),
            best: OnceLock::from(Encoded {
                gzip: best.gzip.clone(),
                brotli: best.brotli.clone(),
            }),
        })
    }

    /// The body as it is: held, or unpacked from a gzip form (a trimmed page, or one kept
    /// `without_plain`).
    fn plain(&self) -> Result<std::borrow::Cow<'_, Form>, std::io::Error> {
        if let Some(form) = &self.identity {
            return Ok(std::borrow::Cow::Borrowed(form));
        }
        let gzip = self
            .best
            .get()
            .and_then(|best| best.gzip.as_ref())
            .or(self.quick.gzip.as_ref())
            .ok_or_else(|| std::io::Error::other("a page without its body or a gzip form"))?;
        let mut bytes = Vec::with_capacity(gzip.bytes.len() * 4);
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(&gzip.bytes[..]),
            &mut bytes,
        )?;
        Ok(std::borrow::Cow::Owned(Form {
            bytes: bytes.into(),
            etag: etag(&self.hash, ""),
            encoding: None,
        }))
    }

    fn form(
        &self,
        body: &[u8],
        encode: compress::Encoder,
        name: &'static str,
        suffix: &str,
    ) -> Option<Form> {
        compress::worth(body, name, encode(body)).map(|bytes| Form {
            bytes,
            etag: etag(&self.hash, suffix),
            encoding: Some(HeaderValue::from_static(name)),
        })
    }

    /// The response for a request with these headers: `304` when the client holds the very
    /// bytes this request would get, else the body in the best encoding the client accepts
    /// that is made so far.
    pub fn respond(&self, request: &HeaderMap, status: StatusCode) -> Response {
        let encoded = self.best.get().unwrap_or(&self.quick);
        let form = match preferred(request.get(header::ACCEPT_ENCODING)) {
            Encoding::Brotli => encoded.brotli.as_ref().or(encoded.gzip.as_ref()),
            Encoding::Gzip => encoded.gzip.as_ref(),
            Encoding::Identity => None,
        };
        let form = match form {
            Some(form) => std::borrow::Cow::Borrowed(form),
            None => match self.plain() {
                Ok(form) => form,
                Err(error) => {
                    // We made that gzip form ourselves: failing to unpack it is a bug.
                    let error = anyhow::Error::new(error).context("cannot unpack a kept page");
                    return crate::web::AppError::Internal(error).into_response();
                }
            },
        };
        let not_modified =
            status == StatusCode::OK && matches(request.get(header::IF_NONE_MATCH), &form.etag);
        // Built in place rather than from a tuple of parts, which copies a second header map
        // into the response's: this is the path every cached page takes.
        let mut response = if not_modified {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            response
        } else {
            let mut response = Response::new(Body::from(form.bytes.clone()));
            *response.status_mut() = status;
            response
        };
        let headers = response.headers_mut();
        // Room for these and what the edge adds to every response (`headers::apply`, the request
        // id), so the map is sized once.
        headers.reserve(RESPONSE_HEADERS);
        headers.insert(header::ETAG, form.etag.clone());
        headers.insert(header::CACHE_CONTROL, self.cache_control.clone());
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        if !not_modified {
            headers.insert(header::CONTENT_TYPE, self.content_type.clone());
            if let Some(encoding) = &form.encoding {
                headers.insert(header::CONTENT_ENCODING, encoding.clone());
            }
        }
        response
    }
}

fn etag(hash: &str, suffix: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{hash}{suffix}\""))
        .unwrap_or(HeaderValue::from_static("\"0\""))
}

/// `If-None-Match` (weak comparison, as RFC 9110 asks) against the tag of the form this request
/// would get: a tag of another encoding names bytes the client holds but would not be sent now,
/// so it gets the full response (and the tag of what it now holds).
fn matches(if_none_match: Option<&HeaderValue>, ours: &HeaderValue) -> bool {
    let Some(value) = if_none_match.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    value.split(',').map(str::trim).any(|tag| {
        let tag = tag.strip_prefix("W/").unwrap_or(tag);
        tag == "*" || tag.as_bytes() == ours.as_bytes()
    })
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

#[cfg(test)]
#[path = "page_tests.rs"]
mod tests;
