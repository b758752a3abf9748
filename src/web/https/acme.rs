//! Certificates from an ACME CA (Let's Encrypt unless `acme_directory_url` says otherwise), by
//! `rustls-acme`: TLS-ALPN-01 answered on the HTTPS port itself, the account key and the
//! certificate cached in `acme_cache_dir` (0700, so a restart neither asks the CA again nor
//! exposes the key), renewal once a third of the validity is left (30 days of Let's Encrypt's
//! 90), failures retried with doubling waits. A failed renewal keeps the current certificate
//! and counts in `pestle_acme_renewal_failures_total`.

use std::sync::Arc;

use anyhow::Context;
use futures_util::StreamExt;
use rustls::RootCertStore;
use rustls_acme::caches::DirCache;
use rustls_acme::{AcmeConfig, ResolvesServerCertAcme};
use tokio::task::JoinHandle;

use crate::config::Settings;

pub async fn start(
    settings: &Settings,
) -> anyhow::Result<(Arc<ResolvesServerCertAcme>, JoinHandle<()>)> {
    let directory = settings.acme_directory_url.as_str();
    anyhow::ensure!(
        settings.acme_directory_url.scheme() == "https",
        "acme_directory_url {directory}: an ACME directory is reached over https://"
    );
    let client = client_config(settings)?;
    reachable(&client, &settings.acme_directory_url).await?;
    let cache = &settings.acme_cache_dir;
    crate::store::private_folder(cache)
        .with_context(|| format!("acme_cache_dir {}: cannot create it", cache.display()))?;
    let contacts = settings
        .acme_contact
        .iter()
        .map(|address| format!("mailto:{address}"));
    let mut state = AcmeConfig::new_with_client_config(&settings.acme_domains, client)
        .contact(contacts)
        .cache(DirCache::new(cache.clone()))
        .directory(directory)
        .state();
    let resolver = state.resolver();
    let domains = settings.acme_domains.join(", ");
    tracing::info!(%domains, %directory, "asking the ACME CA for a certificate when none is cached");
    let keeper = tokio::spawn(async move {
        while let Some(event) = state.next().await {
            match event {
                Ok(event) => tracing::info!(?event, %domains, "ACME"),
                Err(error) => {
                    crate::metrics::acme_failed();
                    tracing::error!(
                        %error, %domains,
                        "ACME: cannot obtain or renew the certificate; retrying with backoff, \
                         still serving the current one"
                    );
                }
            }
        }
    });
    Ok((resolver, keeper))
}

/// TLS for talking to the CA: the system's roots, plus `acme_ca_file` when set (a private CA,
/// or Pebble in tests).
fn client_config(settings: &Settings) -> anyhow::Result<Arc<rustls::ClientConfig>> {
    let mut roots = RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    if let Some(file) = &settings.acme_ca_file {
        let certs = super::read_certificates(file, "acme_ca_file")?;
        for cert in certs {
            roots.add(cert).with_context(|| {
                format!("acme_ca_file {}: not a CA certificate", file.display())
            })?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("TLS configuration")?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Fetches the directory once at start, so a wrong URL or an untrusted CA is one clear error
/// naming the setting instead of endless retries in the log.
async fn reachable(client: &Arc<rustls::ClientConfig>, url: &url::Url) -> anyhow::Result<()> {
    let http = reqwest::Client::builder()
        .use_preconfigured_tls((**client).clone())
        .timeout(std::time::Duration::from_secs(15))
        .build()
        .context("HTTP client")?;
    let response = http
        .get(url.clone())
        .send()
        .await
        .map_err(|error| anyhow::anyhow!("acme_directory_url {url}: unreachable: {error:#}"))?;
    anyhow::ensure!(
        response.status().is_success(),
        "acme_directory_url {url}: answered {}",
        response.status()
    );
    let body = response.bytes().await.unwrap_or_default();
    let body: serde_json::Value = serde_json::from_slice(&body).map_err(|_| {
        anyhow::anyhow!("acme_directory_url {url}: not an ACME directory (not JSON)")
    })?;
    anyhow::ensure!(
        body.get("newOrder").is_some(),
        "acme_directory_url {url}: not an ACME directory (no newOrder)"
    );
    Ok(())
}
