//! Delivering the outbox: staff notifications and patients' updates. A request's staff
//! notifications are written in the same transaction as the request, one per channel (e-mail
//! by SMTP, an HTTPS webhook), and a patient's updates in the transaction of the status change
//! they tell of (a text, an e-mail: `patient.rs`); this
//! worker claims due ones, sends each on its channel, and marks it delivered — or records the
//! failure and tries again later (1 s, 2 s, 4 s, … up to 10 minutes apart), for as long as it
//! takes. Claims are leased, so a crash mid-send means the notification is sent again after the
//! lease, never lost. Delivery is therefore at least once: a crash after the mail server or
//! webhook took a message but before it was marked delivered sends it again, with the same
//! `Message-ID` (e-mail) or `Idempotency-Key` (webhook) as the first copy, which is what
//! receivers drop duplicates by. The messages hold no health information: kind, reference,
//! location, status and a link.

mod mail;
pub mod patient;
pub mod sms;
mod webhook;

use std::sync::Arc;
use std::time::Duration;

pub use mail::Mailer;
pub use sms::Sms;
pub use webhook::Webhook;

use crate::clock::Clock;
use crate::requests::DataKeys;
use crate::staff::audit::{Actor, Entry};
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
/// A text to a patient.
pub const SMS: &str = "sms";
/// An e-mail to a patient.
pub const PATIENT_EMAIL: &str = "patient-email";

/// Everywhere messages go. A staff channel that is not configured is not queued for; a patient
/// channel that is not configured is not offered on the forms.
#[derive(Clone, Default)]
pub struct Notifier {
    pub email: Option<Mailer>,
    pub webhook: Option<Webhook>,
    pub sms: Option<Sms>,
}

impl Notifier {
    /// The channels `settings` configure: e-mail when the server is set (to staff when their
    /// address is set too), the webhook when set, texts when the provider's account, token and
    /// sender are all set (some but not all is an error naming what is missing).
    pub fn from_settings(settings: &crate::config::Settings) -> anyhow::Result<Self> {
        use secrecy::ExposeSecret;
        let email = match &settings.smtp_url {
            Some(url) => Some(Mailer::new(
                url.expose_secret(),
                &settings.notify_email_from,
                settings.notify_email_to.as_deref(),
                settings.public_url.clone(),
            )?),
            None => None,
        };
        let sms = match (
            &settings.sms_account_sid,
            &settings.sms_auth_token,
            &settings.sms_from,
        ) {
            (None, None, None) => None,
            (Some(account), Some(token), Some(from)) => Some(Sms::new(
                &settings.sms_api_url,
                account,
                token.clone(),
                from,
            )?),
            (account, token, from) => {
                let missing: Vec<&str> = [
                    ("sms_account_sid", account.is_none()),
                    ("sms_auth_token", token.is_none()),
                    ("sms_from", from.is_none()),
                ]
                .into_iter()
                .filter_map(|(name, gone)| gone.then_some(name))
                .collect();
                anyhow::bail!(
                    "texts need sms_account_sid, sms_auth_token and sms_from: set {}",
                    missing.join(" and ")
                );
            }
        };
        let webhook = match &settings.notify_webhook_url {
            Some(url) => Some(Webhook::new(
                url.expose_secret(),
                settings.public_url.clone(),
            )?),
            None => None,
        };
        Ok(Self {
            email,
            webhook,
            sms,
        })
    }

    /// Whether patients can ask for a text, and for an e-mail (only through a mail server that
    /// keeps their address private on the way: `Mailer::private`).
    pub fn patient_channels(&self) -> (bool, bool) {
        let email = self.email.as_ref().is_some_and(|mail| mail.private);
        if self.email.is_some() && !email {
            tracing::warn!(
                "smtp_url is a plain smtp:// relay on another machine: patients are not offered                  e-mail (use smtps:// or ?tls=starttls)"
            );
        }
        (self.sms.is_some(), email)
    }

    /// The channels each new request is queued for. With none configured, notifications queue
    /// for e-mail and wait until a mail server is set (nothing is dropped meanwhile).
    pub fn channels(&self) -> Vec<String> {
        let mut channels = Vec::new();
        let team_mail = self.email.as_ref().is_some_and(|mail| mail.to.is_some());
        if team_mail || self.webhook.is_none() {
            channels.push(EMAIL.to_owned());
        }
        if self.webhook.is_some() {
            channels.push(WEBHOOK.to_owned());
        }
        channels
    }

    pub fn is_configured(&self) -> bool {
        self.email.is_some() || self.webhook.is_some() || self.sms.is_some()
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

/// The wait before attempt number `attempts + 1`.
pub fn backoff_ms(attempts: i64) -> i64 {
    let exponent = u32::try_from(attempts.clamp(0, 20)).unwrap_or(20);
    (1000_i64 << exponent).min(MAX_BACKOFF_MS)
}

/// What the worker needs besides the channels: the store, the data keys (a patient's contact is
/// sealed), the clock (quiet hours, retries) and the site's address (unsubscribe links).
#[derive(Clone)]
pub struct Courier {
    pub store: Arc<dyn Store>,
    pub notifier: Notifier,
    pub keys: Arc<DataKeys>,
    pub clock: Arc<dyn Clock>,
    pub public_url: url::Url,
}

/// Runs until the task is aborted.
pub fn spawn(courier: Courier) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match deliver_due(&courier).await {
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

/// One round: claims due messages and tries each once. Returns how many were claimed.
pub async fn deliver_due(courier: &Courier) -> anyhow::Result<usize> {
    let store = courier.store.as_ref();
    let now = courier.clock.now_ms();
    let due = store
        .claim_notifications(now, now + LEASE_MS, BATCH)
        .await?;
    for notification in &due {
        let outcome = match notification.channel.as_str() {
            SMS | PATIENT_EMAIL => patient::deliver(courier, notification, now).await,
            _ => match courier.notifier.send(notification).await {
                Ok(()) => patient::Outcome::Sent,
                Err(error) => patient::Outcome::Retry(format!("{error:#}")),
            },
        };
        record(courier, notification, outcome, now).await?;
    }
    Ok(due.len())
}

/// Marks one attempt's outcome; a patient's message is audited as sent or abandoned (which
/// channel, never the words or the recipient).
async fn record(
    courier: &Courier,
    notification: &Notification,
    outcome: patient::Outcome,
    now: i64,
) -> anyhow::Result<()> {
    let store = courier.store.as_ref();
    let patient = matches!(notification.channel.as_str(), SMS | PATIENT_EMAIL);
    let (reference, channel) = (&notification.reference, &notification.channel);
    match outcome {
        patient::Outcome::Sent => {
            let at = courier.clock.now_ms();
            if patient {
                let entry = Entry::new(Actor::System, "patient.message.sent")
                    .subject(reference)
                    .detail(channel);
                store
                    .message_delivered(notification.id, &entry.at(at))
                    .await?;
            } else {
                store.notification_delivered(notification.id, at).await?;
            }
            tracing::info!(%reference, %channel, "message delivered");
        }
        patient::Outcome::Held(until) => {
            store.notification_held(notification.id, until).await?;
            tracing::info!(%reference, %channel, until, "text held for the location's daytime");
        }
        patient::Outcome::Abandoned(why) => {
            let detail = format!("{channel}: {why}");
            let entry = Entry::new(Actor::System, "patient.message.abandoned")
                .subject(reference)
                .detail(&detail);
            store
                .message_abandoned(notification.id, why, &entry.at(now))
                .await?;
            tracing::info!(%reference, %channel, why, "message not sent");
        }
        patient::Outcome::Retry(error) => {
            let wait = backoff_ms(notification.attempts);
            tracing::warn!(
                %reference,
                %channel,
                attempt = notification.attempts + 1,
                retry_in_ms = wait,
                %error,
                "message not delivered; will retry"
            );
            store
                .notification_failed(notification.id, now + wait, &error)
                .await?;
        }
    }
    Ok(())
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
                super::Mailer::new(ok, "pestle@localhost", Some(to), site()).is_ok(),
                "{ok}"
            );
        }
        // Patients' addresses go only through an encrypted connection or this machine.
        for (url, private) in [
            ("smtps://mail.example.com", true),
            ("smtp://mail.example.com?tls=starttls", true),
            ("smtp://127.0.0.1:2525", true),
            ("smtp://relay.internal:25", false),
        ] {
            let mailer = super::Mailer::new(url, "pestle@localhost", None, site()).unwrap();
            assert_eq!(mailer.private, private, "{url}");
        }
        let error = super::Mailer::new(
            "http://mail.example.com",
            "pestle@localhost",
            Some(to),
            site(),
        )
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
