//! Delivering staff notifications from the outbox. A request's notifications are written in the
//! same transaction as the request, one per channel (e-mail by SMTP, an HTTPS webhook); this
//! worker claims due ones, sends each on its channel, and marks it delivered — or records the
//! failure and tries again later (1 s, 2 s, 4 s, … up to 10 minutes apart), for as long as it
//! takes. Claims are leased, so a crash mid-send means the notification is sent again after the
//! lease, never lost. Delivery is therefore at least once: a crash after the mail server or
//! webhook took a message but before it was marked delivered sends it again, with the same
//! `Message-ID` (e-mail) or `Idempotency-Key` (webhook) as the first copy, which is what
//! receivers drop duplicates by. The messages hold no patient data: kind, reference, location and a link
//! to the back office.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::store::{Notification, Store};

/// How often the worker looks for due notifications.
const POLL: Duration = Duration::from_secs(1);
/// How long a claimed notification is reserved for one sender.
const LEASE_MS: i64 = 60_000;
/// The longest wait between two attempts.
const MAX_BACKOFF_MS: i64 = 600_000;
const BATCH: i64 = 20;
/// How long one delivery attempt may take.
const SEND_TIMEOUT: Duration = Duration::from_secs(20);

/// The e-mail channel's name in the outbox.
pub const EMAIL: &str = "email";
/// The webhook channel's name in the outbox.
pub const WEBHOOK: &str = "webhook";

/// Everywhere staff notifications go. A channel that is not configured is not queued for.
#[derive(Clone, Default)]
pub struct Notifier {
    pub email: Option<Mailer>,
    pub webhook: Option<Webhook>,
}

impl Notifier {
    /// The channels `settings` configure: e-mail when both the server and the recipient are
    /// set, and the webhook when set.
    pub fn from_settings(settings: &crate::config::Settings) -> anyhow::Result<Self> {
        use secrecy::ExposeSecret;
        let email = match (&settings.smtp_url, &settings.notify_email_to) {
            (Some(url), Some(to)) => Some(Mailer::new(
                url.expose_secret(),
                &settings.notify_email_from,
                to,
                settings.public_url.clone(),
            )?),
            _ => None,
        };
        let webhook = match &settings.notify_webhook_url {
            Some(url) => Some(Webhook::new(
                url.expose_secret(),
                settings.public_url.clone(),
            )?),
            None => None,
        };
        Ok(Self { email, webhook })
    }

    /// The channels each new request is queued for. With none configured, notifications queue
    /// for e-mail and wait until a mail server is set (nothing is dropped meanwhile).
    pub fn channels(&self) -> Vec<String> {
        let mut channels = Vec::new();
        if self.email.is_some() || self.webhook.is_none() {
            channels.push(EMAIL.to_owned());
        }
        if self.webhook.is_some() {
            channels.push(WEBHOOK.to_owned());
        }
        channels
    }

    pub fn is_configured(&self) -> bool {
        self.email.is_some() || self.webhook.is_some()
    }

    async fn send(&self, notification: &Notification) -> anyhow::Result<()> {
        match notification.channel.as_str() {
            EMAIL => match &self.email {
                Some(mailer) => mailer.send(notification).await,
                None => anyhow::bail!("no mail server is configured (smtp_url)"),
            },
            WEBHOOK => match &self.webhook {
                Some(webhook) => webhook.send(notification).await,
                None => anyhow::bail!("no webhook is configured (notify_webhook_url)"),
            },
            other => anyhow::bail!("unknown notification channel {other:?}"),
        }
    }
}

/// The back-office page for a request, named in every notification.
fn back_office_link(public_url: &url::Url, reference: &str) -> String {
    public_url
        .join(&format!("staff/requests/{reference}"))
        .map_or_else(|_| String::new(), String::from)
}

/// Where staff notifications go by e-mail.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    to: Mailbox,
    /// For the back-office link in each message.
    public_url: url::Url,
}

impl Mailer {
    /// `smtp_url` is one of:
    /// - `smtps://[USER:PASSWORD@]HOST[:465]` — TLS from the first byte;
    /// - `smtp://[USER:PASSWORD@]HOST[:587]?tls=starttls` — STARTTLS, required;
    /// - `smtp://[USER:PASSWORD@]HOST[:25]` — plain, for a relay on the pharmacy's own network
    ///   (the messages hold no patient data, but credentials would cross in clear).
    pub fn new(smtp_url: &str, from: &str, to: &str, public_url: url::Url) -> anyhow::Result<Self> {
        let url = url::Url::parse(smtp_url)
            .context("smtp_url: expected smtps://HOST, smtp://HOST?tls=starttls or smtp://HOST")?;
        let host = url.host_str().context("smtp_url: no host")?;
        let starttls = url
            .query_pairs()
            .any(|(key, value)| key == "tls" && value == "starttls");
        let mut builder = match (url.scheme(), starttls) {
            ("smtps", _) => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
                .context("smtp_url: cannot set up TLS")?
                .port(url.port().unwrap_or(465)),
            ("smtp", true) => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                .context("smtp_url: cannot set up TLS")?
                .port(url.port().unwrap_or(587)),
            ("smtp", false) => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                .port(url.port().unwrap_or(25)),
            (other, _) => anyhow::bail!("smtp_url: unknown scheme {other:?}; use smtps or smtp"),
        }
        .timeout(Some(SEND_TIMEOUT));
        if !url.username().is_empty() {
            builder = builder.credentials(Credentials::new(
                url.username().to_owned(),
                url.password().unwrap_or_default().to_owned(),
            ));
        }
        let transport = builder.build();
        Ok(Self {
            transport,
            from: from
                .parse()
                .context("notify_email_from is not an e-mail address")?,
            to: to
                .parse()
                .context("notify_email_to is not an e-mail address")?,
            public_url,
        })
    }

    async fn send(&self, notification: &Notification) -> anyhow::Result<()> {
        let link = back_office_link(&self.public_url, &notification.reference);
        let message = Message::builder()
            // The same on every attempt of this notification, so a copy resent after a crash
            // is recognisably the same message.
            .message_id(Some(format!(
                "<pestle-{}-{}@{}>",
                notification.reference,
                notification.id,
                self.public_url.host_str().unwrap_or("pestle.invalid")
            )))
            .from(self.from.clone())
            .to(self.to.clone())
            .subject(notification.message.clone())
            .body(format!(
                "{}\n\nOpen it in the back office (sign-in needed):\n{link}\n",
                notification.message
            ))
            .context("cannot build the e-mail")?;
        self.transport
            .send(message)
            .await
            .context("the mail server did not accept the message")?;
        Ok(())
    }
}

/// Where staff notifications go by webhook: a JSON `POST` (`text`, `reference`, `link`) that
/// chat tools and paging services accept. The `Idempotency-Key` header is the same on every
/// retry of one notification, so a receiver can drop the rare duplicate that at-least-once
/// delivery allows (a reply lost after the receiver took the message).
#[derive(Clone)]
pub struct Webhook {
    client: reqwest::Client,
    url: url::Url,
    public_url: url::Url,
}

impl Webhook {
    /// `url` must be `https://`, except on this machine (`http://127.0.0.1`, `localhost`,
    /// `[::1]`), where nothing crosses a network.
    pub fn new(url: &str, public_url: url::Url) -> anyhow::Result<Self> {
        let url = url::Url::parse(url).context("notify_webhook_url: not a URL")?;
        let loopback = match url.host() {
            Some(url::Host::Domain(host)) => host == "localhost",
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            _ => anyhow::bail!(
                "notify_webhook_url: must start with https:// (http:// only to this machine)"
            ),
        }
        crate::tls::install_provider();
        let client = reqwest::Client::builder()
            .timeout(SEND_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .context("cannot set up the webhook client")?;
        Ok(Self {
            client,
            url,
            public_url,
        })
    }

    async fn send(&self, notification: &Notification) -> anyhow::Result<()> {
        let body = serde_json::json!({
            "text": notification.message,
            "reference": notification.reference,
            "link": back_office_link(&self.public_url, &notification.reference),
        });
        let response = self
            .client
            .post(self.url.clone())
            .header("content-type", "application/json")
            .header(
                "idempotency-key",
                format!("pestle-{}-{}", notification.reference, notification.id),
            )
            .body(body.to_string())
            .send()
            .await
            .context("the webhook cannot be reached")?;
        let status = response.status();
        anyhow::ensure!(status.is_success(), "the webhook answered {status}");
        Ok(())
    }
}

/// The wait before attempt number `attempts + 1`.
pub fn backoff_ms(attempts: i64) -> i64 {
    let exponent = u32::try_from(attempts.clamp(0, 20)).unwrap_or(20);
    (1000_i64 << exponent).min(MAX_BACKOFF_MS)
}

/// Runs until the task is aborted.
pub fn spawn(store: Arc<dyn Store>, notifier: Notifier) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match deliver_due(store.as_ref(), &notifier).await {
                Ok(sent) if sent as i64 == BATCH => continue,
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(
                        error = format!("{error:#}"),
                        "cannot read the notification outbox"
                    )
                }
            }
            tokio::time::sleep(POLL).await;
        }
    })
}

/// One round: claims due notifications and tries each once. Returns how many were claimed.
pub async fn deliver_due(store: &dyn Store, notifier: &Notifier) -> anyhow::Result<usize> {
    let now = jiff::Timestamp::now().as_millisecond();
    let due = store
        .claim_notifications(now, now + LEASE_MS, BATCH)
        .await?;
    for notification in &due {
        match notifier.send(notification).await {
            Ok(()) => {
                let at = jiff::Timestamp::now().as_millisecond();
                store.notification_delivered(notification.id, at).await?;
                tracing::info!(
                    reference = %notification.reference,
                    channel = %notification.channel,
                    "staff notified"
                );
            }
            Err(error) => {
                let wait = backoff_ms(notification.attempts);
                let error = format!("{error:#}");
                tracing::warn!(
                    reference = %notification.reference,
                    channel = %notification.channel,
                    attempt = notification.attempts + 1,
                    retry_in_ms = wait,
                    %error,
                    "staff notification failed; will retry"
                );
                store
                    .notification_failed(notification.id, now + wait, &error)
                    .await?;
            }
        }
    }
    Ok(due.len())
}

#[cfg(test)]
mod tests {
    fn site() -> url::Url {
        url::Url::parse("https://willow.example/").unwrap()
    }

    #[test]
    fn webhooks_must_be_https_unless_on_this_machine() {
        for ok in [
            "https://hooks.example.com/T01/abc",
            "http://127.0.0.1:9000/hook",
            "http://localhost/hook",
            "http://[::1]:8080/",
        ] {
            assert!(super::Webhook::new(ok, site()).is_ok(), "{ok}");
        }
        for refused in ["http://hooks.example.com/", "ftp://127.0.0.1/", "not a url"] {
            let error = super::Webhook::new(refused, site()).err().unwrap();
            assert!(
                format!("{error:#}").contains("notify_webhook_url"),
                "{refused}"
            );
        }
    }

    #[tokio::test]
    async fn mail_servers_take_tls_starttls_or_plain() {
        let to = "team@willow.example";
        for ok in [
            "smtps://user:secret@mail.example.com",
            "smtp://mail.example.com?tls=starttls",
            "smtp://relay.internal:25",
        ] {
            assert!(
                super::Mailer::new(ok, "pestle@localhost", to, site()).is_ok(),
                "{ok}"
            );
        }
        let error = super::Mailer::new("http://mail.example.com", "pestle@localhost", to, site())
            .err()
            .unwrap();
        assert!(format!("{error:#}").contains("unknown scheme"));
    }

    #[test]
    fn without_a_channel_notifications_queue_for_email() {
        assert_eq!(super::Notifier::default().channels(), ["email"]);
    }

    #[test]
    fn backoff_doubles_up_to_ten_minutes() {
        let waits: Vec<i64> = (0..12).map(super::backoff_ms).collect();
        assert_eq!(&waits[..4], [1000, 2000, 4000, 8000]);
        assert_eq!(waits[11], 600_000);
        assert_eq!(super::backoff_ms(1000), 600_000);
    }
}
