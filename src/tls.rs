//! TLS for outgoing connections (webhooks, mail): rustls with the `ring` provider, installed
//! once per process. Certificates are checked against the system's roots.

/// Makes `ring` the process's TLS provider; later calls do nothing.
pub fn install_provider() {
    // Err means a provider is already installed, which is all we need.
    let _ = rustls::crypto::ring::default_provider().install_default();
}
