//! The compressors a page's encoded forms come from, and the rule that keeps a form only when it
//! is a real, smaller encoding: a compressor that fails (or hands back nothing) leaves the page
//! to be sent uncompressed, never empty.

use std::io::Write;

use bytes::Bytes;

/// One compressor: the whole input in, the whole encoded output (or why not) out.
pub type Encoder = fn(&[u8]) -> std::io::Result<Vec<u8>>;

/// The compressors a page is built with. Tests swap in failing ones.
#[derive(Clone, Copy)]
pub struct Codecs {
    /// gzip at a fast level: what a request makes when its page is not compressed yet.
    pub quick_gzip: Encoder,
    /// gzip at its best level, made in the background.
    pub gzip: Encoder,
    /// brotli at its highest quality (11): seconds for a large page, so only ever in the
    /// background.
    pub brotli: Encoder,
}

/// What production uses.
pub const STANDARD: Codecs = Codecs {
    quick_gzip: gzip_fast,
    gzip: gzip_best,
    brotli: brotli_best,
};

/// The encoded form if the encoder succeeded and the result is smaller than `identity`;
/// otherwise `None`, so the page is sent in another encoding or as it is. A failure is logged:
/// it means lost bandwidth, not a broken page.
pub fn worth(
    identity: &[u8],
    name: &'static str,
    encoded: std::io::Result<Vec<u8>>,
) -> Option<Bytes> {
    match encoded {
        Ok(packed) if packed.is_empty() && !identity.is_empty() => {
            // No encoding of a non-empty body is empty: the encoder failed without saying so.
            tracing::warn!(
                encoding = name,
                size = identity.len(),
                "compressor returned nothing; sending uncompressed"
            );
            None
        }
        Ok(packed) => (packed.len() < identity.len()).then(|| Bytes::from(packed)),
        Err(error) => {
            tracing::warn!(encoding = name, size = identity.len(), %error, "cannot compress; sending uncompressed");
            None
        }
    }
}

fn gzip(data: &[u8], level: flate2::Compression) -> std::io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(data.len() / 3), level);
    encoder.write_all(data)?;
    encoder.finish()
}

fn gzip_fast(data: &[u8]) -> std::io::Result<Vec<u8>> {
    gzip(data, flate2::Compression::fast())
}

fn gzip_best(data: &[u8]) -> std::io::Result<Vec<u8>> {
    gzip(data, flate2::Compression::best())
}

fn brotli_best(data: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() / 4);
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &data[..], &mut out, &params)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = b"<p>hello hello hello hello hello hello hello hello</p>";

    #[test]
    fn a_failed_or_empty_encoding_is_never_kept() {
        let failed = Err(std::io::Error::other("out of memory"));
        assert_eq!(worth(BODY, "br", failed), None);
        assert_eq!(worth(BODY, "gzip", Ok(Vec::new())), None);
        // Not smaller is not worth sending either.
        assert_eq!(worth(BODY, "gzip", Ok(BODY.to_vec())), None);
        assert_eq!(
            worth(BODY, "gzip", Ok(vec![1, 2, 3])).as_deref(),
            Some(&[1_u8, 2, 3][..])
        );
    }

    #[test]
    fn every_encoder_round_trips() {
        let body = BODY.repeat(50);
        for encode in [gzip_fast, gzip_best] {
            let mut plain = Vec::new();
            let packed = encode(&body).unwrap();
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&packed[..]), &mut plain)
                .unwrap();
            assert_eq!(plain, body);
        }
        let mut plain = Vec::new();
        brotli::BrotliDecompress(&mut &brotli_best(&body).unwrap()[..], &mut plain).unwrap();
        assert_eq!(plain, body);
    }
}
