//! Who is asking, by address: the peer of the connection, or, when that peer is a proxy the
//! operator trusts (`--trusted-proxy`), the address the proxy says it forwarded for.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;

use crate::App;
use crate::error::ApiError;

/// The client's address, for rate limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// The client address of a request that came from `peer` with these headers.
///
/// `X-Forwarded-For` is read only when the peer is a trusted proxy, from the right: each proxy
/// appends the address it received from, so the rightmost entry that is not itself a trusted
/// proxy is the first one no trusted party vouches against. A client cannot choose its address
/// by sending the header itself: it lands on the left, behind what the proxy appended.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |addr: &IpAddr| trusted.iter().any(|net| net.contains(addr));
    if !is_trusted(&peer) {
        return peer;
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for entry in forwarded.iter().rev() {
        let Ok(addr) = entry.parse::<IpAddr>() else {
            // Garbage in the chain: trust nothing beyond the last good hop.
            break;
        };
        client = addr;
        if !is_trusted(&addr) {
            break;
        }
    }
    client
}

impl FromRequestParts<Arc<App>> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .ok_or_else(ApiError::internal)?;
        Ok(ClientAddr(client_address(
            peer,
            &parts.headers,
            &app.config.trusted_proxies,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", value.parse().expect("header"));
        }
        headers
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("address")
    }

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_proxy() {
        let proxy: Vec<IpNet> = vec!["10.0.0.0/8".parse().expect("net")];
        let forged = headers(&["203.0.113.9"]);
        assert_eq!(
            client_address(ip("198.51.100.1"), &forged, &proxy),
            ip("198.51.100.1")
        );
        assert_eq!(
            client_address(ip("10.0.0.5"), &forged, &proxy),
            ip("203.0.113.9")
        );
        assert_eq!(client_address(ip("10.0.0.5"), &forged, &[]), ip("10.0.0.5"));
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let proxies: Vec<IpNet> = vec!["10.0.0.0/8".parse().expect("net")];
        // The client sent a forged entry; the proxy appended the real address after it.
        let chain = headers(&["1.2.3.4, 203.0.113.9", "10.0.0.7"]);
        assert_eq!(
            client_address(ip("10.0.0.5"), &chain, &proxies),
            ip("203.0.113.9")
        );
        let garbage = headers(&["203.0.113.9, not-an-address"]);
        assert_eq!(
            client_address(ip("10.0.0.5"), &garbage, &proxies),
            ip("10.0.0.5")
        );
        let v6 = headers(&["2001:db8::1"]);
        assert_eq!(
            client_address(ip("10.0.0.5"), &v6, &proxies),
            ip("2001:db8::1")
        );
    }
}
