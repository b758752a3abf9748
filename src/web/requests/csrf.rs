//! Cross-site request forgery protection for every form. A post must come from one of this
//! site's own origins — scheme, host and port exactly: `public_url`, or the address the server
//! is bound to, for local use — by its `Origin` (or `Referer`). Staff forms also carry their
//! session's token. The public forms have no session, so they carry a signed double submit: the
//! same token in a cookie and in the form, and only tokens this server minted (a time and a
//! nonce with their HMAC, under a key derived from the data key) pass — a cookie planted from a
//! sibling subdomain or over plain HTTP is not enough, and a token lives only as long as its
//! cookie.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use axum::http::{HeaderMap, HeaderValue, header};
use chacha20poly1305::aead::{OsRng, rand_core::RngCore};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::requests::DataKeys;

/// The cookie carrying the token (every form carries it in its `csrf_token` field too).
const COOKIE: &str = "pestle_csrf";
/// How long a public form's token is good for: as long as its cookie.
const LIFETIME_SECS: u64 = 7200;
/// Clock difference tolerated between the instance that minted a token and the one checking it.
const CLOCK_SKEW_SECS: u64 = 60;
/// Separates the token key from every other key derived from the data key.
const KEY_LABEL: &str = "pestle csrf form token v1";
/// Token layout: issued-at seconds (8 bytes, big-endian), nonce (8), HMAC-SHA256 cut to 16.
const SIGNED_LEN: usize = 16;
const TOKEN_LEN: usize = 32;

/// The origins a form may be posted from. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Origins(Arc<[url::Origin]>);

impl Origins {
    /// `public_url`'s origin, and `http://` at the bound address. Bound to every interface, the
    /// local use is through loopback; `localhost` is accepted for a loopback address too.
    pub fn new(public_url: &url::Url, bound: SocketAddr) -> Self {
        let ips: Vec<IpAddr> = match bound.ip() {
            ip if ip.is_unspecified() => {
                vec![Ipv4Addr::LOCALHOST.into(), Ipv6Addr::LOCALHOST.into()]
            }
            ip => vec![ip],
        };
        let mut hosts: Vec<String> = ips
            .iter()
            .map(|ip| SocketAddr::new(*ip, bound.port()).to_string())
            .collect();
        if ips.iter().any(IpAddr::is_loopback) {
            hosts.push(format!("localhost:{}", bound.port()));
        }
        let mut origins = vec![public_url.origin()];
        origins.extend(
            hosts
                .iter()
                .filter_map(|host| url::Url::parse(&format!("http://{host}")).ok())
                .map(|url| url.origin()),
        );
        Self(origins.into())
    }

    /// Ok when the post's `Origin` (or, without one, its `Referer`) is one of these origins.
    fn check(&self, headers: &HeaderMap) -> Result<(), &'static str> {
        let source = headers
            .get(header::ORIGIN)
            .or_else(|| headers.get(header::REFERER))
            .and_then(|v| v.to_str().ok())
            .ok_or("no Origin or Referer")?;
        let origin = url::Url::parse(source)
            .map_err(|_| "unreadable Origin")?
            .origin();
        if self.0.contains(&origin) {
            Ok(())
        } else {
            Err("cross-origin post")
        }
    }
}

/// Mints and verifies the public forms' tokens.
pub struct FormTokens {
    key: [u8; 32],
}

impl std::fmt::Debug for FormTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key.
        f.write_str("FormTokens")
    }
}

impl FormTokens {
    /// The key comes from the data key, so every instance sharing a database accepts the
    /// tokens any of them minted, and there is no new secret to configure.
    pub fn new(keys: &DataKeys) -> Self {
        Self {
            key: keys.derive(KEY_LABEL),
        }
    }

    /// A fresh token, for a form page and its cookie.
    pub fn mint(&self) -> String {
        self.mint_at(now_secs())
    }

    fn mint_at(&self, now: u64) -> String {
        let mut token = [0_u8; TOKEN_LEN];
        token[..8].copy_from_slice(&now.to_be_bytes());
        OsRng.fill_bytes(&mut token[8..SIGNED_LEN]);
        let tag = self.tag(&token[..SIGNED_LEN]);
        token[SIGNED_LEN..].copy_from_slice(&tag[..TOKEN_LEN - SIGNED_LEN]);
        hex::encode(token)
    }

    /// Whether this server minted `token` and it has not expired.
    fn verify_at(&self, token: &str, now: u64) -> bool {
        let Some(bytes) = hex::decode(token)
            .ok()
            .and_then(|b| <[u8; TOKEN_LEN]>::try_from(b).ok())
        else {
            return false;
        };
        let (signed, tag) = bytes.split_at(SIGNED_LEN);
        if !constant_time_eq(&self.tag(signed)[..TOKEN_LEN - SIGNED_LEN], tag) {
            return false;
        }
        let mut issued = [0_u8; 8];
        issued.copy_from_slice(&signed[..8]);
        let issued = u64::from_be_bytes(issued);
        issued <= now.saturating_add(CLOCK_SKEW_SECS) && now.saturating_sub(issued) <= LIFETIME_SECS
    }

    fn tag(&self, signed: &[u8]) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
        mac.update(signed);
        mac.finalize().into_bytes().into()
    }
}

fn now_secs() -> u64 {
    u64::try_from(jiff::Timestamp::now().as_second()).unwrap_or(0)
}

/// `Set-Cookie` for a token: HttpOnly, SameSite=Strict (the request forms and "Share your
/// experience" use it).
pub fn cookie(token: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={LIFETIME_SECS}{secure}"
    ))
    .unwrap_or(HeaderValue::from_static("pestle_csrf=; Path=/"))
}

/// Ok when a public form's post carries one token we minted, in the cookie and in the form
/// (`sent`), and comes from one of our origins.
pub fn check(
    tokens: &FormTokens,
    origins: &Origins,
    headers: &HeaderMap,
    sent: &str,
) -> Result<(), &'static str> {
    check_at(tokens, origins, headers, sent, now_secs())
}

fn check_at(
    tokens: &FormTokens,
    origins: &Origins,
    headers: &HeaderMap,
    sent: &str,
    now: u64,
) -> Result<(), &'static str> {
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value)
        .ok_or("no token cookie")?;
    if !constant_time_eq(cookie.as_bytes(), sent.as_bytes()) {
        return Err("token mismatch");
    }
    if !tokens.verify_at(sent, now) {
        return Err("token not minted here, or expired");
    }
    origins.check(headers)
}

/// Ok when a staff form carries its session's token (synchronizer pattern) and was posted from
/// one of our origins.
pub fn check_session_token(
    origins: &Origins,
    expected: &str,
    sent: &str,
    headers: &HeaderMap,
) -> Result<(), &'static str> {
    if !constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
        return Err("token mismatch");
    }
    origins.check(headers)
}

/// Ok when the post's `Origin` (or `Referer`) is one of ours (forms posted before a session
/// exists: signing in, a setup link).
pub fn same_origin(origins: &Origins, headers: &HeaderMap) -> Result<(), &'static str> {
    origins.check(headers)
}

/// Compares without stopping at the first difference, so timing reveals nothing.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "k1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    const OTHER_KEY: &str = "k2 1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100";
    const NOW: u64 = 1_800_000_000;

    fn tokens(key: &str) -> FormTokens {
        FormTokens::new(&DataKeys::parse(key).unwrap())
    }

    fn origins(public_url: &str, bound: &str) -> Origins {
        Origins::new(&public_url.parse().unwrap(), bound.parse().unwrap())
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    fn from(origins: &Origins, origin: &str) -> Result<(), &'static str> {
        same_origin(origins, &headers(&[("origin", origin)]))
    }

    #[test]
    fn origins_match_scheme_host_and_port_exactly() {
        let site = origins("https://pharmacy.example/", "0.0.0.0:8080");
        assert_eq!(from(&site, "https://pharmacy.example"), Ok(()));
        assert_eq!(
            from(&site, "https://PHARMACY.example:443"),
            Ok(()),
            "same origin"
        );
        for foreign in [
            "http://pharmacy.example",
            "https://pharmacy.example:8443",
            "https://evil.example",
            "https://pharmacy.example.evil.example",
            "http://10.0.0.5:8080",
        ] {
            assert_eq!(from(&site, foreign), Err("cross-origin post"), "{foreign}");
        }
        assert_eq!(from(&site, "null"), Err("unreadable Origin"));
        let referer = headers(&[("referer", "https://pharmacy.example/requests/refill")]);
        assert_eq!(same_origin(&site, &referer), Ok(()));
        assert_eq!(
            same_origin(&site, &headers(&[("host", "pharmacy.example")])),
            Err("no Origin or Referer")
        );
    }

    #[test]
    fn the_bound_address_is_accepted_for_local_use() {
        let default = origins("http://localhost:8080/", "127.0.0.1:41234");
        for local in [
            "http://127.0.0.1:41234",
            "http://localhost:41234",
            "http://localhost:8080",
        ] {
            assert_eq!(from(&default, local), Ok(()), "{local}");
        }
        for foreign in [
            "https://127.0.0.1:41234",
            "http://127.0.0.1:41235",
            "http://127.0.0.2:41234",
        ] {
            assert_eq!(
                from(&default, foreign),
                Err("cross-origin post"),
                "{foreign}"
            );
        }
        let everywhere = origins("https://pharmacy.example/", "[::]:8080");
        assert_eq!(from(&everywhere, "http://[::1]:8080"), Ok(()));
        assert_eq!(from(&everywhere, "http://127.0.0.1:8080"), Ok(()));
        let lan = origins("https://pharmacy.example/", "192.168.1.5:8080");
        assert_eq!(from(&lan, "http://192.168.1.5:8080"), Ok(()));
        assert_eq!(
            from(&lan, "http://localhost:8080"),
            Err("cross-origin post")
        );
    }

    #[test]
    fn only_tokens_minted_here_and_still_fresh_verify() {
        let ours = tokens(KEY);
        let token = ours.mint_at(NOW);
        assert_eq!(token.len(), 64);
        assert!(ours.verify_at(&token, NOW));
        assert!(
            ours.verify_at(&token, NOW + LIFETIME_SECS),
            "good for its lifetime"
        );
        assert!(
            !ours.verify_at(&token, NOW + LIFETIME_SECS + 1),
            "then expired"
        );
        assert!(
            ours.verify_at(&token, NOW - CLOCK_SKEW_SECS),
            "another instance's clock"
        );
        assert!(
            !ours.verify_at(&token, NOW - CLOCK_SKEW_SECS - 1),
            "not from the future"
        );
        assert!(
            tokens(KEY).verify_at(&token, NOW),
            "every instance with the key agrees"
        );
        assert!(
            !tokens(OTHER_KEY).verify_at(&token, NOW),
            "another key never"
        );
        assert_ne!(ours.mint_at(NOW), token, "a nonce in each");
        let mut altered = hex::decode(&token).unwrap();
        altered[0] ^= 1; // the time, pushed back
        assert!(!ours.verify_at(&hex::encode(altered), NOW));
        for forged in ["", "zz", &"0".repeat(64), &"a".repeat(64), &token[..62]] {
            assert!(!ours.verify_at(forged, NOW), "{forged}");
        }
    }

    #[test]
    fn a_public_form_needs_one_minted_token_in_cookie_and_form_from_our_origin() {
        let ours = tokens(KEY);
        let site = origins("http://localhost:8080/", "127.0.0.1:8080");
        let token = ours.mint_at(NOW);
        let post = |cookie: &str, field: &str, origin: &str| {
            let cookie = format!("other=1; {COOKIE}={cookie}");
            let headers = headers(&[("cookie", &cookie), ("origin", origin)]);
            check_at(&ours, &site, &headers, field, NOW)
        };
        assert_eq!(post(&token, &token, "http://127.0.0.1:8080"), Ok(()));
        assert_eq!(
            post(&token, &ours.mint_at(NOW), "http://127.0.0.1:8080"),
            Err("token mismatch")
        );
        assert_eq!(
            post(&token, "", "http://127.0.0.1:8080"),
            Err("token mismatch")
        );
        let planted = "ab".repeat(32);
        assert_eq!(
            post(&planted, &planted, "http://127.0.0.1:8080"),
            Err("token not minted here, or expired"),
            "an attacker's own pair"
        );
        assert_eq!(
            post(&token, &token, "https://127.0.0.1:8080"),
            Err("cross-origin post")
        );
        let no_cookie = headers(&[("origin", "http://127.0.0.1:8080")]);
        assert_eq!(
            check_at(&ours, &site, &no_cookie, &token, NOW),
            Err("no token cookie")
        );
    }

    #[test]
    fn staff_forms_need_their_session_token_and_our_origin() {
        let site = origins("https://pharmacy.example/", "127.0.0.1:8080");
        let ok = headers(&[("origin", "https://pharmacy.example")]);
        assert_eq!(check_session_token(&site, "abc", "abc", &ok), Ok(()));
        assert_eq!(
            check_session_token(&site, "abc", "abd", &ok),
            Err("token mismatch")
        );
        let http = headers(&[("origin", "http://pharmacy.example")]);
        assert_eq!(
            check_session_token(&site, "abc", "abc", &http),
            Err("cross-origin post")
        );
    }
}
