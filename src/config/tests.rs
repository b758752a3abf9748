//! Settings read from the environment and from `pestle.toml`, in a `figment::Jail` (its own
//! working folder and environment variables, one jail at a time).
// `Jail`'s closures return `figment::Error`, which is large; its API, not ours.
#![allow(clippy::result_large_err)]

use std::time::Duration;

use super::*;

/// `PESTLE_<KEY>` for `key`.
fn variable(key: &str) -> String {
    format!("PESTLE_{}", key.to_uppercase())
}

type Read = fn(&Settings) -> String;

/// (key, a value different from its default, how to read it back, what it must read as).
fn secret(value: &Option<SecretString>) -> Option<&str> {
    value.as_ref().map(ExposeSecret::expose_secret)
}

fn one_value_per_setting() -> Vec<(&'static str, &'static str, Read, &'static str)> {
    vec![
        (
            "database_url",
            "postgres://p@db:5432/x",
            |s| s.database_url().to_owned(),
            "postgres://p@db:5432/x",
        ),
        (
            "bind",
            "127.0.0.1:9999",
            |s| s.bind.to_string(),
            "127.0.0.1:9999",
        ),
        (
            "sample_content",
            "false",
            |s| s.sample_content.to_string(),
            "false",
        ),
        (
            "content_refresh_every",
            "7s",
            |s| format!("{:?}", s.content_refresh_every),
            "7s",
        ),
        (
            "shutdown_timeout",
            "11s",
            |s| format!("{:?}", s.shutdown_timeout),
            "11s",
        ),
        ("log", "pestle=trace", |s| s.log.clone(), "pestle=trace"),
        (
            "public_url",
            "https://willow.example/",
            |s| s.public_url.to_string(),
            "https://willow.example/",
        ),
        ("hsts", "true", |s| format!("{:?}", s.hsts), "Some(true)"),
        (
            "logo_file",
            "/etc/p/logo.svg",
            |s| format!("{:?}", s.logo_file),
            "Some(\"/etc/p/logo.svg\")",
        ),
        (
            "extra_css_file",
            "/etc/p/x.css",
            |s| format!("{:?}", s.extra_css_file),
            "Some(\"/etc/p/x.css\")",
        ),
        (
            "data_key_file",
            "/etc/p/data.key",
            |s| s.data_key_file.display().to_string(),
            "/etc/p/data.key",
        ),
        (
            "data_key",
            "k9 abc",
            |s| format!("{:?}", secret(&s.data_key)),
            "Some(\"k9 abc\")",
        ),
        (
            "smtp_url",
            "smtps://mail.example",
            |s| format!("{:?}", secret(&s.smtp_url)),
            "Some(\"smtps://mail.example\")",
        ),
        (
            "notify_email_to",
            "team@willow.example",
            |s| format!("{:?}", s.notify_email_to),
            "Some(\"team@willow.example\")",
        ),
        (
            "notify_email_from",
            "p@willow.example",
            |s| s.notify_email_from.clone(),
            "p@willow.example",
        ),
        (
            "notify_webhook_url",
            "https://hooks.example/x",
            |s| format!("{:?}", secret(&s.notify_webhook_url)),
            "Some(\"https://hooks.example/x\")",
        ),
        (
            "sms_api_url",
            "http://127.0.0.1:9100/",
            |s| s.sms_api_url.to_string(),
            "http://127.0.0.1:9100/",
        ),
        (
            "sms_account_sid",
            "AC123",
            |s| format!("{:?}", s.sms_account_sid),
            "Some(\"AC123\")",
        ),
        (
            "sms_auth_token",
            "tok",
            |s| format!("{:?}", secret(&s.sms_auth_token)),
            "Some(\"tok\")",
        ),
        (
            "sms_from",
            "+13105550100",
            |s| format!("{:?}", s.sms_from),
            "Some(\"+13105550100\")",
        ),
        (
            "trusted_proxies",
            "10.0.0.0/8, ::1",
            |s| {
                let ranges: Vec<String> =
                    s.trusted_proxies.0.iter().map(|c| c.to_string()).collect();
                ranges.join(" ")
            },
            "10.0.0.0/8 ::1/128",
        ),
        (
            "request_limit_per_hour",
            "17",
            |s| s.request_limit_per_hour.to_string(),
            "17",
        ),
        (
            "api_limit_per_hour",
            "19",
            |s| s.api_limit_per_hour.to_string(),
            "19",
        ),
        (
            "staff_idle_timeout",
            "13m",
            |s| format!("{:?}", s.staff_idle_timeout),
            "780s",
        ),
        (
            "staff_session_timeout",
            "9h",
            |s| format!("{:?}", s.staff_session_timeout),
            "32400s",
        ),
        (
            "sign_in_limit_per_hour",
            "23",
            |s| s.sign_in_limit_per_hour.to_string(),
            "23",
        ),
        (
            "request_overdue_after",
            "95m",
            |s| format!("{:?}", s.request_overdue_after),
            "5700s",
        ),
        (
            "request_purge_after",
            "31d",
            |s| format!("{:?}", s.request_purge_after),
            "2678400s",
        ),
        (
            "housekeeping_every",
            "45s",
            |s| format!("{:?}", s.housekeeping_every),
            "45s",
        ),
        (
            "tls_cert_file",
            "/etc/pestle/cert.pem",
            |s| format!("{:?}", s.tls_cert_file),
            "Some(\"/etc/pestle/cert.pem\")",
        ),
        (
            "tls_key_file",
            "/etc/pestle/key.pem",
            |s| format!("{:?}", s.tls_key_file),
            "Some(\"/etc/pestle/key.pem\")",
        ),
        (
            "acme_domains",
            "a.example, b.example",
            |s| s.acme_domains.join("|"),
            "a.example|b.example",
        ),
        (
            "acme_contact",
            "it@a.example",
            |s| s.acme_contact.join("|"),
            "it@a.example",
        ),
        (
            "acme_directory_url",
            "https://acme.example/dir",
            |s| s.acme_directory_url.to_string(),
            "https://acme.example/dir",
        ),
        (
            "acme_ca_file",
            "/etc/pestle/ca.pem",
            |s| format!("{:?}", s.acme_ca_file),
            "Some(\"/etc/pestle/ca.pem\")",
        ),
        (
            "acme_cache_dir",
            "/var/lib/pestle/acme",
            |s| s.acme_cache_dir.display().to_string(),
            "/var/lib/pestle/acme",
        ),
        (
            "http_redirect_bind",
            "0.0.0.0:80",
            |s| format!("{:?}", s.http_redirect_bind),
            "Some(0.0.0.0:80)",
        ),
        (
            "metrics_bind",
            "127.0.0.1:9464",
            |s| format!("{:?}", s.metrics_bind),
            "Some(127.0.0.1:9464)",
        ),
        (
            "metrics_token",
            "t0ken",
            |s| {
                use secrecy::ExposeSecret;
                s.metrics_token
                    .as_ref()
                    .map_or(String::new(), |t| t.expose_secret().to_owned())
            },
            "t0ken",
        ),
        (
            "backup_dir",
            "/var/lib/pestle/backups",
            |s| format!("{:?}", s.backup_dir),
            "Some(\"/var/lib/pestle/backups\")",
        ),
        (
            "backup_every",
            "6h",
            |s| format!("{:?}", s.backup_every),
            "21600s",
        ),
        ("backup_keep", "7", |s| s.backup_keep.to_string(), "7"),
        (
            "max_connections",
            "900",
            |s| format!("{:?}", s.max_connections),
            "Some(900)",
        ),
        (
            "max_connections_per_address",
            "40",
            |s| s.max_connections_per_address.to_string(),
            "40",
        ),
        (
            "connection_idle_timeout",
            "2m",
            |s| format!("{:?}", s.connection_idle_timeout),
            "120s",
        ),
        (
            "request_timeout",
            "20s",
            |s| format!("{:?}", s.request_timeout),
            "20s",
        ),
        (
            "log_format",
            "json",
            |s| format!("{:?}", s.log_format),
            "Json",
        ),
    ]
}

#[test]
fn every_setting_is_read_from_its_environment_variable() {
    let cases = one_value_per_setting();
    let tested: Vec<&str> = cases.iter().map(|(key, ..)| *key).collect();
    assert_eq!(
        tested,
        keys::of_settings(),
        "every field of Settings needs a row here (and its line in docs/CONFIGURATION.md)"
    );
    figment::Jail::expect_with(|jail| {
        for (key, value, ..) in &cases {
            jail.set_env(variable(key), value);
        }
        // Not a setting: ignored, not refused as unknown.
        jail.set_env("PESTLE_TEST_POSTGRES_URL", "postgres://elsewhere/x");
        let settings = Settings::load(None, &Overrides::default()).map_err(|e| format!("{e:#}"))?;
        for (key, _, read, expected) in &cases {
            assert_eq!(read(&settings), *expected, "{}", variable(key));
        }
        Ok(())
    });
}

#[test]
fn the_defaults_are_the_documented_ones() {
    figment::Jail::expect_with(|_| {
        let s = Settings::load(None, &Overrides::default()).map_err(|e| format!("{e:#}"))?;
        let minutes = |m: u64| Duration::from_secs(m * 60);
        assert_eq!(s.content_refresh_every, Duration::from_secs(5));
        assert_eq!(s.shutdown_timeout, Duration::from_secs(30));
        assert_eq!(s.staff_idle_timeout, minutes(30));
        assert_eq!(s.staff_session_timeout, minutes(12 * 60));
        assert_eq!(s.request_overdue_after, minutes(120));
        assert_eq!(s.request_purge_after, minutes(180 * 24 * 60));
        assert_eq!(s.housekeeping_every, minutes(1));
        Ok(())
    });
}

#[test]
fn durations_in_the_file_are_written_with_their_units() {
    figment::Jail::expect_with(|jail| {
        jail.create_file(
            DEFAULT_CONFIG_FILE,
            "staff_idle_timeout = \"45m\"\nrequest_purge_after = \"90d\"\n",
        )?;
        let s = Settings::load(None, &Overrides::default()).map_err(|e| format!("{e:#}"))?;
        assert_eq!(s.staff_idle_timeout, Duration::from_secs(45 * 60));
        assert_eq!(s.request_purge_after, Duration::from_secs(90 * 86_400));
        Ok(())
    });
}

#[test]
fn a_duration_without_its_unit_is_refused_naming_the_setting() {
    figment::Jail::expect_with(|jail| {
        jail.set_env("PESTLE_STAFF_IDLE_TIMEOUT", "30");
        let error = Settings::load(None, &Overrides::default()).unwrap_err();
        let error = format!("{error:#}");
        // figment names it as the variable had it: `STAFF_IDLE_TIMEOUT` in `PESTLE_` variables.
        assert!(
            error.to_lowercase().contains("staff_idle_timeout"),
            "{error}"
        );
        assert!(error.contains("like \"30m\""), "{error}");
        Ok(())
    });
    figment::Jail::expect_with(|jail| {
        jail.create_file(DEFAULT_CONFIG_FILE, "housekeeping_every = \"5 parsecs\"\n")?;
        let error = Settings::load(None, &Overrides::default()).unwrap_err();
        let error = format!("{error:#}");
        assert!(error.contains("housekeeping_every"), "{error}");
        assert!(error.contains("unknown unit `parsecs`"), "{error}");
        Ok(())
    });
}
