//! Delivering staff notifications from the outbox. A request's notification is written in the
//! same transaction as the request; this worker claims due ones, sends each by e-mail (SMTP),
//! and marks it delivered — or records the failure and tries again later (1 s, 2 s, 4 s, …
//! up to 10 minutes apart), for as long as it takes. Claims are leased, so a crash mid-send
//! means the notification is sent again after the lease, never lost. The messages hold no
//! patient data: kind, reference, location and a link to the back office.

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

/// Where staff notifications go.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    to: Mailbox,
    /// For the back-office link in each message.
    public_url: url::Url,
}

impl Mailer {
    /// `smtp_url` like `smtp://user:password@mail.internal:25`. Plain SMTP only for now: point it
    /// at a relay on the pharmacy's own network (the messages hold no patient data).
    pub fn new(smtp_url: &str, from: &str, to: &str, public_url: url::Url) -> anyhow::Result<Self> {
        let url = url::Url::parse(smtp_url).context("smtp_url: expected smtp://HOST:PORT")?;
        if url.scheme() != "smtp" {
            anyhow::bail!(
                "smtp_url: only smtp:// (a relay on the pharmacy's own network) is supported yet"
            );
        }
        let host = url.host_str().context("smtp_url: no host")?;
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(url.port().unwrap_or(25))
            .timeout(Some(Duration::from_secs(20)));
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
        let link = self
            .public_url
            .join(&format!("staff/requests/{}", notification.reference))
            .map_or_else(|_| String::new(), String::from);
        let message = Message::builder()
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

/// The wait before attempt number `attempts + 1`.
pub fn backoff_ms(attempts: i64) -> i64 {
    let exponent = u32::try_from(attempts.clamp(0, 20)).unwrap_or(20);
    (1000_i64 << exponent).min(MAX_BACKOFF_MS)
}

/// Runs until the task is aborted.
pub fn spawn(store: Arc<dyn Store>, mailer: Mailer) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match deliver_due(store.as_ref(), &mailer).await {
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
pub async fn deliver_due(store: &dyn Store, mailer: &Mailer) -> anyhow::Result<usize> {
    let now = jiff::Timestamp::now().as_millisecond();
    let due = store
        .claim_notifications(now, now + LEASE_MS, BATCH)
        .await?;
    for notification in &due {
        match mailer.send(notification).await {
            Ok(()) => {
                let at = jiff::Timestamp::now().as_millisecond();
                store.notification_delivered(notification.id, at).await?;
                tracing::info!(reference = %notification.reference, "staff notified");
            }
            Err(error) => {
                let wait = backoff_ms(notification.attempts);
                let error = format!("{error:#}");
                tracing::warn!(
                    reference = %notification.reference,
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
    #[test]
    fn backoff_doubles_up_to_ten_minutes() {
        let waits: Vec<i64> = (0..12).map(super::backoff_ms).collect();
        assert_eq!(&waits[..4], [1000, 2000, 4000, 8000]);
        assert_eq!(waits[11], 600_000);
        assert_eq!(super::backoff_ms(1000), 600_000);
    }
}
