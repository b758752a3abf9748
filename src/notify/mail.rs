//! E-mail by SMTP (lettre; TLS, STARTTLS or a plain relay): staff notifications to the team's
//! address, and patients' updates to the address they gave, each with a one-click unsubscribe.

use anyhow::Context;
use lettre::message::Mailbox;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::sms::Sent;
use super::{SEND_TIMEOUT, back_office_link};
use crate::content::Lang;
use crate::i18n::{self, Arg};
use crate::store::Notification;

/// Where staff notifications and patients' e-mails go.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    /// Whether what is sent is encrypted on its way to the server (TLS, STARTTLS) or never
    /// leaves this machine: only then may patients' addresses go through it.
    pub(super) private: bool,
    from: Mailbox,
    /// The team's address for staff notifications (`notify_email_to`); without it, the
    /// server sends only patients' updates.
    pub(super) to: Option<Mailbox>,
    /// For the back-office link in each message.
    public_url: url::Url,
}

impl Mailer {
    /// `smtp_url` is one of:
    /// - `smtps://[USER:PASSWORD@]HOST[:465]` — TLS from the first byte;
    /// - `smtp://[USER:PASSWORD@]HOST[:587]?tls=starttls` — STARTTLS, required;
    /// - `smtp://[USER:PASSWORD@]HOST[:25]` — plain, for a relay on the pharmacy's own network
    ///   (staff notifications hold no patient data, but credentials would cross in clear; a
    ///   patient's address would too, so patients are offered e-mail only over TLS, STARTTLS or
    ///   a relay on this machine).
    pub fn new(
        smtp_url: &str,
        from: &str,
        to: Option<&str>,
        public_url: url::Url,
    ) -> anyhow::Result<Self> {
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
        // `smtp:` is not a scheme the URL parser knows, so an address stays text.
        let loopback = host == "localhost"
            || host
                .trim_matches(['[', ']'])
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        Ok(Self {
            transport,
            private: url.scheme() == "smtps" || starttls || loopback,
            from: from
                .parse()
                .context("notify_email_from is not an e-mail address")?,
            to: to
                .map(str::parse)
                .transpose()
                .context("notify_email_to is not an e-mail address")?,
            public_url,
        })
    }

    /// The same on every attempt of a notification, so a copy resent after a crash is
    /// recognisably the same message.
    fn message_id(&self, notification: &Notification) -> String {
        format!(
            "<pestle-{}-{}@{}>",
            notification.reference,
            notification.id,
            self.public_url.host_str().unwrap_or("pestle.invalid")
        )
    }

    pub(super) async fn send(&self, notification: &Notification) -> anyhow::Result<()> {
        let link = back_office_link(&self.public_url, &notification.reference);
        let message = Message::builder()
            .message_id(Some(self.message_id(notification)))
            .from(self.from.clone())
            .to(self
                .to
                .clone()
                .context("no team address is configured (notify_email_to)")?)
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

    /// A patient's update to the address they gave, with a one-click unsubscribe (RFC 8058:
    /// the mail provider POSTs `List-Unsubscribe=One-Click` to `unsubscribe`).
    /// The mail server's own words are not kept: its reply can quote the address.
    pub(super) async fn send_to_patient(
        &self,
        to: (&str, Lang),
        notification: &Notification,
        unsubscribe: &str,
    ) -> Sent {
        match self.build_for_patient(to, notification, unsubscribe) {
            Ok(message) => match self.transport.send(message).await {
                Ok(_) => Sent::Accepted,
                // Only a refusal of the mailbox itself gives up (550 no such mailbox, 551 not
                // local, 553 not a valid name); a refused sign-in or relay (530, 535, 554) is
                // the server's settings, and is retried until they are put right.
                Err(error) => match error.status().map(|code| code.to_string()) {
                    Some(code) if ["550", "551", "553"].contains(&code.as_str()) => {
                        Sent::Refused(format!("the mail server refused the address ({code})"))
                    }
                    Some(code) => Sent::Retry(format!(
                        "the mail server did not take the message ({code}; check smtp_url)"
                    )),
                    None => Sent::Retry("the mail server cannot be reached".to_owned()),
                },
            },
            Err(_) => Sent::Refused("the address cannot be written to".to_owned()),
        }
    }

    /// In the patient's language `lang` (the words were made in it when the message was queued).
    fn build_for_patient(
        &self,
        (to, lang): (&str, Lang),
        notification: &Notification,
        unsubscribe: &str,
    ) -> anyhow::Result<Message> {
        let to: Mailbox = to.parse().context("the patient's address is not usable")?;
        let header = |name: &str, value: String| {
            HeaderName::new_from_ascii(name.to_owned())
                .map(|name| HeaderValue::new(name, value))
                .map_err(|_| anyhow::anyhow!("bad header name {name}"))
        };
        Message::builder()
            .message_id(Some(self.message_id(notification)))
            .from(self.from.clone())
            .to(to)
            .subject(i18n::format(
                lang,
                "mail-subject",
                &[("reference", Arg::from(&notification.reference))],
            ))
            .raw_header(header("List-Unsubscribe", format!("<{unsubscribe}>"))?)
            .raw_header(header(
                "List-Unsubscribe-Post",
                "List-Unsubscribe=One-Click".to_owned(),
            )?)
            .body(format!(
                "{}\n\n{}\n",
                notification.message,
                i18n::format(
                    lang,
                    "mail-unsubscribe",
                    &[("link", Arg::from(unsubscribe))]
                )
            ))
            .context("cannot build the e-mail")
    }
}
