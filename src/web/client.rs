//! The client's address. Directly connected clients are who they are; behind a reverse proxy
//! every connection comes from the proxy, so a proxy listed in `trusted_proxies` may say who the
//! client is, in `Forwarded` (RFC 7239) or `X-Forwarded-For`. The address used is the rightmost
//! one not itself a trusted proxy: proxies append, so anything left of that was written by the
//! client and may be forged. Anyone else's header is ignored.
//!
//! The result replaces the request's `ConnectInfo`, so the rate limits, the sign-in brake and the
//! audit trail all see the client, never the proxy.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request};
use axum::http::HeaderMap;

use crate::config::TrustedProxies;

/// Puts the client's address in `ConnectInfo` (the peer's, unless the peer is a trusted proxy).
pub async fn resolve(trusted: Arc<TrustedProxies>, mut request: Request) -> Request {
    if trusted.0.is_empty() {
        return request;
    }
    if let Some(ConnectInfo(peer)) = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .copied()
    {
        let client = address(peer.ip(), request.headers(), &trusted);
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::new(client, peer.port())));
    }
    request
}

/// The client's address for a request from `peer`.
pub fn address(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> IpAddr {
    if !trusted.contains(peer) {
        return peer;
    }
    // The chain as the proxies wrote it, nearest last; `Forwarded` wins when both are present.
    let chain = forwarded(headers).unwrap_or_else(|| x_forwarded_for(headers));
    chain
        .into_iter()
        .rev()
        .find(|ip| !trusted.contains(*ip))
        .unwrap_or(peer)
}

/// The `for=` addresses of every `Forwarded` header, in order; `None` when there is none.
fn forwarded(headers: &HeaderMap) -> Option<Vec<IpAddr>> {
    let mut found = None;
    for value in headers.get_all("forwarded") {
        let list: &mut Vec<IpAddr> = found.get_or_insert_with(Vec::new);
        let Ok(text) = value.to_str() else { continue };
        for element in text.split(',') {
            let Some(node) = element.split(';').find_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                key.trim()
                    .eq_ignore_ascii_case("for")
                    .then_some(value.trim())
            }) else {
                continue;
            };
            list.extend(parse_node(node.trim_matches('"')));
        }
    }
    found
}

/// A `for=` node: `192.0.2.7`, `192.0.2.7:4711`, `[2001:db8::1]` or `[2001:db8::1]:4711`
/// (obfuscated names like `_hidden` and `unknown` give nothing).
fn parse_node(node: &str) -> Option<IpAddr> {
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    node.parse()
        .ok()
        .or_else(|| node.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

fn x_forwarded_for(headers: &HeaderMap) -> Vec<IpAddr> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|text| text.split(','))
        .filter_map(|item| parse_node(item.trim()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trusted(ranges: &[&str]) -> TrustedProxies {
        TrustedProxies(ranges.iter().map(|r| r.parse().unwrap()).collect())
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peers_headers_are_ignored() {
        let h = headers(&[("x-forwarded-for", "198.51.100.1")]);
        assert_eq!(
            address(ip("203.0.113.5"), &h, &trusted(&["10.0.0.0/8"])),
            ip("203.0.113.5")
        );
        assert_eq!(
            address(ip("203.0.113.5"), &h, &trusted(&[])),
            ip("203.0.113.5")
        );
    }

    #[test]
    fn a_trusted_proxy_names_the_client_and_a_forged_left_part_is_skipped() {
        let proxies = trusted(&["10.0.0.0/8"]);
        // The client forged 1.2.3.4; our proxy appended the address it saw.
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 198.51.100.7")]);
        assert_eq!(address(ip("10.0.0.2"), &h, &proxies), ip("198.51.100.7"));
        // Two of our proxies in a row: the one nearest the client is skipped too.
        let h = headers(&[("x-forwarded-for", "198.51.100.7, 10.0.0.9")]);
        assert_eq!(address(ip("10.0.0.2"), &h, &proxies), ip("198.51.100.7"));
        // No header: the proxy itself.
        assert_eq!(
            address(ip("10.0.0.2"), &HeaderMap::new(), &proxies),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn forwarded_is_read_with_ports_brackets_and_quotes_and_wins_over_x_forwarded_for() {
        let proxies = trusted(&["127.0.0.1"]);
        let h = headers(&[
            (
                "forwarded",
                "for=1.2.3.4, for=\"[2001:db8::17]:4711\";proto=https",
            ),
            ("x-forwarded-for", "198.51.100.7"),
        ]);
        assert_eq!(address(ip("127.0.0.1"), &h, &proxies), ip("2001:db8::17"));
        let h = headers(&[("forwarded", "for=198.51.100.9:5000;by=10.0.0.1")]);
        assert_eq!(address(ip("127.0.0.1"), &h, &proxies), ip("198.51.100.9"));
        let h = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(address(ip("127.0.0.1"), &h, &proxies), ip("127.0.0.1"));
    }
}
