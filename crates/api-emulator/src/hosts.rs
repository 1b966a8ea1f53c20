//! The `Host` check: a spawned emulator answers only requests addressed to itself, its bound
//! address (and `localhost` on a loopback bind) or its configured public base URLs. Its default
//! API key is public, so without this a page whose name was rebound to 127.0.0.1 (DNS
//! rebinding) could create, list and join every local conversation. The token server checks
//! `Host` with the same rules.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::json;

use crate::error::ApiError;

/// The `Host` header values that address one server.
#[derive(Debug, Clone, Default)]
pub struct OwnHosts(Arc<Vec<String>>);

impl OwnHosts {
    /// The hosts of a server bound at `addr` ([`bound_origins`]) and of `public_urls` (base
    /// URLs such as `https://api.example.test/v1` or `wss://agent.example.test`).
    pub fn new(addr: SocketAddr, public_urls: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
        let origins = bound_origins(addr)
            .into_iter()
            .chain(public_urls.into_iter().map(|u| origin_of(u.as_ref())));
        OwnHosts(Arc::new(origins.flat_map(|o| host_forms(&o)).collect()))
    }

    /// Whether `host` (a `Host` header value) addresses this server.
    pub fn contains(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        self.0.contains(&host)
    }
}

/// The origins of a server bound at `addr`: `http://<addr>`, plus `http://localhost:<port>`
/// for a loopback bind; an unspecified bind (`0.0.0.0`, `::`) gives the loopback ones (other
/// names must be configured).
pub fn bound_origins(addr: SocketAddr) -> Vec<String> {
    let port = addr.port();
    let ip = addr.ip();
    let mut origins = Vec::new();
    if ip.is_unspecified() {
        origins.push(format!("http://127.0.0.1:{port}"));
        if ip.is_ipv6() {
            origins.push(format!("http://[::1]:{port}"));
        }
    } else {
        origins.push(format!("http://{addr}"));
    }
    if ip.is_loopback() || ip.is_unspecified() {
        origins.push(format!("http://localhost:{port}"));
    }
    origins
}

/// `scheme://authority` of a URL (its path dropped), lower-cased.
fn origin_of(url: &str) -> String {
    let url = url.trim().to_ascii_lowercase();
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", &url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    format!("{scheme}://{authority}")
}

/// `Host` values naming `origin`: its authority, and with the scheme's default port added or
/// removed (`http://a:80` is addressed as `a` too).
pub fn host_forms(origin: &str) -> Vec<String> {
    let (scheme, authority) = origin.split_once("://").unwrap_or(("http", origin));
    let default_port = if matches!(scheme, "https" | "wss") {
        "443"
    } else {
        "80"
    };
    let authority = authority.to_ascii_lowercase();
    // A port follows the last `:` unless that `:` is inside an IPv6 literal.
    let port_at = authority
        .rfind(':')
        .filter(|&at| !authority[at..].contains(']'));
    let mut forms = vec![authority.clone()];
    match port_at {
        Some(at) if &authority[at + 1..] == default_port => forms.push(authority[..at].to_owned()),
        Some(_) => {}
        None => forms.push(format!("{authority}:{default_port}")),
    }
    forms
}

/// The host a request is addressed to: its `Host` header, or the URI's authority (HTTP/2).
pub fn request_host<'r>(headers: &'r HeaderMap, uri: &'r Uri) -> Option<&'r str> {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()))
}

/// `router` answering 403 `forbidden` to any request not addressed to one of `hosts`.
pub fn check_hosts(router: Router, hosts: OwnHosts) -> Router {
    router.layer(middleware::from_fn_with_state(hosts, check_host))
}

async fn check_host(State(hosts): State<OwnHosts>, request: Request, next: Next) -> Response {
    let host = request_host(request.headers(), request.uri());
    if !host.is_some_and(|h| hosts.contains(h)) {
        let shown: String = host.unwrap_or("(none)").chars().take(100).collect();
        tracing::warn!(host = %shown, "refused a request for another host (DNS rebinding?)");
        return ApiError::forbidden(
            "This server does not answer for that host; set --public-base-url if it is ours.",
        )
        .with_data(json!({ "host": shown }))
        .into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_hosts_are_the_bound_address_localhost_and_the_public_urls() {
        let hosts = OwnHosts::new(
            "127.0.0.1:4010".parse().unwrap(),
            ["https://API.example.test/v1/", "wss://agent.example.test"],
        );
        for host in [
            "127.0.0.1:4010",
            "localhost:4010",
            "LOCALHOST:4010",
            "api.example.test",
            "api.example.test:443",
            "agent.example.test",
        ] {
            assert!(hosts.contains(host), "{host} is ours");
        }
        for host in [
            "evil.example:4010",
            "127.0.0.1:4011",
            "127.0.0.1",
            "api.example.test:80",
            "",
        ] {
            assert!(!hosts.contains(host), "{host} is not ours");
        }
        let v6 = OwnHosts::new("[::1]:9000".parse().unwrap(), [""; 0]);
        assert!(v6.contains("[::1]:9000") && v6.contains("localhost:9000"));
        assert_eq!(
            bound_origins("0.0.0.0:9000".parse().unwrap()),
            ["http://127.0.0.1:9000", "http://localhost:9000"]
        );
        assert_eq!(
            bound_origins("192.168.1.5:9000".parse().unwrap()),
            ["http://192.168.1.5:9000"]
        );
    }
}
