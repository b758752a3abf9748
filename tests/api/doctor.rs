//! `pestle doctor` and the commands around it, as an operator runs them: a fresh setup is
//! told what is missing (exit 1); once HTTPS, a saved key file, a reachable mail server and a
//! backup are in place it passes (exit 0). `migrate --dry-run` lists what would run.

use crate::helpers::pestle_own_keys as pestle;
use crate::https::{TestCa, write};

#[test]
fn doctor_names_what_is_missing_then_passes_once_it_is_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let url = format!("sqlite://{}", data.join("pestle.db").display());
    let key_file = data.join("data.key");
    let base = format!(
        "database_url = \"{url}\"\ndata_key_file = \"{}\"\n",
        key_file.display()
    );
    let config = write(dir.path(), "pestle.toml", &base);
    let config = config.to_str().unwrap().to_owned();

    // Nothing applied yet: dry run lists every migration and changes nothing.
    let (status, out, err) = pestle(&["--config", &config, "migrate", "--dry-run"]);
    assert_eq!(status, 0, "{out}{err}");
    assert!(
        out.contains("migration(s) would run") && out.contains("0001 content"),
        "{out}"
    );
    let (status, out, _) = pestle(&["--config", &config, "migrate"]);
    assert_eq!(status, 0);
    assert!(out.contains("applied"), "{out}");
    let (_, out, _) = pestle(&["--config", &config, "migrate", "--dry-run"]);
    assert!(out.contains("up to date"), "{out}");

    // A first look: plain HTTP, no key file, no copy of the keys, no mail, no backups.
    let (status, out, err) = pestle(&["--config", &config, "doctor"]);
    assert_eq!(status, 1, "{out}{err}");
    for expected in [
        "public_url",
        "data_key_file",
        "backup --keys",
        "no notification channel",
        "backup_dir",
    ] {
        assert!(out.contains(expected), "{expected} in:\n{out}");
    }

    // Put everything in place.
    let ca = TestCa::new();
    let (cert, key) = ca.leaf(&["pharmacy.example"]);
    let cert_file = write(dir.path(), "cert.pem", &cert);
    let tls_key = write(dir.path(), "key.pem", &key);
    let mail = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let backups = dir.path().join("backups");
    let full = format!(
        "{base}public_url = \"https://pharmacy.example/\"\ntls_cert_file = \"{}\"\n\
         tls_key_file = \"{}\"\nsmtp_url = \"smtp://127.0.0.1:{}\"\n\
         notify_email_to = \"team@pharmacy.example\"\nbackup_dir = \"{}\"\n",
        cert_file.display(),
        tls_key.display(),
        mail.local_addr().unwrap().port(),
        backups.display()
    );
    std::fs::write(&config, full).unwrap();
    // The key file comes with the first start; `migrate` does not make it.
    let keys = pestle::requests::DataKeys::load_or_create(&key_file).unwrap();
    assert!(keys.ids().count() == 1);
    let saved = dir.path().join("keys-saved.txt");
    let (status, out, err) = pestle(&[
        "--config",
        &config,
        "backup",
        "--keys",
        saved.to_str().unwrap(),
    ]);
    assert_eq!(status, 0, "{out}{err}");
    assert!(err.contains("apart from the database"), "{err}");
    let folder = backups.join("pestle-20261130T000000Z");
    std::fs::create_dir_all(&backups).unwrap();
    let (status, out, err) = pestle(&["--config", &config, "backup", folder.to_str().unwrap()]);
    assert_eq!(status, 0, "{out}{err}");
    assert!(folder.join("manifest.json").is_file());

    let (status, out, err) = pestle(&["--config", &config, "doctor"]);
    assert_eq!(status, 0, "{out}{err}");
    assert!(out.contains("0 serious"), "{out}");
    assert!(out.contains("tls_cert_file"), "{out}");
    drop(mail);
}
