//! Text messages through a provider's HTTP API, in the shape of Twilio's Messages API (`POST
//! {base}/2010-04-01/Accounts/{sid}/Messages.json`, form-encoded `To`, `From`, `Body`, HTTP
//! basic auth with the account SID and auth token), which compatible providers also speak; and
//! checking the signature on the provider's calls back to us (`X-Twilio-Signature`: base64 of
//! HMAC-SHA1, keyed with the auth token, over the full URL followed by each POST parameter's
//! name and value, sorted by name).

use std::collections::BTreeMap;

use anyhow::Context;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha1::Sha1;

use super::SEND_TIMEOUT;

/// The provider's error codes that concern the recipient, so trying again cannot help: not a
/// valid number (21211), a region the account may not text (21408), cannot be reached (21612),
/// not a mobile number (21614).
const RECIPIENT_ERRORS: [&str; 4] = ["21211", "21408", "21612", "21614"];

/// The provider's code for a number that replied STOP to it (perhaps while pestle was not
/// listening): an opt-out pestle records as its own.
const UNSUBSCRIBED: &str = "21610";

/// What the provider said about one message.
#[derive(Debug)]
pub enum Sent {
    Accepted,
    /// Worth trying again later: the provider was down, busy (429) or unreachable.
    Retry(String),
    /// It will never take this one (a bad number): with the provider's reason.
    Refused(String),
    /// The recipient opted out with the provider (replied STOP to it).
    OptedOut,
}

/// The provider's settings (`sms_api_url`, `sms_account_sid`, `sms_auth_token`, `sms_from`).
#[derive(Clone)]
pub struct Sms {
    client: reqwest::Client,
    endpoint: url::Url,
    account: String,
    token: SecretString,
    /// A number (E.164) or a messaging service SID (`MG…`).
    from: String,
}

impl Sms {
    pub fn new(
        api_url: &url::Url,
        account: &str,
        token: SecretString,
        from: &str,
    ) -> anyhow::Result<Self> {
        let loopback = matches!(
            api_url.host_str(),
            Some("127.0.0.1" | "localhost" | "[::1]")
        );
        anyhow::ensure!(
            api_url.scheme() == "https" || (api_url.scheme() == "http" && loopback),
            "sms_api_url: must start with https:// (http:// only to this machine)"
        );
        anyhow::ensure!(
            !account.is_empty() && account.chars().all(|c| c.is_ascii_alphanumeric()),
            "sms_account_sid: expected the provider's account id (letters and digits)"
        );
        anyhow::ensure!(
            from.starts_with('+') || from.starts_with("MG"),
            "sms_from: expected a number like +13105550134 or a messaging service id (MG…)"
        );
        let endpoint = api_url
            .join(&format!("2010-04-01/Accounts/{account}/Messages.json"))
            .context("sms_api_url: not a base URL")?;
        crate::tls::install_provider();
        let client = reqwest::Client::builder()
            .timeout(SEND_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .context("cannot set up the SMS client")?;
        Ok(Self {
            client,
            endpoint,
            account: account.to_owned(),
            token,
            from: from.to_owned(),
        })
    }

    /// Sends `body` to `to` (E.164).
    pub async fn send(&self, to: &str, body: &str) -> Sent {
        let from_field = if self.from.starts_with("MG") {
            "MessagingServiceSid"
        } else {
            "From"
        };
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("To", to)
            .append_pair(from_field, &self.from)
            .append_pair("Body", body)
            .finish();
        let response = self
            .client
            .post(self.endpoint.clone())
            .basic_auth(&self.account, Some(self.token.expose_secret()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await;
        let response = match response {
            Ok(response) => response,
            Err(error) => {
                return Sent::Retry(format!("the SMS provider cannot be reached: {error}"));
            }
        };
        let status = response.status();
        if status.is_success() {
            return Sent::Accepted;
        }
        // The provider's error code and message say why, and name no patient data we sent
        // (at most the number, which is not logged: see `reason`).
        let detail = response.text().await.unwrap_or_default();
        let code = serde_json::from_str::<serde_json::Value>(&detail)
            .ok()
            .and_then(|json| json.get("code").map(ToString::to_string))
            .unwrap_or_default();
        let reason = format!("the SMS provider answered {status} (code {code})");
        if status.as_u16() == 400 && code == UNSUBSCRIBED {
            Sent::OptedOut
        } else if status.as_u16() == 400 && RECIPIENT_ERRORS.contains(&code.as_str()) {
            Sent::Refused(reason)
        } else if status.as_u16() == 429 || status.is_server_error() {
            Sent::Retry(reason)
        } else {
            // A wrong token, account or URL (401, 403, 404): the settings, not the message.
            // Kept and retried, so nothing is lost while they are put right.
            Sent::Retry(format!("{reason}; check the sms_* settings"))
        }
    }

    /// Whether `signature` is the provider's for a POST to `url` with `params`.
    pub fn verify(&self, url: &str, params: &[(String, String)], signature: &str) -> bool {
        let Ok(given) = base64::engine::general_purpose::STANDARD.decode(signature.trim()) else {
            return false;
        };
        // `verify_slice` compares in constant time.
        signer(&self.token, url, params)
            .verify_slice(&given)
            .is_ok()
    }
}

fn signer(token: &SecretString, url: &str, params: &[(String, String)]) -> Hmac<Sha1> {
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(token.expose_secret().as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(url.as_bytes());
    // Sorted by name; a name sent twice contributes each value, in the order sent.
    let mut sorted: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, value) in params {
        sorted.entry(name).or_default().push(value);
    }
    for (name, values) in sorted {
        for value in values {
            mac.update(name.as_bytes());
            mac.update(value.as_bytes());
        }
    }
    mac
}

/// The signature the provider puts on a POST to `url` with `params` (tests, and local fakes).
pub fn sign(token: &str, url: &str, params: &[(String, String)]) -> String {
    let token = SecretString::from(token.to_owned());
    base64::engine::general_purpose::STANDARD
        .encode(signer(&token, url, params).finalize().into_bytes())
}

/// What a reply means: `Some(true)` opts out, `Some(false)` opts back in, `None` anything else.
/// The words carriers and Twilio treat as such.
pub fn opt_out_word(body: &str) -> Option<bool> {
    match body.trim().to_ascii_uppercase().as_str() {
        "STOP" | "STOPALL" | "UNSUBSCRIBE" | "CANCEL" | "END" | "QUIT" | "OPTOUT" | "REVOKE" => {
            Some(true)
        }
        "START" | "YES" | "UNSTOP" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sms() -> Sms {
        Sms::new(
            &url::Url::parse("https://api.twilio.com").unwrap(),
            "AC0123",
            SecretString::from("12345".to_owned()),
            "+13105550100",
        )
        .unwrap()
    }

    #[test]
    fn twilio_s_own_example_signature_verifies() {
        // The example in Twilio's own documentation snippets (TwilioDevEd/api-snippets).
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        let params: Vec<(String, String)> = [
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+14158675309"),
            ("Digits", "1234"),
            ("From", "+14158675309"),
            ("To", "+18005551212"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .into();
        assert_eq!(sign("12345", url, &params), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
        assert!(sms().verify(url, &params, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
        assert!(!sms().verify(url, &params, "RSOYDt4T1cUTdK1PDd93/VVr8B9="));
        assert!(!sms().verify(url, &params[1..], "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
        assert!(!sms().verify(url, &params, "not base64 at all"));
    }

    #[test]
    fn replies_are_read_as_carriers_read_them() {
        assert_eq!(opt_out_word(" stop "), Some(true));
        assert_eq!(opt_out_word("Unsubscribe"), Some(true));
        assert_eq!(opt_out_word("START"), Some(false));
        assert_eq!(opt_out_word("stop please"), None);
        assert_eq!(opt_out_word("Thanks!"), None);
    }

    #[test]
    fn settings_are_checked_by_name() {
        let bad = |url: &str, account: &str, from: &str| {
            let error = Sms::new(
                &url::Url::parse(url).unwrap(),
                account,
                SecretString::from("t".to_owned()),
                from,
            )
            .err()
            .unwrap();
            error.to_string()
        };
        assert!(bad("http://sms.example", "AC1", "+1310").contains("sms_api_url"));
        assert!(bad("https://sms.example", "AC/../1", "+1310").contains("sms_account_sid"));
        assert!(bad("https://sms.example", "AC1", "Willow").contains("sms_from"));
        assert!(
            Sms::new(
                &url::Url::parse("http://127.0.0.1:9/").unwrap(),
                "AC1",
                SecretString::from("t".to_owned()),
                "MG123"
            )
            .is_ok()
        );
    }
}
