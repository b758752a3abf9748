//! HTTPS in the binary: rustls on the listening sockets, HTTP/2 by ALPN, with the certificate
//! either read from files (`tls_cert_file`, `tls_key_file`; reloaded on SIGHUP or when the
//! files change) or obtained and renewed from an ACME CA (`acme_domains`; TLS-ALPN-01 answered
//! on this same port). Either way the handshake asks a resolver for the current certificate, so
//! a new one applies to the next connection and no open connection is dropped.

mod acme;
mod files;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::Context;
use rustls::ServerConfig;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use crate::config::Settings;

/// A client must finish its TLS handshake within this time.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The ALPN name of an ACME TLS-ALPN-01 validation (RFC 8737): such a connection only
/// proves the handshake and is closed.
pub const ACME_TLS_ALPN: &[u8] = b"acme-tls/1";

/// What serves HTTPS: the acceptor every server thread shares, and the task keeping its
/// certificate current (file watcher or ACME), stopped with the server.
pub struct Https {
    pub acceptor: TlsAcceptor,
    pub keeper: JoinHandle<()>,
}

/// HTTPS as the settings ask: `None` for plain HTTP. Every failure names the setting.
pub async fn from_settings(settings: &Settings) -> anyhow::Result<Option<Https>> {
    let files = (&settings.tls_cert_file, &settings.tls_key_file);
    let acme = !settings.acme_domains.is_empty();
    let (resolver, keeper, alpn_acme): (Arc<dyn ResolvesServerCert>, _, bool) = match files {
        (Some(_), Some(_)) if acme => anyhow::bail!(
            "tls_cert_file and acme_domains are both set: choose certificate files or ACME"
        ),
        (Some(cert), Some(key)) => {
            let files = files::Watched::load(cert.clone(), key.clone())?;
            let keeper = files.clone().spawn_reloads();
            (Arc::new(Observed::new(Arc::new(files))), keeper, false)
        }
        (Some(_), None) => anyhow::bail!("tls_cert_file is set but tls_key_file is not"),
        (None, Some(_)) => anyhow::bail!("tls_key_file is set but tls_cert_file is not"),
        (None, None) if acme => {
            let (resolver, keeper) = acme::start(settings).await?;
            (Arc::new(Observed::new(resolver)), keeper, true)
        }
        (None, None) => return Ok(None),
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("TLS configuration")?
        .with_no_client_auth()
        .with_cert_resolver(resolver);
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    if alpn_acme {
        config.alpn_protocols.push(ACME_TLS_ALPN.to_vec());
    }
    Ok(Some(Https {
        acceptor: TlsAcceptor::from(Arc::new(config)),
        keeper,
    }))
}

/// A resolver that notes when the certificate it hands out expires, for the
/// `pestle_tls_certificate_expiry_timestamp_seconds` metric — parsed once per certificate, not
/// once per handshake.
#[derive(Debug)]
struct Observed {
    inner: Arc<dyn ResolvesServerCert>,
    seen: AtomicUsize,
}

impl Observed {
    fn new(inner: Arc<dyn ResolvesServerCert>) -> Self {
        Self {
            inner,
            seen: AtomicUsize::new(0),
        }
    }
}

impl ResolvesServerCert for Observed {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        // A validation's certificate is the CA's business, not the one patients see.
        let challenge = hello
            .alpn()
            .is_some_and(|mut names| names.any(|name| name == ACME_TLS_ALPN));
        let key = self.inner.resolve(hello)?;
        let address = Arc::as_ptr(&key) as usize;
        if !challenge
            && self.seen.swap(address, Ordering::Relaxed) != address
            && let Some(expiry) = not_after(&key)
        {
            crate::metrics::certificate_expires_at(expiry);
        }
        Some(key)
    }
}

/// The PEM certificates in `file`, at least one; errors name `setting` and the file.
pub fn read_certificates(
    file: &std::path::Path,
    setting: &str,
) -> anyhow::Result<Vec<rustls::pki_types::CertificateDer<'static>>> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let certs = CertificateDer::pem_file_iter(file)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|error| {
            anyhow::anyhow!(
                "{setting} {}: cannot read a PEM certificate: {error}",
                file.display()
            )
        })?;
    anyhow::ensure!(
        !certs.is_empty(),
        "{setting} {}: no certificate in the file",
        file.display()
    );
    Ok(certs)
}

/// When the first certificate in a PEM file expires (Unix seconds).
pub fn file_expiry(file: &std::path::Path) -> Option<i64> {
    let certs = read_certificates(file, "").ok()?;
    expiry(certs.first()?)
}

fn expiry(cert: &rustls::pki_types::CertificateDer<'_>) -> Option<i64> {
    let (_, parsed) = x509_parser::parse_x509_certificate(cert.as_ref()).ok()?;
    Some(parsed.validity().not_after.timestamp())
}

/// The end-entity certificate's `notAfter`, in Unix seconds.
pub fn not_after(key: &CertifiedKey) -> Option<i64> {
    expiry(key.cert.first()?)
}
