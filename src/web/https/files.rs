//! A certificate and key read from PEM files, swapped in when the files change (checked every
//! few seconds) or on SIGHUP. A file that cannot be read, or a key that does not match the
//! certificate, is an error at start; later it is logged and the current certificate stays.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::Context;
use arc_swap::ArcSwap;
use rustls::pki_types::PrivateKeyDer;
use rustls::pki_types::pem::PemObject;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use tokio::task::JoinHandle;

/// How often the files' modification times are compared.
const CHECK_EVERY: Duration = Duration::from_secs(5);

#[derive(Debug, Clone)]
pub struct Watched {
    cert: PathBuf,
    key: PathBuf,
    current: Arc<ArcSwap<CertifiedKey>>,
}

impl Watched {
    pub fn load(cert: PathBuf, key: PathBuf) -> anyhow::Result<Self> {
        let loaded = read(&cert, &key)?;
        Ok(Self {
            cert,
            key,
            current: Arc::new(ArcSwap::from_pointee(loaded)),
        })
    }

    /// Reloads on SIGHUP and when either file's modification time changes.
    pub fn spawn_reloads(self) -> JoinHandle<()> {
        tokio::spawn(async move {
            let mut hangup =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
            let mut stamp = self.stamp();
            loop {
                let signalled = async {
                    match hangup.as_mut() {
                        Some(signal) => signal.recv().await,
                        None => std::future::pending().await,
                    }
                };
                tokio::select! {
                    _ = signalled => {
                        tracing::info!("SIGHUP: reloading the TLS certificate");
                        self.reload();
                        stamp = self.stamp();
                    }
                    () = tokio::time::sleep(CHECK_EVERY) => {
                        let now = self.stamp();
                        if now != stamp {
                            stamp = now;
                            tracing::info!("the TLS certificate files changed: reloading");
                            self.reload();
                        }
                    }
                }
            }
        })
    }

    fn reload(&self) {
        match read(&self.cert, &self.key) {
            Ok(key) => {
                self.current.store(Arc::new(key));
                tracing::info!("new TLS certificate in use");
            }
            Err(error) => tracing::error!(
                error = format!("{error:#}"),
                "cannot reload the TLS certificate; still serving the previous one"
            ),
        }
    }

    fn stamp(&self) -> (Option<SystemTime>, Option<SystemTime>) {
        let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
        (modified(&self.cert), modified(&self.key))
    }
}

impl ResolvesServerCert for Watched {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current.load_full())
    }
}

/// Reads the chain and key, checking that the key belongs to the first certificate.
fn read(cert: &Path, key: &Path) -> anyhow::Result<CertifiedKey> {
    let chain = super::read_certificates(cert, "tls_cert_file")?;
    let private = PrivateKeyDer::from_pem_file(key).map_err(|error| {
        anyhow::anyhow!(
            "tls_key_file {}: cannot read a PEM private key: {error}",
            key.display()
        )
    })?;
    let provider = rustls::crypto::ring::default_provider();
    CertifiedKey::from_der(chain, private, &provider).with_context(|| {
        format!(
            "tls_key_file {} does not belong to the certificate in tls_cert_file {}",
            key.display(),
            cert.display()
        )
    })
}
