//! `Page`'s tests: encodings, tags, conditional requests, trimming, failing compressors.

use super::*;

fn request(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in pairs {
        headers.insert(*name, HeaderValue::from_static(value));
    }
    headers
}

const HTML: &str = "text/html; charset=utf-8";

fn body() -> String {
    "<p>hello hello hello hello hello hello hello hello</p>".repeat(20)
}

fn page() -> Page {
    Page::quick(HTML, body(), Caching::Revalidate)
}

/// The body, decoded as its `Content-Encoding` says, and the response's ETag.
async fn received(response: Response) -> (Option<String>, String, Vec<u8>) {
    let encoding = response
        .headers()
        .get(header::CONTENT_ENCODING)
        .map(|v| v.to_str().unwrap().to_owned());
    let etag = response.headers()[header::ETAG]
        .to_str()
        .unwrap()
        .to_owned();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let mut plain = Vec::new();
    match encoding.as_deref() {
        None => plain = bytes.to_vec(),
        Some("gzip") => {
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut plain)
                .unwrap();
        }
        Some("br") => brotli::BrotliDecompress(&mut &bytes[..], &mut plain).unwrap(),
        Some(other) => panic!("unexpected encoding {other}"),
    }
    (encoding, etag, plain)
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

#[tokio::test]
async fn quick_gzip_until_finished_then_brotli_each_with_its_own_tag() {
    let page = page();
    let hash = page
        .plain()
        .unwrap()
        .etag
        .to_str()
        .unwrap()
        .trim_matches('"')
        .to_owned();
    let accepts = request(&[("accept-encoding", "gzip, deflate, br")]);
    assert!(!page.is_finished());
    let (encoding, etag, plain) = received(page.respond(&accepts, StatusCode::OK)).await;
    assert_eq!(encoding.as_deref(), Some("gzip"));
    assert_eq!(etag, format!("\"{hash}-gz1\""));
    assert_eq!(plain, body().as_bytes());

    page.finish();
    assert!(page.is_finished());
    let (encoding, etag, plain) = received(page.respond(&accepts, StatusCode::OK)).await;
    assert_eq!(encoding.as_deref(), Some("br"));
    assert_eq!(etag, format!("\"{hash}-br\""));
    assert_eq!(plain, body().as_bytes());
    let gzip_only = request(&[("accept-encoding", "gzip")]);
    let (encoding, etag, plain) = received(page.respond(&gzip_only, StatusCode::OK)).await;
    assert_eq!(encoding.as_deref(), Some("gzip"));
    assert_eq!(
        etag,
        format!("\"{hash}-gz\""),
        "gzip -9 is other bytes than the quick gzip"
    );
    assert_eq!(plain, body().as_bytes());
    let (encoding, etag, _) = received(page.respond(&HeaderMap::new(), StatusCode::OK)).await;
    assert_eq!((encoding, etag), (None, format!("\"{hash}\"")));
}

#[tokio::test]
async fn a_failing_compressor_sends_the_body_as_it_is() {
    fn fails(_: &[u8]) -> std::io::Result<Vec<u8>> {
        Err(std::io::Error::other("compressor broke"))
    }
    fn says_nothing(_: &[u8]) -> std::io::Result<Vec<u8>> {
        Ok(Vec::new())
    }
    for broken in [fails as compress::Encoder, says_nothing] {
        let codecs = Codecs {
            quick_gzip: broken,
            gzip: broken,
            brotli: broken,
        };
        let page = Page::new(HTML, body(), Caching::Revalidate).with_quick_gzip(&codecs);
        let accepts = request(&[("accept-encoding", "gzip, br")]);
        let (encoding, etag, plain) = received(page.respond(&accepts, StatusCode::OK)).await;
        assert_eq!(encoding, None);
        assert_eq!(etag, page.plain().unwrap().etag.to_str().unwrap());
        assert_eq!(
            plain,
            body().as_bytes(),
            "the whole body, never an empty one"
        );
        page.finish_with(&codecs);
        let (encoding, _, plain) = received(page.respond(&accepts, StatusCode::OK)).await;
        assert_eq!(encoding, None);
        assert_eq!(plain, body().as_bytes());
    }
}

#[test]
fn not_modified_only_for_the_bytes_the_client_holds() {
    let page = page();
    page.finish();
    let tag = page.plain().unwrap().etag.to_str().unwrap().to_owned();
    let stem = tag.trim_matches('"').to_owned();
    let status = |accept: &'static str, presented: &str| {
        let mut headers = request(&[("accept-encoding", accept)]);
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_str(presented).unwrap(),
        );
        page.respond(&headers, StatusCode::OK).status()
    };
    for (accept, presented) in [
        ("identity", tag.clone()),
        ("identity", format!("W/{tag}")),
        ("gzip", format!("\"x\", \"{stem}-gz\"")),
        ("br", format!("\"{stem}-br\"")),
        ("br", "*".to_owned()),
    ] {
        assert_eq!(
            status(accept, &presented),
            StatusCode::NOT_MODIFIED,
            "{accept} {presented}"
        );
    }
    // Another encoding's tag, or the quick gzip's once brotli is made: the client holds other
    // bytes than this request gets, so it gets them in full.
    for (accept, presented) in [
        ("identity", format!("\"{stem}-gz\"")),
        ("gzip", format!("\"{stem}-br\"")),
        ("br", format!("\"{stem}-gz1\"")),
        ("br", "\"stale\"".to_owned()),
    ] {
        assert_eq!(
            status(accept, &presented),
            StatusCode::OK,
            "{accept} {presented}"
        );
    }
}

#[tokio::test]
async fn a_trimmed_page_keeps_its_best_forms_and_unpacks_the_plain_body_on_demand() {
    let page = page();
    assert!(
        page.trimmed(false).is_none(),
        "only a finished page is trimmed"
    );
    page.finish();
    let plain_tag = page.plain().unwrap().etag.clone();
    for keep_plain in [true, false] {
        let trimmed = page.trimmed(keep_plain).unwrap();
        assert_eq!(trimmed.plain_len() > 0, keep_plain);
        assert!(trimmed.quick.gzip.is_none(), "the quick form goes");
        for (accept, encoding) in [("br", Some("br")), ("gzip", Some("gzip")), ("", None)] {
            let headers = request(&[("accept-encoding", accept)]);
            let (got, etag, plain) = received(trimmed.respond(&headers, StatusCode::OK)).await;
            let (_, original, _) = received(page.respond(&headers, StatusCode::OK)).await;
            assert_eq!(got.as_deref(), encoding, "{accept}");
            assert_eq!(etag, original, "the same bytes keep the same tag");
            assert_eq!(plain, body().as_bytes());
        }
        let mut headers = request(&[]);
        headers.insert(header::IF_NONE_MATCH, plain_tag.clone());
        assert_eq!(
            trimmed.respond(&headers, StatusCode::OK).status(),
            StatusCode::NOT_MODIFIED
        );
    }
}

#[test]
fn incompressible_types_are_sent_as_they_are() {
    let png = Page::new("image/png", vec![0_u8; 2000], Caching::Immutable);
    assert!(png.is_finished(), "nothing to make later");
    let response = png.respond(&request(&[("accept-encoding", "br")]), StatusCode::OK);
    assert!(response.headers().get(header::CONTENT_ENCODING).is_none());
    assert_eq!(
        response.headers()[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
}
