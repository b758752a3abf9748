//! Cross-site request forgery protection for the request forms: a random token in a cookie and
//! the same token in the form (a site elsewhere can make a browser post, but cannot read or set
//! our cookie), plus the `Origin` (or `Referer`) of the post must be this site.

use std::collections::HashMap;

use axum::http::{HeaderMap, HeaderValue, header};
use chacha20poly1305::aead::{OsRng, rand_core::RngCore};

/// The form field and the cookie carrying the token.
pub const FIELD: &str = "csrf_token";
const COOKIE: &str = "pestle_csrf";

pub fn new_token() -> String {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// `Set-Cookie` for a token: HttpOnly, SameSite=Strict (the request forms and "Share your
/// experience" use it).
pub fn cookie(token: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=7200{secure}"
    ))
    .unwrap_or(HeaderValue::from_static("pestle_csrf=; Path=/"))
}

/// Ok when the post carries our token in both places and comes from this site.
pub fn check(headers: &HeaderMap, fields: &HashMap<String, String>) -> Result<(), &'static str> {
    let field = fields.get(FIELD).map(String::as_str).unwrap_or_default();
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value);
    match cookie {
        None => return Err("no token cookie"),
        Some(cookie)
            if field.len() != 64 || !constant_time_eq(cookie.as_bytes(), field.as_bytes()) =>
        {
            return Err("token mismatch");
        }
        Some(_) => {}
    }
    same_origin(headers)
}

/// Ok when a staff form carries its session's token (synchronizer pattern) and was posted from
/// this site.
pub fn check_session_token(
    expected: &str,
    sent: &str,
    headers: &HeaderMap,
) -> Result<(), &'static str> {
    if !constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
        return Err("token mismatch");
    }
    same_origin(headers)
}

/// Ok when the post's `Origin` (or `Referer`) is this site (the `Host` it was sent to).
pub fn same_origin(headers: &HeaderMap) -> Result<(), &'static str> {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .ok_or("no Host header")?;
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok())
        .ok_or("no Origin or Referer")?;
    let source_host = url::Url::parse(source)
        .ok()
        .and_then(|u| {
            u.host_str().map(|h| match u.port() {
                Some(port) => format!("{h}:{port}"),
                None => h.to_owned(),
            })
        })
        .ok_or("unreadable Origin")?;
    if source_host.eq_ignore_ascii_case(host) {
        Ok(())
    } else {
        Err("cross-origin post")
    }
}

/// Compares without stopping at the first difference, so timing reveals nothing.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(pairs: &[(&'static str, &str)], token_field: &str) -> Result<(), &'static str> {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, HeaderValue::from_str(value).unwrap());
        }
        let fields = HashMap::from([(FIELD.to_owned(), token_field.to_owned())]);
        check(&headers, &fields)
    }

    #[test]
    fn token_in_cookie_and_form_and_a_same_site_origin_pass() {
        let token = new_token();
        let cookie = format!("other=1; {COOKIE}={token}");
        let ok = [
            ("host", "pharmacy.example"),
            ("cookie", cookie.as_str()),
            ("origin", "https://pharmacy.example"),
        ];
        assert_eq!(post(&ok, &token), Ok(()));
        let referer = [
            ("host", "127.0.0.1:8080"),
            ("cookie", cookie.as_str()),
            ("referer", "http://127.0.0.1:8080/requests/refill"),
        ];
        assert_eq!(post(&referer, &token), Ok(()));
    }

    #[test]
    fn anything_missing_or_foreign_is_refused() {
        let token = new_token();
        let cookie = format!("{COOKIE}={token}");
        let c = cookie.as_str();
        assert_eq!(
            post(
                &[("host", "a.example"), ("origin", "https://a.example")],
                &token
            ),
            Err("no token cookie")
        );
        assert_eq!(
            post(
                &[
                    ("host", "a.example"),
                    ("cookie", c),
                    ("origin", "https://a.example")
                ],
                &new_token()
            ),
            Err("token mismatch")
        );
        assert_eq!(
            post(
                &[
                    ("host", "a.example"),
                    ("cookie", c),
                    ("origin", "https://a.example")
                ],
                ""
            ),
            Err("token mismatch")
        );
        assert_eq!(
            post(
                &[
                    ("host", "a.example"),
                    ("cookie", c),
                    ("origin", "https://evil.example")
                ],
                &token
            ),
            Err("cross-origin post")
        );
        assert_eq!(
            post(&[("host", "a.example"), ("cookie", c)], &token),
            Err("no Origin or Referer")
        );
    }
}
