//! Staff notifications by webhook (reqwest, HTTPS).

use anyhow::Context;

use super::{SEND_TIMEOUT, back_office_link};
use crate::store::Notification;

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

    pub(super) async fn send(&self, notification: &Notification) -> anyhow::Result<()> {
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
