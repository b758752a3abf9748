//! The `Host` a request names (`:authority` on HTTP/2) must be the site's own: `public_url`'s
//! host, an IP address (how load balancers, probes and local use reach an instance), or
//! `localhost` when pestle listens on loopback. Anything else is answered `421 Misdirected
//! Request` before any handler runs — a page, redirect or link never carries a host an
//! attacker chose (host-header poisoning), and a DNS-rebinding page cannot talk to pestle
//! under its own name.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The host names accepted besides IP addresses, lower-cased.
#[derive(Debug, Clone)]
pub struct Hosts(Arc<[String]>);

impl Hosts {
    pub fn new(public_url: &url::Url, bound: SocketAddr) -> Self {
        let mut names: Vec<String> = public_url
            .host_str()
            .map(|host| host.trim_matches(['[', ']']).to_ascii_lowercase())
            .into_iter()
            .collect();
        if bound.ip().is_loopback() || bound.ip().is_unspecified() {
            names.push("localhost".to_owned());
        }
        Self(names.into())
    }

    /// Whether `authority` (`host[:port]`) names this site.
    pub fn accepts(&self, authority: &str) -> bool {
        let host = match authority.rsplit_once(':') {
            // `[::1]:8080`, `example:8080`; a bare IPv6 address has more than one colon.
            Some((host, port))
                if port.bytes().all(|b| b.is_ascii_digit())
                    && (host.starts_with('[') || !host.contains(':')) =>
            {
                host
            }
            _ => authority,
        };
        let host = host.trim_matches(['[', ']']);
        host.parse::<IpAddr>().is_ok()
            || self
                .0
                .iter()
                .any(|name| name.eq_ignore_ascii_case(host.trim_end_matches('.')))
    }

    /// Whether the request names this site (HTTP/2 `:authority`, else `Host`).
    pub fn accepts_request<B>(&self, request: &axum::http::Request<B>) -> bool {
        let authority = match request.uri().authority() {
            Some(authority) => Some(authority.as_str()),
            None => request
                .headers()
                .get(header::HOST)
                .and_then(|value| value.to_str().ok()),
        };
        authority.is_some_and(|authority| self.accepts(authority))
    }

    /// The answer to a request for another host.
    pub fn misdirected() -> Response {
        (
            StatusCode::MISDIRECTED_REQUEST,
            "This server does not answer for that host name.",
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(bind: &str) -> Hosts {
        Hosts::new(
            &url::Url::parse("https://Pharmacy.example/").unwrap(),
            bind.parse().unwrap(),
        )
    }

    #[test]
    fn the_public_host_addresses_and_local_names_are_accepted_and_nothing_else() {
        let public = hosts("0.0.0.0:443");
        for ok in [
            "pharmacy.example",
            "PHARMACY.EXAMPLE:443",
            "pharmacy.example.",
            "10.0.0.5:8080",
            "127.0.0.1",
            "[::1]:8080",
            "::1",
            "localhost:8080",
        ] {
            assert!(public.accepts(ok), "{ok}");
        }
        for refused in [
            "evil.example",
            "pharmacy.example.evil.example",
            "",
            "localhost.evil",
        ] {
            assert!(!public.accepts(refused), "{refused}");
        }
        assert!(!hosts("10.0.0.5:443").accepts("localhost"));
    }
}
